/* SPDX-License-Identifier: MIT */
/*
 * sleep_loop [COUNT [MS]]: print our pid, wait for a line on stdin, then
 * sleep MS milliseconds (default 10) COUNT times (default 20) with the
 * nanosleep system call itself: glibc's nanosleep() would make
 * clock_nanosleep calls on some architectures.
 *
 * Each sleep's duration as we saw it (CLOCK_MONOTONIC, in ns) goes to
 * stderr, one per line: on a loaded machine a sleep can overrun, and a
 * test can then tell a late wake-up from a wrong histogram.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	long count = argc > 1 ? atol(argv[1]) : 20;
	long ms = argc > 2 ? atol(argv[2]) : 10;
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	long long *slept = calloc(count > 0 ? (size_t)count : 1, sizeof(*slept));
	char line[64];

	if (!slept)
		return perror("calloc"), 1;
	printf("%d\n", (int)getpid());
	fflush(stdout);
	if (!fgets(line, sizeof(line), stdin))
		return fprintf(stderr, "sleep_loop: no go line on stdin\n"), 1;
	for (long i = 0; i < count; i++) {
		long long start = now_ns();

		if (syscall(SYS_nanosleep, &ts, NULL))
			return perror("nanosleep"), 1;
		slept[i] = now_ns() - start;
	}
	/* Printed after the loop: no other system call between the sleeps. */
	for (long i = 0; i < count; i++)
		fprintf(stderr, "%lld\n", slept[i]);
	free(slept);
	return 0;
}
