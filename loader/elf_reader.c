/* SPDX-License-Identifier: MIT */
/*
 * The load path, step "read" (the steps in order: object.h): read a BPF
 * object file with libelf.
 *
 * Everything the later steps need is copied out of the ELF image here
 * (sections, symbols, relocations, the license, programs, map definitions
 * of SEC("maps") and SEC(".maps"), global data sections), so the image and
 * libelf are done with once this returns. The object's own .BTF and
 * .BTF.ext are parsed when it has them (btf.c, btf_ext.c): SEC(".maps")
 * and CO-RE relocations need them; one that does not read is an error
 * only for what needs it. Debug sections are read past. The last part of
 * reading is step "plan" (relocate.c). No system call but the file's read.
 */
#include <errno.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "btf.h"
#include "internal.h"
#include "object.h"

#ifndef EM_BPF
#define EM_BPF 247
#endif

/*
 * struct bpf_map_def of the legacy "maps" sections: the kernel samples'
 * first four u32 (type, key_size, value_size, max_entries), libbpf's five
 * (+ map_flags), or longer ones (inner_map_idx, numa_node, gobpf's pinning
 * and namespace).
 */
#define MAP_DEF_MIN_SIZE (4 * sizeof(uint32_t))

struct section_kind {
	const char *prefix;
	enum tpbpf_prog_kind kind;
	uint32_t bpf_type;
	const char *why;	/* TPBPF_PROG_OTHER: why tpbpf does not load it */
};

#define OTHER(prefix, why) { prefix, TPBPF_PROG_OTHER, 0, why }
#define NOT_A_TRACEPOINT "tpbpf loads tracepoint and raw tracepoint programs only"
#define NEEDS_BTF "needs the kernel's BTF, which tpbpf does without"

/*
 * The section names libbpf gives meaning to. Longest prefixes first within
 * a family: "raw_tp.w/" must win over "raw_tp/".
 */
