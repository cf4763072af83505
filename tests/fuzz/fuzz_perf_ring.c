/* SPDX-License-Identifier: MIT */
/*
 * Fuzz the perf ring walker (loader/perf_ring.c) with a ring written by
 * the input instead of the kernel:
 *   bytes 0-7   data_tail (where the reader starts; free-running counter)
 *   bytes 8-9   data_head - data_tail (unread bytes, may exceed the ring)
 *   the rest    the data area, cut to a power of two (8 bytes to 64 KiB)
 * The data area is a buffer of exactly its size, so any read outside it is
 * an ASan report; the callbacks read every byte they are given.
 */
#include <linux/perf_event.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "perf_ring.h"

#define MAX_DATA (64u * 1024)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile uint64_t sink;

static void on_sample(void *ctx, int cpu, const void *p, uint32_t n)
{
	const uint8_t *b = p;
	uint64_t sum = 0;

	(void)ctx;
	(void)cpu;
	for (uint32_t i = 0; i < n; i++)
		sum += b[i];
	sink += sum;
}

static void on_lost(void *ctx, int cpu, uint64_t lost)
{
	(void)ctx;
	(void)cpu;
	sink += lost;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct perf_event_mmap_page meta;
	struct tpbpf_perf_ring ring;
	uint64_t tail;
	uint16_t delta;
	size_t n = 8;
	uint8_t *area;
	int ret;

	if (size < 10 + 8)
		return 0;
	memcpy(&tail, data, 8);
	memcpy(&delta, data + 8, 2);
	data += 10;
	size -= 10;
	while (n * 2 <= size && n * 2 <= MAX_DATA)
		n *= 2;
	area = malloc(n);
	if (!area)
		return 0;
	memcpy(area, data, n);
	memset(&meta, 0, sizeof(meta));
	meta.data_tail = tail;
	meta.data_head = tail + delta;
	if (tpbpf_perf_ring_init(&ring, &meta, area, n, 0))
		abort();
	/* Twice: the second call must find nothing new. */
	for (int pass = 0; pass < 2; pass++) {
		ret = tpbpf_perf_ring_consume(&ring, on_sample, on_lost, NULL);
		/* Whatever happened, the reader caught up (no -ENOMEM here). */
		if (meta.data_tail != meta.data_head)
			abort();
		if (pass == 1 && ret != 0)
			abort();
	}
	tpbpf_perf_ring_fini(&ring);
	free(area);
	return 0;
}
