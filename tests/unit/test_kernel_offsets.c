/* SPDX-License-Identifier: MIT */
/*
 * Kernel struct offsets (KERNEL_OFF): the offsets file parser, with good
 * and malformed fixtures; the BTF reader on a BTF blob built here (nested
 * anonymous unions, bitfields, loops, and every truncation and byte flip
 * of it); the order of the sources; and, where this kernel has BTF, that
 * its answers survive a round trip through an offsets file.
 */
#include <errno.h>
#include <linux/btf.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"
#include "tpbpf.h"
#include "internal.h"
#include "btf.h"

#define OFFSETS FIXTURES "/offsets"

/* ---- a small BTF blob, built by hand -------------------------------------- */

struct blob {
	unsigned char types[1024];
	size_t tlen;
	char strs[512];
	size_t slen;
};

static uint32_t str(struct blob *b, const char *s)
{
	uint32_t off = (uint32_t)b->slen;

	if (!*s)
		return 0;
	memcpy(b->strs + b->slen, s, strlen(s) + 1);
	b->slen += strlen(s) + 1;
	return off;
}

static void word(struct blob *b, uint32_t v)
{
	memcpy(b->types + b->tlen, &v, 4);
	b->tlen += 4;
}

static void type(struct blob *b, const char *name, uint32_t kind, int kflag,
		 uint32_t vlen, uint32_t size_or_type)
{
	word(b, str(b, name));
	word(b, (kflag ? 1u << 31 : 0) | kind << 24 | vlen);
	word(b, size_or_type);
}

static void member(struct blob *b, const char *name, uint32_t type_id, uint32_t off)
{
	word(b, str(b, name));
	word(b, type_id);
	word(b, off);
}

/*
 * The C it describes, at the offsets a compiler would give:
 *   struct outer {                      kind_flag set
 *           int x;                      4 (bit 32)
 *           union {                     8
 *                   struct { int a; long pad; int b; };   a 8, b 24
 *                   int c;              8
 *           };
 *           int flags:3;                bitfield at bit 256
 *           int len;                    36
 *           anon_t;                     typedef of the union, at 40: d 40
 *   };
 *   struct outer;   (a forward declaration, also named outer)
 *   struct loop { union u; };           an anonymous member, of type 9;
 *                                       with LOOP, of type 7: itself
 *   union u { int m; };
 */
static size_t build_btf_loop(unsigned char *out, size_t cap, bool loop)
{
	struct blob b = { .slen = 1 };	/* offset 0 is "" */
	struct btf_header h = {
		.magic = 0xeB9F, .version = 1, .hdr_len = sizeof(h),
	};
	size_t n;

	type(&b, "int", BTF_KIND_INT, 0, 0, 4);			/* 1 */
	word(&b, 32);
	type(&b, "", BTF_KIND_STRUCT, 0, 2, 24);		/* 2 */
	member(&b, "a", 1, 0);
	member(&b, "b", 1, 128);
	type(&b, "", BTF_KIND_UNION, 0, 2, 24);			/* 3 */
	member(&b, "", 2, 0);
	member(&b, "c", 1, 0);
	type(&b, "anon_t", BTF_KIND_TYPEDEF, 0, 0, 8);		/* 4 -> 8 */
	type(&b, "outer", BTF_KIND_STRUCT, 1, 6, 48);		/* 5 */
	member(&b, "x", 1, 32);
	member(&b, "", 3, 64);
	member(&b, "flags", 1, 3u << 24 | 256);
	member(&b, "len", 1, 288);
	member(&b, "", 4, 320);
	member(&b, "", 1, 352);	/* an anonymous int: not searched into */
	type(&b, "outer", BTF_KIND_FWD, 0, 0, 0);		/* 6 */
	type(&b, "loop", BTF_KIND_STRUCT, 0, 1, 8);		/* 7 */
	member(&b, "", loop ? 7 : 9, 0);
	type(&b, "", BTF_KIND_UNION, 0, 1, 4);			/* 8 */
	member(&b, "d", 1, 0);
	type(&b, "u", BTF_KIND_UNION, 0, 1, 4);			/* 9 */
	member(&b, "m", 1, 0);

	h.type_off = 0;
	h.type_len = (uint32_t)b.tlen;
	h.str_off = (uint32_t)b.tlen;
	h.str_len = (uint32_t)b.slen;
	n = sizeof(h) + b.tlen + b.slen;
	assert_true(n <= cap);
	memcpy(out, &h, sizeof(h));
	memcpy(out + sizeof(h), b.types, b.tlen);
	memcpy(out + sizeof(h) + b.tlen, b.strs, b.slen);
	return n;
}

