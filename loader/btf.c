/* SPDX-License-Identifier: MIT */
/*
 * The BTF reader: check a blob once (tpbpf_btf_parse), then answer
 * questions about its types without checking again.
 *
 * BTF (the kernel's Documentation/bpf/btf.rst) is a header, then, at
 * offsets counted from the header's end, a section of type records and a
 * section of NUL-terminated strings. Type IDs count the records from 1 (0
 * is void). Each record is a struct btf_type followed by data whose length
 * depends on its kind and its vlen (members, enumerators, parameters...).
 *
 * The blob is untrusted, whoever wrote it, and is checked in three passes:
 *
 *   1. the header and the bounds of the two sections;
 *   2. each record on its own: its length, its kind, its strings, the type
 *      IDs it refers to and the values that only it determines (an int's
 *      width, an enum's size);
 *   3. the graph of what contains what by value (modifiers and typedefs,
 *      array elements, struct and union members): a depth-first walk with
 *      its own stack (a chain of 100000 typedefs must not overflow ours)
 *      that refuses a type containing itself and records, for each type,
 *      what the accessors then only look up: the type behind its modifiers
 *      and its size. Members are checked to lie inside their struct here,
 *      once the sizes of their types are known.
 *
 * After that, every walk is bounded: modifier chains are one lookup,
 * sizes are one lookup, and the only searches that follow references
 * (through anonymous members) have a depth limit and a step budget.
 *
 * A name index for lookups by (kind, name) is built on the first lookup:
 * the kernel's BTF has over 100000 types, and a CO-RE relocation must not
 * scan them all.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "btf.h"
#include "internal.h"

/* Anonymous members nest a few levels deep in real kernels. */
#define MAX_NESTING 32
/* Members one field lookup may visit: far more than any real struct has. */
#define FIELD_SEARCH_BUDGET (1u << 22)
/* Names printed in errors are cut here (a hostile name may be 64 KiB). */
#define NAME_IN_ERROR 80

enum walk_state { WALK_NEW, WALK_OPEN, WALK_DONE };

/* What the checks learn about each type, for the accessors to look up. */
struct type_info {
	uint32_t pos;		/* offset of its record in the type section */
	uint32_t resolved;	/* the ID behind its modifiers: itself if none */
	uint32_t size;		/* bytes, when sized */
	uint8_t sized;		/* void, functions, fwd... have no size */
	uint8_t walk;		/* enum walk_state, pass 3 */
};

/* (kind, name without ___flavor) -> IDs: hash chains in ID order. */
struct name_index {
	uint32_t mask;		/* number of buckets - 1 */
	uint32_t *bucket;	/* first ID of each chain; 0: empty */
	uint32_t *next;		/* next[id]: the next ID of id's chain */
	uint32_t *hash;		/* hash[id], to skip other names quickly */
};

struct tpbpf_btf {
	unsigned char *data;	/* ours (a copy, or the file as read); fixups write into it */
	size_t size;
	bool mapped;		/* DATA is a file mapped read-only (munmap, no fixups) */
	unsigned char *types;	/* the type section, 4-byte aligned */
	uint32_t types_len;
	const char *strs;	/* the string section; ends with a NUL */
	uint32_t strs_len;
	uint32_t nr_types;
	uint32_t ptr_size;	/* 8, or 4 for a 32-bit kernel's BTF */
	struct type_info *info;	/* [0] is void */
	struct name_index *index;	/* NULL until the first lookup */
};

/* ---- small helpers ------------------------------------------------------------ */

static const char *const kind_names[] = {
	[BTF_KIND_UNKN] = "void", [BTF_KIND_INT] = "int", [BTF_KIND_PTR] = "ptr",
	[BTF_KIND_ARRAY] = "array", [BTF_KIND_STRUCT] = "struct", [BTF_KIND_UNION] = "union",
	[BTF_KIND_ENUM] = "enum", [BTF_KIND_FWD] = "fwd", [BTF_KIND_TYPEDEF] = "typedef",
	[BTF_KIND_VOLATILE] = "volatile", [BTF_KIND_CONST] = "const",
	[BTF_KIND_RESTRICT] = "restrict", [BTF_KIND_FUNC] = "func",
	[BTF_KIND_FUNC_PROTO] = "func_proto", [BTF_KIND_VAR] = "var",
	[BTF_KIND_DATASEC] = "datasec", [BTF_KIND_FLOAT] = "float",
	[BTF_KIND_DECL_TAG] = "decl_tag", [BTF_KIND_TYPE_TAG] = "type_tag",
	[BTF_KIND_ENUM64] = "enum64",
};

const char *tpbpf_btf_kind_name(uint32_t kind)
{
	return kind < ARRAY_SIZE(kind_names) ? kind_names[kind] : "unknown kind";
}

static const struct btf_type *record(const struct tpbpf_btf *btf, uint32_t id)
{
	return (const struct btf_type *)(btf->types + btf->info[id].pos);
}

const char *tpbpf_btf_str(const struct tpbpf_btf *btf, uint32_t off)
{
	return off < btf->strs_len ? btf->strs + off : NULL;
}

/* A name for messages: checked against the section even before pass 2. */
static const char *safe_name(const struct tpbpf_btf *btf, uint32_t off)
{
	const char *s = tpbpf_btf_str(btf, off);

	return s ? s : "?";
}

/*
 * Fail with "BTF: type ID (KIND NAME): WHAT", the one line every check
 * of a type gives.
 */
static int type_err(const struct tpbpf_btf *btf, uint32_t id, const char *fmt, ...)
	TPBPF_PRINTF(3, 4);
