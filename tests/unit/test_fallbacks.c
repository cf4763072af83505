/* SPDX-License-Identifier: MIT */
/*
 * Fallbacks (loader/fallbacks.c) on hand-written instructions, with the
 * features they stand in for forced absent: the .rodata fold, the helper
 * rewrites and the cookie rewrite give exactly the instructions expected,
 * and each case the fold cannot do is refused with the section and the
 * variable named.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "internal.h"
#include "object.h"

#define INSN(c, d, s, o, i) ((struct bpf_insn){ .code = (c), .dst_reg = (d), \
	.src_reg = (s), .off = (o), .imm = (i) })
#define LD_IMM64(d, src, i) INSN(BPF_LD | BPF_IMM | BPF_DW, d, src, 0, i), INSN(0, 0, 0, 0, 0)
#define LDX_W(d, s, o) INSN(BPF_LDX | BPF_MEM | BPF_W, d, s, o, 0)
#define LDX_DW(d, s, o) INSN(BPF_LDX | BPF_MEM | BPF_DW, d, s, o, 0)
#define STX_W(d, s, o) INSN(BPF_STX | BPF_MEM | BPF_W, d, s, o, 0)
#define MOV_IMM(d, i) INSN(BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, i)
#define MOV_REG(d, s) INSN(BPF_ALU64 | BPF_MOV | BPF_X, d, s, 0, 0)
#define ADD_REG(d, s) INSN(BPF_ALU64 | BPF_ADD | BPF_X, d, s, 0, 0)
#define JEQ_IMM(d, i, o) INSN(BPF_JMP | BPF_JEQ | BPF_K, d, 0, o, i)
#define CALL(n) INSN(BPF_JMP | BPF_CALL, 0, 0, 0, n)
#define EXIT INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

/* The .rodata of the tests: a u32 at 0, a u32 at 4, a u64 too big for imm at 8. */
static const unsigned char rodata[16] = {
	7, 0, 0, 0,  42, 0, 0, 0,  0, 0, 0, 0, 1, 0, 0, 0,
};

/*
 * A one-program object: section 1 the program's code, section 2 .rodata (or
 * .data when DATA), one global data map without an fd (no global data on
 * this "kernel"), and a MAP_VALUE plan entry for every ld_imm64 at the
 * listed positions.
 */
struct fixture {
	struct tpbpf_object obj;
	struct obj_section secs[3];
	struct tpbpf_map map;
	struct tpbpf_program prog;
	struct reloc relocs[4];
};

static void make(struct fixture *f, const struct bpf_insn *insns, size_t cnt,
		 const size_t *loads, size_t nr_loads, bool data)
{
	memset(f, 0, sizeof(*f));
	f->obj.name = "fixture.o";
	f->obj.secs = f->secs;
	f->obj.nr_secs = 3;
	f->secs[1].name = "tracepoint/sched/sched_switch";
	f->secs[2].name = data ? ".data" : ".rodata";
	f->secs[2].data = (void *)rodata;
	f->secs[2].size = sizeof(rodata);
	f->map.obj = &f->obj;
	f->map.name = f->secs[2].name;
	f->map.origin = data ? MAP_FROM_DATA : MAP_FROM_RODATA;
	f->map.sec_idx = 2;
	f->map.value_size = sizeof(rodata);
	f->map.fd = -1;
	f->obj.maps = &f->map;
	f->obj.nr_maps = 1;
	f->prog.obj = &f->obj;
	f->prog.name = "prog";
	f->prog.kind = TPBPF_PROG_TRACEPOINT;
	f->prog.insns = malloc(cnt * sizeof(*insns));
	assert_non_null(f->prog.insns);
	memcpy(f->prog.insns, insns, cnt * sizeof(*insns));
	f->prog.insn_cnt = cnt;
	assert_true(nr_loads <= 4);
	for (size_t i = 0; i < nr_loads; i++)
		f->relocs[i] = (struct reloc){ .kind = TPBPF_RELOC_MAP_VALUE, .insn = loads[i],
					       .sec_idx = 1, .sec_insn = loads[i],
					       .sym = "limits", .map = 0,
					       .off = (uint64_t)f->prog.insns[loads[i]].imm };
	f->prog.relocs = f->relocs;
	f->prog.nr_relocs = nr_loads;
	f->obj.progs = &f->prog;
	f->obj.nr_progs = 1;
}

static void expect_insns(const struct fixture *f, const struct bpf_insn *want, size_t cnt)
{
	assert_int_equal(f->prog.insn_cnt, cnt);
	for (size_t i = 0; i < cnt; i++) {
		const struct bpf_insn *g = &f->prog.insns[i], *w = &want[i];

		if (memcmp(g, w, sizeof(*g)))
			fail_msg("insn %zu: got code 0x%02x dst %u src %u off %d imm %d, want code 0x%02x dst %u src %u off %d imm %d",
				 i, g->code, g->dst_reg, g->src_reg, g->off, g->imm,
				 w->code, w->dst_reg, w->src_reg, w->off, w->imm);
	}
}

