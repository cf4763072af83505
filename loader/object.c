/* SPDX-License-Identifier: MIT */
/*
 * The object API, one call per stretch of the load path (the steps in
 * order: object.h): open (steps "read" and "plan"), load ("btf", "maps",
 * then "relocate", "fallbacks" and "load" for each program), attach
 * ("attach"), stop ("stop") and close ("close"), each calling the file
 * that does the step.
 */
#include <errno.h>
#include <gelf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "btf.h"
#include "internal.h"
#include "object.h"
#include "sys_bpf.h"

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

int tpbpf_object_open_mem(const void *data, size_t size, const char *name,
			  struct tpbpf_object **out)
{
	struct tpbpf_object *obj;
	int err;

	*out = NULL;
	obj = calloc(1, sizeof(*obj));
	if (!obj)
		return tpbpf_err(ENOMEM, "out of memory");
	obj->btf_fd = -1;
	obj->name = tpbpf_strdup(name && name[0] ? name : "object");
	if (!obj->name) {
		free(obj);
		return -ENOMEM;
	}
	err = tpbpf_obj_read_elf(obj, data, size);
	if (err) {
		tpbpf_object_close(obj);
		return err;
	}
	*out = obj;
	return 0;
}

int tpbpf_object_open_file(const char *path, struct tpbpf_object **out)
{
	char *data;
	size_t len;
	int err;

	*out = NULL;
	err = tpbpf_read_file(path, &data, &len);
	if (err)
		return err;
	err = tpbpf_object_open_mem(data, len, base_name(path), out);
	free(data);
	return err;
}

int tpbpf_object_set_const(struct tpbpf_object *obj, const char *name,
			   uint64_t value)
{
	struct const_value *c;

	for (size_t i = 0; i < obj->nr_consts; i++) {
		if (strcmp(obj->consts[i].name, name) == 0) {
			obj->consts[i].value = value;
			return 0;
		}
	}
	c = realloc(obj->consts, (obj->nr_consts + 1) * sizeof(*c));
	if (!c)
		return tpbpf_err(ENOMEM, "out of memory");
	obj->consts = c;
	c[obj->nr_consts].name = tpbpf_strdup(name);
	if (!c[obj->nr_consts].name)
		return -ENOMEM;
	c[obj->nr_consts++].value = value;
	return 0;
}

/* The symbol of global variable NAME in a global data section; NULL if none. */
static const struct obj_symbol *global_symbol(const struct tpbpf_object *obj, const char *name)
{
	for (size_t i = 0; i < obj->nr_syms; i++) {
		const struct obj_symbol *s = &obj->syms[i];

		if (s->type == STT_OBJECT && s->shndx < obj->nr_secs &&
		    obj->secs[s->shndx].role == SEC_DATA && strcmp(s->name, name) == 0)
			return s;
	}
	return NULL;
}

int tpbpf_object_global(const struct tpbpf_object *obj, const char *name,
			size_t *size, const char **section)
{
	const struct obj_symbol *s = global_symbol(obj, name);

	if (!s)
		return tpbpf_err(ENOENT, "%s has no global variable %s (in .rodata, .data or .bss)",
				 obj->name, name);
	if (size)
		*size = s->size;
	if (section)
		*section = obj->secs[s->shndx].name;
	return 0;
}

int tpbpf_object_set_global(struct tpbpf_object *obj, const char *name,
			    const void *value, size_t size)
{
	const struct obj_symbol *s = global_symbol(obj, name);
	struct obj_section *sec;

	if (!s)
		return tpbpf_object_global(obj, name, NULL, NULL);
	sec = &obj->secs[s->shndx];
	if (obj->loaded)
		return tpbpf_err(EBUSY, "%s: variable %s: the object is loaded; set it before", obj->name, name);
	if (size != s->size)
		return tpbpf_err(EINVAL, "%s: variable %s is %llu bytes, not %zu", obj->name, name,
				 (unsigned long long)s->size, size);
	if (s->value > sec->size || size > sec->size - s->value)
		return tpbpf_err(EINVAL, "%s: variable %s lies outside its section %s", obj->name,
				 name, sec->name);
	/* .bss has no bytes in the file: it starts zeroed. */
	if (!sec->data && !(sec->data = calloc(1, sec->size ? sec->size : 1)))
		return tpbpf_err(ENOMEM, "out of memory");
	memcpy((char *)sec->data + s->value, value, size);
	tpbpf_log("set %s (%s+%llu, %zu bytes) before load", name, sec->name,
		  (unsigned long long)s->value, size);
	return 0;
}

int tpbpf_object_set_pin_root(struct tpbpf_object *obj, const char *dir)
{
	char *d = tpbpf_strdup(dir);

	if (!d)
		return -ENOMEM;
	free(obj->pin_root);
	obj->pin_root = d;
	return 0;
}

