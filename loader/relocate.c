/* SPDX-License-Identifier: MIT */
/*
 * The load path, steps "plan" and "relocate" (the steps in order:
 * object.h): relocation, in two halves.
 *
 * Step "plan", made once when the object is read: for each program, every
 * instruction that loading must rewrite, what it refers to, and the layout
 * of the program once the .text functions it calls are appended after its
 * own code (each once, in the order they are first called). One entry per
 * instruction:
 *
 *  - ld_imm64 of a map symbol        MAP_FD     -> src_reg BPF_PSEUDO_MAP_FD,
 *                                                  imm = map fd
 *  - ld_imm64 of global data         MAP_VALUE  -> src_reg BPF_PSEUDO_MAP_VALUE,
 *                                                  imm = map fd, next imm = offset
 *  - ld_imm64 of a "tpbpf." symbol   CONST      -> the load-time constant's value
 *  - call of a function in .text     CALL       -> imm = distance to where the
 *                                                  function landed
 *  - a CO-RE record of .BTF.ext      CORE       -> the field offset, size,
 *                                                  "exists"... of this kernel
 *                                                  (core_resolve.c, core.c)
 *  - a weak extern __ksym: ld_imm64  EXTERN     -> 0, so bpf_ksym_exists() is
 *    of it, or a call of a kfunc                   false; the call poisoned
 *  - anything the loader cannot do   INVALID    -> the load fails, saying why
 *
 * Step "relocate", applying the plan at load: copy the code in its layout
 * and write each entry. inspect (inspect.c) and -v show the same entries.
 *
 * BPF objects use REL relocations: an addend, if any, is already in the
 * instruction's imm, so the plan keeps it and the write adds to it.
 */
#include <errno.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "btf.h"
#include "core.h"
#include "internal.h"
#include "object.h"

#define LD_IMM64 (BPF_LD | BPF_IMM | BPF_DW)
#define CALL (BPF_JMP | BPF_CALL)
#ifndef BPF_PSEUDO_KFUNC_CALL
#define BPF_PSEUDO_KFUNC_CALL 2
#endif

/* ---- making the plan -------------------------------------------------------- */

struct planner {
	struct tpbpf_object *obj;
	struct tpbpf_program *prog;
};

static const struct bpf_insn *sec_insns(const struct tpbpf_object *obj, size_t sec_idx)
{
	return obj->secs[sec_idx].data;
}

static size_t sec_insn_cnt(const struct tpbpf_object *obj, size_t sec_idx)
{
	return obj->secs[sec_idx].size / sizeof(struct bpf_insn);
}

static struct reloc *add_reloc(struct planner *pl, enum tpbpf_reloc_kind kind,
			       size_t sec_idx, size_t sec_insn, size_t at, const char *sym)
{
	struct tpbpf_program *prog = pl->prog;
	struct reloc *r = realloc(prog->relocs, (prog->nr_relocs + 1) * sizeof(*r));

	if (!r) {
		tpbpf_err(ENOMEM, "out of memory");
		return NULL;
	}
	prog->relocs = r;
	r = &prog->relocs[prog->nr_relocs++];
	*r = (struct reloc){ .kind = kind, .insn = at, .sec_idx = sec_idx,
			     .sec_insn = sec_insn, .sym = sym, .map = -1 };
	return r;
}

/* An entry the loader refuses; loading fails with WHY, inspect shows it. */
static int invalid(struct planner *pl, size_t sec_idx, size_t sec_insn, size_t at,
		   const char *sym, const char *why)
{
	struct reloc *r = add_reloc(pl, TPBPF_RELOC_INVALID, sec_idx, sec_insn, at, sym);

	if (!r)
		return -ENOMEM;
	r->why = why;
	return 0;
}

/* The name a relocation's symbol goes by: a section symbol has its section's. */
static const char *sym_name(const struct tpbpf_object *obj, const struct obj_symbol *sym)
{
	if (sym->name[0] || sym->type != STT_SECTION || sym->shndx >= obj->nr_secs)
		return sym->name;
	return obj->secs[sym->shndx].name;
}

