/* SPDX-License-Identifier: MIT */
/*
 * Load-time constants: portability without BTF.
 *
 * A program names a value it cannot know at compile time as an undefined
 * symbol, "tpbpf.FAMILY:ARGS", and relocate.c writes the value resolved here
 * into the ld_imm64 that references it:
 *
 *   tpbpf.tp_id:CAT/NAME             event ID (what common_type holds)
 *   tpbpf.tp_off:CAT/NAME/FIELD      offset of FIELD in the record
 *   tpbpf.tp_size:CAT/NAME/FIELD     size of FIELD
 *   tpbpf.tp_has:CAT/NAME/FIELD      1 if the event has FIELD, else 0
 *   tpbpf.tp_rec_size:CAT/NAME       size of the record's fixed part
 *   tpbpf.kern_off:STRUCT/FIELD      offset of FIELD in struct STRUCT of the
 *                                    running kernel (kernel_offsets.c)
 *   tpbpf.const:NAME                 set by the caller (tpbpf_object_set_const)
 *
 * The values come from tracefs, which every kernel has.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "object.h"

struct format_cache {
	struct format_cache *next;
	char *key;		/* CAT/NAME */
	int err;		/* negative if it could not be read */
	char detail[512];
	struct tpbpf_format fmt;
};

void tpbpf_obj_const_cache_free(struct tpbpf_object *obj)
{
	struct format_cache *c = obj->formats, *next;

	for (; c; c = next) {
		next = c->next;
		tpbpf_format_free(&c->fmt);
		free(c->key);
		free(c);
	}
	obj->formats = NULL;
}

/* The format of CAT/NAME, read from tracefs once per object. */
int tpbpf_obj_format(struct tpbpf_object *obj, const char *cat, const char *name,
		     const struct tpbpf_format **out)
{
	struct format_cache *c;
	size_t n = strlen(cat) + strlen(name) + 2;

	for (c = obj->formats; c; c = c->next) {
		if (strncmp(c->key, cat, strlen(cat)) == 0 &&
		    c->key[strlen(cat)] == '/' && strcmp(c->key + strlen(cat) + 1, name) == 0) {
			if (c->err)
				return tpbpf_err(-c->err, "%s", c->detail);
			*out = &c->fmt;
			return 0;
		}
	}
	c = calloc(1, sizeof(*c));
	if (!c || !(c->key = malloc(n))) {
		free(c);
		return tpbpf_err(ENOMEM, "out of memory");
	}
	snprintf(c->key, n, "%s/%s", cat, name);
	c->err = tpbpf_format_read(cat, name, &c->fmt);
	if (c->err)
		snprintf(c->detail, sizeof(c->detail), "%s", tpbpf_error_detail());
	c->next = obj->formats;
	obj->formats = c;
	if (c->err)
		return c->err;
	*out = &c->fmt;
	return 0;
}

/* Split "a/b[/c]" into parts in BUF; returns the number of parts. */
static int split_args(const char *args, char *buf, size_t len, char *parts[3])
{
	int n = 0;

	if (strlen(args) >= len)
		return -1;
	strcpy(buf, args);
	parts[n++] = buf;
	for (char *p = buf; *p; p++) {
		if (*p != '/')
			continue;
		if (n == 3)
			return -1;
		*p = '\0';
		parts[n++] = p + 1;
	}
	return n;
}

static int field_const(struct tpbpf_object *obj, const char *family,
		       char *parts[3], uint64_t *value)
{
	const struct tpbpf_format *fmt;
	const struct tpbpf_field *f;
	int err;

	err = tpbpf_obj_format(obj, parts[0], parts[1], &fmt);
	if (err) {
		if (strcmp(family, "tp_has") == 0 && err == -ENOENT) {
			*value = 0;
			return 0;
		}
		return err;
	}
	f = tpbpf_format_field(fmt, parts[2]);
	if (strcmp(family, "tp_has") == 0) {
		*value = f != NULL;
		return 0;
	}
	if (!f) {
		char fields[256] = "";
		size_t used = 0;

		for (unsigned int i = 0; i < fmt->nr_fields && used < sizeof(fields) - 1; i++) {
			if (fmt->fields[i].is_common)
				continue;
			used += (size_t)snprintf(fields + used, sizeof(fields) - used, "%s%s",
						 used ? ", " : "", fmt->fields[i].name);
		}
		return tpbpf_err(ENOENT, "tracepoint %s:%s has no field %s on this kernel (its fields: %s)",
				 parts[0], parts[1], parts[2], fields);
	}
	*value = strcmp(family, "tp_off") == 0 ? f->offset : f->size;
	return 0;
}

int tpbpf_obj_resolve_const(struct tpbpf_object *obj, const char *sym, uint64_t *value)
{
	const char *spec = sym + strlen(TPBPF_CONST_PREFIX);
	const char *colon = strchr(spec, ':');
	char family[32], buf[512], *parts[3];
	int n, id, err;

	if (!colon || (size_t)(colon - spec) >= sizeof(family))
		return tpbpf_err(EINVAL, "not a load-time constant name (want tpbpf.FAMILY:ARGS)");
	memcpy(family, spec, (size_t)(colon - spec));
	family[colon - spec] = '\0';

	if (strcmp(family, "const") == 0) {
		for (size_t i = 0; i < obj->nr_consts; i++) {
			if (strcmp(obj->consts[i].name, colon + 1) == 0) {
				*value = obj->consts[i].value;
				return 0;
			}
		}
		return tpbpf_err(ENOENT, "load-time constant %s has no value; set it with tpbpf_object_set_const() (tpbpf load --const %s=VALUE)",
				 colon + 1, colon + 1);
	}

	n = split_args(colon + 1, buf, sizeof(buf), parts);
	if (strcmp(family, "kern_off") == 0 && n == 2)
		return tpbpf_kernel_offset(parts[0], parts[1], value);
	if (n < 2)
		return tpbpf_err(EINVAL, "malformed load-time constant: want CATEGORY/NAME[/FIELD]");
	if (!tpbpf_tracepoint_name_valid(parts[0]) || !tpbpf_tracepoint_name_valid(parts[1]))
		return tpbpf_err(EINVAL, "invalid tracepoint name in load-time constant");

	if (strcmp(family, "tp_id") == 0 && n == 2) {
		id = tpbpf_tracepoint_id(parts[0], parts[1]);
		if (id < 0)
			return id;
		*value = (uint64_t)id;
		return 0;
	}
	if (strcmp(family, "tp_rec_size") == 0 && n == 2) {
		const struct tpbpf_format *fmt;

		err = tpbpf_obj_format(obj, parts[0], parts[1], &fmt);
		if (err)
			return err;
		*value = fmt->fixed_size;
		return 0;
	}
	if ((strcmp(family, "tp_off") == 0 || strcmp(family, "tp_size") == 0 ||
	     strcmp(family, "tp_has") == 0) && n == 3)
		return field_const(obj, family, parts, value);
	return tpbpf_err(EINVAL, "unknown load-time constant family %s (or wrong number of arguments); known: tp_id, tp_off, tp_size, tp_has, tp_rec_size, kern_off, const",
			 family);
}
