/* SPDX-License-Identifier: MIT */
/*
 * The BTF reader (loader/btf.c), the sanitizer (btf_sanitize.c) and the
 * .BTF.ext reader (btf_ext.c), on blobs built here and on objects clang
 * built from tests/bpf/:
 *
 *   - a blob with every kind, read back through every accessor;
 *   - malformed blobs, each refused with one line naming the type and the
 *     problem: loops through modifiers, arrays and members, IDs and string
 *     offsets out of range, huge counts, truncated and misaligned
 *     sections, unknown kinds, sizes that overflow;
 *   - every truncation and many single-byte changes of the valid blob: read,
 *     walked, sanitized and fixed up without a crash (the ASan run);
 *   - long chains (no recursion to overflow) and anonymous members that
 *     branch exponentially (the search budget);
 *   - datasec fixup, on hand-built BTF and on an object's with its ELF;
 *   - sanitizing for each missing kind: IDs kept, the result reads again;
 *   - .BTF.ext: clang's, hand-built, malformed, mutated.
 */
#include <errno.h>
#include <gelf.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "unit.h"
#include "bpf_obj.h"
#include "btf_build.h"
#include "btf.h"
#include "core.h"
#include "internal.h"
#include "tpbpf.h"

/* ---- a blob with every kind ---------------------------------------------------- */

struct all {
	uint32_t i32, u32, u64, chr, comm, task, task_ptr, un, arr2, arr3, en, en64, sen,
		fwd, fwd_union, td, cst, vol, rst, tag, proto, func, var, var_ro, ds, flt,
		dtag, dtag_member, dtag_param, flex, flex_data, ro_cst;
};

/*
 *   struct task {                          48 bytes, kind_flag
 *           int a;                          0
 *           unsigned long b;                8
 *           unsigned int bf : 3;            bit 128
 *           char comm[16];                  17
 *           struct task *next;              32
 *           enum e e;                       40
 *   };
 *   union u { int x; unsigned long y; };
 *   int arr2[2][3];
 *   enum e { E_A = 1, E_B = 2 };  enum e64 : 8 bytes { BIG = 0x123456789a, NEG = -1 };
 *   enum se { S_NEG = -5 } (signed);
 *   struct fwd_s;  union fwd_u;
 *   typedef struct task task_t;  const task_t;  volatile const task_t;
 *   struct task *restrict;  int __attribute__((btf_type_tag("user")));
 *   int prog(struct task *ctx, ...);  (global)
 *   int counter;  static const int ro;  section .data { counter, ro }
 *   double;  decl tags on task, on task.bf, on prog's ctx
 *   struct flex { int n; char data[]; };
 */
static void build_all(struct bb *b, struct all *x)
{
	bb_init(b);
	x->i32 = bb_int(b, "int", 4, true);
	x->u32 = bb_int(b, "unsigned int", 4, false);
	x->u64 = bb_int(b, "long unsigned int", 8, false);
	x->chr = bb_int(b, "char", 1, true);
	x->comm = bb_array(b, x->chr, x->u32, 16);
	x->en = bb_enum(b, "e", 4, 2, false);
	bb_enumerator(b, "E_A", 1);
	bb_enumerator(b, "E_B", 2);
	x->task = b->n + 1;
	x->task_ptr = b->n + 2;
	bb_struct(b, "task", 48, 6);
	bb_member(b, "a", x->i32, 0);
	bb_member(b, "b", x->u64, 64);
	bb_bitfield(b, "bf", x->u32, 128, 3);
	bb_member(b, "comm", x->comm, 136);
	bb_member(b, "next", x->task_ptr, 256);
	bb_member(b, "e", x->en, 320);
	bb_ptr(b, x->task);
	x->un = bb_union(b, "u", 8, 2);
	bb_member(b, "x", x->i32, 0);
	bb_member(b, "y", x->u64, 0);
	x->arr3 = bb_array(b, x->i32, x->u32, 3);
	x->arr2 = bb_array(b, x->arr3, x->u32, 2);
	x->en64 = bb_enum64(b, "e64", 8, 2, true);
	bb_enumerator64(b, "BIG", 0x123456789aULL);
	bb_enumerator64(b, "NEG", (uint64_t)-1);
	x->sen = bb_enum(b, "se", 4, 1, true);
	bb_enumerator(b, "S_NEG", -5);
	x->fwd = bb_fwd(b, "fwd_s", false);
	x->fwd_union = bb_fwd(b, "fwd_u", true);
	x->td = bb_mod(b, BTF_KIND_TYPEDEF, "task_t", x->task);
	x->cst = bb_mod(b, BTF_KIND_CONST, "", x->td);
	x->vol = bb_mod(b, BTF_KIND_VOLATILE, "", x->cst);
	x->rst = bb_mod(b, BTF_KIND_RESTRICT, "", x->task_ptr);
	x->tag = bb_mod(b, BTF_KIND_TYPE_TAG, "user", x->i32);
	x->proto = bb_proto(b, x->i32, 2);
	bb_param(b, "ctx", x->task_ptr);
	bb_param(b, "", 0);	/* ... */
	x->func = bb_func(b, "prog", x->proto, BTF_FUNC_GLOBAL);
	x->var = bb_var(b, "counter", x->i32, BTF_VAR_GLOBAL_ALLOCATED);
	x->ro_cst = bb_mod(b, BTF_KIND_CONST, "", x->i32);
	x->var_ro = bb_var(b, "prog.ro", x->ro_cst, BTF_VAR_STATIC);
	x->ds = bb_datasec(b, ".data", 8, 2);
	bb_secinfo(b, x->var, 0, 4);
	bb_secinfo(b, x->var_ro, 4, 4);
	x->flt = bb_float(b, "double", 8);
	x->dtag = bb_decl_tag(b, "tag1", x->task, -1);
	x->dtag_member = bb_decl_tag(b, "tag2", x->task, 2);
	x->dtag_param = bb_decl_tag(b, "tag3", x->func, 0);
	x->flex_data = bb_array(b, x->chr, x->u32, 0);
	x->flex = bb_struct(b, "flex", 4, 2);
	bb_member(b, "n", x->i32, 0);
	bb_member(b, "data", x->flex_data, 32);
}

static unsigned char *all_blob(size_t *len, struct all *x)
{
	struct bb b;
	unsigned char *blob;

	build_all(&b, x);
	blob = bb_blob(&b, len);
	bb_free(&b);
	return blob;
}

static struct tpbpf_btf *must_parse(const void *blob, size_t len)
{
	struct tpbpf_btf *btf = NULL;

	if (tpbpf_btf_parse(blob, len, &btf))
		fail_msg("parse: %s", tpbpf_error_detail());
	return btf;
}

static uint64_t size_of(const struct tpbpf_btf *btf, uint32_t id)
{
	uint64_t size = 0;

	if (tpbpf_btf_resolve_size(btf, id, &size))
		fail_msg("size of %u: %s", id, tpbpf_error_detail());
	return size;
}

