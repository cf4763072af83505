/* SPDX-License-Identifier: MIT */
/*
 * The in-memory model of a BPF object file, shared by the steps of the load
 * path. This is the one list of the steps, in the order they run; the
 * comments elsewhere name a step ('The load path, step "relocate"') rather
 * than number it, and docs/load-path.md walks through the same steps with
 * real -v output.
 *
 *   tpbpf_object_open()
 *     read       elf_reader.c: the ELF file copied into this model: sections,
 *                symbols, license, programs, maps of SEC("maps") and of
 *                SEC(".maps") (btf_maps.c), global data sections as maps,
 *                the object's own .BTF and .BTF.ext (btf.c, btf_ext.c)
 *     plan       relocate.c, first half: each program's relocation plan
 *                (maps, global data, constants, calls, CO-RE, externs)
 *   tpbpf_object_load()
 *     btf        btf_load.c, btf_sanitize.c: the object's BTF into the kernel,
 *                so maps get typed keys and values; never required
 *     maps       maps.c: every map created, global data written and frozen
 *     and for each program:
 *     relocate   relocate.c, second half (load_constants.c, core_resolve.c,
 *                core.c): the plan applied to a fresh copy of its code
 *     fallbacks  fallbacks.c: rewrites for a kernel that lacks a feature
 *     load       prog_load.c: BPF_PROG_LOAD with the verifier's log; then
 *                program arrays' slots (maps.c)
 *   tpbpf_object_attach(), tpbpf_program_attach()
 *     attach     attach.c: each program onto its tracepoints
 *   the caller's run
 *     events     event_reader.c (perf_reader.c, ringbuf_reader.c): what the
 *                programs send; the tools set the reader up before attach
 *   tpbpf_object_stop(), tpbpf_object_close()
 *     stop       attach.c: every link closed at once: no program runs any more
 *     close      object.c, attach.c, maps.c: perf events, programs, maps and
 *                BTF closed; the kernel frees each with its last fd
 *
 * Feature probes (features.c) are not a step: a step asks one when a choice
 * depends on the kernel, and each is asked at most once.
 */
#ifndef TPBPF_OBJECT_H
#define TPBPF_OBJECT_H

#include <linux/bpf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "internal.h"
#include "tpbpf.h"
#include "tpbpf_inspect.h"

/* Prefix of the undefined symbols that name load-time constants. */
#define TPBPF_CONST_PREFIX "tpbpf."

struct obj_symbol {
	char *name;
	uint64_t value;		/* st_value: offset within its section */
	uint64_t size;
	uint16_t shndx;		/* section index, SHN_UNDEF for extern */
	uint8_t type;		/* STT_* */
	uint8_t bind;		/* STB_* */
};

struct obj_reloc {
	uint64_t offset;	/* byte offset in the relocated section */
	uint32_t sym;		/* index into obj->syms */
	uint32_t type;		/* R_BPF_* */
};

enum sec_role {
	SEC_OTHER,		/* no role: debug info, symbol tables; .BTF read by name */
	SEC_PROGRAM,		/* executable section that holds programs */
	SEC_TEXT,		/* .text: sub-programs called by programs */
	SEC_MAPS,		/* legacy "maps": struct bpf_map_def array */
	SEC_DATA,		/* .data*, .rodata*, .bss*: global data */
};

struct obj_section {
	char *name;
	enum sec_role role;
	uint32_t type;		/* SHT_* */
	uint64_t flags;		/* SHF_* */
	void *data;		/* copy of the contents (NULL for SHT_NOBITS) */
	size_t size;
	struct obj_reloc *relocs;	/* relocations that apply to it */
	size_t nr_relocs;
	int map_idx;		/* SEC_DATA: its map in obj->maps, else -1 */
};

enum map_origin {
	MAP_FROM_DEF,		/* struct bpf_map_def in "maps" or "maps/NAME" */
	MAP_FROM_BTF,		/* a variable of SEC(".maps"), described by BTF */
	MAP_FROM_DATA,		/* global data sections */
	MAP_FROM_RODATA,
	MAP_FROM_BSS,
};

