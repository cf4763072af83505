/* SPDX-License-Identifier: MIT */
/* Failure details and the step-by-step log. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static _Thread_local char detail[1024];
static tpbpf_log_fn log_fn;
static void *log_ctx;
static int log_level = 1;

const char *tpbpf_error_detail(void)
{
	return detail;
}

int tpbpf_err(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	return -err;
}

int tpbpf_err_prefix(int err, const char *fmt, ...)
{
	char prefix[512];
	size_t plen, dlen;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	plen = strlen(prefix);
	dlen = strlen(detail);
	if (plen + dlen >= sizeof(detail))
		dlen = sizeof(detail) - 1 - plen;
	memmove(detail + plen, detail, dlen);
	memcpy(detail, prefix, plen);
	detail[plen + dlen] = '\0';
	return -err;
}

void tpbpf_set_log(tpbpf_log_fn fn, void *ctx)
{
	log_fn = fn;
	log_ctx = ctx;
}

void tpbpf_set_log_level(int level)
{
	log_level = level;
}

int tpbpf_log_level(void)
{
	return log_fn ? log_level : 0;
}

void tpbpf_log(const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	if (!log_fn)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	log_fn(log_ctx, line);
}

int tpbpf_read_file(const char *path, char **text, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *buf = NULL;
	FILE *f;

	f = fopen(path, "re");
	if (!f)
		return tpbpf_err(errno, "cannot open %s: %s", path, strerror(errno));
	for (;;) {
		char *nb = realloc(buf, cap + 1);
		size_t got;

		if (!nb) {
			free(buf);
			fclose(f);
			return tpbpf_err(ENOMEM, "out of memory reading %s", path);
		}
		buf = nb;
		got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (n < cap) {
			if (ferror(f)) {
				int e = errno ? errno : EIO;

				free(buf);
				fclose(f);
				return tpbpf_err(e, "cannot read %s: %s", path, strerror(e));
			}
			break;
		}
		cap *= 2;
	}
	fclose(f);
	buf[n] = '\0';
	*text = buf;
	if (len)
		*len = n;
	return 0;
}

char *tpbpf_strdup(const char *s)
{
	char *d = strdup(s);

	if (!d)
		tpbpf_err(ENOMEM, "out of memory");
	return d;
}
