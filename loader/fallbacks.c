/* SPDX-License-Identifier: MIT */
/*
 * The load path, step "fallbacks" (the steps in order: object.h), between
 * "relocate" and "load": rewrite a relocated program so a kernel without a
 * feature still takes it. Each rewrite is chosen by a feature probe
 * (features.c), run only when the program needs the answer:
 *
 *  - bpf_probe_read_kernel/_user (5.5)      -> bpf_probe_read
 *  - bpf_probe_read_kernel_str/_user_str     -> bpf_probe_read_str
 *  - bpf_get_attach_cookie (BPF links, 5.15) -> a constant: the event ID,
 *    in one copy of the program per tracepoint (attach.c loads them)
 *  - loads of known .rodata values (global data, 5.2) -> immediates
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "object.h"

#define CALL (BPF_JMP | BPF_CALL)
#define LD_IMM64 (BPF_LD | BPF_IMM | BPF_DW)

struct helper_fallback {
	int helper;
	enum tpbpf_feature feature;
	int replacement;
	const char *name, *replacement_name;
};

static const struct helper_fallback helper_fallbacks[] = {
	{ BPF_FUNC_probe_read_kernel, TPBPF_FEAT_PROBE_READ_KERNEL, BPF_FUNC_probe_read,
	  "bpf_probe_read_kernel", "bpf_probe_read" },
	{ BPF_FUNC_probe_read_user, TPBPF_FEAT_PROBE_READ_USER, BPF_FUNC_probe_read,
	  "bpf_probe_read_user", "bpf_probe_read" },
	{ BPF_FUNC_probe_read_kernel_str, TPBPF_FEAT_PROBE_READ_KERNEL_STR, BPF_FUNC_probe_read_str,
	  "bpf_probe_read_kernel_str", "bpf_probe_read_str" },
	{ BPF_FUNC_probe_read_user_str, TPBPF_FEAT_PROBE_READ_USER_STR, BPF_FUNC_probe_read_str,
	  "bpf_probe_read_user_str", "bpf_probe_read_str" },
};

static bool is_helper_call(const struct bpf_insn *insn)
{
	return insn->code == CALL && insn->src_reg == 0;
}

static int rewrite_helpers(struct tpbpf_program *prog)
{
	for (size_t i = 0; i < ARRAY_SIZE(helper_fallbacks); i++) {
		const struct helper_fallback *h = &helper_fallbacks[i];
		bool used = false;
		int present;

		for (size_t k = 0; k < prog->insn_cnt && !used; k++)
			used = is_helper_call(&prog->insns[k]) && prog->insns[k].imm == h->helper;
		if (!used)
			continue;
		present = tpbpf_feature_present(h->feature);
		if (present != 0)
			continue;	/* present, or cannot tell: load as written */
		for (size_t k = 0; k < prog->insn_cnt; k++) {
			if (!is_helper_call(&prog->insns[k]) || prog->insns[k].imm != h->helper)
				continue;
			prog->insns[k].imm = h->replacement;
			tpbpf_log("  fallback %s insn %zu: %s -> %s (kernel before %s)", prog->name,
				  k, h->name, h->replacement_name, tpbpf_feature_kernel(h->feature));
		}
	}
	return 0;
}

/*
 * Without BPF links there are no cookies: each call the plan found becomes
 * "r0 = 0" here, and attach.c loads one copy per tracepoint with r0 = that
 * event's ID.
 */
static int rewrite_cookie_calls(struct tpbpf_program *prog)
{
	if (!prog->nr_cookie_calls || tpbpf_feature_present(TPBPF_FEAT_PERF_LINK) != 0)
		return 0;
	for (size_t i = 0; i < prog->nr_cookie_calls; i++) {
		size_t k = prog->cookie_calls[i];

		prog->insns[k] = (struct bpf_insn){ .code = BPF_ALU64 | BPF_MOV | BPF_K,
						    .dst_reg = BPF_REG_0 };
		tpbpf_log("  fallback %s insn %zu: bpf_get_attach_cookie -> the event ID, one program copy per tracepoint (no BPF links before 5.15)",
			  prog->name, k);
	}
	prog->per_event_copies = true;
	return 0;
}

/* Instructions that a jump can land on: folding must not cross them. */
static bool *jump_targets(const struct tpbpf_program *prog)
{
	bool *t = calloc(prog->insn_cnt + 1, sizeof(*t));

	if (!t)
		return NULL;
	for (size_t k = 0; k < prog->insn_cnt; k++) {
		const struct bpf_insn *insn = &prog->insns[k];
		uint8_t cls = BPF_CLASS(insn->code), op = BPF_OP(insn->code);
		int64_t to;

		if (insn->code == LD_IMM64) {
			k++;
			continue;
		}
		if ((cls != BPF_JMP && cls != BPF_JMP32) || op == BPF_CALL || op == BPF_EXIT)
			continue;
		to = (int64_t)k + 1 + insn->off;
		if (to >= 0 && (size_t)to <= prog->insn_cnt)
			t[to] = true;
	}
	return t;
}