static int type_err(const struct tpbpf_btf *btf, uint32_t id, const char *fmt, ...)
{
	const struct btf_type *t = record(btf, id);
	const char *name = safe_name(btf, t->name_off);
	char what[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return tpbpf_err(EINVAL, "BTF: type %u (%s%s%.*s): %s", id,
			 tpbpf_btf_kind_name(btf_kind(t)), *name ? " " : "",
			 NAME_IN_ERROR, name, what);
}

/* ---- pass 1: header and sections ----------------------------------------------- */

static int check_section(const char *what, uint32_t off, uint32_t len,
			 uint32_t hdr_len, size_t size)
{
	uint64_t start = (uint64_t)hdr_len + off;

	if (start > size || len > size - start)
		return tpbpf_err(EINVAL, "BTF: %s section (offset %u, length %u) is outside the %zu-byte blob",
				 what, off, len, size);
	return 0;
}

static int check_header(const void *data, size_t size, struct btf_header *h)
{
	int err;

	if (size < sizeof(*h))
		return tpbpf_err(EINVAL, "BTF: %zu bytes is too short for a header", size);
	memcpy(h, data, sizeof(*h));
	if (h->magic != BTF_MAGIC)
		return tpbpf_err(EINVAL, "BTF: bad magic 0x%04x (want 0x%04x; other byte order is not read)",
				 h->magic, BTF_MAGIC);
	if (h->version != BTF_VERSION)
		return tpbpf_err(EINVAL, "BTF: version %u (this reader knows %u)", h->version, BTF_VERSION);
	if (h->hdr_len < sizeof(*h) || h->hdr_len > size)
		return tpbpf_err(EINVAL, "BTF: header length %u is out of range (%zu..%zu)",
				 h->hdr_len, sizeof(*h), size);
	if ((err = check_section("type", h->type_off, h->type_len, h->hdr_len, size)) ||
	    (err = check_section("string", h->str_off, h->str_len, h->hdr_len, size)))
		return err;
	/* Records are read as 32-bit words in place. */
	if (((uint64_t)h->hdr_len + h->type_off) % 4)
		return tpbpf_err(EINVAL, "BTF: the type section (at byte %llu) is misaligned: it must start on a multiple of 4",
				 (unsigned long long)h->hdr_len + h->type_off);
	if (h->type_len && h->str_len &&
	    (uint64_t)h->type_off < (uint64_t)h->str_off + h->str_len &&
	    (uint64_t)h->str_off < (uint64_t)h->type_off + h->type_len)
		return tpbpf_err(EINVAL, "BTF: the type section (%u+%u) and the string section (%u+%u) overlap",
				 h->type_off, h->type_len, h->str_off, h->str_len);
	return 0;
}

/* ---- pass 2: each record on its own ----------------------------------------------- */

/* Bytes that follow the struct btf_type of a record of KIND with VLEN; -1: unknown kind. */
static int64_t extra_bytes(uint32_t kind, uint32_t vlen)
{
	switch (kind) {
	case BTF_KIND_INT:
	case BTF_KIND_VAR:
	case BTF_KIND_DECL_TAG:
		return 4;
	case BTF_KIND_ARRAY:
		return sizeof(struct btf_array);
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		return (int64_t)vlen * sizeof(struct btf_member);
	case BTF_KIND_ENUM:
		return (int64_t)vlen * sizeof(struct btf_enum);
	case BTF_KIND_ENUM64:
		return (int64_t)vlen * sizeof(struct btf_enum64);
	case BTF_KIND_FUNC_PROTO:
		return (int64_t)vlen * sizeof(struct btf_param);
	case BTF_KIND_DATASEC:
		return (int64_t)vlen * sizeof(struct btf_var_secinfo);
	case BTF_KIND_PTR:
	case BTF_KIND_FWD:
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_FUNC:
	case BTF_KIND_FLOAT:
	case BTF_KIND_TYPE_TAG:
		return 0;
	default:
		return -1;
	}
}

/* Find where each record starts; count them. */
static int index_records(struct tpbpf_btf *btf)
{
	/* Each record is at least 12 bytes: the count is bounded by the bytes. */
	uint32_t cap = btf->types_len / sizeof(struct btf_type), n = 0;
	uint64_t pos = 0;

	btf->info = calloc((size_t)cap + 1, sizeof(*btf->info));
	if (!btf->info)
		return tpbpf_err(ENOMEM, "out of memory indexing %u bytes of BTF types", btf->types_len);
	while (pos < btf->types_len) {
		struct btf_type t;
		int64_t extra;

		if (btf->types_len - pos < sizeof(t))
			return tpbpf_err(EINVAL, "BTF: type %u is truncated: %llu bytes left in the type section, a record takes %zu",
					 n + 1, (unsigned long long)(btf->types_len - pos), sizeof(t));
		memcpy(&t, btf->types + pos, sizeof(t));
		extra = extra_bytes(btf_kind(&t), btf_vlen(&t));
		if (extra < 0)
			return tpbpf_err(EINVAL, "BTF: type %u has unknown kind %u (BTF newer than this reader?)",
					 n + 1, btf_kind(&t));
		if ((uint64_t)extra > btf->types_len - pos - sizeof(t))
			return tpbpf_err(EINVAL, "BTF: type %u (%s, %u entries) runs past the type section",
					 n + 1, tpbpf_btf_kind_name(btf_kind(&t)), btf_vlen(&t));
		btf->info[++n].pos = (uint32_t)pos;
		pos += sizeof(t) + (uint64_t)extra;
	}
	btf->nr_types = n;
	return 0;
}

static int check_name(const struct tpbpf_btf *btf, uint32_t id, const char *what, uint32_t off)
{
	if (off >= btf->strs_len)
		return type_err(btf, id, "%s name offset %u is outside the %u-byte string section",
				what, off, btf->strs_len);
	return 0;
}

/* Kinds that a type (a member's, a pointer's target...) may be. */
static bool is_type_kind(uint32_t kind)
{
	return kind != BTF_KIND_VAR && kind != BTF_KIND_DATASEC && kind != BTF_KIND_FUNC &&
	       kind != BTF_KIND_DECL_TAG;
}

/*
 * What a reference is, for its message: "member 3 (comm)", "its type".
 * Formatted only when there is an error to report.
 */
struct ref_what {
	const char *what;
	uint32_t i;		/* NO_INDEX: no number */
	uint32_t name_off;	/* the member's or parameter's name; 0: none */
};
#define NO_INDEX UINT32_MAX

static const char *say(const struct tpbpf_btf *btf, const struct ref_what *w, char *buf, size_t len)
{
	const char *name = safe_name(btf, w->name_off);

	if (w->i == NO_INDEX)
		snprintf(buf, len, "%s", w->what);
	else if (*name)
		snprintf(buf, len, "%s %u (%.*s)", w->what, w->i, NAME_IN_ERROR, name);
	else
		snprintf(buf, len, "%s %u", w->what, w->i);
	return buf;
}

/*
 * A reference from type ID to type REF: in range; void only where VOID_OK;
 * a type, not a variable or function.
 */
static int check_ref(const struct tpbpf_btf *btf, uint32_t id, struct ref_what w,
		     uint32_t ref, bool void_ok)
{
	char buf[160];

	if (ref > btf->nr_types)
		return type_err(btf, id, "%s refers to type %u, past the last type (%u)",
				say(btf, &w, buf, sizeof(buf)), ref, btf->nr_types);
	if (ref == 0) {
		if (!void_ok)
			return type_err(btf, id, "%s is void", say(btf, &w, buf, sizeof(buf)));
		return 0;
	}
	if (!is_type_kind(btf_kind(record(btf, ref))))
		return type_err(btf, id, "%s refers to type %u, a %s, which is not a type",
				say(btf, &w, buf, sizeof(buf)), ref,
				tpbpf_btf_kind_name(btf_kind(record(btf, ref))));
	return 0;
}

#define IT(what) ((struct ref_what){ what, NO_INDEX, 0 })

static bool is_pow2_upto(uint32_t v, uint32_t max)
{
	return v && v <= max && (v & (v - 1)) == 0;
}

/*
 * The pointer size of the machine the BTF describes: that of its long.
 * clang's BPF target and 64-bit kernels have 8; a 32-bit kernel's BTF 4.
 */
static void note_long(struct tpbpf_btf *btf, const struct btf_type *t)
{
	const char *name = tpbpf_btf_str(btf, t->name_off);

	if (name && (strcmp(name, "long") == 0 || strcmp(name, "long int") == 0 ||
		     strcmp(name, "unsigned long") == 0 || strcmp(name, "long unsigned int") == 0) &&
	    (t->size == 4 || t->size == 8))
		btf->ptr_size = t->size;
}

static int check_members(const struct tpbpf_btf *btf, uint32_t id, const struct btf_type *t)
{
	const struct btf_member *m = btf_members(t);
	char buf[160];
	int err;

	for (uint32_t i = 0; i < btf_vlen(t); i++) {
		struct ref_what w = { "member", i, m[i].name_off };

		if ((err = check_name(btf, id, "a member's", m[i].name_off)))
			return err;
		if ((err = check_ref(btf, id, w, m[i].type, false)))
			return err;
		if (btf_member_bitfield_size(t, i) > 128)
			return type_err(btf, id, "%s is a %u-bit bitfield (at most 128)",
					say(btf, &w, buf, sizeof(buf)), btf_member_bitfield_size(t, i));
	}
	return 0;
}

static int check_enum(const struct tpbpf_btf *btf, uint32_t id, const struct btf_type *t)
{
	int err;

	if (!is_pow2_upto(t->size, 8))
		return type_err(btf, id, "size %u (an enum has 1, 2, 4 or 8 bytes)", t->size);
	for (uint32_t i = 0; i < btf_vlen(t); i++)
		if ((err = check_name(btf, id, "an enumerator's", btf_enumerator_name_off(t, i))))
			return err;
	return 0;
}

static int check_func_proto(const struct tpbpf_btf *btf, uint32_t id, const struct btf_type *t)
{
	const struct btf_param *p = btf_params(t);
	int err;

	if ((err = check_ref(btf, id, IT("the return type"), t->type, true)))
		return err;
	for (uint32_t i = 0; i < btf_vlen(t); i++) {
		struct ref_what w = { "parameter", i, p[i].name_off };

		if ((err = check_name(btf, id, "a parameter's", p[i].name_off)))
			return err;
		/* void is "...", only last */
		if ((err = check_ref(btf, id, w, p[i].type, i + 1 == btf_vlen(t))))
			return err;
	}
	return 0;
}

static int check_datasec(const struct tpbpf_btf *btf, uint32_t id, const struct btf_type *t)
{
	const struct btf_var_secinfo *v = btf_var_secinfos(t);

	for (uint32_t i = 0; i < btf_vlen(t); i++) {
		uint32_t k;

		if (v[i].type == 0 || v[i].type > btf->nr_types)
			return type_err(btf, id, "entry %u refers to type %u (want 1..%u)",
					i, v[i].type, btf->nr_types);
		k = btf_kind(record(btf, v[i].type));
		if (k != BTF_KIND_VAR && k != BTF_KIND_FUNC)
			return type_err(btf, id, "entry %u refers to type %u, a %s (want a var or func)",
					i, v[i].type, tpbpf_btf_kind_name(k));
		if ((uint64_t)v[i].offset + v[i].size > UINT32_MAX)
			return type_err(btf, id, "entry %u (offset %u, size %u) ends past 4 GiB",
					i, v[i].offset, v[i].size);
	}
	return 0;
}

static int check_decl_tag(const struct tpbpf_btf *btf, uint32_t id, const struct btf_type *t)
{
	int32_t idx = btf_decl_tag(t)->component_idx;
	const struct btf_type *target;
	uint32_t limit;

	if (t->type == 0 || t->type > btf->nr_types)
		return type_err(btf, id, "tags type %u (want 1..%u)", t->type, btf->nr_types);
	target = record(btf, t->type);
	if (btf_kind(target) == BTF_KIND_DECL_TAG)
		return type_err(btf, id, "tags type %u, another decl_tag", t->type);
	if (idx == -1)
		return 0;
	if (btf_is_composite(target)) {
		limit = btf_vlen(target);
	} else if (btf_kind(target) == BTF_KIND_FUNC) {
		/* the func's own check may come later: check its proto here too */
		if (target->type == 0 || target->type > btf->nr_types ||
		    btf_kind(record(btf, target->type)) != BTF_KIND_FUNC_PROTO)
			return type_err(btf, id, "tags type %u, a func without a func_proto", t->type);
		limit = btf_vlen(record(btf, target->type));
	} else {
		return type_err(btf, id, "component %d of type %u, a %s, which has no components",
				idx, t->type, tpbpf_btf_kind_name(btf_kind(target)));
	}
	if (idx < 0 || (uint32_t)idx >= limit)
		return type_err(btf, id, "component %d of type %u, which has %u", idx, t->type, limit);
	return 0;
}

static int check_int(const struct tpbpf_btf *btf, uint32_t id, const struct btf_type *t)
{
	uint32_t enc = btf_int_encoding(t), bits = btf_int_bits(t), off = btf_int_offset(t);

	if (!is_pow2_upto(t->size, 16))
		return type_err(btf, id, "size %u (an int has 1, 2, 4, 8 or 16 bytes)", t->size);
	if (btf_int_word(t) & 0xf0000000u)
		return type_err(btf, id, "reserved bits set in 0x%08x", btf_int_word(t));
	if (enc != 0 && enc != BTF_INT_SIGNED && enc != BTF_INT_CHAR && enc != BTF_INT_BOOL)
		return type_err(btf, id, "encoding 0x%x (want one of signed, char, bool)", enc);
	if (bits == 0 || bits > 128 || off + bits > t->size * 8)
		return type_err(btf, id, "%u bits at bit %u do not fit its %u bytes", bits, off, t->size);
	return 0;
}

/* Pass 2 for type ID: everything one record says, on its own. */
static int check_record(struct tpbpf_btf *btf, uint32_t id)
{
	const struct btf_type *t = record(btf, id);
	int err;

	if ((err = check_name(btf, id, "its", t->name_off)))
		return err;
	switch (btf_kind(t)) {
	case BTF_KIND_INT:
		note_long(btf, t);
		return check_int(btf, id, t);
	case BTF_KIND_PTR:
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_TYPE_TAG:
		return check_ref(btf, id, IT("it"), t->type, true);
	case BTF_KIND_ARRAY:
		if ((err = check_ref(btf, id, IT("its element type"), btf_array(t)->type, false)))
			return err;
		return check_ref(btf, id, IT("its index type"), btf_array(t)->index_type, false);
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		return check_members(btf, id, t);
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		return check_enum(btf, id, t);
	case BTF_KIND_FWD:
		return 0;
	case BTF_KIND_FUNC:
		if (btf_vlen(t) > BTF_FUNC_EXTERN)
			return type_err(btf, id, "linkage %u (want static, global or extern)", btf_vlen(t));
		if (t->type == 0 || t->type > btf->nr_types ||
		    btf_kind(record(btf, t->type)) != BTF_KIND_FUNC_PROTO)
			return type_err(btf, id, "its type %u is not a func_proto", t->type);
		return 0;
	case BTF_KIND_FUNC_PROTO:
		return check_func_proto(btf, id, t);
	case BTF_KIND_VAR:
		if (btf_var(t)->linkage > BTF_VAR_GLOBAL_EXTERN)
			return type_err(btf, id, "linkage %u (want static, global or extern)",
					btf_var(t)->linkage);
		return check_ref(btf, id, IT("its type"), t->type, true);
	case BTF_KIND_DATASEC:
		return check_datasec(btf, id, t);
	case BTF_KIND_FLOAT:
		if (t->size != 2 && t->size != 4 && t->size != 8 && t->size != 12 && t->size != 16)
			return type_err(btf, id, "size %u (a float has 2, 4, 8, 12 or 16 bytes)", t->size);
		return 0;
	case BTF_KIND_DECL_TAG:
		return check_decl_tag(btf, id, t);
	}
	return type_err(btf, id, "unknown kind");	/* index_records refused these */
}

/* ---- pass 3: the graph of what contains what ------------------------------------- */

/* The types that ID contains by value: its Ith. 0: none (void). */
static uint32_t nr_value_refs(const struct btf_type *t)
{
	if (btf_is_mod(t) || btf_kind(t) == BTF_KIND_ARRAY || btf_kind(t) == BTF_KIND_VAR)
		return 1;
	if (btf_is_composite(t))
		return btf_vlen(t);
	return 0;
}

static uint32_t value_ref(const struct btf_type *t, uint32_t i)
{
	if (btf_kind(t) == BTF_KIND_ARRAY)
		return btf_array(t)->type;
	if (btf_is_composite(t))
		return btf_members(t)[i].type;
	return t->type;
}

/* Size of a type whose walk is done; false if it has none. */
static bool known_size(const struct tpbpf_btf *btf, uint32_t id, uint64_t *size)
{
	if (id == 0 || !btf->info[id].sized)
		return false;
	*size = btf->info[id].size;
	return true;
}

/* Every member of a struct or union lies inside it, with a type that has a size. */
static int check_member_extents(const struct tpbpf_btf *btf, uint32_t id, const struct btf_type *t)
{
	const struct btf_member *m = btf_members(t);
	uint64_t bits = (uint64_t)t->size * 8;
	char buf[160];

	for (uint32_t i = 0; i < btf_vlen(t); i++) {
		uint32_t off = btf_member_bit_offset(t, i), bf = btf_member_bitfield_size(t, i);
		uint32_t r = btf->info[m[i].type].resolved;
		const struct btf_type *rt = r ? record(btf, r) : NULL;
		struct ref_what w = { "member", i, m[i].name_off };
		uint64_t size, end;

		if (!known_size(btf, m[i].type, &size))
			return type_err(btf, id, "%s has type %u (%s), which has no size",
					say(btf, &w, buf, sizeof(buf)), m[i].type, rt ? tpbpf_btf_kind_name(btf_kind(rt)) : "void");
		if (bf) {
			if (!rt || (btf_kind(rt) != BTF_KIND_INT && !btf_is_any_enum(rt)))
				return type_err(btf, id, "%s is a bitfield of a %s (want an int or enum)",
						say(btf, &w, buf, sizeof(buf)), rt ? tpbpf_btf_kind_name(btf_kind(rt)) : "void");
			if (bf > size * 8)
				return type_err(btf, id, "%s is a %u-bit bitfield of a %llu-byte type",
						say(btf, &w, buf, sizeof(buf)), bf, (unsigned long long)size);
			end = (uint64_t)off + bf;
		} else if (btf_kind(rt) == BTF_KIND_INT) {
			/* an int may be an old-style bitfield: its bits, not its bytes */
			end = (uint64_t)off + btf_int_offset(rt) + btf_int_bits(rt);
		} else {
			if (off % 8)
				return type_err(btf, id, "%s (a %s) is at bit %u, not on a byte boundary",
						say(btf, &w, buf, sizeof(buf)), tpbpf_btf_kind_name(btf_kind(rt)), off);
			end = (uint64_t)off + size * 8;
		}
		if (end > bits)
			return type_err(btf, id, "%s (bits %u..%llu) is outside the %u-byte %s",
					say(btf, &w, buf, sizeof(buf)), off, (unsigned long long)end, t->size,
					tpbpf_btf_kind_name(btf_kind(t)));
	}
	return 0;
}

/* Pass 3, after the types ID contains: what it resolves to and its size. */
static int finish_type(struct tpbpf_btf *btf, uint32_t id)
{
	const struct btf_type *t = record(btf, id);
	struct type_info *ti = &btf->info[id];
	uint64_t size;

	ti->resolved = id;
	switch (btf_kind(t)) {
	case BTF_KIND_INT:
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
	case BTF_KIND_FLOAT:
		ti->size = t->size;
		ti->sized = 1;
		break;
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		ti->size = t->size;
		ti->sized = 1;
		return check_member_extents(btf, id, t);
	case BTF_KIND_PTR:
		ti->size = btf->ptr_size;
		ti->sized = 1;
		break;
	case BTF_KIND_ARRAY: {
		uint32_t elem = btf_array(t)->type;

		if (!known_size(btf, elem, &size))
			return type_err(btf, id, "its element type %u has no size", elem);
		size *= btf_array(t)->nelems;	/* both < 2^32: no 64-bit overflow */
		if (size > UINT32_MAX)
			return type_err(btf, id, "%u elements of %llu bytes: its size overflows 32 bits",
					btf_array(t)->nelems, (unsigned long long)(size / btf_array(t)->nelems));
		ti->size = (uint32_t)size;
		ti->sized = 1;
		break;
	}
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_TYPE_TAG:
		/* what it names was finished first: take its answers */
		ti->resolved = t->type ? btf->info[t->type].resolved : 0;
		ti->size = t->type ? btf->info[t->type].size : 0;
		ti->sized = t->type ? btf->info[t->type].sized : 0;
		break;
	case BTF_KIND_VAR:
		if (t->type && btf->info[t->type].sized) {
			ti->size = btf->info[t->type].size;
			ti->sized = 1;
		}
		break;
	default:
		/* datasec: sized by its record (fixups change it); fwd, func, func_proto, decl_tag: no size */
		break;
	}
	return 0;
}

/*
 * Depth-first over "contains by value", post-order, with an explicit stack
 * (at most one frame per type: a type is on the stack once). A reference
 * to a type still on the stack is a loop.
 */
static int walk_types(struct tpbpf_btf *btf)
{
	struct frame {
		uint32_t id;
		uint32_t next_ref;
	} *stack;
	int err = 0;

	stack = calloc((size_t)btf->nr_types + 1, sizeof(*stack));
	if (!stack)
		return tpbpf_err(ENOMEM, "out of memory checking %u BTF types", btf->nr_types);
	for (uint32_t root = 1; root <= btf->nr_types && !err; root++) {
		size_t depth = 0;

		if (btf->info[root].walk != WALK_NEW)
			continue;
		stack[depth++] = (struct frame){ root, 0 };
		btf->info[root].walk = WALK_OPEN;
		while (depth && !err) {
			struct frame *f = &stack[depth - 1];
			const struct btf_type *t = record(btf, f->id);
			uint32_t ref;

			if (f->next_ref == nr_value_refs(t)) {
				err = finish_type(btf, f->id);
				btf->info[f->id].walk = WALK_DONE;
				depth--;
				continue;
			}
			ref = value_ref(t, f->next_ref++);
			if (ref == 0 || btf->info[ref].walk == WALK_DONE)
				continue;
			if (btf->info[ref].walk == WALK_OPEN) {
				err = type_err(btf, ref, "contains itself by value (a loop through type %u)",
					       f->id);
				break;
			}
			btf->info[ref].walk = WALK_OPEN;
			stack[depth++] = (struct frame){ ref, 0 };
		}
	}
	free(stack);
	return err;
}

/* ---- parse, free --------------------------------------------------------------- */

/* Check and index DATA (SIZE bytes, malloc'd), which the BTF then owns; freed on error. */
static void free_data(unsigned char *data, size_t size, bool mapped)
{
	if (mapped)
		munmap(data, size);
	else
		free(data);
}

static int parse_owned(unsigned char *data, size_t size, bool mapped, struct tpbpf_btf **out)
{
	struct btf_header h;
	struct tpbpf_btf *btf;
	int err;

	*out = NULL;
	if ((err = check_header(data, size, &h))) {
		free_data(data, size, mapped);
		return err;
	}
	btf = calloc(1, sizeof(*btf));
	if (!btf) {
		free_data(data, size, mapped);
		return tpbpf_err(ENOMEM, "out of memory reading %zu bytes of BTF", size);
	}
	btf->data = data;
	btf->size = size;
	btf->mapped = mapped;
	btf->types = btf->data + h.hdr_len + h.type_off;
	btf->types_len = h.type_len;
	btf->strs = (const char *)btf->data + h.hdr_len + h.str_off;
	btf->strs_len = h.str_len;
	btf->ptr_size = 8;
	/* Then every offset inside the section starts a NUL-terminated string, 0 is "". */
	if (btf->strs_len == 0 || btf->strs[btf->strs_len - 1] != '\0') {
		err = tpbpf_err(EINVAL, "BTF: the string section does not end with a NUL");
		goto fail;
	}
	if (btf->strs[0] != '\0') {
		err = tpbpf_err(EINVAL, "BTF: the string section does not start with the empty string");
		goto fail;
	}
	if ((err = index_records(btf)))
		goto fail;
	for (uint32_t id = 1; id <= btf->nr_types; id++)
		if ((err = check_record(btf, id)))
			goto fail;
	if ((err = walk_types(btf)))
		goto fail;
	*out = btf;
	return 0;
fail:
	tpbpf_btf_free(btf);
	return err;
}

int tpbpf_btf_parse(const void *data, size_t size, struct tpbpf_btf **out)
{
	struct btf_header h;
	unsigned char *copy;
	int err;

	/* refuse what is not BTF before copying it */
	*out = NULL;
	if ((err = check_header(data, size, &h)))
		return err;
	copy = malloc(size);
	if (!copy)
		return tpbpf_err(ENOMEM, "out of memory reading %zu bytes of BTF", size);
	memcpy(copy, data, size);
	return parse_owned(copy, size, false, out);
}

/*
 * All of PATH in one buffer: sized by fstat where the file says its size
 * (sysfs does), grown if it was wrong. No copy follows.
 */
static int read_whole(const char *path, unsigned char **data, size_t *size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t cap, n = 0;
	unsigned char *buf = NULL;
	struct stat st;

	if (fd < 0)
		return tpbpf_err(errno, "cannot open %s: %s", path, strerror(errno));
	cap = fstat(fd, &st) == 0 && st.st_size > 0 ? (size_t)st.st_size + 1 : 1 << 16;
	for (;;) {
		ssize_t got;

		if (n == cap || !buf) {
			unsigned char *nb = realloc(buf, n == cap ? cap *= 2 : cap);

			if (!nb) {
				free(buf);
				close(fd);
				return tpbpf_err(ENOMEM, "out of memory reading %s", path);
			}
			buf = nb;
		}
		got = read(fd, buf + n, cap - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			int e = errno;

			free(buf);
			close(fd);
			return tpbpf_err(e, "cannot read %s: %s", path, strerror(e));
		}
		if (got == 0)
			break;
		n += (size_t)got;
	}
	close(fd);
	*data = buf;
	*size = n;
	return 0;
}

/*
 * PATH mapped read-only, for a file that says its size: no copy, and the
 * kernel fills the pages at once (a fresh process's first touch of 5 MB
 * of malloc'd memory, a fault per page, cost more than the parse). The
 * kernel's BTF file can be mapped since 6.16; before, this fails and the
 * file is read.
 */
static bool map_whole(const char *path, unsigned char **data, size_t *size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	void *p;

	if (fd < 0)
		return false;
	if (fstat(fd, &st) != 0 || st.st_size <= 0) {
		close(fd);
		return false;
	}
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return false;
	*data = p;
	*size = (size_t)st.st_size;
	return true;
}

int tpbpf_btf_parse_file(const char *path, struct tpbpf_btf **out)
{
	unsigned char *data = NULL;
	size_t size = 0;
	bool mapped;
	int err;

	*out = NULL;
	mapped = map_whole(path, &data, &size);
	if (!mapped && (err = read_whole(path, &data, &size)))
		return err;
	if ((err = parse_owned(data, size, mapped, out)))
		return tpbpf_err_prefix(-err, "%s: ", path);
	return 0;
}

static void free_index(struct name_index *ix)
{
	if (!ix)
		return;
	free(ix->bucket);
	free(ix->next);
	free(ix->hash);
	free(ix);
}

void tpbpf_btf_free(struct tpbpf_btf *btf)
{
	if (!btf)
		return;
	free_index(btf->index);
	free(btf->info);
	free_data(btf->data, btf->size, btf->mapped);
	free(btf);
}

/* ---- accessors ------------------------------------------------------------------- */

uint32_t tpbpf_btf_type_count(const struct tpbpf_btf *btf)
{
	return btf->nr_types;
}

const struct btf_type *tpbpf_btf_type(const struct tpbpf_btf *btf, uint32_t id)
{
	if (id == 0 || id > btf->nr_types)
		return NULL;
	return record(btf, id);
}

const char *tpbpf_btf_name(const struct tpbpf_btf *btf, uint32_t id)
{
	const struct btf_type *t = tpbpf_btf_type(btf, id);

	return t ? btf->strs + t->name_off : "";
}

uint32_t tpbpf_btf_skip_mods(const struct tpbpf_btf *btf, uint32_t id)
{
	return id <= btf->nr_types ? btf->info[id].resolved : 0;
}

int tpbpf_btf_resolve_size(const struct tpbpf_btf *btf, uint32_t id, uint64_t *size)
{
	uint32_t r = tpbpf_btf_skip_mods(btf, id);
	const struct btf_type *t = tpbpf_btf_type(btf, r);

	if (!t)
		return tpbpf_err(EINVAL, "BTF: type %u is void or out of range: it has no size", id);
	if (btf_kind(t) == BTF_KIND_DATASEC) {
		*size = t->size;
		return 0;
	}
	if (!btf->info[r].sized)
		return tpbpf_err(EINVAL, "BTF: type %u (%s %.*s) has no size", r,
				 tpbpf_btf_kind_name(btf_kind(t)), NAME_IN_ERROR, tpbpf_btf_name(btf, r));
	*size = btf->info[r].size;
	return 0;
}

size_t tpbpf_btf_record_len(const struct btf_type *t)
{
	return sizeof(*t) + (size_t)extra_bytes(btf_kind(t), btf_vlen(t));
}

const char *tpbpf_btf_strings(const struct tpbpf_btf *btf, uint32_t *len)
{
	*len = btf->strs_len;
	return btf->strs;
}

const void *tpbpf_btf_data(const struct tpbpf_btf *btf, size_t *size)
{
	*size = btf->size;
	return btf->data;
}

/* ---- names: flavors and the index -------------------------------------------------- */

/*
 * A flavor suffix is "___" then the flavor, after the name proper: the last
 * "___" that has a character other than '_' on each side ends the name.
 */
size_t tpbpf_btf_essential_len(const char *name)
{
	size_t n = strlen(name);

	for (size_t i = n >= 5 ? n - 4 : 0; i-- > 0;) {
		const char *s = name + i;

		if (s[0] != '_' && s[1] == '_' && s[2] == '_' && s[3] == '_' && s[4] != '_')
			return i + 1;
	}
	return n;
}

/* FNV-1a over the kind and the essential name. */
static uint32_t name_hash(uint32_t kind, const char *name, size_t len)
{
	uint32_t h = 2166136261u ^ kind;

	h *= 16777619u;
	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)name[i];
		h *= 16777619u;
	}
	return h;
}

