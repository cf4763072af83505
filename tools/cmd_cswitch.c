/* SPDX-License-Identifier: MIT */
/*
 * tpbpf cswitch: context switches, from sched:sched_switch. Each switch
 * as "prev_comm prev_pid -> next_comm next_pid" with time, CPU and the
 * state prev left in; or, with --top N, no per-switch output but the
 * threads that switched out most, counted in a kernel hash map.
 *
 * -p PID keeps the switches where prev is a thread of PID (the program
 * runs as prev, so its process is known) or next is PID itself or one of
 * its threads already seen switching out. With --top, only PID's threads
 * are counted.
 */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tool.h"
#include "percpu_counter.h"
#include "../progs/cswitch.h"

struct cswitch_opts {
	struct common_opts common;
	unsigned long top;		/* --top N rows, 0: all */
	unsigned long interval;		/* -i SECS, 0: one table at the end */
	bool top_mode;			/* --top given */
};

struct cswitch {
	struct session s;
	const struct cswitch_opts *o;
	uint64_t start_ns;		/* CLOCK_MONOTONIC, as bpf_ktime_get_ns() */
	struct count_table table;	/* --top */
};

struct count_row {
	uint32_t pid;
	struct switch_count val;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: tpbpf cswitch [-d SECS] [-p PID] [--json] [--stats] [--top N [-i SECS]]\n\n"
		"Show context switches (sched:sched_switch): time since start, CPU, the thread\n"
		"switched out (prev), the state it left in, and the thread switched in (next):\n"
		"  TIME(s) CPU PREV_COMM PREV_PID STATE -> NEXT_COMM NEXT_PID\n"
		"STATE: R running (R+ preempted), S sleeping, D uninterruptible, T stopped,\n"
		"t traced, X/Z dead, P parked, I idle. PIDs are thread IDs.\n\n"
		COMMON_OPTS_HELP
		"                       (for cswitch: prev is a thread of PID, or next is PID or a\n"
		"                       thread of PID already seen switching out)\n"
		"  -T, --top N          no per-switch output: count switch-outs per thread in the\n"
		"                       kernel and print the N threads with most (0: all)\n"
		"  -i, --interval SECS  with --top: print (and reset) the table every SECS seconds\n"
		"  -h, --help           this help\n");
}

