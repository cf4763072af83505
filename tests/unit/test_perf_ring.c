// SPDX-License-Identifier: MIT
/*
 * The perf ring walker, driven by a ring in plain memory and a tiny writer
 * that appends records the way the kernel does: header, then for a sample a
 * u32 size and the raw bytes padded so the record is a multiple of 8 bytes;
 * data_head advances only after the record is complete.
 * Also the CPU list parser and the event reader's argument checks.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "cpus.h"
#include "internal.h"
#include "perf_ring.h"

/* ---- a fake kernel writer ------------------------------------------------ */

struct fake {
	struct perf_event_mmap_page meta;
	unsigned char *data;
	size_t size;
	struct tpbpf_perf_ring ring;
};

static void fake_init(struct fake *f, size_t size, uint64_t start, int cpu)
{
	memset(f, 0, sizeof(*f));
	f->data = malloc(size);
	assert_non_null(f->data);
	memset(f->data, 0xee, size);	/* poison: stale bytes show up */
	f->size = size;
	f->meta.data_head = start;
	f->meta.data_tail = start;
	assert_int_equal(tpbpf_perf_ring_init(&f->ring, &f->meta, f->data,
					      size, cpu), 0);
}

static void fake_fini(struct fake *f)
{
	tpbpf_perf_ring_fini(&f->ring);
	free(f->data);
}

static uint64_t fake_room(const struct fake *f)
{
	return f->size - (f->meta.data_head - f->meta.data_tail);
}

static void fake_put(struct fake *f, uint64_t pos, const void *src, size_t n)
{
	const unsigned char *s = src;
	size_t i;

	for (i = 0; i < n; i++)
		f->data[(pos + i) & (f->size - 1)] = s[i];
}

/* Append one record with BODY (zero-padded to 8 bytes); false if no room. */
static bool fake_record(struct fake *f, uint32_t type, const void *body,
			size_t len)
{
	static const unsigned char zero[8];
	struct perf_event_header h;
	size_t padded = (len + 7) & ~(size_t)7;
	uint64_t head = f->meta.data_head;

	if (sizeof(h) + padded > fake_room(f))
		return false;
	h.type = type;
	h.misc = 0;
	h.size = (uint16_t)(sizeof(h) + padded);
	fake_put(f, head, &h, sizeof(h));
	fake_put(f, head + sizeof(h), body, len);
	fake_put(f, head + sizeof(h) + len, zero, padded - len);
	__atomic_store_n(&f->meta.data_head, head + h.size, __ATOMIC_RELEASE);
	return true;
}

/* Raw size as the kernel reports it: padded so u32 + bytes is 8-aligned. */
static uint32_t raw_size(uint32_t len)
{
	return ((len + 4 + 7) & ~7u) - 4;
}

static bool fake_sample(struct fake *f, const void *raw, uint32_t len)
{
	unsigned char body[4 + 65536];
	uint32_t rs = raw_size(len);

	memcpy(body, &rs, 4);
	memcpy(body + 4, raw, len);
	memset(body + 4 + len, 0, rs - len);
	return fake_record(f, PERF_RECORD_SAMPLE, body, 4 + rs);
}

static bool fake_lost(struct fake *f, uint64_t id, uint64_t lost)
{
	uint64_t body[2] = { id, lost };

	return fake_record(f, PERF_RECORD_LOST, body, sizeof(body));
}

/* ---- what the callbacks saw -------------------------------------------- */

#define MAX_SEEN 256

struct seen {
	int samples, losts;
	int cpu[MAX_SEEN];
	uint32_t size[MAX_SEEN];
	const void *ptr[MAX_SEEN];
	unsigned char *bytes[MAX_SEEN];
	int lost_cpu[MAX_SEEN];
	uint64_t lost[MAX_SEEN];
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
}

static void on_lost(void *ctx, int cpu, uint64_t lost)
{
	struct seen *s = ctx;
	int i = s->losts++;

	assert_true(i < MAX_SEEN);
	s->lost_cpu[i] = cpu;
	s->lost[i] = lost;
}

static void seen_free(struct seen *s)
{
	int i;

	for (i = 0; i < s->samples; i++)
		free(s->bytes[i]);
	memset(s, 0, sizeof(*s));
}

static int consume(struct fake *f, struct seen *s)
{
	return tpbpf_perf_ring_consume(&f->ring, on_sample, on_lost, s);
}