static const struct section_kind section_kinds[] = {
	{ "raw_tracepoint.w", TPBPF_PROG_RAW_TRACEPOINT_WRITABLE, BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE, NULL },
	{ "raw_tp.w", TPBPF_PROG_RAW_TRACEPOINT_WRITABLE, BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE, NULL },
	{ "raw_tracepoint", TPBPF_PROG_RAW_TRACEPOINT, BPF_PROG_TYPE_RAW_TRACEPOINT, NULL },
	{ "raw_tp", TPBPF_PROG_RAW_TRACEPOINT, BPF_PROG_TYPE_RAW_TRACEPOINT, NULL },
	{ "tracepoint", TPBPF_PROG_TRACEPOINT, BPF_PROG_TYPE_TRACEPOINT, NULL },
	{ "tp_btf", TPBPF_PROG_OTHER, 0, "a BTF-enabled tracepoint (tp_btf/) " NEEDS_BTF "; use raw_tp/ (the same arguments, read with bpf_probe_read_kernel)" },
	{ "tp", TPBPF_PROG_TRACEPOINT, BPF_PROG_TYPE_TRACEPOINT, NULL },
	OTHER("kprobe", "a kprobe: " NOT_A_TRACEPOINT),
	OTHER("kretprobe", "a kretprobe: " NOT_A_TRACEPOINT),
	OTHER("kprobe.multi", "a kprobe: " NOT_A_TRACEPOINT),
	OTHER("kretprobe.multi", "a kretprobe: " NOT_A_TRACEPOINT),
	OTHER("ksyscall", "a kprobe on a system call: " NOT_A_TRACEPOINT "; syscalls:sys_enter_* tracepoints see the same calls"),
	OTHER("kretsyscall", "a kretprobe on a system call: " NOT_A_TRACEPOINT "; syscalls:sys_exit_* tracepoints see the same returns"),
	OTHER("uprobe", "a uprobe: " NOT_A_TRACEPOINT),
	OTHER("uretprobe", "a uretprobe: " NOT_A_TRACEPOINT),
	OTHER("uprobe.s", "a uprobe: " NOT_A_TRACEPOINT),
	OTHER("uretprobe.s", "a uretprobe: " NOT_A_TRACEPOINT),
	OTHER("uprobe.multi", "a uprobe: " NOT_A_TRACEPOINT),
	OTHER("usdt", "a USDT probe: " NOT_A_TRACEPOINT),
	OTHER("fentry", "an fentry program " NEEDS_BTF),
	OTHER("fexit", "an fexit program " NEEDS_BTF),
	OTHER("fmod_ret", "an fmod_ret program " NEEDS_BTF),
	OTHER("fentry.s", "an fentry program " NEEDS_BTF),
	OTHER("fexit.s", "an fexit program " NEEDS_BTF),
	OTHER("freplace", "an freplace program " NEEDS_BTF),
	OTHER("lsm", "an LSM program " NEEDS_BTF),
	OTHER("lsm.s", "an LSM program " NEEDS_BTF),
	OTHER("lsm_cgroup", "an LSM program " NEEDS_BTF),
	OTHER("iter", "a BPF iterator " NEEDS_BTF),
	OTHER("iter.s", "a BPF iterator " NEEDS_BTF),
	OTHER("struct_ops", "a struct_ops program " NEEDS_BTF),
	OTHER("struct_ops.s", "a struct_ops program " NEEDS_BTF),
	OTHER("syscall", "a syscall program: " NOT_A_TRACEPOINT),
	OTHER("perf_event", "a perf event program: " NOT_A_TRACEPOINT),
	OTHER("xdp", "an XDP program: " NOT_A_TRACEPOINT),
	OTHER("xdp.frags", "an XDP program: " NOT_A_TRACEPOINT),
	OTHER("tc", "a traffic control program: " NOT_A_TRACEPOINT),
	OTHER("tcx", "a traffic control program: " NOT_A_TRACEPOINT),
	OTHER("netkit", "a netkit program: " NOT_A_TRACEPOINT),
	OTHER("classifier", "a traffic control program: " NOT_A_TRACEPOINT),
	OTHER("action", "a traffic control program: " NOT_A_TRACEPOINT),
	OTHER("socket", "a socket filter: " NOT_A_TRACEPOINT),
	OTHER("sockops", "a sockops program: " NOT_A_TRACEPOINT),
	OTHER("sk_skb", "an sk_skb program: " NOT_A_TRACEPOINT),
	OTHER("sk_msg", "an sk_msg program: " NOT_A_TRACEPOINT),
	OTHER("sk_lookup", "an sk_lookup program: " NOT_A_TRACEPOINT),
	OTHER("sk_reuseport", "an sk_reuseport program: " NOT_A_TRACEPOINT),
	OTHER("flow_dissector", "a flow dissector: " NOT_A_TRACEPOINT),
	OTHER("cgroup", "a cgroup program: " NOT_A_TRACEPOINT),
	OTHER("cgroup_skb", "a cgroup program: " NOT_A_TRACEPOINT),
	OTHER("lwt_in", "a lightweight tunnel program: " NOT_A_TRACEPOINT),
	OTHER("lwt_out", "a lightweight tunnel program: " NOT_A_TRACEPOINT),
	OTHER("lwt_xmit", "a lightweight tunnel program: " NOT_A_TRACEPOINT),
	OTHER("lwt_seg6local", "a lightweight tunnel program: " NOT_A_TRACEPOINT),
	OTHER("lirc_mode2", "a lirc program: " NOT_A_TRACEPOINT),
	OTHER("netfilter", "a netfilter program: " NOT_A_TRACEPOINT),
};

/* An executable section of a name libbpf does not know either. */
#define CUSTOM_SECTION "its section names no program type; give one with --attach PROG=CATEGORY/NAME (or a raw tracepoint NAME), or name the section tp/CATEGORY/NAME"

bool tpbpf_prog_kind_from_section(const char *sec, enum tpbpf_prog_kind *kind,
				  uint32_t *bpf_type, const char **target, const char **why)
{
	for (size_t i = 0; i < ARRAY_SIZE(section_kinds); i++) {
		size_t n = strlen(section_kinds[i].prefix);

		if (strncmp(sec, section_kinds[i].prefix, n) != 0)
			continue;
		/* "tracepoint" alone: the target is given at attach time */
		if (sec[n] != '\0' && sec[n] != '/')
			continue;
		*kind = section_kinds[i].kind;
		*bpf_type = section_kinds[i].bpf_type;
		*target = sec[n] == '/' ? sec + n + 1 : "";
		*why = section_kinds[i].why;
		return true;
	}
	*kind = TPBPF_PROG_OTHER;
	*bpf_type = 0;
	*target = "";
	*why = CUSTOM_SECTION;
	return false;
}

static bool has_prefix(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

static bool is_data_section(const char *name)
{
	static const char *const names[] = { ".data", ".rodata", ".bss" };

	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		size_t n = strlen(names[i]);

		if (strncmp(name, names[i], n) == 0 &&
		    (name[n] == '\0' || name[n] == '.'))
			return true;
	}
	return false;
}

