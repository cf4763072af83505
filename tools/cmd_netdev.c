/* SPDX-License-Identifier: MIT */
/*
 * tpbpf netdev: packets queued for transmission (TX, net:net_dev_queue) and
 * received (RX, net:netif_receive_skb), per device. One program attached to
 * both tracepoints; the attach cookie tells it which one fired.
 *
 * -p filters on the task that is current when the tracepoint fires. For TX
 * that is the sender; RX runs in softirq context, in whatever task the
 * softirq interrupted or in ksoftirqd, so the receiver's RX packets are
 * shown only when they happen to be processed in its context.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tool.h"
#include "../progs/netdev.h"

#define CMD "netdev"

/* The tracepoints the one program is attached to, in NETDEV_TX/RX order. */
static const char *const tp_names[] = { "net_dev_queue", "netif_receive_skb" };
static const char *const dir_names[] = { "TX", "RX" };
/* TPBPF_CONST() names that say a name field is __rel_loc, not __data_loc. */
static const char *const rel_loc_consts[] = { "tx_name_rel_loc", "rx_name_rel_loc" };

struct netdev_run {
	struct session s;
	unsigned long long start_ns;	/* CLOCK_MONOTONIC before attaching */
	bool summary;			/* --summary: counted in the kernel */
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: tpbpf netdev [-d SECS] [-p PID] [--json] [--stats] [--summary] [--raw]\n\n"
		"Packets queued for transmission (TX, net:net_dev_queue) and received\n"
		"(RX, net:netif_receive_skb): time, CPU, direction, device, length, and the\n"
		"task that was running. One program is attached to both tracepoints.\n\n"
		COMMON_OPTS_HELP
		"  --summary            count packets and bytes per device and direction in the\n"
		"                       kernel; print the table at the end instead of each packet\n"
		"  --raw                the raw tracepoints instead (BPF_RAW_TRACEPOINT_OPEN): the\n"
		"                       program reads struct sk_buff at kernel struct offsets\n"
		"                       (tpbpf --offsets FILE, or BTF when the kernel has it)\n"
		"  -h, --help           this help\n\n"
		"-p PID matches the task current when the tracepoint fires: for TX the sender;\n"
		"RX runs in softirq context, often in another task or in ksoftirqd, so a\n"
		"process's received packets may not show with -p.\n");
}

/*
 * Whether each event's name field is __rel_loc (offset counted from the
 * field's end) rather than __data_loc: the program needs to know, and the
 * format files say. A field that is neither is refused here, by name.
 */
static int set_name_layout(struct session *s)
{
	for (int dir = NETDEV_TX; dir <= NETDEV_RX; dir++) {
		struct tpbpf_format fmt;
		const struct tpbpf_field *f;
		int err = tpbpf_format_read("net", tp_names[dir], &fmt);
		bool rel = false;

		if (err)
			return tool_lib_error(err, CMD);
		f = tpbpf_format_field(&fmt, "name");
		if (!f || !f->dyn_is_string ||
		    (f->kind != TPBPF_FIELD_DATA_LOC && f->kind != TPBPF_FIELD_REL_LOC)) {
			tpbpf_format_free(&fmt);
			return tool_error(CMD ": net:%s has no __data_loc char[] name field on this kernel",
					  tp_names[dir]);
		}
		rel = f->kind == TPBPF_FIELD_REL_LOC;
		tpbpf_format_free(&fmt);
		if (tool_set_const(CMD, s->obj, rel_loc_consts[dir], rel))
			return EXIT_FAIL;
	}
	return 0;
}

static void on_packet(void *ctx, int cpu, const void *data, uint32_t size)
{
	struct netdev_run *r = ctx;
	struct outbuf *o = &stdout_buf;
	struct netdev_event ev;
	double t;
	const char *dir;

	(void)cpu;
	if (size < sizeof(ev))
		return;
	memcpy(&ev, data, sizeof(ev));
	r->s.events++;
	t = ev.ts_ns > r->start_ns ? (double)(ev.ts_ns - r->start_ns) / 1e9 : 0.0;
	dir = ev.dir <= NETDEV_RX ? dir_names[ev.dir] : "?";
	if (r->s.opts.json) {
		ob_printf(o, "{\"time\":%.6f,\"cpu\":%u,\"dir\":\"%s\",\"dev\":", t, ev.cpu, dir);
		ob_json_string(o, ev.dev, sizeof(ev.dev));
		ob_printf(o, ",\"len\":%u,\"pid\":%u,\"tid\":%u,\"comm\":", ev.len, ev.pid, ev.tid);
		ob_json_string(o, ev.comm, sizeof(ev.comm));
		ob_str(o, "}\n");
		return;
	}
	ob_printf(o, "%-12.6f %-3u %-3s ", t, ev.cpu, dir);
	ob_escaped_padded(o, ev.dev, sizeof(ev.dev), 16);
	ob_printf(o, " %-7u %-7u ", ev.len, ev.pid);
	ob_escaped(o, ev.comm, sizeof(ev.comm));
	ob_char(o, '\n');
}