/* The .text function holding .text instruction IDX: its first insn, count and name. */
static int text_func_at(const struct tpbpf_object *obj, size_t idx, size_t *off,
			size_t *cnt, const char **name)
{
	size_t text_cnt = sec_insn_cnt(obj, obj->text_idx);
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
			*name = s->name;
			return 0;
		}
	}
	if (any || idx >= text_cnt)
		return -ENOENT;
	/* No function symbols: all of .text is one function. */
	*off = 0;
	*cnt = text_cnt;
	*name = ".text";
	return 0;
}

static int plan_range(struct planner *pl, size_t sec_idx, size_t sec_off, size_t cnt,
		      size_t pos);

/* Where .text instruction TARGET lands, appending its function once. */
static int place_text_func(struct planner *pl, size_t target, size_t *pos)
{
	struct tpbpf_program *prog = pl->prog;
	struct text_func *f;
	const char *name;
	size_t off, cnt;

	for (size_t i = 0; i < prog->nr_funcs; i++) {
		f = &prog->funcs[i];
		if (target >= f->sec_off && target < f->sec_off + f->cnt) {
			*pos = f->pos + (target - f->sec_off);
			return 0;
		}
	}
	if (!pl->obj->text_idx || text_func_at(pl->obj, target, &off, &cnt, &name))
		return -ENOENT;
	f = realloc(prog->funcs, (prog->nr_funcs + 1) * sizeof(*f));
	if (!f)
		return tpbpf_err(ENOMEM, "out of memory");
	prog->funcs = f;
	prog->funcs[prog->nr_funcs++] = (struct text_func){ off, cnt, prog->layout_cnt, name };
	*pos = prog->layout_cnt + (target - off);
	prog->layout_cnt += cnt;
	/* Its own relocations (maps, constants, further calls) are planned too. */
	return plan_range(pl, pl->obj->text_idx, off, cnt, prog->layout_cnt - cnt);
}

/* The section of the object's BTF (".ksyms", ".kconfig") that declares extern NAME. */
static const char *extern_section(const struct tpbpf_object *obj, const char *name)
{
	for (uint32_t id = 1; obj->btf && id < tpbpf_btf_type_count(obj->btf); id++) {
		const struct btf_type *t = tpbpf_btf_type(obj->btf, id);
		const struct btf_var_secinfo *v;

		if (btf_kind(t) != BTF_KIND_DATASEC)
			continue;
		v = btf_var_secinfos(t);
		for (uint32_t i = 0; i < btf_vlen(t); i++) {
			const char *var = tpbpf_btf_name(obj->btf, v[i].type);

			if (var && strcmp(var, name) == 0)
				return tpbpf_btf_name(obj->btf, id);
		}
	}
	return NULL;
}

/*
 * An undefined symbol the program loads (ld_imm64) or calls (a kfunc).
 * tpbpf resolves no kernel symbols (that needs the kernel's BTF or
 * kallsyms): a weak __ksym is absent, as libbpf makes it when the kernel
 * lacks it, so bpf_ksym_exists() is false and the program keeps to its
 * fallback; anything else is refused, saying what it is.
 */
static int plan_extern(struct planner *pl, size_t sec_idx, size_t i, size_t at,
		       const struct obj_symbol *sym, bool call)
{
	const char *sec = extern_section(pl->obj, sym->name);

	if (sec && strcmp(sec, ".kconfig") == 0)
		return invalid(pl, sec_idx, i, at, sym->name,
			       "extern __kconfig: tpbpf does not provide .kconfig values; make it a const volatile and set it with --set NAME=VALUE");
	if (!sec && !pl->obj->btf)
		return invalid(pl, sec_idx, i, at, sym->name,
			       "undefined symbol, and no BTF (compile with -g) to say whether it is a __ksym or a __kconfig extern");
	if (!sec || strcmp(sec, ".ksyms") != 0)
		return invalid(pl, sec_idx, i, at, sym->name,
			       "undefined symbol; only tpbpf load-time constants (tpbpf.*) and weak __ksym externs may be left undefined");
	if (sym->bind != STB_WEAK)
		return invalid(pl, sec_idx, i, at, sym->name,
			       call ? "call of a kfunc: tpbpf calls no kfuncs (they need the kernel's BTF); declare it __weak and guard the call with bpf_ksym_exists()" :
				      "extern __ksym: tpbpf resolves no kernel symbols; declare it __weak and check bpf_ksym_exists()");
	return add_reloc(pl, TPBPF_RELOC_EXTERN, sec_idx, i, at, sym->name) ? 0 : -ENOMEM;
}