static int read_sections(struct tpbpf_object *obj, Elf *elf, size_t shstrndx)
{
	Elf_Scn *scn = NULL;

	if (elf_getshdrnum(elf, &obj->nr_secs) || obj->nr_secs == 0)
		return tpbpf_err(EINVAL, "%s: cannot count sections: %s",
				 obj->name, elf_errmsg(-1));
	obj->secs = calloc(obj->nr_secs, sizeof(*obj->secs));
	if (!obj->secs)
		return tpbpf_err(ENOMEM, "out of memory");

	while ((scn = elf_nextscn(elf, scn)) != NULL) {
		size_t idx = elf_ndxscn(scn);
		struct obj_section *s = &obj->secs[idx];
		const char *name;
		Elf_Data *data;
		GElf_Shdr sh;

		s->map_idx = -1;
		if (idx >= obj->nr_secs || !gelf_getshdr(scn, &sh))
			return tpbpf_err(EINVAL, "%s: bad header of section %zu: %s",
					 obj->name, idx, elf_errmsg(-1));
		name = elf_strptr(elf, shstrndx, sh.sh_name);
		if (!name)
			return tpbpf_err(EINVAL, "%s: section %zu has no valid name: %s",
					 obj->name, idx, elf_errmsg(-1));
		s->name = tpbpf_strdup(name);
		if (!s->name)
			return -ENOMEM;
		s->type = sh.sh_type;
		s->flags = sh.sh_flags;
		s->size = sh.sh_size;
		if (sh.sh_type == SHT_NOBITS || sh.sh_size == 0)
			continue;
		/* libelf checks that the section lies inside the file */
		data = elf_getdata(scn, NULL);
		if (!data || (data->d_size && !data->d_buf) || data->d_size != sh.sh_size)
			return tpbpf_err(EINVAL, "%s: cannot read section %s (%zu): %s",
					 obj->name, name, idx,
					 elf_errmsg(-1) ? elf_errmsg(-1) : "bad offset or size");
		s->data = malloc(sh.sh_size);
		if (!s->data)
			return tpbpf_err(ENOMEM, "out of memory");
		memcpy(s->data, data->d_buf, sh.sh_size);
	}
	return 0;
}

static int read_symbols(struct tpbpf_object *obj, Elf *elf)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(elf, scn)) != NULL) {
		Elf_Data *data;
		GElf_Shdr sh;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB)
			continue;
		if (obj->syms)
			return tpbpf_err(EINVAL, "%s: more than one symbol table", obj->name);
		data = elf_getdata(scn, NULL);
		if (!data || sh.sh_entsize != sizeof(Elf64_Sym))
			return tpbpf_err(EINVAL, "%s: unreadable symbol table: %s",
					 obj->name, elf_errmsg(-1));
		obj->nr_syms = data->d_size / sizeof(Elf64_Sym);
		obj->syms = calloc(obj->nr_syms ? obj->nr_syms : 1, sizeof(*obj->syms));
		if (!obj->syms)
			return tpbpf_err(ENOMEM, "out of memory");
		for (size_t i = 0; i < obj->nr_syms; i++) {
			struct obj_symbol *s = &obj->syms[i];
			const char *name;
			GElf_Sym sym;

			if (!gelf_getsym(data, (int)i, &sym))
				return tpbpf_err(EINVAL, "%s: bad symbol %zu", obj->name, i);
			name = elf_strptr(elf, sh.sh_link, sym.st_name);
			if (!name)
				return tpbpf_err(EINVAL, "%s: symbol %zu has a name out of range",
						 obj->name, i);
			s->name = tpbpf_strdup(name);
			if (!s->name)
				return -ENOMEM;
			s->value = sym.st_value;
			s->size = sym.st_size;
			s->shndx = sym.st_shndx;
			s->type = GELF_ST_TYPE(sym.st_info);
			s->bind = GELF_ST_BIND(sym.st_info);
			if (s->shndx != SHN_UNDEF && s->shndx < SHN_LORESERVE &&
			    s->shndx >= obj->nr_secs)
				return tpbpf_err(EINVAL, "%s: symbol %s points to section %u, which does not exist",
						 obj->name, name, s->shndx);
		}
	}
	if (!obj->syms)
		return tpbpf_err(EINVAL, "%s: no symbol table (was the object stripped?)",
				 obj->name);
	return 0;
}

