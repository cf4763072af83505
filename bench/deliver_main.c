/* SPDX-License-Identifier: MIT */
/*
 * Event delivery: one process (the opener, pinned to one CPU) opens and
 * closes a file as fast as it can, or at --rate opens per second, for
 * --seconds; the opensnoop programs, filtered on its PID, send one event
 * per open (a 4096-byte path buffer, only the used bytes sent) into a perf
 * event array; the reader (this process, pinned to the other CPU) counts
 * what arrives and what the kernel reports lost.
 *
 *   deliver_SIDE OBJECT.o ROW RUN [--pages P] [--wakeup W] [--seconds S]
 *                [--rate OPENS_PER_SEC]
 *
 * Prints "ROW.KEY SIDE RUN VALUE" for KEY in opens (opens/s made), recv
 * (events/s received), lost (records reported lost), kdrops (the kernel's
 * count of failed outputs), missing (opens neither received nor lost).
 */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../progs/opensnoop.h"
#include "bench_util.h"
#include "deliver.h"

#define PATH_DIR "/tmp/tpbpf-bench"
/* A path of ordinary length (~100 bytes), as opensnoop sees in practice. */
#define PATH_FILE PATH_DIR "/deliver-" \
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.txt"

static uint64_t received, bad, lost_reports;
static pid_t opener;

void deliver_on_sample(int cpu, const void *data, uint32_t size)
{
	struct open_event ev;

	(void)cpu;
	if (size < OPEN_EVENT_HDR_SIZE) {
		bad++;
		return;
	}
	memcpy(&ev, data, OPEN_EVENT_HDR_SIZE);
	if ((pid_t)ev.pid != opener || ev.path_len != sizeof(PATH_FILE) ||
	    size < OPEN_EVENT_HDR_SIZE + ev.path_len ||
	    memcmp((const char *)data + OPEN_EVENT_HDR_SIZE, PATH_FILE, ev.path_len)) {
		bad++;
		return;
	}
	received++;
}

void deliver_on_lost(int cpu, uint64_t lost)
{
	(void)cpu;
	lost_reports += lost;
}

/*
 * The opener: wait for the go byte, open until the time is up, report.
 * Then, once the reader has drained everything, one more open: the kernel
 * writes a ring's pending lost count only in front of the next record that
 * fits, so without it losses at the very end would never be reported.
 */
static void open_loop(int go_fd, int done_fd, int cpu, double seconds,
		      double rate, volatile uint64_t *opens)
{
	uint64_t end, n = 0, t0, step = rate > 0 ? (uint64_t)(1e9 / rate) : 0;
	char c;

	bench_pin_cpu(cpu);
	if (read(go_fd, &c, 1) != 1)
		_exit(1);
	t0 = bench_now_ns();
	end = t0 + (uint64_t)(seconds * 1e9);
	for (;;) {
		uint64_t now = bench_now_ns();
		int fd;

		if (now >= end)
			break;
		if (step && now < t0 + n * step)
			continue;	/* paced: spin until the next slot */
		fd = open(PATH_FILE, O_RDONLY);
		if (fd >= 0)
			close(fd);
		n++;
	}
	*opens = n;
	if (write(done_fd, "d", 1) != 1 || read(go_fd, &c, 1) != 1)
		_exit(1);
	close(open(PATH_FILE, O_RDONLY));
	_exit(0);
}

int deliver_main(const struct deliver_loader *l, int argc, char **argv)
{
	unsigned int pages = 64, wakeup = 1;
	double seconds = 2, rate = 0;
	int go[2], done[2], run, status, ncpu;
	volatile uint64_t *opens;
	const char *row;
	uint64_t t0, t1;

	if (argc < 4) {
		fprintf(stderr, "usage: deliver_%s OBJECT.o ROW RUN [--pages P] [--wakeup W] [--seconds S] [--rate R]\n",
			l->side);
		return 2;
	}
	row = argv[2];
	run = atoi(argv[3]);
	for (int i = 4; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--pages"))
			pages = (unsigned int)atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--wakeup"))
			wakeup = (unsigned int)atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--seconds"))
			seconds = atof(argv[i + 1]);
		else if (!strcmp(argv[i], "--rate"))
			rate = atof(argv[i + 1]);
	}
	ncpu = (int)sysconf(_SC_NPROCESSORS_ONLN);
	mkdir(PATH_DIR, 0755);
	close(open(PATH_FILE, O_WRONLY | O_CREAT, 0644));
	opens = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (opens == MAP_FAILED || pipe(go) || pipe(done))
		return 1;
	opener = fork();
	if (opener < 0)
		return 1;
	if (opener == 0) {
		close(go[1]);
		close(done[0]);
		open_loop(go[0], done[1], ncpu > 1 ? 1 : 0, seconds, rate, opens);
	}
	close(go[0]);
	close(done[1]);
	bench_pin_cpu(0);
	if (l->load(argv[1], opener, pages, wakeup) || l->reader(pages, wakeup) || l->attach()) {
		kill(opener, SIGKILL);
		return 1;
	}
	t0 = bench_now_ns();
	if (write(go[1], "g", 1) != 1)
		return 1;
	for (;;) {
		struct pollfd p = { .fd = done[0], .events = POLLIN };

		if (poll(&p, 1, 0) > 0)
			break;
		if (l->poll(100) < 0)
			return 1;
	}
	t1 = bench_now_ns();
	/* Drain, then the last open (see open_loop), then drain again. */
	if (l->drain() < 0 || write(go[1], "f", 1) != 1)
		return 1;
	waitpid(opener, &status, 0);
	if (l->drain() < 0)
		return 1;
	received--;	/* the last open's event */
	{
		double secs = (double)(t1 - t0) / 1e9;
		uint64_t lost = l->lost(), kdrops = l->kernel_drops();
		int64_t missing = (int64_t)*opens - (int64_t)received - (int64_t)lost;

		printf("%s.opens %s %d %.0f\n", row, l->side, run, (double)*opens / secs);
		printf("%s.recv %s %d %.0f\n", row, l->side, run, (double)received / secs);
		printf("%s.lost %s %d %llu\n", row, l->side, run, (unsigned long long)lost);
		printf("%s.kdrops %s %d %llu\n", row, l->side, run, (unsigned long long)kdrops);
		printf("%s.missing %s %d %lld\n", row, l->side, run, (long long)missing);
		if (bad)
			fprintf(stderr, "deliver_%s: %llu malformed or foreign records\n",
				l->side, (unsigned long long)bad);
	}
	l->close();
	return 0;
}
