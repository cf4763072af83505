/* SPDX-License-Identifier: MIT */
/*
 * CO-RE relocations: an instruction in the object whose constant (a field
 * offset, a size, "does it exist") was compiled against one kernel's types
 * and must be rewritten for the running kernel's.
 *
 * A relocation (struct tpbpf_core_relo in .BTF.ext) names a root type in
 * the object's BTF and an access string, "0:1:3": element 0 of the root,
 * then member 1, then member 3 (or an array element, or an enumerator).
 * tpbpf_core_spec_parse() turns it into a spec: the path in words
 * (task_struct.real_parent, trace_event_raw_sys_enter.args[1]) with what
 * the object's BTF says about it. A source of truth about the running
 * kernel then answers the same question with a struct tpbpf_core_target:
 *
 *   - the kernel's BTF (tpbpf_core_match_btf: libbpf's matching rules,
 *     names compared without their ___flavor suffix);
 *   - the tracefs format of a tracepoint record (trace_event_raw_*),
 *   - the kernel struct offsets file (KERNEL_OFF's source);
 *
 * and tpbpf_core_patch() writes the answer into the instruction.
 */
#ifndef TPBPF_CORE_H
#define TPBPF_CORE_H

#include <linux/bpf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "btf.h"

/* The kinds of enum bpf_core_relo_kind (uapi 5.17+), by value. */
enum tpbpf_core_kind {
	TPBPF_CORE_FIELD_BYTE_OFFSET = 0,
	TPBPF_CORE_FIELD_BYTE_SIZE = 1,
	TPBPF_CORE_FIELD_EXISTS = 2,
	TPBPF_CORE_FIELD_SIGNED = 3,
	TPBPF_CORE_FIELD_LSHIFT_U64 = 4,
	TPBPF_CORE_FIELD_RSHIFT_U64 = 5,
	TPBPF_CORE_TYPE_ID_LOCAL = 6,
	TPBPF_CORE_TYPE_ID_TARGET = 7,
	TPBPF_CORE_TYPE_EXISTS = 8,
	TPBPF_CORE_TYPE_SIZE = 9,
	TPBPF_CORE_ENUMVAL_EXISTS = 10,
	TPBPF_CORE_ENUMVAL_VALUE = 11,
	TPBPF_CORE_TYPE_MATCHES = 12,
};

/* Kind name as libbpf's documentation spells it ("byte_off", "exists"...). */
const char *tpbpf_core_kind_name(uint32_t kind);
bool tpbpf_core_kind_is_field(uint32_t kind);
bool tpbpf_core_kind_is_type(uint32_t kind);
bool tpbpf_core_kind_is_enumval(uint32_t kind);

/* Steps of an access string, as libbpf limits them. */
#define TPBPF_CORE_MAX_ACCESS 64
/* "0:1:3" -> {0, 1, 3}: the number of steps, or -1 with WHY. */
int tpbpf_core_split_access(const char *s, uint32_t raw[TPBPF_CORE_MAX_ACCESS], const char **why);
/* A root type name longer than this is refused (the kernel's limit is 511). */
#define TPBPF_CORE_MAX_NAME 511

/*
 * One step of the access path, in the object's BTF. For field relocations
 * access[0] is the root itself (type_id: the root past its modifiers; idx:
 * the array index of "p[idx]", almost always 0; name NULL); every later
 * step indexes the type the step before led to: a member of a struct or
 * union (named, or NULL for an anonymous struct/union member whose
 * members C names as the outer struct's own) or an element of an array.
 */
struct tpbpf_core_access {
	uint32_t type_id;	/* the struct, union, array or enum indexed */
	uint32_t idx;		/* member, element or enumerator index */
	const char *name;	/* member or enumerator name; NULL: the root, an
				 * array element or an anonymous member */
};

/* What a relocation asks, resolved in the object's own BTF. */
struct tpbpf_core_spec {
	const struct tpbpf_btf *btf;	/* the object's */
	uint32_t kind;			/* enum tpbpf_core_kind */
	uint32_t root_id;		/* root type, as named in the record */
	/* its name without a ___flavor suffix ("task_struct" for
	 * task_struct___old); "" if anonymous */
	char root_name[TPBPF_CORE_MAX_NAME + 1];
	struct tpbpf_core_access access[TPBPF_CORE_MAX_ACCESS];
	int len;			/* field relocations: every step, the root's
					 * index first; type ones: 0; enumval: 1 */
	uint64_t bit_offset;		/* field relocations, in the local type */
};

/*
 * The spec's field is an array element or the root itself ("p[1]",
 * "args[1]"), not a struct member: only byte_off, byte_sz and field_exists
 * apply (tpbpf_core_spec_parse refuses the others).
 */