static size_t build_btf(unsigned char *out, size_t cap)
{
	return build_btf_loop(out, cap, false);
}

static void expect_off(const struct tpbpf_btf *btf, const char *st, const char *f, uint64_t want)
{
	uint64_t off = 12345;
	int err = tpbpf_btf_field_offset(btf, st, f, &off);

	if (err)
		fail_msg("%s.%s: %s", st, f, tpbpf_error_detail());
	assert_int_equal(off, want);
}

static void test_btf_reader(void **state)
{
	unsigned char buf[2048];
	size_t n = build_btf(buf, sizeof(buf));
	struct tpbpf_btf *btf;
	uint64_t off;

	(void)state;
	assert_int_equal(tpbpf_btf_parse(buf, n, &btf), 0);
	assert_int_equal(tpbpf_btf_type_count(btf), 9);
	expect_off(btf, "outer", "x", 4);
	expect_off(btf, "outer", "a", 8);	/* two anonymous levels down */
	expect_off(btf, "outer", "b", 24);
	expect_off(btf, "outer", "c", 8);
	expect_off(btf, "outer", "len", 36);
	expect_off(btf, "outer", "d", 40);	/* through a typedef */
	expect_off(btf, "u", "m", 0);
	assert_int_equal(tpbpf_btf_field_offset(btf, "outer", "flags", &off), -EINVAL);
	assert_non_null(strstr(tpbpf_error_detail(), "bitfield"));
	assert_int_equal(tpbpf_btf_field_offset(btf, "outer", "nope", &off), -ENOENT);
	assert_non_null(strstr(tpbpf_error_detail(), "struct outer has no field nope"));
	assert_int_equal(tpbpf_btf_field_offset(btf, "int", "x", &off), -ENOENT);
	assert_int_equal(tpbpf_btf_field_offset(btf, "missing", "x", &off), -ENOENT);
	assert_non_null(strstr(tpbpf_error_detail(), "no struct or union named missing"));
	expect_off(btf, "loop", "m", 0);	/* through an anonymous union */
	tpbpf_btf_free(btf);

	/* A struct that contains itself is refused when the BTF is read. */
	n = build_btf_loop(buf, sizeof(buf), true);
	btf = (struct tpbpf_btf *)1;
	assert_int_equal(tpbpf_btf_parse(buf, n, &btf), -EINVAL);
	assert_null(btf);
	assert_non_null(strstr(tpbpf_error_detail(), "type 7 (struct loop): contains itself"));
}

static void expect_bad(const unsigned char *buf, size_t n, const char *why)
{
	struct tpbpf_btf *btf = (struct tpbpf_btf *)1;

	assert_true(tpbpf_btf_parse(buf, n, &btf) < 0);
	assert_null(btf);
	if (!strstr(tpbpf_error_detail(), why))
		fail_msg("want \"%s\" in \"%s\"", why, tpbpf_error_detail());
}

static void test_btf_malformed(void **state)
{
	unsigned char buf[2048], bad[2048];
	size_t n = build_btf(buf, sizeof(buf));
	struct btf_header h;

	(void)state;
	expect_bad(buf, 10, "too short");
	memcpy(bad, buf, n);
	bad[0] ^= 0xff;
	expect_bad(bad, n, "bad magic");
	memcpy(bad, buf, n);
	bad[2] = 2;
	expect_bad(bad, n, "version 2");

	memcpy(&h, buf, sizeof(h));
	h.str_len += 1;		/* one byte past the end */
	memcpy(bad, buf, n);
	memcpy(bad, &h, sizeof(h));
	expect_bad(bad, n, "string section");
	memcpy(&h, buf, sizeof(h));
	h.type_off = 0xfffffff0;	/* wraps in 32 bits */
	memcpy(bad, &h, sizeof(h));
	expect_bad(bad, n, "type section");
	memcpy(&h, buf, sizeof(h));
	h.hdr_len = 0xffffffff;
	memcpy(bad, &h, sizeof(h));
	expect_bad(bad, n, "header length");

	/* The last string's NUL gone. */
	memcpy(bad, buf, n);
	bad[n - 1] = 'x';
	expect_bad(bad, n, "does not end with a NUL");
	/* Type 1 (int) made kind 31, unknown. */
	memcpy(bad, buf, n);
	bad[sizeof(h) + 7] = 31;
	expect_bad(bad, n, "unknown kind 31");
	/* Type 2's vlen made huge: its members run past the section. */
	memcpy(bad, buf, n);
	bad[sizeof(h) + 16 + 4] = 0xff;
	bad[sizeof(h) + 16 + 5] = 0xff;
	expect_bad(bad, n, "runs past the type section");
	/* Type section one byte short: the last record is cut. */
	memcpy(&h, buf, sizeof(h));
	h.type_len -= 1;
	memcpy(bad, buf, n);
	memcpy(bad, &h, sizeof(h));
	expect_bad(bad, n, "");
}

