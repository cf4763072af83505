/* SPDX-License-Identifier: MIT */
/*
 * BTF: the type information clang writes into a BPF object (.BTF and
 * .BTF.ext) and a kernel built with CONFIG_DEBUG_INFO_BTF exposes in
 * /sys/kernel/btf/vmlinux. The format is the kernel's
 * Documentation/bpf/btf.rst.
 *
 * tpbpf reads the object's own BTF to learn its BTF-defined maps, its
 * .rodata variables and its CO-RE relocations, and loads it into the kernel
 * only where the kernel can take it (sanitized of what it does not know).
 * It reads the kernel's BTF, when there is one, to resolve CO-RE
 * relocations and KERNEL_OFF(). Both are untrusted input: tpbpf_btf_parse()
 * checks every offset, length, string, type ID and reference once, so the
 * accessors below can trust what they are given, and the walks that follow
 * references (modifier chains, sizes, nested members) are bounded.
 *
 * Record layouts are those of <linux/btf.h>.
 */
#ifndef TPBPF_BTF_H
#define TPBPF_BTF_H

#include <linux/btf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tpbpf_btf;

/* ---- reading ---------------------------------------------------------------- */

/*
 * Check and index SIZE bytes of BTF (copied). Everything is validated here:
 * header, section bounds and alignment, every record's length, every name
 * offset, every type ID a record refers to, known kinds only; an error
 * names the type ID and what is wrong with it.
 */
int tpbpf_btf_parse(const void *data, size_t size, struct tpbpf_btf **out);
void tpbpf_btf_free(struct tpbpf_btf *btf);

/* Types are numbered 1..count; 0 is void. */
uint32_t tpbpf_btf_type_count(const struct tpbpf_btf *btf);
/* The record of type ID; NULL for 0 or an ID past the count. */
const struct btf_type *tpbpf_btf_type(const struct tpbpf_btf *btf, uint32_t id);
/* The string at OFF of the string section ("" for 0). */
const char *tpbpf_btf_str(const struct tpbpf_btf *btf, uint32_t off);
/* The name of type ID ("" when anonymous or void). */
const char *tpbpf_btf_name(const struct tpbpf_btf *btf, uint32_t id);

static inline uint32_t btf_kind(const struct btf_type *t) { return BTF_INFO_KIND(t->info); }
static inline uint32_t btf_vlen(const struct btf_type *t) { return BTF_INFO_VLEN(t->info); }
static inline bool btf_kflag(const struct btf_type *t) { return BTF_INFO_KFLAG(t->info); }
static inline bool btf_is_composite(const struct btf_type *t)
{
	return btf_kind(t) == BTF_KIND_STRUCT || btf_kind(t) == BTF_KIND_UNION;
}
static inline const struct btf_member *btf_members(const struct btf_type *t)
{
	return (const struct btf_member *)(t + 1);
}
/* Bit offset and bitfield size (0: not a bitfield) of member I. */
static inline uint32_t btf_member_bit_offset(const struct btf_type *t, uint32_t i)
{
	uint32_t off = btf_members(t)[i].offset;

	return btf_kflag(t) ? BTF_MEMBER_BIT_OFFSET(off) : off;
}
static inline uint32_t btf_member_bitfield_size(const struct btf_type *t, uint32_t i)
{
	return btf_kflag(t) ? BTF_MEMBER_BITFIELD_SIZE(btf_members(t)[i].offset) : 0;
}

/*
 * ID past typedef, const, volatile, restrict and type_tag (0 for void).
 * Chains are bounded: a loop was refused by tpbpf_btf_parse().
 */
uint32_t tpbpf_btf_skip_mods(const struct tpbpf_btf *btf, uint32_t id);
/*
 * Size in bytes of type ID: ints, floats, pointers, enums, structs and
 * unions, arrays (element size x count, checked for overflow), through
 * modifiers. -EINVAL for void, functions and other sizeless kinds.
 */
int tpbpf_btf_resolve_size(const struct tpbpf_btf *btf, uint32_t id, uint64_t *size);
/* The first type named NAME of KIND (BTF_KIND_*), or -ENOENT. */
int tpbpf_btf_find(const struct tpbpf_btf *btf, const char *name, uint32_t kind);

/*
 * Byte offset of FIELD in the struct or union named ST, looking into
 * anonymous struct/union members. -ENOENT when there is no such struct or
 * field, -EINVAL for a bitfield or a field not on a byte boundary.
 * (KERNEL_OFF() on the kernel's BTF.)
 */
