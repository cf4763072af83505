/* SPDX-License-Identifier: MIT */
/*
 * tpbpf opensnoop: every file opened (open, openat, openat2), with the
 * process, the result (fd or errno) and the whole path, up to PATH_MAX.
 *
 * progs/opensnoop.bpf.c has one program per syscall entry and exit. openat
 * is required; open and openat2 are used where this kernel has their
 * tracepoints: their field offsets are given to the programs here, from
 * the tracefs format files, and the programs of a missing tracepoint are
 * loaded but not attached.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tool.h"
#include "../progs/opensnoop.h"

/* A path can take a page of the ring: 4x the usual ring, 1 MiB per CPU. */
#define OPENSNOOP_RING_PAGES 256

struct opensnoop {
	struct session s;
	bool json;
};

/* A syscall that only some kernels trace, and what its programs read. */
struct optional_syscall {
	const char *name;		/* "open": sys_enter_open, sys_exit_open */
	const char *fields[2];		/* read at entry */
	const char *const_names[2];	/* TPBPF_CONST prefixes for them */
};

static const struct optional_syscall optional_syscalls[] = {
	{ "open", { "filename", "flags" }, { "open_filename", "open_flags" } },
	{ "openat2", { "filename", "how" }, { "openat2_filename", "openat2_how" } },
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: tpbpf opensnoop [-d SECS] [-p PID] [-x] [--json] [--stats]\n\n"
		"Show files opened (open, openat, openat2 system calls): the process, the file\n"
		"descriptor or the error number, and the whole path as the caller gave it.\n\n"
		COMMON_OPTS_HELP
		"                       (opensnoop: default %d, as a path may take 4 KiB)\n"
		"  -x, --failed         only opens that failed\n"
		"  -h, --help           this help\n\n"
		"Columns: PID COMM FD ERR PATH. FD is -1 and ERR the errno (2: ENOENT) when\n"
		"the open failed. --json fields: pid, tid, uid, comm, fd, err, flags, path.\n",
		OPENSNOOP_RING_PAGES);
}