static bool in_ring(const struct fake *f, const void *p)
{
	const unsigned char *c = p;

	return c >= f->data && c < f->data + f->size;
}

static void fill(unsigned char *buf, size_t n, unsigned int seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		buf[i] = (unsigned char)(seed * 31 + i * 7 + 1);
}

/* ---- tests ----------------------------------------------------------------- */

static void test_init_rejects_bad_size(void **state)
{
	struct perf_event_mmap_page meta;
	struct tpbpf_perf_ring ring;
	unsigned char data[1024];

	(void)state;
	assert_int_equal(tpbpf_perf_ring_init(&ring, &meta, data, 1000, 0),
			 -EINVAL);
	assert_int_equal(tpbpf_perf_ring_init(&ring, &meta, data, 4, 0),
			 -EINVAL);
	assert_int_equal(tpbpf_perf_ring_init(&ring, &meta, data, 1024, 0), 0);
}

static void test_empty(void **state)
{
	struct fake f;
	struct seen s = { 0 };

	(void)state;
	fake_init(&f, 4096, 3 * 4096 + 40, 0);
	assert_int_equal(consume(&f, &s), 0);
	assert_int_equal(s.samples, 0);
	assert_int_equal(s.losts, 0);
	assert_true(f.meta.data_tail == 3 * 4096 + 40);
	fake_fini(&f);
}

static void test_one_record(void **state)
{
	static const char msg[] = "hello, ring!";	/* 12 bytes + 4: aligned */
	struct fake f;
	struct seen s = { 0 };

	(void)state;
	fake_init(&f, 4096, 0, 1);
	assert_true(fake_sample(&f, msg, 12));
	assert_int_equal(consume(&f, &s), 1);
	assert_int_equal(s.samples, 1);
	assert_int_equal(s.cpu[0], 1);
	assert_int_equal(s.size[0], 12);
	assert_memory_equal(s.bytes[0], msg, 12);
	/* Not wrapped: handed out in place, no copy. */
	assert_true(s.ptr[0] == f.data + 12);
	assert_true(f.meta.data_tail == f.meta.data_head);
	assert_true(f.meta.data_tail == 24);
	seen_free(&s);
	fake_fini(&f);
}

static void test_padding_reported(void **state)
{
	unsigned char raw[5] = { 1, 2, 3, 4, 5 };
	struct fake f;
	struct seen s = { 0 };

	(void)state;
	fake_init(&f, 4096, 0, 0);
	assert_true(fake_sample(&f, raw, 5));
	assert_int_equal(consume(&f, &s), 1);
	/* The kernel counts its padding in the raw size: 5 -> 12. */
	assert_int_equal(s.size[0], 12);
	assert_memory_equal(s.bytes[0], raw, 5);
	seen_free(&s);
	fake_fini(&f);
}

static void test_many_records(void **state)
{
	unsigned char buf[20];
	struct fake f;
	struct seen s = { 0 };
	int i;

	(void)state;
	fake_init(&f, 4096, 0, 0);
	for (i = 0; i < 50; i++) {
		fill(buf, sizeof(buf), (unsigned int)i);
		assert_true(fake_sample(&f, buf, sizeof(buf)));
	}
	assert_int_equal(consume(&f, &s), 50);
	assert_int_equal(s.samples, 50);
	for (i = 0; i < 50; i++) {
		fill(buf, sizeof(buf), (unsigned int)i);
		assert_int_equal(s.size[i], 20);
		assert_memory_equal(s.bytes[i], buf, 20);
		assert_true(in_ring(&f, s.ptr[i]));
	}
	assert_true(f.meta.data_tail == 50 * 32);
	seen_free(&s);
	fake_fini(&f);
}

static void test_wrapped_record(void **state)
{
	unsigned char buf[100];
	struct fake f;
	struct seen s = { 0 };

	(void)state;
	/* The record starts 16 bytes before the end and runs past it. */
	fake_init(&f, 4096, 4096 - 16, 0);
	fill(buf, sizeof(buf), 77);
	assert_true(fake_sample(&f, buf, sizeof(buf)));
	assert_true(fake_sample(&f, buf, 4));	/* after the wrap, in place */
	assert_int_equal(consume(&f, &s), 2);
	assert_int_equal(s.size[0], 100);
	assert_memory_equal(s.bytes[0], buf, 100);
	assert_false(in_ring(&f, s.ptr[0]));
	assert_true(in_ring(&f, s.ptr[1]));
	assert_memory_equal(s.bytes[1], buf, 4);
	assert_true(f.meta.data_tail == f.meta.data_head);
	seen_free(&s);
	fake_fini(&f);
}

