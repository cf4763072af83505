/* SPDX-License-Identifier: MIT */
/*
 * The CO-RE engine (loader/core.c):
 *
 *   - every relocation clang wrote into tests/bpf/core_relos.bpf.c, parsed,
 *     described, matched against a "kernel" built here whose structs
 *     differ on purpose (fields moved, resized, made bitfields, put in an
 *     anonymous union, gone; a flavored struct; an enumerator with another
 *     value and one gone), and patched: every instruction is checked,
 *     those that must not change too;
 *   - the same object and tests/bpf/core_many.bpf.c (50 relocations)
 *     against this machine's kernel BTF, where there is one: the answers
 *     agree with tpbpf_btf_field_offset and bpftool, and how long it takes;
 *   - libbpf's matching rules one by one on BTF built here: flavors,
 *     anonymous members, compatible kinds, arrays and flexible arrays,
 *     type_exists/type_matches, enum and enum64, ambiguity, budgets;
 *   - malformed relocations and instructions: one clear error each.
 */
#include <errno.h>
#include <gelf.h>
#include <limits.h>
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

#define LD_IMM64 (BPF_LD | BPF_IMM | BPF_DW)
static const struct bpf_insn poison_insn = { .code = BPF_JMP | BPF_CALL, .imm = TPBPF_CORE_POISON };

/* ---- an object's programs and relocations ---------------------------------------- */

struct prog {
	const char *sec;
	struct bpf_insn *insns;	/* a copy, patched by the test */
	struct bpf_insn *orig;
	size_t cnt;
};

struct core_obj {
	struct obj o;
	struct tpbpf_btf *btf;
	struct tpbpf_btf_ext *ext;
	struct prog progs[8];
	size_t nr_progs;
};

static void core_obj_open(struct core_obj *c, const char *name)
{
	Elf_Data *bd, *xd;
	const char *sec;

	memset(c, 0, sizeof(*c));
	obj_open(&c->o, name);
	bd = obj_data(&c->o, ".BTF");
	xd = obj_data(&c->o, ".BTF.ext");
	assert_non_null(bd);
	assert_non_null(xd);
	if (tpbpf_btf_parse(bd->d_buf, bd->d_size, &c->btf) ||
	    tpbpf_btf_ext_parse(xd->d_buf, xd->d_size, c->btf, &c->ext))
		fail_msg("%s: %s", name, tpbpf_error_detail());
	for (size_t i = 0; (sec = tpbpf_btf_ext_section(c->ext, i)); i++) {
		Elf_Data *d = obj_data(&c->o, sec);
		struct prog *p = &c->progs[c->nr_progs++];

		assert_non_null(d);
		assert_true(c->nr_progs <= ARRAY_SIZE(c->progs));
		p->sec = sec;
		p->cnt = d->d_size / sizeof(struct bpf_insn);
		p->insns = malloc(d->d_size);
		p->orig = malloc(d->d_size);
		memcpy(p->insns, d->d_buf, d->d_size);
		memcpy(p->orig, d->d_buf, d->d_size);
	}
}

static void core_obj_close(struct core_obj *c)
{
	for (size_t i = 0; i < c->nr_progs; i++) {
		free(c->progs[i].insns);
		free(c->progs[i].orig);
	}
	tpbpf_btf_ext_free(c->ext);
	tpbpf_btf_free(c->btf);
	obj_close(&c->o);
}

static const struct tpbpf_core_relo *relo_at(const struct tpbpf_btf_ext_recs *r, uint32_t i)
{
	return (const void *)((const char *)r->recs + (size_t)i * r->rec_size);
}

/* ---- the "kernel" the object is matched against ------------------------------------ */

struct kernel {
	struct tpbpf_btf *btf;
	uint32_t task;		/* struct task_struct's ID */
};

/*
 *   struct task_struct {                                  4096 bytes
 *           unsigned long flags;          16   (object: unsigned int at 12)
 *           long prio;                    24   (object: int at 16)
 *           int pad0;                     32
 *           int pid;                      100
 *           int tgid;                     104
 *           unsigned int f1 : 3;          bit 960
 *           unsigned int f2 : 9;          bit 963  (object: 5 bits at bit 163)
 *           int s1 : 4;                   bit 972
 *           char comm[16];                200
 *           union {                       256
 *                   struct task_struct *real_parent;
 *                   long other;
 *           };
 *           long u2;                      264  (object: in an anonymous union)
 *           struct list_head tasks;       272
 *   };                                    (no gone, no old_state)
 *   struct trace_event_raw_sys_enter { struct trace_entry ent; long id; unsigned long args[6]; };
 *   enum pid_type { PIDTYPE_PID = 0, PIDTYPE_TGID = 5, PIDTYPE_PGID = 2 };
 */
static void build_kernel(struct kernel *k)
{
	struct bb b;
	uint32_t i32, u32, l64, u64, chr, u16, u8, comm, lh, lh_ptr, task_ptr, anon, te, args;

	bb_init(&b);
	i32 = bb_int(&b, "int", 4, true);
	u32 = bb_int(&b, "unsigned int", 4, false);
	l64 = bb_int(&b, "long", 8, true);
	u64 = bb_int(&b, "unsigned long", 8, false);
	chr = bb_int(&b, "char", 1, true);
	u16 = bb_int(&b, "unsigned short", 2, false);
	u8 = bb_int(&b, "unsigned char", 1, false);
	comm = bb_array(&b, chr, u32, 16);
	lh = b.n + 1;
	lh_ptr = b.n + 2;
	bb_struct(&b, "list_head", 16, 2);
	bb_member(&b, "next", lh_ptr, 0);
	bb_member(&b, "prev", lh_ptr, 64);
	bb_ptr(&b, lh);
	k->task = b.n + 2;
	task_ptr = bb_ptr(&b, k->task);
	anon = b.n + 2;
	bb_struct(&b, "task_struct", 4096, 12);
	bb_member(&b, "flags", u64, 128);
	bb_member(&b, "prio", l64, 192);
	bb_member(&b, "pad0", i32, 256);
	bb_member(&b, "pid", i32, 800);
	bb_member(&b, "tgid", i32, 832);
	bb_bitfield(&b, "f1", u32, 960, 3);
	bb_bitfield(&b, "f2", u32, 963, 9);
	bb_bitfield(&b, "s1", i32, 972, 4);
	bb_member(&b, "comm", comm, 1600);
	bb_member(&b, "", anon, 2048);
	bb_member(&b, "u2", l64, 2112);
	bb_member(&b, "tasks", lh, 2176);
	bb_union(&b, "", 8, 2);
	bb_member(&b, "real_parent", task_ptr, 0);
	bb_member(&b, "other", l64, 0);
	te = bb_struct(&b, "trace_entry", 8, 4);
	bb_member(&b, "type", u16, 0);
	bb_member(&b, "flags", u8, 16);
	bb_member(&b, "preempt_count", u8, 24);
	bb_member(&b, "pid", i32, 32);
	args = bb_array(&b, u64, u32, 6);
	bb_struct(&b, "trace_event_raw_sys_enter", 64, 3);
	bb_member(&b, "ent", te, 0);
	bb_member(&b, "id", l64, 64);
	bb_member(&b, "args", args, 128);
	bb_enum(&b, "pid_type", 4, 3, false);
	bb_enumerator(&b, "PIDTYPE_PID", 0);
	bb_enumerator(&b, "PIDTYPE_TGID", 5);
	bb_enumerator(&b, "PIDTYPE_PGID", 2);
	k->btf = bb_parse(&b);
	if (!k->btf)
		fail_msg("the test's kernel: %s", tpbpf_error_detail());
	assert_int_equal(tpbpf_btf_find(k->btf, "task_struct", BTF_KIND_STRUCT), k->task);
	bb_free(&b);
}

/* ---- the object against it: every instruction ------------------------------------- */

/*
 * These are the decisions libbpf 1.1 makes for the same object against the
 * same BTF (written to a file, given as btf_custom_path; checked by hand
 * when this test was written): every value, the resized load, each poison.
 */

enum outcome { PATCHED, POISONED };

struct expect {
	const char *sec;
	uint32_t insn;
	const char *kind;	/* tpbpf_core_kind_name */
	const char *what;	/* tpbpf_core_spec_describe */
	enum outcome outcome;
	uint64_t value;		/* PATCHED: the new constant */
	uint32_t new_size;	/* PATCHED loads: 0 unchanged, else the new size */
};

#define KERNEL_TASK_ID 0xffff	/* stands for the kernel's task_struct ID */

