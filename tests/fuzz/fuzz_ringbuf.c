/* SPDX-License-Identifier: MIT */
/*
 * Fuzz the BPF ring buffer walker (loader/ringbuf.c) with a ring written
 * by the input instead of the kernel:
 *   bytes 0-7   the consumer position (where the reader starts)
 *   bytes 8-11  producer - consumer (unread bytes, may exceed the ring or
 *               be unaligned)
 *   the rest    the data area, cut to a power of two (16 bytes to 64 KiB)
 * As the kernel maps it, the data area is followed by a second copy of
 * itself, in a buffer of exactly twice its size: any read outside it is an
 * ASan report. The callback reads every byte it is given.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ringbuf.h"

#define MAX_DATA (64u * 1024)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile uint64_t sink;

static void on_sample(void *ctx, int cpu, const void *p, uint32_t n)
{
	const uint8_t *b = p;
	uint64_t sum = 0;

	(void)ctx;
	if (cpu != -1)
		abort();
	for (uint32_t i = 0; i < n; i++)
		sum += b[i];
	sink += sum;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned long consumer, producer;
	struct tpbpf_ringbuf rb;
	uint64_t start;
	uint32_t delta;
	size_t n = 16;
	uint8_t *area;
	int ret;

	if (size < 12 + 16)
		return 0;
	memcpy(&start, data, 8);
	memcpy(&delta, data + 8, 4);
	data += 12;
	size -= 12;
	while (n * 2 <= size && n * 2 <= MAX_DATA)
		n *= 2;
	area = malloc(2 * n);
	if (!area)
		return 0;
	memcpy(area, data, n);
	memcpy(area + n, data, n);
	consumer = (unsigned long)start;
	producer = consumer + delta;
	if (tpbpf_ringbuf_init(&rb, &consumer, &producer, area, n))
		abort();
	/* Twice: the second call finds nothing new, or stops where the first did. */
	for (int pass = 0; pass < 2; pass++) {
		unsigned long before = consumer;

		ret = tpbpf_ringbuf_consume(&rb, on_sample, NULL);
		/* Never past the producer, never backwards. */
		if (consumer - before > producer - before)
			abort();
		if (pass == 1 && ret > 0)
			abort();
	}
	free(area);
	return 0;
}
