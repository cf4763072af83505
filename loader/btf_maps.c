/* SPDX-License-Identifier: MIT */
/*
 * The load path, step "read": maps defined in SEC(".maps"), what
 * libbpf-style objects use. Each map is a variable of the .maps section
 * whose type, a struct in the object's own BTF, says what the map is:
 *
 *   __uint(type, BPF_MAP_TYPE_HASH)   int (*type)[BPF_MAP_TYPE_HASH]:
 *                                     the value is the array's length
 *   __type(key, struct k)             struct k *key: the key's type (and size)
 *   __array(values, struct inner)     struct inner *values[]: map-in-map,
 *                                     each slot a map like struct inner
 *   int max_entries                   the older form: the value is in the
 *                                     section's data, where the variable is
 *
 * Fields: type, key, value, key_size, value_size, max_entries, map_flags,
 * numa_node, map_extra, pinning, values. Slots of a map-in-map or program
 * array given in the definition (.values = { [0] = &other_map }) are the
 * relocations of the .maps section.
 *
 * The kernel's BTF plays no part: the object describes its own maps.
 */
#include <errno.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "btf.h"
#include "internal.h"
#include "object.h"

/* LIBBPF_PIN_BY_NAME in libbpf's headers: pin under the pin root by name. */
#define PIN_BY_NAME 1

struct map_reader {
	struct tpbpf_object *obj;
	const struct tpbpf_btf *btf;
	const struct obj_section *sec;	/* .maps */
	const char *var;		/* the map being read, for errors */
};

static int field_err(const struct map_reader *r, const char *field, const char *why)
{
	return tpbpf_err(EINVAL, "%s: map %s (SEC(\".maps\")): field %s: %s",
			 r->obj->name, r->var, field, why);
}

/*
 * The number a field holds: __uint(name, N) is a pointer to an array of N
 * ints; the older form is an int member whose value is in the section's
 * data at OFF (bytes from the section's start), if the section has data.
 */
static int field_uint(const struct map_reader *r, const char *field, uint32_t type_id,
		      uint64_t off, uint64_t *value)
{
	const struct btf_type *t = tpbpf_btf_type(r->btf, tpbpf_btf_skip_mods(r->btf, type_id));
	uint64_t size;

	if (t && btf_kind(t) == BTF_KIND_PTR) {
		t = tpbpf_btf_type(r->btf, tpbpf_btf_skip_mods(r->btf, t->type));
		if (!t || btf_kind(t) != BTF_KIND_ARRAY)
			return field_err(r, field, "a pointer, but not to an array: write __uint(name, value)");
		*value = btf_array(t)->nelems;
		return 0;
	}
	if (t && (btf_kind(t) == BTF_KIND_INT || btf_is_any_enum(t))) {
		if (tpbpf_btf_resolve_size(r->btf, type_id, &size) || size > sizeof(*value))
			return field_err(r, field, "an integer of an unusable size");
		*value = 0;
		/* A .maps section without data (all zero) reads as 0. */
		if (r->sec->data) {
			if (off > r->sec->size || size > r->sec->size - off)
				return field_err(r, field, "its value lies outside the .maps section");
			memcpy(value, (const char *)r->sec->data + off, (size_t)size);
		}
		return 0;
	}
	return field_err(r, field, "neither __uint(name, value) nor an integer");
}

/* __type(key, T): T's type ID and size. */
static int field_type(const struct map_reader *r, const char *field, uint32_t type_id,
		      uint32_t *id, uint32_t *size)
{
	const struct btf_type *t = tpbpf_btf_type(r->btf, tpbpf_btf_skip_mods(r->btf, type_id));
	uint64_t sz;

	if (!t || btf_kind(t) != BTF_KIND_PTR)
		return field_err(r, field, "not __type(name, type) (a pointer to the type)");
	if (tpbpf_btf_resolve_size(r->btf, t->type, &sz) || sz == 0 || sz > UINT32_MAX)
		return field_err(r, field, "its type has no size");
	*id = t->type;
	*size = (uint32_t)sz;
	return 0;
}

static int read_def(struct map_reader *r, uint32_t def_id, uint64_t def_off,
		    struct tpbpf_map *m, bool inner);

/*
 * __array(values, struct inner) in a map of maps: the template its slots
 * follow; in a program array: a function prototype, nothing to read.
 */