/* A slot of a map of maps or program array given in its definition. */
struct map_slot {
	uint32_t key;
	const char *target;	/* the map or program it holds, by name */
};

struct tpbpf_map {
	struct tpbpf_object *obj;
	char *name;
	enum map_origin origin;
	uint32_t type, key_size, value_size, max_entries, flags, numa_node;
	size_t sec_idx;		/* its maps section, or the data section */
	uint64_t sec_off;	/* offset of its definition in the maps section */
	int inner;		/* map-in-map: index of the inner map's definition, else -1 */
	/* BTF-defined maps (btf_maps.c) */
	uint32_t btf_key_type_id, btf_value_type_id;	/* in the object's BTF; 0: none */
	uint64_t map_extra;
	bool pin_by_name;	/* LIBBPF_PIN_BY_NAME */
	struct tpbpf_map *inner_def;	/* map of maps: what its slots look like (owned) */
	bool has_values;	/* __array(values, ...): its slots start at values_off */
	uint64_t values_off;
	struct map_slot *slots;
	size_t nr_slots;
	int fd;
};

/* A map made from .data, .rodata or .bss rather than defined as a map. */
static inline bool map_is_global_data(const struct tpbpf_map *m)
{
	return m->origin == MAP_FROM_DATA || m->origin == MAP_FROM_RODATA ||
	       m->origin == MAP_FROM_BSS;
}

/*
 * A program attached to one tracepoint: the fds that hold the attachment.
 * Closing the last of them detaches it.
 */
struct tpbpf_link {
	struct tpbpf_program *prog;
	char *target;		/* "CAT:NAME", or the raw tracepoint's NAME */
	int fd;			/* BPF link, raw tracepoint or perf event fd */
	int perf_fd;		/* perf event under a BPF link, else -1 */
	int prog_fd;		/* a per-tracepoint copy of the program, else -1 */
};

/*
 * One entry of a program's relocation plan: what loading writes into one
 * instruction. The plan is made once, when the object is read (relocate.c),
 * as libbpf's reloc_desc; loading applies it, and inspect and -v print it.
 */
/* The helper id a weak kfunc's call becomes when tpbpf leaves it absent. */
#define TPBPF_KFUNC_POISON 0xbad2311

struct reloc {
	enum tpbpf_reloc_kind kind;
	size_t insn;		/* in the laid-out program: its own code, then .text functions */
	size_t sec_idx;		/* the section the instruction comes from */
	size_t sec_insn;	/* its index there */
	const char *sym;	/* symbol name; a section symbol's section; "" for a relative call */
	int map;		/* MAP_FD, MAP_VALUE: index in obj->maps */
	uint64_t off;		/* MAP_VALUE: offset in the map's value; CONST: the addend */
	size_t callee;		/* CALL: where the called instruction lands */
	const char *why;	/* INVALID: why the loader refuses it */
	char *why_owned;	/* ... when it is made for this entry */
	struct tpbpf_core_spec *core;	/* CORE: what it asks (owned) */
	bool poisoned;		/* CORE: applied as a poisoned instruction */
};

/* A .text function appended to a program, and where it lands. */
struct text_func {
	size_t sec_off;		/* first instruction in .text */
	size_t cnt;
	size_t pos;		/* first instruction in the program */
	const char *name;
};