static const struct expect core_relos_expected[] = {
	{ "raw_tp/fields", 4, "byte_off", "task_struct.pid", PATCHED, 100, 0 },
	{ "raw_tp/fields", 10, "byte_off", "task_struct.flags", PATCHED, 16, 8 },
	{ "raw_tp/fields", 12, "byte_off", "task_struct.prio", POISONED, 0, 0 },
	{ "raw_tp/fields", 16, "byte_off", "task_struct.gone", POISONED, 0, 0 },
	{ "raw_tp/fields", 21, "byte_off", "task_struct.pad0", PATCHED, 32, 0 },
	{ "raw_tp/fields", 22, "byte_off", "task_struct.tgid", PATCHED, 104, 0 },
	{ "raw_tp/fields", 33, "byte_off", "task_struct.comm[3]", PATCHED, 203, 0 },
	{ "raw_tp/fields", 37, "byte_off", "task_struct.real_parent", PATCHED, 256, 0 },
	{ "raw_tp/fields", 39, "byte_off", "task_struct.u2", PATCHED, 264, 0 },
	{ "raw_tp/fields", 41, "byte_off", "task_struct.tasks.next", PATCHED, 272, 0 },
	{ "raw_tp/info", 1, "byte_off", "task_struct.f2", PATCHED, 120, 0 },
	{ "raw_tp/info", 5, "byte_sz", "task_struct.f2", PATCHED, 4, 0 },
	{ "raw_tp/info", 7, "lshift_u64", "task_struct.f2", PATCHED, 52, 0 },
	{ "raw_tp/info", 9, "rshift_u64", "task_struct.f2", PATCHED, 55, 0 },
	{ "raw_tp/info", 11, "signed", "task_struct.s1", PATCHED, 1, 0 },
	{ "raw_tp/info", 13, "signed", "task_struct.f1", PATCHED, 0, 0 },
	{ "raw_tp/info", 15, "field_exists", "task_struct.gone", PATCHED, 0, 0 },
	{ "raw_tp/info", 17, "field_exists", "task_struct.tgid", PATCHED, 1, 0 },
	{ "raw_tp/info", 19, "field_exists", "task_struct.old_state", PATCHED, 0, 0 },
	{ "raw_tp/info", 21, "byte_off", "task_struct.pid", PATCHED, 100, 0 },
	{ "raw_tp/info", 23, "byte_sz", "task_struct.comm", PATCHED, 16, 0 },
	{ "raw_tp/info", 25, "byte_sz", "task_struct.prio", PATCHED, 8, 0 },
	{ "raw_tp/types", 0, "type_exists", "struct task_struct", PATCHED, 1, 0 },
	{ "raw_tp/types", 4, "type_size", "struct task_struct", PATCHED, 4096, 0 },
	{ "raw_tp/types", 6, "type_exists", "struct not_in_kernel", PATCHED, 0, 0 },
	{ "raw_tp/types", 8, "type_size", "struct not_in_kernel", PATCHED, 0, 0 },
	{ "raw_tp/types", 10, "local_type_id", "struct task_struct", PATCHED, 5, 0 },
	{ "raw_tp/types", 13, "target_type_id", "struct task_struct", PATCHED, KERNEL_TASK_ID, 0 },
	{ "raw_tp/types", 16, "enumval_exists", "enum pid_type::PIDTYPE_TGID", PATCHED, 1, 0 },
	{ "raw_tp/types", 19, "enumval_value", "enum pid_type::PIDTYPE_TGID", PATCHED, 5, 0 },
	{ "raw_tp/types", 22, "enumval_exists", "enum pid_type::PIDTYPE_GONE", PATCHED, 0, 0 },
	{ "raw_tp/types", 25, "enumval_value", "enum pid_type::PIDTYPE_GONE", POISONED, 0, 0 },
	{ "tp/raw_syscalls/sys_enter", 0, "byte_off", "trace_event_raw_sys_enter.args[1]", PATCHED, 24, 0 },
	{ "tp/raw_syscalls/sys_enter", 4, "byte_off", "trace_event_raw_sys_enter.id", POISONED, 0, 0 },
	{ "tp/raw_syscalls/sys_enter", 8, "byte_sz", "trace_event_raw_sys_enter.args", PATCHED, 48, 0 },
};

static uint32_t size_code(uint32_t bytes)
{
	return bytes == 1 ? BPF_B : bytes == 2 ? BPF_H : bytes == 4 ? BPF_W : BPF_DW;
}

/* What instruction ORIG becomes when its constant is VALUE (and its size NEW_SIZE). */
static void expected_insn(const struct bpf_insn *orig, uint64_t value, uint32_t new_size,
			  struct bpf_insn *out)
{
	out[0] = orig[0];
	out[1] = orig[1];
	switch (BPF_CLASS(orig->code)) {
	case BPF_ALU:
	case BPF_ALU64:
		out[0].imm = (int32_t)value;
		break;
	case BPF_LDX:
	case BPF_ST:
	case BPF_STX:
		out[0].off = (int16_t)value;
		if (new_size)
			out[0].code = (uint8_t)(BPF_MODE(orig->code) | size_code(new_size) | BPF_CLASS(orig->code));
		break;
	case BPF_LD:
		out[0].imm = (int32_t)(uint32_t)value;
		out[1].imm = (int32_t)(uint32_t)(value >> 32);
		break;
	default:
		fail_msg("unexpected instruction class 0x%x", BPF_CLASS(orig->code));
	}
}

/* Relocate every program of C against TARGET; check EXPECT (if given). */
static unsigned relocate_all(struct core_obj *c, const struct tpbpf_btf *target,
			     const struct expect *expect, size_t nr_expect, uint32_t target_task)
{
	unsigned done = 0;

	for (size_t pi = 0; pi < c->nr_progs; pi++) {
		struct prog *p = &c->progs[pi];
		struct tpbpf_btf_ext_recs r;
		bool touched[1024] = { false };

		assert_true(p->cnt < ARRAY_SIZE(touched));
		tpbpf_btf_ext_core_relos(c->ext, p->sec, &r);
		for (uint32_t i = 0; i < r.n; i++) {
			const struct tpbpf_core_relo *rel = relo_at(&r, i);
			struct tpbpf_core_spec spec;
			struct tpbpf_core_target local, targ;
			uint32_t idx = rel->insn_off / 8;
			const struct expect *e = NULL;
			char what[128], why[256];
			int res;

			if (tpbpf_core_spec_parse(c->btf, rel, &spec) || tpbpf_core_local(&spec, &local) ||
			    tpbpf_core_match_btf(&spec, target, &targ))
				fail_msg("%s insn %u: %s", p->sec, idx, tpbpf_error_detail());
			tpbpf_core_spec_describe(&spec, what, sizeof(what));
			res = tpbpf_core_patch(p->insns, p->cnt, idx, &spec, &local, &targ, why, sizeof(why));
			if (res < 0)
				fail_msg("%s insn %u %s: %s", p->sec, idx, what, why);
			done++;
			touched[idx] = true;
			if (p->orig[idx].code == LD_IMM64)
				touched[idx + 1] = true;
			if (!expect)
				continue;
			for (size_t k = 0; k < nr_expect; k++)
				if (strcmp(expect[k].sec, p->sec) == 0 && expect[k].insn == idx)
					e = &expect[k];
			if (!e)
				fail_msg("%s insn %u (%s %s): no expectation", p->sec, idx,
					 tpbpf_core_kind_name(spec.kind), what);
			assert_string_equal(tpbpf_core_kind_name(spec.kind), e->kind);
			assert_string_equal(what, e->what);
			if (e->outcome == POISONED) {
				if (res != 1)
					fail_msg("%s insn %u %s: patched, want poisoned", p->sec, idx, what);
				assert_memory_equal(&p->insns[idx], &poison_insn, sizeof(poison_insn));
				if (p->orig[idx].code == LD_IMM64)
					assert_memory_equal(&p->insns[idx + 1], &poison_insn, sizeof(poison_insn));
				assert_true(strlen(why) > 0);
			} else {
				struct bpf_insn want[2];
				uint64_t v = e->value == KERNEL_TASK_ID ? target_task : e->value;

				if (res != 0)
					fail_msg("%s insn %u %s: poisoned (%s), want patched", p->sec, idx, what, why);
				expected_insn(&p->orig[idx], v, e->new_size, want);
				if (memcmp(&p->insns[idx], want, sizeof(want[0])) != 0 ||
				    (p->orig[idx].code == LD_IMM64 && memcmp(&p->insns[idx + 1], &want[1], sizeof(want[1]))))
					fail_msg("%s insn %u %s: code 0x%02x off %d imm %d, want code 0x%02x off %d imm %d",
						 p->sec, idx, what, p->insns[idx].code, p->insns[idx].off,
						 p->insns[idx].imm, want[0].code, want[0].off, want[0].imm);
			}
		}
		/* what no relocation names stays as compiled */
		for (size_t i = 0; i < p->cnt; i++)
			if (!touched[i])
				assert_memory_equal(&p->insns[i], &p->orig[i], sizeof(p->orig[i]));
	}
	return done;
}

static void test_object_against_built_kernel(void **state)
{
	struct core_obj c;
	struct kernel k;

	(void)state;
	core_obj_open(&c, "core_relos.g.bpf.o");
	build_kernel(&k);
	assert_int_equal(relocate_all(&c, k.btf, core_relos_expected, ARRAY_SIZE(core_relos_expected), k.task),
			 ARRAY_SIZE(core_relos_expected));
	tpbpf_btf_free(k.btf);
	core_obj_close(&c);
}

