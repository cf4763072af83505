/* SPDX-License-Identifier: MIT */
/*
 * Walking a BPF ring buffer (BPF_MAP_TYPE_RINGBUF): the part of the event
 * reader that needs no kernel, only the memory layout of linux/bpf.h, so
 * the unit tests and the fuzzer drive it with a ring they write themselves.
 */
#ifndef TPBPF_RINGBUF_H
#define TPBPF_RINGBUF_H

#include <stddef.h>
#include <stdint.h>

#include "tpbpf.h"

struct tpbpf_ringbuf {
	unsigned long *consumer_pos;		/* ours to move (read-write page) */
	const unsigned long *producer_pos;	/* the kernel's (read-only page) */
	/*
	 * The data area, SIZE bytes mapped twice in a row by the kernel, so
	 * a record that wraps around the end reads as one piece.
	 */
	const unsigned char *data;
	size_t size;				/* a power of two */
	uint64_t samples;			/* records handed out (not discarded ones) */
};

/*
 * Set up RB over memory the caller owns: DATA must hold 2 * SIZE bytes,
 * the second half the same as the first. -EINVAL if SIZE is not a power
 * of two of at least 16 bytes.
 */
int tpbpf_ringbuf_init(struct tpbpf_ringbuf *rb, unsigned long *consumer_pos,
		       const unsigned long *producer_pos, const void *data, size_t size);

/*
 * Hand every committed record from the consumer position up to the
 * producer position read on entry to ON_SAMPLE (cpu -1: a ring buffer does
 * not say), skipping discarded ones, and move the consumer position past
 * each as it goes, so the kernel can reuse the space at once. Stops at the
 * first record still being written (it comes out on a later call). DATA
 * points into the ring: valid only during the callback. Returns the number
 * of records handed out, or -EINVAL when a length or position is corrupt:
 * the rest of the ring, whose record boundaries are unknown, is then
 * skipped so the kernel can go on.
 */
int tpbpf_ringbuf_consume(struct tpbpf_ringbuf *rb, tpbpf_sample_fn on_sample, void *ctx);
/* Records wait that the last consume left (one still being written, or more than a ring's worth came). */
bool tpbpf_ringbuf_pending(const struct tpbpf_ringbuf *rb);

#endif