static int field_values(struct map_reader *r, uint32_t type_id, struct tpbpf_map *m)
{
	const struct btf_type *t = tpbpf_btf_type(r->btf, tpbpf_btf_skip_mods(r->btf, type_id));
	uint32_t elem;

	if (!t || btf_kind(t) != BTF_KIND_ARRAY)
		return field_err(r, "values", "not __array(values, type)");
	elem = tpbpf_btf_skip_mods(r->btf, btf_array(t)->type);
	t = tpbpf_btf_type(r->btf, elem);
	if (!t || btf_kind(t) != BTF_KIND_PTR)
		return field_err(r, "values", "not an array of pointers: write __array(values, type)");
	elem = tpbpf_btf_skip_mods(r->btf, t->type);
	t = tpbpf_btf_type(r->btf, elem);
	if (m->type == BPF_MAP_TYPE_PROG_ARRAY) {
		if (!t || btf_kind(t) != BTF_KIND_FUNC_PROTO)
			return field_err(r, "values", "a program array's values are programs: __array(values, int (void *))");
		return 0;
	}
	if (m->type != BPF_MAP_TYPE_ARRAY_OF_MAPS && m->type != BPF_MAP_TYPE_HASH_OF_MAPS)
		return field_err(r, "values", "only maps of maps and program arrays have values");
	if (!t || btf_kind(t) != BTF_KIND_STRUCT)
		return field_err(r, "values", "the inner map is not a struct definition");
	m->inner_def = calloc(1, sizeof(*m->inner_def));
	if (!m->inner_def)
		return tpbpf_err(ENOMEM, "out of memory");
	m->inner_def->obj = r->obj;
	m->inner_def->fd = -1;
	m->inner_def->inner = -1;
	m->inner_def->origin = MAP_FROM_BTF;
	if (asprintf(&m->inner_def->name, "%s.inner", m->name) < 0) {
		m->inner_def->name = NULL;
		return tpbpf_err(ENOMEM, "out of memory");
	}
	return read_def(r, elem, 0, m->inner_def, true);
}

/* The struct at DEF_ID (the variable at DEF_OFF in .maps) into M. */
static int read_def(struct map_reader *r, uint32_t def_id, uint64_t def_off,
		    struct tpbpf_map *m, bool inner)
{
	const struct btf_type *t = tpbpf_btf_type(r->btf, def_id);
	uint32_t key_size = 0, value_size = 0;
	bool has_type = false;

	if (!t || btf_kind(t) != BTF_KIND_STRUCT)
		return tpbpf_err(EINVAL, "%s: map %s (SEC(\".maps\")): its type is not a struct of __uint/__type fields",
				 r->obj->name, r->var);
	for (uint32_t i = 0; i < btf_vlen(t); i++) {
		const char *f = tpbpf_btf_str(r->btf, btf_members(t)[i].name_off);
		uint32_t ftype = btf_members(t)[i].type;
		uint64_t off = def_off + btf_member_bit_offset(t, i) / 8, v = 0;
		int err = 0;

		if (!f || !f[0])
			return field_err(r, "(anonymous)", "every field of a map definition has a name");
		if (strcmp(f, "key") == 0 || strcmp(f, "value") == 0) {
			uint32_t id = 0, size = 0;

			err = field_type(r, f, ftype, &id, &size);
			if (err)
				return err;
			if (f[0] == 'k') {
				m->btf_key_type_id = id;
				m->key_size = size;
			} else {
				m->btf_value_type_id = id;
				m->value_size = size;
			}
			continue;
		}
		if (strcmp(f, "values") == 0) {
			if (inner)
				return field_err(r, f, "an inner map has no values of its own");
			/* after the type: read when every other field is known */
			continue;
		}
		err = field_uint(r, f, ftype, off, &v);
		if (err)
			return err;
		if (strcmp(f, "type") == 0) {
			m->type = (uint32_t)v;
			has_type = true;
		} else if (strcmp(f, "max_entries") == 0) {
			m->max_entries = (uint32_t)v;
		} else if (strcmp(f, "map_flags") == 0) {
			m->flags = (uint32_t)v;
		} else if (strcmp(f, "numa_node") == 0) {
			m->numa_node = (uint32_t)v;
		} else if (strcmp(f, "key_size") == 0) {
			key_size = (uint32_t)v;
		} else if (strcmp(f, "value_size") == 0) {
			value_size = (uint32_t)v;
		} else if (strcmp(f, "map_extra") == 0) {
			m->map_extra = v;
		} else if (strcmp(f, "pinning") == 0) {
			if (v > PIN_BY_NAME)
				return field_err(r, f, "only LIBBPF_PIN_NONE (0) and LIBBPF_PIN_BY_NAME (1) exist");
			if (v && inner)
				return field_err(r, f, "an inner map cannot be pinned");
			m->pin_by_name = v == PIN_BY_NAME;
		} else {
			return field_err(r, f, "not a field tpbpf knows (type, key, value, key_size, value_size, max_entries, map_flags, numa_node, map_extra, pinning, values)");
		}
	}
	if (!has_type)
		return field_err(r, "type", "missing: every map needs __uint(type, BPF_MAP_TYPE_...)");
	if (key_size && m->key_size && key_size != m->key_size)
		return field_err(r, "key_size", "differs from the size of the key's type");
	if (value_size && m->value_size && value_size != m->value_size)
		return field_err(r, "value_size", "differs from the size of the value's type");
	if (key_size)
		m->key_size = key_size;
	if (value_size)
		m->value_size = value_size;
	for (uint32_t i = 0; i < btf_vlen(t); i++) {
		const char *f = tpbpf_btf_str(r->btf, btf_members(t)[i].name_off);
		int err;

		if (strcmp(f, "values") != 0)
			continue;
		/* A map of maps or program array: 4-byte fds. */
		if (!m->key_size)
			m->key_size = sizeof(uint32_t);
		if (!m->value_size)
			m->value_size = sizeof(uint32_t);
		m->values_off = def_off + btf_member_bit_offset(t, i) / 8;
		m->has_values = true;
		err = field_values(r, btf_members(t)[i].type, m);
		if (err)
			return err;
	}
	return 0;
}