static int plan_call(struct planner *pl, size_t sec_idx, size_t i, size_t at,
		     const struct obj_symbol *sym)
{
	const struct tpbpf_object *obj = pl->obj;
	const struct bpf_insn *insn = &sec_insns(obj, sec_idx)[i];
	const char *name = sym_name(obj, sym);
	struct reloc *r;
	int64_t target;
	size_t dest;
	int err;

	/* clang marks a kfunc's call as a bpf-to-bpf call (1); the symbol says. */
	if (sym->shndx == SHN_UNDEF &&
	    (insn->src_reg == BPF_PSEUDO_CALL || insn->src_reg == BPF_PSEUDO_KFUNC_CALL))
		return plan_extern(pl, sec_idx, i, at, sym, true);
	if (insn->src_reg != BPF_PSEUDO_CALL)
		return invalid(pl, sec_idx, i, at, name,
			       "call of an external function; only helpers and functions defined in the object can be called");
	if (!obj->text_idx || sym->shndx != obj->text_idx)
		return invalid(pl, sec_idx, i, at, name, "call into a section other than .text");
	/* The callee's first instruction, counted in .text. */
	target = (int64_t)(sym->value / sizeof(struct bpf_insn)) + insn->imm + 1;
	if (target < 0 || (uint64_t)target >= sec_insn_cnt(obj, obj->text_idx))
		return invalid(pl, sec_idx, i, at, name, "call target outside .text");
	err = place_text_func(pl, (size_t)target, &dest);
	if (err == -ENOENT)
		return invalid(pl, sec_idx, i, at, name, "call target is not inside any .text function");
	if (err)
		return err;
	r = add_reloc(pl, TPBPF_RELOC_CALL, sec_idx, i, at, name);
	if (!r)
		return -ENOMEM;
	r->callee = dest;
	return 0;
}

static int plan_ld_imm64(struct planner *pl, size_t sec_idx, size_t i, size_t at,
			 const struct obj_symbol *sym)
{
	struct tpbpf_object *obj = pl->obj;
	const struct bpf_insn *insn = &sec_insns(obj, sec_idx)[i];
	const char *name = sym_name(obj, sym);
	uint64_t addend = (uint32_t)insn[0].imm;
	struct reloc *r;

	if (i + 1 >= sec_insn_cnt(obj, sec_idx))
		return invalid(pl, sec_idx, i, at, name, "ld_imm64 cut off at the end of the code");
	addend |= (uint64_t)(uint32_t)insn[1].imm << 32;

	if (sym->shndx == SHN_UNDEF) {
		if (strncmp(sym->name, TPBPF_CONST_PREFIX, strlen(TPBPF_CONST_PREFIX)) != 0)
			return plan_extern(pl, sec_idx, i, at, sym, false);
		r = add_reloc(pl, TPBPF_RELOC_CONST, sec_idx, i, at, name);
		if (!r)
			return -ENOMEM;
		r->off = addend;
		return 0;
	}
	if (sym->shndx < obj->nr_secs && obj->secs[sym->shndx].role == SEC_MAPS) {
		for (size_t m = 0; m < obj->nr_maps; m++) {
			if ((obj->maps[m].origin != MAP_FROM_DEF && obj->maps[m].origin != MAP_FROM_BTF) ||
			    obj->maps[m].sec_idx != sym->shndx ||
			    obj->maps[m].sec_off != sym->value + (uint32_t)insn->imm)
				continue;
			r = add_reloc(pl, TPBPF_RELOC_MAP_FD, sec_idx, i, at, name);
			if (!r)
				return -ENOMEM;
			r->map = (int)m;
			return 0;
		}
		return invalid(pl, sec_idx, i, at, name,
			       "refers into a maps section but to no map definition");
	}
	if (sym->shndx < obj->nr_secs && obj->secs[sym->shndx].role == SEC_DATA &&
	    obj->secs[sym->shndx].map_idx >= 0) {
		const struct tpbpf_map *m = &obj->maps[obj->secs[sym->shndx].map_idx];
		uint64_t off = sym->value + (uint32_t)insn->imm;

		if (off >= m->value_size)
			return invalid(pl, sec_idx, i, at, name,
				       "offset past the end of its global data section");
		r = add_reloc(pl, TPBPF_RELOC_MAP_VALUE, sec_idx, i, at, name);
		if (!r)
			return -ENOMEM;
		r->map = obj->secs[sym->shndx].map_idx;
		r->off = off;
		return 0;
	}
	return invalid(pl, sec_idx, i, at, name,
		       "ld_imm64 of a symbol in a section that is neither maps nor global data");
}