struct tpbpf_program {
	struct tpbpf_object *obj;
	char *name;		/* function symbol */
	char *section;
	char *target;		/* CAT/NAME or NAME from the section, or "" */
	enum tpbpf_prog_kind kind;
	uint32_t bpf_type;	/* BPF_PROG_TYPE_* */
	size_t sec_idx;
	size_t sec_insn_off;	/* first instruction within the section */
	size_t sec_insn_cnt;
	/* The relocation plan (relocate.c), made when the object is read. */
	struct reloc *relocs;	/* in instruction order */
	size_t nr_relocs;
	struct text_func *funcs;	/* .text functions, in the order they land */
	size_t nr_funcs;
	size_t layout_cnt;	/* instructions once laid out */
	size_t *cookie_calls;	/* bpf_get_attach_cookie() calls: TP_EVENT_ID() */
	size_t nr_cookie_calls;
	bool per_event_copies;	/* the calls became constants: one copy per tracepoint */
	/* Applying the plan: the instructions as loaded (or to be loaded). */
	struct bpf_insn *insns;
	size_t insn_cnt;
	int fd;
	char *log;		/* verifier log kept from the last load */
	bool autoattach;
	bool autoload;
	const char *skip_reason;	/* TPBPF_PROG_OTHER: why it is not loaded */
	struct tpbpf_link **links;
	size_t nr_links;
};

struct const_value {
	char *name;
	uint64_t value;
};

struct tpbpf_btf;
struct tpbpf_btf_ext;

struct tpbpf_object {
	char *name;
	char license[128];
	struct tpbpf_btf *btf;		/* its .BTF, when it has one that reads */
	struct tpbpf_btf_ext *btf_ext;	/* its .BTF.ext */
	char btf_err[300];		/* why .BTF or .BTF.ext did not read */
	int btf_fd;			/* its BTF in the kernel, else -1 */
	char *pin_root;			/* bpffs directory of pinned maps */
	char **warnings;		/* tpbpf_obj_warn() */
	size_t nr_warnings;
	struct obj_section *secs;	/* indexed by ELF section index */
	size_t nr_secs;
	struct obj_symbol *syms;	/* indexed by ELF symbol index */
	size_t nr_syms;
	size_t text_idx;		/* .text section index, 0 if none */
	struct tpbpf_program *progs;
	size_t nr_progs;
	struct tpbpf_map *maps;
	size_t nr_maps;
	struct const_value *consts;
	size_t nr_consts;
	struct format_cache *formats;	/* load_constants.c */
	bool keep_logs;
	bool loaded;
};

/* Step "read" (elf_reader.c): parse an ELF image into OBJ. */
int tpbpf_obj_read_elf(struct tpbpf_object *obj, const void *data, size_t size);
/* A new map at the end of obj->maps (pointers into it move). */
int tpbpf_obj_add_map(struct tpbpf_object *obj, struct tpbpf_map **out);
/* Step "read", maps of SEC(".maps") (btf_maps.c), the section at SEC_IDX. */
int tpbpf_obj_read_btf_maps(struct tpbpf_object *obj, size_t sec_idx);
/*
 * The locked-memory limit (maps.c): raise it after a first EPERM, once;
 * true if it was raised just now. Why an EPERM happened, for messages.
 */
bool tpbpf_obj_raise_memlock(void);
void tpbpf_obj_memlock_reset(void);	/* for tests: as at start */
void tpbpf_obj_memlock_why(char *buf, size_t len, unsigned long long need_kib);
/* Step "btf" (btf_load.c): the object's BTF in the kernel, if it can be. */
int tpbpf_obj_load_btf(struct tpbpf_object *obj);
void tpbpf_obj_close_btf(struct tpbpf_object *obj);
/* The BTF value type of a global data map: its section's DATASEC; 0 if none. */
uint32_t tpbpf_obj_datasec_type(const struct tpbpf_object *obj, const struct tpbpf_map *m);
/* Where pinned maps go unless tpbpf_object_set_pin_root() says otherwise. */
#define TPBPF_DEFAULT_PIN_ROOT "/sys/fs/bpf"
/* End of step "load" (maps.c): program arrays' slots given in their definitions. */
int tpbpf_obj_fill_prog_slots(struct tpbpf_object *obj);
/* Step "maps" (maps.c): create every map, after step "btf"; close them again. */
int tpbpf_obj_create_maps(struct tpbpf_object *obj);
void tpbpf_obj_close_maps(struct tpbpf_object *obj);
/* Step "plan" (relocate.c): the relocation plan of every program. */
int tpbpf_obj_plan_relocations(struct tpbpf_object *obj);
void tpbpf_obj_free_plan(struct tpbpf_program *prog);
/*
 * Step "relocate" (relocate.c): apply PROG's plan to a fresh copy of its
 * code. Maps without an fd (not created yet, or no global data) are left
 * for later; with DRY, constants that cannot be resolved are left 0
 * instead of failing.
 */