static struct name_index *build_index(const struct tpbpf_btf *btf)
{
	struct name_index *ix = calloc(1, sizeof(*ix));
	size_t buckets = 16;

	while (buckets < btf->nr_types)
		buckets *= 2;
	if (ix) {
		ix->mask = (uint32_t)buckets - 1;
		ix->bucket = calloc(buckets, sizeof(*ix->bucket));
		ix->next = calloc((size_t)btf->nr_types + 1, sizeof(*ix->next));
		ix->hash = calloc((size_t)btf->nr_types + 1, sizeof(*ix->hash));
	}
	if (!ix || !ix->bucket || !ix->next || !ix->hash) {
		free_index(ix);
		tpbpf_err(ENOMEM, "out of memory indexing the names of %u BTF types", btf->nr_types);
		return NULL;
	}
	/* Pushed in reverse, so that each chain runs in ID order. */
	for (uint32_t id = btf->nr_types; id > 0; id--) {
		const struct btf_type *t = record(btf, id);
		const char *name = btf->strs + t->name_off;
		uint32_t h, *head;

		/* Functions, half of a kernel's types, are looked up by a scan. */
		if (!*name || btf_kind(t) == BTF_KIND_FUNC)
			continue;
		h = name_hash(btf_kind(t), name, tpbpf_btf_essential_len(name));
		head = &ix->bucket[h & ix->mask];
		ix->hash[id] = h;
		ix->next[id] = *head;
		*head = id;
	}
	return ix;
}

