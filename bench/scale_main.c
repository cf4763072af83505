/* SPDX-License-Identifier: MIT */
/*
 * Attach scaling: time to attach one loaded program to N tracepoints
 * (the first N of syscalls:sys_enter_*, sorted; "all" of them last), each
 * N measured from the first attach call to the last one's return, then
 * everything detached before the next N.
 *
 *   scale_SIDE OBJECT.o PROG RUN N...     (N: a number or "all")
 *
 * Prints "attach.N SIDE RUN MICROSECONDS_PER_TRACEPOINT" and, for "all",
 * "attach.all.n SIDE RUN COUNT".
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_util.h"
#include "scale.h"

#define MAX_TPS 2048

static char *names[MAX_TPS];
static int nnames;

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The sys_enter_* events of tracefs (read before any timing starts). */
static int read_names(void)
{
	const char *dirs[] = { "/sys/kernel/tracing/events/syscalls",
			       "/sys/kernel/debug/tracing/events/syscalls" };
	struct dirent *e;
	DIR *d = NULL;

	for (size_t i = 0; i < 2 && !d; i++)
		d = opendir(dirs[i]);
	if (!d)
		return -1;
	while ((e = readdir(d)) && nnames < MAX_TPS)
		if (!strncmp(e->d_name, "sys_enter_", 10))
			names[nnames++] = strdup(e->d_name);
	closedir(d);
	qsort(names, (size_t)nnames, sizeof(names[0]), cmp_str);
	return nnames;
}

int scale_main(const struct scale_loader *l, int argc, char **argv)
{
	int run;

	if (argc < 5) {
		fprintf(stderr, "usage: scale_%s OBJECT.o PROG RUN N...\n", l->side);
		return 2;
	}
	run = atoi(argv[3]);
	bench_pin_cpu(0);
	if (read_names() <= 0) {
		fprintf(stderr, "scale_%s: no syscalls:sys_enter_* in tracefs\n", l->side);
		return 1;
	}
	if (l->load(argv[1], argv[2]))
		return 1;
	for (int a = 4; a < argc; a++) {
		int n = strcmp(argv[a], "all") ? atoi(argv[a]) : nnames;
		uint64_t t0, t1;

		if (n < 1 || n > nnames)
			n = nnames;
		t0 = bench_now_ns();
		for (int i = 0; i < n; i++)
			if (l->attach("syscalls", names[i]))
				return 1;
		t1 = bench_now_ns();
		l->detach_all();
		printf("attach.%s %s %d %.2f\n", argv[a], l->side, run,
		       (double)(t1 - t0) / 1e3 / n);
		if (!strcmp(argv[a], "all"))
			printf("attach.all.n %s %d %d\n", l->side, run, n);
		fflush(stdout);
	}
	return 0;
}