static int read_relocations(struct tpbpf_object *obj, Elf *elf)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(elf, scn)) != NULL) {
		struct obj_section *target;
		Elf_Data *data;
		GElf_Shdr sh;
		size_t n;

		if (!gelf_getshdr(scn, &sh))
			continue;
		if (sh.sh_type == SHT_RELA && sh.sh_info < obj->nr_secs &&
		    (obj->secs[sh.sh_info].flags & SHF_EXECINSTR))
			return tpbpf_err(EINVAL, "%s: RELA relocations for section %s are not supported (BPF objects use REL)",
					 obj->name, obj->secs[sh.sh_info].name);
		if (sh.sh_type != SHT_REL)
			continue;
		if (sh.sh_info == 0 || sh.sh_info >= obj->nr_secs)
			return tpbpf_err(EINVAL, "%s: relocation section for section %u, which does not exist",
					 obj->name, (unsigned)sh.sh_info);
		target = &obj->secs[sh.sh_info];
		/*
		 * Code is relocated, and .maps has the slots of maps of maps in
		 * its; .BTF, debug info and the rest are not needed.
		 */
		if (!(target->flags & SHF_EXECINSTR) && strcmp(target->name, ".maps") != 0)
			continue;
		/* A second table for one section would overwrite (and leak) the first. */
		if (target->relocs)
			return tpbpf_err(EINVAL, "%s: two relocation sections for section %s; the object is corrupt",
					 obj->name, target->name);
		data = elf_getdata(scn, NULL);
		if (!data || sh.sh_entsize != sizeof(Elf64_Rel))
			return tpbpf_err(EINVAL, "%s: unreadable relocations for %s",
					 obj->name, target->name);
		n = data->d_size / sizeof(Elf64_Rel);
		target->relocs = calloc(n ? n : 1, sizeof(*target->relocs));
		if (!target->relocs)
			return tpbpf_err(ENOMEM, "out of memory");
		for (size_t i = 0; i < n; i++) {
			GElf_Rel rel;

			if (!gelf_getrel(data, (int)i, &rel))
				return tpbpf_err(EINVAL, "%s: bad relocation %zu for %s",
						 obj->name, i, target->name);
			if (GELF_R_SYM(rel.r_info) >= obj->nr_syms)
				return tpbpf_err(EINVAL, "%s: relocation %zu of %s names symbol %zu, past the end of the symbol table",
						 obj->name, i, target->name,
						 (size_t)GELF_R_SYM(rel.r_info));
			/* No sum here: r_offset near 2^64 would wrap past the check. */
			if (rel.r_offset % sizeof(struct bpf_insn) ||
			    rel.r_offset >= target->size ||
			    target->size - rel.r_offset < sizeof(struct bpf_insn))
				return tpbpf_err(EINVAL, "%s: relocation %zu of %s at offset %llu lies outside the section (%zu bytes)",
						 obj->name, i, target->name,
						 (unsigned long long)rel.r_offset, target->size);
			target->relocs[i].offset = rel.r_offset;
			target->relocs[i].sym = GELF_R_SYM(rel.r_info);
			target->relocs[i].type = GELF_R_TYPE(rel.r_info);
		}
		target->nr_relocs = n;
	}
	return 0;
}

/* A section the loader uses by its name (not debug info, BTF, ...). */
static bool section_has_role(const struct obj_section *s)
{
	return s->role != SEC_OTHER || strcmp(s->name, "license") == 0;
}

/* "maps", or gobpf's "maps/NAME": arrays of struct bpf_map_def. */
static bool is_legacy_maps_section(const char *name)
{
	return strcmp(name, "maps") == 0 || strncmp(name, "maps/", 5) == 0;
}