int tpbpf_btf_field_offset(const struct tpbpf_btf *btf, const char *st,
			   const char *field, uint64_t *offset);

/* The blob as parsed (or as fixed up), for BPF_BTF_LOAD. */
const void *tpbpf_btf_data(const struct tpbpf_btf *btf, size_t *size);

/* ---- preparing an object's BTF for the kernel ------------------------------ */

/*
 * clang leaves each DATASEC's size and its variables' offsets at 0 for the
 * loader to fill in from the ELF section and symbol tables. SEC_SIZE gives
 * the size of the section named SEC; VAR_OFFSET the offset of variable VAR
 * in it (its symbol's value). Either returns 0 or a negative errno; an
 * error is passed on with the datasec and variable named.
 */
struct tpbpf_btf_elf_info {
	int (*sec_size)(void *ctx, const char *sec, uint32_t *size);
	int (*var_offset)(void *ctx, const char *sec, const char *var, uint32_t *off);
	void *ctx;
};
int tpbpf_btf_fixup_datasecs(struct tpbpf_btf *btf, const struct tpbpf_btf_elf_info *elf);

/* BTF kinds and forms a kernel may lack, each found by a feature probe. */
struct tpbpf_btf_kernel_support {
	bool func;		/* FUNC, FUNC_PROTO (5.0) */
	bool datasec;		/* VAR, DATASEC (5.2) */
	bool global_func;	/* FUNC with BTF_FUNC_GLOBAL linkage (5.6) */
	bool float_;		/* FLOAT (5.13) */
	bool decl_tag;		/* DECL_TAG (5.16) */
	bool type_tag;		/* TYPE_TAG (5.17) */
	bool enum64;		/* ENUM64 (6.0) */
};

/*
 * A copy of BTF's blob that a kernel with SUPPORT accepts: each kind it
 * lacks is replaced by one it has, keeping every type ID (so map and
 * program references stay valid): VAR -> INT, DATASEC -> STRUCT with
 * padding members, FUNC_PROTO -> ENUM, FUNC -> TYPEDEF, global linkage ->
 * static, FLOAT -> STRUCT of its size, DECL_TAG -> INT, TYPE_TAG -> CONST,
 * ENUM64 -> UNION or ENUM of its size. Free *BLOB with free().
 */
int tpbpf_btf_sanitized(const struct tpbpf_btf *btf,
			const struct tpbpf_btf_kernel_support *support,
			void **blob, size_t *size);

/* ---- .BTF.ext: function, line and CO-RE relocation records ----------------- */

/* A CO-RE relocation record (struct bpf_core_relo in 5.17+ uapi). */
struct tpbpf_core_relo {
	uint32_t insn_off;	/* byte offset of the instruction in its section */
	uint32_t type_id;	/* local (object) BTF type at the root */
	uint32_t access_str_off;	/* "0:1:3": accessor indices */
	uint32_t kind;		/* enum tpbpf_core_kind (core.h) */
};

struct tpbpf_btf_ext;

/*
 * Check and index .BTF.ext against the object's BTF: section names and
 * type IDs exist, record sizes are at least the known ones, counts fit the
 * data, access strings are well-formed. Records larger than known have
 * their known prefix read.
 */
int tpbpf_btf_ext_parse(const void *data, size_t size, const struct tpbpf_btf *btf,
			struct tpbpf_btf_ext **out);
void tpbpf_btf_ext_free(struct tpbpf_btf_ext *ext);

/* Records of one kind for the ELF section SEC: N records of REC_SIZE bytes. */
struct tpbpf_btf_ext_recs {
	const void *recs;	/* each starts with the known struct */
	uint32_t rec_size;
	uint32_t n;
};
/* Records for SEC; n = 0 when the section has none. */
void tpbpf_btf_ext_func_info(const struct tpbpf_btf_ext *ext, const char *sec,
			     struct tpbpf_btf_ext_recs *out);	/* struct bpf_func_info */
void tpbpf_btf_ext_line_info(const struct tpbpf_btf_ext *ext, const char *sec,
			     struct tpbpf_btf_ext_recs *out);	/* struct bpf_line_info */
void tpbpf_btf_ext_core_relos(const struct tpbpf_btf_ext *ext, const char *sec,
			      struct tpbpf_btf_ext_recs *out);	/* struct tpbpf_core_relo */

#endif
