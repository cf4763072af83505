/* SPDX-License-Identifier: MIT */
/*
 * The in-memory model of a BPF object file, shared by the steps of the load
 * path: elf_reader.c fills it, maps.c creates its maps, relocate.c patches
 * its programs, prog_load.c loads them and attach.c attaches them.
 */
#ifndef TPBPF_OBJECT_H
#define TPBPF_OBJECT_H

#include <linux/bpf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tpbpf.h"

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
	SEC_OTHER,		/* ignored: debug info, BTF, symbol tables... */
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

enum map_origin { MAP_FROM_DEF, MAP_FROM_DATA, MAP_FROM_RODATA, MAP_FROM_BSS };

struct tpbpf_map {
	struct tpbpf_object *obj;
	char *name;
	enum map_origin origin;
	uint32_t type, key_size, value_size, max_entries, flags, numa_node;
	size_t sec_idx;		/* "maps" or the data section */
	uint64_t sec_off;	/* offset of its definition in "maps" */
	int fd;
};

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

/* A load of .rodata that relocation could not point at a map (before 5.2). */
struct rodata_load {
	size_t pos;		/* the ld_imm64 in prog->insns */
	struct tpbpf_map *map;
	uint64_t off;
	const char *sym;
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
	struct bpf_insn *insns;	/* own copy; relocation appends sub-programs */
	size_t insn_cnt;
	size_t nr_subprogs;	/* .text functions appended by relocation */
	size_t *cookie_calls;	/* bpf_get_attach_cookie() calls rewritten */
	size_t nr_cookie_calls;	/*   to constants (no BPF links, before 5.15) */
	struct rodata_load *rodata_loads;	/* to fold (no global data) */
	size_t nr_rodata_loads;
	int fd;
	char *log;		/* verifier log kept from the last load */
	bool autoattach;
	struct tpbpf_link **links;
	size_t nr_links;
};

struct const_value {
	char *name;
	uint64_t value;
};

struct tpbpf_object {
	char *name;
	char license[128];
	struct obj_section *secs;	/* indexed by ELF section index */
	size_t nr_secs;
	struct obj_symbol *syms;	/* indexed by ELF symbol index */
	size_t nr_syms;
	size_t text_idx;		/* .text section index, 0 if none */
	size_t maps_idx;		/* "maps" section index, 0 if none */
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

/* Step 1 (elf_reader.c): parse an ELF image into OBJ. */
int tpbpf_obj_read_elf(struct tpbpf_object *obj, const void *data, size_t size);
/* Step 2 (maps.c): create every map; close them again. */
int tpbpf_obj_create_maps(struct tpbpf_object *obj);
void tpbpf_obj_close_maps(struct tpbpf_object *obj);
/* Step 3 (relocate.c): relocate one program (maps must have fds). */
int tpbpf_obj_relocate_program(struct tpbpf_object *obj, struct tpbpf_program *prog);
/* The .text function holding instruction IDX of .text: its first insn and count. */
int tpbpf_obj_text_func_bounds(const struct tpbpf_object *obj, size_t idx, size_t *off,
			 size_t *cnt);
/* Load-time constants (load_constants.c). */
int tpbpf_obj_resolve_const(struct tpbpf_object *obj, const char *sym, uint64_t *value);
/* Formats read while resolving constants, kept until the object closes. */
void tpbpf_obj_const_cache_free(struct tpbpf_object *obj);
/* Fallbacks for older kernels (fallbacks.c), applied after relocation. */
int tpbpf_obj_apply_fallbacks(struct tpbpf_object *obj, struct tpbpf_program *prog);
/* Step 4 (prog_load.c): BPF_PROG_LOAD with the verifier log. */
int tpbpf_obj_load_program(struct tpbpf_object *obj, struct tpbpf_program *prog);
/* A copy of PROG whose TP_EVENT_ID() is the constant EVENT_ID: its fd. */
int tpbpf_obj_load_instance(struct tpbpf_program *prog, int event_id);
/*
 * Step 5 (attach.c), undone. Stop: every link of OBJ closed at once, so no
 * program runs any more; perf events under BPF links are disabled and
 * kept. Release: stop, then close what is left of every link (the perf
 * events, together) and free them. Release one program's links, one by one.
 */
void tpbpf_obj_stop_links(struct tpbpf_object *obj);
void tpbpf_obj_release_links(struct tpbpf_object *obj);
void tpbpf_obj_release_program_links(struct tpbpf_program *prog);

/* Section name -> program kind; false if it is not a program section. */
bool tpbpf_prog_kind_from_section(const char *sec, enum tpbpf_prog_kind *kind,
			    uint32_t *bpf_type, const char **target);

#endif