static int classify_sections(struct tpbpf_object *obj)
{
	for (size_t i = 1; i < obj->nr_secs; i++) {
		struct obj_section *s = &obj->secs[i];

		if (strcmp(s->name, "license") == 0) {
			if (!s->data || s->size == 0 || s->size >= sizeof(obj->license) ||
			    memchr(s->data, '\0', s->size) == NULL)
				return tpbpf_err(EINVAL, "%s: the license section is empty or not a NUL-terminated string",
						 obj->name);
			memcpy(obj->license, s->data, s->size);
		} else if (is_legacy_maps_section(s->name)) {
			s->role = SEC_MAPS;
		} else if (strcmp(s->name, ".maps") == 0) {
			s->role = SEC_MAPS;
		} else if (s->flags & SHF_EXECINSTR && s->type == SHT_PROGBITS) {
			if (s->size % sizeof(struct bpf_insn))
				return tpbpf_err(EINVAL, "%s: code section %s is %zu bytes, not a whole number of instructions",
						 obj->name, s->name, s->size);
			if (strcmp(s->name, ".text") == 0) {
				s->role = SEC_TEXT;
				obj->text_idx = i;
			} else if (s->size) {
				/* Every other code section holds programs, loadable or not. */
				s->role = SEC_PROGRAM;
			}
		} else if ((s->type == SHT_PROGBITS || s->type == SHT_NOBITS) &&
			   (s->flags & SHF_ALLOC) && is_data_section(s->name)) {
			s->role = SEC_DATA;
		} else if ((strncmp(s->name, "maps", 4) == 0 || strncmp(s->name, ".maps", 5) == 0) &&
			   s->size) {
			int err = tpbpf_obj_warn(obj, "section %s looks like map definitions but is not one tpbpf reads (maps, maps/NAME, .maps): its maps are not created",
						 s->name);

			if (err)
				return err;
		}
	}
	/*
	 * Two sections of one name make "the" license, maps or program section
	 * ambiguous (which one wins would be an accident of order); only a
	 * crafted or corrupt file has them, so refuse it.
	 */
	for (size_t i = 2; i < obj->nr_secs; i++) {
		if (!section_has_role(&obj->secs[i]))
			continue;
		for (size_t j = 1; j < i; j++)
			if (section_has_role(&obj->secs[j]) &&
			    strcmp(obj->secs[i].name, obj->secs[j].name) == 0)
				return tpbpf_err(EINVAL, "%s: sections %zu and %zu are both named %s; the object is corrupt",
						 obj->name, j, i, obj->secs[i].name);
	}
	/* The kernel takes a program without a license; GPL-only helpers it then refuses. */
	if (!obj->license[0])
		tpbpf_log("%s: no license section: programs load as not GPL-compatible", obj->name);
	return 0;
}

static int add_program(struct tpbpf_object *obj, size_t sec_idx, const char *name,
		       uint64_t off, uint64_t size)
{
	struct obj_section *s = &obj->secs[sec_idx];
	struct tpbpf_program *p, *progs;
	const char *target, *why;

	if (off % sizeof(struct bpf_insn) || size % sizeof(struct bpf_insn) ||
	    size == 0 || off > s->size || size > s->size - off)
		return tpbpf_err(EINVAL, "%s: program %s lies outside its section %s",
				 obj->name, name, s->name);
	progs = realloc(obj->progs, (obj->nr_progs + 1) * sizeof(*progs));
	if (!progs)
		return tpbpf_err(ENOMEM, "out of memory");
	obj->progs = progs;
	p = &obj->progs[obj->nr_progs];
	memset(p, 0, sizeof(*p));
	p->fd = -1;
	p->obj = obj;
	p->autoattach = true;
	p->autoload = true;
	p->sec_idx = sec_idx;
	p->sec_insn_off = off / sizeof(struct bpf_insn);
	p->sec_insn_cnt = size / sizeof(struct bpf_insn);
	tpbpf_prog_kind_from_section(s->name, &p->kind, &p->bpf_type, &target, &why);
	p->skip_reason = p->kind == TPBPF_PROG_OTHER ? why : NULL;
	obj->nr_progs++;
	p->name = tpbpf_strdup(name);
	p->section = tpbpf_strdup(s->name);
	p->target = tpbpf_strdup(target);
	if (!p->name || !p->section || !p->target)
		return -ENOMEM;
	for (size_t i = 0; i + 1 < obj->nr_progs; i++)
		if (strcmp(obj->progs[i].name, name) == 0)
			return tpbpf_err(EINVAL, "%s: two programs are named %s",
					 obj->name, name);
	/* An unrelocated copy; relocation works on it, the section stays as read. */
	p->insn_cnt = p->sec_insn_cnt;
	p->insns = malloc(size);
	if (!p->insns)
		return tpbpf_err(ENOMEM, "out of memory");
	memcpy(p->insns, (char *)s->data + off, size);
	tpbpf_log("program %s: section %s, %zu instructions at offset %llu%s%s",
		  name, s->name, p->insn_cnt, (unsigned long long)off,
		  p->skip_reason ? "; not loaded: " : "", p->skip_reason ? p->skip_reason : "");
	return 0;
}