/* Type ID is of KIND, and its name is NAME's first LEN bytes plus a flavor. */
static bool is_named(const struct tpbpf_btf *btf, uint32_t id, uint32_t kind,
		     const char *name, size_t len)
{
	const struct btf_type *t = record(btf, id);
	const char *cname = btf->strs + t->name_off;

	return btf_kind(t) == kind && tpbpf_btf_essential_len(cname) == len &&
	       memcmp(cname, name, len) == 0;
}

int tpbpf_btf_next_by_essential_name(const struct tpbpf_btf *btf, uint32_t kind,
				     const char *name, uint32_t *id)
{
	size_t len = tpbpf_btf_essential_len(name);
	struct name_index *ix = btf->index;
	uint32_t h, c;

	if (kind == BTF_KIND_FUNC) {
		for (c = *id + 1; c <= btf->nr_types; c++) {
			if (is_named(btf, c, kind, name, len)) {
				*id = c;
				return 1;
			}
		}
		return 0;
	}

	if (!ix) {
		/* Built once, on a const BTF: the cache is not part of its value. */
		ix = build_index(btf);
		if (!ix)
			return -ENOMEM;
		((struct tpbpf_btf *)btf)->index = ix;
	}
	h = name_hash(kind, name, len);
	c = *id ? (*id <= btf->nr_types ? ix->next[*id] : 0) : ix->bucket[h & ix->mask];
	/* Chains only go to higher IDs: this ends. */
	for (; c; c = ix->next[c]) {
		if (ix->hash[c] == h && is_named(btf, c, kind, name, len)) {
			*id = c;
			return 1;
		}
	}
	return 0;
}