static void test_every_kind(void **state)
{
	struct all x;
	size_t len, dlen;
	unsigned char *blob = all_blob(&len, &x);
	struct tpbpf_btf *btf = must_parse(blob, len);
	const struct btf_type *t;
	uint64_t off, size;

	(void)state;
	assert_int_equal(tpbpf_btf_type_count(btf), x.flex);
	assert_null(tpbpf_btf_type(btf, 0));
	assert_null(tpbpf_btf_type(btf, x.flex + 1));
	assert_string_equal(tpbpf_btf_name(btf, 0), "");
	assert_string_equal(tpbpf_btf_name(btf, x.task), "task");
	assert_string_equal(tpbpf_btf_name(btf, x.cst), "");
	assert_string_equal(tpbpf_btf_str(btf, 0), "");
	assert_null(tpbpf_btf_str(btf, 1u << 30));

	/* every kind is there, as built */
	static const struct { size_t off; uint32_t kind; } kinds[] = {
		{ offsetof(struct all, i32), BTF_KIND_INT }, { offsetof(struct all, comm), BTF_KIND_ARRAY },
		{ offsetof(struct all, task), BTF_KIND_STRUCT }, { offsetof(struct all, task_ptr), BTF_KIND_PTR },
		{ offsetof(struct all, un), BTF_KIND_UNION }, { offsetof(struct all, en), BTF_KIND_ENUM },
		{ offsetof(struct all, en64), BTF_KIND_ENUM64 }, { offsetof(struct all, fwd), BTF_KIND_FWD },
		{ offsetof(struct all, td), BTF_KIND_TYPEDEF }, { offsetof(struct all, cst), BTF_KIND_CONST },
		{ offsetof(struct all, vol), BTF_KIND_VOLATILE }, { offsetof(struct all, rst), BTF_KIND_RESTRICT },
		{ offsetof(struct all, tag), BTF_KIND_TYPE_TAG }, { offsetof(struct all, proto), BTF_KIND_FUNC_PROTO },
		{ offsetof(struct all, func), BTF_KIND_FUNC }, { offsetof(struct all, var), BTF_KIND_VAR },
		{ offsetof(struct all, ds), BTF_KIND_DATASEC }, { offsetof(struct all, flt), BTF_KIND_FLOAT },
		{ offsetof(struct all, dtag), BTF_KIND_DECL_TAG },
	};
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++) {
		uint32_t id;

		memcpy(&id, (const char *)&x + kinds[i].off, sizeof(id));
		assert_int_equal(btf_kind(tpbpf_btf_type(btf, id)), kinds[i].kind);
	}
	assert_string_equal(tpbpf_btf_kind_name(BTF_KIND_ENUM64), "enum64");
	assert_string_equal(tpbpf_btf_kind_name(99), "unknown kind");

	/* modifiers */
	assert_int_equal(tpbpf_btf_skip_mods(btf, x.vol), x.task);
	assert_int_equal(tpbpf_btf_skip_mods(btf, x.rst), x.task_ptr);
	assert_int_equal(tpbpf_btf_skip_mods(btf, x.tag), x.i32);
	assert_int_equal(tpbpf_btf_skip_mods(btf, x.task), x.task);
	assert_int_equal(tpbpf_btf_skip_mods(btf, 0), 0);

	/* sizes */
	assert_int_equal(size_of(btf, x.i32), 4);
	assert_int_equal(size_of(btf, x.chr), 1);
	assert_int_equal(size_of(btf, x.task_ptr), 8);
	assert_int_equal(size_of(btf, x.comm), 16);
	assert_int_equal(size_of(btf, x.arr2), 24);
	assert_int_equal(size_of(btf, x.task), 48);
	assert_int_equal(size_of(btf, x.un), 8);
	assert_int_equal(size_of(btf, x.en), 4);
	assert_int_equal(size_of(btf, x.en64), 8);
	assert_int_equal(size_of(btf, x.vol), 48);
	assert_int_equal(size_of(btf, x.tag), 4);
	assert_int_equal(size_of(btf, x.flt), 8);
	assert_int_equal(size_of(btf, x.var), 4);
	assert_int_equal(size_of(btf, x.var_ro), 4);
	assert_int_equal(size_of(btf, x.ds), 8);
	assert_int_equal(size_of(btf, x.flex), 4);
	assert_int_equal(size_of(btf, x.flex_data), 0);
	assert_int_equal(tpbpf_btf_resolve_size(btf, 0, &size), -EINVAL);
	assert_int_equal(tpbpf_btf_resolve_size(btf, x.fwd, &size), -EINVAL);
	assert_non_null(strstr(tpbpf_error_detail(), "fwd fwd_s) has no size"));
	assert_int_equal(tpbpf_btf_resolve_size(btf, x.proto, &size), -EINVAL);
	assert_int_equal(tpbpf_btf_resolve_size(btf, x.func, &size), -EINVAL);
	assert_int_equal(tpbpf_btf_resolve_size(btf, x.dtag, &size), -EINVAL);

	/* records */
	t = tpbpf_btf_type(btf, x.task);
	assert_int_equal(btf_vlen(t), 6);
	assert_int_equal(btf_member_bit_offset(t, 2), 128);
	assert_int_equal(btf_member_bitfield_size(t, 2), 3);
	assert_int_equal(btf_member_bitfield_size(t, 3), 0);
	t = tpbpf_btf_type(btf, x.en64);
	assert_true(btf_enumerator_value(t, 0) == 0x123456789aLL);
	assert_true(btf_enumerator_value(t, 1) == -1);
	assert_true(btf_enumerator_value(tpbpf_btf_type(btf, x.sen), 0) == -5);
	assert_int_equal(btf_int_bits(tpbpf_btf_type(btf, x.u64)), 64);
	assert_int_equal(btf_array(tpbpf_btf_type(btf, x.arr2))->nelems, 2);
	assert_int_equal(btf_decl_tag(tpbpf_btf_type(btf, x.dtag_member))->component_idx, 2);
	assert_int_equal(tpbpf_btf_record_len(tpbpf_btf_type(btf, x.task)), 12 + 6 * 12);
	assert_int_equal(tpbpf_btf_record_len(tpbpf_btf_type(btf, x.en64)), 12 + 2 * 12);

	/* lookups by name */
	assert_int_equal(tpbpf_btf_find(btf, "task", BTF_KIND_STRUCT), x.task);
	assert_int_equal(tpbpf_btf_find(btf, "task_t", BTF_KIND_TYPEDEF), x.td);
	assert_int_equal(tpbpf_btf_find(btf, "fwd_u", BTF_KIND_FWD), x.fwd_union);
	assert_int_equal(tpbpf_btf_find(btf, "counter", BTF_KIND_VAR), x.var);
	assert_int_equal(tpbpf_btf_find(btf, ".data", BTF_KIND_DATASEC), x.ds);
	assert_int_equal(tpbpf_btf_find(btf, "task", BTF_KIND_UNION), -ENOENT);
	assert_non_null(strstr(tpbpf_error_detail(), "no union named task"));
	assert_int_equal(tpbpf_btf_find(btf, "nope", BTF_KIND_STRUCT), -ENOENT);

	/* field offsets (KERNEL_OFF) */
	assert_int_equal(tpbpf_btf_field_offset(btf, "task", "comm", &off), 0);
	assert_int_equal(off, 17);
	assert_int_equal(tpbpf_btf_field_offset(btf, "task", "next", &off), 0);
	assert_int_equal(off, 32);
	assert_int_equal(tpbpf_btf_field_offset(btf, "u", "y", &off), 0);
	assert_int_equal(off, 0);
	assert_int_equal(tpbpf_btf_field_offset(btf, "task", "bf", &off), -EINVAL);
	assert_int_equal(tpbpf_btf_field_offset(btf, "flex", "nope", &off), -ENOENT);

	/* the blob as parsed */
	assert_memory_equal(tpbpf_btf_data(btf, &dlen), blob, len);
	assert_int_equal(dlen, len);
	tpbpf_btf_free(btf);
	free(blob);
}

/* From a file, as the kernel's is read: no copy, errors name the file. */
static void test_parse_file(void **state)
{
	struct all x;
	size_t len;
	unsigned char *blob = all_blob(&len, &x);
	char path[] = "/tmp/tpbpf-btf-XXXXXX";
	int fd = mkstemp(path);
	struct tpbpf_btf *btf;

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, blob, len), (ssize_t)len);
	close(fd);
	assert_int_equal(tpbpf_btf_parse_file(path, &btf), 0);
	assert_int_equal(tpbpf_btf_type_count(btf), x.flex);
	assert_int_equal(tpbpf_btf_find(btf, "task", BTF_KIND_STRUCT), x.task);
	tpbpf_btf_free(btf);
	/* cut short: the error says which file */
	assert_int_equal(truncate(path, (off_t)len - 3), 0);
	assert_int_equal(tpbpf_btf_parse_file(path, &btf), -EINVAL);
	assert_null(btf);
	assert_true(strncmp(tpbpf_error_detail(), path, strlen(path)) == 0);
	assert_non_null(strstr(tpbpf_error_detail(), ": BTF: "));
	unlink(path);
	assert_int_equal(tpbpf_btf_parse_file(path, &btf), -ENOENT);
	assert_non_null(strstr(tpbpf_error_detail(), "cannot open /tmp/tpbpf-btf-"));
	free(blob);
}

/* ---- names and flavors ------------------------------------------------------------- */

static void test_flavors(void **state)
{
	struct bb b;
	struct tpbpf_btf *btf;
	uint32_t i32, ids[8], n = 0, id = 0;
	int r;

	(void)state;
	assert_int_equal(tpbpf_btf_essential_len("task_struct"), 11);
	assert_int_equal(tpbpf_btf_essential_len("task_struct___old"), 11);
	assert_int_equal(tpbpf_btf_essential_len("task_struct___5_19"), 11);
	assert_int_equal(tpbpf_btf_essential_len("a___b___c"), 5);	/* the last ___ */
	assert_int_equal(tpbpf_btf_essential_len("a____b"), 6);		/* four: no flavor */
	assert_int_equal(tpbpf_btf_essential_len("___x"), 4);		/* nothing before */
	assert_int_equal(tpbpf_btf_essential_len("x___"), 4);		/* nothing after */
	assert_int_equal(tpbpf_btf_essential_len("x_____y"), 7);
	assert_int_equal(tpbpf_btf_essential_len(""), 0);

	bb_init(&b);
	i32 = bb_int(&b, "int", 4, true);
	bb_struct(&b, "task_struct", 4, 1);		/* 2 */
	bb_member(&b, "pid", i32, 0);
	bb_struct(&b, "task_struct___old", 4, 1);	/* 3 */
	bb_member(&b, "pid", i32, 0);
	bb_union(&b, "task_struct", 4, 1);		/* 4: another kind */
	bb_member(&b, "pid", i32, 0);
	bb_struct(&b, "task_structx", 4, 0);		/* 5: another name */
	bb_struct(&b, "task_struct___new", 4, 0);	/* 6 */
	bb_struct(&b, "task", 4, 0);			/* 7 */
	btf = bb_parse(&b);
	assert_non_null(btf);
	while ((r = tpbpf_btf_next_by_essential_name(btf, BTF_KIND_STRUCT, "task_struct___mine", &id)) > 0)
		ids[n++] = id;
	assert_int_equal(r, 0);
	assert_int_equal(n, 3);
	assert_int_equal(ids[0], 2);
	assert_int_equal(ids[1], 3);
	assert_int_equal(ids[2], 6);
	id = 0;
	assert_int_equal(tpbpf_btf_next_by_essential_name(btf, BTF_KIND_UNION, "task_struct", &id), 1);
	assert_int_equal(id, 4);
	assert_int_equal(tpbpf_btf_next_by_essential_name(btf, BTF_KIND_UNION, "task_struct", &id), 0);
	/* an exact name lookup ignores flavored ones */
	assert_int_equal(tpbpf_btf_find(btf, "task_struct___new", BTF_KIND_STRUCT), 6);
	assert_int_equal(tpbpf_btf_find(btf, "task_struct", BTF_KIND_STRUCT), 2);
	tpbpf_btf_free(btf);
	bb_free(&b);
}

/* ---- malformed graphs: each refused with one line --------------------------------- */

static void expect_parse_error(const unsigned char *blob, size_t len, const char *want)
{
	struct tpbpf_btf *btf = (struct tpbpf_btf *)1;
	const char *d;

	assert_true(tpbpf_btf_parse(blob, len, &btf) < 0);
	assert_null(btf);
	d = tpbpf_error_detail();
	if (!strstr(d, want))
		fail_msg("want \"%s\" in \"%s\"", want, d);
	assert_null(strchr(d, '\n'));
	assert_true(strncmp(d, "BTF: ", 5) == 0);
}

static void expect_bad(struct bb *b, const char *want)
{
	size_t len;
	unsigned char *blob = bb_blob(b, &len);

	expect_parse_error(blob, len, want);
	free(blob);
	bb_free(b);
}

typedef void build_fn(struct bb *b);

#define BAD(name, ...) static void name(struct bb *b) { uint32_t i32 = bb_int(b, "int", 4, true); (void)i32; __VA_ARGS__ }

