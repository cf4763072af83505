/* SPDX-License-Identifier: MIT */
/*
 * Per-event cost of a program, measured from the traced side: the wall
 * time of N system calls with nothing attached and with the program
 * attached, in the same process, pinned to one CPU, several trials taken
 * in turns (bare, attached, bare, attached, ...); the cost per event is the
 * median over trials of (attached - bare) / N. Beside it, the kernel's own
 * measure: run_time_ns / run_cnt from BPF_ENABLE_STATS over one more
 * attached pass (the statistics are off during the timed passes: they add
 * two clock reads per run).
 *
 *   cost_SIDE OBJECT.o RUN [--calls N] [--trials K] [--cpu C]
 *
 * Prints "ROW SIDE RUN VALUE" lines: cost.PROG (ns/event), krun.PROG
 * (kernel ns/run) and base.SYSCALL (ns per bare call).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "bench_util.h"
#include "cost.h"

#define MAX_TRIALS 64

static const char *const progs[] = {
	"tp_ren_empty", "tp_ren_count", "raw_ren_empty", "raw_ren_count",
	"tp_ppid_empty", "tp_ppid_count", "raw_ppid_empty", "raw_ppid_count",
};

static void loop_rename(long n)
{
	for (long i = 0; i < n; i++)
		prctl(PR_SET_NAME, "bench-cost", 0, 0, 0);
}

static void loop_getppid(long n)
{
	for (long i = 0; i < n; i++)
		syscall(SYS_getppid);
}

/* Nanoseconds per call of N calls of LOOP, after a short warm-up. */
static double timed(void (*loop)(long), long n)
{
	uint64_t t0;

	loop(n / 16);
	t0 = bench_now_ns();
	loop(n);
	return (double)(bench_now_ns() - t0) / (double)n;
}

int cost_main(const struct cost_loader *l, int argc, char **argv)
{
	long calls = 200000;
	int trials = 7, cpu = -1, run;

	if (argc < 3) {
		fprintf(stderr, "usage: cost_%s OBJECT.o RUN [--calls N] [--trials K] [--cpu C]\n",
			l->side);
		return 2;
	}
	run = atoi(argv[2]);
	for (int i = 3; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--calls"))
			calls = atol(argv[i + 1]);
		else if (!strcmp(argv[i], "--trials"))
			trials = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--cpu"))
			cpu = atoi(argv[i + 1]);
	}
	if (trials < 1 || trials > MAX_TRIALS || calls < 16)
		return 2;
	if (cpu < 0)
		cpu = (int)sysconf(_SC_NPROCESSORS_ONLN) - 1;
	bench_pin_cpu(cpu);
	if (l->load(argv[1]))
		return 1;

	for (size_t p = 0; p < sizeof(progs) / sizeof(progs[0]); p++) {
		const char *name = progs[p];
		void (*loop)(long) = strstr(name, "ren") ? loop_rename : loop_getppid;
		double bare[MAX_TRIALS], delta[MAX_TRIALS];
		uint64_t cnt0, ns0, cnt1, ns1;
		int sfd;

		for (int t = 0; t < trials; t++) {
			double b = timed(loop, calls), a;

			if (l->attach(name))
				return 1;
			a = timed(loop, calls);
			l->detach();
			bare[t] = b;
			delta[t] = a - b;
		}
		printf("cost.%s %s %d %.2f\n", name, l->side, run, bench_median(delta, trials));
		if (p % 2 == 0)
			printf("base.%s %s %d %.2f\n", loop == loop_rename ? "prctl" : "getppid",
			       l->side, run, bench_median(bare, trials));

		sfd = l->enable_stats();
		if (sfd < 0)
			return 1;
		if (l->attach(name) || l->stats(name, &cnt0, &ns0))
			return 1;
		loop(calls);
		if (l->stats(name, &cnt1, &ns1))
			return 1;
		l->detach();
		close(sfd);
		if (cnt1 > cnt0)
			printf("krun.%s %s %d %.2f\n", name, l->side, run,
			       (double)(ns1 - ns0) / (double)(cnt1 - cnt0));
		fflush(stdout);
	}
	return 0;
}