int tpbpf_btf_find(const struct tpbpf_btf *btf, const char *name, uint32_t kind)
{
	uint32_t id = 0;
	int found;

	while ((found = tpbpf_btf_next_by_essential_name(btf, kind, name, &id)) > 0)
		if (strcmp(tpbpf_btf_name(btf, id), name) == 0)
			return (int)id;
	if (found < 0)
		return found;
	return tpbpf_err(ENOENT, "BTF: no %s named %.*s", tpbpf_btf_kind_name(kind),
			 NAME_IN_ERROR, name);
}

/* ---- field offsets (KERNEL_OFF) ------------------------------------------------------ */

struct field_search {
	const char *field;
	uint32_t budget;	/* members left to look at */
	uint64_t bits;		/* found: offset from the outer struct's start */
	uint32_t bitfield;	/* found: bitfield size, 0 if none */
};

/*
 * Look for S->field among the members of composite T, BASE bits from the
 * outer struct's start: named members first (C gives them the same names
 * either way), then inside anonymous struct and union members.
 * 1: found; 0: not here; <0: error.
 */
static int find_member(const struct tpbpf_btf *btf, const struct btf_type *t,
		       struct field_search *s, uint64_t base, int depth)
{
	const struct btf_member *m = btf_members(t);

	if (depth > MAX_NESTING)
		return tpbpf_err(EINVAL, "BTF: anonymous members nest deeper than %d levels",
				 MAX_NESTING);
	if (btf_vlen(t) > s->budget)
		return tpbpf_err(E2BIG, "BTF: looking for field %.*s visited too many anonymous members",
				 NAME_IN_ERROR, s->field);
	s->budget -= btf_vlen(t);
	for (uint32_t i = 0; i < btf_vlen(t); i++) {
		if (m[i].name_off && strcmp(btf->strs + m[i].name_off, s->field) == 0) {
			s->bits = base + btf_member_bit_offset(t, i);
			s->bitfield = btf_member_bitfield_size(t, i);
			return 1;
		}
	}
	for (uint32_t i = 0; i < btf_vlen(t); i++) {
		const struct btf_type *inner;
		int found;

		if (m[i].name_off)
			continue;
		inner = tpbpf_btf_type(btf, tpbpf_btf_skip_mods(btf, m[i].type));
		if (!inner || !btf_is_composite(inner))
			continue;
		found = find_member(btf, inner, s, base + btf_member_bit_offset(t, i), depth + 1);
		if (found)
			return found;
	}
	return 0;
}