void tpbpf_object_keep_verifier_logs(struct tpbpf_object *obj, bool keep)
{
	obj->keep_logs = keep;
}

static void unload(struct tpbpf_object *obj)
{
	tpbpf_obj_release_links(obj);
	for (size_t i = 0; i < obj->nr_progs; i++) {
		struct tpbpf_program *p = &obj->progs[i];

		if (p->fd >= 0)
			tpbpf_sys_close(p->fd, p->name);
		p->fd = -1;
	}
	tpbpf_obj_close_maps(obj);
	obj->loaded = false;
}

int tpbpf_obj_warn(struct tpbpf_object *obj, const char *fmt, ...)
{
	char line[512], **w;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	w = realloc(obj->warnings, (obj->nr_warnings + 1) * sizeof(*w));
	if (!w)
		return tpbpf_err(ENOMEM, "out of memory");
	obj->warnings = w;
	w[obj->nr_warnings] = tpbpf_strdup(line);
	if (!w[obj->nr_warnings])
		return -ENOMEM;
	obj->nr_warnings++;
	tpbpf_log("warning: %s", line);
	return 0;
}

/* A program the object loads: asked for, and of a kind tpbpf loads. */
static bool to_load(const struct tpbpf_program *p)
{
	return p->autoload && p->kind != TPBPF_PROG_OTHER;
}

int tpbpf_object_load(struct tpbpf_object *obj)
{
	size_t n = 0;
	int err;

	if (obj->loaded)
		return tpbpf_err(EBUSY, "%s is already loaded", obj->name);
	for (size_t i = 0; i < obj->nr_progs; i++)
		n += to_load(&obj->progs[i]);
	if (!n)
		return tpbpf_err(ENOENT, "%s: no program to load: %s", obj->name,
				 obj->nr_progs && obj->progs[0].skip_reason ?
				 obj->progs[0].skip_reason : "none is selected");
	err = tpbpf_obj_create_maps(obj);
	if (err)
		return err;
	for (size_t i = 0; i < obj->nr_progs; i++) {
		struct tpbpf_program *p = &obj->progs[i];

		if (!to_load(p))
			continue;
		err = tpbpf_obj_relocate_program(obj, p);
		if (!err)
			err = tpbpf_obj_apply_fallbacks(obj, p);
		if (!err)
			err = tpbpf_obj_load_program(obj, p);
		if (err) {
			unload(obj);
			return err;
		}
	}
	err = tpbpf_obj_fill_prog_slots(obj);
	if (err) {
		unload(obj);
		return err;
	}
	obj->loaded = true;
	return 0;
}

int tpbpf_object_attach(struct tpbpf_object *obj)
{
	for (size_t i = 0; i < obj->nr_progs; i++) {
		struct tpbpf_program *p = &obj->progs[i];
		int err;

		if (!p->autoattach || p->fd < 0)
			continue;
		err = tpbpf_program_attach(p, NULL, NULL);
		if (err) {
			/* All or nothing: undo what was attached before. */
			tpbpf_object_detach(obj);
			return err;
		}
	}
	return 0;
}

void tpbpf_object_stop(struct tpbpf_object *obj)
{
	tpbpf_obj_stop_links(obj);
}

void tpbpf_object_detach(struct tpbpf_object *obj)
{
	tpbpf_obj_release_links(obj);
}

void tpbpf_object_close(struct tpbpf_object *obj)
{
	if (!obj)
		return;
	unload(obj);
	for (size_t i = 0; i < obj->nr_progs; i++) {
		struct tpbpf_program *p = &obj->progs[i];

		free(p->name);
		free(p->section);
		free(p->target);
		free(p->insns);
		free(p->log);
		tpbpf_obj_free_plan(p);
	}
	for (size_t i = 0; i < obj->nr_maps; i++) {
		struct tpbpf_map *m = &obj->maps[i];

		free(m->name);
		free(m->slots);
		if (m->inner_def) {
			free(m->inner_def->name);
			free(m->inner_def);
		}
	}
	tpbpf_btf_ext_free(obj->btf_ext);
	tpbpf_btf_free(obj->btf);
	free(obj->pin_root);
	for (size_t i = 0; i < obj->nr_warnings; i++)
		free(obj->warnings[i]);
	free(obj->warnings);
	for (size_t i = 0; i < obj->nr_secs; i++) {
		free(obj->secs[i].name);
		free(obj->secs[i].data);
		free(obj->secs[i].relocs);
	}
	for (size_t i = 0; i < obj->nr_syms; i++)
		free(obj->syms[i].name);
	for (size_t i = 0; i < obj->nr_consts; i++)
		free(obj->consts[i].name);
	tpbpf_obj_const_cache_free(obj);
	free(obj->consts);
	free(obj->progs);
	free(obj->maps);
	free(obj->secs);
	free(obj->syms);
	free(obj->name);
	free(obj);
}

