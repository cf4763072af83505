// SPDX-License-Identifier: MIT
/*
 * The BPF ring buffer walker (loader/ringbuf.c), driven by a ring in plain
 * memory and a tiny writer that works the way the kernel does: reserve
 * (header with the busy bit, producer position moved past the record,
 * rounded up to 8 bytes), fill, commit (busy bit cleared, or the discard
 * bit set). The data area is mapped twice in a row by the kernel; here the
 * writer keeps the second half equal to the first.
 */
#include <errno.h>
#include <linux/bpf.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "event_reader.h"
#include "internal.h"
#include "ringbuf.h"

/* ---- a fake kernel writer ------------------------------------------------ */

struct fake {
	unsigned long consumer, producer;
	unsigned char *data;	/* 2 * size */
	size_t size;
	struct tpbpf_ringbuf rb;
};

static void fake_init(struct fake *f, size_t size, unsigned long start)
{
	memset(f, 0, sizeof(*f));
	f->data = malloc(2 * size);
	assert_non_null(f->data);
	memset(f->data, 0xee, 2 * size);	/* poison: stale bytes show up */
	f->size = size;
	f->consumer = f->producer = start;
	assert_int_equal(tpbpf_ringbuf_init(&f->rb, &f->consumer, &f->producer,
					    f->data, size), 0);
}

static void fake_fini(struct fake *f)
{
	free(f->data);
}

/* Write N bytes at ring position POS, in both copies of the data area. */
static void fake_put(struct fake *f, unsigned long pos, const void *src, size_t n)
{
	const unsigned char *s = src;

	for (size_t i = 0; i < n; i++) {
		size_t off = (pos + i) & (f->size - 1);

		f->data[off] = s[i];
		f->data[off + f->size] = s[i];
	}
}

static void fake_header(struct fake *f, unsigned long pos, uint32_t word)
{
	uint32_t hdr[2] = { word, 0 };

	fake_put(f, pos, hdr, sizeof(hdr));
}

/* Reserve LEN bytes at *POS: the record is busy until committed. False if full. */
static bool fake_reserve(struct fake *f, uint32_t len, unsigned long *pos)
{
	unsigned long total = (len + BPF_RINGBUF_HDR_SZ + 7) & ~7UL;

	*pos = f->producer;
	if (f->producer - f->consumer + total > f->size)
		return false;
	fake_header(f, *pos, len | BPF_RINGBUF_BUSY_BIT);
	__atomic_store_n(&f->producer, *pos + total, __ATOMIC_RELEASE);
	return true;
}

static void fake_commit(struct fake *f, unsigned long pos, const void *body, uint32_t len,
			bool discard)
{
	fake_put(f, pos + BPF_RINGBUF_HDR_SZ, body, len);
	fake_header(f, pos, len | (discard ? BPF_RINGBUF_DISCARD_BIT : 0));
}

static bool fake_output(struct fake *f, const void *body, uint32_t len)
{
	unsigned long pos;

	if (!fake_reserve(f, len, &pos))
		return false;
	fake_commit(f, pos, body, len, false);
	return true;
}

/* ---- what the callback saw ----------------------------------------------- */

#define MAX_SEEN 600

struct seen {
	int samples;
	int cpu[MAX_SEEN];
	uint32_t size[MAX_SEEN];
	const void *ptr[MAX_SEEN];
	unsigned char *bytes[MAX_SEEN];
	struct fake *f;			/* when set: the consumer position at each call */
	unsigned long consumer[MAX_SEEN];
};

static void on_sample(void *ctx, int cpu, const void *data, uint32_t size)
{
	struct seen *s = ctx;
	int i = s->samples++;

	assert_true(i < MAX_SEEN);
	s->cpu[i] = cpu;
	s->size[i] = size;
	s->ptr[i] = data;
	s->bytes[i] = malloc(size ? size : 1);
	assert_non_null(s->bytes[i]);
	memcpy(s->bytes[i], data, size);
	if (s->f)
		s->consumer[i] = s->f->consumer;
}