BAD(ptr_past_end, bb_ptr(b, 99);)
BAD(typedef_past_end, bb_mod(b, BTF_KIND_TYPEDEF, "t", 1000000);)
BAD(array_elem_past_end, bb_array(b, 77, i32, 4);)
BAD(array_index_past_end, bb_array(b, i32, 77, 4);)
BAD(array_of_void, bb_array(b, 0, i32, 4);)
BAD(array_of_typedef_void, bb_array(b, bb_mod(b, BTF_KIND_TYPEDEF, "v", 0), i32, 4);)
BAD(array_of_fwd, bb_array(b, bb_fwd(b, "f", false), i32, 4);)
BAD(array_overflows, bb_array(b, bb_array(b, i32, i32, 0x10000000), i32, 8);)
BAD(member_void, bb_struct(b, "s", 4, 1); bb_member(b, "m", 0, 0);)
BAD(member_past_end, bb_struct(b, "s", 4, 1); bb_member(b, "m", 5000, 0);)
BAD(member_is_var, uint32_t v = bb_var(b, "v", i32, 0); bb_struct(b, "s", 4, 1); bb_member(b, "m", v, 0);)
BAD(member_is_func,
    uint32_t p = bb_proto(b, i32, 0); uint32_t f = bb_func(b, "f", p, 0);
    bb_struct(b, "s", 8, 1); bb_member(b, "m", f, 0);)
BAD(member_is_proto, uint32_t p = bb_proto(b, i32, 0); uint32_t td = bb_mod(b, BTF_KIND_TYPEDEF, "fn_t", p);
    bb_struct(b, "s", 8, 1); bb_member(b, "m", td, 0);)
BAD(member_of_fwd, uint32_t f = bb_fwd(b, "f", false); bb_struct(b, "s", 8, 1); bb_member(b, "m", f, 0);)
BAD(member_outside, bb_struct(b, "s", 4, 2); bb_member(b, "a", i32, 0); bb_member(b, "b", i32, 32);)
BAD(member_unaligned, uint32_t p = bb_ptr(b, i32); bb_struct(b, "s", 16, 1); bb_member(b, "p", p, 4);)
BAD(bitfield_too_wide, bb_struct(b, "s", 4, 1); bb_bitfield(b, "f", i32, 0, 33);)
BAD(bitfield_huge, bb_struct(b, "s", 64, 1); bb_bitfield(b, "f", i32, 0, 200);)
BAD(bitfield_outside, bb_struct(b, "s", 4, 1); bb_bitfield(b, "f", i32, 30, 3);)
BAD(bitfield_of_struct, uint32_t s = bb_struct(b, "in", 4, 0);
    bb_struct(b, "s", 4, 1); bb_bitfield(b, "f", s, 0, 3);)
BAD(struct_contains_itself, bb_struct(b, "s", 4, 1); bb_member(b, "me", 2, 0);)
BAD(struct_contains_itself_by_array, bb_struct(b, "s", 8, 1); bb_member(b, "a", 3, 0);
    bb_array(b, 2, i32, 2);)
BAD(struct_contains_itself_by_typedef, bb_struct(b, "s", 8, 1); bb_member(b, "a", 3, 0);
    bb_mod(b, BTF_KIND_TYPEDEF, "s_t", 2);)
BAD(structs_contain_each_other, bb_struct(b, "a", 8, 1); bb_member(b, "b", 3, 0);
    bb_struct(b, "b", 8, 1); bb_member(b, "a", 2, 0);)
BAD(anon_member_itself, bb_struct(b, "loop", 8, 1); bb_member(b, "", 2, 0);)
BAD(typedef_loop, bb_mod(b, BTF_KIND_TYPEDEF, "a", 3); bb_mod(b, BTF_KIND_TYPEDEF, "b", 2);)
BAD(const_itself, bb_mod(b, BTF_KIND_CONST, "", 2);)
BAD(modifier_ring, bb_mod(b, BTF_KIND_CONST, "", 3); bb_mod(b, BTF_KIND_VOLATILE, "", 4);
    bb_mod(b, BTF_KIND_RESTRICT, "", 5); bb_mod(b, BTF_KIND_TYPE_TAG, "t", 2);)
BAD(array_of_itself, bb_array(b, 2, i32, 1);)
BAD(func_not_proto, bb_func(b, "f", i32, 0);)
BAD(func_past_end, bb_func(b, "f", 9, 0);)
BAD(func_linkage, bb_func(b, "f", bb_proto(b, i32, 0), 3);)
BAD(proto_void_param, bb_proto(b, i32, 2); bb_param(b, "a", 0); bb_param(b, "b", i32);)
BAD(proto_param_past_end, bb_proto(b, i32, 1); bb_param(b, "a", 50);)
BAD(proto_return_past_end, bb_proto(b, 50, 0);)
BAD(var_linkage, bb_var(b, "v", i32, 3);)
BAD(var_past_end, bb_var(b, "v", 40, 0);)
BAD(datasec_entry_int, bb_datasec(b, ".data", 4, 1); bb_secinfo(b, i32, 0, 4);)
BAD(datasec_entry_past_end, bb_datasec(b, ".data", 4, 1); bb_secinfo(b, 9, 0, 4);)
BAD(datasec_entry_4g, uint32_t v = bb_var(b, "v", i32, 0);
    bb_datasec(b, ".data", 4, 1); bb_secinfo(b, v, 0xfffffffe, 4);)
BAD(decl_tag_void, bb_decl_tag(b, "t", 0, -1);)
BAD(decl_tag_on_tag, bb_decl_tag(b, "t", 3, -1); bb_decl_tag(b, "u", 2, -1);)
BAD(decl_tag_component, bb_struct(b, "s", 4, 1); bb_member(b, "m", i32, 0); bb_decl_tag(b, "t", 2, 1);)
BAD(decl_tag_component_int, bb_decl_tag(b, "t", i32, 0);)
BAD(decl_tag_negative, bb_struct(b, "s", 4, 0); bb_decl_tag(b, "t", 2, -2);)
BAD(decl_tag_func_bad_proto, bb_decl_tag(b, "t", 3, 0); bb_func(b, "f", i32, 0);)
BAD(int_size_3, bb_type(b, "odd", BTF_KIND_INT, false, 0, 3); bb_word(b, 24);)
BAD(int_no_bits, bb_type(b, "z", BTF_KIND_INT, false, 0, 4); bb_word(b, 0);)
BAD(int_bits_exceed, bb_type(b, "w", BTF_KIND_INT, false, 0, 4); bb_word(b, 8u << 16 | 32);)
BAD(int_encoding, bb_type(b, "e", BTF_KIND_INT, false, 0, 4); bb_word(b, 3u << 24 | 32);)
BAD(int_reserved, bb_type(b, "r", BTF_KIND_INT, false, 0, 4); bb_word(b, 1u << 30 | 32);)
BAD(enum_size, bb_enum(b, "e", 3, 0, false);)
BAD(enum64_size, bb_enum64(b, "e", 16, 0, false);)
BAD(float_size, bb_float(b, "f", 3);)
BAD(name_past_strings, bb_type(b, "", BTF_KIND_PTR, false, 0, i32); memcpy(b->types + b->tlen - 12, &(uint32_t){ 1u << 20 }, 4);)
BAD(member_name_past_strings, bb_struct(b, "s", 4, 1); bb_member(b, "m", i32, 0);
    memcpy(b->types + b->tlen - 12, &(uint32_t){ 1u << 20 }, 4);)
BAD(enumerator_name_past_strings, bb_enum(b, "e", 4, 1, false); bb_enumerator(b, "A", 0);
    memcpy(b->types + b->tlen - 8, &(uint32_t){ 0xffffffff }, 4);)
BAD(param_name_past_strings, bb_proto(b, i32, 1); bb_param(b, "a", i32);
    memcpy(b->types + b->tlen - 8, &(uint32_t){ 0x7fffffff }, 4);)
BAD(unknown_kind_0, bb_type(b, "", 0, false, 0, 0);)
BAD(unknown_kind_20, bb_type(b, "", 20, false, 0, 0);)
BAD(huge_vlen, bb_struct(b, "s", 4, 0xffff); bb_member(b, "m", i32, 0);)
BAD(huge_enum_vlen, bb_enum(b, "e", 4, 40000, false);)
BAD(truncated_record, bb_word(b, 0); bb_word(b, BTF_KIND_PTR << 24);)

