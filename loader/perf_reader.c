// SPDX-License-Identifier: MIT
/*
 * Reading a BPF_MAP_TYPE_PERF_EVENT_ARRAY: one software "BPF output" perf
 * event per possible CPU, each with an mmap'd ring, its fd stored in the
 * map at the CPU's number (bpf_perf_event_output(..., BPF_F_CURRENT_CPU, ...)
 * looks it up there), each in the reader's epoll set (event_reader.c).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cpus.h"
#include "event_reader.h"
#include "internal.h"
#include "perf_ring.h"
#include "sys_bpf.h"

struct cpu_ring {
	struct tpbpf_perf_ring ring;
	int fd;			/* the perf event, -1 if none */
	void *base;		/* the mapping: metadata page, then data */
	size_t map_size;
	bool in_map;		/* our fd sits in the map's slot */
};

static void ring_close(struct tpbpf_event_reader *r, struct cpu_ring *cr)
{
	if (cr->in_map) {
		int key = cr->ring.cpu;

		/* Else the map keeps the event (and its ring) alive. */
		if (tpbpf_sys_map_delete(r->map_fd, &key) < 0)
			tpbpf_log("perf reader: could not clear slot %d of map fd %d",
				  key, r->map_fd);
		cr->in_map = false;
	}
	tpbpf_sys_munmap(cr->base, cr->map_size);
	cr->base = NULL;
	tpbpf_sys_close(cr->fd, "perf ring event");
	cr->fd = -1;
	tpbpf_perf_ring_fini(&cr->ring);
}

void tpbpf_perf_rings_close(struct tpbpf_event_reader *r)
{
	for (int i = 0; i < r->nr_rings; i++)
		ring_close(r, &r->rings[i]);
	free(r->rings);
	r->rings = NULL;
	r->nr_rings = 0;
}

/* Open, map, enable and publish the ring of one CPU. 1: CPU offline. */
static int ring_open(struct tpbpf_event_reader *r, struct cpu_ring *cr, int cpu,
		     unsigned int pages, unsigned int wakeup, size_t page_size)
{
	struct perf_event_attr attr;
	char what[64];
	int fd, err;

	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = PERF_TYPE_SOFTWARE;
	attr.config = PERF_COUNT_SW_BPF_OUTPUT;
	attr.sample_type = PERF_SAMPLE_RAW;
	attr.sample_period = 1;
	attr.wakeup_events = wakeup;
	attr.disabled = 1;
	snprintf(what, sizeof(what), "the BPF output ring of CPU %d", cpu);
	fd = tpbpf_sys_perf_event_open(&attr, -1, cpu, what);
	if (fd < 0) {
		err = -fd;
		if (err == ENODEV) {
			/* Possible but offline: nothing will run there. */
			tpbpf_log("perf_event_open(BPF output) on CPU %d: offline, skipped",
				  cpu);
			return 1;
		}
		if (err == EMFILE || err == ENFILE)
			return tpbpf_err(err, "perf_event_open(BPF output) on CPU %d: %s; raise the open-file limit (ulimit -n)",
					 cpu, strerror(err));
		return tpbpf_err(err, "perf_event_open(BPF output) on CPU %d: %s",
				 cpu, strerror(err));
	}
	cr->fd = fd;

	cr->map_size = (1 + (size_t)pages) * page_size;
	cr->base = tpbpf_sys_mmap(fd, cr->map_size, 0, true, what);
	if (!cr->base) {
		err = errno;
		if (err == ENOMEM || err == EPERM)
			return tpbpf_err(err, "mmap of the %zu-byte perf ring of CPU %d: %s; use fewer --ring-pages, raise RLIMIT_MEMLOCK (ulimit -l) or /proc/sys/kernel/perf_event_mlock_kb",
					 cr->map_size, cpu, strerror(err));
		return tpbpf_err(err, "mmap of the %zu-byte perf ring of CPU %d: %s",
				 cr->map_size, cpu, strerror(err));
	}
	err = tpbpf_perf_ring_init(&cr->ring, cr->base,
				   (unsigned char *)cr->base + page_size,
				   (size_t)pages * page_size, cpu);
	if (err)
		return err;

	err = tpbpf_sys_perf_enable(fd);
	if (err)
		return tpbpf_err(-err, "ioctl(PERF_EVENT_IOC_ENABLE) on the perf ring of CPU %d: %s",
				 cpu, strerror(-err));

	err = tpbpf_sys_map_update(r->map_fd, &cpu, &fd, BPF_ANY);
	if (err < 0) {
		err = -err;
		if (err == E2BIG)
			return tpbpf_err(err, "storing the perf ring of CPU %d in the perf event array: %s; the map needs max_entries > %d (one slot per CPU number)",
					 cpu, strerror(err), cpu);
		return tpbpf_err(err, "storing the perf ring of CPU %d in the perf event array: %s",
				 cpu, strerror(err));
	}
	cr->in_map = true;
	tpbpf_log("perf event array (fd %d) [%d] = perf fd %d", r->map_fd, cpu, fd);

	err = tpbpf_sys_epoll_add(r->epoll_fd, fd, cr);
	if (err)
		return tpbpf_err(-err, "epoll_ctl(ADD) for the perf ring of CPU %d: %s",
				 cpu, strerror(-err));
	return 0;
}

