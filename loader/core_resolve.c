/* SPDX-License-Identifier: MIT */
/*
 * The load path, step "relocate", CO-RE: where the answer to a CO-RE
 * relocation comes from on the running kernel. core.c reads what the
 * object asks and patches the instruction; this file finds the kernel's
 * side, from the first source that describes the relocation's root type:
 *
 *   1. the kernel's BTF, when it has one (and it is not forced absent);
 *   2. a tracepoint record, struct trace_event_raw_NAME: the tracefs format
 *      of event NAME (in whichever category has it), or else of the
 *      tracepoint the program attaches to. A format lists the record's
 *      fields with their offsets, sizes and signedness on every kernel;
 *      a __data_loc_NAME member is the format's __data_loc field NAME;
 *   3. another kernel struct: the kernel struct offsets file (the source
 *      of KERNEL_OFF()), one "struct.field offset" line per step of the
 *      path: task_struct.se then sched_entity.vruntime.
 *
 * A source that describes the root but lacks the field answers "not
 * there", and core.c poisons the instruction as libbpf does. When no
 * source describes the root, an "exists" question answers 0, as libbpf's;
 * any other is an error naming the struct, the field and the ways to
 * provide it, never the compiled value kept.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "btf.h"
#include "core.h"
#include "internal.h"
#include "object.h"
#include "tracefs.h"

#define RAW_PREFIX "trace_event_raw_"
#define DATA_LOC_PREFIX "__data_loc_"

/* A step of the path that is an array element (p[i], args[1]). */
static bool is_element(const struct tpbpf_core_spec *spec, int i)
{
	const struct btf_type *t = tpbpf_btf_type(spec->btf, spec->access[i].type_id);

	return i > 0 && t && btf_kind(t) == BTF_KIND_ARRAY;
}

/* Size of an element of the local array type ID. */
static int local_elem_size(const struct tpbpf_core_spec *spec, uint32_t id, uint64_t *size)
{
	const struct btf_type *t = tpbpf_btf_type(spec->btf, id);

	return tpbpf_btf_resolve_size(spec->btf, btf_array(t)->type, size);
}

/* The local member at step I: its type, past modifiers. */
static uint32_t member_type(const struct tpbpf_core_spec *spec, int i)
{
	const struct btf_type *t = tpbpf_btf_type(spec->btf, spec->access[i].type_id);

	return tpbpf_btf_skip_mods(spec->btf, btf_members(t)[spec->access[i].idx].type);
}

/* ---- 2. tracepoint records from tracefs formats ------------------------------ */

/* The format that describes struct trace_event_raw_NAME for PROG; NULL if none. */
static const struct tpbpf_format *record_format(struct tpbpf_object *obj,
						const struct tpbpf_program *prog,
						const char *event, char *which, size_t len)
{
	const struct tpbpf_format *fmt;
	char cat[256], name[256];

	if (tpbpf_tracefs_event_category(event, cat, sizeof(cat)) == 0 &&
	    tpbpf_obj_format(obj, cat, event, &fmt) == 0) {
		snprintf(which, len, "%s:%s", cat, event);
		return fmt;
	}
	/* A class (sched_process_template) has no event of its name: the target's. */
	if (prog && prog->kind == TPBPF_PROG_TRACEPOINT && prog->target[0] &&
	    tpbpf_tracepoint_parse(prog->target, cat, sizeof(cat), name, sizeof(name)) == 0 &&
	    tpbpf_obj_format(obj, cat, name, &fmt) == 0) {
		snprintf(which, len, "%s:%s (the program's tracepoint)", cat, name);
		return fmt;
	}
	return NULL;
}