static void test_malformed_graphs(void **state)
{
	static const struct {
		build_fn *build;
		const char *want;
	} cases[] = {
		{ ptr_past_end, "BTF: type 2 (ptr): it refers to type 99, past the last type (2)" },
		{ typedef_past_end, "type 2 (typedef t): it refers to type 1000000, past the last type" },
		{ array_elem_past_end, "type 2 (array): its element type refers to type 77" },
		{ array_index_past_end, "type 2 (array): its index type refers to type 77" },
		{ array_of_void, "type 2 (array): its element type is void" },
		{ array_of_typedef_void, "type 3 (array): its element type 2 has no size" },
		{ array_of_fwd, "type 3 (array): its element type 2 has no size" },
		{ array_overflows, "type 3 (array): 8 elements of 1073741824 bytes: its size overflows 32 bits" },
		{ member_void, "type 2 (struct s): member 0 (m) is void" },
		{ member_past_end, "type 2 (struct s): member 0 (m) refers to type 5000" },
		{ member_is_var, "type 3 (struct s): member 0 (m) refers to type 2, a var, which is not a type" },
		{ member_is_func, "member 0 (m) refers to type 3, a func, which is not a type" },
		{ member_is_proto, "type 4 (struct s): member 0 (m) has type 3 (func_proto), which has no size" },
		{ member_of_fwd, "type 3 (struct s): member 0 (m) has type 2 (fwd), which has no size" },
		{ member_outside, "type 2 (struct s): member 1 (b) (bits 32..64) is outside the 4-byte struct" },
		{ member_unaligned, "member 0 (p) (a ptr) is at bit 4, not on a byte boundary" },
		{ bitfield_too_wide, "member 0 (f) is a 33-bit bitfield of a 4-byte type" },
		{ bitfield_huge, "member 0 (f) is a 200-bit bitfield (at most 128)" },
		{ bitfield_outside, "member 0 (f) (bits 30..33) is outside the 4-byte struct" },
		{ bitfield_of_struct, "member 0 (f) is a bitfield of a struct (want an int or enum)" },
		{ struct_contains_itself, "type 2 (struct s): contains itself by value (a loop through type 2)" },
		{ struct_contains_itself_by_array, "type 2 (struct s): contains itself by value (a loop through type 3)" },
		{ struct_contains_itself_by_typedef, "type 2 (struct s): contains itself by value" },
		{ structs_contain_each_other, "type 2 (struct a): contains itself by value (a loop through type 3)" },
		{ anon_member_itself, "type 2 (struct loop): contains itself" },
		{ typedef_loop, "type 2 (typedef a): contains itself by value (a loop through type 3)" },
		{ const_itself, "type 2 (const): contains itself" },
		{ modifier_ring, "type 2 (const): contains itself by value (a loop through type 5)" },
		{ array_of_itself, "type 2 (array): contains itself" },
		{ func_not_proto, "type 2 (func f): its type 1 is not a func_proto" },
		{ func_past_end, "type 2 (func f): its type 9 is not a func_proto" },
		{ func_linkage, "type 3 (func f): linkage 3" },
		{ proto_void_param, "type 2 (func_proto): parameter 0 (a) is void" },
		{ proto_param_past_end, "parameter 0 (a) refers to type 50" },
		{ proto_return_past_end, "the return type refers to type 50" },
		{ var_linkage, "type 2 (var v): linkage 3" },
		{ var_past_end, "type 2 (var v): its type refers to type 40" },
		{ datasec_entry_int, "type 2 (datasec .data): entry 0 refers to type 1, a int (want a var or func)" },
		{ datasec_entry_past_end, "entry 0 refers to type 9 (want 1..2)" },
		{ datasec_entry_4g, "entry 0 (offset 4294967294, size 4) ends past 4 GiB" },
		{ decl_tag_void, "type 2 (decl_tag t): tags type 0" },
		{ decl_tag_on_tag, "type 2 (decl_tag t): tags type 3, another decl_tag" },
		{ decl_tag_component, "type 3 (decl_tag t): component 1 of type 2, which has 1" },
		{ decl_tag_component_int, "component 0 of type 1, a int, which has no components" },
		{ decl_tag_negative, "component -2 of type 2, which has 0" },
		{ decl_tag_func_bad_proto, "tags type 3, a func without a func_proto" },
		{ int_size_3, "type 2 (int odd): size 3" },
		{ int_no_bits, "type 2 (int z): 0 bits at bit 0 do not fit its 4 bytes" },
		{ int_bits_exceed, "32 bits at bit 8 do not fit its 4 bytes" },
		{ int_encoding, "encoding 0x3" },
		{ int_reserved, "reserved bits set in 0x40000020" },
		{ enum_size, "type 2 (enum e): size 3 (an enum has 1, 2, 4 or 8 bytes)" },
		{ enum64_size, "type 2 (enum64 e): size 16" },
		{ float_size, "type 2 (float f): size 3" },
		{ name_past_strings, "type 2 (ptr ?): its name offset 1048576 is outside the" },
		{ member_name_past_strings, "a member's name offset 1048576 is outside the" },
		{ enumerator_name_past_strings, "an enumerator's name offset 4294967295" },
		{ param_name_past_strings, "a parameter's name offset 2147483647" },
		{ unknown_kind_0, "BTF: type 2 has unknown kind 0" },
		{ unknown_kind_20, "BTF: type 2 has unknown kind 20" },
		{ huge_vlen, "BTF: type 2 (struct, 65535 entries) runs past the type section" },
		{ huge_enum_vlen, "type 2 (enum, 40000 entries) runs past the type section" },
		{ truncated_record, "BTF: type 2 is truncated: 8 bytes left" },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct bb b;

		bb_init(&b);
		cases[i].build(&b);
		expect_bad(&b, cases[i].want);
	}
}

static void put_header(unsigned char *blob, const struct btf_header *h)
{
	memcpy(blob, h, sizeof(*h));
}

/* The header and the sections around the records. */
static void test_malformed_sections(void **state)
{
	struct all x;
	size_t len;
	unsigned char *blob = all_blob(&len, &x), *bad = malloc(len + 8);
	struct btf_header h0, h;

	(void)state;
	memcpy(&h0, blob, sizeof(h0));
#define WITH(field, value, want) do {					\
	memcpy(bad, blob, len);						\
	h = h0;								\
	h.field = value;						\
	put_header(bad, &h);						\
	expect_parse_error(bad, len, want);				\
} while (0)
	expect_parse_error(blob, 23, "BTF: 23 bytes is too short for a header");
	expect_parse_error(blob, 0, "0 bytes is too short");
	WITH(magic, 0x9feb, "bad magic 0x9feb (want 0xeb9f");
	WITH(version, 2, "version 2 (this reader knows 1)");
	WITH(hdr_len, 8, "header length 8 is out of range");
	WITH(hdr_len, 0xffffffff, "header length 4294967295 is out of range");
	WITH(type_off, 0xfffffff0, "type section (offset 4294967280, length");
	WITH(type_len, h0.type_len + 1000, "type section (offset 0,");
	WITH(str_len, h0.str_len + 1, "string section (offset");
	WITH(str_off, 0xffffffff, "string section (offset 4294967295");
	WITH(type_off, 2, "the type section (at byte 26) is misaligned");
	WITH(str_off, 4, "the type section (0+");	/* inside the types */
	WITH(str_len, 0, "the string section does not end with a NUL");
	/* strings that do not start with the empty one */
	memcpy(bad, blob, len);
	bad[sizeof(h0) + h0.str_off] = 'x';
	expect_parse_error(bad, len, "does not start with the empty string");
	/* the last NUL gone */
	memcpy(bad, blob, len);
	bad[len - 1] = 'x';
	expect_parse_error(bad, len, "does not end with a NUL");
	/* the type section one word short: the last record is cut */
	WITH(type_len, h0.type_len - 28, "is truncated: 8 bytes left");
	/* a larger header (a newer writer) is fine: its extra bytes skipped */
	h = h0;
	h.hdr_len = sizeof(h) + 8;
	memcpy(bad, &h, sizeof(h));
	memset(bad + sizeof(h), 0, 8);
	memcpy(bad + sizeof(h) + 8, blob + sizeof(h), len - sizeof(h));
	{
		struct tpbpf_btf *btf = must_parse(bad, len + 8);

		assert_int_equal(tpbpf_btf_type_count(btf), x.flex);
		tpbpf_btf_free(btf);
	}
#undef WITH
	free(bad);
	free(blob);
}

/* ---- bounded walks ------------------------------------------------------------------ */

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/*
 * Chains far longer than any real one: no recursion overflows, lookups
 * stay one step, and a loop closing the chain is found.
 */
static void test_long_chains(void **state)
{
	enum { N = 30000 };
	struct bb b;
	struct tpbpf_btf *btf;
	uint32_t i32, s;
	uint64_t size, off;
	unsigned char *blob;
	size_t len;

	(void)state;
	bb_init(&b);
	i32 = bb_int(&b, "int", 4, true);
	for (uint32_t k = 0; k < N; k++)
		bb_mod(&b, k % 2 ? BTF_KIND_CONST : BTF_KIND_TYPEDEF, k % 2 ? "" : "t", b.n);
	/* structs, each holding the one before as its first member */
	s = bb_struct(&b, "s0", 4, 1);
	bb_member(&b, "leaf", i32, 0);
	for (uint32_t k = 1; k < N; k++) {
		bb_struct(&b, k == N - 1 ? "deep" : "", 4, 1);
		bb_member(&b, "", s, 0);
		s = b.n;
	}
	btf = bb_parse(&b);
	if (!btf)
		fail_msg("%s", tpbpf_error_detail());
	assert_int_equal(tpbpf_btf_skip_mods(btf, N + 1), i32);
	assert_int_equal(tpbpf_btf_resolve_size(btf, N + 1, &size), 0);
	assert_int_equal(size, 4);
	/* anonymous members nested 30000 deep: the search gives up at 32 */
	assert_int_equal(tpbpf_btf_field_offset(btf, "deep", "leaf", &off), -EINVAL);
	assert_non_null(strstr(tpbpf_error_detail(), "nest deeper than 32 levels"));
	tpbpf_btf_free(btf);

	/* the first typedef made to point at the last modifier: one long loop */
	blob = bb_blob(&b, &len);
	memcpy(blob + sizeof(struct btf_header) + 16 + 8, &(uint32_t){ N + 1 }, 4);
	expect_parse_error(blob, len, "type 2 (typedef t): contains itself by value (a loop through type 3)");
	free(blob);
	bb_free(&b);
}

/*
 * Anonymous unions that each hold two of the one before: 2^40 paths to
 * search for a field that is not there. The budget ends it.
 */
static void test_exponential_anonymous_members(void **state)
{
	struct bb b;
	struct tpbpf_btf *btf;
	uint32_t u;
	uint64_t off;
	double t0;

	(void)state;
	bb_init(&b);
	bb_int(&b, "int", 4, true);
	u = bb_union(&b, "u0", 4, 1);
	bb_member(&b, "leaf", 1, 0);
	for (int k = 1; k <= 30; k++) {
		bb_union(&b, k == 30 ? "top" : "u", 4, 2);
		bb_member(&b, "", u, 0);
		bb_member(&b, "", u, 0);
		u = b.n;
	}
	btf = bb_parse(&b);
	if (!btf)
		fail_msg("%s", tpbpf_error_detail());
	t0 = now_ms();
	assert_int_equal(tpbpf_btf_field_offset(btf, "top", "missing", &off), -E2BIG);
	assert_non_null(strstr(tpbpf_error_detail(), "visited too many anonymous members"));
	assert_true(now_ms() - t0 < 5000);
	/* a field that is there is found at once (depth first) */
	assert_int_equal(tpbpf_btf_field_offset(btf, "top", "leaf", &off), 0);
	assert_int_equal(off, 0);
	tpbpf_btf_free(btf);
	bb_free(&b);
}

/* ---- every truncation and byte change: read, walk, sanitize, fix up --------------- */

static int fake_sec_size(void *ctx, const char *sec, uint32_t *size)
{
	(void)ctx;
	(void)sec;
	*size = 64;
	return 0;
}

