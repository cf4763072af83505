/* SPDX-License-Identifier: MIT */
/*
 * Load latency: from just before fork+exec of a command to the moment its
 * output shows a ready line, for several commands side by side, taking
 * turns (A B C A B C ...) so that a noisy moment hits every side alike.
 *
 *   load_latency ROW RUNS [--exit REPORT] -- SIDE MARKER CMD ARG... [-- SIDE MARKER CMD ...]
 *
 * Prints one line per measurement: "ROW SIDE RUN MILLISECONDS". The command
 * gets SIGINT once the marker is seen (or exits by itself) and is waited
 * for before the next one starts, so nothing of it is still attached.
 * MARKER "EXIT" times the whole run instead: to the command's exit (which
 * must be 0).
 *
 * With --exit, what is timed is the end instead: once the marker is seen
 * and the command has run for a moment, from its SIGINT (Ctrl-C) to its
 * exit; and, when REPORT is not "-", to the first output line holding
 * REPORT after the SIGINT (the tool's closing summary), as "ROW.report".
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_SIDES 8
#define TIMEOUT_MS 60000

struct side {
	const char *name;
	const char *marker;
	char **argv;
};

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Wait for PID, killing it if it will not go; its output is discarded. */
static void reap(pid_t pid, int fd)
{
	char buf[4096];
	double end = now_ms() + 10000;
	int status;

	kill(pid, SIGINT);
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };

		if (waitpid(pid, &status, WNOHANG) == pid)
			break;
		if (now_ms() > end) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			break;
		}
		if (poll(&p, 1, 20) > 0 && read(fd, buf, sizeof(buf)) <= 0)
			usleep(5000);
	}
	close(fd);
}

static const char *exit_report;	/* --exit REPORT */
static double report_ms;

/*
 * After the marker: let the command run a moment, send SIGINT, read its
 * output to the end; milliseconds from the signal to its exit (and to the
 * REPORT line in report_ms), or a negative number.
 */
static double time_exit(pid_t pid, int fd)
{
	char buf[65536];
	double t0;
	int status;
	ssize_t n;

	usleep(300000);
	/* What it printed while running is not the report. */
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };

		if (poll(&p, 1, 0) <= 0 || read(fd, buf, sizeof(buf)) <= 0)
			break;
	}
	report_ms = -1;
	t0 = now_ms();
	kill(pid, SIGINT);
	while ((n = read(fd, buf, sizeof(buf) - 1)) > 0) {
		buf[n] = '\0';
		if (report_ms < 0 && strcmp(exit_report, "-") && strstr(buf, exit_report))
			report_ms = now_ms() - t0;
	}
	waitpid(pid, &status, 0);
	close(fd);
	return now_ms() - t0;
}

/* Milliseconds to the marker, or a negative number (output on stderr). */
static double run_once(const struct side *s)
{
	char out[16384];
	size_t len = 0;
	int pfd[2];
	double t0, t;
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC) < 0)
		return -1;
	t0 = now_ms();
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(null, 0);
		dup2(pfd[1], 1);
		dup2(pfd[1], 2);
		execvp(s->argv[0], s->argv);
		_exit(127);
	}
	close(pfd[1]);
	if (!strcmp(s->marker, "EXIT")) {
		char buf[65536];
		int status;

		while (read(pfd[0], buf, sizeof(buf)) > 0)
			;
		waitpid(pid, &status, 0);
		t = now_ms() - t0;
		close(pfd[0]);
		if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
			return t;
		fprintf(stderr, "load_latency: %s failed\n", s->name);
		return -1;
	}
	for (;;) {
		struct pollfd p = { .fd = pfd[0], .events = POLLIN };
		ssize_t n;
		int left = (int)(t0 + TIMEOUT_MS - now_ms());

		if (left <= 0 || poll(&p, 1, left) <= 0)
			break;
		n = read(pfd[0], out + len, sizeof(out) - 1 - len);
		if (n <= 0)
			break;
		len += (size_t)n;
		out[len] = '\0';
		if (strstr(out, s->marker)) {
			t = now_ms() - t0;
			if (exit_report)
				return time_exit(pid, pfd[0]);
			reap(pid, pfd[0]);
			return t;
		}
		if (len == sizeof(out) - 1)
			len = 0;	/* keep looking in fresh output */
	}
	reap(pid, pfd[0]);
	fprintf(stderr, "load_latency: %s: no \"%s\" in its output:\n%s\n",
		s->name, s->marker, out);
	return -1;
}

int main(int argc, char **argv)
{
	struct side sides[MAX_SIDES];
	int nsides = 0, runs, first = 3;

	if (argc > 5 && !strcmp(argv[3], "--exit")) {
		exit_report = argv[4];
		first = 5;
	}
	if (argc < first + 1 || strcmp(argv[first], "--")) {
		fprintf(stderr, "usage: load_latency ROW RUNS [--exit REPORT] -- SIDE MARKER CMD ARG... [-- ...]\n");
		return 2;
	}
	runs = atoi(argv[2]);
	for (int i = first; i < argc; i++) {
		if (strcmp(argv[i], "--"))
			continue;
		argv[i] = NULL;	/* ends the previous side's argv */
		if (nsides == MAX_SIDES || i + 3 >= argc) {
			fprintf(stderr, "load_latency: each side wants SIDE MARKER CMD\n");
			return 2;
		}
		sides[nsides].name = argv[i + 1];
		sides[nsides].marker = argv[i + 2];
		sides[nsides].argv = &argv[i + 3];
		nsides++;
	}
	signal(SIGPIPE, SIG_IGN);
	/* One unmeasured round: page cache, dynamic linker, tracefs dentries. */
	for (int s = 0; s < nsides; s++)
		if (run_once(&sides[s]) < 0)
			return 1;
	for (int r = 0; r < runs; r++) {
		for (int s = 0; s < nsides; s++) {
			double ms = run_once(&sides[s]);

			if (ms < 0)
				return 1;
			printf("%s %s %d %.3f\n", argv[1], sides[s].name, r, ms);
			if (exit_report && report_ms >= 0)
				printf("%s.report %s %d %.3f\n", argv[1], sides[s].name, r, report_ms);
			fflush(stdout);
			/* Let the kernel finish freeing the last side's programs. */
			usleep(50000);
		}
	}
	return 0;
}