/* Start K bytes before the end: for K < 8 the header itself is split, for
 * K in 8..11 the u32 size is. The kernel never splits a header (records
 * are 8-aligned), but the walker must not depend on that. */
static void test_split_header(void **state)
{
	unsigned char buf[40];
	size_t k;

	(void)state;
	fill(buf, sizeof(buf), 5);
	for (k = 1; k <= 24; k++) {
		struct fake f;
		struct seen s = { 0 };

		fake_init(&f, 1024, 5 * 1024 - k, 2);
		assert_true(fake_sample(&f, buf, sizeof(buf)));
		assert_true(fake_sample(&f, buf, 12));
		assert_int_equal(consume(&f, &s), 2);
		assert_int_equal(s.samples, 2);
		assert_int_equal(s.size[0], 44);
		assert_memory_equal(s.bytes[0], buf, 40);
		assert_int_equal(s.size[1], 12);
		assert_memory_equal(s.bytes[1], buf, 12);
		assert_false(in_ring(&f, s.ptr[0]));
		assert_true(f.meta.data_tail == f.meta.data_head);
		seen_free(&s);
		fake_fini(&f);
	}
}

static void test_full_ring(void **state)
{
	static const uint64_t starts[] = { 0, 104, 4096 - 8 };
	unsigned char buf[52];	/* 8 + 4 + 52 = 64-byte records */
	size_t t;
	int i;

	(void)state;
	for (t = 0; t < ARRAY_SIZE(starts); t++) {
		struct fake f;
		struct seen s = { 0 };

		fake_init(&f, 4096, starts[t], 0);
		for (i = 0; i < 64; i++) {
			fill(buf, sizeof(buf), (unsigned int)i);
			assert_true(fake_sample(&f, buf, sizeof(buf)));
		}
		assert_true(f.meta.data_head - f.meta.data_tail == 4096);
		assert_false(fake_sample(&f, buf, 1));	/* no room left */
		assert_int_equal(consume(&f, &s), 64);
		for (i = 0; i < 64; i++) {
			fill(buf, sizeof(buf), (unsigned int)i);
			assert_int_equal(s.size[i], 52);
			assert_memory_equal(s.bytes[i], buf, 52);
		}
		assert_true(f.meta.data_tail == f.meta.data_head);
		assert_true(fake_room(&f) == 4096);
		seen_free(&s);
		fake_fini(&f);
	}
}

static void test_lost(void **state)
{
	struct fake f;
	struct seen s = { 0 };

	(void)state;
	fake_init(&f, 4096, 0, 3);
	assert_true(fake_sample(&f, "abcd", 4));
	assert_true(fake_lost(&f, 7, 42));
	assert_true(fake_sample(&f, "efgh", 4));
	assert_true(fake_lost(&f, 7, 5));
	assert_int_equal(consume(&f, &s), 4);
	assert_int_equal(s.samples, 2);
	assert_int_equal(s.losts, 2);
	assert_int_equal(s.lost_cpu[0], 3);
	assert_int_equal(s.lost[0], 42);
	assert_int_equal(s.lost_cpu[1], 3);
	assert_int_equal(s.lost[1], 5);
	assert_true(f.ring.lost == 47);
	/* The samples read, beside the losses: what a program that counts its
	 * sends compares with (the kernel may never report the last losses). */
	assert_true(f.ring.samples == 2);
	assert_memory_equal(s.bytes[1], "efgh", 4);

	/* No on_lost callback: still counted. */
	assert_true(fake_lost(&f, 7, 3));
	assert_int_equal(tpbpf_perf_ring_consume(&f.ring, on_sample, NULL, &s), 1);
	assert_true(f.ring.lost == 50);
	assert_int_equal(s.losts, 2);
	/* No on_sample callback: the sample is still counted as read. */
	assert_true(fake_sample(&f, "ijkl", 4));
	assert_int_equal(tpbpf_perf_ring_consume(&f.ring, NULL, NULL, &s), 1);
	assert_true(f.ring.samples == 3);
	assert_int_equal(s.samples, 2);
	seen_free(&s);
	fake_fini(&f);
}

