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
#include <linux/version.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Headers older than the kinds they describe (Ubuntu 22.04 ships 5.15
 * uapi): the kinds by their values and the records that follow them, as
 * btf.rst defines them. Newer headers define the same names.
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 16, 0)
#define BTF_KIND_DECL_TAG 17
struct btf_decl_tag {
	__s32 component_idx;
};
#endif
#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 17, 0)
#define BTF_KIND_TYPE_TAG 18
#endif
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 0, 0)
#define BTF_KIND_ENUM64 19
struct btf_enum64 {
	__u32 name_off;
	__u32 val_lo32;
	__u32 val_hi32;
};
#endif

struct tpbpf_btf;

/* ---- reading ---------------------------------------------------------------- */

/*
 * Check and index SIZE bytes of BTF (copied). Everything is validated here:
 * header, section bounds and alignment, every record's length, every name
 * offset, every type ID a record refers to, known kinds only, and the type
 * graph: no type contains itself by value (through modifiers, arrays or
 * members), every member lies inside its struct, every size fits 32 bits.
 * An error names the type ID and what is wrong with it.
 */
int tpbpf_btf_parse(const void *data, size_t size, struct tpbpf_btf **out);
/*
 * The same for the file at PATH (/sys/kernel/btf/vmlinux), read into one
 * buffer that the BTF keeps: no copy of the kernel's 5 MB. Errors start
 * with PATH.
 */
int tpbpf_btf_parse_file(const char *path, struct tpbpf_btf **out);
void tpbpf_btf_free(struct tpbpf_btf *btf);

/* Types are numbered 1..count; 0 is void. */
uint32_t tpbpf_btf_type_count(const struct tpbpf_btf *btf);
/* The record of type ID; NULL for 0 or an ID past the count. */
const struct btf_type *tpbpf_btf_type(const struct tpbpf_btf *btf, uint32_t id);
/*
 * The string at OFF of the string section ("" for 0); NULL when OFF is
 * outside it (offsets that the parsers checked never are).
 */
const char *tpbpf_btf_str(const struct tpbpf_btf *btf, uint32_t off);
/* The name of type ID ("" when anonymous or void). */
const char *tpbpf_btf_name(const struct tpbpf_btf *btf, uint32_t id);
/* "struct", "typedef", "enum64"...: the kind's name in btf.rst, lower case. */
const char *tpbpf_btf_kind_name(uint32_t kind);