static bool has_reloc_at(const struct obj_section *sec, size_t i)
{
	for (size_t r = 0; r < sec->nr_relocs; r++)
		if (sec->relocs[r].offset == i * sizeof(struct bpf_insn))
			return true;
	return false;
}

/*
 * Plan CNT instructions that start at SEC_OFF in section SEC_IDX and land
 * at POS in the program.
 */
static int plan_range(struct planner *pl, size_t sec_idx, size_t sec_off, size_t cnt,
		      size_t pos)
{
	const struct obj_section *sec = &pl->obj->secs[sec_idx];
	const struct bpf_insn *insns = sec_insns(pl->obj, sec_idx);
	int err;

	for (size_t r = 0; r < sec->nr_relocs; r++) {
		const struct obj_reloc *rel = &sec->relocs[r];
		size_t i = rel->offset / sizeof(struct bpf_insn);
		const struct obj_symbol *sym = &pl->obj->syms[rel->sym];
		size_t at = pos + (i - sec_off);

		if (i < sec_off || i >= sec_off + cnt)
			continue;
		if (insns[i].code == CALL)
			err = plan_call(pl, sec_idx, i, at, sym);
		else if (insns[i].code == LD_IMM64)
			err = plan_ld_imm64(pl, sec_idx, i, at, sym);
		else
			err = invalid(pl, sec_idx, i, at, sym_name(pl->obj, sym),
				      "relocation on an instruction that is neither ld_imm64 nor call");
		if (err)
			return err;
	}
	/* bpf-to-bpf calls that carry no relocation are relative already. */
	for (size_t k = 0; k < cnt; k++) {
		size_t i = sec_off + k, dest;
		int64_t target = (int64_t)i + insns[i].imm + 1;
		struct reloc *r;

		if (insns[i].code != CALL || insns[i].src_reg != BPF_PSEUDO_CALL ||
		    has_reloc_at(sec, i))
			continue;
		if (target >= (int64_t)sec_off && target < (int64_t)(sec_off + cnt))
			continue;	/* stays inside this function */
		if (sec_idx != pl->obj->text_idx || target < 0) {
			err = invalid(pl, sec_idx, i, pos + k, "",
				      "call without relocation leaves the program");
		} else {
			err = place_text_func(pl, (size_t)target, &dest);
			if (err == -ENOENT) {
				err = invalid(pl, sec_idx, i, pos + k, "",
					      "call target is not inside any .text function");
			} else if (!err) {
				r = add_reloc(pl, TPBPF_RELOC_CALL, sec_idx, i, pos + k, "");
				if (!r)
					return -ENOMEM;
				r->callee = dest;
			}
		}
		if (err)
			return err;
	}
	return 0;
}

