/* SPDX-License-Identifier: MIT */
/*
 * The traced thread of the tracer benchmark: opens and closes PATH N times
 * as fast as it can, under the name "tpbpf_opener" (so every tracer's
 * output can be counted by its COMM), and prints the nanoseconds it took.
 *
 *   opener N PATH
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "bench_util.h"

int main(int argc, char **argv)
{
	long n;
	uint64_t t0, t1;

	if (argc != 3)
		return fprintf(stderr, "usage: opener N PATH\n"), 2;
	n = atol(argv[1]);
	prctl(PR_SET_NAME, "tpbpf_opener", 0, 0, 0);
	t0 = bench_now_ns();
	for (long i = 0; i < n; i++) {
		int fd = open(argv[2], O_RDONLY);

		if (fd >= 0)
			close(fd);
	}
	t1 = bench_now_ns();
	printf("%llu\n", (unsigned long long)(t1 - t0));
	return 0;
}
