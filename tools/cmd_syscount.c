/* SPDX-License-Identifier: MIT */
/*
 * tpbpf syscount: system calls counted per syscall (or per process and
 * syscall with --process) in a kernel hash map, printed as the top N by
 * count at the end, or every -i SECS.
 *
 * The counting program hooks raw_syscalls:sys_enter as a classic
 * tracepoint (default) or as a raw tracepoint (--raw); both are in
 * progs/syscount.bpf.c and only the chosen one is attached.
 */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tool.h"
#include "percpu_counter.h"
#include "syscalls.h"
#include "../progs/syscount.h"

struct syscount_opts {
	struct common_opts common;
	unsigned long interval;		/* -i SECS, 0: one table at the end */
	unsigned long top;		/* --top N rows, 0: all */
	bool per_process;
	bool raw;
};

struct syscount_row {
	struct syscount_key key;
	struct syscount_value val;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: tpbpf syscount [-d SECS] [-i SECS] [-p PID] [-T N] [-P] [--raw] [--json] [--stats]\n\n"
		"Count system calls per syscall in the kernel and print the most frequent.\n\n"
		COMMON_OPTS_HELP
		"  -i, --interval SECS  print (and reset) the counts every SECS seconds\n"
		"  -T, --top N          print the N most frequent (default 10, 0: all)\n"
		"  -P, --process        count per process: PID and COMM columns\n"
		"  --raw                hook the raw tracepoint sys_enter instead of the\n"
		"                       classic raw_syscalls:sys_enter\n"
		"  -h, --help           this help\n");
}

/* -1: run the command; otherwise the exit status to end with now. */
static int parse_args(int argc, char **argv, struct syscount_opts *o)
{
	static const struct option longopts[] = {
		COMMON_LONG_OPTS,
		{ "interval", required_argument, NULL, 'i' },
		{ "top", required_argument, NULL, 'T' },
		{ "process", no_argument, NULL, 'P' },
		{ "raw", no_argument, NULL, 0x200 },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct opt_reader r = { .cmd = "syscount", .shortopts = COMMON_SHORT_OPTS "i:T:Ph",
				.longopts = longopts, .usage = usage, .common = &o->common };
	int c;

	o->top = 10;
	while ((c = next_opt(&r, argc, argv)) > 0) {
		switch (c) {
		case 'i':
			if (!parse_interval("syscount", optarg, &o->interval))
				return EXIT_USAGE;
			break;
		case 'T':
			if (!parse_uint("syscount", "--top", optarg, 1UL << 20, &o->top))
				return EXIT_USAGE;
			break;
		case 'P':
			o->per_process = true;
			break;
		case 0x200:
			o->raw = true;
			break;
		}
	}
	return c < 0 ? r.rc : -1;
}

/*
 * Load only the program of the chosen hook: a kernel without raw
 * tracepoints (before 4.17) refuses the other's program type, and the
 * classic mode must run there.
 */
static int choose_program(struct session *s, bool raw)
{
	struct tpbpf_program *tp = tpbpf_object_find_program(s->obj, "syscount_tp");
	struct tpbpf_program *rp = tpbpf_object_find_program(s->obj, "syscount_raw");

	if (!tp || !rp)
		return tool_error("syscount: the built-in program lacks syscount_tp or syscount_raw");
	tpbpf_program_set_autoload(raw ? tp : rp, false);
	return 0;
}

static int by_count_desc(const void *a, const void *b)
{
	const struct syscount_row *x = a, *y = b;

	if (x->val.count != y->val.count)
		return x->val.count < y->val.count ? 1 : -1;
	if (x->key.tgid != y->key.tgid)
		return x->key.tgid < y->key.tgid ? -1 : 1;
	return (int32_t)x->key.nr < (int32_t)y->key.nr ? -1 :
	       (int32_t)x->key.nr > (int32_t)y->key.nr;
}

static unsigned long long row_count(const void *row)
{
	return ((const struct syscount_row *)row)->val.count;
}

static void print_header(const void *ctx)
{
	const struct syscount_opts *o = ctx;

	if (o->per_process)
		printf("%-7s %-16s ", "PID", "COMM");
	printf("%-22s %10s", "SYSCALL", "COUNT");
}

static void print_row(const void *ctx, const void *row, bool json)
{
	const struct syscount_opts *o = ctx;
	const struct syscount_row *r = row;
	int32_t nr = (int32_t)r->key.nr;
	const char *name = syscall_name(nr);

	if (json) {
		if (o->per_process) {
			printf("\"pid\":%u,\"comm\":", r->key.tgid);
			print_json_string(stdout, r->val.comm, SYSCOUNT_COMM_LEN);
			printf(",");
		}
		printf("\"syscall\":");
		print_json_cstring(stdout, name);
		printf(",\"nr\":%d,\"count\":%llu", nr, (unsigned long long)r->val.count);
		return;
	}
	if (o->per_process) {
		printf("%-7u ", r->key.tgid);
		print_escaped_padded(stdout, r->val.comm, SYSCOUNT_COMM_LEN, 16);
		printf(" ");
	}
	if (name) {
		printf("%-22s", name);
	} else {
		char unknown[16];

		snprintf(unknown, sizeof(unknown), "[%d]", nr);
		printf("%-22s", unknown);
	}
	printf(" %10llu", (unsigned long long)r->val.count);
}

struct syscount_run {
	struct session s;
	struct syscount_opts o;
	struct count_table table;
};

/* The end of the run: the last table is exact, nothing counts after the detach. */
static int final_report(void *ctx)
{
	struct syscount_run *r = ctx;
	unsigned long long missed;
	int err = count_table_print(&r->table, false);

	missed = percpu_counter_sum(r->s.obj, "missed");
	fprintf(stderr, "tpbpf: syscount: %llu system calls counted\n", r->table.total);
	if (missed)
		fprintf(stderr, "tpbpf: syscount: %llu system calls not counted: the map of %u entries was full\n",
			missed, SYSCOUNT_MAX_ENTRIES);
	return err;
}

int cmd_syscount(int argc, char **argv)
{
	struct syscount_run r = { 0 };
	int rc;

	rc = parse_args(argc, argv, &r.o);
	if (rc >= 0)
		return rc;
	if ((rc = session_open(&r.s, "syscount", "syscount", &r.o.common)) != 0)
		return session_end(&r.s, rc);
	if (tool_set_const("syscount", r.s.obj, "per_process", r.o.per_process) ||
	    choose_program(&r.s, r.o.raw) || session_load_attach(&r.s))
		return session_end(&r.s, EXIT_FAIL);
	r.table = (struct count_table){ .cmd = "syscount", .s = &r.s,
		.layout = ROW_LAYOUT(struct syscount_row, key, val), .cmp = by_count_desc,
		.count = row_count, .print_header = print_header, .print_row = print_row,
		.ctx = &r.o, .json = r.o.common.json, .top = r.o.top, .interval = r.o.interval };
	session_on_end(&r.s, final_report, &r);
	rc = session_run_every(&r.s, r.o.interval, count_table_tick, &r.table) ?
	     EXIT_FAIL : EXIT_OK;
	return session_end(&r.s, rc);
}