static int fake_var_offset(void *ctx, const char *sec, const char *var, uint32_t *off)
{
	unsigned *next = ctx;

	(void)sec;
	(void)var;
	*off = (*next)++ * 8 % 64;
	return 0;
}

static const struct tpbpf_btf_kernel_support all_support = {
	true, true, true, true, true, true, true,
};
static const struct tpbpf_btf_kernel_support no_support;

/* Everything a reader might do with a BTF that parsed. */
static void walk_all(struct tpbpf_btf *btf)
{
	const struct tpbpf_btf_kernel_support *sup[] = { &all_support, &no_support };
	unsigned next = 0;
	struct tpbpf_btf_elf_info elf = { fake_sec_size, fake_var_offset, &next };

	for (uint32_t id = 0; id <= tpbpf_btf_type_count(btf) + 1; id++) {
		const struct btf_type *t = tpbpf_btf_type(btf, id);
		uint64_t size, off;

		tpbpf_btf_skip_mods(btf, id);
		tpbpf_btf_resolve_size(btf, id, &size);
		if (!t)
			continue;
		tpbpf_btf_find(btf, tpbpf_btf_name(btf, id), btf_kind(t));
		if (btf_is_composite(t))
			for (uint32_t i = 0; i < btf_vlen(t); i++)
				tpbpf_btf_field_offset(btf, tpbpf_btf_name(btf, id),
						       tpbpf_btf_str(btf, btf_members(t)[i].name_off), &off);
	}
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < ARRAY_SIZE(sup); i++) {
			void *blob;
			size_t len;
			struct tpbpf_btf *again;

			if (tpbpf_btf_sanitized(btf, sup[i], &blob, &len))
				fail_msg("sanitize: %s", tpbpf_error_detail());
			/* whatever parsed, sanitized, parses again */
			if (tpbpf_btf_parse(blob, len, &again))
				fail_msg("sanitized BTF does not parse: %s", tpbpf_error_detail());
			assert_int_equal(tpbpf_btf_type_count(again), tpbpf_btf_type_count(btf));
			tpbpf_btf_free(again);
			free(blob);
		}
		if (pass == 0)
			tpbpf_btf_fixup_datasecs(btf, &elf);
	}
}

static void test_mutations(void **state)
{
	struct all x;
	size_t len;
	unsigned char *blob = all_blob(&len, &x), *bad = malloc(len);
	unsigned parsed = 0;

	(void)state;
	for (size_t n = 0; n <= len; n++) {
		struct tpbpf_btf *btf;

		memcpy(bad, blob, n);
		if (tpbpf_btf_parse(bad, n, &btf) == 0) {
			walk_all(btf);
			tpbpf_btf_free(btf);
			parsed++;
		}
	}
	assert_true(parsed >= 1);	/* the whole blob, at least */
	for (size_t i = 0; i < len; i++) {
		for (int v = 0; v < 256; v += 37) {
			struct tpbpf_btf *btf;

			memcpy(bad, blob, len);
			bad[i] ^= (unsigned char)(v | 1);
			if (tpbpf_btf_parse(bad, len, &btf))
				continue;
			walk_all(btf);
			tpbpf_btf_free(btf);
			parsed++;
		}
	}
	print_message("# %u of %zu mutated blobs parsed and were walked\n", parsed, len * 7 + len + 1);
	free(bad);
	free(blob);
}

/* ---- datasec fixup ------------------------------------------------------------------ */

struct elf_answers {
	const char *sec;
	uint32_t size;
	const char *vars[4];
	uint32_t offs[4];
	int asked;
	int fail;		/* var_offset fails for vars[0] */
};

static int answer_sec_size(void *ctx, const char *sec, uint32_t *size)
{
	struct elf_answers *a = ctx;

	a->asked++;
	if (strcmp(sec, a->sec) != 0)
		return tpbpf_err(ENOENT, "no section %s in the ELF", sec);
	*size = a->size;
	return 0;
}

static int answer_var_offset(void *ctx, const char *sec, const char *var, uint32_t *off)
{
	struct elf_answers *a = ctx;

	(void)sec;
	for (int i = 0; i < 4 && a->vars[i]; i++) {
		if (strcmp(a->vars[i], var) == 0) {
			if (i == 0 && a->fail)
				return tpbpf_err(ENOENT, "no symbol %s", var);
			*off = a->offs[i];
			return 0;
		}
	}
	return tpbpf_err(ENOENT, "no symbol %s", var);
}

/* .bss { a, b, c } as clang leaves it: size 0, offsets 0. */
static struct tpbpf_btf *bss_btf(uint32_t size)
{
	struct bb b;
	struct tpbpf_btf *btf;
	uint32_t i32, i64, a, bv, c;

	bb_init(&b);
	i32 = bb_int(&b, "int", 4, true);
	i64 = bb_int(&b, "long", 8, true);
	a = bb_var(&b, "a", i32, 1);
	bv = bb_var(&b, "b", i64, 1);
	c = bb_var(&b, "f.c", i32, 0);
	bb_datasec(&b, ".bss", size, 3);
	bb_secinfo(&b, a, 0, 4);
	bb_secinfo(&b, bv, 0, 8);
	bb_secinfo(&b, c, 0, 4);
	btf = bb_parse(&b);
	bb_free(&b);
	assert_non_null(btf);
	return btf;
}

static void test_datasec_fixup(void **state)
{
	struct elf_answers ans = {
		.sec = ".bss", .size = 24, .vars = { "a", "b", "f.c" }, .offs = { 16, 0, 8 },
	};
	struct tpbpf_btf_elf_info elf = { answer_sec_size, answer_var_offset, &ans };
	struct tpbpf_btf *btf = bss_btf(0);
	const struct btf_type *ds;
	const struct btf_var_secinfo *v;

	(void)state;
	assert_int_equal(tpbpf_btf_fixup_datasecs(btf, &elf), 0);
	ds = tpbpf_btf_type(btf, 6);
	assert_int_equal(ds->size, 24);
	v = btf_var_secinfos(ds);
	/* sorted by offset, as the kernel wants */
	assert_string_equal(tpbpf_btf_name(btf, v[0].type), "b");
	assert_int_equal(v[0].offset, 0);
	assert_string_equal(tpbpf_btf_name(btf, v[1].type), "f.c");
	assert_int_equal(v[1].offset, 8);
	assert_string_equal(tpbpf_btf_name(btf, v[2].type), "a");
	assert_int_equal(v[2].offset, 16);
	{
		uint64_t size;

		assert_int_equal(tpbpf_btf_resolve_size(btf, 6, &size), 0);
		assert_int_equal(size, 24);
	}
	/* the fixed blob is what tpbpf_btf_data gives, and it parses */
	{
		size_t len;
		const void *data = tpbpf_btf_data(btf, &len);
		struct tpbpf_btf *again = must_parse(data, len);

		assert_int_equal(tpbpf_btf_type(again, 6)->size, 24);
		tpbpf_btf_free(again);
	}
	/* a second call asks nothing: the size is no longer 0 */
	ans.asked = 0;
	assert_int_equal(tpbpf_btf_fixup_datasecs(btf, &elf), 0);
	assert_int_equal(ans.asked, 0);
	tpbpf_btf_free(btf);

	/* a variable outside the section, two that overlap, an ELF without the symbol */
	btf = bss_btf(0);
	ans.size = 18;
	assert_int_equal(tpbpf_btf_fixup_datasecs(btf, &elf), -EINVAL);
	assert_non_null(strstr(tpbpf_error_detail(),
			       "type 6 (datasec .bss): variable a (offset 16, 4 bytes) is outside the 18-byte section"));
	tpbpf_btf_free(btf);
	btf = bss_btf(0);
	ans.size = 24;
	ans.offs[2] = 4;	/* f.c inside b */
	assert_int_equal(tpbpf_btf_fixup_datasecs(btf, &elf), -EINVAL);
	assert_non_null(strstr(tpbpf_error_detail(), "variables b (offset 0, 8 bytes) and f.c (offset 4) overlap"));
	tpbpf_btf_free(btf);
	btf = bss_btf(0);
	ans.offs[2] = 8;
	ans.fail = 1;
	assert_int_equal(tpbpf_btf_fixup_datasecs(btf, &elf), -ENOENT);
	assert_string_equal(tpbpf_error_detail(), "BTF datasec .bss, variable a: no symbol a");
	tpbpf_btf_free(btf);
	ans.sec = ".data";
	btf = bss_btf(0);
	assert_int_equal(tpbpf_btf_fixup_datasecs(btf, &elf), -ENOENT);
	assert_string_equal(tpbpf_error_detail(), "BTF datasec .bss: no section .bss in the ELF");
	tpbpf_btf_free(btf);
}

/* ---- an object's own datasecs, fixed up from its ELF --------------------------------- */

static int elf_sec_size(void *ctx, const char *sec, uint32_t *size)
{
	Elf_Scn *s = obj_scn(ctx, sec);
	GElf_Shdr sh;

	if (!s)
		return tpbpf_err(ENOENT, "no section %s", sec);
	gelf_getshdr(s, &sh);
	*size = (uint32_t)sh.sh_size;
	return 0;
}

static int elf_var_offset(void *ctx, const char *sec, const char *var, uint32_t *off)
{
	struct obj *o = ctx;
	Elf_Scn *symtab = obj_scn(o, ".symtab"), *target = obj_scn(o, sec);
	GElf_Shdr sh;
	Elf_Data *d;

	if (!symtab || !target)
		return tpbpf_err(ENOENT, "no symbol table or section %s", sec);
	gelf_getshdr(symtab, &sh);
	d = elf_getdata(symtab, NULL);
	for (size_t i = 0; i < sh.sh_size / sh.sh_entsize; i++) {
		GElf_Sym sym;

		gelf_getsym(d, (int)i, &sym);
		if (sym.st_shndx == elf_ndxscn(target) &&
		    strcmp(elf_strptr(o->elf, sh.sh_link, sym.st_name), var) == 0) {
			*off = (uint32_t)sym.st_value;
			return 0;
		}
	}
	return tpbpf_err(ENOENT, "no symbol %s in %s", var, sec);
}

