// SPDX-License-Identifier: MIT
/*
 * The load path, step "events" (the steps in order: object.h): reading
 * what programs send, the same way whatever map they send it to:
 *
 *   BPF_MAP_TYPE_PERF_EVENT_ARRAY  one perf ring per CPU, which the reader
 *                                  opens and stores in the map (perf_reader.c);
 *                                  every kernel; the kernel counts what a
 *                                  full ring could not take
 *   BPF_MAP_TYPE_RINGBUF           the map's own ring, shared by all CPUs,
 *                                  which the reader maps (ringbuf_reader.c);
 *                                  5.8+; a full ring fails the program's send
 *
 * The reader asks the kernel which one the map is (BPF_OBJ_GET_INFO_BY_FD),
 * keeps its own reference to it, and waits on one epoll set over its
 * rings. Whatever wakes it, it reads every ring: with batched wake-ups a
 * ring below its wake-up mark never signals, and this is how its records
 * get out.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "event_reader.h"
#include "internal.h"
#include "sys_bpf.h"

#define DEFAULT_PAGES 64
/* Per CPU; well above any sane setting, and keeps sizes far from overflow. */
#define MAX_RING_BYTES (1UL << 30)

static const char *kind(const struct tpbpf_event_reader *r)
{
	return r->map_type == BPF_MAP_TYPE_RINGBUF ? "ring buffer" : "perf rings";
}

void tpbpf_event_reader_free(struct tpbpf_event_reader *r)
{
	if (!r)
		return;
	tpbpf_perf_rings_close(r);
	tpbpf_ringbuf_unmap(r);
	tpbpf_sys_close(r->epoll_fd, "epoll");
	tpbpf_sys_close(r->map_fd, "event reader's map reference");
	free(r->events);
	free(r);
}

/* The map's type and size; a kernel too old to say (before 4.13) has no ring buffers. */
static void map_info(int fd, uint32_t *type, uint32_t *max_entries)
{
	struct bpf_map_info info;
	uint32_t len = sizeof(info);

	memset(&info, 0, sizeof(info));
	*type = BPF_MAP_TYPE_PERF_EVENT_ARRAY;
	*max_entries = 0;
	if (tpbpf_sys_obj_get_info(fd, &info, &len) == 0) {
		*type = info.type;
		*max_entries = info.max_entries;
	}
}

int tpbpf_event_reader_new(int map_fd, const struct tpbpf_event_reader_opts *opts,
			   struct tpbpf_event_reader **out)
{
	struct tpbpf_event_reader *r;
	unsigned int pages, wakeup;
	uint32_t size;
	long page_size;
	int err;

	if (!out)
		return tpbpf_err(EINVAL, "event reader: no place for the result");
	*out = NULL;
	if (!opts || !opts->on_sample)
		return tpbpf_err(EINVAL, "event reader: a sample callback is required");
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
		return tpbpf_err(EBADF, "event reader: invalid map fd %d", map_fd);

	r = calloc(1, sizeof(*r));
	if (!r)
		return tpbpf_err(ENOMEM, "out of memory for the event reader");
	r->map_fd = -1;
	r->epoll_fd = -1;
	r->on_sample = opts->on_sample;
	r->on_lost = opts->on_lost;
	r->ctx = opts->ctx;
	/* Our own reference: the perf slots are cleared through it on free even
	 * if the caller has closed its map fd (and the number was reused). */
	r->map_fd = tpbpf_sys_dup(map_fd);
	if (r->map_fd < 0) {
		err = tpbpf_err(-r->map_fd, "event reader: dup of map fd %d: %s",
				map_fd, strerror(-r->map_fd));
		goto fail;
	}
	map_info(r->map_fd, &r->map_type, &size);
	r->epoll_fd = tpbpf_sys_epoll_create();
	if (r->epoll_fd < 0) {
		err = tpbpf_err(-r->epoll_fd, "epoll_create1: %s", strerror(-r->epoll_fd));
		goto fail;
	}
	switch (r->map_type) {
	case BPF_MAP_TYPE_PERF_EVENT_ARRAY:
		err = tpbpf_perf_rings_open(r, pages, wakeup);
		break;
	case BPF_MAP_TYPE_RINGBUF:
		r->events = calloc(1, sizeof(*r->events));
		r->nr_events = 1;
		err = r->events ? tpbpf_ringbuf_map(r, size) :
				  tpbpf_err(ENOMEM, "out of memory for the event reader");
		break;
	default:
		err = tpbpf_err(EINVAL, "event reader: map fd %d is of type %u, neither a perf event array nor a ring buffer",
				map_fd, r->map_type);
	}
	if (err)
		goto fail;
	*out = r;
	return 0;
fail:
	{
		/* Tearing down must not overwrite the reason we failed. */
		char why[512];

		snprintf(why, sizeof(why), "%s", tpbpf_error_detail());
		tpbpf_event_reader_free(r);
		return tpbpf_err(-err, "%s", why);
	}
}

static int consume(struct tpbpf_event_reader *r)
{
	if (r->map_type == BPF_MAP_TYPE_RINGBUF)
		return tpbpf_ringbuf_consume(&r->rb, r->on_sample, r->ctx);
	return tpbpf_perf_rings_consume(r);
}

int tpbpf_event_reader_poll(struct tpbpf_event_reader *r, int timeout_ms)
{
	int n;

	if (!r)
		return tpbpf_err(EINVAL, "event reader: NULL");
	/*
	 * A ring buffer's programs wake us only when it crosses their mark:
	 * with records left behind (one was still being written) it may be
	 * past the mark already, and no wake-up would come. Look again soon.
	 */
	if (r->map_type == BPF_MAP_TYPE_RINGBUF && timeout_ms > 1 && tpbpf_ringbuf_pending(&r->rb))
		timeout_ms = 1;
	n = tpbpf_sys_epoll_wait(r->epoll_fd, r->events, r->nr_events, timeout_ms);
	/* A signal (Ctrl-C) is not a failure: the caller checks its flag. */
	if (n < 0 && n != -EINTR)
		return tpbpf_err(-n, "epoll_wait on the %s: %s", kind(r), strerror(-n));
	return consume(r);
}

int tpbpf_event_reader_drain(struct tpbpf_event_reader *r)
{
	if (!r)
		return tpbpf_err(EINVAL, "event reader: NULL");
	return consume(r);
}

int tpbpf_event_reader_fd(const struct tpbpf_event_reader *r)
{
	return r ? r->epoll_fd : -1;
}

uint32_t tpbpf_event_reader_map_type(const struct tpbpf_event_reader *r)
{
	return r ? r->map_type : 0;
}

uint64_t tpbpf_event_reader_lost(const struct tpbpf_event_reader *r)
{
	if (!r || r->map_type != BPF_MAP_TYPE_PERF_EVENT_ARRAY)
		return 0;
	return tpbpf_perf_rings_lost(r);
}

uint64_t tpbpf_event_reader_samples(const struct tpbpf_event_reader *r)
{
	if (!r)
		return 0;
	if (r->map_type == BPF_MAP_TYPE_PERF_EVENT_ARRAY)
		return tpbpf_perf_rings_samples(r);
	return r->rb.samples;
}
