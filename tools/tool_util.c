/* SPDX-License-Identifier: MIT */
/* Errors, numbers, and the Ctrl-C-aware wait that every subcommand uses. */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tool.h"

volatile sig_atomic_t stop_requested;

static void verror(const char *kind, const char *fmt, va_list ap)
{
	fprintf(stderr, "tpbpf: %s: ", kind);
	vfprintf(stderr, fmt, ap);
}

int tool_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror("error", fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EXIT_FAIL;
}

int tool_lib_error(int err, const char *fmt, ...)
{
	const char *detail = tpbpf_error_detail();
	va_list ap;

	va_start(ap, fmt);
	verror("error", fmt, ap);
	va_end(ap);
	if (detail[0])
		fprintf(stderr, ": %s\n", detail);
	else
		fprintf(stderr, ": %s\n", strerror(err < 0 ? -err : err));
	return EXIT_FAIL;
}

int tool_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror("usage error", fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see: tpbpf %s%s--help)\n", cmd ? cmd : "", cmd ? " " : "");
	return EXIT_USAGE;
}

bool parse_uint(const char *cmd, const char *opt, const char *arg,
		unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	if (!arg || arg[0] < '0' || arg[0] > '9')
		goto bad;
	v = strtoul(arg, &end, 10);
	if (errno || *end || v > max)
		goto bad;
	*out = v;
	return true;
bad:
	tool_usage_error(cmd, "%s wants a whole number from 0 to %lu, not '%s'", opt,
			 max, arg ? arg : "");
	return false;
}

int tool_set_const(const char *cmd, struct tpbpf_object *obj, const char *name,
		   unsigned long long value)
{
	int err = tpbpf_object_set_const(obj, name, value);

	return err ? tool_lib_error(err, "%s", cmd) : 0;
}

int const_option(const char *cmd, struct tpbpf_object *obj, const char *spec)
{
	const char *eq = strchr(spec, '=');
	char name[128], *end;
	unsigned long long v;
	int err;

	if (!eq || eq == spec || (size_t)(eq - spec) >= sizeof(name))
		return tool_usage_error(cmd, "--const wants NAME=VALUE, not '%s'", spec);
	errno = 0;
	v = strtoull(eq + 1, &end, 0);
	if (!eq[1] || *end || errno)
		return tool_usage_error(cmd, "--const %s: VALUE must be a number", spec);
	memcpy(name, spec, (size_t)(eq - spec));
	name[eq - spec] = '\0';
	err = tpbpf_object_set_const(obj, name, v);
	return err ? tool_lib_error(err, "--const %s", spec) : 0;
}

/* TEXT as an integer that fits SIZE bytes, signed or unsigned. */
static bool parse_int(const char *text, size_t size, unsigned long long *out)
{
	char *end;

	errno = 0;
	if (text[0] == '-') {
		long long v = strtoll(text, &end, 0);

		if (*end || errno || (size < 8 && v < -(1LL << (size * 8 - 1))))
			return false;
		*out = (unsigned long long)v;
		return true;
	}
	*out = strtoull(text, &end, 0);
	return !*end && !errno && (size >= 8 || !(*out >> (size * 8)));
}

/*
 * --set NAME=VALUE: a global variable's initial value. A number (decimal,
 * 0x hex, negative) or true/false fills the variable's size, little-endian,
 * and must fit it; any other text is a string for a char array, which must
 * leave room for its NUL.
 */
int set_option(const char *cmd, struct tpbpf_object *obj, const char *spec)
{
	const char *eq = strchr(spec, '='), *text;
	unsigned char bytes[4096] = { 0 };
	unsigned long long v;
	char name[128];
	size_t size;
	int err;

	if (!eq || eq == spec || (size_t)(eq - spec) >= sizeof(name))
		return tool_usage_error(cmd, "--set wants NAME=VALUE, not '%s'", spec);
	memcpy(name, spec, (size_t)(eq - spec));
	name[eq - spec] = '\0';
	text = eq + 1;
	err = tpbpf_object_global(obj, name, &size, NULL);
	if (err)
		return tool_lib_error(err, "--set %s", spec);
	if (size == 0 || size > sizeof(bytes))
		return tool_error("--set %s: variable %s is %zu bytes: not settable", spec, name, size);
	if (strcmp(text, "true") == 0 || strcmp(text, "false") == 0) {
		bytes[0] = text[0] == 't';
	} else if (size <= 8 && (isdigit((unsigned char)text[0]) ||
				 (text[0] == '-' && isdigit((unsigned char)text[1])))) {
		if (!parse_int(text, size, &v))
			return tool_usage_error(cmd, "--set %s: %s is not a number that fits the %zu bytes of %s",
						spec, text, size, name);
		for (size_t i = 0; i < size; i++)
			bytes[i] = (unsigned char)(v >> (8 * i));
	} else {
		if (strlen(text) >= size)
			return tool_usage_error(cmd, "--set %s: the text is %zu bytes; %s holds %zu with its NUL",
						spec, strlen(text), name, size);
		memcpy(bytes, text, strlen(text));
	}
	err = tpbpf_object_set_global(obj, name, bytes, size);
	return err ? tool_lib_error(err, "--set %s", spec) : 0;
}

int apply_options(int (*option)(const char *cmd, struct tpbpf_object *obj, const char *spec),
		  const char *cmd, struct tpbpf_object *obj, const char *const *specs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int rc = option(cmd, obj, specs[i]);

		if (rc)
			return rc;
	}
	return 0;
}

int open_object_arg(const char *cmd, int argc, char **argv, struct tpbpf_object **obj)
{
	int err;

	*obj = NULL;
	if (optind != argc - 1)
		return tool_usage_error(cmd, optind >= argc ? "OBJECT.o is required" :
					"one OBJECT.o only");
	err = tpbpf_object_open_file(argv[optind], obj);
	return err ? tool_lib_error(err, "%s %s", cmd, argv[optind]) : 0;
}

const char *clock_stamp(char *buf, size_t len)
{
	time_t now = time(NULL);
	struct tm tm;

	if (!localtime_r(&now, &tm) || !strftime(buf, len, "%H:%M:%S", &tm))
		snprintf(buf, len, "?");
	return buf;
}

static void on_stop(int sig)
{
	(void)sig;
	stop_requested = 1;
}

void install_stop_handlers(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: a signal must cut a blocking wait short. */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

void block_stop_signals(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);
}

unsigned long long monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ULL + (unsigned long long)ts.tv_nsec;
}

static double now_s(void)
{
	return (double)monotonic_ns() / 1e9;
}

int run_until_stop(unsigned long duration_s, poll_fn poll, void *ctx)
{
	double end = now_s() + (double)duration_s;

	while (!stop_requested) {
		int timeout_ms = 100;
		double left = end - now_s();

		if (duration_s) {
			if (left <= 0)
				break;
			if (left * 1000 < timeout_ms)
				timeout_ms = (int)(left * 1000) + 1;
		}
		if (poll) {
			int ret = poll(ctx, timeout_ms);

			if (ret < 0 && ret != -EINTR)
				return ret;
		} else {
			struct timespec ts = { 0, (long)timeout_ms * 1000000L };

			nanosleep(&ts, NULL);
		}
	}
	return 0;
}