static void seen_free(struct seen *s)
{
	for (int i = 0; i < s->samples; i++)
		free(s->bytes[i]);
	memset(s, 0, sizeof(*s));
}

static int consume(struct fake *f, struct seen *s)
{
	return tpbpf_ringbuf_consume(&f->rb, on_sample, s);
}

static void fill(unsigned char *buf, size_t n, unsigned int seed)
{
	for (size_t i = 0; i < n; i++)
		buf[i] = (unsigned char)(seed * 31 + i * 7 + 1);
}

/* ---- tests ----------------------------------------------------------------- */

static void test_init_rejects_bad_size(void **state)
{
	unsigned long c = 0, p = 0;
	unsigned char data[2048] = { 0 };
	struct tpbpf_ringbuf rb;

	(void)state;
	assert_int_equal(tpbpf_ringbuf_init(&rb, &c, &p, data, 1000), -EINVAL);
	assert_int_equal(tpbpf_ringbuf_init(&rb, &c, &p, data, 8), -EINVAL);
	assert_int_equal(tpbpf_ringbuf_init(&rb, NULL, &p, data, 1024), -EINVAL);
	assert_int_equal(tpbpf_ringbuf_init(&rb, &c, &p, data, 1024), 0);
}

static void test_empty(void **state)
{
	struct seen s = { 0 };
	struct fake f;

	(void)state;
	fake_init(&f, 4096, 3 * 4096 + 40);
	assert_int_equal(consume(&f, &s), 0);
	assert_int_equal(s.samples, 0);
	assert_true(f.consumer == 3 * 4096 + 40);
	fake_fini(&f);
}

static void test_one_record(void **state)
{
	static const char msg[] = "hello, ring buffer";	/* 18 bytes: padded to 24 */
	struct seen s = { 0 };
	struct fake f;

	(void)state;
	fake_init(&f, 4096, 0);
	assert_true(fake_output(&f, msg, 18));
	assert_int_equal(consume(&f, &s), 1);
	assert_int_equal(s.samples, 1);
	assert_int_equal(s.cpu[0], -1);		/* a ring buffer does not say */
	assert_int_equal(s.size[0], 18);	/* the length, not the padding */
	assert_memory_equal(s.bytes[0], msg, 18);
	assert_true(s.ptr[0] == f.data + BPF_RINGBUF_HDR_SZ);	/* in place */
	assert_true(f.consumer == 8 + 24);
	assert_true(f.consumer == f.producer);
	/* Nothing new: nothing handed out again. */
	assert_int_equal(consume(&f, &s), 0);
	seen_free(&s);
	fake_fini(&f);
}

static void test_many_records_and_sizes(void **state)
{
	unsigned char buf[300];
	struct seen s = { 0 };
	struct fake f;

	(void)state;
	fake_init(&f, 65536, 0);
	for (unsigned int i = 0; i < 200; i++) {
		fill(buf, i, i);
		assert_true(fake_output(&f, buf, i));
	}
	assert_int_equal(consume(&f, &s), 200);
	for (unsigned int i = 0; i < 200; i++) {
		fill(buf, i, i);
		assert_int_equal(s.size[i], i);
		assert_memory_equal(s.bytes[i], buf, i);
	}
	assert_true(f.consumer == f.producer);
	seen_free(&s);
	fake_fini(&f);
}

/* A record across the end of the data area reads as one piece (the second mapping). */
static void test_record_across_the_end(void **state)
{
	unsigned char buf[100];
	struct seen s = { 0 };
	struct fake f;

	(void)state;
	fake_init(&f, 1024, 1024 - 48);
	fill(buf, sizeof(buf), 7);
	assert_true(fake_output(&f, buf, sizeof(buf)));
	assert_int_equal(consume(&f, &s), 1);
	assert_int_equal(s.size[0], 100);
	assert_memory_equal(s.bytes[0], buf, 100);
	/* Handed out in place, running into the second copy. */
	assert_true(s.ptr[0] == f.data + 1024 - 48 + 8);
	assert_true(f.consumer == 1024 - 48 + 112);
	seen_free(&s);
	fake_fini(&f);
}

