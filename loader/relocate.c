/* SPDX-License-Identifier: MIT */
/*
 * Step 3 of the load path: patch a program's instructions so the kernel
 * can take them.
 *
 *  - ld_imm64 of a map symbol        -> src_reg BPF_PSEUDO_MAP_FD, imm = map fd
 *  - ld_imm64 of global data         -> src_reg BPF_PSEUDO_MAP_VALUE,
 *                                       imm = map fd, next imm = offset
 *  - ld_imm64 of a "tpbpf." symbol   -> the load-time constant's value
 *  - call of a function in .text     -> the function appended to the
 *                                       program, the call's imm pointed at it
 *
 * BPF objects use REL relocations: an addend, if any, is already in the
 * instruction's imm, so each patch adds to what is there.
 */
#include <errno.h>
#include <gelf.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "object.h"

#define LD_IMM64 (BPF_LD | BPF_IMM | BPF_DW)
#define CALL (BPF_JMP | BPF_CALL)

/* A .text function already appended to the program being relocated. */
struct placed_func {
	size_t sec_off;		/* first instruction in .text */
	size_t cnt;
	size_t pos;		/* where it starts in the program */
};

struct reloc_state {
	struct tpbpf_object *obj;
	struct tpbpf_program *prog;
	struct placed_func *funcs;
	size_t nr_funcs;
};

static int reloc_err(struct reloc_state *st, size_t sec_idx, size_t insn,
		     const char *sym, int err, const char *why)
{
	return tpbpf_err(err, "%s: program %s: section %s, instruction %zu, symbol %s: %s",
			 st->obj->name, st->prog->name, st->obj->secs[sec_idx].name,
			 insn, sym[0] ? sym : "(none)", why);
}

int tpbpf_obj_text_func_bounds(const struct tpbpf_object *obj, size_t idx, size_t *off,
			 size_t *cnt)
{
	size_t text_cnt = obj->secs[obj->text_idx].size / sizeof(struct bpf_insn);
	bool any = false;

	for (size_t i = 0; i < obj->nr_syms; i++) {
		const struct obj_symbol *s = &obj->syms[i];
		size_t so = s->value / sizeof(struct bpf_insn);
		size_t sc = s->size / sizeof(struct bpf_insn);

		if (s->shndx != obj->text_idx || s->type != STT_FUNC)
			continue;
		any = true;
		if (idx >= so && idx < so + sc && so + sc <= text_cnt) {
			*off = so;
			*cnt = sc;
			return 0;
		}
	}
	if (any || idx >= text_cnt)
		return -ENOENT;
	/* No function symbols: all of .text is one function. */
	*off = 0;
	*cnt = text_cnt;
	return 0;
}

static int relocate_range(struct reloc_state *st, size_t sec_idx,
			  size_t sec_off, size_t cnt, size_t pos);

/* Append the .text function holding instruction TARGET, once; its position. */
static int place_text_func(struct reloc_state *st, size_t target, size_t *pos)
{
	struct tpbpf_program *prog = st->prog;
	struct obj_section *text = &st->obj->secs[st->obj->text_idx];
	struct placed_func *funcs;
	struct bpf_insn *insns;
	size_t off, cnt;
	int err;

	for (size_t i = 0; i < st->nr_funcs; i++) {
		struct placed_func *f = &st->funcs[i];

		if (target >= f->sec_off && target < f->sec_off + f->cnt) {
			*pos = f->pos + (target - f->sec_off);
			return 0;
		}
	}
	if (tpbpf_obj_text_func_bounds(st->obj, target, &off, &cnt))
		return -ENOENT;
	funcs = realloc(st->funcs, (st->nr_funcs + 1) * sizeof(*funcs));
	if (!funcs)
		return tpbpf_err(ENOMEM, "out of memory");
	st->funcs = funcs;
	insns = realloc(prog->insns, (prog->insn_cnt + cnt) * sizeof(*insns));
	if (!insns)
		return tpbpf_err(ENOMEM, "out of memory");
	prog->insns = insns;
	memcpy(insns + prog->insn_cnt, (struct bpf_insn *)text->data + off,
	       cnt * sizeof(*insns));
	funcs[st->nr_funcs] = (struct placed_func){ off, cnt, prog->insn_cnt };
	st->nr_funcs++;
	tpbpf_log("  append .text function at %zu (%zu instructions) to %s at %zu",
		  off, cnt, prog->name, prog->insn_cnt);
	prog->insn_cnt += cnt;
	prog->nr_subprogs++;
	*pos = funcs[st->nr_funcs - 1].pos + (target - off);
	/* Its own relocations (maps, constants, further calls) apply too. */
	err = relocate_range(st, st->obj->text_idx, off, cnt,
			     funcs[st->nr_funcs - 1].pos);
	return err;
}