static int from_tracefs(struct tpbpf_object *obj, const struct tpbpf_program *prog,
			const struct tpbpf_core_spec *spec, struct tpbpf_core_target *out,
			char *source, size_t source_len)
{
	const char *event = spec->root_name + strlen(RAW_PREFIX);
	const struct tpbpf_format *fmt;
	const struct tpbpf_field *f;
	const char *member;
	char which[600];
	uint64_t elem;

	fmt = record_format(obj, prog, event, which, sizeof(which));
	if (!fmt)
		return -ENOENT;	/* tracefs does not describe it */
	snprintf(source, source_len, "the tracefs format of %s", which);
	memset(out, 0, sizeof(*out));
	if (tpbpf_core_kind_is_type(spec->kind)) {
		out->exists = true;
		out->type_size = fmt->fixed_size;
		return 0;
	}
	if (!tpbpf_core_kind_is_field(spec->kind))
		return tpbpf_err(ENOTSUP, "%s: tracefs formats have no enumerators", source);
	/* The record itself (p[0]): its start, its fixed size. */
	if (spec->len < 2) {
		out->exists = true;
		out->byte_size = fmt->fixed_size;
		return 0;
	}
	member = spec->access[1].name;
	if (!member)
		return tpbpf_err(ENOTSUP, "%s: the path goes through an anonymous member, which formats do not list",
				 source);
	if (strncmp(member, DATA_LOC_PREFIX, strlen(DATA_LOC_PREFIX)) == 0)
		member += strlen(DATA_LOC_PREFIX);
	f = tpbpf_format_field(fmt, member);
	if (!f) {
		out->exists = false;	/* the record has no such field here */
		return 0;
	}
	out->exists = true;
	out->bit_offset = (uint64_t)f->offset * 8;
	out->byte_size = f->size;
	out->is_signed = f->is_signed;
	out->field_class = f->kind == TPBPF_FIELD_INT ? TPBPF_CORE_FIELD_INT :
			   f->kind == TPBPF_FIELD_POINTER || f->kind == TPBPF_FIELD_USER_STRING ?
			   TPBPF_CORE_FIELD_PTR : TPBPF_CORE_FIELD_OTHER;
	if (f->kind == TPBPF_FIELD_DATA_LOC || f->kind == TPBPF_FIELD_REL_LOC)
		out->field_class = TPBPF_CORE_FIELD_INT;	/* a u32 of length and offset */
	if (spec->len == 2)
		return 0;
	/* args[1]: an element of an array field. */
	if (spec->len > 3 || !is_element(spec, 2))
		return tpbpf_err(ENOTSUP, "%s: field %s has no members a format describes", source, member);
	if (f->array_len) {
		elem = f->size / f->array_len;
	} else if (local_elem_size(spec, spec->access[2].type_id, &elem)) {
		return tpbpf_err(EINVAL, "%s: field %s: no element size", source, member);
	}
	if (f->array_len && spec->access[2].idx >= f->array_len) {
		out->exists = false;
		return 0;
	}
	out->bit_offset += (uint64_t)spec->access[2].idx * elem * 8;
	out->byte_size = (uint32_t)elem;
	out->field_class = f->is_signed || f->kind == TPBPF_FIELD_ARRAY ? TPBPF_CORE_FIELD_INT :
			   out->field_class;
	return 0;
}

/* ---- 3. other kernel structs from the offsets file ---------------------------- */

static int from_offsets_file(const struct tpbpf_core_spec *spec, struct tpbpf_core_target *out,
			     char *source, size_t source_len, char *missing, size_t missing_len)
{
	char st[TPBPF_CORE_MAX_NAME + 1];
	uint64_t off = 0, elem, field_off;
	uint32_t last = 0;
	int err;

	snprintf(source, source_len, "the kernel struct offsets file %s",
		 tpbpf_kernel_offsets_path() ? tpbpf_kernel_offsets_path() : "(none given)");
	memset(out, 0, sizeof(*out));
	if (!tpbpf_kernel_offsets_path())
		return -ENOENT;
	if (!tpbpf_core_kind_is_field(spec->kind))
		return tpbpf_err(ENOTSUP, "%s gives field offsets only, not types or enumerators",
				 source);
	snprintf(st, sizeof(st), "%s", spec->root_name);
	for (int i = 1; i < spec->len; i++) {
		const struct tpbpf_core_access *a = &spec->access[i];

		if (is_element(spec, i)) {
			/* Element size as compiled: the file knows no types. */
			err = local_elem_size(spec, a->type_id, &elem);
			if (err)
				return tpbpf_err(EINVAL, "%s: no element size", st);
			off += (uint64_t)a->idx * elem;
			continue;
		}
		if (!a->name)
			continue;	/* an anonymous member: the file flattens them */
		err = tpbpf_kernel_offsets_file_lookup(st, a->name, &field_off);
		if (err == -ENOENT) {
			snprintf(missing, missing_len, "%s.%s", st, a->name);
			out->exists = false;
			return -ENOENT;
		}
		if (err)
			return err;
		off += field_off;
		last = member_type(spec, i);
		/* The next step names a member of this member's struct. */
		snprintf(st, sizeof(st), "%.*s", (int)tpbpf_btf_essential_len(tpbpf_btf_name(spec->btf, last)),
			 tpbpf_btf_name(spec->btf, last));
	}
	/* Size, signedness and bit position as compiled: the file has offsets only. */
	err = tpbpf_core_local(spec, out);
	if (err)
		return err;
	if (out->bitfield_size)
		return tpbpf_err(ENOTSUP, "%s is a bitfield: %s gives byte offsets only", missing, source);
	out->exists = true;
	out->bit_offset = off * 8;
	return 0;
}

