/* SPDX-License-Identifier: MIT */
/*
 * sleeper [-w FIFO] [-t THREADS] COUNT: print our pid; wait for a line on
 * FIFO (so that a tracer can attach first); then sleep 1 ms COUNT times
 * with the nanosleep system call itself (each sleep is a context switch).
 * With -t, THREADS threads sleep COUNT times each while the main thread
 * waits for them, and their thread IDs are printed at the end.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static long count;

static void *sleep_loop(void *arg)
{
	struct timespec ts = { 0, 1000000L };

	*(long *)arg = syscall(SYS_gettid);
	for (long i = 0; i < count; i++)
		if (syscall(SYS_nanosleep, &ts, NULL))
			perror("nanosleep"), exit(1);
	return NULL;
}

int main(int argc, char **argv)
{
	const char *fifo = NULL;
	long nthreads = 0, tids[64];
	pthread_t threads[64];
	char line[64];
	FILE *f;
	int c;

	while ((c = getopt(argc, argv, "w:t:")) != -1) {
		if (c == 'w')
			fifo = optarg;
		else if (c == 't')
			nthreads = atol(optarg);
		else
			return 2;
	}
	if (optind != argc - 1 || nthreads < 0 || nthreads > 64)
		return fprintf(stderr, "usage: sleeper [-w FIFO] [-t THREADS] COUNT\n"), 2;
	count = atol(argv[optind]);
	printf("%d\n", (int)getpid());
	fflush(stdout);
	if (fifo && (!(f = fopen(fifo, "r")) || !fgets(line, sizeof(line), f)))
		return perror(fifo), 1;
	if (nthreads == 0) {
		sleep_loop(&tids[0]);
		return 0;
	}
	for (long i = 0; i < nthreads; i++)
		if (pthread_create(&threads[i], NULL, sleep_loop, &tids[i]))
			return fprintf(stderr, "pthread_create failed\n"), 1;
	for (long i = 0; i < nthreads; i++)
		pthread_join(threads[i], NULL);
	for (long i = 0; i < nthreads; i++)
		printf("%ld\n", tids[i]);
	return 0;
}