/* clang's own DATASECs (size 0, offsets 0) filled in from its ELF. */
static void test_datasec_fixup_of_an_object(void **state)
{
	struct obj o;
	Elf_Data *d;
	struct tpbpf_btf *btf;
	struct tpbpf_btf_elf_info elf = { elf_sec_size, elf_var_offset, &o };
	unsigned datasecs = 0, vars = 0;

	(void)state;
	obj_open(&o, "subprog_globals.g.bpf.o");
	d = obj_data(&o, ".BTF");
	assert_non_null(d);
	btf = must_parse(d->d_buf, d->d_size);
	for (uint32_t id = 1; id <= tpbpf_btf_type_count(btf); id++) {
		const struct btf_type *t = tpbpf_btf_type(btf, id);

		if (btf_kind(t) == BTF_KIND_DATASEC)
			assert_int_equal(t->size, 0);	/* as clang 14 leaves it */
	}
	if (tpbpf_btf_fixup_datasecs(btf, &elf))
		fail_msg("%s", tpbpf_error_detail());
	for (uint32_t id = 1; id <= tpbpf_btf_type_count(btf); id++) {
		const struct btf_type *t = tpbpf_btf_type(btf, id);
		const struct btf_var_secinfo *v;
		uint32_t size, off;

		if (btf_kind(t) != BTF_KIND_DATASEC)
			continue;
		datasecs++;
		assert_int_equal(elf_sec_size(&o, tpbpf_btf_name(btf, id), &size), 0);
		assert_int_equal(t->size, size);
		v = btf_var_secinfos(t);
		for (uint32_t i = 0; i < btf_vlen(t); i++, vars++) {
			assert_int_equal(elf_var_offset(&o, tpbpf_btf_name(btf, id),
							tpbpf_btf_name(btf, v[i].type), &off), 0);
			assert_int_equal(v[i].offset, off);
			if (i)
				assert_true(v[i].offset >= v[i - 1].offset + v[i - 1].size);
		}
	}
	assert_true(datasecs >= 2);
	assert_true(vars >= 3);
	tpbpf_btf_free(btf);
	obj_close(&o);
}

/* ---- sanitizing for older kernels ----------------------------------------------------- */

static struct tpbpf_btf *sanitize(const struct tpbpf_btf *btf, const struct tpbpf_btf_kernel_support *sup)
{
	void *blob;
	size_t len;
	struct tpbpf_btf *out;

	if (tpbpf_btf_sanitized(btf, sup, &blob, &len))
		fail_msg("sanitize: %s", tpbpf_error_detail());
	out = must_parse(blob, len);
	free(blob);
	assert_int_equal(tpbpf_btf_type_count(out), tpbpf_btf_type_count(btf));
	return out;
}

static uint32_t kind_of(const struct tpbpf_btf *btf, uint32_t id)
{
	return btf_kind(tpbpf_btf_type(btf, id));
}

static void test_sanitize(void **state)
{
	struct all x;
	size_t len, slen;
	unsigned char *blob = all_blob(&len, &x);
	struct tpbpf_btf *btf = must_parse(blob, len), *s;
	struct tpbpf_btf_kernel_support sup;
	const struct btf_type *t;
	uint32_t tlen, tlen2;
	void *out;

	(void)state;
	/* a kernel that has everything gets the same types and strings */
	assert_int_equal(tpbpf_btf_sanitized(btf, &all_support, &out, &slen), 0);
	s = must_parse(out, slen);
	assert_int_equal(slen, len);
	assert_memory_equal(out, blob, len);
	tpbpf_btf_free(s);
	free(out);

	/* no VAR/DATASEC (before 5.2) */
	sup = all_support;
	sup.datasec = false;
	s = sanitize(btf, &sup);
	assert_int_equal(kind_of(s, x.var), BTF_KIND_INT);
	assert_string_equal(tpbpf_btf_name(s, x.var), "counter");
	assert_string_equal(tpbpf_btf_name(s, x.var_ro), "prog_ro");
	assert_int_equal(tpbpf_btf_type(s, x.var)->size, 1);
	t = tpbpf_btf_type(s, x.ds);
	assert_int_equal(btf_kind(t), BTF_KIND_STRUCT);
	assert_string_equal(tpbpf_btf_name(s, x.ds), "_data");
	assert_int_equal(t->size, 8);
	assert_int_equal(btf_vlen(t), 2);
	assert_string_equal(tpbpf_btf_str(s, btf_members(t)[1].name_off), "prog_ro");
	assert_int_equal(btf_members(t)[1].type, x.var_ro);	/* IDs kept */
	assert_int_equal(btf_member_bit_offset(t, 1), 32);
	assert_int_equal(kind_of(s, x.func), BTF_KIND_FUNC);	/* the rest as it was */
	tpbpf_btf_free(s);

	/* no FUNC/FUNC_PROTO (before 5.0) */
	sup = all_support;
	sup.func = false;
	s = sanitize(btf, &sup);
	t = tpbpf_btf_type(s, x.proto);
	assert_int_equal(btf_kind(t), BTF_KIND_ENUM);
	assert_int_equal(btf_vlen(t), 2);
	assert_string_equal(tpbpf_btf_str(s, btf_enums(t)[0].name_off), "ctx");
	assert_string_equal(tpbpf_btf_str(s, btf_enums(t)[1].name_off), "arg1");
	assert_int_equal(kind_of(s, x.func), BTF_KIND_TYPEDEF);
	assert_int_equal(tpbpf_btf_type(s, x.func)->type, x.proto);
	assert_string_equal(tpbpf_btf_name(s, x.func), "prog");
	/* the tag on prog's parameter goes with it */
	assert_int_equal(kind_of(s, x.dtag_param), BTF_KIND_INT);
	assert_int_equal(kind_of(s, x.dtag), BTF_KIND_DECL_TAG);
	tpbpf_btf_free(s);

	/* global functions (5.6) */
	sup = all_support;
	sup.global_func = false;
	s = sanitize(btf, &sup);
	assert_int_equal(btf_vlen(tpbpf_btf_type(s, x.func)), BTF_FUNC_STATIC);
	tpbpf_btf_free(s);

	/* FLOAT (5.13) */
	sup = all_support;
	sup.float_ = false;
	s = sanitize(btf, &sup);
	t = tpbpf_btf_type(s, x.flt);
	assert_int_equal(btf_kind(t), BTF_KIND_STRUCT);
	assert_int_equal(t->size, 8);
	assert_string_equal(tpbpf_btf_name(s, x.flt), "");
	tpbpf_btf_free(s);

	/* DECL_TAG (5.16) */
	sup = all_support;
	sup.decl_tag = false;
	s = sanitize(btf, &sup);
	assert_int_equal(kind_of(s, x.dtag), BTF_KIND_INT);
	assert_int_equal(kind_of(s, x.dtag_member), BTF_KIND_INT);
	assert_int_equal(tpbpf_btf_type(s, x.dtag)->size, 1);
	tpbpf_btf_free(s);

	/* TYPE_TAG (5.17) */
	sup = all_support;
	sup.type_tag = false;
	s = sanitize(btf, &sup);
	assert_int_equal(kind_of(s, x.tag), BTF_KIND_CONST);
	assert_int_equal(tpbpf_btf_skip_mods(s, x.tag), x.i32);
	tpbpf_btf_free(s);

	/* ENUM64 and signed enums (6.0) */
	sup = all_support;
	sup.enum64 = false;
	s = sanitize(btf, &sup);
	t = tpbpf_btf_type(s, x.en64);
	assert_int_equal(btf_kind(t), BTF_KIND_ENUM);
	assert_int_equal(t->size, 8);
	assert_false(btf_kflag(t));
	assert_int_equal(btf_enums(t)[0].val, 0x3456789a);
	assert_string_equal(tpbpf_btf_str(s, btf_enums(t)[1].name_off), "NEG");
	assert_false(btf_kflag(tpbpf_btf_type(s, x.sen)));
	assert_true(btf_enumerator_value(tpbpf_btf_type(s, x.sen), 0) == -5);
	tpbpf_btf_free(s);

	/* nothing at all: the strings section only grows */
	s = sanitize(btf, &no_support);
	tpbpf_btf_strings(btf, &tlen);
	tpbpf_btf_strings(s, &tlen2);
	assert_true(tlen2 > tlen);
	for (uint32_t id = 1; id <= tpbpf_btf_type_count(s); id++) {
		uint32_t k = kind_of(s, id);

		assert_true(k != BTF_KIND_VAR && k != BTF_KIND_DATASEC && k != BTF_KIND_FUNC &&
			    k != BTF_KIND_FUNC_PROTO && k != BTF_KIND_FLOAT && k != BTF_KIND_DECL_TAG &&
			    k != BTF_KIND_TYPE_TAG && k != BTF_KIND_ENUM64);
	}
	assert_int_equal(tpbpf_btf_find(s, "task", BTF_KIND_STRUCT), x.task);
	tpbpf_btf_free(s);
	tpbpf_btf_free(btf);
	free(blob);
}

/*
 * Many variables and parameters named by one long string that is no
 * identifier: each made-up name is appended once and cut to 127
 * characters, so a small blob cannot make a huge one.
 */
static void test_sanitize_bounded(void **state)
{
	enum { NAME = 60000, REFS = 4000 };
	struct bb b;
	struct tpbpf_btf *btf, *s;
	char *name = malloc(NAME + 1);
	uint32_t i32, name_off;
	size_t in_len, out_len;
	unsigned char *in;
	void *out;

	(void)state;
	memset(name, '.', NAME);
	name[NAME] = '\0';
	bb_init(&b);
	i32 = bb_int(&b, "int", 4, true);
	name_off = bb_str(&b, name);
	for (uint32_t k = 0; k < REFS; k++)
		bb_var(&b, "", i32, 0);
	bb_proto(&b, i32, REFS);
	for (uint32_t k = 0; k < REFS; k++)
		bb_param(&b, "", i32);
	/* point every variable and parameter at the name, or into it */
	for (uint32_t k = 0; k < REFS; k++) {
		uint32_t off = name_off + k % 7;

		memcpy(b.types + 16 + k * 16, &off, 4);
		memcpy(b.types + 16 + REFS * 16 + 12 + k * 8, &off, 4);
	}
	in = bb_blob(&b, &in_len);
	btf = must_parse(in, in_len);
	assert_int_equal(tpbpf_btf_sanitized(btf, &no_support, &out, &out_len), 0);
	assert_true(out_len < in_len + 8 * 128 + 1000);
	s = must_parse(out, out_len);
	assert_string_equal(tpbpf_btf_name(s, 2), "_______________________________________________________________________________________________________________________________");
	tpbpf_btf_free(s);
	tpbpf_btf_free(btf);
	free(out);
	free(in);
	free(name);
	bb_free(&b);
}

