/* SPDX-License-Identifier: MIT */
/*
 * Fuzz the BTF readers and the CO-RE engine: an arbitrary .BTF (and
 * .BTF.ext) through tpbpf_btf_parse, every accessor on every type,
 * sanitizing for two kinds of kernel (the result must parse again: that
 * is checked, not just run), datasec fixup, then tpbpf_btf_ext_parse and,
 * for every CO-RE relocation record, spec parsing, describing, the local
 * answer, matching against the BTF itself and against two sanitized copies
 * (one with every newer kind replaced: candidates that no longer match),
 * and patching instructions of each form that hold the local value.
 *
 * Input: bytes 0-3 the length N of the .BTF part (little-endian; cut to
 * what follows), then N bytes of .BTF, then the .BTF.ext part (the rest;
 * none if empty).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "btf.h"
#include "core.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Lookups by member name are the dearest: this many per input. */
#define MAX_FIELD_LOOKUPS 256

static int fake_sec_size(void *ctx, const char *sec, uint32_t *size)
{
	(void)ctx;
	*size = (uint32_t)strlen(sec) * 8;
	return 0;
}

static int fake_var_offset(void *ctx, const char *sec, const char *var, uint32_t *off)
{
	unsigned *next = ctx;

	(void)sec;
	*off = (uint32_t)(strlen(var) + (*next)++ * 4) % 64;
	return 0;
}

static void walk_types(struct tpbpf_btf *btf)
{
	unsigned lookups = 0;

	for (uint32_t id = 0; id <= tpbpf_btf_type_count(btf) + 1; id++) {
		const struct btf_type *t = tpbpf_btf_type(btf, id);
		const char *name = tpbpf_btf_name(btf, id);
		uint64_t size, off;
		uint32_t cand = 0;
		int n = 0;

		tpbpf_btf_skip_mods(btf, id);
		tpbpf_btf_resolve_size(btf, id, &size);
		if (!t)
			continue;
		tpbpf_btf_find(btf, name, btf_kind(t));
		while (n++ < 8 && tpbpf_btf_next_by_essential_name(btf, btf_kind(t), name, &cand) > 0)
			;
		if (!btf_is_composite(t))
			continue;
		for (uint32_t i = 0; i < btf_vlen(t) && lookups < MAX_FIELD_LOOKUPS; i++, lookups++)
			tpbpf_btf_field_offset(btf, name, tpbpf_btf_str(btf, btf_members(t)[i].name_off), &off);
	}
}

/* A sanitized copy must be BTF this reader takes: anything else is a bug. */
static struct tpbpf_btf *sanitize(const struct tpbpf_btf *btf, const struct tpbpf_btf_kernel_support *sup)
{
	struct tpbpf_btf *again = NULL;
	void *blob;
	size_t len;

	if (tpbpf_btf_sanitized(btf, sup, &blob, &len))
		return NULL;	/* out of memory only */
	if (tpbpf_btf_parse(blob, len, &again))
		abort();
	if (tpbpf_btf_type_count(again) != tpbpf_btf_type_count(btf))
		abort();
	free(blob);
	return again;
}

/* Instructions of each form CO-RE patches, each holding VALUE. */
static void patch_each_form(const struct tpbpf_core_spec *spec, const struct tpbpf_core_target *local,
			    const struct tpbpf_core_target *target, uint64_t value)
{
	struct bpf_insn forms[][2] = {
		{ { .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 1, .imm = (int32_t)value } },
		{ { .code = BPF_ALU | BPF_ADD | BPF_K, .dst_reg = 1, .imm = (int32_t)value } },
		{ { .code = BPF_LDX | BPF_MEM | BPF_W, .dst_reg = 1, .src_reg = 2, .off = (int16_t)value } },
		{ { .code = BPF_STX | BPF_MEM | BPF_DW, .dst_reg = 1, .src_reg = 2, .off = (int16_t)value } },
		{ { .code = BPF_LD | BPF_IMM | BPF_DW, .dst_reg = 1, .imm = (int32_t)value },
		  { .imm = (int32_t)(value >> 32) } },
	};
	char why[128];

	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		int r = tpbpf_core_patch(forms[i], 2, 0, spec, local, target, why, sizeof(why));

		/* a poisoned instruction is a call, nothing else */
		if (r == 1 && (forms[i][0].code != (BPF_JMP | BPF_CALL) || forms[i][0].imm != TPBPF_CORE_POISON))
			abort();
	}
}

static void relocate(const struct tpbpf_btf *btf, const struct tpbpf_btf *targets[3],
		     const struct tpbpf_core_relo *relo)
{
	struct tpbpf_core_spec spec;
	struct tpbpf_core_target local, target;
	uint64_t value;
	char desc[128];

	if (tpbpf_core_spec_parse(btf, relo, &spec))
		return;
	tpbpf_core_spec_describe(&spec, desc, sizeof(desc));
	tpbpf_core_spec_describe(&spec, desc, 5);
	if (tpbpf_core_local(&spec, &local) || tpbpf_core_value(&spec, &local, &value))
		return;
	for (int i = 0; i < 3; i++) {
		if (!targets[i] || tpbpf_core_match_btf(&spec, targets[i], &target))
			continue;
		patch_each_form(&spec, &local, &target, value);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct tpbpf_btf_kernel_support all = { true, true, true, true, true, true, true };
	static const struct tpbpf_btf_kernel_support some = { .func = true, .float_ = true, .type_tag = true };
	static const struct tpbpf_btf_kernel_support none;
	struct tpbpf_btf *btf, *sanitized, *bare;
	struct tpbpf_btf_ext *ext;
	uint32_t btf_len;
	unsigned next = 0;
	struct tpbpf_btf_elf_info elf = { fake_sec_size, fake_var_offset, &next };

	if (size < 4)
		return 0;
	memcpy(&btf_len, data, 4);
	data += 4;
	size -= 4;
	if (btf_len > size)
		btf_len = (uint32_t)size;
	if (tpbpf_btf_parse(data, btf_len, &btf))
		return 0;
	walk_types(btf);
	tpbpf_btf_free(sanitize(btf, &all));
	sanitized = sanitize(btf, &some);
	bare = sanitize(btf, &none);

	if (size > btf_len && tpbpf_btf_ext_parse(data + btf_len, size - btf_len, btf, &ext) == 0) {
		const struct tpbpf_btf *targets[3] = { btf, sanitized, bare };
		const char *sec;

		for (size_t i = 0; (sec = tpbpf_btf_ext_section(ext, i)); i++) {
			struct tpbpf_btf_ext_recs r;

			tpbpf_btf_ext_func_info(ext, sec, &r);
			tpbpf_btf_ext_line_info(ext, sec, &r);
			tpbpf_btf_ext_core_relos(ext, sec, &r);
			for (uint32_t j = 0; j < r.n; j++)
				relocate(btf, targets, (const void *)((const char *)r.recs + (size_t)j * r.rec_size));
		}
		tpbpf_btf_ext_free(ext);
	}
	/* fixed up (sizes and offsets made up), it still sanitizes into BTF that parses */
	tpbpf_btf_fixup_datasecs(btf, &elf);
	tpbpf_btf_free(sanitize(btf, &some));
	tpbpf_btf_free(bare);
	tpbpf_btf_free(sanitized);
	tpbpf_btf_free(btf);
	return 0;
}