static void test_unknown_types_skipped(void **state)
{
	unsigned char body[16] = { 0 };
	struct fake f;
	struct seen s = { 0 };

	(void)state;
	fake_init(&f, 4096, 0, 0);
	assert_true(fake_record(&f, PERF_RECORD_THROTTLE, body, sizeof(body)));
	assert_true(fake_sample(&f, "one!", 4));
	assert_true(fake_record(&f, 9999, body, 0));
	assert_true(fake_record(&f, PERF_RECORD_UNTHROTTLE, body, 5));
	assert_true(fake_sample(&f, "two!", 4));
	assert_int_equal(consume(&f, &s), 5);
	assert_int_equal(s.samples, 2);
	assert_true(f.ring.samples == 2);	/* other types are not samples */
	assert_int_equal(s.losts, 0);
	assert_memory_equal(s.bytes[0], "one!", 4);
	assert_memory_equal(s.bytes[1], "two!", 4);
	assert_true(f.meta.data_tail == f.meta.data_head);
	seen_free(&s);
	fake_fini(&f);
}

static void test_tail_advances(void **state)
{
	struct fake f;
	struct seen s = { 0 };

	(void)state;
	fake_init(&f, 4096, 0, 0);
	assert_true(fake_sample(&f, "aaaa", 4));
	assert_true(fake_sample(&f, "bbbb", 4));
	assert_int_equal(consume(&f, &s), 2);
	assert_true(f.meta.data_tail == 32);
	/* Nothing new: nothing handled twice. */
	assert_int_equal(consume(&f, &s), 0);
	assert_int_equal(s.samples, 2);
	assert_true(fake_sample(&f, "cccc", 4));
	assert_int_equal(consume(&f, &s), 1);
	assert_int_equal(s.samples, 3);
	assert_memory_equal(s.bytes[2], "cccc", 4);
	assert_true(f.meta.data_tail == 48);
	seen_free(&s);
	fake_fini(&f);
}

/* Append a bare header claiming SIZE bytes; the writer moves head by ADV. */
static void fake_bad_header(struct fake *f, uint16_t type, uint16_t size,
			    uint64_t adv)
{
	struct perf_event_header h = { .type = type, .misc = 0, .size = size };

	fake_put(f, f->meta.data_head, &h, sizeof(h));
	f->meta.data_head += adv;
}

static void test_corrupt(void **state)
{
	struct fake f;
	struct seen s = { 0 };
	uint32_t huge = 1000;

	(void)state;
	/* size 0: would loop forever if trusted */
	fake_init(&f, 1024, 0, 0);
	assert_true(fake_sample(&f, "good", 4));
	fake_bad_header(&f, PERF_RECORD_SAMPLE, 0, 64);
	assert_int_equal(consume(&f, &s), -EINVAL);
	assert_int_equal(s.samples, 1);		/* the good one came out */
	assert_non_null(strstr(tpbpf_error_detail(), "corrupt"));
	assert_true(f.meta.data_tail == f.meta.data_head);	/* not stuck */
	assert_int_equal(consume(&f, &s), 0);
	assert_true(fake_sample(&f, "next", 4));	/* and it recovers */
	assert_int_equal(consume(&f, &s), 1);
	assert_memory_equal(s.bytes[1], "next", 4);
	fake_fini(&f);

	/* size 4: shorter than a header */
	fake_init(&f, 1024, 0, 0);
	fake_bad_header(&f, PERF_RECORD_SAMPLE, 4, 8);
	assert_int_equal(consume(&f, &s), -EINVAL);
	assert_true(f.meta.data_tail == f.meta.data_head);
	fake_fini(&f);

	/* size larger than the ring */
	fake_init(&f, 1024, 0, 0);
	fake_bad_header(&f, PERF_RECORD_SAMPLE, 2048, 1024);
	assert_int_equal(consume(&f, &s), -EINVAL);
	assert_true(f.meta.data_tail == f.meta.data_head);
	fake_fini(&f);

	/* size larger than what head says was written */
	fake_init(&f, 1024, 0, 0);
	fake_bad_header(&f, 9999, 512, 64);
	assert_int_equal(consume(&f, &s), -EINVAL);
	fake_fini(&f);

	/* a sample whose raw size overruns its record */
	fake_init(&f, 1024, 0, 0);
	assert_true(fake_record(&f, PERF_RECORD_SAMPLE, &huge, 4));
	assert_int_equal(consume(&f, &s), -EINVAL);
	assert_true(f.meta.data_tail == f.meta.data_head);
	fake_fini(&f);

	/* a lost record too short for its counters */
	fake_init(&f, 1024, 0, 0);
	assert_true(fake_record(&f, PERF_RECORD_LOST, &huge, 4));
	assert_int_equal(consume(&f, &s), -EINVAL);
	fake_fini(&f);

	/* head more than a ring ahead of tail */
	fake_init(&f, 1024, 0, 0);
	f.meta.data_head = 4096;
	assert_int_equal(consume(&f, &s), -EINVAL);
	assert_true(f.meta.data_tail == 4096);
	fake_fini(&f);

	/* fewer than 8 bytes between tail and head */
	fake_init(&f, 1024, 0, 0);
	f.meta.data_head = 4;
	assert_int_equal(consume(&f, &s), -EINVAL);
	fake_fini(&f);
	seen_free(&s);
}

