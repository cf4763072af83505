/* SPDX-License-Identifier: MIT */
/*
 * tpbpf raw-tracepoint NAME: count the hits of raw tracepoint NAME
 * (BPF_RAW_TRACEPOINT_OPEN; raw names have no category: sys_enter,
 * sched_switch, net_dev_queue). Prints the hits of each second and the
 * total at the end; with --args N, instead one line per hit with its
 * first N raw arguments in hex.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tool.h"
#include "percpu_counter.h"
#include "../progs/raw_tracepoint.h"

#define CMD "raw-tracepoint"

struct raw_tp_run {
	struct session s;
	const char *name;
	unsigned long nr_args;
	struct tpbpf_map *hits;
	unsigned long long start_ns, last_total;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: tpbpf raw-tracepoint NAME [-d SECS] [-p PID] [--json] [--stats] [--args N]\n\n"
		"Count the hits of raw tracepoint NAME, attached with BPF_RAW_TRACEPOINT_OPEN.\n"
		"Raw names have no category: sys_enter, sched_switch, net_dev_queue.\n"
		"Prints the hits of each second and the total at the end.\n\n"
		COMMON_OPTS_HELP
		"  --args N             print each hit's first N raw arguments (1-%d) in hex, one\n"
		"                       line per hit, instead of the hits per second (the total\n"
		"                       still ends the output); the kernel refuses N larger than\n"
		"                       what the tracepoint passes (sys_enter passes 2: regs, id)\n"
		"  -h, --help           this help\n", RAW_TP_MAX_ARGS);
}

/* Whether the program with --args N attaches to raw tracepoint NAME. */
static bool attaches_with(const char *name, unsigned long n)
{
	struct tpbpf_object *obj = NULL;
	struct tpbpf_program *prog;
	bool ok = false;

	if (embedded_object_open("raw_tracepoint", &obj) == 0 &&
	    tpbpf_object_set_const(obj, "target_pid", 0) == 0 &&
	    tpbpf_object_set_const(obj, "nr_args", n) == 0 &&
	    (prog = tpbpf_object_find_program(obj, "raw_tp_count")) != NULL) {
		tpbpf_program_set_autoattach(prog, false);
		ok = tpbpf_object_load(obj) == 0 &&
		     tpbpf_program_attach_raw_tracepoint(prog, name, NULL) == 0;
	}
	tpbpf_object_close(obj);
	return ok;
}

/*
 * The kernel refuses a raw tracepoint program that reads more arguments
 * than the tracepoint passes (EINVAL; EACCES on some kernels), and the
 * error does not say how many it passes. Find out by trying fewer: only on
 * this error path, a load each.
 */
static int explain_too_many_args(struct raw_tp_run *r, int err)
{
	unsigned long n = r->nr_args;

	while (n > 0 && !attaches_with(r->name, n - 1))
		n--;
	if (n == 0)
		return tool_lib_error(err, CMD ": raw tracepoint %s", r->name);
	return tool_error(CMD ": --args %lu: raw tracepoint %s passes only %lu argument%s, and the kernel refuses a program that reads more (%s); use --args %lu or less",
			  r->nr_args, r->name, n - 1, n - 1 == 1 ? "" : "s",
			  strerror(-err), n - 1);
}

static void on_hit(void *ctx, int cpu, const void *data, uint32_t size)
{
	struct raw_tp_run *r = ctx;
	struct outbuf *o = &stdout_buf;
	struct raw_tp_event ev;

	(void)cpu;
	if (size < sizeof(ev))
		return;
	memcpy(&ev, data, sizeof(ev));
	r->s.events++;
	if (r->s.opts.json) {
		ob_printf(o, "{\"pid\":%u,\"tid\":%u,\"comm\":", ev.pid, ev.tid);
		ob_json_string(o, ev.comm, sizeof(ev.comm));
		/* Hex strings: a pointer does not fit a JSON number exactly. */
		ob_str(o, ",\"args\":[");
		for (unsigned long i = 0; i < r->nr_args; i++)
			ob_printf(o, "%s\"0x%llx\"", i ? "," : "", (unsigned long long)ev.args[i]);
		ob_str(o, "]}\n");
		return;
	}
	ob_int(o, ev.pid, -7);
	ob_char(o, ' ');
	ob_escaped_padded(o, ev.comm, sizeof(ev.comm), 16);
	for (unsigned long i = 0; i < r->nr_args; i++)
		ob_printf(o, " arg%lu=0x%llx", i, (unsigned long long)ev.args[i]);
	ob_char(o, '\n');
}

/*
 * The program's section names no tracepoint: NAME comes from the command
 * line, attached here between session_load() and session_attach() (which
 * prints "attached").
 */