/* Every global function in a program section is a program. */
static int find_programs(struct tpbpf_object *obj)
{
	for (size_t i = 1; i < obj->nr_secs; i++) {
		struct obj_section *s = &obj->secs[i];
		size_t found = 0;
		int err;

		if (s->role != SEC_PROGRAM || s->size == 0)
			continue;
		for (size_t j = 0; j < obj->nr_syms; j++) {
			struct obj_symbol *sym = &obj->syms[j];

			if (sym->shndx != i || sym->type != STT_FUNC || sym->bind != STB_GLOBAL)
				continue;
			err = add_program(obj, i, sym->name, sym->value, sym->size);
			if (err)
				return err;
			found++;
		}
		if (!found)
			return tpbpf_err(EINVAL, "%s: section %s holds code but no global function; programs must not be static",
					 obj->name, s->name);
	}
	if (!obj->nr_progs)
		return tpbpf_err(ENOENT, "%s: no program: no section named tracepoint/..., tp/..., raw_tracepoint/... or raw_tp/...",
				 obj->name);
	return 0;
}

int tpbpf_obj_add_map(struct tpbpf_object *obj, struct tpbpf_map **out)
{
	struct tpbpf_map *maps = realloc(obj->maps, (obj->nr_maps + 1) * sizeof(*maps));

	if (!maps)
		return tpbpf_err(ENOMEM, "out of memory");
	obj->maps = maps;
	*out = &obj->maps[obj->nr_maps++];
	memset(*out, 0, sizeof(**out));
	(*out)->obj = obj;
	(*out)->fd = -1;
	(*out)->inner = -1;
	return 0;
}

/*
 * One legacy map section: an array of struct bpf_map_def, one symbol per
 * map. Objects built against older headers use longer definitions (with
 * inner_map_idx, numa_node, ...) or shorter ones (the kernel samples' four
 * fields), so the entry size is the section size over the number of map
 * symbols, and must be the same for every map of the section. gobpf puts
 * each map in a section of its own, "maps/NAME", with its pinning and
 * namespace after map_flags.
 */
static int read_map_section(struct tpbpf_object *obj, size_t idx)
{
	struct obj_section *s = &obj->secs[idx];
	bool gobpf = strncmp(s->name, "maps/", 5) == 0;
	size_t nr = 0, entry, first = obj->nr_maps;

	for (size_t j = 0; j < obj->nr_syms; j++)
		if (obj->syms[j].shndx == idx && obj->syms[j].type != STT_SECTION &&
		    obj->syms[j].name[0])
			nr++;
	if (nr == 0)
		return s->size ? tpbpf_err(EINVAL, "%s: section %s has no map symbols",
					   obj->name, s->name) : 0;
	if (!s->data || s->size % nr)
		return tpbpf_err(EINVAL, "%s: section %s is %zu bytes for %zu maps: the definitions must all be the same size",
				 obj->name, s->name, s->size, nr);
	entry = s->size / nr;
	if (entry < MAP_DEF_MIN_SIZE || entry % sizeof(uint32_t))
		return tpbpf_err(EINVAL, "%s: map definitions of %zu bytes in section %s; struct bpf_map_def has at least 4 u32 fields (type, key_size, value_size, max_entries)",
				 obj->name, entry, s->name);
	tpbpf_log("section %s: %zu map%s, %zu bytes each", s->name, nr, nr == 1 ? "" : "s", entry);

	for (size_t j = 0; j < obj->nr_syms; j++) {
		struct obj_symbol *sym = &obj->syms[j];
		const unsigned char *raw;
		/* gobpf: pinning and a namespace string follow; others: up to 9 u32 */
		size_t known = gobpf ? 6 * sizeof(uint32_t) : 9 * sizeof(uint32_t);
		uint32_t def[9] = { 0 };
		struct tpbpf_map *m;
		int err;

		if (sym->shndx != idx || sym->type == STT_SECTION || !sym->name[0])
			continue;
		if (sym->value % entry || sym->value > s->size - entry)
			return tpbpf_err(EINVAL, "%s: map %s is not at a definition boundary of section %s",
					 obj->name, sym->name, s->name);
		raw = (unsigned char *)s->data + sym->value;
		memcpy(def, raw, entry < known ? entry : known);
		if (gobpf && def[5])
			return tpbpf_err(ENOTSUP, "%s: map %s asks for gobpf pinning (pinning %u): tpbpf does not pin gobpf maps; set pinning to 0 (PIN_NONE)",
					 obj->name, sym->name, def[5]);
		/* Fields past the ones we know must be zero, or we would ignore them. */
		for (size_t k = gobpf ? entry : known; k < entry; k++)
			if (raw[k])
				return tpbpf_err(EINVAL, "%s: map %s sets fields tpbpf does not know (definition of %zu bytes)",
						 obj->name, sym->name, entry);
		err = tpbpf_obj_add_map(obj, &m);
		if (err)
			return err;
		m->name = tpbpf_strdup(sym->name);
		if (!m->name)
			return -ENOMEM;
		m->origin = MAP_FROM_DEF;
		m->sec_idx = idx;
		m->sec_off = sym->value;
		m->type = def[0];
		m->key_size = def[1];
		m->value_size = def[2];
		m->max_entries = def[3];
		m->flags = def[4];
		/* samples/bpf layout: inner_map_idx (def[5]), numa_node (def[6]) */
		if (!gobpf && (m->type == BPF_MAP_TYPE_ARRAY_OF_MAPS ||
			       m->type == BPF_MAP_TYPE_HASH_OF_MAPS))
			m->inner = -2 - (int)def[5];	/* resolved below */
		if (m->flags & BPF_F_NUMA_NODE)
			m->numa_node = def[6];
		tpbpf_log("map %s: type %u key_size %u value_size %u max_entries %u flags 0x%x",
			  m->name, m->type, m->key_size, m->value_size,
			  m->max_entries, m->flags);
	}
	/* inner_map_idx counts definitions in the section: find that one. */
	for (size_t i = first; i < obj->nr_maps; i++) {
		struct tpbpf_map *m = &obj->maps[i];
		size_t want;

		if (m->inner > -2)
			continue;
		want = (size_t)(-2 - m->inner) * entry;
		m->inner = -1;
		for (size_t k = first; k < obj->nr_maps; k++)
			if (obj->maps[k].sec_off == want && k != i)
				m->inner = (int)k;
		if (m->inner < 0)
			return tpbpf_err(EINVAL, "%s: map-in-map %s: its inner_map_idx names no map of section %s",
					 obj->name, m->name, s->name);
	}
	return 0;
}

