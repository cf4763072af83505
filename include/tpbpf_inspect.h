/* SPDX-License-Identifier: MIT */
/*
 * tpbpf inspect: what loading an object would do, worked out without
 * loading it (loader/inspect.c), for tools that show it. Nothing here calls
 * bpf(); load-time constants are resolved from tracefs when it is
 * readable, else reported unresolved.
 */
#ifndef TPBPF_INSPECT_H
#define TPBPF_INSPECT_H

#include "tpbpf.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A kernel version, comparable with <: TPBPF_KVER(4, 17). */
#define TPBPF_KVER(major, minor) \
	((unsigned int)(major) << 16 | (unsigned int)(minor) << 8)

enum tpbpf_reloc_kind {
	TPBPF_RELOC_MAP_FD,	/* ld_imm64 of a SEC("maps") map: its fd */
	TPBPF_RELOC_MAP_VALUE,	/* ld_imm64 of global data: map fd + offset */
	TPBPF_RELOC_CALL,	/* call of a .text function (bpf-to-bpf) */
	TPBPF_RELOC_CONST,	/* ld_imm64 of a load-time constant */
	TPBPF_RELOC_CORE,	/* a CO-RE relocation (.BTF.ext): a field offset, size... */
	TPBPF_RELOC_EXTERN,	/* a weak extern __ksym or kfunc: absent (0, or a poisoned call) */
	TPBPF_RELOC_INVALID,	/* one the loader refuses: detail says why */
};

struct tpbpf_reloc_info {
	const struct tpbpf_program *prog;
	size_t insn;		/* instruction in the relocated program */
	const char *section;	/* section the instruction comes from */
	size_t sec_insn;	/* its index in that section */
	enum tpbpf_reloc_kind kind;
	const char *symbol;	/* "" for a relative call with no ELF relocation */
	/* map name, .text function, or the constant as "TP_ID sched:sched_switch" */
	const char *target;
	/* MAP_VALUE: offset; CALL: callee's first instruction; CONST: value */
	uint64_t value;
	int map_fd;		/* MAP_FD, MAP_VALUE: the map's fd, -1 until loaded */
	/* CORE: target is "task_struct.tgid", symbol the kind ("byte_off") */
	uint64_t local_value;	/* as compiled */
	const char *source;	/* where value comes from on this kernel ("the kernel's BTF") */
	bool poison;		/* this kernel lacks it: the instruction fails if it runs */
	int err;		/* CONST unresolved or INVALID: negative errno */
	const char *detail;	/* why, when err */
};
typedef int (*tpbpf_reloc_fn)(void *ctx, const struct tpbpf_reloc_info *r);

/*
 * Every entry of every program's relocation plan, in instruction order;
 * FN's nonzero return stops. MAP_FD's value is the map's fd once loaded.
 */
int tpbpf_object_describe_relocs(struct tpbpf_object *obj, tpbpf_reloc_fn fn,
				 void *ctx);
/*
 * One plan entry in words, as inspect and -v print it: "map fd counts ->
 * fd of map counts", "load-time constant ... -> TP_ID sched:sched_switch =
 * 312". Returns what snprintf would.
 */
int tpbpf_reloc_describe(const struct tpbpf_reloc_info *r, char *buf, size_t len);

struct tpbpf_subprog_info {
	const struct tpbpf_program *prog;
	const char *name;	/* .text function */
	size_t insn;		/* where it lands in the program */
	size_t insn_cnt;
};
typedef int (*tpbpf_subprog_fn)(void *ctx, const struct tpbpf_subprog_info *s);

/* The .text functions PROG pulls in (FN may be NULL); returns its instruction count once relocated. */
int tpbpf_program_describe_subprogs(struct tpbpf_program *prog,
				    tpbpf_subprog_fn fn, void *ctx);

struct tpbpf_requirement {
	unsigned int version;	/* TPBPF_KVER(); 0 when unknown */
	const char *what;	/* "helper bpf_probe_read_str", "map type lru_hash" */
	const char *why;	/* who needs it and how tpbpf uses it */
	bool optional;		/* used when present; tpbpf does without before */
};
typedef int (*tpbpf_requirement_fn)(void *ctx, const struct tpbpf_requirement *r);

/*
 * What the object needs from the kernel, each with its reason (FN may be
 * NULL). Returns the oldest kernel that can run it, as TPBPF_KVER(), from
 * the requirements that are not optional.
 */
int tpbpf_object_requirements(struct tpbpf_object *obj, tpbpf_requirement_fn fn,
			      void *ctx);

/* Helper (BPF_FUNC_*) and map type (BPF_MAP_TYPE_*) names and first kernels. */
const char *tpbpf_helper_name(uint32_t id);		/* NULL if unknown */
unsigned int tpbpf_helper_since(uint32_t id);		/* 0 if unknown */
const char *tpbpf_map_type_name(uint32_t type);		/* NULL if unknown */
unsigned int tpbpf_map_type_since(uint32_t type);	/* 0 if unknown */
/* The map's BPF_F_* creation flags. */
uint32_t tpbpf_map_flags(const struct tpbpf_map *map);

/*
 * Lay PROG out as loading would (its .text functions appended, calls and
 * the load-time constants that can be resolved written), without the
 * kernel: map references stay 0 until the object is loaded, and
 * tpbpf_reloc_info says which map each is. Then tpbpf_program_insns()
 * gives the result. Not for a loaded object.
 */
int tpbpf_program_layout(struct tpbpf_program *prog);

#ifdef __cplusplus
}
#endif

#endif /* TPBPF_INSPECT_H */