/* Against its own BTF, every relocation keeps the compiled value. */
static void test_object_against_itself(void **state)
{
	struct core_obj c;

	(void)state;
	core_obj_open(&c, "core_relos.g.bpf.o");
	for (size_t pi = 0; pi < c.nr_progs; pi++) {
		struct prog *p = &c.progs[pi];
		struct tpbpf_btf_ext_recs r;

		tpbpf_btf_ext_core_relos(c.ext, p->sec, &r);
		for (uint32_t i = 0; i < r.n; i++) {
			struct tpbpf_core_spec spec;
			struct tpbpf_core_target local, targ;
			uint64_t lv, tv;
			uint32_t idx;
			char why[256];

			assert_int_equal(tpbpf_core_spec_parse(c.btf, relo_at(&r, i), &spec), 0);
			assert_int_equal(tpbpf_core_local(&spec, &local), 0);
			if (tpbpf_core_match_btf(&spec, c.btf, &targ)) {
				/*
				 * The object has task_struct and task_struct___old: for
				 * its own BTF both are candidates, and types of other
				 * sizes and IDs are an ambiguity, as they are to libbpf.
				 */
				assert_true(spec.kind == TPBPF_CORE_TYPE_SIZE ||
					    spec.kind == TPBPF_CORE_TYPE_ID_TARGET);
				assert_non_null(strstr(tpbpf_error_detail(), "ambiguous: target types 5 and "));
				continue;
			}
			assert_true(targ.exists);
			assert_int_equal(tpbpf_core_value(&spec, &local, &lv), 0);
			assert_int_equal(tpbpf_core_value(&spec, &targ, &tv), 0);
			assert_int_equal(lv, tv);
			idx = relo_at(&r, i)->insn_off / 8;
			assert_int_equal(tpbpf_core_patch(p->insns, p->cnt, idx, &spec, &local, &targ,
							  why, sizeof(why)), 0);
			/*
			 * A bitfield's load is the compiler's choice (clang reads f2
			 * with 8 bytes at 16; libbpf's rule says 4 at 20): those
			 * instructions get the rule's value, as libbpf gives them.
			 */
			if (local.bitfield_size && spec.kind != TPBPF_CORE_FIELD_SIGNED &&
			    spec.kind != TPBPF_CORE_FIELD_RSHIFT_U64) {
				assert_int_equal(p->insns[idx].imm, (int32_t)tv);
				p->insns[idx] = p->orig[idx];
			}
		}
		assert_memory_equal(p->insns, p->orig, p->cnt * sizeof(*p->insns));
	}
	core_obj_close(&c);
}

/* ---- against this machine's kernel ------------------------------------------------- */

static struct tpbpf_btf *kernel_btf(size_t *len, double *parse_ms);

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static struct tpbpf_btf *kernel_btf(size_t *len, double *parse_ms)
{
	struct tpbpf_btf *btf;
	char *data;
	double t0;

	if (access(TPBPF_KERNEL_BTF_PATH, R_OK) != 0)
		return NULL;
	if (tpbpf_read_file(TPBPF_KERNEL_BTF_PATH, &data, len))
		fail_msg("%s", tpbpf_error_detail());
	t0 = now_ms();
	if (tpbpf_btf_parse(data, *len, &btf))
		fail_msg("the kernel's BTF: %s", tpbpf_error_detail());
	*parse_ms = now_ms() - t0;
	free(data);
	return btf;
}

/* bit offset of STRUCT.FIELD as bpftool prints it; -1 if it cannot say */
static long bpftool_bit_offset(const char *st, const char *field)
{
	char cmd[512], line[512], head[128], want[128];
	long bits = -1;
	bool in = false;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "bpftool btf dump file %s format raw 2>/dev/null", TPBPF_KERNEL_BTF_PATH);
	f = popen(cmd, "r");
	if (!f)
		return -1;
	snprintf(head, sizeof(head), "STRUCT '%s' size=", st);
	snprintf(want, sizeof(want), "\t'%s' type_id=", field);
	while (fgets(line, sizeof(line), f)) {
		if (line[0] == '[')
			in = strstr(line, head) != NULL && bits < 0;
		else if (in && strncmp(line, want, strlen(want)) == 0 && strstr(line, "bits_offset="))
			bits = atol(strstr(line, "bits_offset=") + 12);
	}
	pclose(f);
	return bits;
}

/*
 * Both objects against the running kernel's BTF: every field the kernel has
 * resolves where tpbpf_btf_field_offset (KERNEL_OFF's lookup) finds it,
 * through anonymous members; task_struct.tgid also where bpftool says.
 */
static void test_objects_against_this_kernel(void **state)
{
	struct tpbpf_btf *kbtf;
	size_t len;
	double parse_ms, t0, first_ms = 0, again_ms = 0;
	static const char *const objs[] = { "core_many.g.bpf.o", "core_relos.g.bpf.o" };
	unsigned checked = 0, relos = 0;

	(void)state;
	kbtf = kernel_btf(&len, &parse_ms);
	if (!kbtf)
		skip_because("this kernel has no BTF (" TPBPF_KERNEL_BTF_PATH ")");
	for (size_t oi = 0; oi < ARRAY_SIZE(objs); oi++) {
		struct core_obj c;

		core_obj_open(&c, objs[oi]);
		for (size_t pi = 0; pi < c.nr_progs; pi++) {
			struct tpbpf_btf_ext_recs r;

			tpbpf_btf_ext_core_relos(c.ext, c.progs[pi].sec, &r);
			for (uint32_t i = 0; i < r.n; i++) {
				struct tpbpf_core_spec spec;
				struct tpbpf_core_target targ;
				uint64_t value, off;
				const char *field;

				assert_int_equal(tpbpf_core_spec_parse(c.btf, relo_at(&r, i), &spec), 0);
				if (tpbpf_core_match_btf(&spec, kbtf, &targ))
					fail_msg("%s: %s", objs[oi], tpbpf_error_detail());
				relos++;
				/* plain one-member fields: compare with KERNEL_OFF's lookup */
				if (spec.kind != TPBPF_CORE_FIELD_BYTE_OFFSET || spec.len != 2 ||
				    !spec.access[1].name)
					continue;
				field = spec.access[1].name;
				if (tpbpf_btf_field_offset(kbtf, spec.root_name, field, &off)) {
					assert_false(targ.exists);	/* both say it is not there */
					continue;
				}
				assert_true(targ.exists);
				assert_int_equal(tpbpf_core_value(&spec, &targ, &value), 0);
				assert_int_equal(value, off);
				checked++;
				if (strcmp(field, "tgid") == 0 && strcmp(spec.root_name, "task_struct") == 0) {
					long bits = bpftool_bit_offset("task_struct", "tgid");

					if (bits >= 0)
						assert_int_equal(value, bits / 8);
					print_message("# task_struct.tgid: %llu (bpftool: %ld bits)\n",
						      (unsigned long long)value, bits);
				}
			}
		}
		core_obj_close(&c);
	}
	assert_true(checked >= 45);

	/* the 50 relocations, timed: with the name index built, then again */
	for (int pass = 0; pass < 2; pass++) {
		struct core_obj c;
		unsigned n;

		if (pass == 0) {
			tpbpf_btf_free(kbtf);
			kbtf = kernel_btf(&len, &parse_ms);
		}
		core_obj_open(&c, "core_many.g.bpf.o");
		t0 = now_ms();
		n = relocate_all(&c, kbtf, NULL, 0, 0);
		if (pass == 0)
			first_ms = now_ms() - t0;
		else
			again_ms = now_ms() - t0;
		assert_int_equal(n, 50);
		core_obj_close(&c);
	}
	print_message("# kernel BTF %zu bytes, %u types: parse %.1f ms; 50 relocations %.1f ms (name index built), %.2f ms again; %u relocations checked\n",
		      len, tpbpf_btf_type_count(kbtf), parse_ms, first_ms, again_ms, checked);
	assert_true(first_ms < 2000);	/* a bound for a loaded machine under ASan */
	tpbpf_btf_free(kbtf);
}

/* ---- libbpf's rules, one by one, on BTF built here --------------------------------- */

/* A relocation on LOCAL's type ROOT with ACCESS, of KIND: its target answer. */
struct one {
	struct tpbpf_btf *lb, *tb;	/* kept for the spec's names; one_free() */
	struct tpbpf_core_spec spec;
	struct tpbpf_core_target local, targ;
	uint64_t value;
	int value_err;
};

static uint32_t add_str(struct bb *b, const char *s)
{
	uint32_t off = (uint32_t)b->slen;

	bb_grow((void **)&b->strs, &b->scap, b->slen + strlen(s) + 1);
	memcpy(b->strs + b->slen, s, strlen(s) + 1);
	b->slen += strlen(s) + 1;
	return off;
}

static void one_free(struct one *one)
{
	tpbpf_btf_free(one->lb);
	tpbpf_btf_free(one->tb);
	one->lb = one->tb = NULL;
}

/*
 * Parse LOCAL (with the access string added to its strings), spec the
 * relocation, match it against TARGET. Returns the error of the first
 * step that fails (0 if none); ONE gets what was found (one_free() it).
 */
static int resolve(struct bb *local, uint32_t root, const char *access, uint32_t kind,
		   struct bb *target, struct one *one)
{
	uint32_t acc = add_str(local, access);
	struct tpbpf_btf *lb = bb_parse(local), *tb = target ? bb_parse(target) : NULL;
	struct tpbpf_core_relo rel = { 0, root, acc, kind };
	int err;