static int read_map_defs(struct tpbpf_object *obj)
{
	for (size_t i = 1; i < obj->nr_secs; i++) {
		int err;

		if (obj->secs[i].role != SEC_MAPS)
			continue;
		err = strcmp(obj->secs[i].name, ".maps") == 0 ? tpbpf_obj_read_btf_maps(obj, i) :
								read_map_section(obj, i);
		if (err)
			return err;
	}
	return 0;
}

static bool section_referenced(struct tpbpf_object *obj, size_t idx)
{
	for (size_t i = 1; i < obj->nr_secs; i++) {
		struct obj_section *s = &obj->secs[i];

		for (size_t r = 0; r < s->nr_relocs; r++)
			if (obj->syms[s->relocs[r].sym].shndx == idx)
				return true;
	}
	return false;
}

/* Global data sections that code refers to become one-entry array maps. */
static int read_data_sections(struct tpbpf_object *obj)
{
	for (size_t i = 1; i < obj->nr_secs; i++) {
		struct obj_section *s = &obj->secs[i];
		struct tpbpf_map *m;
		int err;

		if (s->role != SEC_DATA || !section_referenced(obj, i))
			continue;
		if (s->size == 0 || s->size > UINT32_MAX)
			return tpbpf_err(EINVAL, "%s: global data section %s has an unusable size %zu",
					 obj->name, s->name, s->size);
		err = tpbpf_obj_add_map(obj, &m);
		if (err)
			return err;
		m->name = tpbpf_strdup(s->name);
		if (!m->name)
			return -ENOMEM;
		m->origin = has_prefix(s->name, ".rodata") ? MAP_FROM_RODATA :
			    has_prefix(s->name, ".bss") ? MAP_FROM_BSS : MAP_FROM_DATA;
		m->sec_idx = i;
		m->type = BPF_MAP_TYPE_ARRAY;
		m->key_size = sizeof(uint32_t);
		m->value_size = (uint32_t)s->size;
		m->max_entries = 1;
		/* Programs must not write constants; user space may not either. */
		if (m->origin == MAP_FROM_RODATA)
			m->flags = BPF_F_RDONLY_PROG;
		s->map_idx = (int)(obj->nr_maps - 1);
		tpbpf_log("global data %s: %zu bytes -> array map", s->name, s->size);
	}
	return 0;
}