int tpbpf_btf_field_offset(const struct tpbpf_btf *btf, const char *st,
			   const char *field, uint64_t *offset)
{
	static const uint32_t kinds[] = { BTF_KIND_STRUCT, BTF_KIND_UNION };
	struct field_search best = { 0 };
	uint32_t best_id = 0;
	bool seen = false;

	/* The first struct or union of that name (by ID) that has the field. */
	for (size_t k = 0; k < ARRAY_SIZE(kinds); k++) {
		uint32_t id = 0;
		int r;

		while ((r = tpbpf_btf_next_by_essential_name(btf, kinds[k], st, &id)) > 0) {
			struct field_search s = { .field = field, .budget = FIELD_SEARCH_BUDGET };
			int found;

			if (strcmp(tpbpf_btf_name(btf, id), st) != 0)
				continue;
			seen = true;
			if (best_id && id > best_id)
				break;
			found = find_member(btf, record(btf, id), &s, 0, 0);
			if (found < 0)
				return found;
			if (found) {
				best = s;
				best_id = id;
				break;
			}
		}
		if (r < 0)
			return r;
	}
	if (!seen)
		return tpbpf_err(ENOENT, "the kernel's BTF has no struct or union named %s", st);
	if (!best_id)
		return tpbpf_err(ENOENT, "struct %s has no field %s in the kernel's BTF", st, field);
	if (best.bitfield || best.bits % 8)
		return tpbpf_err(EINVAL, "struct %s field %s is a bitfield (bit %llu, %u bits): it has no byte offset",
				 st, field, (unsigned long long)best.bits, best.bitfield);
	*offset = best.bits / 8;
	return 0;
}

