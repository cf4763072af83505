/* SPDX-License-Identifier: MIT */
/*
 * Step 1 of the load path: read a BPF object file with libelf.
 *
 * Everything the later steps need is copied out of the ELF image here
 * (sections, symbols, relocations, programs, map definitions), so the image
 * and libelf are done with once this returns. BTF and debug sections are
 * read past: tpbpf does not need them.
 */
#include <errno.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "object.h"

#ifndef EM_BPF
#define EM_BPF 247
#endif

/* struct bpf_map_def of the legacy "maps" section: 5 u32, or more. */
#define MAP_DEF_MIN_SIZE (5 * sizeof(uint32_t))

struct section_kind {
	const char *prefix;
	enum tpbpf_prog_kind kind;
	uint32_t bpf_type;
};

/* Longest prefixes first: "raw_tp.w/" must win over "raw_tp/". */
static const struct section_kind section_kinds[] = {
	{ "raw_tracepoint.w", TPBPF_PROG_RAW_TRACEPOINT_WRITABLE, BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE },
	{ "raw_tp.w", TPBPF_PROG_RAW_TRACEPOINT_WRITABLE, BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE },
	{ "raw_tracepoint", TPBPF_PROG_RAW_TRACEPOINT, BPF_PROG_TYPE_RAW_TRACEPOINT },
	{ "raw_tp", TPBPF_PROG_RAW_TRACEPOINT, BPF_PROG_TYPE_RAW_TRACEPOINT },
	{ "tracepoint", TPBPF_PROG_TRACEPOINT, BPF_PROG_TYPE_TRACEPOINT },
	{ "tp", TPBPF_PROG_TRACEPOINT, BPF_PROG_TYPE_TRACEPOINT },
};

bool tpbpf_prog_kind_from_section(const char *sec, enum tpbpf_prog_kind *kind,
			    uint32_t *bpf_type, const char **target)
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
		return true;
	}
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
		if (sh.sh_info >= obj->nr_secs)
			return tpbpf_err(EINVAL, "%s: relocation section for section %u, which does not exist",
					 obj->name, (unsigned)sh.sh_info);
		target = &obj->secs[sh.sh_info];
		/* Only code is relocated; .BTF, debug info and the rest are not needed. */
		if (!(target->flags & SHF_EXECINSTR))
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
	return s->role != SEC_OTHER || strcmp(s->name, "license") == 0 ||
	       strcmp(s->name, "version") == 0;
}