static int load_attach(struct raw_tp_run *r, struct tpbpf_program *prog)
{
	struct session *s = &r->s;
	int err;

	if (session_load(s))
		return EXIT_FAIL;
	/* The rings first: a hit right after "attached" must not be lost. */
	if (r->nr_args && session_read_events(s, "events", on_hit, r))
		return EXIT_FAIL;
	err = tpbpf_program_attach_raw_tracepoint(prog, r->name, NULL);
	if ((err == -EINVAL || err == -EACCES) && r->nr_args)
		return explain_too_many_args(r, err);
	if (err)
		return tool_lib_error(err, CMD);
	return session_attach(s) ? EXIT_FAIL : 0;
}

/* Each second (without --args): the hits of that second and the total. */
static int print_second(void *ctx)
{
	struct raw_tp_run *r = ctx;
	unsigned long long total;
	char when[16];

	percpu_counter_read(r->hits, &total);
	clock_stamp(when, sizeof(when));
	if (r->s.opts.json)
		printf("{\"time\":\"%s\",\"hits\":%llu,\"total\":%llu}\n", when,
		       total - r->last_total, total);
	else
		printf("%-8s %12llu %14llu\n", when, total - r->last_total, total);
	fflush(stdout);
	r->last_total = total;
	return 0;
}

/* The end of the run: every hit, final since the program is detached. */
static int print_total(void *ctx)
{
	struct raw_tp_run *r = ctx;
	unsigned long long total;
	double secs = (double)(monotonic_ns() - r->start_ns) / 1e9;

	percpu_counter_read(r->hits, &total);
	if (r->s.opts.json)
		printf("{\"tracepoint\":\"%s\",\"total\":%llu,\"seconds\":%.3f}\n", r->name,
		       total, secs);
	else
		printf("total: %llu hits of raw tracepoint %s in %.3f s\n", total, r->name, secs);
	fflush(stdout);
	return 0;
}

int cmd_raw_tracepoint(int argc, char **argv)
{
	static const struct option long_opts[] = {
		COMMON_LONG_OPTS,
		{ "args", required_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct common_opts opts = { 0 };
	struct opt_reader opt = { .cmd = CMD, .shortopts = COMMON_SHORT_OPTS "h",
				 .longopts = long_opts, .usage = usage, .common = &opts,
				 .takes_args = true };
	struct raw_tp_run r;
	struct tpbpf_program *prog;
	int c, rc;

	memset(&r, 0, sizeof(r));
	while ((c = next_opt(&opt, argc, argv)) > 0) {
		switch (c) {
		case 'a':
			if (!parse_uint(CMD, "--args", optarg, RAW_TP_MAX_ARGS, &r.nr_args))
				return EXIT_USAGE;
			if (r.nr_args == 0)
				return tool_usage_error(CMD, "--args wants 1 to %d", RAW_TP_MAX_ARGS);
			break;
		}
	}
	if (c < 0)
		return opt.rc;
	if (optind != argc - 1)
		return tool_usage_error(CMD, optind >= argc ? "NAME is required (e.g. sys_enter)" :
					"one NAME only");
	r.name = argv[optind];
	/* Checked before anything is loaded: the name reaches the kernel. */
	if (!tpbpf_tracepoint_name_valid(r.name))
		return tool_error(CMD ": invalid raw tracepoint name; want 1-255 characters of [A-Za-z0-9_.-], e.g. sys_enter");

	if ((rc = session_open(&r.s, CMD, "raw_tracepoint", &opts)) != 0)
		return session_end(&r.s, rc);
	prog = tpbpf_object_find_program(r.s.obj, "raw_tp_count");
	r.hits = tpbpf_object_find_map(r.s.obj, "hits");
	if (!prog || !r.hits)
		return session_end(&r.s, tool_error(CMD ": the built-in object lacks raw_tp_count or hits"));
	/* Attached by name below; tpbpf_object_attach() would refuse its empty target. */
	tpbpf_program_set_autoattach(prog, false);
	if (tool_set_const(CMD, r.s.obj, "nr_args", r.nr_args) || load_attach(&r, prog))
		return session_end(&r.s, EXIT_FAIL);
	r.start_ns = monotonic_ns();
	if (r.nr_args && !opts.json) {
		printf("%-7s %-16s %s\n", "PID", "COMM", "ARGS");
	} else if (!opts.json) {
		printf("%-8s %12s %14s\n", "TIME", "HITS/S", "TOTAL");
	}
	fflush(stdout);

	session_on_end(&r.s, print_total, &r);
	rc = r.nr_args ? session_run(&r.s) : session_run_every(&r.s, 1, print_second, &r);
	return session_end(&r.s, rc ? EXIT_FAIL : EXIT_OK);
}