	memset(one, 0, sizeof(*one));
	if (!lb || (target && !tb))
		fail_msg("the test's BTF: %s", tpbpf_error_detail());
	err = tpbpf_core_spec_parse(lb, &rel, &one->spec);
	if (!err)
		err = tpbpf_core_local(&one->spec, &one->local);
	if (!err && tb)
		err = tpbpf_core_match_btf(&one->spec, tb, &one->targ);
	if (!err && tb)
		one->value_err = tpbpf_core_value(&one->spec, &one->targ, &one->value);
	one->lb = lb;
	one->tb = tb;
	return err;
}

/* The value KIND on TYPE.ACCESS gets in the target, or fail. */
static uint64_t value_of(struct bb *local, uint32_t root, const char *access, uint32_t kind,
			 struct bb *target)
{
	struct one one;

	if (resolve(local, root, access, kind, target, &one))
		fail_msg("%s %s: %s", tpbpf_core_kind_name(kind), access, tpbpf_error_detail());
	if (one.value_err)
		fail_msg("%s %s: value: %s", tpbpf_core_kind_name(kind), access, tpbpf_error_detail());
	one_free(&one);
	return one.value;
}

static bool exists_in(struct bb *local, uint32_t root, const char *access, uint32_t kind,
		      struct bb *target)
{
	struct one one;

	if (resolve(local, root, access, kind, target, &one))
		fail_msg("%s: %s", access, tpbpf_error_detail());
	one_free(&one);
	return one.targ.exists;
}

/* struct s { int a; struct { int b; union { int c; long d; }; }; int arr[4]; } */
static uint32_t local_s(struct bb *b)
{
	uint32_t i32, l64, u32, arr, in, un, s;

	bb_reset(b);
	i32 = bb_int(b, "int", 4, true);	/* 1 */
	l64 = bb_int(b, "long", 8, true);	/* 2 */
	u32 = bb_int(b, "unsigned int", 4, false);
	arr = bb_array(b, i32, u32, 4);
	un = bb_union(b, "", 8, 2);
	bb_member(b, "c", i32, 0);
	bb_member(b, "d", l64, 0);
	in = bb_struct(b, "", 16, 2);
	bb_member(b, "b", i32, 0);
	bb_member(b, "", un, 64);
	s = bb_struct(b, "s", 40, 3);
	bb_member(b, "a", i32, 0);
	bb_member(b, "", in, 64);
	bb_member(b, "arr", arr, 192);
	return s;
}

static void test_anonymous_members_and_flavors(void **state)
{
	struct bb l = { 0 }, t;
	uint32_t s, i32, l64, inner, outer;

	(void)state;
	/* target: struct s___v2 { long x; union { struct { long d; int c; }; int b; }; int a; } */
	bb_init(&t);
	i32 = bb_int(&t, "int", 4, true);
	l64 = bb_int(&t, "long", 8, true);
	inner = bb_struct(&t, "", 16, 2);
	bb_member(&t, "d", l64, 0);
	bb_member(&t, "c", i32, 64);
	outer = bb_union(&t, "", 16, 2);
	bb_member(&t, "", inner, 0);
	bb_member(&t, "b", i32, 0);
	bb_struct(&t, "s___v2", 32, 3);
	bb_member(&t, "x", l64, 0);
	bb_member(&t, "", outer, 64);
	bb_member(&t, "a", i32, 192);

	s = local_s(&l);
	assert_int_equal(value_of(&l, s, "0:0", TPBPF_CORE_FIELD_BYTE_OFFSET, &t), 24);	/* a */
	s = local_s(&l);
	assert_int_equal(value_of(&l, s, "0:1:0", TPBPF_CORE_FIELD_BYTE_OFFSET, &t), 8);	/* b */
	s = local_s(&l);
	assert_int_equal(value_of(&l, s, "0:1:1:0", TPBPF_CORE_FIELD_BYTE_OFFSET, &t), 16);	/* c */
	s = local_s(&l);
	assert_int_equal(value_of(&l, s, "0:1:1:1", TPBPF_CORE_FIELD_BYTE_OFFSET, &t), 8);	/* d */
	s = local_s(&l);
	assert_int_equal(value_of(&l, s, "0:1:1:1", TPBPF_CORE_FIELD_BYTE_SIZE, &t), 8);
	/* arr is not in the target */
	s = local_s(&l);
	assert_false(exists_in(&l, s, "0:2", TPBPF_CORE_FIELD_EXISTS, &t));
	s = local_s(&l);
	assert_int_equal(value_of(&l, s, "0:2", TPBPF_CORE_FIELD_EXISTS, &t), 0);
	/* a field relocation where the field is missing gives -ENOENT: poison */
	{
		struct one one;

		s = local_s(&l);
		assert_int_equal(resolve(&l, s, "0:2:1", TPBPF_CORE_FIELD_BYTE_OFFSET, &t, &one), 0);
		assert_false(one.targ.exists);
		assert_int_equal(one.value_err, -ENOENT);
		assert_non_null(strstr(tpbpf_error_detail(), "CO-RE byte_off of s.arr[1]: the target has no such field"));
		one_free(&one);
	}
	bb_free(&l);
	bb_free(&t);
}

static void test_compatible_kinds(void **state)
{
	static const struct {
		const char *what;
		uint32_t kind_local, kind_target;	/* for the member "m" */
		bool compatible;
	} cases[] = {
		{ "int ~ long", 1, 2, true },
		{ "int ~ legacy bitfield int", 1, 6, false },
		{ "int ~ struct", 1, 3, false },
		{ "struct ~ union", 3, 4, true },
		{ "ptr ~ ptr to something else", 5, 9, true },
		{ "ptr ~ long", 5, 2, false },
		{ "enum e ~ enum e___v2", 7, 8, true },
		{ "enum e ~ enum other", 7, 10, false },
		{ "enum e ~ anonymous enum", 7, 11, true },
		{ "enum e ~ enum64 e", 7, 12, true },
		{ "int[4] ~ long[2]", 13, 14, true },
		{ "int[4] ~ ptr[4]", 13, 15, false },
		{ "float ~ float", 16, 16, true },
		{ "float ~ int", 16, 1, false },
		{ "fwd f ~ fwd f", 17, 17, true },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct bb b[2];
		uint32_t ids[2][18], root = 0;

		for (int side = 0; side < 2; side++) {
			struct bb *x = &b[side];
			uint32_t *id = ids[side];

			bb_init(x);
			id[1] = bb_int(x, "int", 4, true);
			id[2] = bb_int(x, "long", 8, true);
			id[3] = bb_struct(x, "st", 4, 0);
			id[4] = bb_union(x, "un", 4, 0);
			id[5] = bb_ptr(x, id[1]);
			id[6] = bb_type(x, "int", BTF_KIND_INT, false, 0, 4);
			bb_word(x, 1u << 24 | 4u << 16 | 3);	/* signed, 3 bits at bit 4 */
			id[7] = bb_enum(x, "e", 4, 0, false);
			id[8] = bb_enum(x, "e___v2", 4, 0, false);
			id[9] = bb_ptr(x, id[3]);
			id[10] = bb_enum(x, "other", 4, 0, false);
			id[11] = bb_enum(x, "", 4, 0, false);
			id[12] = bb_enum64(x, "e", 8, 0, false);
			id[13] = bb_array(x, id[1], id[1], 4);
			id[14] = bb_array(x, id[2], id[1], 2);
			id[15] = bb_array(x, id[5], id[1], 4);
			id[16] = bb_float(x, "double", 8);
			id[17] = bb_fwd(x, "f", false);
			if (side == 0) {
				/* a pointer to a fwd can be a member; a fwd cannot */
				uint32_t m = cases[i].kind_local == 17 ? bb_ptr(x, id[17]) : id[cases[i].kind_local];

				root = bb_struct(x, "holder", 64, 1);
				bb_member(x, "m", m, 0);
			} else {
				uint32_t m = cases[i].kind_target == 17 ? bb_ptr(x, id[17]) : id[cases[i].kind_target];

				bb_struct(x, "holder", 64, 1);
				bb_member(x, "m", m, 0);
			}
		}
		if (exists_in(&b[0], root, "0:0", TPBPF_CORE_FIELD_EXISTS, &b[1]) != cases[i].compatible)
			fail_msg("%s: want %s", cases[i].what, cases[i].compatible ? "compatible" : "not");
		bb_free(&b[0]);
		bb_free(&b[1]);
	}
}

/* struct a { int n; int fixed[4]; int m[2][3]; char flex[]; } in both, TARGET_FIXED elements. */
static uint32_t arrays(struct bb *b, uint32_t fixed, uint32_t rows)
{
	uint32_t i32, chr, f, row, m, flex;

	bb_reset(b);
	i32 = bb_int(b, "int", 4, true);
	chr = bb_int(b, "char", 1, true);
	f = bb_array(b, i32, i32, fixed);
	row = bb_array(b, i32, i32, 3);
	m = bb_array(b, row, i32, rows);
	flex = bb_array(b, chr, i32, 0);
	bb_struct(b, "a", 4 + fixed * 4 + rows * 12, 4);
	bb_member(b, "n", i32, 0);
	bb_member(b, "fixed", f, 32);
	bb_member(b, "m", m, 32 + fixed * 32);
	bb_member(b, "flex", flex, (4 + fixed * 4 + rows * 12) * 8);
	return b->n;
}

