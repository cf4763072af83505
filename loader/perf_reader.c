// SPDX-License-Identifier: MIT
/*
 * Reading BPF_MAP_TYPE_PERF_EVENT_ARRAY: one software "BPF output" perf
 * event per possible CPU, each with an mmap'd ring, its fd stored in the
 * map at the CPU's number (bpf_perf_event_output(..., BPF_F_CURRENT_CPU, ...)
 * looks it up there), and one epoll instance over all of them.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cpus.h"
#include "internal.h"
#include "perf_ring.h"
#include "sys_bpf.h"

#define DEFAULT_PAGES 64
/* Per CPU; well above any sane setting, and keeps sizes far from overflow. */
#define MAX_RING_BYTES (1UL << 30)

struct cpu_ring {
	struct tpbpf_perf_ring ring;
	int fd;			/* the perf event, -1 if none */
	void *base;		/* the mapping: metadata page, then data */
	size_t map_size;
	bool in_map;		/* our fd sits in the map's slot */
};

struct tpbpf_perf_reader {
	int map_fd;		/* our own dup of the perf event array */
	int epoll_fd;
	struct cpu_ring *rings;
	int nr_rings;
	struct epoll_event *events;
	tpbpf_sample_fn on_sample;
	tpbpf_lost_fn on_lost;
	void *ctx;
};

static void ring_close(struct tpbpf_perf_reader *r, struct cpu_ring *cr)
{
	if (cr->in_map) {
		int key = cr->ring.cpu;

		/* Else the map keeps the event (and its ring) alive. */
		if (tpbpf_sys_map_delete(r->map_fd, &key) < 0)
			tpbpf_log("perf reader: could not clear slot %d of map fd %d",
				  key, r->map_fd);
		cr->in_map = false;
	}
	tpbpf_sys_munmap_ring(cr->base, cr->map_size);
	cr->base = NULL;
	tpbpf_sys_close(cr->fd, "perf ring event");
	cr->fd = -1;
	tpbpf_perf_ring_fini(&cr->ring);
}

void tpbpf_perf_reader_free(struct tpbpf_perf_reader *r)
{
	int i;

	if (!r)
		return;
	for (i = 0; i < r->nr_rings; i++)
		ring_close(r, &r->rings[i]);
	tpbpf_sys_close(r->epoll_fd, "epoll");
	tpbpf_sys_close(r->map_fd, "perf reader's map reference");
	free(r->rings);
	free(r->events);
	free(r);
}