static inline uint32_t btf_kind(const struct btf_type *t) { return BTF_INFO_KIND(t->info); }
static inline uint32_t btf_vlen(const struct btf_type *t) { return BTF_INFO_VLEN(t->info); }
static inline bool btf_kflag(const struct btf_type *t) { return BTF_INFO_KFLAG(t->info); }
static inline bool btf_is_composite(const struct btf_type *t)
{
	return btf_kind(t) == BTF_KIND_STRUCT || btf_kind(t) == BTF_KIND_UNION;
}
static inline bool btf_is_any_enum(const struct btf_type *t)
{
	return btf_kind(t) == BTF_KIND_ENUM || btf_kind(t) == BTF_KIND_ENUM64;
}
static inline bool btf_is_mod(const struct btf_type *t)
{
	uint32_t k = btf_kind(t);

	return k == BTF_KIND_TYPEDEF || k == BTF_KIND_CONST || k == BTF_KIND_VOLATILE ||
	       k == BTF_KIND_RESTRICT || k == BTF_KIND_TYPE_TAG;
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
/* The records that follow each kind's struct btf_type. */
static inline uint32_t btf_int_word(const struct btf_type *t)
{
	return *(const uint32_t *)(t + 1);
}
static inline uint32_t btf_int_encoding(const struct btf_type *t)
{
	return BTF_INT_ENCODING(btf_int_word(t));
}
static inline uint32_t btf_int_offset(const struct btf_type *t)
{
	return BTF_INT_OFFSET(btf_int_word(t));
}
static inline uint32_t btf_int_bits(const struct btf_type *t)
{
	return BTF_INT_BITS(btf_int_word(t));
}
static inline const struct btf_array *btf_array(const struct btf_type *t)
{
	return (const struct btf_array *)(t + 1);
}
static inline const struct btf_enum *btf_enums(const struct btf_type *t)
{
	return (const struct btf_enum *)(t + 1);
}
static inline const struct btf_enum64 *btf_enum64s(const struct btf_type *t)
{
	return (const struct btf_enum64 *)(t + 1);
}
/* Enumerator I of an ENUM or ENUM64: its name offset and its value. A
 * 32-bit ENUM value is sign-extended, as CO-RE compares it. */
static inline uint32_t btf_enumerator_name_off(const struct btf_type *t, uint32_t i)
{
	return btf_kind(t) == BTF_KIND_ENUM ? btf_enums(t)[i].name_off : btf_enum64s(t)[i].name_off;
}
static inline int64_t btf_enumerator_value(const struct btf_type *t, uint32_t i)
{
	if (btf_kind(t) == BTF_KIND_ENUM)
		return btf_enums(t)[i].val;
	return (int64_t)((uint64_t)btf_enum64s(t)[i].val_hi32 << 32 | btf_enum64s(t)[i].val_lo32);
}
static inline const struct btf_param *btf_params(const struct btf_type *t)
{
	return (const struct btf_param *)(t + 1);
}
static inline const struct btf_var *btf_var(const struct btf_type *t)
{
	return (const struct btf_var *)(t + 1);
}
static inline const struct btf_var_secinfo *btf_var_secinfos(const struct btf_type *t)
{
	return (const struct btf_var_secinfo *)(t + 1);
}
static inline const struct btf_decl_tag *btf_decl_tag(const struct btf_type *t)
{
	return (const struct btf_decl_tag *)(t + 1);
}

/*
 * ID past typedef, const, volatile, restrict and type_tag (0 for void).
 * Chains are bounded: a loop was refused by tpbpf_btf_parse().
 */
uint32_t tpbpf_btf_skip_mods(const struct tpbpf_btf *btf, uint32_t id);
/*
 * Size in bytes of type ID: ints, floats, pointers, enums, structs and
 * unions, arrays (element size x count, checked for overflow), through
 * modifiers; a variable's is its type's, a datasec's its own. -EINVAL for
 * void, functions, forward declarations and other sizeless kinds.
 */
int tpbpf_btf_resolve_size(const struct tpbpf_btf *btf, uint32_t id, uint64_t *size);
/* The first type named NAME of KIND (BTF_KIND_*), or -ENOENT. */
int tpbpf_btf_find(const struct tpbpf_btf *btf, const char *name, uint32_t kind);

/*
 * Length of NAME without its ___flavor suffix: "task_struct___old" -> 11.
 * CO-RE compares type names this way, so one object can carry several
 * definitions of one kernel struct.
 */
size_t tpbpf_btf_essential_len(const char *name);
/*
 * The types of KIND whose names equal NAME when both are compared without
 * a ___flavor suffix, in ID order: start with *ID = 0; each call sets *ID
 * to the next and returns 1, or returns 0 at the end. Anonymous types are
 * never returned. The name index is built on the first call (-ENOMEM).
 */
int tpbpf_btf_next_by_essential_name(const struct tpbpf_btf *btf, uint32_t kind,
				     const char *name, uint32_t *id);

/*
 * Byte offset of FIELD in the struct or union named ST, looking into
 * anonymous struct/union members. -ENOENT when there is no such struct or
 * field, -EINVAL for a bitfield or a field not on a byte boundary.
 * (KERNEL_OFF() on the kernel's BTF.)
 */
int tpbpf_btf_field_offset(const struct tpbpf_btf *btf, const char *st,
			   const char *field, uint64_t *offset);

/* Bytes of T's record: its struct btf_type and what follows it. */
size_t tpbpf_btf_record_len(const struct btf_type *t);
/* The whole string section (LEN bytes, the last a NUL). */
const char *tpbpf_btf_strings(const struct tpbpf_btf *btf, uint32_t *len);

/* The blob as parsed (or as fixed up), for BPF_BTF_LOAD. */
const void *tpbpf_btf_data(const struct tpbpf_btf *btf, size_t *size);

/* ---- preparing an object's BTF for the kernel ------------------------------ */

/*
 * clang leaves each DATASEC's size and its variables' offsets at 0 for the
 * loader to fill in from the ELF section and symbol tables. SEC_SIZE gives
 * the size of the section named SEC; VAR_OFFSET the offset of variable VAR
 * in it (its symbol's value). Either returns 0 or a negative errno; an
 * error is passed on with the datasec and variable named. Only datasecs of
 * size 0 are asked about (one the compiler or an earlier call filled in is
 * left as it is); the variables are then sorted by offset, as the kernel
 * wants them, and each must lie inside its section without overlapping
 * the next.
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
	bool enum64;		/* ENUM64, and signed ENUMs (kind_flag) (6.0) */
};

/*
 * A copy of BTF's blob that a kernel with SUPPORT accepts: each kind it
 * lacks is replaced by one it has, keeping every type ID (so map and
 * program references stay valid): VAR -> INT (1 byte), DATASEC -> STRUCT
 * of its size with one 1-byte member per variable at its offset (names made
 * identifiers: ".data" -> "_data"), FUNC_PROTO -> ENUM (one enumerator per
 * parameter), FUNC -> TYPEDEF, global or extern linkage -> static, FLOAT ->
 * anonymous STRUCT of its size, DECL_TAG -> INT, TYPE_TAG -> CONST, ENUM64
 * -> ENUM of its size (values cut to 32 bits; and the kind_flag of signed
 * ENUMs cleared). The blob is laid out anew (header, types, strings, with
 * new names appended); it parses again. Call it after
 * tpbpf_btf_fixup_datasecs(). Free *BLOB with free().
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
 * data, instruction offsets are multiples of 8, access strings are
 * well-formed ("N" or "N:N:..." of at most TPBPF_CORE_MAX_ACCESS numbers)
 * and relocation kinds known. Records larger than known have their known
 * prefix read. The data is copied.
 */
int tpbpf_btf_ext_parse(const void *data, size_t size, const struct tpbpf_btf *btf,
			struct tpbpf_btf_ext **out);
void tpbpf_btf_ext_free(struct tpbpf_btf_ext *ext);

/* Records of one kind for the ELF section SEC: N records of REC_SIZE bytes. */
struct tpbpf_btf_ext_recs {
	const void *recs;	/* each starts with the known struct, 4-byte aligned */
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
/*
 * The ELF sections that have records of any kind, for walking them all
 * (inspect, the fuzz harness): I from 0; NULL past the last.
 */
const char *tpbpf_btf_ext_section(const struct tpbpf_btf_ext *ext, size_t i);

#endif