int tpbpf_perf_rings_open(struct tpbpf_event_reader *r, unsigned int pages,
			  unsigned int wakeup)
{
	const int *cpus;
	long page_size;
	int n, i, err;

	page_size = sysconf(_SC_PAGESIZE);
	if (page_size <= 0)
		page_size = 4096;
	n = tpbpf_possible_cpu_list(&cpus);
	if (n < 0)
		return n;
	r->rings = calloc((size_t)n, sizeof(*r->rings));
	r->events = calloc((size_t)n, sizeof(*r->events));
	if (!r->rings || !r->events)
		return tpbpf_err(ENOMEM, "out of memory for %d perf rings", n);
	r->nr_events = n;
	for (i = 0; i < n; i++) {
		struct cpu_ring *cr = &r->rings[r->nr_rings];

		cr->fd = -1;
		r->nr_rings++;	/* counted now so a failure frees it */
		err = ring_open(r, cr, cpus[i], pages, wakeup, (size_t)page_size);
		if (err < 0)
			return err;
		if (err > 0) {
			r->nr_rings--;	/* offline CPU: nothing was created */
			continue;
		}
	}
	if (r->nr_rings == 0)
		return tpbpf_err(ENODEV, "perf reader: no online CPU accepted a BPF output event");
	tpbpf_log("perf reader: %d rings of %u pages, wakeup every %u records",
		  r->nr_rings, pages, wakeup);
	return 0;
}

/* Handle what every ring holds; the first error wins, the others go on. */
int tpbpf_perf_rings_consume(struct tpbpf_event_reader *r)
{
	char first[512] = "";
	int i, n, total = 0, err = 0;

	for (i = 0; i < r->nr_rings; i++) {
		n = tpbpf_perf_ring_consume(&r->rings[i].ring, r->on_sample,
					    r->on_lost, r->ctx);
		if (n < 0) {
			if (!err) {
				err = n;
				snprintf(first, sizeof(first), "%s",
					 tpbpf_error_detail());
			}
			continue;
		}
		total = total > INT_MAX - n ? INT_MAX : total + n;
	}
	if (err)
		return tpbpf_err(-err, "%s", first);
	return total;
}

uint64_t tpbpf_perf_rings_lost(const struct tpbpf_event_reader *r)
{
	uint64_t lost = 0;

	for (int i = 0; i < r->nr_rings; i++)
		lost += r->rings[i].ring.lost;
	return lost;
}

uint64_t tpbpf_perf_rings_samples(const struct tpbpf_event_reader *r)
{
	uint64_t n = 0;

	for (int i = 0; i < r->nr_rings; i++)
		n += r->rings[i].ring.samples;
	return n;
}