/* -1: run the command; otherwise the exit status to end with now. */
static int parse_args(int argc, char **argv, struct common_opts *o, bool *failed)
{
	static const struct option longopts[] = {
		COMMON_LONG_OPTS,
		{ "failed", no_argument, NULL, 'x' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct opt_reader r = { .cmd = "opensnoop", .shortopts = COMMON_SHORT_OPTS "xh",
				.longopts = longopts, .usage = usage, .common = o };
	int c;

	while ((c = next_opt(&r, argc, argv)) > 0)
		if (c == 'x')
			*failed = true;
	return c < 0 ? r.rc : -1;
}

static int set_const(struct session *s, const char *prefix, const char *what,
		     uint64_t value)
{
	char name[128];
	int err;

	snprintf(name, sizeof(name), "%s_%s", prefix, what);
	err = tpbpf_object_set_const(s->obj, name, value);
	return err ? tool_lib_error(err, "opensnoop: %s", name) : 0;
}

/*
 * Offsets and sizes of FIELDS of syscalls:EVENT into PREFIXES[i]_off/_size;
 * *found is false if the event or a field is missing. One format read.
 */
static int field_consts(struct session *s, const char *event, size_t n,
			const char *const *fields, const char *const *prefixes,
			bool *found)
{
	struct tpbpf_format fmt;
	int err;

	*found = false;
	err = tpbpf_format_read("syscalls", event, &fmt);
	if (err == -ENOENT)
		return 0;
	if (err)
		return tool_lib_error(err, "opensnoop: syscalls:%s", event);
	*found = true;
	for (size_t i = 0; i < n && *found && !err; i++) {
		const struct tpbpf_field *f = tpbpf_format_field(&fmt, fields[i]);

		/* The programs read a 4- or 8-byte argument. */
		*found = f && (f->size == 4 || f->size == 8);
		if (*found)
			err = set_const(s, prefixes[i], "off", f->offset) ||
			      set_const(s, prefixes[i], "size", f->size);
	}
	tpbpf_format_free(&fmt);
	return err ? EXIT_FAIL : 0;
}

/*
 * Give the programs of an optional syscall their offsets, or leave them
 * unattached (their constants 0) when this kernel cannot trace it.
 */
static int setup_optional(struct session *s, const struct optional_syscall *sc)
{
	char enter[64], exit_[64], prog[64], prefix[64];
	const char *ret_field = "ret", *ret_prefix = prefix;
	bool ok, found;

	snprintf(enter, sizeof(enter), "sys_enter_%s", sc->name);
	snprintf(exit_, sizeof(exit_), "sys_exit_%s", sc->name);
	snprintf(prefix, sizeof(prefix), "%s_ret", sc->name);
	if (field_consts(s, enter, 2, sc->fields, sc->const_names, &found))
		return EXIT_FAIL;
	ok = found;
	if (field_consts(s, exit_, 1, &ret_field, &ret_prefix, &found))
		return EXIT_FAIL;
	ok = ok && found;
	if (ok)
		return 0;
	if (verbose)
		fprintf(stderr, "tpbpf: opensnoop: syscalls:%s/%s not usable on this kernel: %s() not traced\n",
			enter, exit_, sc->name);
	for (int i = 0; i < 2; i++)
		if (set_const(s, sc->const_names[i], "off", 0) ||
		    set_const(s, sc->const_names[i], "size", 0))
			return EXIT_FAIL;
	if (set_const(s, prefix, "off", 0) || set_const(s, prefix, "size", 0))
		return EXIT_FAIL;
	for (int i = 0; i < 2; i++) {
		struct tpbpf_program *p;

		snprintf(prog, sizeof(prog), "%s_%s", i ? "exit" : "enter", sc->name);
		p = tpbpf_object_find_program(s->obj, prog);
		if (!p)
			return tool_error("opensnoop: the built-in object has no program %s", prog);
		tpbpf_program_set_autoattach(p, false);
	}
	return 0;
}

static void on_sample(void *ctx, int cpu, const void *data, uint32_t size)
{
	struct opensnoop *o = ctx;
	struct outbuf *ob = &stdout_buf;
	const char *path = (const char *)data + OPEN_EVENT_HDR_SIZE;
	struct open_event ev;
	int fd, err;

	(void)cpu;
	/* The record may be padded; path_len says what the path holds. */
	if (size < OPEN_EVENT_HDR_SIZE)
		return;
	memcpy(&ev, data, OPEN_EVENT_HDR_SIZE);
	if (ev.path_len > size - OPEN_EVENT_HDR_SIZE || ev.path_len > OPEN_PATH_MAX)
		return;
	fd = ev.ret < 0 ? -1 : ev.ret;
	err = ev.ret < 0 ? -ev.ret : 0;
	o->s.events++;
	if (o->json) {
		ob_str(ob, "{\"pid\":");
		ob_u64(ob, ev.pid);
		ob_str(ob, ",\"tid\":");
		ob_u64(ob, ev.tid);
		ob_str(ob, ",\"uid\":");
		ob_u64(ob, ev.uid);
		ob_str(ob, ",\"comm\":");
		ob_json_string(ob, ev.comm, sizeof(ev.comm));
		ob_str(ob, ",\"fd\":");
		ob_i64(ob, fd);
		ob_str(ob, ",\"err\":");
		ob_i64(ob, err);
		ob_str(ob, ",\"flags\":");
		ob_u64(ob, ev.flags);
		ob_str(ob, ",\"path\":");
		ob_json_string(ob, path, ev.path_len);
		ob_str(ob, "}\n");
		return;
	}
	/* "%-7u %-16s %4d %3d %s" */
	ob_int(ob, ev.pid, -7);
	ob_char(ob, ' ');
	ob_escaped_padded(ob, ev.comm, sizeof(ev.comm), 16);
	ob_char(ob, ' ');
	ob_int(ob, fd, 4);
	ob_char(ob, ' ');
	ob_int(ob, err, 3);
	ob_char(ob, ' ');
	ob_escaped(ob, path, ev.path_len);
	ob_char(ob, '\n');
}

int cmd_opensnoop(int argc, char **argv)
{
	struct opensnoop o = { 0 };
	struct common_opts opts = { 0 };
	bool failed = false;
	int rc;

	rc = parse_args(argc, argv, &opts, &failed);
	if (rc >= 0)
		return rc;
	o.json = opts.json;
	if (!opts.ring_pages)
		opts.ring_pages = OPENSNOOP_RING_PAGES;
	if ((rc = session_open(&o.s, "opensnoop", "opensnoop", &opts)) != 0)
		return session_end(&o.s, rc);
	if (tool_set_const("opensnoop", o.s.obj, "failed_only", failed))
		return session_end(&o.s, EXIT_FAIL);
	for (size_t i = 0; i < sizeof(optional_syscalls) / sizeof(optional_syscalls[0]); i++)
		if (setup_optional(&o.s, &optional_syscalls[i]))
			return session_end(&o.s, EXIT_FAIL);
	/* Rings before attaching: an event sent before its ring exists is lost. */
	if (session_load(&o.s) ||
	    session_read_events(&o.s, "events", on_sample, &o) ||
	    session_attach(&o.s))
		return session_end(&o.s, EXIT_FAIL);
	if (!o.json) {
		printf("%-7s %-16s %4s %3s %s\n", "PID", "COMM", "FD", "ERR", "PATH");
		fflush(stdout);
	}
	rc = session_run(&o.s) ? EXIT_FAIL : EXIT_OK;
	return session_end(&o.s, rc);
}
