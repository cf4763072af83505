// SPDX-License-Identifier: MIT
/*
 * Walking one perf ring buffer.
 *
 * The kernel writes records at data_head and we free space by moving
 * data_tail; both are free-running 64-bit byte counters, so position P is at
 * data[P & (size - 1)] and head - tail is the number of unread bytes even
 * after the counters wrap. Ordering: the acquire load of data_head makes the
 * record bytes before it visible; the release store of data_tail keeps our
 * reads of the records before the kernel may overwrite them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "perf_ring.h"

/* PERF_RECORD_SAMPLE with only PERF_SAMPLE_RAW: header, u32 size, bytes. */
struct raw_sample {
	struct perf_event_header header;
	uint32_t size;
};

/* PERF_RECORD_LOST without sample_id_all. */
struct lost_record {
	struct perf_event_header header;
	uint64_t id;
	uint64_t lost;
};

int tpbpf_perf_ring_init(struct tpbpf_perf_ring *ring,
			 struct perf_event_mmap_page *meta, void *data,
			 size_t size, int cpu)
{
	memset(ring, 0, sizeof(*ring));
	if (!meta || !data || size < sizeof(struct perf_event_header) ||
	    (size & (size - 1)))
		return tpbpf_err(EINVAL, "perf ring of CPU %d: data size %zu is not a power of two >= 8",
				 cpu, size);
	ring->meta = meta;
	ring->data = data;
	ring->size = size;
	ring->cpu = cpu;
	return 0;
}

void tpbpf_perf_ring_fini(struct tpbpf_perf_ring *ring)
{
	if (!ring)
		return;
	free(ring->scratch);
	ring->scratch = NULL;
	ring->scratch_cap = 0;
}

/* Copy N bytes starting at ring position POS, across the end if need be. */
static void ring_copy(const struct tpbpf_perf_ring *ring, void *dst,
		      uint64_t pos, size_t n)
{
	size_t off = pos & (ring->size - 1);
	size_t first = ring->size - off;

	if (first > n)
		first = n;
	memcpy(dst, ring->data + off, first);
	memcpy((unsigned char *)dst + first, ring->data, n - first);
}

static int grow_scratch(struct tpbpf_perf_ring *ring, size_t need)
{
	size_t cap = ring->scratch_cap ? ring->scratch_cap : 256;
	unsigned char *p;

	while (cap < need)
		cap *= 2;
	p = realloc(ring->scratch, cap);
	if (!p)
		return tpbpf_err(ENOMEM, "perf ring of CPU %d: out of memory for a %zu-byte record",
				 ring->cpu, need);
	ring->scratch = p;
	ring->scratch_cap = cap;
	return 0;
}

/* Dispatch one contiguous record; -EINVAL if its body contradicts its size. */
static int handle_record(struct tpbpf_perf_ring *ring, const unsigned char *rec,
			 size_t size, tpbpf_sample_fn on_sample,
			 tpbpf_lost_fn on_lost, void *ctx)
{
	struct perf_event_header hdr;

	memcpy(&hdr, rec, sizeof(hdr));
	switch (hdr.type) {
	case PERF_RECORD_SAMPLE: {
		struct raw_sample s;

		if (size < sizeof(s))
			return tpbpf_err(EINVAL, "perf ring of CPU %d: sample record of %zu bytes is too short; dropped the rest of the ring",
					 ring->cpu, size);
		memcpy(&s, rec, sizeof(s));
		if (s.size > size - sizeof(s))
			return tpbpf_err(EINVAL, "perf ring of CPU %d: sample of %u bytes in a %zu-byte record; dropped the rest of the ring",
					 ring->cpu, s.size, size);
		ring->samples++;
		if (on_sample)
			on_sample(ctx, ring->cpu, rec + sizeof(s), s.size);
		break;
	}
	case PERF_RECORD_LOST: {
		struct lost_record l;

		if (size < sizeof(l))
			return tpbpf_err(EINVAL, "perf ring of CPU %d: lost record of %zu bytes is too short; dropped the rest of the ring",
					 ring->cpu, size);
		memcpy(&l, rec, sizeof(l));
		ring->lost += l.lost;
		if (on_lost)
			on_lost(ctx, ring->cpu, l.lost);
		break;
	}
	default:
		/* Other record types (throttle, ...) carry nothing for us. */
		break;
	}
	return 0;
}

int tpbpf_perf_ring_consume(struct tpbpf_perf_ring *ring,
			    tpbpf_sample_fn on_sample, tpbpf_lost_fn on_lost,
			    void *ctx)
{
	uint64_t head, tail, avail;
	int count = 0, err = 0;

	head = __atomic_load_n(&ring->meta->data_head, __ATOMIC_ACQUIRE);
	/* Only we write data_tail, so a plain read of it is enough. */
	tail = __atomic_load_n(&ring->meta->data_tail, __ATOMIC_RELAXED);
	avail = head - tail;
	if (avail > ring->size) {
		err = tpbpf_err(EINVAL, "perf ring of CPU %d: %llu unread bytes in a %zu-byte ring (head %llu, tail %llu); dropped them",
				ring->cpu, (unsigned long long)avail, ring->size,
				(unsigned long long)head,
				(unsigned long long)tail);
		tail = head;
		goto publish;
	}

	while (tail != head) {
		struct perf_event_header hdr;
		const unsigned char *rec;
		size_t off = tail & (ring->size - 1);
		size_t size;

		avail = head - tail;
		if (avail < sizeof(hdr)) {
			err = tpbpf_err(EINVAL, "perf ring of CPU %d: %llu stray bytes at position %llu; dropped them",
					ring->cpu, (unsigned long long)avail,
					(unsigned long long)tail);
			tail = head;
			break;
		}
		ring_copy(ring, &hdr, tail, sizeof(hdr));
		size = hdr.size;
		if (size < sizeof(hdr) || size > avail) {
			err = tpbpf_err(EINVAL, "perf ring of CPU %d: corrupt record header at position %llu (type %u, size %zu, %llu bytes unread); dropped the rest of the ring",
					ring->cpu, (unsigned long long)tail,
					hdr.type, size,
					(unsigned long long)avail);
			tail = head;
			break;
		}
		if (off + size <= ring->size) {
			/* Contiguous: hand out a pointer into the ring. */
			rec = ring->data + off;
		} else {
			/* Wraps around the end: reassemble it in scratch. */
			if (size > ring->scratch_cap) {
				err = grow_scratch(ring, size);
				if (err)
					break;	/* keep it for the next call */
			}
			ring_copy(ring, ring->scratch, tail, size);
			rec = ring->scratch;
		}
		err = handle_record(ring, rec, size, on_sample, on_lost, ctx);
		if (err) {
			tail = head;
			break;
		}
		tail += size;
		count++;
	}
publish:
	__atomic_store_n(&ring->meta->data_tail, tail, __ATOMIC_RELEASE);
	return err ? err : count;
}