/* -1: run the command; otherwise the exit status to end with now. */
static int parse_args(int argc, char **argv, struct cswitch_opts *o)
{
	static const struct option longopts[] = {
		COMMON_LONG_OPTS,
		{ "top", required_argument, NULL, 'T' },
		{ "interval", required_argument, NULL, 'i' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct opt_reader r = { .cmd = "cswitch", .shortopts = COMMON_SHORT_OPTS "T:i:h",
				.longopts = longopts, .usage = usage, .common = &o->common };
	int c;

	while ((c = next_opt(&r, argc, argv)) > 0) {
		switch (c) {
		case 'T':
			if (!parse_uint("cswitch", "--top", optarg, 1UL << 20, &o->top))
				return EXIT_USAGE;
			o->top_mode = true;
			break;
		case 'i':
			if (!parse_interval("cswitch", optarg, &o->interval))
				return EXIT_USAGE;
			break;
		}
	}
	if (c < 0)
		return r.rc;
	if (o->interval && !o->top_mode)
		return tool_usage_error("cswitch", "-i goes with --top");
	return -1;
}

/*
 * prev_state as letters, with the bits the kernel's own print format uses
 * (TASK_REPORT, 4.14+): none set is R, and the bit above them means prev
 * was preempted while runnable ("R+").
 */
static const char *state_letters(int64_t state, char *buf)
{
	static const char letters[] = "SDTtXZPI";
	size_t n = 0;

	for (int i = 0; i < 8; i++)
		if (state & (1LL << i))
			buf[n++] = letters[i];
	if (n == 0)
		buf[n++] = 'R';
	if (state & 0x100)
		buf[n++] = '+';
	buf[n] = '\0';
	return buf;
}

static void on_switch(void *ctx, int cpu, const void *data, uint32_t size)
{
	struct cswitch *c = ctx;
	struct outbuf *o = &stdout_buf;
	struct switch_event ev;
	char state[12];
	double t;

	(void)cpu;	/* the event says, for either kind of ring */
	if (size < sizeof(ev))
		return;
	memcpy(&ev, data, sizeof(ev));
	c->s.events++;
	t = (double)(int64_t)(ev.ts_ns - c->start_ns) / 1e9;
	state_letters(ev.prev_state, state);
	if (c->o->common.json) {
		ob_printf(o, "{\"time\":%.6f,\"cpu\":%u,\"prev_comm\":", t, ev.cpu);
		ob_json_string(o, ev.prev_comm, CSWITCH_COMM_LEN);
		ob_printf(o, ",\"prev_pid\":%d,\"prev_tgid\":%u,\"prev_state\":\"%s\",\"next_comm\":",
			  ev.prev_pid, ev.prev_tgid, state);
		ob_json_string(o, ev.next_comm, CSWITCH_COMM_LEN);
		ob_printf(o, ",\"next_pid\":%d}\n", ev.next_pid);
		return;
	}
	ob_printf(o, "%-12.6f %3u ", t, ev.cpu);
	ob_escaped_padded(o, ev.prev_comm, CSWITCH_COMM_LEN, 16);
	ob_printf(o, " %8d %-5s -> ", ev.prev_pid, state);
	ob_escaped_padded(o, ev.next_comm, CSWITCH_COMM_LEN, 16);
	ob_printf(o, " %8d\n", ev.next_pid);
}

static int by_switches_desc(const void *a, const void *b)
{
	const struct count_row *x = a, *y = b;

	if (x->val.switches != y->val.switches)
		return x->val.switches < y->val.switches ? 1 : -1;
	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

static unsigned long long row_count(const void *row)
{
	return ((const struct count_row *)row)->val.switches;
}

static void print_header(const void *ctx)
{
	(void)ctx;
	printf("%-7s %-16s %10s", "PID", "COMM", "SWITCHES");
}

static void print_row(const void *ctx, const void *row, bool json)
{
	const struct count_row *r = row;

	(void)ctx;
	if (json) {
		printf("\"pid\":%u,\"comm\":", r->pid);
		print_json_string(stdout, r->val.comm, CSWITCH_COMM_LEN);
		printf(",\"switches\":%llu", (unsigned long long)r->val.switches);
		return;
	}
	printf("%-7u ", r->pid);
	print_escaped_padded(stdout, r->val.comm, CSWITCH_COMM_LEN, 16);
	printf(" %10llu", (unsigned long long)r->val.switches);
}

/* --top: the last table is exact, nothing counts after the detach. */
static int final_report(void *ctx)
{
	struct cswitch *c = ctx;
	unsigned long long missed;
	int err = count_table_print(&c->table, false);

	missed = percpu_counter_sum(c->s.obj, "missed");
	fprintf(stderr, "tpbpf: cswitch: %llu context switches counted\n", c->table.total);
	if (missed)
		fprintf(stderr, "tpbpf: cswitch: %llu switches not counted: the map of %u threads was full\n",
			missed, CSWITCH_MAX_ENTRIES);
	return err;
}

int cmd_cswitch(int argc, char **argv)
{
	struct cswitch_opts o = { 0 };
	struct cswitch c = { .o = &o };
	int rc;

	rc = parse_args(argc, argv, &o);
	if (rc >= 0)
		return rc;
	if ((rc = session_open(&c.s, "cswitch", "cswitch", &o.common)) != 0)
		return session_end(&c.s, rc);
	if (tool_set_const("cswitch", c.s.obj, "top_mode", o.top_mode) || session_load(&c.s))
		return session_end(&c.s, EXIT_FAIL);
	if (o.top_mode) {
		if (session_attach(&c.s))
			return session_end(&c.s, EXIT_FAIL);
		c.table = (struct count_table){ .cmd = "cswitch", .s = &c.s,
			.layout = ROW_LAYOUT(struct count_row, pid, val), .cmp = by_switches_desc,
			.count = row_count, .print_header = print_header, .print_row = print_row,
			.json = o.common.json, .top = o.top, .interval = o.interval };
		session_on_end(&c.s, final_report, &c);
		rc = session_run_every(&c.s, o.interval, count_table_tick, &c.table) ?
		     EXIT_FAIL : EXIT_OK;
		return session_end(&c.s, rc);
	}
	/* Rings before attaching: an event sent before its ring exists is lost. */
	if (session_read_events(&c.s, "events", on_switch, &c))
		return session_end(&c.s, EXIT_FAIL);
	if (!o.common.json) {
		printf("%-12s %3s %-16s %8s %-5s    %-16s %8s\n", "TIME(s)", "CPU", "PREV_COMM",
		       "PREV_PID", "STATE", "NEXT_COMM", "NEXT_PID");
		fflush(stdout);
	}
	c.start_ns = monotonic_ns();
	if (session_attach(&c.s))
		return session_end(&c.s, EXIT_FAIL);
	rc = session_run(&c.s) ? EXIT_FAIL : EXIT_OK;
	return session_end(&c.s, rc);
}
