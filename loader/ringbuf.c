// SPDX-License-Identifier: MIT
/*
 * Walking a BPF ring buffer.
 *
 * The kernel keeps two free-running byte positions: the producer's, up to
 * which space is reserved, and the consumer's, which only we move. Each
 * record starts with an 8-byte header: a u32 length whose top bits say
 * "still being written" (BPF_RINGBUF_BUSY_BIT) or "discarded"
 * (BPF_RINGBUF_DISCARD_BIT), and a u32 the kernel uses to find its page;
 * the record's bytes follow, and the next record starts at the next
 * multiple of 8. Records are reserved in order but may be committed out of
 * order, so the walk stops at the first one still busy.
 *
 * Ordering: the acquire load of the producer position makes the headers
 * before it visible; the acquire load of a header makes its record's bytes
 * visible once the busy bit is clear; the release store of the consumer
 * position keeps our reads of a record before the kernel may reuse it.
 */
#include <errno.h>
#include <linux/bpf.h>
#include <string.h>

#include "internal.h"
#include "ringbuf.h"

int tpbpf_ringbuf_init(struct tpbpf_ringbuf *rb, unsigned long *consumer_pos,
		       const unsigned long *producer_pos, const void *data, size_t size)
{
	memset(rb, 0, sizeof(*rb));
	if (!consumer_pos || !producer_pos || !data || size < 2 * BPF_RINGBUF_HDR_SZ ||
	    (size & (size - 1)))
		return tpbpf_err(EINVAL, "ring buffer: data size %zu is not a power of two >= 16",
				 size);
	rb->consumer_pos = consumer_pos;
	rb->producer_pos = producer_pos;
	rb->data = data;
	rb->size = size;
	return 0;
}

/* The kernel moves both by multiples of 8, and never more than a ring apart. */
static int check_positions(struct tpbpf_ringbuf *rb, unsigned long cons, unsigned long prod)
{
	if (prod - cons <= rb->size && !((prod | cons) & 7))
		return 0;
	__atomic_store_n(rb->consumer_pos, prod, __ATOMIC_RELEASE);
	return tpbpf_err(EINVAL, "ring buffer: producer %lu, consumer %lu: not 8-byte positions at most %zu bytes apart; skipped what was between",
			 prod, cons, rb->size);
}

int tpbpf_ringbuf_consume(struct tpbpf_ringbuf *rb, tpbpf_sample_fn on_sample, void *ctx)
{
	unsigned long cons, prod, start;
	int count = 0, err;

	/* Only we write the consumer position: a plain read of it is enough. */
	start = cons = __atomic_load_n(rb->consumer_pos, __ATOMIC_RELAXED);
	prod = __atomic_load_n(rb->producer_pos, __ATOMIC_ACQUIRE);
	if ((err = check_positions(rb, cons, prod)))
		return err;
	for (;;) {
		const unsigned char *rec = rb->data + (cons & (rb->size - 1));
		uint32_t word, len;
		unsigned long total;

		if (cons == prod) {
			/*
			 * Read what arrived meanwhile too (up to a ring's worth):
			 * the programs wake the reader only when the ring crosses
			 * their mark, so a reader that went back to sleep with the
			 * ring still past it would wait for its poll timeout.
			 */
			if (cons - start >= rb->size)
				break;
			prod = __atomic_load_n(rb->producer_pos, __ATOMIC_ACQUIRE);
			if (prod == cons)
				break;
			if ((err = check_positions(rb, cons, prod)))
				return err;
		}
		word = __atomic_load_n((const uint32_t *)rec, __ATOMIC_ACQUIRE);
		if (word & BPF_RINGBUF_BUSY_BIT)
			break;	/* still being written: the rest waits for it */
		len = word & ~(uint32_t)(BPF_RINGBUF_BUSY_BIT | BPF_RINGBUF_DISCARD_BIT);
		total = ((unsigned long)len + BPF_RINGBUF_HDR_SZ + 7) & ~7UL;
		if (total > prod - cons) {
			__atomic_store_n(rb->consumer_pos, prod, __ATOMIC_RELEASE);
			return tpbpf_err(EINVAL, "ring buffer: record of %u bytes at position %lu runs past the producer (%lu bytes unread); skipped the rest of the ring",
					 len, cons, prod - cons);
		}
		if (!(word & BPF_RINGBUF_DISCARD_BIT)) {
			rb->samples++;
			if (on_sample)
				on_sample(ctx, -1, rec + BPF_RINGBUF_HDR_SZ, len);
			count++;
		}
		cons += total;
		/* Free the space now: a long batch must not keep the ring full. */
		__atomic_store_n(rb->consumer_pos, cons, __ATOMIC_RELEASE);
	}
	return count;
}

bool tpbpf_ringbuf_pending(const struct tpbpf_ringbuf *rb)
{
	return __atomic_load_n(rb->producer_pos, __ATOMIC_ACQUIRE) !=
	       __atomic_load_n(rb->consumer_pos, __ATOMIC_RELAXED);
}