/* The ELF symbol of variable NAME in the .maps section: where it sits. */
static const struct obj_symbol *map_symbol(const struct tpbpf_object *obj, size_t sec_idx,
					   const char *name)
{
	for (size_t i = 0; i < obj->nr_syms; i++)
		if (obj->syms[i].shndx == sec_idx && strcmp(obj->syms[i].name, name) == 0)
			return &obj->syms[i];
	return NULL;
}

/*
 * Slots given in a definition: a relocation at values_off + 8 * i of the
 * variable names the map or program that slot i holds.
 */
static int read_slots(struct tpbpf_object *obj, size_t sec_idx)
{
	const struct obj_section *sec = &obj->secs[sec_idx];

	for (size_t k = 0; k < sec->nr_relocs; k++) {
		const struct obj_reloc *rel = &sec->relocs[k];
		const struct obj_symbol *sym = &obj->syms[rel->sym];
		struct tpbpf_map *m = NULL;
		struct map_slot *slots;
		uint64_t rel_off;

		for (size_t i = 0; i < obj->nr_maps; i++) {
			struct tpbpf_map *c = &obj->maps[i];

			if (c->origin == MAP_FROM_BTF && c->sec_idx == sec_idx && c->has_values &&
			    rel->offset >= c->values_off)
				if (!m || c->values_off > m->values_off)
					m = c;
		}
		if (!m)
			return tpbpf_err(EINVAL, "%s: a relocation in .maps at offset %llu is in no map's values",
					 obj->name, (unsigned long long)rel->offset);
		rel_off = rel->offset - m->values_off;
		if (rel_off % 8 || rel_off / 8 >= m->max_entries)
			return tpbpf_err(EINVAL, "%s: map %s: a slot given at byte %llu of its values is not one of its %u entries",
					 obj->name, m->name, (unsigned long long)rel_off, m->max_entries);
		slots = realloc(m->slots, (m->nr_slots + 1) * sizeof(*slots));
		if (!slots)
			return tpbpf_err(ENOMEM, "out of memory");
		m->slots = slots;
		slots[m->nr_slots] = (struct map_slot){ .key = (uint32_t)(rel_off / 8),
							 .target = sym->name };
		m->nr_slots++;
	}
	return 0;
}

int tpbpf_obj_read_btf_maps(struct tpbpf_object *obj, size_t sec_idx)
{
	struct map_reader r = { obj, obj->btf, &obj->secs[sec_idx], "" };
	const struct btf_type *ds;
	int id, err;

	if (!obj->btf)
		return tpbpf_err(ENOTSUP, "%s: maps defined in SEC(\".maps\") are described by the object's BTF, and it has none%s; build with clang -g",
				 obj->name, obj->btf_err[0] ? obj->btf_err : "");
	id = tpbpf_btf_find(obj->btf, ".maps", BTF_KIND_DATASEC);
	if (id < 0)
		return tpbpf_err(EINVAL, "%s: the object's BTF has no DATASEC .maps describing its SEC(\".maps\")",
				 obj->name);
	ds = tpbpf_btf_type(obj->btf, (uint32_t)id);
	for (uint32_t i = 0; i < btf_vlen(ds); i++) {
		const struct btf_var_secinfo *vs = &btf_var_secinfos(ds)[i];
		const struct btf_type *var = tpbpf_btf_type(obj->btf, vs->type);
		const struct obj_symbol *sym;
		struct tpbpf_map *m;

		if (!var || btf_kind(var) != BTF_KIND_VAR)
			return tpbpf_err(EINVAL, "%s: DATASEC .maps entry %u is not a variable", obj->name, i);
		r.var = tpbpf_btf_name(obj->btf, vs->type);
		sym = map_symbol(obj, sec_idx, r.var);
		if (!sym)
			return tpbpf_err(EINVAL, "%s: map %s is in the BTF of .maps but has no symbol there",
					 obj->name, r.var);
		err = tpbpf_obj_add_map(obj, &m);
		if (err)
			return err;
		m->name = tpbpf_strdup(r.var);
		if (!m->name)
			return -ENOMEM;
		m->origin = MAP_FROM_BTF;
		m->sec_idx = sec_idx;
		m->sec_off = sym->value;
		err = read_def(&r, tpbpf_btf_skip_mods(obj->btf, var->type), sym->value, m, false);
		if (err)
			return err;
		tpbpf_log("map %s (SEC(\".maps\")): type %u key_size %u value_size %u max_entries %u flags 0x%x%s%s",
			  m->name, m->type, m->key_size, m->value_size, m->max_entries, m->flags,
			  m->pin_by_name ? ", pinned by name" : "", m->inner_def ? ", map of maps" : "");
	}
	return read_slots(obj, sec_idx);
}