static int force_absent(void **state)
{
	(void)state;
	for (int f = 0; f < TPBPF_FEAT_COUNT; f++)
		tpbpf_feature_force_absent((enum tpbpf_feature)f,
					   tpbpf_feature_fallback((enum tpbpf_feature)f) != NULL);
	return 0;
}

static int release(void **state)
{
	(void)state;
	for (int f = 0; f < TPBPF_FEAT_COUNT; f++)
		tpbpf_feature_force_absent((enum tpbpf_feature)f, false);
	return 0;
}

/* Two reads through one address: both become immediates, the address 0. */
static void test_fold_rodata(void **state)
{
	const struct bpf_insn in[] = {
		LD_IMM64(BPF_REG_1, 0, 0),	/* r1 = &limits (offset 0) */
		LDX_W(BPF_REG_2, BPF_REG_1, 0),	/* r2 = limits[0] = 7 */
		LDX_W(BPF_REG_3, BPF_REG_1, 4),	/* r3 = limits[1] = 42 */
		MOV_REG(BPF_REG_0, BPF_REG_2),
		ADD_REG(BPF_REG_0, BPF_REG_3),
		EXIT,
	};
	const struct bpf_insn want[] = {
		LD_IMM64(BPF_REG_1, 0, 0),
		MOV_IMM(BPF_REG_2, 7),
		MOV_IMM(BPF_REG_3, 42),
		MOV_REG(BPF_REG_0, BPF_REG_2),
		ADD_REG(BPF_REG_0, BPF_REG_3),
		EXIT,
	};
	const size_t loads[] = { 0 };
	struct fixture f;

	(void)state;
	make(&f, in, ARRAY_SIZE(in), loads, 1, false);
	if (tpbpf_obj_apply_fallbacks(&f.obj, &f.prog))
		fail_msg("%s", tpbpf_error_detail());
	expect_insns(&f, want, ARRAY_SIZE(want));
	free(f.prog.insns);
}

/* The offset in the ld_imm64 (a variable further in) adds to the load's. */
static void test_fold_rodata_offset(void **state)
{
	const struct bpf_insn in[] = {
		LD_IMM64(BPF_REG_6, 0, 4),	/* r6 = &limits + 4 */
		LDX_W(BPF_REG_6, BPF_REG_6, 0),	/* r6 = 42: overwrites the address */
		MOV_REG(BPF_REG_0, BPF_REG_6),
		EXIT,
	};
	const struct bpf_insn want[] = {
		LD_IMM64(BPF_REG_6, 0, 0),
		MOV_IMM(BPF_REG_6, 42),
		MOV_REG(BPF_REG_0, BPF_REG_6),
		EXIT,
	};
	const size_t loads[] = { 0 };
	struct fixture f;

	(void)state;
	make(&f, in, ARRAY_SIZE(in), loads, 1, false);
	if (tpbpf_obj_apply_fallbacks(&f.obj, &f.prog))
		fail_msg("%s", tpbpf_error_detail());
	expect_insns(&f, want, ARRAY_SIZE(want));
	free(f.prog.insns);
}

static void expect_refused(const struct bpf_insn *in, size_t cnt, bool data,
			   const char *why)
{
	const size_t loads[] = { 0 };
	struct fixture f;
	int err;

	make(&f, in, cnt, loads, 1, data);
	err = tpbpf_obj_apply_fallbacks(&f.obj, &f.prog);
	assert_int_equal(err, -ENOTSUP);
	if (!strstr(tpbpf_error_detail(), why) ||
	    !strstr(tpbpf_error_detail(), data ? "section .data" : "section .rodata") ||
	    !strstr(tpbpf_error_detail(), "variable limits") ||
	    !strstr(tpbpf_error_detail(), "5.2"))
		fail_msg("want \"%s\", the section, the variable and 5.2 in: %s", why,
			 tpbpf_error_detail());
	free(f.prog.insns);
}

/* A jump lands between the address and its read: not straight-line code. */
static void test_refuse_jump_into_fold(void **state)
{
	const struct bpf_insn in[] = {
		JEQ_IMM(BPF_REG_1, 0, 2),	/* skips the ld_imm64 */
		LD_IMM64(BPF_REG_2, 0, 0),
		LDX_W(BPF_REG_0, BPF_REG_2, 0),	/* a jump target */
		EXIT,
	};
	const size_t loads[] = { 1 };
	struct fixture f;

	(void)state;
	make(&f, in, ARRAY_SIZE(in), loads, 1, false);
	assert_int_equal(tpbpf_obj_apply_fallbacks(&f.obj, &f.prog), -ENOTSUP);
	assert_non_null(strstr(tpbpf_error_detail(), "only reads of constants can be folded"));
	free(f.prog.insns);
}

/* The address is used for something else than a read: it must exist. */
static void test_refuse_register_reused(void **state)
{
	const struct bpf_insn in[] = {
		LD_IMM64(BPF_REG_1, 0, 0),
		LDX_W(BPF_REG_2, BPF_REG_1, 0),
		MOV_REG(BPF_REG_3, BPF_REG_1),	/* the address escapes */
		MOV_IMM(BPF_REG_0, 0),
		EXIT,
	};

	(void)state;
	expect_refused(in, ARRAY_SIZE(in), false, "only reads of constants can be folded");
}