static void test_arrays(void **state)
{
	struct bb l = { 0 }, t = { 0 };
	uint32_t root;

	(void)state;
	/* elements move with the array */
	root = arrays(&l, 4, 2);
	arrays(&t, 8, 2);
	assert_int_equal(value_of(&l, root, "0:2:1:2", TPBPF_CORE_FIELD_BYTE_OFFSET, &t), 36 + 12 + 8);
	root = arrays(&l, 4, 2);
	assert_int_equal(value_of(&l, root, "0:2:1", TPBPF_CORE_FIELD_BYTE_SIZE, &t), 12);
	root = arrays(&l, 4, 2);
	assert_int_equal(value_of(&l, root, "0:1", TPBPF_CORE_FIELD_BYTE_SIZE, &t), 32);
	/* an index the target's array does not have: no match */
	root = arrays(&l, 8, 2);
	arrays(&t, 4, 2);
	assert_false(exists_in(&l, root, "0:1:6", TPBPF_CORE_FIELD_EXISTS, &t));
	root = arrays(&l, 8, 2);
	assert_true(exists_in(&l, root, "0:1:3", TPBPF_CORE_FIELD_EXISTS, &t));
	/* a flexible array takes any index, here and there */
	root = arrays(&l, 4, 2);
	assert_int_equal(value_of(&l, root, "0:3:100", TPBPF_CORE_FIELD_BYTE_OFFSET, &t), 44 + 100);
	/* the root's own index: p[2].n */
	root = arrays(&l, 4, 2);
	assert_int_equal(value_of(&l, root, "2:0", TPBPF_CORE_FIELD_BYTE_OFFSET, &t), 2 * 44);
	/* the whole element p[1]: offset and size, nothing else */
	{
		struct one one;

		root = arrays(&l, 4, 2);
		assert_int_equal(value_of(&l, root, "1", TPBPF_CORE_FIELD_BYTE_OFFSET, &t), 44);
		root = arrays(&l, 4, 2);
		assert_int_equal(value_of(&l, root, "1", TPBPF_CORE_FIELD_BYTE_SIZE, &t), 44);
		root = arrays(&l, 4, 2);
		assert_int_equal(resolve(&l, root, "0:1:1", TPBPF_CORE_FIELD_SIGNED, &t, &one), -EINVAL);
		assert_non_null(strstr(tpbpf_error_detail(),
				       "only byte_off, byte_sz and field_exists apply to an array element or the root"));
		one_free(&one);
		root = arrays(&l, 4, 2);
		assert_int_equal(value_of(&l, root, "0:1:1", TPBPF_CORE_FIELD_EXISTS, &t), 1);
	}
	bb_free(&l);
	bb_free(&t);
}

/* Bitfields as libbpf computes them: load offset, size and the two shifts. */
static void test_bitfields(void **state)
{
	static const struct {
		uint32_t type_size, bit_off, bits;
		uint64_t off, size, lshift, rshift;
		int err;
	} cases[] = {
		{ 4, 3, 5, 0, 4, 56, 59, 0 },
		{ 4, 30, 4, 0, 8, 30, 60, 0 },		/* crosses 32 bits: widened to 8 */
		{ 1, 7, 2, 0, 2, 55, 62, 0 },		/* a char bitfield crossing a byte */
		{ 2, 70, 3, 8, 2, 55, 61, 0 },
		{ 8, 60, 8, 0, 0, 0, 0, -E2BIG },	/* no 8-byte load holds it */
		{ 4, 100, 1, 12, 4, 59, 63, 0 },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		static const uint32_t kinds[] = {
			TPBPF_CORE_FIELD_BYTE_OFFSET, TPBPF_CORE_FIELD_BYTE_SIZE,
			TPBPF_CORE_FIELD_LSHIFT_U64, TPBPF_CORE_FIELD_RSHIFT_U64,
		};
		uint64_t want[] = { cases[i].off, cases[i].size, cases[i].lshift, cases[i].rshift };

		for (size_t k = 0; k < ARRAY_SIZE(kinds); k++) {
			struct bb l, t;
			struct one one;

			for (int side = 0; side < 2; side++) {
				struct bb *x = side ? &t : &l;
				uint32_t ty;

				bb_init(x);
				ty = bb_int(x, "unsigned x", cases[i].type_size, false);
				bb_struct(x, "bf", 32, 1);
				/* locally the field sits plainly at bit 0 */
				bb_bitfield(x, "f", ty, side ? cases[i].bit_off : 0,
					    side ? cases[i].bits : 1);
			}
			/* the match computes each candidate's answer: there it fails */
			assert_int_equal(resolve(&l, 2, "0:0", kinds[k], &t, &one), cases[i].err);
			one_free(&one);
			if (cases[i].err) {
				assert_non_null(strstr(tpbpf_error_detail(), "the bitfield does not fit one 8-byte load"));
			} else {
				if (one.value_err)
					fail_msg("case %zu: %s", i, tpbpf_error_detail());
				if (one.value != want[k])
					fail_msg("case %zu %s: %llu, want %llu", i, tpbpf_core_kind_name(kinds[k]),
						 (unsigned long long)one.value, (unsigned long long)want[k]);
			}
			bb_free(&l);
			bb_free(&t);
		}
	}
}

/* type_exists, type_size, target_type_id and the stricter type_matches. */
static void test_types(void **state)
{
	enum { LOCAL_ONLY = 1 };
	static const struct {
		const char *what;
		bool exists, matches;
	} cases[] = {
		/* each case builds root "t" differently on each side, below */
		{ "same struct", true, true },
		{ "member int -> long", true, false },
		{ "member missing in target", true, false },
		{ "extra target member", true, true },
		{ "struct ~ union", false, false },
		{ "ptr to struct ~ ptr to fwd", true, true },
		{ "enum names subset, other values", true, true },
		{ "enum name missing", true, false },
		{ "enum size differs", true, false },
		{ "int signedness", true, false },
		{ "array count differs", true, false },
		{ "func proto: same", true, true },
		{ "func proto: arg count", false, false },
		{ "func proto: int ~ ptr arg", false, false },
		{ "typedef to struct, other member name", true, false },
		{ "enum ~ enum64", true, true },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct bb b[2];
		uint32_t root = 0;

		for (int side = 0; side < 2; side++) {
			struct bb *x = &b[side];
			uint32_t i32, l64, u32, id = 0;

			bb_init(x);
			i32 = bb_int(x, "int", 4, true);
			l64 = bb_int(x, "long", 8, true);
			u32 = bb_int(x, "int", 4, false);	/* named int, unsigned */
			switch (i) {
			case 0:
			case 1:
			case 2:
			case 3:
				id = bb_struct(x, "t", 16, side == 1 && i == 2 ? 1 : side == 1 && i == 3 ? 3 : 2);
				bb_member(x, "a", side == 1 && i == 1 ? l64 : i32, 0);
				if (!(side == 1 && i == 2))
					bb_member(x, "b", i32, 64);
				if (side == 1 && i == 3)
					bb_member(x, "c", i32, 96);
				break;
			case 4:
				id = side ? bb_union(x, "t", 4, 0) : bb_struct(x, "t", 4, 0);
				break;
			case 5: {
				uint32_t inner = side ? bb_fwd(x, "in", false) : bb_struct(x, "in", 4, 0);

				id = bb_struct(x, "t", 8, 1);
				bb_member(x, "p", id + 1, 0);
				bb_ptr(x, inner);
				break;
			}
			case 6:
			case 7:
			case 8:
				id = bb_enum(x, "t", side && i == 8 ? 8 : 4, side ? 3 : 2, false);
				bb_enumerator(x, "A", side ? 10 : 0);
				bb_enumerator(x, side && i == 7 ? "X" : "B", side ? 20 : 1);
				if (side)
					bb_enumerator(x, "C", 30);
				break;
			case 9:
				id = bb_mod(x, BTF_KIND_TYPEDEF, "t", side ? u32 : i32);
				break;
			case 10:
				id = bb_mod(x, BTF_KIND_TYPEDEF, "t", bb_array(x, i32, i32, side ? 5 : 4));
				break;
			case 11:
			case 12:
			case 13: {
				uint32_t ptr = bb_ptr(x, i32), p = bb_proto(x, i32, side && i == 12 ? 1 : 2);

				bb_param(x, "a", i32);
				if (!(side && i == 12))
					bb_param(x, "b", side && i == 13 ? ptr : l64);
				id = bb_mod(x, BTF_KIND_TYPEDEF, "t", p);
				break;
			}
			case 14: {
				uint32_t s = bb_struct(x, "s", 4, 1);

				bb_member(x, side ? "y" : "x", i32, 0);
				id = bb_mod(x, BTF_KIND_TYPEDEF, "t", s);
				break;
			}
			case 15:
				if (side) {
					id = bb_enum64(x, "t", 4, 1, false);
					bb_enumerator64(x, "A", 1);
				} else {
					id = bb_enum(x, "t", 4, 1, false);
					bb_enumerator(x, "A", 1);
				}
				break;
			}
			if (side == 0)
				root = id;
		}
		if (exists_in(&b[0], root, "0", TPBPF_CORE_TYPE_EXISTS, &b[1]) != cases[i].exists)
			fail_msg("%s: type_exists wants %d", cases[i].what, cases[i].exists);
		if (exists_in(&b[0], root, "0", TPBPF_CORE_TYPE_MATCHES, &b[1]) != cases[i].matches)
			fail_msg("%s: type_matches wants %d", cases[i].what, cases[i].matches);
		bb_free(&b[0]);
		bb_free(&b[1]);
	}
}