/* Open, map, enable and publish the ring of one CPU. 1: CPU offline. */
static int ring_open(struct tpbpf_perf_reader *r, struct cpu_ring *cr, int cpu,
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
	cr->base = tpbpf_sys_mmap_ring(fd, cr->map_size);
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

int tpbpf_perf_reader_new(int map_fd, const struct tpbpf_perf_reader_opts *opts,
			  struct tpbpf_perf_reader **out)
{
	struct tpbpf_perf_reader *r;
	unsigned int pages, wakeup;
	const int *cpus;
	long page_size;
	int n, i, err;

	if (!out)
		return tpbpf_err(EINVAL, "perf reader: no place for the result");
	*out = NULL;
	if (!opts || !opts->on_sample)
		return tpbpf_err(EINVAL, "perf reader: a sample callback is required");
	pages = opts->pages_per_cpu ? opts->pages_per_cpu : DEFAULT_PAGES;
	wakeup = opts->wakeup_events ? opts->wakeup_events : 1;
	if (pages & (pages - 1))
		return tpbpf_err(EINVAL, "perf ring size of %u pages per CPU is not a power of two (1, 2, 4, ... 64, ...)",
				 pages);
	page_size = sysconf(_SC_PAGESIZE);
	if (page_size <= 0)
		page_size = 4096;
	if ((unsigned long)pages > MAX_RING_BYTES / (unsigned long)page_size)
		return tpbpf_err(EINVAL, "perf ring size of %u pages per CPU is too large (at most %lu)",
				 pages, MAX_RING_BYTES / (unsigned long)page_size);
	if (map_fd < 0)
		return tpbpf_err(EBADF, "perf reader: invalid perf event array fd %d",
				 map_fd);

	n = tpbpf_possible_cpu_list(&cpus);
	if (n < 0)
		return n;

	r = calloc(1, sizeof(*r));
	if (!r)
		return tpbpf_err(ENOMEM, "out of memory for the perf reader");
	r->map_fd = -1;
	r->epoll_fd = -1;
	r->on_sample = opts->on_sample;
	r->on_lost = opts->on_lost;
	r->ctx = opts->ctx;
	r->rings = calloc((size_t)n, sizeof(*r->rings));
	r->events = calloc((size_t)n, sizeof(*r->events));
	if (!r->rings || !r->events) {
		err = tpbpf_err(ENOMEM, "out of memory for %d perf rings", n);
		goto fail;
	}
	/* Our own reference: the slots are cleared through it on free even if
	 * the caller has closed its map fd (and the number was reused). */
	r->map_fd = tpbpf_sys_dup(map_fd);
	if (r->map_fd < 0) {
		err = tpbpf_err(-r->map_fd, "perf reader: dup of map fd %d: %s",
				map_fd, strerror(-r->map_fd));
		goto fail;
	}
	r->epoll_fd = tpbpf_sys_epoll_create();
	if (r->epoll_fd < 0) {
		err = tpbpf_err(-r->epoll_fd, "epoll_create1: %s", strerror(-r->epoll_fd));
		goto fail;
	}

	for (i = 0; i < n; i++) {
		struct cpu_ring *cr = &r->rings[r->nr_rings];

		cr->fd = -1;
		r->nr_rings++;	/* counted now so a failure frees it */
		err = ring_open(r, cr, cpus[i], pages, wakeup, (size_t)page_size);
		if (err < 0)
			goto fail;
		if (err > 0) {
			r->nr_rings--;	/* offline CPU: nothing was created */
			continue;
		}
	}
	if (r->nr_rings == 0) {
		err = tpbpf_err(ENODEV, "perf reader: no online CPU accepted a BPF output event");
		goto fail;
	}
	tpbpf_log("perf reader: %d rings of %u pages, wakeup every %u records",
		  r->nr_rings, pages, wakeup);
	*out = r;
	return 0;
fail:
	{
		/* Tearing down must not overwrite the reason we failed. */
		char why[512];

		snprintf(why, sizeof(why), "%s", tpbpf_error_detail());
		tpbpf_perf_reader_free(r);
		return tpbpf_err(-err, "%s", why);
	}
}

/* Handle what every ring holds; the first error wins, the others go on. */
static int consume_all(struct tpbpf_perf_reader *r)
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

int tpbpf_perf_reader_poll(struct tpbpf_perf_reader *r, int timeout_ms)
{
	int n;

	if (!r)
		return tpbpf_err(EINVAL, "perf reader: NULL");
	n = tpbpf_sys_epoll_wait(r->epoll_fd, r->events, r->nr_rings, timeout_ms);
	/* A signal (Ctrl-C) is not a failure: the caller checks its flag. */
	if (n < 0 && n != -EINTR)
		return tpbpf_err(-n, "epoll_wait on the perf rings: %s", strerror(-n));
	/*
	 * Whatever woke us (a ring, the timeout, a signal), read every ring:
	 * with batched wake-ups a ring below its wakeup_events count never
	 * signals, and this is how its records get out.
	 */
	return consume_all(r);
}

int tpbpf_perf_reader_drain(struct tpbpf_perf_reader *r)
{
	if (!r)
		return tpbpf_err(EINVAL, "perf reader: NULL");
	return consume_all(r);
}

uint64_t tpbpf_perf_reader_lost(const struct tpbpf_perf_reader *r)
{
	uint64_t lost = 0;
	int i;

	if (!r)
		return 0;
	for (i = 0; i < r->nr_rings; i++)
		lost += r->rings[i].ring.lost;
	return lost;
}