static int classify_sections(struct tpbpf_object *obj)
{
	for (size_t i = 1; i < obj->nr_secs; i++) {
		struct obj_section *s = &obj->secs[i];
		enum tpbpf_prog_kind kind;
		uint32_t type;
		const char *target;

		if (strcmp(s->name, "license") == 0) {
			if (!s->data || s->size == 0 || s->size >= sizeof(obj->license) ||
			    memchr(s->data, '\0', s->size) == NULL)
				return tpbpf_err(EINVAL, "%s: the license section is empty or not a NUL-terminated string",
						 obj->name);
			memcpy(obj->license, s->data, s->size);
		} else if (strcmp(s->name, "maps") == 0) {
			s->role = SEC_MAPS;
			obj->maps_idx = i;
		} else if (strcmp(s->name, ".maps") == 0) {
			return tpbpf_err(ENOTSUP, "%s: maps defined in SEC(\".maps\") need BTF, which tpbpf does not use; define them with struct bpf_map_def in SEC(\"maps\")",
					 obj->name);
		} else if (s->flags & SHF_EXECINSTR && s->type == SHT_PROGBITS) {
			if (s->size % sizeof(struct bpf_insn))
				return tpbpf_err(EINVAL, "%s: code section %s is %zu bytes, not a whole number of instructions",
						 obj->name, s->name, s->size);
			if (strcmp(s->name, ".text") == 0) {
				s->role = SEC_TEXT;
				obj->text_idx = i;
			} else if (tpbpf_prog_kind_from_section(s->name, &kind, &type, &target)) {
				s->role = SEC_PROGRAM;
			} else if (s->size) {
				return tpbpf_err(EINVAL, "%s: code section %s is not a tracepoint program; use SEC(\"tracepoint/CAT/NAME\"), SEC(\"raw_tracepoint/NAME\") or SEC(\"raw_tracepoint.w/NAME\")",
						 obj->name, s->name);
			}
		} else if ((s->type == SHT_PROGBITS || s->type == SHT_NOBITS) &&
			   (s->flags & SHF_ALLOC) && is_data_section(s->name)) {
			s->role = SEC_DATA;
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
	if (!obj->license[0])
		return tpbpf_err(EINVAL, "%s: no license section; add: char LICENSE[] SEC(\"license\") = \"GPL\";",
				 obj->name);
	return 0;
}

static int add_program(struct tpbpf_object *obj, size_t sec_idx, const char *name,
		       uint64_t off, uint64_t size)
{
	struct obj_section *s = &obj->secs[sec_idx];
	struct tpbpf_program *p, *progs;
	const char *target;

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
	p->sec_idx = sec_idx;
	p->sec_insn_off = off / sizeof(struct bpf_insn);
	p->sec_insn_cnt = size / sizeof(struct bpf_insn);
	tpbpf_prog_kind_from_section(s->name, &p->kind, &p->bpf_type, &target);
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
	tpbpf_log("program %s: section %s, %zu instructions at offset %llu",
		  name, s->name, p->insn_cnt, (unsigned long long)off);
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

static int add_map(struct tpbpf_object *obj, struct tpbpf_map **out)
{
	struct tpbpf_map *maps = realloc(obj->maps, (obj->nr_maps + 1) * sizeof(*maps));

	if (!maps)
		return tpbpf_err(ENOMEM, "out of memory");
	obj->maps = maps;
	*out = &obj->maps[obj->nr_maps++];
	memset(*out, 0, sizeof(**out));
	(*out)->obj = obj;
	(*out)->fd = -1;
	return 0;
}

/*
 * The legacy "maps" section: an array of struct bpf_map_def, one symbol per
 * map. Objects built against older headers use longer definitions (with
 * inner_map_idx, numa_node, ...), so the entry size is the section size over
 * the number of map symbols, and must be the same for every map.
 */
static int read_map_defs(struct tpbpf_object *obj)
{
	struct obj_section *s;
	size_t nr = 0, entry;

	if (!obj->maps_idx)
		return 0;
	s = &obj->secs[obj->maps_idx];
	for (size_t j = 0; j < obj->nr_syms; j++)
		if (obj->syms[j].shndx == obj->maps_idx &&
		    obj->syms[j].type != STT_SECTION && obj->syms[j].name[0])
			nr++;
	if (nr == 0)
		return s->size ? tpbpf_err(EINVAL, "%s: section maps has no map symbols", obj->name) : 0;
	if (!s->data || s->size % nr)
		return tpbpf_err(EINVAL, "%s: section maps is %zu bytes for %zu maps: the definitions must all be the same size",
				 obj->name, s->size, nr);
	entry = s->size / nr;
	if (entry < MAP_DEF_MIN_SIZE || entry % sizeof(uint32_t))
		return tpbpf_err(EINVAL, "%s: map definitions of %zu bytes; struct bpf_map_def has at least 5 u32 fields",
				 obj->name, entry);
	tpbpf_log("section maps: %zu maps, %zu bytes each", nr, entry);

	for (size_t j = 0; j < obj->nr_syms; j++) {
		struct obj_symbol *sym = &obj->syms[j];
		uint32_t def[9] = { 0 };
		struct tpbpf_map *m;
		int err;

		if (sym->shndx != obj->maps_idx || sym->type == STT_SECTION || !sym->name[0])
			continue;
		if (sym->value % entry || sym->value + entry > s->size)
			return tpbpf_err(EINVAL, "%s: map %s is not at a definition boundary of section maps",
					 obj->name, sym->name);
		memcpy(def, (char *)s->data + sym->value,
		       entry < sizeof(def) ? entry : sizeof(def));
		/* Fields past the ones we know must be zero, or we would ignore them. */
		for (size_t k = sizeof(def); k < entry; k++)
			if (((unsigned char *)s->data)[sym->value + k])
				return tpbpf_err(EINVAL, "%s: map %s sets fields tpbpf does not know (definition of %zu bytes)",
						 obj->name, sym->name, entry);
		err = add_map(obj, &m);
		if (err)
			return err;
		m->name = tpbpf_strdup(sym->name);
		if (!m->name)
			return -ENOMEM;
		m->origin = MAP_FROM_DEF;
		m->sec_idx = obj->maps_idx;
		m->sec_off = sym->value;
		m->type = def[0];
		m->key_size = def[1];
		m->value_size = def[2];
		m->max_entries = def[3];
		m->flags = def[4];
		/* samples/bpf layout: inner_map_idx (def[5]), numa_node (def[6]) */
		if (m->flags & BPF_F_NUMA_NODE)
			m->numa_node = def[6];
		tpbpf_log("map %s: type %u key_size %u value_size %u max_entries %u flags 0x%x",
			  m->name, m->type, m->key_size, m->value_size,
			  m->max_entries, m->flags);
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
		err = add_map(obj, &m);
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
