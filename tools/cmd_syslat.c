/* SPDX-License-Identifier: MIT */
/*
 * tpbpf syslat: time spent in each system call, from raw_syscalls
 * sys_enter/sys_exit pairs per thread, kept in the kernel as a log2
 * histogram per syscall (progs/syslat.bpf.c). At the end the syscalls
 * with the most total time are printed: count, total, average, and the
 * histogram in the layout of BCC's funclatency.
 */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tool.h"
#include "percpu_counter.h"
#include "syscalls.h"
#include "../progs/syslat.h"

#define STARS 40

struct syslat_opts {
	struct common_opts common;
	unsigned long top;		/* --top N syscalls, 0: all */
	unsigned long unit_ns;		/* histogram unit: 1, 1000 or 1000000 ns */
};

struct syslat_row {
	uint32_t nr;
	struct syslat_total total;
	uint64_t slots[SYSLAT_SLOTS];
};

static const char *unit_name(unsigned long unit_ns)
{
	return unit_ns == 1 ? "nsecs" : unit_ns == 1000 ? "usecs" : "msecs";
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: tpbpf syslat [-d SECS] [-p PID] [-T N] [-n|-m] [--json] [--stats]\n\n"
		"Time each system call from its sys_enter to its sys_exit and print, per\n"
		"syscall, the count, total and average time and a log2 histogram.\n\n"
		COMMON_OPTS_HELP
		"  -T, --top N          print the N syscalls with the most total time\n"
		"                       (default 10, 0: all)\n"
		"  -n, --nsecs          histogram in nanoseconds (default microseconds)\n"
		"  -m, --msecs          histogram in milliseconds\n"
		"  -h, --help           this help\n");
}