/* ---- .BTF.ext ---------------------------------------------------------------------- */

/* An ext blob being written: the header, then the subsections in order. */
struct eb {
	unsigned char buf[2048];
	size_t len;
	size_t sub_start;	/* of the subsection being written */
};

static void eb_word(struct eb *e, uint32_t v)
{
	memcpy(e->buf + e->len, &v, 4);
	e->len += 4;
}

static void eb_start(struct eb *e, uint32_t hdr_len)
{
	memset(e, 0, sizeof(*e));
	e->buf[0] = 0x9f;
	e->buf[1] = 0xeb;
	e->buf[2] = 1;
	memcpy(e->buf + 4, &hdr_len, 4);
	e->len = hdr_len;
}

/* Begin subsection SLOT (0 func, 1 line, 2 core) with records of REC_SIZE. */
static void eb_sub(struct eb *e, int slot, uint32_t rec_size)
{
	uint32_t off = (uint32_t)(e->len - *(uint32_t *)(e->buf + 4));

	memcpy(e->buf + 8 + slot * 8, &off, 4);
	e->sub_start = e->len;
	eb_word(e, rec_size);
}

static void eb_end(struct eb *e, int slot)
{
	uint32_t len = (uint32_t)(e->len - e->sub_start);

	memcpy(e->buf + 12 + slot * 8, &len, 4);
}

/* The object's BTF for the ext tests: prog (a func), strings to name. */
struct ext_fixture {
	struct tpbpf_btf *btf;
	uint32_t sec_a, sec_b, file, line, acc_ok, acc_bad, func, task;
};

static void ext_fixture(struct ext_fixture *f)
{
	struct bb b;
	uint32_t i32, proto;

	bb_init(&b);
	i32 = bb_int(&b, "int", 4, true);
	proto = bb_proto(&b, i32, 0);
	f->func = bb_func(&b, "prog", proto, 1);
	f->task = bb_struct(&b, "task", 4, 1);
	bb_member(&b, "pid", i32, 0);
	f->sec_a = bb_str(&b, "tp/a");
	f->sec_b = bb_str(&b, "tp/b");
	f->file = bb_str(&b, "/src/x.bpf.c");
	f->line = bb_str(&b, "\treturn 0;");
	f->acc_ok = bb_str(&b, "0:0");
	f->acc_bad = bb_str(&b, "0:x");
	f->btf = bb_parse(&b);
	assert_non_null(f->btf);
	bb_free(&b);
}

/* A valid .BTF.ext: func, line and core records for tp/a and tp/b. */
static void build_ext(struct eb *e, const struct ext_fixture *f, uint32_t func_rec)
{
	eb_start(e, 32);
	eb_sub(e, 0, func_rec);
	eb_word(e, f->sec_a);
	eb_word(e, 2);
	for (int i = 0; i < 2; i++) {
		eb_word(e, i * 16);
		eb_word(e, f->func);
		for (uint32_t k = 8; k < func_rec; k += 4)
			eb_word(e, 0xdeadbeef);	/* what a newer compiler added */
	}
	eb_word(e, f->sec_b);
	eb_word(e, 1);
	eb_word(e, 0);
	eb_word(e, f->func);
	for (uint32_t k = 8; k < func_rec; k += 4)
		eb_word(e, 0);
	eb_end(e, 0);
	eb_sub(e, 1, 16);
	eb_word(e, f->sec_a);
	eb_word(e, 1);
	eb_word(e, 8);
	eb_word(e, f->file);
	eb_word(e, f->line);
	eb_word(e, 12 << 10 | 3);
	eb_end(e, 1);
	eb_sub(e, 2, 16);
	eb_word(e, f->sec_b);
	eb_word(e, 1);
	eb_word(e, 24);
	eb_word(e, f->task);
	eb_word(e, f->acc_ok);
	eb_word(e, TPBPF_CORE_FIELD_BYTE_OFFSET);
	eb_end(e, 2);
}

static void test_btf_ext(void **state)
{
	struct ext_fixture f;
	struct eb e;
	struct tpbpf_btf_ext *ext;
	struct tpbpf_btf_ext_recs r;
	const struct bpf_func_info *fi;
	const struct bpf_line_info *li;
	const struct tpbpf_core_relo *cr;

	(void)state;
	ext_fixture(&f);
	for (uint32_t rec = 8; rec <= 16; rec += 8) {
		build_ext(&e, &f, rec);
		if (tpbpf_btf_ext_parse(e.buf, e.len, f.btf, &ext))
			fail_msg("%s", tpbpf_error_detail());
		tpbpf_btf_ext_func_info(ext, "tp/a", &r);
		assert_int_equal(r.n, 2);
		assert_int_equal(r.rec_size, rec);	/* records larger than known: stride kept */
		fi = (const void *)((const char *)r.recs + r.rec_size);
		assert_int_equal(fi->insn_off, 16);
		assert_int_equal(fi->type_id, f.func);
		tpbpf_btf_ext_func_info(ext, "tp/b", &r);
		assert_int_equal(r.n, 1);
		tpbpf_btf_ext_line_info(ext, "tp/a", &r);
		assert_int_equal(r.n, 1);
		li = r.recs;
		assert_string_equal(tpbpf_btf_str(f.btf, li->file_name_off), "/src/x.bpf.c");
		assert_int_equal(BPF_LINE_INFO_LINE_NUM(li->line_col), 12);
		tpbpf_btf_ext_line_info(ext, "tp/b", &r);
		assert_int_equal(r.n, 0);
		tpbpf_btf_ext_core_relos(ext, "tp/b", &r);
		assert_int_equal(r.n, 1);
		cr = r.recs;
		assert_int_equal(cr->insn_off, 24);
		assert_string_equal(tpbpf_btf_str(f.btf, cr->access_str_off), "0:0");
		tpbpf_btf_ext_core_relos(ext, "nope", &r);
		assert_int_equal(r.n, 0);
		assert_null(r.recs);
		assert_string_equal(tpbpf_btf_ext_section(ext, 0), "tp/a");
		assert_string_equal(tpbpf_btf_ext_section(ext, 1), "tp/b");
		assert_null(tpbpf_btf_ext_section(ext, 2));
		tpbpf_btf_ext_free(ext);
	}
	/* a 24-byte header: from before CO-RE, no core_relo subsection */
	eb_start(&e, 24);
	eb_sub(&e, 0, 8);
	eb_word(&e, f.sec_a);
	eb_word(&e, 1);
	eb_word(&e, 0);
	eb_word(&e, f.func);
	eb_end(&e, 0);
	assert_int_equal(tpbpf_btf_ext_parse(e.buf, e.len, f.btf, &ext), 0);
	tpbpf_btf_ext_core_relos(ext, "tp/a", &r);
	assert_int_equal(r.n, 0);
	tpbpf_btf_ext_free(ext);
	tpbpf_btf_free(f.btf);
}

/* Change the word at byte OFF of a valid ext; expect WANT. */
static void ext_bad_word(const struct ext_fixture *f, size_t off, uint32_t v, const char *want)
{
	struct eb e;
	struct tpbpf_btf_ext *ext = (struct tpbpf_btf_ext *)1;

	build_ext(&e, f, 8);
	memcpy(e.buf + off, &v, 4);
	assert_true(tpbpf_btf_ext_parse(e.buf, e.len, f->btf, &ext) < 0);
	assert_null(ext);
	if (!strstr(tpbpf_error_detail(), want))
		fail_msg("word at %zu = %u: want \"%s\" in \"%s\"", off, v, want, tpbpf_error_detail());
	assert_null(strchr(tpbpf_error_detail(), '\n'));
}