/*
 * The CO-RE records of section SEC_IDX for its instructions SEC_OFF ..
 * SEC_OFF + CNT, which land at POS in the program.
 */
static int plan_core(struct planner *pl, size_t sec_idx, size_t sec_off, size_t cnt,
		     size_t pos)
{
	struct tpbpf_object *obj = pl->obj;
	struct tpbpf_btf_ext_recs recs;

	if (!obj->btf_ext)
		return 0;
	tpbpf_btf_ext_core_relos(obj->btf_ext, obj->secs[sec_idx].name, &recs);
	for (uint32_t k = 0; k < recs.n; k++) {
		const struct tpbpf_core_relo *rec =
			(const void *)((const char *)recs.recs + (size_t)k * recs.rec_size);
		size_t i = rec->insn_off / sizeof(struct bpf_insn);
		struct reloc *r;

		if (i < sec_off || i >= sec_off + cnt)
			continue;
		if (rec->insn_off % sizeof(struct bpf_insn))
			return invalid(pl, sec_idx, i, pos + (i - sec_off), "CO-RE",
				       "a CO-RE record not on an instruction boundary");
		r = add_reloc(pl, TPBPF_RELOC_CORE, sec_idx, i, pos + (i - sec_off),
			      tpbpf_core_kind_name(rec->kind));
		if (!r)
			return -ENOMEM;
		r->core = calloc(1, sizeof(*r->core));
		if (!r->core)
			return tpbpf_err(ENOMEM, "out of memory");
		if (tpbpf_core_spec_parse(obj->btf, rec, r->core)) {
			/* The load fails with it; inspect shows it. */
			r->kind = TPBPF_RELOC_INVALID;
			r->why_owned = tpbpf_strdup(tpbpf_error_detail());
			if (!r->why_owned)
				return -ENOMEM;
			r->why = r->why_owned;
			free(r->core);
			r->core = NULL;
		}
	}
	return 0;
}

static int by_insn(const void *a, const void *b)
{
	const struct reloc *x = a, *y = b;

	return (x->insn > y->insn) - (x->insn < y->insn);
}

/* Where a helper call of bpf_get_attach_cookie() sits: TP_EVENT_ID(). */
static int find_cookie_calls(struct tpbpf_program *prog, const struct bpf_insn *insn,
			     size_t cnt, size_t pos)
{
	for (size_t k = 0; k < cnt; k++) {
		size_t *c;

		if (insn[k].code != CALL || insn[k].src_reg != 0 ||
		    insn[k].imm != BPF_FUNC_get_attach_cookie)
			continue;
		c = realloc(prog->cookie_calls, (prog->nr_cookie_calls + 1) * sizeof(*c));
		if (!c)
			return tpbpf_err(ENOMEM, "out of memory");
		prog->cookie_calls = c;
		c[prog->nr_cookie_calls++] = pos + k;
	}
	return 0;
}

static int plan_program(struct tpbpf_object *obj, struct tpbpf_program *prog)
{
	struct planner pl = { obj, prog };
	int err;

	prog->layout_cnt = prog->sec_insn_cnt;
	err = plan_range(&pl, prog->sec_idx, prog->sec_insn_off, prog->sec_insn_cnt, 0);
	if (!err)
		err = plan_core(&pl, prog->sec_idx, prog->sec_insn_off, prog->sec_insn_cnt, 0);
	for (size_t i = 0; !err && i < prog->nr_funcs; i++)
		err = plan_core(&pl, obj->text_idx, prog->funcs[i].sec_off, prog->funcs[i].cnt,
				prog->funcs[i].pos);
	if (err)
		return err;
	if (prog->nr_relocs)
		qsort(prog->relocs, prog->nr_relocs, sizeof(*prog->relocs), by_insn);
	err = find_cookie_calls(prog, sec_insns(obj, prog->sec_idx) + prog->sec_insn_off,
				prog->sec_insn_cnt, 0);
	for (size_t i = 0; !err && i < prog->nr_funcs; i++)
		err = find_cookie_calls(prog, sec_insns(obj, obj->text_idx) + prog->funcs[i].sec_off,
					prog->funcs[i].cnt, prog->funcs[i].pos);
	if (err)
		return err;
	tpbpf_log("relocation plan of %s: %zu entries, %zu .text function%s, %zu instructions",
		  prog->name, prog->nr_relocs, prog->nr_funcs, prog->nr_funcs == 1 ? "" : "s",
		  prog->layout_cnt);
	return 0;
}