/* -1: run the command; otherwise the exit status to end with now. */
static int parse_args(int argc, char **argv, struct syslat_opts *o)
{
	static const struct option longopts[] = {
		COMMON_LONG_OPTS,
		{ "top", required_argument, NULL, 'T' },
		{ "nsecs", no_argument, NULL, 'n' },
		{ "msecs", no_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct opt_reader r = { .cmd = "syslat", .shortopts = COMMON_SHORT_OPTS "T:nmh",
				.longopts = longopts, .usage = usage, .common = &o->common };
	int c;

	o->top = 10;
	o->unit_ns = 1000;
	while ((c = next_opt(&r, argc, argv)) > 0) {
		switch (c) {
		case 'T':
			if (!parse_uint("syslat", "--top", optarg, 1UL << 20, &o->top))
				return EXIT_USAGE;
			break;
		case 'n':
			o->unit_ns = 1;
			break;
		case 'm':
			o->unit_ns = 1000000;
			break;
		}
	}
	return c < 0 ? r.rc : -1;
}

static int by_nr(const void *a, const void *b)
{
	const struct syslat_row *x = a, *y = b;

	return x->nr < y->nr ? -1 : x->nr > y->nr;
}

static int by_total_desc(const void *a, const void *b)
{
	const struct syslat_row *x = a, *y = b;

	if (x->total.total_ns != y->total.total_ns)
		return x->total.total_ns < y->total.total_ns ? 1 : -1;
	return by_nr(a, b);
}

/* An entry of "hists": a syscall's count in one slot. */
struct hist_row {
	struct syslat_hist_key key;
	uint64_t count;
};

/* One row per syscall from "totals", its histogram from "hists". */
static int read_rows(struct session *s, struct syslat_row **rows, size_t *n)
{
	struct tpbpf_map *totals = tpbpf_object_find_map(s->obj, "totals");
	struct tpbpf_map *hists = tpbpf_object_find_map(s->obj, "hists");
	struct hist_row *h;
	size_t nh;
	int err;

	*rows = NULL;
	*n = 0;
	if (!totals || !hists)
		return -ENOENT;
	*rows = map_rows(totals, false, ROW_LAYOUT(struct syslat_row, nr, total), n, &err);
	if (!*rows)
		return err;
	h = map_rows(hists, false, ROW_LAYOUT(struct hist_row, key, count), &nh, &err);
	if (!h) {
		free(*rows);
		*rows = NULL;
		*n = 0;
		return err;
	}
	qsort(*rows, *n, sizeof(**rows), by_nr);
	for (size_t i = 0; i < nh; i++) {
		struct syslat_row key = { .nr = h[i].key.nr }, *r;

		r = bsearch(&key, *rows, *n, sizeof(**rows), by_nr);
		if (r && h[i].key.slot < SYSLAT_SLOTS)
			r->slots[h[i].key.slot] = h[i].count;
	}
	free(h);
	return 0;
}

/* Slot S holds durations LOW..HIGH (see syslat.h). */
static void slot_range(unsigned int s, unsigned long long *low, unsigned long long *high)
{
	*low = s ? 1ULL << (s - 1) : 0;
	*high = s == 0 ? 0 : s == 64 ? UINT64_MAX : (1ULL << s) - 1;
}

/* Lowest and highest slots in use; false if none. */
static bool used_slots(const struct syslat_row *r, unsigned int *lo, unsigned int *hi)
{
	bool any = false;

	*lo = *hi = 0;
	for (unsigned int s = 0; s < SYSLAT_SLOTS; s++) {
		if (!r->slots[s])
			continue;
		if (!any)
			*lo = s;
		*hi = s;
		any = true;
	}
	return any;
}

/* A duration in ns with a unit that keeps it readable. */
static void print_duration(double ns)
{
	if (ns >= 1e9)
		printf("%.3f s", ns / 1e9);
	else if (ns >= 1e6)
		printf("%.3f ms", ns / 1e6);
	else if (ns >= 1e3)
		printf("%.3f us", ns / 1e3);
	else
		printf("%.0f ns", ns);
}

static void print_human(const struct syslat_opts *o, const struct syslat_row *r)
{
	const char *name = syscall_name((int32_t)r->nr);
	uint64_t max = 0;
	unsigned int lo, hi;

	if (name)
		printf("%s [%d]", name, (int32_t)r->nr);
	else
		printf("[%d]", (int32_t)r->nr);
	printf(": %llu calls, total ", (unsigned long long)r->total.count);
	print_duration((double)r->total.total_ns);
	printf(", average ");
	print_duration(r->total.count ? (double)r->total.total_ns / (double)r->total.count : 0);
	printf("\n");
	if (!used_slots(r, &lo, &hi)) {
		printf("\n");
		return;
	}
	for (unsigned int s = lo; s <= hi; s++)
		if (r->slots[s] > max)
			max = r->slots[s];
	printf("%10s%15s: %-8s %s\n", unit_name(o->unit_ns), "", "count", "distribution");
	for (unsigned int s = lo; s <= hi; s++) {
		unsigned long long low, high;
		char bar[STARS + 1];
		size_t stars = (size_t)(r->slots[s] * STARS / max);

		slot_range(s, &low, &high);
		memset(bar, '*', stars);
		bar[stars] = '\0';
		printf("%10llu -> %-10llu : %-8llu |%-*s|\n", low, high,
		       (unsigned long long)r->slots[s], STARS, bar);
	}
	printf("\n");
}

static void print_json(const struct syslat_opts *o, const struct syslat_row *r)
{
	const char *name = syscall_name((int32_t)r->nr);
	unsigned int lo, hi;
	bool first = true;

	printf("{\"syscall\":");
	print_json_cstring(stdout, name);
	printf(",\"nr\":%d,\"count\":%llu,\"total_ns\":%llu,\"avg_ns\":%llu,\"unit\":\"%s\",\"buckets\":[",
	       (int32_t)r->nr, (unsigned long long)r->total.count,
	       (unsigned long long)r->total.total_ns,
	       (unsigned long long)(r->total.count ? r->total.total_ns / r->total.count : 0),
	       unit_name(o->unit_ns));
	if (used_slots(r, &lo, &hi)) {
		for (unsigned int s = lo; s <= hi; s++) {
			unsigned long long low, high;

			if (!r->slots[s])
				continue;
			slot_range(s, &low, &high);
			printf("%s{\"low\":%llu,\"high\":%llu,\"count\":%llu}", first ? "" : ",",
			       low, high, (unsigned long long)r->slots[s]);
			first = false;
		}
	}
	printf("]}\n");
}

static int report(struct session *s, const struct syslat_opts *o)
{
	struct syslat_row *rows;
	unsigned long long calls = 0;
	size_t n, shown;
	int err;

	err = read_rows(s, &rows, &n);
	if (err)
		return tool_lib_error(err, "syslat: reading the histograms");
	qsort(rows, n, sizeof(*rows), by_total_desc);
	shown = o->top && o->top < n ? o->top : n;
	for (size_t i = 0; i < shown; i++) {
		if (o->common.json)
			print_json(o, &rows[i]);
		else
			print_human(o, &rows[i]);
	}
	fflush(stdout);
	for (size_t i = 0; i < n; i++)
		calls += rows[i].total.count;
	fprintf(stderr, "tpbpf: syslat: %llu system calls timed, %zu syscalls, %zu shown\n",
		calls, n, shown);
	free(rows);
	return 0;
}

struct syslat_run {
	struct session s;
	struct syslat_opts o;
};

/* The end of the run: the histograms, final since the programs are detached. */
static int final_report(void *ctx)
{
	struct syslat_run *r = ctx;
	unsigned long long missed;
	int rc = report(&r->s, &r->o) ? EXIT_FAIL : EXIT_OK;

	missed = percpu_counter_sum(r->s.obj, "missed");
	if (missed)
		fprintf(stderr, "tpbpf: syslat: %llu system calls not timed: a histogram map was full\n",
			missed);
	return rc;
}

int cmd_syslat(int argc, char **argv)
{
	struct syslat_run r = { 0 };
	int rc;

	rc = parse_args(argc, argv, &r.o);
	if (rc >= 0)
		return rc;
	if ((rc = session_open(&r.s, "syslat", "syslat", &r.o.common)) != 0)
		return session_end(&r.s, rc);
	if (tool_set_const("syslat", r.s.obj, "unit_ns", r.o.unit_ns) ||
	    session_load_attach(&r.s))
		return session_end(&r.s, EXIT_FAIL);
	session_on_end(&r.s, final_report, &r);
	return session_end(&r.s, session_run(&r.s) ? EXIT_FAIL : EXIT_OK);
}