/* ---- property test: a long random stream through a small ring ----------- */

struct expect {
	bool lost;
	uint32_t id, len;	/* sample: content seed and length */
	uint64_t count;		/* lost */
};

struct stream {
	struct expect *q;
	size_t head, tail;	/* expected records: written, checked */
	uint64_t lost_seen;
	unsigned char buf[256];
	const struct fake *f;
	uint64_t copied, in_place;
};

static void prop_sample(void *ctx, int cpu, const void *data, uint32_t size)
{
	struct stream *st = ctx;
	const struct expect *e;
	unsigned char want[256] = { 0 };

	assert_int_equal(cpu, 1);
	assert_true(st->tail < st->head);
	e = &st->q[st->tail++];
	assert_false(e->lost);
	assert_int_equal(size, raw_size(e->len));
	fill(want, e->len, e->id);	/* the rest stays zero: padding */
	assert_memory_equal(data, want, size);
	if (in_ring(st->f, data))
		st->in_place++;
	else
		st->copied++;
}

static void prop_lost(void *ctx, int cpu, uint64_t lost)
{
	struct stream *st = ctx;
	const struct expect *e;

	assert_int_equal(cpu, 1);
	assert_true(st->tail < st->head);
	e = &st->q[st->tail++];
	assert_true(e->lost);
	assert_true(e->count == lost);
	st->lost_seen += lost;
}

static uint32_t xorshift(uint32_t *s)
{
	uint32_t x = *s;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *s = x;
}

static void test_random_stream(void **state)
{
	enum { RECORDS = 20000, RING = 512 };
	struct stream st = { 0 };
	struct fake f;
	uint32_t seed = 12345, id = 0;
	uint64_t pending_lost = 0, lost_total = 0;
	int handled = 0, n;

	(void)state;
	st.q = calloc(2 * RECORDS, sizeof(*st.q));
	assert_non_null(st.q);
	st.f = &f;
	/* Start just below 2^64 so the position counters wrap too. */
	fake_init(&f, RING, UINT64_MAX - 300, 1);
	while (id < RECORDS) {
		uint32_t burst = xorshift(&seed) % 12, b;

		for (b = 0; b < burst && id < RECORDS; b++) {
			uint32_t len = xorshift(&seed) % 160;
			unsigned char buf[160];

			/* Like the kernel: a LOST record once there is room. */
			if (pending_lost) {
				if (!fake_lost(&f, 1, pending_lost))
					break;
				st.q[st.head++] = (struct expect){
					.lost = true, .count = pending_lost };
				lost_total += pending_lost;
				pending_lost = 0;
			}
			if (xorshift(&seed) % 16 == 0) {
				unsigned char junk[24] = { 0 };

				if (!fake_record(&f, PERF_RECORD_THROTTLE, junk,
						 xorshift(&seed) % 24))
					break;
				handled++;	/* counted, not dispatched */
			}
			fill(buf, len, id);
			if (fake_sample(&f, buf, len)) {
				st.q[st.head++] = (struct expect){
					.id = id, .len = len };
			} else {
				pending_lost++;
			}
			id++;
		}
		n = tpbpf_perf_ring_consume(&f.ring, prop_sample, prop_lost,
					    &st);
		assert_true(n >= 0);
		handled += n;
		assert_true(st.tail == st.head);
		assert_true(f.meta.data_tail == f.meta.data_head);
	}
	assert_int_equal(tpbpf_perf_ring_consume(&f.ring, prop_sample,
						 prop_lost, &st), 0);
	assert_true(st.tail == st.head);
	assert_true(st.lost_seen == lost_total);
	assert_true(f.ring.lost == lost_total);
	assert_true(lost_total > 0);		/* the ring did fill up */
	assert_true(st.copied > 0);		/* records did wrap */
	assert_true(st.in_place > st.copied);
	assert_true(f.meta.data_head < (1ULL << 32));	/* counters wrapped */
	(void)handled;
	free(st.q);
	fake_fini(&f);
}