/*
 * Every truncation and every single-byte change of the blob: opening and
 * looking up must fail cleanly or succeed, never read outside (ASan run).
 */
static void test_btf_mutations(void **state)
{
	unsigned char buf[2048], bad[2048];
	size_t n = build_btf(buf, sizeof(buf));
	static const char *const q[][2] = {
		{ "outer", "len" }, { "outer", "d" }, { "loop", "z" }, { "u", "m" }, { "", "" },
	};

	(void)state;
	for (size_t len = 0; len < n; len++) {
		struct tpbpf_btf *btf;

		if (tpbpf_btf_parse(buf, len, &btf) == 0)
			tpbpf_btf_free(btf);
	}
	for (size_t i = 0; i < n; i++) {
		for (int v = 0; v < 256; v += 51) {
			struct tpbpf_btf *btf;
			uint64_t off;

			memcpy(bad, buf, n);
			bad[i] = (unsigned char)(v ^ (i & 1 ? 0x80 : 0x01));
			if (tpbpf_btf_parse(bad, n, &btf))
				continue;
			for (size_t k = 0; k < ARRAY_SIZE(q); k++)
				tpbpf_btf_field_offset(btf, q[k][0], q[k][1], &off);
			tpbpf_btf_free(btf);
		}
	}
}

/* ---- the offsets file ---------------------------------------------------- */

static uint64_t must_offset(const char *st, const char *field)
{
	uint64_t off = 0;

	if (tpbpf_kernel_offset(st, field, &off))
		fail_msg("%s.%s: %s", st, field, tpbpf_error_detail());
	return off;
}

static int no_btf(void **state)
{
	(void)state;
	tpbpf_kernel_offsets_set_btf_path(FIXTURES "/offsets/no-such-btf");
	return 0;
}

static int reset(void **state)
{
	(void)state;
	tpbpf_set_kernel_offsets_file(NULL);
	tpbpf_kernel_offsets_set_btf_path(NULL);
	return 0;
}

static void test_file_good(void **state)
{
	(void)state;
	assert_int_equal(tpbpf_set_kernel_offsets_file(OFFSETS "/good.offsets"), 0);
	assert_int_equal(must_offset("sk_buff", "len"), 112);
	assert_int_equal(must_offset("sk_buff", "dev"), 16);
	assert_int_equal(must_offset("net_device", "name"), 280);
	assert_int_equal(must_offset("task_struct", "comm"), 1752);
}

static void test_file_bad(void **state)
{
	static const char *const cases[][2] = {
		{ "bad-no-offset", ":2: want \"struct.field offset\", got no offset" },
		{ "bad-duplicate", ":4: sk_buff.len is already given on line 2" },
		{ "bad-no-dot", ":1: \"sk_buff\" is not STRUCT.FIELD" },
		{ "bad-not-a-number", ":1: offset \"twelve\" is not a number" },
		{ "bad-negative", ":1: offset \"-4\" is not a number" },
		{ "bad-trailing-text", ":1: unexpected text after the offset: \"extra\"" },
		{ "bad-huge", ":1: offset \"99999999999999999999999\" is not a number" },
		{ "bad-not-identifier", ":1: \"sk-buff.len\" is not STRUCT.FIELD" },
		{ "bad-suffix", ":2: offset \"16x\" is not a number" },
		{ "bad-nul", "not a text file" },
		{ "no-such-file", "cannot open" },
	};
	char path[256];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		uint64_t off;

		snprintf(path, sizeof(path), OFFSETS "/%s.offsets", cases[i][0]);
		assert_true(tpbpf_set_kernel_offsets_file(path) < 0);
		if (!strstr(tpbpf_error_detail(), cases[i][1]))
			fail_msg("%s: want \"%s\" in \"%s\"", path, cases[i][1], tpbpf_error_detail());
		/* A bad file leaves no half-read entries behind. */
		assert_int_equal(tpbpf_kernel_offset("sk_buff", "len", &off), -ENOENT);
	}
}