static void test_btf_ext_malformed(void **state)
{
	struct ext_fixture f;
	struct eb e;
	struct tpbpf_btf_ext *ext;
	/* where things are in build_ext's blob (header 32 bytes) */
	enum {
		FUNC = 32, FUNC_SEC_A = FUNC + 4, FUNC_A0 = FUNC_SEC_A + 8,
		FUNC_SEC_B = FUNC_A0 + 16, FUNC_B0 = FUNC_SEC_B + 8,
		LINE = FUNC_B0 + 8, LINE_SEC = LINE + 4, LINE_0 = LINE_SEC + 8,
		CORE = LINE_0 + 16, CORE_SEC = CORE + 4, CORE_0 = CORE_SEC + 8,
	};

	(void)state;
	ext_fixture(&f);
	build_ext(&e, &f, 8);
	assert_int_equal(e.len, CORE_0 + 16);
	assert_int_equal(tpbpf_btf_ext_parse(e.buf, 20, f.btf, &ext), -EINVAL);
	assert_non_null(strstr(tpbpf_error_detail(), "BTF.ext: 20 bytes is too short for a header"));
	ext_bad_word(&f, 0, 0x12340000 | 0xeb9f, "version 52");
	ext_bad_word(&f, 0, 0x1eb9e, "bad magic 0xeb9e");
	ext_bad_word(&f, 0, 0x2eb9f, "version 2");
	ext_bad_word(&f, 4, 16, "header length 16 is out of range");
	ext_bad_word(&f, 4, 100000, "header length 100000 is out of range");
	ext_bad_word(&f, 8, 1000, "the func_info subsection (offset 1000, length 44) is outside the 132-byte section");
	ext_bad_word(&f, 12, 0xfffffff0, "the func_info subsection (offset 0, length 4294967280)");
	ext_bad_word(&f, 16, 2, "the line_info subsection (at byte 34) is misaligned");
	ext_bad_word(&f, 28, 1u << 31, "the core_relo subsection (offset 72, length 2147483648)");
	ext_bad_word(&f, 12, 2, "the func_info subsection (2 bytes) has no record size");
	ext_bad_word(&f, FUNC, 4, "func_info record size 4 (want a multiple of 4, at least 8)");
	ext_bad_word(&f, FUNC, 10, "func_info record size 10");
	ext_bad_word(&f, LINE, 12, "line_info record size 12 (want a multiple of 4, at least 16)");
	ext_bad_word(&f, CORE, 8, "core_relo record size 8");
	ext_bad_word(&f, FUNC_SEC_A + 4, 5, "func_info of section tp/a: 5 records of 8 bytes run past the subsection (32 bytes left)");
	ext_bad_word(&f, FUNC_SEC_A + 4, 0x20000000, "func_info of section tp/a: 536870912 records");
	ext_bad_word(&f, FUNC_SEC_A + 4, 0, "func_info of section tp/a: no records");
	ext_bad_word(&f, FUNC_SEC_A, 1u << 24, "a func_info section name offset (16777216) is outside the BTF strings");
	ext_bad_word(&f, FUNC_SEC_A, 0, "a func_info section name offset (0) is empty");
	ext_bad_word(&f, FUNC_SEC_B, f.sec_a, "func_info: section tp/a appears twice");
	ext_bad_word(&f, 12, 32, "the func_info subsection ends inside a section header (byte 28 of 32)");
	ext_bad_word(&f, FUNC_A0, 3, "func_info record 0 of section tp/a: instruction offset 3 is not a multiple of 8");
	ext_bad_word(&f, FUNC_A0 + 4, f.task, "func_info record 0 of section tp/a: type 4 is not a func");
	ext_bad_word(&f, FUNC_A0 + 4, 999, "type 999 is not a func (the BTF has 4 types)");
	ext_bad_word(&f, LINE_0 + 4, 1u << 30, "line_info record 0 of section tp/a: file name or line offset (1073741824");
	ext_bad_word(&f, LINE_0 + 8, 1u << 30, "file name or line offset");
	ext_bad_word(&f, CORE_0, 12, "core_relo record 0 of section tp/b: instruction offset 12");
	ext_bad_word(&f, CORE_0 + 4, 0, "core_relo record 0 of section tp/b: type 0 is out of range (1..4)");
	ext_bad_word(&f, CORE_0 + 4, 5, "type 5 is out of range");
	ext_bad_word(&f, CORE_0 + 8, 1u << 30, "access string offset 1073741824 is outside the BTF strings");
	ext_bad_word(&f, CORE_0 + 8, f.acc_bad, "access string \"0:x\" is not numbers separated by ':'");
	ext_bad_word(&f, CORE_0 + 8, 0, "access string \"\" is not numbers separated by ':'");
	ext_bad_word(&f, CORE_0 + 12, 13, "unknown relocation kind 13");
	tpbpf_btf_free(f.btf);
}

/* Access strings of every shape, through tpbpf_btf_ext_parse. */
static void test_btf_ext_access_strings(void **state)
{
	static const struct {
		const char *access;
		const char *problem;	/* NULL: well-formed */
	} cases[] = {
		{ "0", NULL }, { "0:1", NULL }, { "4294967295", NULL }, { "007:0", NULL },
		{ "", "is not numbers" }, { ":", "is not numbers" }, { "0:", "is not numbers" },
		{ ":0", "is not numbers" }, { "0::1", "is not numbers" }, { "1 ", "is not numbers" },
		{ "-1", "is not numbers" }, { "4294967296", "holds a number of more than 32 bits" },
		{ "99999999999999999999", "more than 32 bits" }, { "0,1", "is not numbers" },
	};
	char many[256];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases) + 2; i++) {
		const char *access, *problem;
		struct bb b;
		struct tpbpf_btf *btf;
		struct tpbpf_btf_ext *ext;
		struct eb e;
		uint32_t sec, acc;
		int err;

		if (i < ARRAY_SIZE(cases)) {
			access = cases[i].access;
			problem = cases[i].problem;
		} else {
			/* 64 steps are fine, 65 are not */
			many[0] = '\0';
			for (size_t k = 0; k < 64 + (i - ARRAY_SIZE(cases)); k++)
				strcat(many, k ? ":0" : "0");
			access = many;
			problem = i == ARRAY_SIZE(cases) ? NULL : "has more than 64 steps";
		}
		bb_init(&b);
		bb_int(&b, "int", 4, true);
		sec = bb_str(&b, "tp/x");
		bb_grow((void **)&b.strs, &b.scap, b.slen + strlen(access) + 1);
		acc = (uint32_t)b.slen;
		memcpy(b.strs + b.slen, access, strlen(access) + 1);
		b.slen += strlen(access) + 1;
		btf = bb_parse(&b);
		assert_non_null(btf);
		eb_start(&e, 32);
		eb_sub(&e, 2, 16);
		eb_word(&e, sec);
		eb_word(&e, 1);
		eb_word(&e, 0);
		eb_word(&e, 1);
		eb_word(&e, acc);
		eb_word(&e, TPBPF_CORE_FIELD_EXISTS);
		eb_end(&e, 2);
		err = tpbpf_btf_ext_parse(e.buf, e.len, btf, &ext);
		if (!problem) {
			if (err)
				fail_msg("\"%.40s\": %s", access, tpbpf_error_detail());
			tpbpf_btf_ext_free(ext);
		} else {
			assert_int_equal(err, -EINVAL);
			if (!strstr(tpbpf_error_detail(), problem))
				fail_msg("\"%.40s\": want \"%s\" in \"%s\"", access, problem, tpbpf_error_detail());
		}
		tpbpf_btf_free(btf);
		bb_free(&b);
	}
}

/* Every truncation and byte change of a valid ext: parse, then spec every relocation. */
static void test_btf_ext_mutations(void **state)
{
	struct ext_fixture f;
	struct eb e, bad;

	(void)state;
	ext_fixture(&f);
	build_ext(&e, &f, 8);
	for (size_t n = 0; n <= e.len; n++) {
		struct tpbpf_btf_ext *ext;

		if (tpbpf_btf_ext_parse(e.buf, n, f.btf, &ext) == 0)
			tpbpf_btf_ext_free(ext);
	}
	for (size_t i = 0; i < e.len; i++) {
		for (int v = 0; v < 256; v += 17) {
			struct tpbpf_btf_ext *ext;
			const char *sec;

			bad = e;
			bad.buf[i] ^= (unsigned char)(v | 1);
			if (tpbpf_btf_ext_parse(bad.buf, bad.len, f.btf, &ext))
				continue;
			for (size_t k = 0; (sec = tpbpf_btf_ext_section(ext, k)); k++) {
				struct tpbpf_btf_ext_recs r;

				tpbpf_btf_ext_core_relos(ext, sec, &r);
				for (uint32_t j = 0; j < r.n; j++) {
					struct tpbpf_core_spec spec;
					struct tpbpf_core_target t;

					if (tpbpf_core_spec_parse(f.btf, (const void *)((const char *)r.recs + j * r.rec_size),
								  &spec) == 0)
						tpbpf_core_local(&spec, &t);
				}
			}
			tpbpf_btf_ext_free(ext);
		}
	}
	tpbpf_btf_free(f.btf);
}

/* clang's .BTF.ext of tests/bpf/core_relos.bpf.c */
static void test_btf_ext_of_an_object(void **state)
{
	static const struct {
		const char *sec;
		const char *func;
		uint32_t core;
	} want[] = {
		{ "raw_tp/fields", "fields", 10 }, { "raw_tp/info", "info", 12 },
		{ "raw_tp/types", "types", 10 }, { "tp/raw_syscalls/sys_enter", "sys_enter", 3 },
	};
	struct obj o;
	Elf_Data *bd, *xd;
	struct tpbpf_btf *btf;
	struct tpbpf_btf_ext *ext;

	(void)state;
	obj_open(&o, "core_relos.g.bpf.o");
	bd = obj_data(&o, ".BTF");
	xd = obj_data(&o, ".BTF.ext");
	assert_non_null(bd);
	assert_non_null(xd);
	btf = must_parse(bd->d_buf, bd->d_size);
	if (tpbpf_btf_ext_parse(xd->d_buf, xd->d_size, btf, &ext))
		fail_msg("%s", tpbpf_error_detail());
	for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
		struct tpbpf_btf_ext_recs r;
		const struct bpf_func_info *fi;
		const struct bpf_line_info *li;

		assert_string_equal(tpbpf_btf_ext_section(ext, i), want[i].sec);
		tpbpf_btf_ext_func_info(ext, want[i].sec, &r);
		assert_int_equal(r.n, 1);
		fi = r.recs;
		assert_int_equal(fi->insn_off, 0);
		assert_string_equal(tpbpf_btf_name(btf, fi->type_id), want[i].func);
		tpbpf_btf_ext_line_info(ext, want[i].sec, &r);
		assert_true(r.n >= 3);
		for (uint32_t j = 0; j < r.n; j++) {
			const char *file;

			li = (const void *)((const char *)r.recs + j * r.rec_size);
			file = tpbpf_btf_str(btf, li->file_name_off);
			assert_non_null(strstr(file, "core_relos.bpf.c"));
		}
		tpbpf_btf_ext_core_relos(ext, want[i].sec, &r);
		assert_int_equal(r.n, want[i].core);
	}
	tpbpf_btf_ext_free(ext);
	tpbpf_btf_free(btf);
	obj_close(&o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_kind),
		cmocka_unit_test(test_parse_file),
		cmocka_unit_test(test_flavors),
		cmocka_unit_test(test_malformed_graphs),
		cmocka_unit_test(test_malformed_sections),
		cmocka_unit_test(test_long_chains),
		cmocka_unit_test(test_exponential_anonymous_members),
		cmocka_unit_test(test_mutations),
		cmocka_unit_test(test_datasec_fixup),
		cmocka_unit_test(test_datasec_fixup_of_an_object),
		cmocka_unit_test(test_sanitize),
		cmocka_unit_test(test_sanitize_bounded),
		cmocka_unit_test(test_btf_ext),
		cmocka_unit_test(test_btf_ext_malformed),
		cmocka_unit_test(test_btf_ext_access_strings),
		cmocka_unit_test(test_btf_ext_mutations),
		cmocka_unit_test(test_btf_ext_of_an_object),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