static int patch_call(struct reloc_state *st, size_t sec_idx, size_t sec_insn,
		      size_t pos, const struct obj_symbol *sym)
{
	struct bpf_insn *insn = &st->prog->insns[pos];
	int64_t target;
	size_t at;
	int err;

	if (insn->src_reg != BPF_PSEUDO_CALL)
		return reloc_err(st, sec_idx, sec_insn, sym->name, EINVAL,
				 "call of an external function; only helpers and functions defined in the object can be called");
	if (sym->shndx != st->obj->text_idx || !st->obj->text_idx)
		return reloc_err(st, sec_idx, sec_insn, sym->name, EINVAL,
				 "call into a section other than .text");
	/* The callee's first instruction, counted in .text. */
	target = (int64_t)(sym->value / sizeof(struct bpf_insn)) + insn->imm + 1;
	if (target < 0 ||
	    (uint64_t)target >= st->obj->secs[st->obj->text_idx].size / sizeof(struct bpf_insn))
		return reloc_err(st, sec_idx, sec_insn, sym->name, EINVAL,
				 "call target outside .text");
	err = place_text_func(st, (size_t)target, &at);
	if (err == -ENOENT)
		return reloc_err(st, sec_idx, sec_insn, sym->name, EINVAL,
				 "call target is not inside any .text function");
	if (err)
		return err;
	/* place_text_func may have moved the array: index again. */
	insn = &st->prog->insns[pos];
	insn->imm = (int32_t)((int64_t)at - (int64_t)pos - 1);
	tpbpf_log("  reloc %s insn %zu: call %s -> pc%+d", st->prog->name, pos,
		  sym->name[0] ? sym->name : st->obj->secs[sym->shndx].name, insn->imm);
	return 0;
}

static int add_rodata_load(struct reloc_state *st, size_t pos, struct tpbpf_map *m,
			   uint64_t off, const char *sym)
{
	struct tpbpf_program *prog = st->prog;
	struct rodata_load *rl;

	rl = realloc(prog->rodata_loads, (prog->nr_rodata_loads + 1) * sizeof(*rl));
	if (!rl)
		return tpbpf_err(ENOMEM, "out of memory");
	prog->rodata_loads = rl;
	rl[prog->nr_rodata_loads++] = (struct rodata_load){ pos, m, off, sym };
	return 0;
}

static int patch_ld_imm64(struct reloc_state *st, size_t sec_idx, size_t sec_insn,
			  size_t pos, const struct obj_symbol *sym)
{
	struct tpbpf_object *obj = st->obj;
	struct bpf_insn *insn = &st->prog->insns[pos];
	struct tpbpf_map *m;
	uint64_t value;
	int err;

	if (pos + 1 >= st->prog->insn_cnt)
		return reloc_err(st, sec_idx, sec_insn, sym->name, EINVAL,
				 "ld_imm64 cut off at the end of the code");

	if (sym->shndx == SHN_UNDEF) {
		if (strncmp(sym->name, TPBPF_CONST_PREFIX, strlen(TPBPF_CONST_PREFIX)) != 0)
			return reloc_err(st, sec_idx, sec_insn, sym->name, ENOENT,
					 "undefined symbol; only tpbpf load-time constants (tpbpf.*) may be left undefined");
		err = tpbpf_obj_resolve_const(obj, sym->name, &value);
		if (err)
			return tpbpf_err_prefix(-err, "%s: program %s: section %s, instruction %zu, symbol %s: ",
						obj->name, st->prog->name,
						obj->secs[sec_idx].name, sec_insn, sym->name);
		value += (uint64_t)(uint32_t)insn[0].imm | (uint64_t)insn[1].imm << 32;
		insn[0].imm = (int32_t)(uint32_t)value;
		insn[1].imm = (int32_t)(uint32_t)(value >> 32);
		tpbpf_log("  reloc %s insn %zu: %s = %llu", st->prog->name, pos,
			  sym->name, (unsigned long long)value);
		return 0;
	}

	if (sym->shndx == obj->maps_idx && obj->maps_idx) {
		for (size_t i = 0; i < obj->nr_maps; i++) {
			m = &obj->maps[i];
			if (m->origin != MAP_FROM_DEF ||
			    m->sec_off != sym->value + (uint64_t)(uint32_t)insn->imm)
				continue;
			insn[0].src_reg = BPF_PSEUDO_MAP_FD;
			insn[0].imm = m->fd;
			insn[1].imm = 0;
			tpbpf_log("  reloc %s insn %zu: map %s -> map fd %d",
				  st->prog->name, pos, m->name, m->fd);
			return 0;
		}
		return reloc_err(st, sec_idx, sec_insn, sym->name, EINVAL,
				 "refers into section maps but to no map definition");
	}

	if (sym->shndx < obj->nr_secs && obj->secs[sym->shndx].role == SEC_DATA &&
	    obj->secs[sym->shndx].map_idx >= 0) {
		uint64_t off = sym->value + (uint64_t)(uint32_t)insn->imm;

		m = &obj->maps[obj->secs[sym->shndx].map_idx];
		if (off >= m->value_size)
			return reloc_err(st, sec_idx, sec_insn, sym->name, EINVAL,
					 "offset past the end of its global data section");
		if (m->fd < 0)	/* no global data here: fallbacks.c folds it */
			return add_rodata_load(st, pos, m, off, sym->name);
		insn[0].src_reg = BPF_PSEUDO_MAP_VALUE;
		insn[0].imm = m->fd;
		insn[1].imm = (int32_t)off;
		tpbpf_log("  reloc %s insn %zu: %s+%llu -> map fd %d value",
			  st->prog->name, pos, m->name, (unsigned long long)off, m->fd);
		return 0;
	}
	return reloc_err(st, sec_idx, sec_insn, sym->name, EINVAL,
			 "ld_imm64 of a symbol in a section that is neither maps nor global data");
}