static void test_missing_names_three_ways(void **state)
{
	const char *d;
	uint64_t off;

	(void)state;
	assert_int_equal(tpbpf_set_kernel_offsets_file(OFFSETS "/good.offsets"), 0);
	assert_int_equal(tpbpf_kernel_offset("sk_buff", "no_such_field", &off), -ENOENT);
	d = tpbpf_error_detail();
	assert_non_null(strstr(d, "struct sk_buff field no_such_field"));
	assert_non_null(strstr(d, "--offsets FILE"));
	assert_non_null(strstr(d, "tpbpf offsets --from-headers DIR"));
	assert_non_null(strstr(d, "kernel with BTF"));
	assert_non_null(strstr(d, "good.offsets"));	/* where it looked */
	assert_non_null(strstr(d, "no-such-btf is absent"));
	assert_int_equal(tpbpf_kernel_offset("sk_buff", "bad name", &off), -EINVAL);
}

/* File first, BTF second: a file entry wins, BTF answers the rest. */
static void test_source_order(void **state)
{
	unsigned char buf[2048];
	size_t n = build_btf(buf, sizeof(buf));
	char path[] = "/tmp/tpbpf-btf-XXXXXX", opath[] = "/tmp/tpbpf-off-XXXXXX";
	int fd = mkstemp(path), ofd = mkstemp(opath);

	(void)state;
	assert_true(fd >= 0 && ofd >= 0);
	assert_int_equal(write(fd, buf, n), (ssize_t)n);
	assert_int_equal(write(ofd, "outer.len 99\n", 13), 13);
	close(fd);
	close(ofd);
	tpbpf_kernel_offsets_set_btf_path(path);
	assert_int_equal(must_offset("outer", "len"), 36);
	assert_int_equal(tpbpf_set_kernel_offsets_file(opath), 0);
	assert_int_equal(must_offset("outer", "len"), 99);
	assert_int_equal(must_offset("outer", "c"), 8);
	unlink(path);
	unlink(opath);
}

/*
 * This machine, whatever its kernel: where it has BTF, fields every kernel
 * has are found there at plausible places, and an offsets file written
 * from those answers gives the same values through the file source. The
 * expectations come from the machine itself, never from a file named for
 * one kernel release.
 */
static void test_kernel_btf_round_trip(void **state)
{
	static const char *const fields[][2] = {
		{ "sk_buff", "len" }, { "sk_buff", "dev" }, { "net_device", "name" },
		{ "task_struct", "pid" }, { "task_struct", "tgid" },
	};
	uint64_t got[ARRAY_SIZE(fields)];
	char opath[] = "/tmp/tpbpf-off-XXXXXX";
	FILE *f;
	int fd;

	(void)state;
	if (access("/sys/kernel/btf/vmlinux", R_OK) != 0)
		skip_because("this kernel has no BTF (/sys/kernel/btf/vmlinux); make vmcheck covers the file source there");
	tpbpf_kernel_offsets_set_btf_path(NULL);
	for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
		if (tpbpf_kernel_offset(fields[i][0], fields[i][1], &got[i]))
			fail_msg("%s.%s from BTF: %s", fields[i][0], fields[i][1],
				 tpbpf_error_detail());
		/* No kernel struct these fields live in is anywhere near 64 KiB. */
		assert_true(got[i] < 65536);
	}
	assert_true(got[4] == got[3] + 4);	/* tgid follows pid */

	fd = mkstemp(opath);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	for (size_t i = 0; i < ARRAY_SIZE(fields); i++)
		fprintf(f, "%s.%s %llu\n", fields[i][0], fields[i][1],
			(unsigned long long)got[i]);
	fclose(f);
	assert_int_equal(tpbpf_set_kernel_offsets_file(opath), 0);
	tpbpf_kernel_offsets_set_btf_path(FIXTURES "/offsets/no-such-btf");
	for (size_t i = 0; i < ARRAY_SIZE(fields); i++)
		assert_int_equal(must_offset(fields[i][0], fields[i][1]), got[i]);
	unlink(opath);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_btf_reader),
		cmocka_unit_test(test_btf_malformed),
		cmocka_unit_test(test_btf_mutations),
		cmocka_unit_test_setup_teardown(test_file_good, no_btf, reset),
		cmocka_unit_test_setup_teardown(test_file_bad, no_btf, reset),
		cmocka_unit_test_setup_teardown(test_missing_names_three_ways, no_btf, reset),
		cmocka_unit_test_setup_teardown(test_source_order, reset, reset),
		cmocka_unit_test_setup_teardown(test_kernel_btf_round_trip, reset, reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