static void test_type_size_and_ids(void **state)
{
	struct bb l, t;
	struct one one;
	uint32_t root;

	(void)state;
	bb_init(&l);
	bb_int(&l, "int", 4, true);
	root = bb_struct(&l, "t___mine", 4, 0);
	bb_init(&t);
	bb_int(&t, "long", 8, true);
	bb_int(&t, "int", 4, true);
	bb_struct(&t, "t", 12, 0);	/* 3 */
	assert_int_equal(value_of(&l, root, "0", TPBPF_CORE_TYPE_SIZE, &t), 12);
	root = 2;
	assert_int_equal(value_of(&l, root, "0", TPBPF_CORE_TYPE_ID_TARGET, &t), 3);
	assert_int_equal(value_of(&l, root, "0", TPBPF_CORE_TYPE_ID_LOCAL, &t), 2);
	assert_int_equal(resolve(&l, root, "0", TPBPF_CORE_TYPE_ID_LOCAL, &t, &one), 0);
	assert_true(one.targ.exists);
	/* a source without BTF IDs cannot answer target_type_id */
	one.targ.type_id = 0;
	{
		uint64_t v;

		one.spec.kind = TPBPF_CORE_TYPE_ID_TARGET;
		assert_int_equal(tpbpf_core_value(&one.spec, &one.targ, &v), -EOPNOTSUPP);
		assert_non_null(strstr(tpbpf_error_detail(), "has no BTF type IDs"));
	}
	one_free(&one);
	bb_free(&l);
	bb_free(&t);
}

static void test_enum_values(void **state)
{
	struct bb l, t;
	struct one one;
	uint32_t root;

	(void)state;
	/* local enum, target enum64 with a 64-bit value; a signed 32-bit one; a flavor */
	bb_init(&l);
	root = bb_enum(&l, "e___local", 4, 3, false);
	bb_enumerator(&l, "BIG", 1);
	bb_enumerator(&l, "NEG", 2);
	bb_enumerator(&l, "GONE___v1", 3);
	bb_init(&t);
	bb_enum(&t, "e", 4, 1, true);		/* an enum, and */
	bb_enumerator(&t, "NEG", -7);
	bb_enum64(&t, "e", 8, 2, false);	/* an enum64 of the same name: both candidates */
	bb_enumerator64(&t, "BIG", 0x123456789aULL);
	bb_enumerator64(&t, "GONE___v2", 9);
	/* BIG is only in the enum64, NEG only in the enum: no ambiguity */
	assert_int_equal(value_of(&l, root, "0", TPBPF_CORE_ENUMVAL_VALUE, &t), 0x123456789aULL);
	root = 1;
	assert_int_equal(value_of(&l, root, "1", TPBPF_CORE_ENUMVAL_VALUE, &t), (uint64_t)-7);
	/* enumerator names match without their ___flavor */
	root = 1;
	assert_int_equal(value_of(&l, root, "2", TPBPF_CORE_ENUMVAL_VALUE, &t), 9);
	bb_free(&t);
	bb_init(&t);
	bb_enum(&t, "e", 4, 1, false);
	bb_enumerator(&t, "OTHER", 1);
	root = 1;
	assert_int_equal(value_of(&l, root, "0", TPBPF_CORE_ENUMVAL_EXISTS, &t), 0);
	root = 1;
	assert_int_equal(resolve(&l, root, "0", TPBPF_CORE_ENUMVAL_VALUE, &t, &one), 0);
	assert_int_equal(one.value_err, -ENOENT);
	assert_non_null(strstr(tpbpf_error_detail(), "enum e::BIG: the target has no such enumerator"));
	one_free(&one);
	bb_free(&l);
	bb_free(&t);
}

/* Two candidates that answer differently: an error, never a guess. */
static void test_ambiguity(void **state)
{
	struct bb l, t;
	struct one one;
	uint32_t root, i32;

	(void)state;
	for (int same = 0; same < 2; same++) {
		bb_init(&l);
		i32 = bb_int(&l, "int", 4, true);
		root = bb_struct(&l, "task", 8, 1);
		bb_member(&l, "pid", i32, 0);
		bb_init(&t);
		i32 = bb_int(&t, "int", 4, true);
		bb_struct(&t, "task", 8, 1);
		bb_member(&t, "pid", i32, 0);
		bb_struct(&t, "task___2", 8, 1);
		bb_member(&t, "pid", i32, same ? 0 : 32);
		bb_struct(&t, "task___3", 8, 0);	/* no pid: not a candidate that matches */
		if (same) {
			assert_int_equal(value_of(&l, root, "0:0", TPBPF_CORE_FIELD_BYTE_OFFSET, &t), 0);
		} else {
			/* the same size in two places: still two answers */
			assert_int_equal(resolve(&l, root, "0:0", TPBPF_CORE_FIELD_BYTE_SIZE, &t, &one), -EINVAL);
			assert_non_null(strstr(tpbpf_error_detail(),
					       "CO-RE byte_sz of task.pid: ambiguous: target types 2 and 3 both match, with the field at bits 0 and 32"));
			one_free(&one);
			assert_int_equal(resolve(&l, root, "0:0", TPBPF_CORE_FIELD_BYTE_OFFSET, &t, &one), -EINVAL);
			assert_non_null(strstr(tpbpf_error_detail(),
					       "CO-RE byte_off of task.pid: ambiguous: target types 2 and 3 both match and give 0 and 4"));
			one_free(&one);
		}
		bb_free(&l);
		bb_free(&t);
	}
}

/* Hostile target BTF: the match gives up instead of running for ever. */
static void test_match_budget(void **state)
{
	struct bb l, t;
	struct one one;
	uint32_t root, u;

	(void)state;
	bb_init(&l);
	bb_int(&l, "int", 4, true);
	root = bb_union(&l, "top", 4, 1);
	bb_member(&l, "missing", 1, 0);
	/* unions each holding two anonymous copies of the one before: 2^40 paths */
	bb_init(&t);
	bb_int(&t, "int", 4, true);
	u = bb_union(&t, "", 4, 1);
	bb_member(&t, "leaf", 1, 0);
	for (int k = 1; k <= 40; k++) {
		bb_union(&t, k == 40 ? "top" : "", 4, 2);
		bb_member(&t, "", u, 0);
		bb_member(&t, "", u, 0);
		u = t.n;
	}
	/* depth 40 > 64? no: the budget stops it */
	assert_int_equal(resolve(&l, root, "0:0", TPBPF_CORE_FIELD_EXISTS, &t, &one), -E2BIG);
	assert_non_null(strstr(tpbpf_error_detail(), "matching gave up after"));
	one_free(&one);
	bb_free(&l);
	bb_free(&t);
}

/* ---- spec parsing and describing ------------------------------------------------- */

static void test_spec_errors(void **state)
{
	static const struct {
		const char *access;
		uint32_t kind;
		uint32_t root;		/* 0: s */
		const char *want;
	} cases[] = {
		{ "0:9", TPBPF_CORE_FIELD_BYTE_OFFSET, 0, "step 1: member 9 of type" },
		{ "0:2:4", TPBPF_CORE_FIELD_BYTE_OFFSET, 0, "step 2: element 4 of an array of 4" },
		{ "0:0:1", TPBPF_CORE_FIELD_BYTE_OFFSET, 0, "step 2 indexes type 1, a int (want a struct, union or array)" },
		{ "0:1", TPBPF_CORE_FIELD_BYTE_OFFSET, 0, "the path ends at anonymous member 1" },
		{ "0:1", TPBPF_CORE_TYPE_EXISTS, 0, "a type relocation's access string is \"0\"" },
		{ "1", TPBPF_CORE_TYPE_SIZE, 0, "a type relocation's access string is \"0\"" },
		{ "0", TPBPF_CORE_ENUMVAL_VALUE, 0, "an enumerator relocation on a type that is not an enum" },
		{ "0:0", 13, 0, "unknown relocation kind 13" },
		{ "", TPBPF_CORE_FIELD_EXISTS, 0, "not numbers separated by ':'" },
		{ "0:x", TPBPF_CORE_FIELD_EXISTS, 0, "not numbers separated by ':'" },
		{ "4294967296", TPBPF_CORE_FIELD_EXISTS, 0, "holds a number of more than 32 bits" },
		{ "0", TPBPF_CORE_FIELD_EXISTS, 99, "no such type (the object's BTF has" },
		{ "0", TPBPF_CORE_FIELD_EXISTS, 1000, "no such type" },
		{ "4294967295:0", TPBPF_CORE_FIELD_BYTE_OFFSET, 0, "" },	/* far, but fine */
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct bb l = { 0 };
		struct one one;
		uint32_t s = local_s(&l);
		int err = resolve(&l, cases[i].root == 99 ? 0 : cases[i].root ? cases[i].root : s,
				  cases[i].access, cases[i].kind, NULL, &one);

		if (!*cases[i].want) {
			assert_int_equal(err, 0);
		} else {
			assert_int_equal(err, -EINVAL);
			if (!strstr(tpbpf_error_detail(), cases[i].want))
				fail_msg("\"%s\": want \"%s\" in \"%s\"", cases[i].access, cases[i].want,
					 tpbpf_error_detail());
			assert_true(strncmp(tpbpf_error_detail(), "CO-RE relocation ", 17) == 0);
		}
		one_free(&one);
		bb_free(&l);
	}
	/* 64 steps are the most */
	{
		struct bb l = { 0 };
		struct one one;
		char many[200] = "0";
		uint32_t s;

		for (int k = 0; k < 64; k++)
			strcat(many, ":0");
		s = local_s(&l);
		assert_int_equal(resolve(&l, s, many, TPBPF_CORE_FIELD_EXISTS, NULL, &one), -EINVAL);
		assert_non_null(strstr(tpbpf_error_detail(), "more than 64 steps"));
		one_free(&one);
		bb_free(&l);
	}
}