/* ---- choosing the source ---------------------------------------------------------- */

int tpbpf_obj_core_resolve(struct tpbpf_object *obj, const struct tpbpf_program *prog,
			   const struct tpbpf_core_spec *spec, struct tpbpf_core_target *out,
			   char *source, size_t source_len)
{
	const struct tpbpf_btf *kbtf = tpbpf_kernel_btf();
	bool record = strncmp(spec->root_name, RAW_PREFIX, strlen(RAW_PREFIX)) == 0;
	char desc[256], missing[2 * TPBPF_CORE_MAX_NAME + 2] = "";
	int err;

	if (kbtf) {
		snprintf(source, source_len, "the kernel's BTF");
		return tpbpf_core_match_btf(spec, kbtf, out);
	}
	if (record)
		err = from_tracefs(obj, prog, spec, out, source, source_len);
	else
		err = from_offsets_file(spec, out, source, source_len, missing, sizeof(missing));
	if (err != -ENOENT)
		return err;	/* answered, or an error of its own */

	/* Nothing on this kernel describes it. */
	memset(out, 0, sizeof(*out));
	if (spec->kind == TPBPF_CORE_FIELD_EXISTS || spec->kind == TPBPF_CORE_TYPE_EXISTS ||
	    spec->kind == TPBPF_CORE_ENUMVAL_EXISTS || spec->kind == TPBPF_CORE_TYPE_MATCHES) {
		snprintf(source, source_len, "no source (what cannot be found does not exist)");
		return 0;
	}
	tpbpf_core_spec_describe(spec, desc, sizeof(desc));
	/* No file to look in: the first step is what one would need. */
	for (int i = 1; !missing[0] && i < spec->len; i++)
		if (spec->access[i].name)
			snprintf(missing, sizeof(missing), "%s.%s", spec->root_name,
				 spec->access[i].name);
	if (record)
		return tpbpf_err(ENOENT, "%s (%s): the kernel has no BTF and tracefs has no event %s, nor does the program's tracepoint describe it: attach the program to the tracepoint whose record it reads, or run a kernel with BTF (CONFIG_DEBUG_INFO_BTF=y)",
				 desc, tpbpf_core_kind_name(spec->kind),
				 spec->root_name + strlen(RAW_PREFIX));
	return tpbpf_err(ENOENT, "%s (%s): nothing on this kernel gives %s: it has no BTF (%s), %s is not a tracepoint record (trace_event_raw_*), and %s; provide it with --offsets FILE (tpbpf offsets --from-headers DIR --struct %s > FILE), or run a kernel with BTF (CONFIG_DEBUG_INFO_BTF=y)",
			 desc, tpbpf_core_kind_name(spec->kind), missing[0] ? missing : desc,
			 TPBPF_KERNEL_BTF_PATH, spec->root_name,
			 tpbpf_kernel_offsets_path() ? "the offsets file does not list it" :
			 "no offsets file was given",
			 missing[0] ? missing : spec->root_name);
}