int tpbpf_obj_plan_relocations(struct tpbpf_object *obj)
{
	for (size_t i = 0; i < obj->nr_progs; i++) {
		int err = plan_program(obj, &obj->progs[i]);

		if (err)
			return err;
	}
	return 0;
}

void tpbpf_obj_free_plan(struct tpbpf_program *prog)
{
	for (size_t i = 0; i < prog->nr_relocs; i++) {
		free(prog->relocs[i].core);
		free(prog->relocs[i].why_owned);
	}
	free(prog->relocs);
	free(prog->funcs);
	free(prog->cookie_calls);
	prog->relocs = NULL;
	prog->funcs = NULL;
	prog->cookie_calls = NULL;
	prog->nr_relocs = prog->nr_funcs = prog->nr_cookie_calls = 0;
}

/* ---- applying it -------------------------------------------------------------- */

static int reloc_err(const struct tpbpf_object *obj, const struct tpbpf_program *prog,
		     const struct reloc *r, int err, const char *why)
{
	return tpbpf_err(err, "%s: program %s: section %s, instruction %zu, symbol %s: %s",
			 obj->name, prog->name, obj->secs[r->sec_idx].name, r->sec_insn,
			 r->sym[0] ? r->sym : "(none)", why);
}

/* -v: the entry as inspect shows it, with the value written. */
static void log_reloc(struct tpbpf_object *obj, const struct tpbpf_program *prog,
		      const struct reloc *r)
{
	struct tpbpf_reloc_info info;
	char target[256], detail[512], line[768];

	if (tpbpf_log_level() < 1)
		return;
	tpbpf_obj_reloc_info(obj, prog, r, &info, target, sizeof(target), detail, sizeof(detail));
	tpbpf_reloc_describe(&info, line, sizeof(line));
	tpbpf_log("  reloc %s insn %zu (%s %zu): %s", prog->name, r->insn,
		  obj->secs[r->sec_idx].name, r->sec_insn, line);
}

/*
 * A CO-RE entry: this kernel's answer (core_resolve.c) written over the
 * compiled one (core.c), or the instruction poisoned where the kernel
 * lacks what it reads.
 */
static int apply_core(struct tpbpf_object *obj, struct tpbpf_program *prog,
		      struct reloc *r, bool dry)
{
	struct tpbpf_core_target local, target;
	char source[600], why[512], desc[256];
	int err;

	err = tpbpf_core_local(r->core, &local);
	if (!err)
		err = tpbpf_obj_core_resolve(obj, prog, r->core, &target, source, sizeof(source));
	if (err) {
		if (dry)
			return 0;
		tpbpf_core_spec_describe(r->core, desc, sizeof(desc));
		return tpbpf_err_prefix(-err, "%s: program %s: section %s, instruction %zu, CO-RE %s: ",
					obj->name, prog->name, obj->secs[r->sec_idx].name,
					r->sec_insn, desc);
	}
	err = tpbpf_core_patch(prog->insns, prog->insn_cnt, r->insn, r->core, &local, &target,
			       why, sizeof(why));
	if (err < 0) {
		if (dry)
			return 0;
		tpbpf_core_spec_describe(r->core, desc, sizeof(desc));
		return tpbpf_err(-err, "%s: program %s: section %s, instruction %zu, CO-RE %s from %s: %s",
				 obj->name, prog->name, obj->secs[r->sec_idx].name, r->sec_insn,
				 desc, source, why);
	}
	r->poisoned = err == 1;
	return 0;
}