/* ---- CPU lists -------------------------------------------------------------- */

static void test_cpu_list(void **state)
{
	static const char *bad[] = {
		"", "\n", "a", "0-", "-1", "3-1", "1,1", "2,1", "0-3,2",
		"1,,2", "0,", "0 1", "0-1\n\n", "99999999", "0-70000",
	};
	int *cpus = NULL;
	size_t i;

	(void)state;
	assert_int_equal(tpbpf_parse_cpu_list("0\n", &cpus), 1);
	assert_int_equal(cpus[0], 0);
	free(cpus);
	assert_int_equal(tpbpf_parse_cpu_list("0-3", NULL), 4);
	assert_int_equal(tpbpf_parse_cpu_list("0-3,5,7-8\n", &cpus), 7);
	assert_int_equal(cpus[3], 3);
	assert_int_equal(cpus[4], 5);
	assert_int_equal(cpus[5], 7);
	assert_int_equal(cpus[6], 8);
	free(cpus);
	/* A hole: count and numbers differ (per-CPU values vs ring slots). */
	assert_int_equal(tpbpf_parse_cpu_list("2,4", &cpus), 2);
	assert_int_equal(cpus[0], 2);
	assert_int_equal(cpus[1], 4);
	free(cpus);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		cpus = NULL;
		if (tpbpf_parse_cpu_list(bad[i], &cpus) != -EINVAL)
			fail_msg("accepted CPU list \"%s\"", bad[i]);
		assert_null(cpus);
	}
	assert_non_null(strstr(tpbpf_error_detail(), "CPU list"));
}

static void test_num_possible_cpus(void **state)
{
	const int *cpus;
	int n;

	(void)state;
	n = tpbpf_num_possible_cpus();
	assert_true(n >= 1);
	assert_int_equal(tpbpf_num_possible_cpus(), n);	/* cached */
	assert_int_equal(tpbpf_possible_cpu_list(&cpus), n);
	assert_true(cpus[0] >= 0);
}

/* ---- reader arguments, checked before any system call -------------------- */

static void nop_sample(void *ctx, int cpu, const void *data, uint32_t size)
{
	(void)ctx;
	(void)cpu;
	(void)data;
	(void)size;
}

static void test_reader_args(void **state)
{
	struct tpbpf_event_reader_opts o = { .on_sample = nop_sample };
	struct tpbpf_event_reader *r = (void *)1;

	(void)state;
	o.pages_per_cpu = 3;
	assert_int_equal(tpbpf_event_reader_new(-1, &o, &r), -EINVAL);
	assert_null(r);
	assert_non_null(strstr(tpbpf_error_detail(), "power of two"));
	o.pages_per_cpu = 1u << 31;
	assert_int_equal(tpbpf_event_reader_new(-1, &o, &r), -EINVAL);
	assert_int_equal(tpbpf_event_reader_new(-1, NULL, &r), -EINVAL);
	o.pages_per_cpu = 0;
	o.on_sample = NULL;
	assert_int_equal(tpbpf_event_reader_new(-1, &o, &r), -EINVAL);
	o.on_sample = nop_sample;
	assert_int_equal(tpbpf_event_reader_new(-1, &o, &r), -EBADF);
	tpbpf_event_reader_free(NULL);
	assert_true(tpbpf_event_reader_lost(NULL) == 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_rejects_bad_size),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_one_record),
		cmocka_unit_test(test_padding_reported),
		cmocka_unit_test(test_many_records),
		cmocka_unit_test(test_wrapped_record),
		cmocka_unit_test(test_split_header),
		cmocka_unit_test(test_full_ring),
		cmocka_unit_test(test_lost),
		cmocka_unit_test(test_unknown_types_skipped),
		cmocka_unit_test(test_tail_advances),
		cmocka_unit_test(test_corrupt),
		cmocka_unit_test(test_random_stream),
		cmocka_unit_test(test_cpu_list),
		cmocka_unit_test(test_num_possible_cpus),
		cmocka_unit_test(test_reader_args),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