/* Counters far from 0, as after days of running; and wrapping around 2^64. */
static void test_positions_wrap(void **state)
{
	unsigned char buf[40];
	struct seen s = { 0 };
	struct fake f;

	(void)state;
	fake_init(&f, 4096, (unsigned long)-64);
	for (unsigned int i = 0; i < 5; i++) {
		fill(buf, sizeof(buf), i);
		assert_true(fake_output(&f, buf, sizeof(buf)));
	}
	assert_true(f.producer < f.consumer);	/* wrapped */
	assert_int_equal(consume(&f, &s), 5);
	for (unsigned int i = 0; i < 5; i++) {
		fill(buf, sizeof(buf), i);
		assert_memory_equal(s.bytes[i], buf, sizeof(buf));
	}
	assert_true(f.consumer == f.producer);
	seen_free(&s);
	fake_fini(&f);
}

/* Records are consumed in order: a busy one holds back the committed ones after it. */
static void test_busy_record_stops_the_walk(void **state)
{
	unsigned char a[16], b[16], c[16];
	struct seen s = { 0 };
	struct fake f;
	unsigned long pa, pb, pc;

	(void)state;
	fake_init(&f, 4096, 0);
	fill(a, 16, 1);
	fill(b, 16, 2);
	fill(c, 16, 3);
	assert_true(fake_reserve(&f, 16, &pa));
	assert_true(fake_reserve(&f, 16, &pb));
	assert_true(fake_reserve(&f, 16, &pc));
	fake_commit(&f, pa, a, 16, false);
	fake_commit(&f, pc, c, 16, false);	/* c before b, as another CPU may */
	assert_int_equal(consume(&f, &s), 1);
	assert_memory_equal(s.bytes[0], a, 16);
	assert_true(f.consumer == pb);
	fake_commit(&f, pb, b, 16, false);
	assert_int_equal(consume(&f, &s), 2);
	assert_memory_equal(s.bytes[1], b, 16);
	assert_memory_equal(s.bytes[2], c, 16);
	assert_true(f.consumer == f.producer);
	seen_free(&s);
	fake_fini(&f);
}

static void test_discarded_records_skipped(void **state)
{
	unsigned char a[24], b[24];
	struct seen s = { 0 };
	struct fake f;
	unsigned long p;

	(void)state;
	fake_init(&f, 4096, 0);
	fill(a, 24, 1);
	fill(b, 24, 2);
	assert_true(fake_reserve(&f, 24, &p));
	fake_commit(&f, p, a, 24, true);
	assert_true(fake_output(&f, b, 24));
	assert_int_equal(consume(&f, &s), 1);
	assert_int_equal(s.samples, 1);
	assert_true(f.rb.samples == 1);	/* a discarded record was never sent */
	assert_memory_equal(s.bytes[0], b, 24);
	assert_true(f.consumer == f.producer);
	seen_free(&s);
	fake_fini(&f);
}

/* The consumer position moves past each record before the next callback. */
static void test_space_freed_record_by_record(void **state)
{
	unsigned char buf[32];
	struct seen s = { 0 };
	struct fake f;

	(void)state;
	fake_init(&f, 4096, 0);
	for (unsigned int i = 0; i < 3; i++) {
		fill(buf, 32, i);
		assert_true(fake_output(&f, buf, 32));
	}
	s.f = &f;
	assert_int_equal(consume(&f, &s), 3);
	assert_true(s.consumer[0] == 0);
	assert_true(s.consumer[1] == 40);
	assert_true(s.consumer[2] == 80);
	seen_free(&s);
	fake_fini(&f);
}