bool tpbpf_core_spec_is_element(const struct tpbpf_core_spec *spec);

/*
 * Check RELO against the object's BTF and fill SPEC; an error names the
 * type and access string that do not fit.
 */
int tpbpf_core_spec_parse(const struct tpbpf_btf *btf, const struct tpbpf_core_relo *relo,
			  struct tpbpf_core_spec *spec);
/*
 * The spec in words, for -v, inspect and errors: "task_struct.tgid",
 * "trace_event_raw_sys_enter.args[1]", "enum pid_type::PIDTYPE_TGID",
 * "struct task_struct". Returns what snprintf would.
 */
int tpbpf_core_spec_describe(const struct tpbpf_core_spec *spec, char *buf, size_t len);

/* What a field holds, as far as changing the size of its load goes. */
enum tpbpf_core_field_class {
	TPBPF_CORE_FIELD_OTHER = 0,	/* struct, array, enum, float...: a load
					 * of another size reads something else */
	TPBPF_CORE_FIELD_INT,		/* an integer: is_signed says which kind */
	TPBPF_CORE_FIELD_PTR,		/* a pointer */
};

/* What one source says about the field, type or enumerator a spec names. */
struct tpbpf_core_target {
	bool exists;		/* false: the source knows it is not there */
	/* fields */
	uint64_t bit_offset;	/* from the root type's start */
	uint32_t bitfield_size;	/* 0: not a bitfield */
	uint32_t byte_size;	/* size of the field's type; for a bitfield, of its
				 * declared int (the load size is worked out
				 * from it, bit_offset and bitfield_size) */
	bool is_signed;
	uint32_t field_class;	/* enum tpbpf_core_field_class */
	/* types */
	uint32_t type_id;	/* in the source's BTF; 0 when it has none. Field
				 * relocations: the field's type */
	uint64_t type_size;
	/* enumerators */
	int64_t enum_value;
};

/* The object's own answer: what the instruction holds as compiled. */
int tpbpf_core_local(const struct tpbpf_core_spec *spec, struct tpbpf_core_target *out);
/*
 * The answer of another BTF (the kernel's): candidates are the types of the
 * same kind and essential name; the first whose path matches wins (libbpf's
 * rules). exists = false when no candidate has the path; -errno only for
 * malformed input or ambiguity (two candidates giving different answers).
 * type_local needs no target: its answer is the local one.
 */
int tpbpf_core_match_btf(const struct tpbpf_core_spec *spec, const struct tpbpf_btf *target,
			 struct tpbpf_core_target *out);
/*
 * The constant the instruction gets for SPEC's kind, given T. What is
 * missing (T->exists false) gives 0 for the "exists" kinds and for the
 * type kinds, as libbpf does, and -ENOENT for the rest (field offsets and
 * sizes, enumerator values): those instructions are poisoned. Other errors:
 * a kind that does not apply (signedness of an array element), a bitfield
 * no 8-byte load holds, target_type_id from a source without BTF IDs.
 */
int tpbpf_core_value(const struct tpbpf_core_spec *spec, const struct tpbpf_core_target *t,
		     uint64_t *value);

/* An instruction that the verifier refuses if it runs: a call of this helper. */
#define TPBPF_CORE_POISON 0xbad2310

/*
 * Rewrite instruction IDX of INSNS (CNT instructions) from LOCAL's value to
 * TARGET's (tpbpf_core_value of each). The instruction must hold LOCAL's
 * value (else -EINVAL: the object is not what its .BTF.ext says), except
 * where libbpf does not check it either: bitfield offsets, sizes and left
 * shifts (the compiler may load a bitfield another way) and
 * target_type_id. ALU immediates (BPF_K), load/store offsets and ld_imm64
 * are patched. A load or store of a field whose size changed gets the new
 * size only for pointers and unsigned integers (zero extension keeps their
 * value); any other is poisoned. A value the target cannot give (no such
 * field or enumerator: tpbpf_core_value's -ENOENT) poisons the instruction,
 * both halves of an ld_imm64: a call of TPBPF_CORE_POISON, which the
 * verifier refuses only if it can run, so code guarded by
 * bpf_core_field_exists() still loads, and prog_load.c names the
 * relocation when it does run.
 * Returns 0 when patched, 1 when poisoned (WHY says why), or a negative
 * errno with WHY (and tpbpf_error_detail()) saying why. INSNS[IDX] is the
 * instruction at the record's insn_off / 8.
 */
int tpbpf_core_patch(struct bpf_insn *insns, size_t cnt, size_t idx,
		     const struct tpbpf_core_spec *spec,
		     const struct tpbpf_core_target *local,
		     const struct tpbpf_core_target *target,
		     char *why, size_t why_len);

#endif