/*
 * Relocate CNT instructions that start at SEC_OFF in section SEC_IDX and now
 * sit at POS in the program.
 */
static int relocate_range(struct reloc_state *st, size_t sec_idx,
			  size_t sec_off, size_t cnt, size_t pos)
{
	struct obj_section *sec = &st->obj->secs[sec_idx];
	int err;

	for (size_t r = 0; r < sec->nr_relocs; r++) {
		const struct obj_reloc *rel = &sec->relocs[r];
		size_t i = rel->offset / sizeof(struct bpf_insn);
		const struct obj_symbol *sym = &st->obj->syms[rel->sym];
		size_t at = pos + (i - sec_off);
		uint8_t code;

		if (i < sec_off || i >= sec_off + cnt)
			continue;
		code = st->prog->insns[at].code;
		if (code == CALL)
			err = patch_call(st, sec_idx, i, at, sym);
		else if (code == LD_IMM64)
			err = patch_ld_imm64(st, sec_idx, i, at, sym);
		else
			err = reloc_err(st, sec_idx, i, sym->name, EINVAL,
					"relocation on an instruction that is neither ld_imm64 nor call");
		if (err)
			return err;
	}

	/* bpf-to-bpf calls that carry no relocation are relative already. */
	for (size_t i = 0; i < cnt; i++) {
		struct bpf_insn *insn = &st->prog->insns[pos + i];
		int64_t target = (int64_t)(sec_off + i) + insn->imm + 1;
		bool relocated = false;
		size_t at;

		if (insn->code != CALL || insn->src_reg != BPF_PSEUDO_CALL)
			continue;
		for (size_t r = 0; r < sec->nr_relocs; r++)
			if (sec->relocs[r].offset == (sec_off + i) * sizeof(struct bpf_insn))
				relocated = true;
		if (relocated)
			continue;
		if (target >= (int64_t)sec_off && target < (int64_t)(sec_off + cnt))
			continue;	/* stays inside this function */
		if (sec_idx != st->obj->text_idx)
			return reloc_err(st, sec_idx, sec_off + i, "", EINVAL,
					 "call without relocation leaves the program");
		err = place_text_func(st, (size_t)target, &at);
		if (err)
			return err == -ENOENT ?
			       reloc_err(st, sec_idx, sec_off + i, "", EINVAL,
					 "call target is not inside any .text function") : err;
		insn = &st->prog->insns[pos + i];
		insn->imm = (int32_t)((int64_t)at - (int64_t)(pos + i) - 1);
	}
	return 0;
}

int tpbpf_obj_relocate_program(struct tpbpf_object *obj, struct tpbpf_program *prog)
{
	struct obj_section *sec = &obj->secs[prog->sec_idx];
	struct reloc_state st = { obj, prog, NULL, 0 };
	int err;

	/* Start again from the section, so a second load relocates afresh. */
	free(prog->insns);
	free(prog->rodata_loads);
	prog->rodata_loads = NULL;
	prog->nr_rodata_loads = 0;
	prog->insn_cnt = prog->sec_insn_cnt;
	prog->nr_subprogs = 0;
	prog->insns = malloc(prog->insn_cnt * sizeof(*prog->insns));
	if (!prog->insns)
		return tpbpf_err(ENOMEM, "out of memory");
	memcpy(prog->insns, (struct bpf_insn *)sec->data + prog->sec_insn_off,
	       prog->insn_cnt * sizeof(*prog->insns));

	tpbpf_log("relocate program %s (%zu instructions)", prog->name, prog->insn_cnt);
	err = relocate_range(&st, prog->sec_idx, prog->sec_insn_off,
			     prog->sec_insn_cnt, 0);
	free(st.funcs);
	return err;
}