/*
 * The object's own BTF and .BTF.ext, when it has them (clang -g): needed
 * for maps in SEC(".maps") and CO-RE relocations, used to give maps their
 * types. One that does not read is not an error yet: what needs it fails
 * later, saying why.
 */
static int read_btf(struct tpbpf_object *obj)
{
	const struct obj_section *btf = NULL, *ext = NULL;
	int err;

	for (size_t i = 1; i < obj->nr_secs; i++) {
		if (strcmp(obj->secs[i].name, ".BTF") == 0)
			btf = &obj->secs[i];
		else if (strcmp(obj->secs[i].name, ".BTF.ext") == 0)
			ext = &obj->secs[i];
	}
	if (!btf || !btf->data)
		return 0;
	err = tpbpf_btf_parse(btf->data, btf->size, &obj->btf);
	if (err == -ENOMEM)
		return err;
	if (err) {
		snprintf(obj->btf_err, sizeof(obj->btf_err), ": its .BTF does not read: %s",
			 tpbpf_error_detail());
		tpbpf_log("%s: .BTF (%zu bytes) does not read: %s", obj->name, btf->size,
			  tpbpf_error_detail());
		return 0;
	}
	tpbpf_log(".BTF: %zu bytes, %u types", btf->size, tpbpf_btf_type_count(obj->btf));
	if (!ext || !ext->data)
		return 0;
	err = tpbpf_btf_ext_parse(ext->data, ext->size, obj->btf, &obj->btf_ext);
	if (err == -ENOMEM)
		return err;
	if (err) {
		snprintf(obj->btf_err, sizeof(obj->btf_err), ": its .BTF.ext does not read: %s",
			 tpbpf_error_detail());
		tpbpf_log("%s: .BTF.ext does not read: %s", obj->name, tpbpf_error_detail());
	}
	return 0;
}

static int check_header(struct tpbpf_object *obj, Elf *elf)
{
	GElf_Ehdr eh;

	if (elf_kind(elf) != ELF_K_ELF)
		return tpbpf_err(EINVAL, "%s: not an ELF file", obj->name);
	if (!gelf_getehdr(elf, &eh))
		return tpbpf_err(EINVAL, "%s: bad ELF header: %s", obj->name, elf_errmsg(-1));
	if (eh.e_ident[EI_CLASS] != ELFCLASS64)
		return tpbpf_err(EINVAL, "%s: not a 64-bit ELF file; build with clang -target bpf",
				 obj->name);
	if (eh.e_machine != EM_BPF)
		return tpbpf_err(EINVAL, "%s: ELF machine %u is not BPF (%u); build with clang -target bpf",
				 obj->name, eh.e_machine, EM_BPF);
	if (eh.e_type != ET_REL)
		return tpbpf_err(EINVAL, "%s: not a relocatable object (.o); build with clang -target bpf -c",
				 obj->name);
	if (eh.e_ident[EI_DATA] != (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ ? ELFDATA2LSB : ELFDATA2MSB))
		return tpbpf_err(EINVAL, "%s: byte order differs from this machine's; build with -target bpfel or bpfeb to match",
				 obj->name);
	return 0;
}

int tpbpf_obj_read_elf(struct tpbpf_object *obj, const void *data, size_t size)
{
	size_t shstrndx;
	Elf *elf;
	int err;

	tpbpf_log("read object %s (%zu bytes) with libelf", obj->name, size);
	if (elf_version(EV_CURRENT) == EV_NONE)
		return tpbpf_err(EINVAL, "libelf is unusable: %s", elf_errmsg(-1));
	/* libelf does not write through the pointer in read mode. */
	elf = elf_memory((char *)data, size);
	if (!elf)
		return tpbpf_err(EINVAL, "%s: cannot read as ELF: %s", obj->name, elf_errmsg(-1));
	err = check_header(obj, elf);
	if (!err && elf_getshdrstrndx(elf, &shstrndx))
		err = tpbpf_err(EINVAL, "%s: no section name table: %s", obj->name, elf_errmsg(-1));
	if (!err)
		err = read_sections(obj, elf, shstrndx);
	if (!err)
		err = read_symbols(obj, elf);
	if (!err)
		err = read_relocations(obj, elf);
	elf_end(elf);
	if (!err)
		err = read_btf(obj);
	if (!err)
		err = classify_sections(obj);
	if (!err)
		err = find_programs(obj);
	if (!err)
		err = read_map_defs(obj);
	if (!err)
		err = read_data_sections(obj);
	if (!err)
		err = tpbpf_obj_plan_relocations(obj);
	return err;
}