/* A full ring, consumed, takes as much again. */
static void test_fill_consume_refill(void **state)
{
	unsigned char buf[56];
	struct seen s = { 0 };
	struct fake f;
	int n = 0, round;

	(void)state;
	fake_init(&f, 1024, 0);
	for (round = 0; round < 3; round++) {
		int put = 0;

		fill(buf, sizeof(buf), (unsigned int)round);
		while (fake_output(&f, buf, sizeof(buf)))
			put++;
		assert_int_equal(put, 1024 / 64);
		assert_int_equal(consume(&f, &s), put);
		n += put;
		seen_free(&s);
	}
	assert_int_equal(n, 3 * 16);
	fake_fini(&f);
}

/* ---- corruption: one error, the ring skipped to the producer, no crash ---- */

static void test_length_past_producer(void **state)
{
	struct seen s = { 0 };
	struct fake f;

	(void)state;
	fake_init(&f, 4096, 0);
	fake_header(&f, 0, 4000);	/* says 4000 bytes, only 64 were reserved */
	f.producer = 64;
	assert_int_equal(consume(&f, &s), -EINVAL);
	assert_non_null(strstr(tpbpf_error_detail(), "runs past the producer"));
	assert_int_equal(s.samples, 0);
	assert_true(f.consumer == 64);
	assert_int_equal(consume(&f, &s), 0);
	fake_fini(&f);
}

static void test_positions_too_far_apart(void **state)
{
	struct seen s = { 0 };
	struct fake f;

	(void)state;
	fake_init(&f, 4096, 0);
	f.producer = 3 * 4096;
	assert_int_equal(consume(&f, &s), -EINVAL);
	assert_int_equal(s.samples, 0);
	assert_true(f.consumer == f.producer);
	fake_fini(&f);
}

static void test_unaligned_positions(void **state)
{
	struct seen s = { 0 };
	struct fake f;

	(void)state;
	fake_init(&f, 4096, 0);
	f.producer = 13;
	assert_int_equal(consume(&f, &s), -EINVAL);
	assert_true(f.consumer == 13);
	fake_fini(&f);
}

/* A length with every other bit set still stays inside what was reserved. */
static void test_huge_length(void **state)
{
	struct seen s = { 0 };
	struct fake f;

	(void)state;
	fake_init(&f, 4096, 0);
	fake_header(&f, 0, 0x3fffffff);
	f.producer = 4096;
	assert_int_equal(consume(&f, &s), -EINVAL);
	assert_int_equal(s.samples, 0);
	fake_fini(&f);
}

/* ---- the reader's arguments ---------------------------------------------- */

static void nop_sample(void *ctx, int cpu, const void *data, uint32_t size)
{
	(void)ctx; (void)cpu; (void)data; (void)size;
}

static void test_reader_on_a_closed_fd(void **state)
{
	struct tpbpf_event_reader_opts o = { .on_sample = nop_sample };
	struct tpbpf_event_reader *r = (void *)1;

	(void)state;
	assert_int_equal(tpbpf_event_reader_new(-1, &o, &r), -EBADF);
	assert_null(r);
	assert_int_equal(tpbpf_event_reader_new(1000000, &o, &r), -EBADF);
	assert_int_equal(tpbpf_event_reader_poll(NULL, 0), -EINVAL);
	assert_int_equal(tpbpf_event_reader_drain(NULL), -EINVAL);
	assert_int_equal(tpbpf_event_reader_fd(NULL), -1);
	assert_true(tpbpf_event_reader_map_type(NULL) == 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_rejects_bad_size),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_one_record),
		cmocka_unit_test(test_many_records_and_sizes),
		cmocka_unit_test(test_record_across_the_end),
		cmocka_unit_test(test_positions_wrap),
		cmocka_unit_test(test_busy_record_stops_the_walk),
		cmocka_unit_test(test_discarded_records_skipped),
		cmocka_unit_test(test_space_freed_record_by_record),
		cmocka_unit_test(test_fill_consume_refill),
		cmocka_unit_test(test_length_past_producer),
		cmocka_unit_test(test_positions_too_far_apart),
		cmocka_unit_test(test_unaligned_positions),
		cmocka_unit_test(test_huge_length),
		cmocka_unit_test(test_reader_on_a_closed_fd),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