int tpbpf_obj_relocate_program(struct tpbpf_object *obj, struct tpbpf_program *prog);
int tpbpf_obj_layout_program(struct tpbpf_object *obj, struct tpbpf_program *prog, bool dry);
/*
 * Step "relocate", CO-RE (core_resolve.c): the answer on this kernel to
 * what SPEC asks, from the kernel's BTF, a tracefs format or the offsets
 * file; SOURCE says which. -ENOENT, with the detail naming the ways to
 * provide it, when nothing on this kernel can answer a relocation that
 * needs an answer.
 */
struct tpbpf_core_spec;
struct tpbpf_core_target;
int tpbpf_obj_core_resolve(struct tpbpf_object *obj, const struct tpbpf_program *prog,
			   const struct tpbpf_core_spec *spec, struct tpbpf_core_target *out,
			   char *source, size_t source_len);
/* One plan entry as inspect shows it (inspect.c), resolving constants. */
void tpbpf_obj_reloc_info(struct tpbpf_object *obj, const struct tpbpf_program *prog,
			  const struct reloc *r, struct tpbpf_reloc_info *info,
			  char *target, size_t target_len, char *detail, size_t detail_len);
/* Load-time constants (load_constants.c). */
int tpbpf_obj_resolve_const(struct tpbpf_object *obj, const char *sym, uint64_t *value);
/* The tracefs format of CAT/NAME, read once per object (load_constants.c). */
int tpbpf_obj_format(struct tpbpf_object *obj, const char *cat, const char *name,
		     const struct tpbpf_format **out);
/* Formats read while resolving constants, kept until the object closes. */
void tpbpf_obj_const_cache_free(struct tpbpf_object *obj);
/* Step "fallbacks" (fallbacks.c): rewrites for older kernels, after step "relocate". */
int tpbpf_obj_apply_fallbacks(struct tpbpf_object *obj, struct tpbpf_program *prog);
/* Step "load" (prog_load.c): BPF_PROG_LOAD with the verifier log. */
int tpbpf_obj_load_program(struct tpbpf_object *obj, struct tpbpf_program *prog);
/*
 * Step "attach" without BPF links: a copy of PROG whose TP_EVENT_ID() is
 * the constant EVENT_ID; its fd.
 */
int tpbpf_obj_load_instance(struct tpbpf_program *prog, int event_id);
/*
 * Step "attach" (attach.c), undone. Step "stop": every link of OBJ closed at
 * once, so no program runs any more; perf events under BPF links are
 * disabled and kept. Release (step "close"): stop, then close what is left of
 * every link (the perf events, together) and free them. Release one
 * program's links, one by one.
 */
void tpbpf_obj_stop_links(struct tpbpf_object *obj);
void tpbpf_obj_release_links(struct tpbpf_object *obj);
void tpbpf_obj_release_program_links(struct tpbpf_program *prog);

/*
 * Section name -> program kind, its BPF type, its target ("CAT/NAME", "NAME"
 * or ""), and for TPBPF_PROG_OTHER why tpbpf does not load it; false for a
 * name libbpf gives no meaning to (kind TPBPF_PROG_OTHER too).
 */
bool tpbpf_prog_kind_from_section(const char *sec, enum tpbpf_prog_kind *kind,
				  uint32_t *bpf_type, const char **target, const char **why);
/* Record a warning about OBJ (tpbpf_object_warning); -ENOMEM or 0. */
int tpbpf_obj_warn(struct tpbpf_object *obj, const char *fmt, ...) TPBPF_PRINTF(2, 3);

#endif