static void test_refuse_write(void **state)
{
	const struct bpf_insn in[] = {
		LD_IMM64(BPF_REG_1, 0, 0),
		STX_W(BPF_REG_1, BPF_REG_2, 0),	/* a write through it */
		MOV_IMM(BPF_REG_0, 0),
		EXIT,
	};

	(void)state;
	expect_refused(in, ARRAY_SIZE(in), false, "only reads of constants can be folded");
}

/* The address is what the program returns. */
static void test_refuse_returned_address(void **state)
{
	const struct bpf_insn in[] = {
		LD_IMM64(BPF_REG_0, 0, 0),
		EXIT,
	};

	(void)state;
	expect_refused(in, ARRAY_SIZE(in), false, "only reads of constants can be folded");
}

/* 2^32 does not fit a 32-bit immediate. */
static void test_refuse_wide_value(void **state)
{
	const struct bpf_insn in[] = {
		LD_IMM64(BPF_REG_1, 0, 8),
		LDX_DW(BPF_REG_0, BPF_REG_1, 0),
		EXIT,
	};

	(void)state;
	expect_refused(in, ARRAY_SIZE(in), false, "only reads of constants can be folded");
}

/* .data can change at run time: never folded. */
static void test_refuse_data(void **state)
{
	const struct bpf_insn in[] = {
		LD_IMM64(BPF_REG_1, 0, 0),
		LDX_W(BPF_REG_0, BPF_REG_1, 0),
		EXIT,
	};

	(void)state;
	expect_refused(in, ARRAY_SIZE(in), true, "writes or keeps global data");
}

/* bpf_probe_read_kernel and _user_str become the helpers 4.x kernels have. */
static void test_helper_rewrites(void **state)
{
	const struct bpf_insn in[] = {
		CALL(BPF_FUNC_probe_read_kernel),
		CALL(BPF_FUNC_probe_read_user),
		CALL(BPF_FUNC_probe_read_kernel_str),
		CALL(BPF_FUNC_probe_read_user_str),
		CALL(BPF_FUNC_ktime_get_ns),	/* not one of them */
		EXIT,
	};
	const struct bpf_insn want[] = {
		CALL(BPF_FUNC_probe_read),
		CALL(BPF_FUNC_probe_read),
		CALL(BPF_FUNC_probe_read_str),
		CALL(BPF_FUNC_probe_read_str),
		CALL(BPF_FUNC_ktime_get_ns),
		EXIT,
	};
	struct fixture f;

	(void)state;
	make(&f, in, ARRAY_SIZE(in), NULL, 0, false);
	if (tpbpf_obj_apply_fallbacks(&f.obj, &f.prog))
		fail_msg("%s", tpbpf_error_detail());
	expect_insns(&f, want, ARRAY_SIZE(want));
	free(f.prog.insns);
}

/* No BPF links: TP_EVENT_ID() becomes r0 = 0, patched per tracepoint copy. */
static void test_cookie_rewrite(void **state)
{
	const struct bpf_insn in[] = {
		MOV_REG(BPF_REG_6, BPF_REG_1),
		CALL(BPF_FUNC_get_attach_cookie),
		MOV_REG(BPF_REG_7, BPF_REG_0),
		MOV_REG(BPF_REG_1, BPF_REG_6),
		CALL(BPF_FUNC_get_attach_cookie),
		EXIT,
	};
	const struct bpf_insn want[] = {
		MOV_REG(BPF_REG_6, BPF_REG_1),
		MOV_IMM(BPF_REG_0, 0),
		MOV_REG(BPF_REG_7, BPF_REG_0),
		MOV_REG(BPF_REG_1, BPF_REG_6),
		MOV_IMM(BPF_REG_0, 0),
		EXIT,
	};
	size_t calls[] = { 1, 4 };
	struct fixture f;

	(void)state;
	make(&f, in, ARRAY_SIZE(in), NULL, 0, false);
	f.prog.cookie_calls = calls;
	f.prog.nr_cookie_calls = 2;
	if (tpbpf_obj_apply_fallbacks(&f.obj, &f.prog))
		fail_msg("%s", tpbpf_error_detail());
	expect_insns(&f, want, ARRAY_SIZE(want));
	assert_true(f.prog.per_event_copies);
	free(f.prog.insns);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fold_rodata),
		cmocka_unit_test(test_fold_rodata_offset),
		cmocka_unit_test(test_refuse_jump_into_fold),
		cmocka_unit_test(test_refuse_register_reused),
		cmocka_unit_test(test_refuse_write),
		cmocka_unit_test(test_refuse_returned_address),
		cmocka_unit_test(test_refuse_wide_value),
		cmocka_unit_test(test_refuse_data),
		cmocka_unit_test(test_helper_rewrites),
		cmocka_unit_test(test_cookie_rewrite),
	};

	return cmocka_run_group_tests(tests, force_absent, release);
}