struct total_row {
	struct netdev_key key;
	struct netdev_totals t;
};

static int row_cmp(const void *a, const void *b)
{
	const struct total_row *x = a, *y = b;
	int c = strncmp(x->key.dev, y->key.dev, sizeof(x->key.dev));

	if (c)
		return c;
	return (x->key.dir > y->key.dir) - (x->key.dir < y->key.dir);
}

/* The --summary table, read from the kernel's "totals" map. */
static int print_totals(struct session *s)
{
	struct tpbpf_map *m = tpbpf_object_find_map(s->obj, "totals");
	struct total_row *rows;
	size_t n;
	int err;

	if (!m)
		return tool_error(CMD ": the program has no map totals");
	rows = map_rows(m, false, ROW_LAYOUT(struct total_row, key, t), &n, &err);
	if (!rows)
		return tool_lib_error(err, CMD ": reading the totals");
	qsort(rows, n, sizeof(*rows), row_cmp);
	if (!s->opts.json)
		printf("%-16s %-3s %12s %16s\n", "DEV", "DIR", "PACKETS", "BYTES");
	for (size_t i = 0; i < n; i++) {
		const struct total_row *row = &rows[i];
		const char *dir = row->key.dir <= NETDEV_RX ? dir_names[row->key.dir] : "?";

		if (s->opts.json) {
			printf("{\"dev\":");
			print_json_string(stdout, row->key.dev, sizeof(row->key.dev));
			printf(",\"dir\":\"%s\",\"packets\":%llu,\"bytes\":%llu}\n", dir,
			       (unsigned long long)row->t.packets, (unsigned long long)row->t.bytes);
		} else {
			print_escaped_padded(stdout, row->key.dev, sizeof(row->key.dev), 16);
			printf(" %-3s %12llu %16llu\n", dir, (unsigned long long)row->t.packets,
			       (unsigned long long)row->t.bytes);
		}
	}
	fflush(stdout);
	free(rows);
	return 0;
}

/* --summary: the table, final since the programs are detached. */
static int final_report(void *ctx)
{
	struct netdev_run *r = ctx;

	return print_totals(&r->s) ? EXIT_FAIL : EXIT_OK;
}

/*
 * Load, attach and run the opened object. The classic program's section
 * names no tracepoint: it goes on two, attached here between
 * session_load() and session_attach() (which prints "attached"). --raw:
 * two raw tracepoint programs (their sections name their targets), reading
 * struct sk_buff at KERNEL_OFF() offsets.
 */
static int run(struct netdev_run *r, bool raw)
{
	struct tpbpf_program *prog = NULL;
	int err;

	if (!raw) {
		prog = tpbpf_object_find_program(r->s.obj, "netdev");
		if (!prog)
			return tool_error(CMD ": the built-in object has no program netdev");
		/* Attached below, twice; tpbpf_object_attach() would refuse its empty target. */
		tpbpf_program_set_autoattach(prog, false);
	}
	if (tool_set_const(CMD, r->s.obj, "summary", r->summary) ||
	    (!raw && set_name_layout(&r->s)) || session_load(&r->s))
		return EXIT_FAIL;
	/* The rings first: a packet right after "attached" must not be lost. */
	if (!r->summary && session_read_events(&r->s, "events", on_packet, r))
		return EXIT_FAIL;
	r->start_ns = monotonic_ns();
	for (int dir = NETDEV_TX; prog && dir <= NETDEV_RX; dir++) {
		err = tpbpf_program_attach_tracepoint(prog, "net", tp_names[dir], NULL);
		if (err)
			return tool_lib_error(err, CMD);
	}
	if (session_attach(&r->s))
		return EXIT_FAIL;
	if (r->summary) {
		session_on_end(&r->s, final_report, r);
	} else if (!r->s.opts.json) {
		printf("%-12s %-3s %-3s %-16s %-7s %-7s %s\n", "TIME(s)", "CPU", "DIR",
		       "DEV", "LEN", "PID", "COMM");
		fflush(stdout);
	}
	return session_run(&r->s) ? EXIT_FAIL : EXIT_OK;
}

int cmd_netdev(int argc, char **argv)
{
	static const struct option long_opts[] = {
		COMMON_LONG_OPTS,
		{ "summary", no_argument, NULL, 's' },
		{ "raw", no_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct common_opts opts = { 0 };
	struct opt_reader opt = { .cmd = CMD, .shortopts = COMMON_SHORT_OPTS "h",
				 .longopts = long_opts, .usage = usage, .common = &opts };
	struct netdev_run r;
	bool raw = false;
	int c;

	memset(&r, 0, sizeof(r));
	while ((c = next_opt(&opt, argc, argv)) > 0) {
		switch (c) {
		case 's':
			r.summary = true;
			break;
		case 'r':
			raw = true;
			break;
		}
	}
	if (c < 0)
		return opt.rc;

	if ((c = session_open(&r.s, CMD, raw ? "netdev_raw" : "netdev", &opts)) != 0)
		return session_end(&r.s, c);
	return session_end(&r.s, run(&r, raw));
}