/* ---- datasec fixup ------------------------------------------------------------------ */

struct sortable_var {
	struct btf_var_secinfo v;
	uint32_t order;		/* ties keep their order */
};

static int by_offset(const void *a, const void *b)
{
	const struct sortable_var *x = a, *y = b;

	if (x->v.offset != y->v.offset)
		return x->v.offset < y->v.offset ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* Sort the entries of datasec ID by offset; each inside it, none overlapping. */
static int sort_and_check_vars(struct tpbpf_btf *btf, uint32_t id, struct btf_type *t)
{
	struct btf_var_secinfo *v = (struct btf_var_secinfo *)(t + 1);
	uint32_t n = btf_vlen(t), prev = UINT32_MAX;
	struct sortable_var *s;

	if (n == 0)
		return 0;
	s = malloc((size_t)n * sizeof(*s));
	if (!s)
		return tpbpf_err(ENOMEM, "out of memory sorting datasec %u", id);
	for (uint32_t i = 0; i < n; i++)
		s[i] = (struct sortable_var){ v[i], i };
	qsort(s, n, sizeof(*s), by_offset);
	for (uint32_t i = 0; i < n; i++)
		v[i] = s[i].v;
	free(s);
	for (uint32_t i = 0; i < n; i++) {
		const char *var = tpbpf_btf_name(btf, v[i].type);

		if (btf_kind(record(btf, v[i].type)) != BTF_KIND_VAR)
			continue;	/* an extern function of .ksyms: no storage */
		if ((uint64_t)v[i].offset + v[i].size > t->size)
			return type_err(btf, id, "variable %.*s (offset %u, %u bytes) is outside the %u-byte section",
					NAME_IN_ERROR, var, v[i].offset, v[i].size, t->size);
		if (prev != UINT32_MAX && v[i].offset < v[prev].offset + v[prev].size)
			return type_err(btf, id, "variables %.*s (offset %u, %u bytes) and %.*s (offset %u) overlap",
					NAME_IN_ERROR, tpbpf_btf_name(btf, v[prev].type), v[prev].offset,
					v[prev].size, NAME_IN_ERROR, var, v[i].offset);
		prev = i;
	}
	return 0;
}

int tpbpf_btf_fixup_datasecs(struct tpbpf_btf *btf, const struct tpbpf_btf_elf_info *elf)
{
	/* A mapped file is read-only; only an object's BTF, a copy, gets fixed up. */
	if (btf->mapped)
		return tpbpf_err(EROFS, "BTF: a mapped file cannot be fixed up");
	for (uint32_t id = 1; id <= btf->nr_types; id++) {
		struct btf_type *t = (struct btf_type *)record(btf, id);
		struct btf_var_secinfo *v = (struct btf_var_secinfo *)(t + 1);
		const char *sec = tpbpf_btf_name(btf, id);
		int err;

		if (btf_kind(t) != BTF_KIND_DATASEC)
			continue;
		if (t->size == 0) {
			uint32_t size;

			err = elf->sec_size(elf->ctx, sec, &size);
			if (err)
				return tpbpf_err_prefix(-err, "BTF datasec %.*s: ", NAME_IN_ERROR, sec);
			t->size = size;
			for (uint32_t i = 0; i < btf_vlen(t); i++) {
				const char *var = tpbpf_btf_name(btf, v[i].type);
				uint32_t off;

				if (btf_kind(record(btf, v[i].type)) != BTF_KIND_VAR)
					continue;
				err = elf->var_offset(elf->ctx, sec, var, &off);
				if (err)
					return tpbpf_err_prefix(-err, "BTF datasec %.*s, variable %.*s: ",
								NAME_IN_ERROR, sec, NAME_IN_ERROR, var);
				v[i].offset = off;
			}
		}
		if ((err = sort_and_check_vars(btf, id, t)))
			return err;
	}
	return 0;
}