static void test_describe(void **state)
{
	struct bb l = { 0 };
	struct one one;
	uint32_t s, root;
	char buf[64];

	(void)state;
	s = local_s(&l);
	assert_int_equal(resolve(&l, s, "3:1:1:1", TPBPF_CORE_FIELD_BYTE_OFFSET, NULL, &one), 0);
	one_free(&one);
	s = local_s(&l);
	{
		uint32_t acc = add_str(&l, "3:1:1:1"), acc2 = add_str(&l, "0:2:3"), acc3 = add_str(&l, "0");
		struct tpbpf_btf *btf = bb_parse(&l);
		struct tpbpf_core_relo r = { 0, s, acc, TPBPF_CORE_FIELD_BYTE_OFFSET };
		struct tpbpf_core_spec spec;
		int n;

		assert_int_equal(tpbpf_core_spec_parse(btf, &r, &spec), 0);
		n = tpbpf_core_spec_describe(&spec, buf, sizeof(buf));
		assert_string_equal(buf, "s[3].d");	/* anonymous steps are not named */
		assert_int_equal(n, 6);
		assert_int_equal(spec.len, 4);
		assert_null(spec.access[1].name);
		assert_string_equal(spec.access[3].name, "d");
		assert_int_equal(spec.bit_offset, 3 * 40 * 8 + 64 + 64);
		assert_false(tpbpf_core_spec_is_element(&spec));
		/* cut short, it says how long it would have been */
		assert_int_equal(tpbpf_core_spec_describe(&spec, buf, 3), 6);
		assert_string_equal(buf, "s[");
		r.access_str_off = acc2;
		assert_int_equal(tpbpf_core_spec_parse(btf, &r, &spec), 0);
		tpbpf_core_spec_describe(&spec, buf, sizeof(buf));
		assert_string_equal(buf, "s.arr[3]");
		assert_true(tpbpf_core_spec_is_element(&spec));
		r.access_str_off = acc3;
		r.kind = TPBPF_CORE_TYPE_SIZE;
		assert_int_equal(tpbpf_core_spec_parse(btf, &r, &spec), 0);
		tpbpf_core_spec_describe(&spec, buf, sizeof(buf));
		assert_string_equal(buf, "struct s");
		r.type_id = 1;
		assert_int_equal(tpbpf_core_spec_parse(btf, &r, &spec), 0);
		tpbpf_core_spec_describe(&spec, buf, sizeof(buf));
		assert_string_equal(buf, "int");
		r.type_id = s - 1;	/* the anonymous struct */
		assert_int_equal(tpbpf_core_spec_parse(btf, &r, &spec), 0);
		tpbpf_core_spec_describe(&spec, buf, sizeof(buf));
		assert_string_equal(buf, "struct (anon)");
		assert_int_equal(tpbpf_core_match_btf(&spec, btf, &one.targ), -EINVAL);
		assert_non_null(strstr(tpbpf_error_detail(), "an anonymous type cannot be looked up by name"));
		tpbpf_btf_free(btf);
	}
	/* a typedef root, flavored */
	bb_reset(&l);
	bb_int(&l, "int", 4, true);
	root = bb_mod(&l, BTF_KIND_TYPEDEF, "pid_t___x", 1);
	assert_int_equal(resolve(&l, root, "0", TPBPF_CORE_TYPE_EXISTS, NULL, &one), 0);
	assert_string_equal(one.spec.root_name, "pid_t");
	one_free(&one);
	bb_free(&l);

	assert_string_equal(tpbpf_core_kind_name(TPBPF_CORE_FIELD_LSHIFT_U64), "lshift_u64");
	assert_string_equal(tpbpf_core_kind_name(TPBPF_CORE_TYPE_MATCHES), "type_matches");
	assert_string_equal(tpbpf_core_kind_name(99), "unknown");
	assert_true(tpbpf_core_kind_is_field(TPBPF_CORE_FIELD_RSHIFT_U64));
	assert_false(tpbpf_core_kind_is_field(TPBPF_CORE_TYPE_ID_LOCAL));
	assert_true(tpbpf_core_kind_is_type(TPBPF_CORE_TYPE_MATCHES));
	assert_true(tpbpf_core_kind_is_enumval(TPBPF_CORE_ENUMVAL_VALUE));
	assert_false(tpbpf_core_kind_is_enumval(TPBPF_CORE_TYPE_SIZE));
}

/* ---- patching, by hand ------------------------------------------------------------- */

/* A spec for "s.a" or "s.arr[1]" of KIND, and a target saying VALUE lies there. */
struct patch_case {
	struct bb l;
	struct tpbpf_btf *btf;
	struct tpbpf_core_spec spec;
	struct tpbpf_core_target local, targ;
};

static void patch_case(struct patch_case *pc, const char *access, uint32_t kind)
{
	uint32_t s, acc;

	memset(&pc->l, 0, sizeof(pc->l));
	s = local_s(&pc->l);
	acc = add_str(&pc->l, access);
	struct tpbpf_core_relo r = { 0, s, acc, kind };

	pc->btf = bb_parse(&pc->l);
	assert_non_null(pc->btf);
	assert_int_equal(tpbpf_core_spec_parse(pc->btf, &r, &pc->spec), 0);
	assert_int_equal(tpbpf_core_local(&pc->spec, &pc->local), 0);
	pc->targ = pc->local;
}

static void patch_case_free(struct patch_case *pc)
{
	tpbpf_btf_free(pc->btf);
	bb_free(&pc->l);
}

static int patch(struct patch_case *pc, struct bpf_insn *insns, size_t cnt, size_t idx, char *why)
{
	return tpbpf_core_patch(insns, cnt, idx, &pc->spec, &pc->local, &pc->targ, why, 256);
}