static int apply(struct tpbpf_object *obj, struct tpbpf_program *prog,
		 struct reloc *r, bool dry)
{
	struct bpf_insn *insn = &prog->insns[r->insn];
	const struct tpbpf_map *m = r->map >= 0 ? &obj->maps[r->map] : NULL;
	uint64_t value;
	int err;

	switch (r->kind) {
	case TPBPF_RELOC_CALL:
		insn->imm = (int32_t)((int64_t)r->callee - (int64_t)r->insn - 1);
		return 0;
	case TPBPF_RELOC_MAP_FD:
	case TPBPF_RELOC_MAP_VALUE:
		/* No fd yet, or no global data here (fallbacks.c folds those). */
		if (m->fd < 0)
			return 0;
		insn[0].src_reg = r->kind == TPBPF_RELOC_MAP_FD ? BPF_PSEUDO_MAP_FD :
								  BPF_PSEUDO_MAP_VALUE;
		insn[0].imm = m->fd;
		insn[1].imm = r->kind == TPBPF_RELOC_MAP_FD ? 0 : (int32_t)r->off;
		return 0;
	case TPBPF_RELOC_CONST:
		err = tpbpf_obj_resolve_const(obj, r->sym, &value);
		if (err && dry)
			return 0;	/* inspect shows it unresolved */
		if (err)
			return tpbpf_err_prefix(-err, "%s: program %s: section %s, instruction %zu, symbol %s: ",
						obj->name, prog->name, obj->secs[r->sec_idx].name,
						r->sec_insn, r->sym);
		value += r->off;
		insn[0].imm = (int32_t)(uint32_t)value;
		insn[1].imm = (int32_t)(uint32_t)(value >> 32);
		return 0;
	case TPBPF_RELOC_CORE:
		return apply_core(obj, prog, r, dry);
	case TPBPF_RELOC_EXTERN:
		if (insn->code == CALL) {
			/* A helper no kernel has: the verifier refuses it if it can run. */
			insn->src_reg = 0;
			insn->imm = TPBPF_KFUNC_POISON;
		} else {
			insn[0].src_reg = 0;
			insn[0].imm = insn[1].imm = 0;
		}
		return 0;
	case TPBPF_RELOC_INVALID:
	default:
		return dry ? 0 : reloc_err(obj, prog, r, EINVAL, r->why ? r->why : "not relocatable");
	}
}

int tpbpf_obj_layout_program(struct tpbpf_object *obj, struct tpbpf_program *prog, bool dry)
{
	struct bpf_insn *insns;

	/* Start again from the sections, so a second load relocates afresh. */
	insns = malloc(prog->layout_cnt * sizeof(*insns));
	if (!insns)
		return tpbpf_err(ENOMEM, "out of memory");
	free(prog->insns);
	prog->insns = insns;
	prog->insn_cnt = prog->layout_cnt;
	prog->per_event_copies = false;
	memcpy(insns, sec_insns(obj, prog->sec_idx) + prog->sec_insn_off,
	       prog->sec_insn_cnt * sizeof(*insns));
	for (size_t i = 0; i < prog->nr_funcs; i++) {
		const struct text_func *f = &prog->funcs[i];

		memcpy(insns + f->pos, sec_insns(obj, obj->text_idx) + f->sec_off,
		       f->cnt * sizeof(*insns));
		if (!dry)
			tpbpf_log("  append .text function %s (%zu instructions) to %s at %zu",
				  f->name, f->cnt, prog->name, f->pos);
	}
	for (size_t i = 0; i < prog->nr_relocs; i++) {
		int err = apply(obj, prog, &prog->relocs[i], dry);

		if (err)
			return err;
		if (!dry)
			log_reloc(obj, prog, &prog->relocs[i]);
	}
	return 0;
}

int tpbpf_obj_relocate_program(struct tpbpf_object *obj, struct tpbpf_program *prog)
{
	tpbpf_log("relocate program %s (%zu instructions)", prog->name, prog->layout_cnt);
	return tpbpf_obj_layout_program(obj, prog, false);
}
