/* SPDX-License-Identifier: MIT */
/*
 * Walking one perf ring buffer: the part of the perf reader that needs no
 * kernel, only the memory layout of linux/perf_event.h, so the unit tests
 * drive it with a ring they write themselves.
 */
#ifndef TPBPF_PERF_RING_H
#define TPBPF_PERF_RING_H

#include <linux/perf_event.h>
#include <stddef.h>
#include <stdint.h>

#include "tpbpf.h"

struct tpbpf_perf_ring {
	struct perf_event_mmap_page *meta;	/* data_head / data_tail */
	const unsigned char *data;		/* the data area... */
	size_t size;				/* ...of this power-of-two size */
	int cpu;				/* passed to the callbacks */
	uint64_t lost;				/* sum of PERF_RECORD_LOST counts */
	uint64_t samples;			/* samples handed out (or skipped: no callback) */
	unsigned char *scratch;			/* holds a record that wraps */
	size_t scratch_cap;
};

/* Set up RING over memory the caller owns; -EINVAL if SIZE is not a power
 * of two of at least 8 bytes. */
int tpbpf_perf_ring_init(struct tpbpf_perf_ring *ring,
			 struct perf_event_mmap_page *meta, void *data,
			 size_t size, int cpu);

/*
 * Handle every record between data_tail and the data_head read on entry,
 * then publish the new data_tail. A sample's DATA points into the ring
 * unless the record wraps around the end, in which case it points to a
 * copy; either way it is valid only during the callback. Returns the
 * number of records handled (samples, lost and skipped records), or:
 *   -EINVAL  a record header is corrupt: the rest of the ring, whose record
 *            boundaries are unknown, is dropped so the kernel can go on;
 *   -ENOMEM  no memory to copy a wrapped record: it stays for a later call.
 */
int tpbpf_perf_ring_consume(struct tpbpf_perf_ring *ring,
			    tpbpf_sample_fn on_sample, tpbpf_lost_fn on_lost,
			    void *ctx);

/* Free the scratch buffer (not the ring memory). */
void tpbpf_perf_ring_fini(struct tpbpf_perf_ring *ring);

#endif