/* ---- accessors ------------------------------------------------------------ */

const char *tpbpf_object_name(const struct tpbpf_object *obj) { return obj->name; }
const char *tpbpf_object_license(const struct tpbpf_object *obj) { return obj->license; }
size_t tpbpf_object_warning_count(const struct tpbpf_object *obj) { return obj->nr_warnings; }

const char *tpbpf_object_warning(const struct tpbpf_object *obj, size_t i)
{
	return i < obj->nr_warnings ? obj->warnings[i] : NULL;
}
size_t tpbpf_object_program_count(const struct tpbpf_object *obj) { return obj->nr_progs; }
size_t tpbpf_object_map_count(const struct tpbpf_object *obj) { return obj->nr_maps; }

struct tpbpf_program *tpbpf_object_program(const struct tpbpf_object *obj, size_t i)
{
	return i < obj->nr_progs ? &obj->progs[i] : NULL;
}

struct tpbpf_map *tpbpf_object_map(const struct tpbpf_object *obj, size_t i)
{
	return i < obj->nr_maps ? &obj->maps[i] : NULL;
}

struct tpbpf_program *tpbpf_object_find_program(const struct tpbpf_object *obj,
						const char *name)
{
	for (size_t i = 0; i < obj->nr_progs; i++)
		if (strcmp(obj->progs[i].name, name) == 0)
			return &obj->progs[i];
	return NULL;
}

struct tpbpf_map *tpbpf_object_find_map(const struct tpbpf_object *obj,
					const char *name)
{
	for (size_t i = 0; i < obj->nr_maps; i++)
		if (strcmp(obj->maps[i].name, name) == 0)
			return &obj->maps[i];
	return NULL;
}

const char *tpbpf_program_name(const struct tpbpf_program *prog) { return prog->name; }
const char *tpbpf_program_section(const struct tpbpf_program *prog) { return prog->section; }
enum tpbpf_prog_kind tpbpf_program_kind(const struct tpbpf_program *prog) { return prog->kind; }
const char *tpbpf_program_target(const struct tpbpf_program *prog) { return prog->target; }
int tpbpf_program_fd(const struct tpbpf_program *prog) { return prog->fd; }

const void *tpbpf_program_insns(const struct tpbpf_program *prog, size_t *count)
{
	*count = prog->insn_cnt;
	return prog->insns;
}

const char *tpbpf_program_verifier_log(const struct tpbpf_program *prog)
{
	return prog->log ? prog->log : "";
}

int tpbpf_map_set_max_entries(struct tpbpf_map *map, uint32_t max_entries)
{
	if (map->fd >= 0)
		return tpbpf_err(EBUSY, "map %s is already created: set its size before loading",
				 map->name);
	map->max_entries = max_entries;
	return 0;
}

void tpbpf_program_set_autoattach(struct tpbpf_program *prog, bool on)
{
	prog->autoattach = on;
}

void tpbpf_program_set_autoload(struct tpbpf_program *prog, bool on) { prog->autoload = on; }
bool tpbpf_program_autoload(const struct tpbpf_program *prog) { return prog->autoload; }
const char *tpbpf_program_skip_reason(const struct tpbpf_program *prog) { return prog->skip_reason; }

int tpbpf_program_set_kind(struct tpbpf_program *prog, enum tpbpf_prog_kind kind)
{
	enum tpbpf_prog_kind named;
	const char *target, *why;
	uint32_t type;

	if (prog->obj->loaded)
		return tpbpf_err(EBUSY, "program %s: object %s is loaded already", prog->name,
				 prog->obj->name);
	/* Only a section that names no type may become a tracepoint program. */
	if (tpbpf_prog_kind_from_section(prog->section, &named, &type, &target, &why) &&
	    named != kind)
		return tpbpf_err(EINVAL, "program %s: section %s makes it %s",
				 prog->name, prog->section, why ? why : "another kind of tracepoint program");
	switch (kind) {
	case TPBPF_PROG_TRACEPOINT:
		prog->bpf_type = BPF_PROG_TYPE_TRACEPOINT;
		break;
	case TPBPF_PROG_RAW_TRACEPOINT:
		prog->bpf_type = BPF_PROG_TYPE_RAW_TRACEPOINT;
		break;
	case TPBPF_PROG_RAW_TRACEPOINT_WRITABLE:
		prog->bpf_type = BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE;
		break;
	default:
		return tpbpf_err(EINVAL, "program %s: not a kind tpbpf loads", prog->name);
	}
	prog->kind = kind;
	prog->skip_reason = NULL;
	return 0;
}