static void test_patch(void **state)
{
	struct patch_case pc;
	char why[256];
	struct bpf_insn insns[4];

	(void)state;
	patch_case(&pc, "0:0", TPBPF_CORE_FIELD_BYTE_OFFSET);	/* s.a at 0, int */

	/* every class, with the value moved to 40 */
	pc.targ.bit_offset = 320;
	insns[0] = (struct bpf_insn){ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 1, .imm = 0 };
	insns[1] = (struct bpf_insn){ .code = BPF_ALU | BPF_ADD | BPF_K, .dst_reg = 2, .imm = 0 };
	insns[2] = (struct bpf_insn){ .code = BPF_ST | BPF_MEM | BPF_W, .dst_reg = 3, .off = 0, .imm = 7 };
	insns[3] = (struct bpf_insn){ .code = BPF_STX | BPF_MEM | BPF_W, .dst_reg = 3, .src_reg = 4 };
	for (int i = 0; i < 4; i++)
		assert_int_equal(patch(&pc, insns, 4, (size_t)i, why), 0);
	assert_int_equal(insns[0].imm, 40);
	assert_int_equal(insns[1].imm, 40);
	assert_int_equal(insns[2].off, 40);
	assert_int_equal(insns[2].imm, 7);
	assert_int_equal(insns[3].off, 40);
	assert_int_equal(insns[3].src_reg, 4);

	/* ld_imm64: both halves */
	insns[0] = (struct bpf_insn){ .code = BPF_LD | BPF_IMM | BPF_DW, .dst_reg = 1 };
	insns[1] = (struct bpf_insn){ 0 };
	pc.targ.bit_offset = 0x123456789aULL * 8;
	assert_int_equal(patch(&pc, insns, 2, 0, why), 0);
	assert_int_equal((uint32_t)insns[0].imm, 0x3456789a);
	assert_int_equal(insns[1].imm, 0x12);

	/* errors: one line each, in WHY and the detail */
	pc.targ.bit_offset = 320;
	insns[0] = (struct bpf_insn){ .code = BPF_ALU64 | BPF_MOV | BPF_K, .imm = 4 };
	assert_int_equal(patch(&pc, insns, 1, 0, why), -EINVAL);
	assert_string_equal(why, "s.a: instruction 0 holds 4, but the object's BTF says 0");
	assert_string_equal(tpbpf_error_detail(), why);
	assert_int_equal(patch(&pc, insns, 1, 1, why), -EINVAL);
	assert_string_equal(why, "s.a: instruction 1 is past the program's 1");
	insns[0] = (struct bpf_insn){ .code = BPF_ALU64 | BPF_MOV | BPF_X };
	assert_int_equal(patch(&pc, insns, 1, 0, why), -EINVAL);
	assert_non_null(strstr(why, "has no immediate"));
	insns[0] = (struct bpf_insn){ .code = BPF_JMP | BPF_JA };
	assert_int_equal(patch(&pc, insns, 1, 0, why), -EINVAL);
	assert_non_null(strstr(why, "(code 0x05) is not one CO-RE patches"));
	insns[0] = (struct bpf_insn){ .code = BPF_LD | BPF_IMM | BPF_DW };
	assert_int_equal(patch(&pc, insns, 1, 0, why), -EINVAL);
	assert_non_null(strstr(why, "is an ld_imm64 without its second half"));
	insns[1] = (struct bpf_insn){ .code = 0x18 };
	assert_int_equal(patch(&pc, insns, 2, 0, why), -EINVAL);
	assert_non_null(strstr(why, "is not a plain ld_imm64"));
	insns[0] = (struct bpf_insn){ .code = BPF_LD | BPF_ABS | BPF_W };
	assert_int_equal(patch(&pc, insns, 1, 0, why), -EINVAL);
	assert_non_null(strstr(why, "is not a plain ld_imm64"));
	/* offsets beyond a load's 16 bits, values beyond an ALU's 32 */
	pc.targ.bit_offset = 40000 * 8;
	insns[0] = (struct bpf_insn){ .code = BPF_LDX | BPF_MEM | BPF_W };
	assert_int_equal(patch(&pc, insns, 1, 0, why), -ERANGE);
	assert_string_equal(why, "s.a: offset 40000 does not fit instruction 0 (at most 32767)");
	pc.targ.bit_offset = (1ULL << 31) * 8;
	insns[0] = (struct bpf_insn){ .code = BPF_ALU64 | BPF_MOV | BPF_K };
	assert_int_equal(patch(&pc, insns, 1, 0, why), -ERANGE);
	insns[0] = (struct bpf_insn){ .code = BPF_ALU | BPF_MOV | BPF_K };
	assert_int_equal(patch(&pc, insns, 1, 0, why), 0);	/* a 32-bit ALU takes it */
	assert_int_equal((uint32_t)insns[0].imm, 1u << 31);
	patch_case_free(&pc);
}

static void test_patch_sizes(void **state)
{
	static const struct {
		uint32_t class_l, class_t;	/* field classes */
		bool signed_l, signed_t;
		uint32_t size_t;
		uint8_t mode;
		int want;			/* 0 resized, 1 poisoned */
		const char *why;
	} cases[] = {
		{ TPBPF_CORE_FIELD_INT, TPBPF_CORE_FIELD_INT, false, false, 8, BPF_MEM, 0, NULL },
		{ TPBPF_CORE_FIELD_INT, TPBPF_CORE_FIELD_INT, false, false, 2, BPF_MEM, 0, NULL },
		{ TPBPF_CORE_FIELD_PTR, TPBPF_CORE_FIELD_PTR, false, false, 8, BPF_MEM, 0, NULL },
		{ TPBPF_CORE_FIELD_INT, TPBPF_CORE_FIELD_INT, true, true, 8, BPF_MEM, 1, "went from 4 to 8 bytes and is not a pointer or unsigned integer" },
		{ TPBPF_CORE_FIELD_INT, TPBPF_CORE_FIELD_PTR, false, false, 8, BPF_MEM, 1, "is not a pointer or unsigned integer" },
		{ TPBPF_CORE_FIELD_OTHER, TPBPF_CORE_FIELD_OTHER, false, false, 8, BPF_MEM, 1, "is not a pointer" },
		{ TPBPF_CORE_FIELD_INT, TPBPF_CORE_FIELD_INT, false, false, 16, BPF_MEM, 1, "cannot be made to access 16 bytes" },
		{ TPBPF_CORE_FIELD_INT, TPBPF_CORE_FIELD_INT, false, false, 8, BPF_ATOMIC, 1, "cannot be made to access 8 bytes" },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct patch_case pc;
		struct bpf_insn insn = { .code = (uint8_t)(BPF_LDX | cases[i].mode | BPF_W), .dst_reg = 1, .src_reg = 2 };
		char why[256];

		if (cases[i].mode == BPF_ATOMIC)
			insn.code = BPF_STX | BPF_ATOMIC | BPF_W;
		patch_case(&pc, "0:0", TPBPF_CORE_FIELD_BYTE_OFFSET);
		pc.local.field_class = cases[i].class_l;
		pc.local.is_signed = cases[i].signed_l;
		pc.targ.field_class = cases[i].class_t;
		pc.targ.is_signed = cases[i].signed_t;
		pc.targ.byte_size = cases[i].size_t;
		pc.targ.bit_offset = 64;
		assert_int_equal(patch(&pc, &insn, 1, 0, why), cases[i].want);
		if (cases[i].want == 0) {
			assert_int_equal(insn.off, 8);
			assert_int_equal(BPF_SIZE(insn.code), size_code(cases[i].size_t));
			assert_int_equal(BPF_CLASS(insn.code), BPF_LDX);
			assert_int_equal(BPF_MODE(insn.code), BPF_MEM);
			assert_int_equal(insn.src_reg, 2);
		} else {
			assert_memory_equal(&insn, &poison_insn, sizeof(insn));
			if (!strstr(why, cases[i].why))
				fail_msg("case %zu: want \"%s\" in \"%s\"", i, cases[i].why, why);
		}
		/* the instruction's own size must be the local field's */
		if (cases[i].want == 0) {
			insn = (struct bpf_insn){ .code = BPF_LDX | BPF_MEM | BPF_H };
			assert_int_equal(patch(&pc, &insn, 1, 0, why), -EINVAL);
			assert_non_null(strstr(why, "instruction 0 accesses 2 bytes, but the field has 4"));
		}
		patch_case_free(&pc);
	}
}

/* What a missing target does to each kind: 0, or a poisoned instruction. */
static void test_missing_target(void **state)
{
	static const struct {
		uint32_t kind;
		const char *access;
		int want;		/* 0: patched to 0; 1: poisoned */
	} cases[] = {
		{ TPBPF_CORE_FIELD_EXISTS, "0:0", 0 },
		{ TPBPF_CORE_FIELD_BYTE_OFFSET, "0:0", 1 },
		{ TPBPF_CORE_FIELD_BYTE_SIZE, "0:0", 1 },
		{ TPBPF_CORE_FIELD_SIGNED, "0:0", 1 },
		{ TPBPF_CORE_FIELD_LSHIFT_U64, "0:0", 1 },
		{ TPBPF_CORE_FIELD_RSHIFT_U64, "0:0", 1 },
		{ TPBPF_CORE_TYPE_EXISTS, "0", 0 },
		{ TPBPF_CORE_TYPE_SIZE, "0", 0 },
		{ TPBPF_CORE_TYPE_ID_TARGET, "0", 0 },
		{ TPBPF_CORE_TYPE_MATCHES, "0", 0 },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct patch_case pc;
		uint64_t lv;
		struct bpf_insn insns[2] = { { .code = BPF_LD | BPF_IMM | BPF_DW, .dst_reg = 3 }, { 0 } };
		char why[256];

		patch_case(&pc, cases[i].access, cases[i].kind);
		assert_int_equal(tpbpf_core_value(&pc.spec, &pc.local, &lv), 0);
		insns[0].imm = (int32_t)lv;
		memset(&pc.targ, 0, sizeof(pc.targ));
		assert_int_equal(patch(&pc, insns, 2, 0, why), cases[i].want);
		if (cases[i].want) {
			assert_memory_equal(&insns[0], &poison_insn, sizeof(poison_insn));
			assert_memory_equal(&insns[1], &poison_insn, sizeof(poison_insn));
			assert_non_null(strstr(why, "the target has no such field"));
		} else {
			assert_int_equal(insns[0].code, BPF_LD | BPF_IMM | BPF_DW);
			assert_int_equal(insns[0].imm, 0);
			assert_int_equal(insns[1].imm, 0);
			assert_int_equal(insns[0].dst_reg, 3);
		}
		patch_case_free(&pc);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_object_against_built_kernel),
		cmocka_unit_test(test_object_against_itself),
		cmocka_unit_test(test_objects_against_this_kernel),
		cmocka_unit_test(test_anonymous_members_and_flavors),
		cmocka_unit_test(test_compatible_kinds),
		cmocka_unit_test(test_arrays),
		cmocka_unit_test(test_bitfields),
		cmocka_unit_test(test_types),
		cmocka_unit_test(test_type_size_and_ids),
		cmocka_unit_test(test_enum_values),
		cmocka_unit_test(test_ambiguity),
		cmocka_unit_test(test_match_budget),
		cmocka_unit_test(test_spec_errors),
		cmocka_unit_test(test_describe),
		cmocka_unit_test(test_patch),
		cmocka_unit_test(test_patch_sizes),
		cmocka_unit_test(test_missing_target),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