static bool reads_reg(const struct bpf_insn *insn, uint8_t reg)
{
	uint8_t cls = BPF_CLASS(insn->code);

	if (insn->code == CALL)
		return reg >= BPF_REG_1 && reg <= BPF_REG_5;
	if (cls == BPF_LDX)
		return insn->src_reg == reg;
	if (cls == BPF_STX)
		return insn->src_reg == reg || insn->dst_reg == reg;
	if (cls == BPF_ST)
		return insn->dst_reg == reg;
	if ((cls == BPF_ALU || cls == BPF_ALU64) && BPF_OP(insn->code) == BPF_MOV)
		return BPF_SRC(insn->code) == BPF_X && insn->src_reg == reg;
	if (cls == BPF_ALU || cls == BPF_ALU64 || cls == BPF_JMP || cls == BPF_JMP32)
		return insn->dst_reg == reg ||
		       (BPF_SRC(insn->code) == BPF_X && insn->src_reg == reg);
	return false;
}

/*
 * "rX = &rodata[off]; rY = *(uN *)(rX + k)" becomes "rY = value": straight-
 * line code only, and only when rX has no other use. Anything else cannot
 * run without global data and fails with the section and variable named.
 */
static int fold_one(struct tpbpf_object *obj, struct tpbpf_program *prog,
		    const struct reloc *rl, const bool *targets)
{
	struct obj_section *sec = &obj->secs[obj->maps[rl->map].sec_idx];
	struct bpf_insn *ld = &prog->insns[rl->insn];
	uint8_t reg = ld->dst_reg;

	for (size_t k = rl->insn + 2; k < prog->insn_cnt; k++) {
		struct bpf_insn *insn = &prog->insns[k];
		uint8_t cls = BPF_CLASS(insn->code);

		if (targets[k])
			break;
		if (cls == BPF_LDX && BPF_MODE(insn->code) == BPF_MEM && insn->src_reg == reg) {
			size_t size = BPF_SIZE(insn->code) == BPF_B ? 1 : BPF_SIZE(insn->code) == BPF_H ? 2 :
				      BPF_SIZE(insn->code) == BPF_W ? 4 : 8;
			int64_t at = (int64_t)rl->off + insn->off;
			uint64_t v = 0;
			bool overwrites = insn->dst_reg == reg;

			if (at < 0 || (uint64_t)at + size > sec->size || !sec->data)
				break;
			memcpy(&v, (char *)sec->data + at, size);
			if (size == 8 && (int64_t)v != (int32_t)v)
				break;	/* does not fit an immediate */
			*insn = (struct bpf_insn){ .code = BPF_ALU64 | BPF_MOV | BPF_K,
						   .dst_reg = insn->dst_reg, .imm = (int32_t)v };
			tpbpf_log("  fallback %s insn %zu: load of %s+%lld -> %lld (no global data before 5.2)",
				  prog->name, k, sec->name, (long long)at, (long long)(int32_t)v);
			if (overwrites)
				goto done;
			continue;
		}
		/* The program ends without using it again: the address is dead. */
		if (insn->code == (BPF_JMP | BPF_EXIT) && reg != BPF_REG_0)
			goto done;
		if (reads_reg(insn, reg) || BPF_CLASS(insn->code) == BPF_JMP ||
		    BPF_CLASS(insn->code) == BPF_JMP32)
			break;
		/* Written by anything else: the address is dead from here. */
		if ((cls == BPF_ALU || cls == BPF_ALU64 || cls == BPF_LDX ||
		     insn->code == LD_IMM64) && insn->dst_reg == reg)
			goto done;
		if (insn->code == LD_IMM64)
			k++;
	}
	return tpbpf_err(ENOTSUP, "%s: program %s uses global data (section %s, variable %s) in a way that needs kernel 5.2 or newer (BPF_PSEUDO_MAP_VALUE); only reads of constants can be folded on this kernel",
			 obj->name, prog->name, sec->name, rl->sym);
done:
	/* The address itself is no longer needed: a plain 0. */
	ld[0].src_reg = 0;
	ld[0].imm = 0;
	ld[1].imm = 0;
	return 0;
}

/* Global data references the plan could not point at a map: there is none. */
static bool unmapped_data(const struct tpbpf_object *obj, const struct reloc *r)
{
	return r->kind == TPBPF_RELOC_MAP_VALUE && obj->maps[r->map].fd < 0;
}

static int fold_rodata(struct tpbpf_object *obj, struct tpbpf_program *prog)
{
	bool *targets = NULL;
	int err = 0;

	for (size_t i = 0; i < prog->nr_relocs && !err; i++) {
		const struct reloc *r = &prog->relocs[i];
		const struct tpbpf_map *m;

		if (!unmapped_data(obj, r))
			continue;
		m = &obj->maps[r->map];
		if (!targets && !(targets = jump_targets(prog)))
			return tpbpf_err(ENOMEM, "out of memory");
		if (m->origin != MAP_FROM_RODATA)
			err = tpbpf_err(ENOTSUP, "%s: program %s writes or keeps global data (section %s, variable %s), which needs kernel 5.2 or newer",
					obj->name, prog->name, obj->secs[m->sec_idx].name, r->sym);
		else
			err = fold_one(obj, prog, r, targets);
	}
	free(targets);
	return err;
}

int tpbpf_obj_apply_fallbacks(struct tpbpf_object *obj, struct tpbpf_program *prog)
{
	int err = fold_rodata(obj, prog);

	if (!err)
		err = rewrite_helpers(prog);
	if (!err && prog->kind == TPBPF_PROG_TRACEPOINT)
		err = rewrite_cookie_calls(prog);
	return err;
}
