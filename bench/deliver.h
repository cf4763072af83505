/* SPDX-License-Identifier: MIT */
/*
 * Event delivery: what one loader must provide for deliver_main() to
 * measure how many opensnoop events per second reach user space through
 * its perf ring reader. deliver_tpbpf.c and deliver_libbpf.c fill it in.
 */
#ifndef TPBPF_BENCH_DELIVER_H
#define TPBPF_BENCH_DELIVER_H

#include <stdint.h>

/* Called by the loader's reader for each record and each lost report. */
void deliver_on_sample(int cpu, const void *data, uint32_t size);
void deliver_on_lost(int cpu, uint64_t lost);

struct deliver_loader {
	const char *side;
	/*
	 * Open and load the opensnoop object, tracing only process PID; a ring
	 * buffer object gets PAGES per CPU in one ring, and wakes the reader
	 * when a record goes into an empty ring (WAKEUP 1: the reader was
	 * waiting; the kernel's own choice) or once 1/16 of the ring waits.
	 */
	int (*load)(const char *path, int pid, unsigned int pages, unsigned int wakeup);
	/* Rings of PAGES pages per CPU, waking the reader every WAKEUP records. */
	int (*reader)(unsigned int pages, unsigned int wakeup);
	int (*attach)(void);
	int (*poll)(int timeout_ms);
	int (*drain)(void);
	/* Records the reader was told were lost. */
	uint64_t (*lost)(void);
	/* The program's own count of failed bpf_perf_event_output() calls. */
	uint64_t (*kernel_drops)(void);
	void (*close)(void);
};

int deliver_main(const struct deliver_loader *l, int argc, char **argv);

#endif
