/* SPDX-License-Identifier: MIT */
/*
 * A minimal BTF reader: the header, the type section and the string
 * section, enough to find where a field sits in a kernel struct.
 *
 * BTF is a header, then (at offsets relative to the header's end) a section
 * of variable-length type records and a section of NUL-terminated strings.
 * Type IDs count the records from 1 (0 is void). A struct or union record
 * is followed by one (name, type, offset) triple per member; the offset is
 * in bits, and when the record's kind_flag is set its top 8 bits hold the
 * bitfield size. Anonymous members (name 0) of struct or union type hold
 * fields that C code names as if they were the outer struct's own.
 *
 * The kernel wrote the file, but it is read as untrusted input: nothing is
 * used before it is checked to lie inside the blob.
 */
#include <errno.h>
#include <linux/btf.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "btf_reader.h"
#include "internal.h"

#define BTF_MAGIC_NATIVE 0xeB9F
/* Anonymous members nest a few levels deep in real kernels; cycles never. */
#define MAX_NESTING 32
/* typedef/const/volatile chains are short; a longer one is a loop. */
#define MAX_MODIFIERS 32

struct tpbpf_btf {
	unsigned char *data;
	size_t size;
	const unsigned char *types;	/* type section */
	uint32_t types_len;
	const char *strs;		/* string section, ends with a NUL */
	uint32_t strs_len;
	uint32_t nr_types;
	uint32_t *type_pos;		/* type_pos[id - 1]: offset in types */
};

/* The blob is only byte-aligned in general: read words with memcpy. */
static uint32_t rd32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* Bytes that follow the 12-byte record of a type of KIND with VLEN. */
static int type_extra(uint32_t kind, uint32_t vlen, uint64_t *extra)
{
	switch (kind) {
	case BTF_KIND_INT:
	case BTF_KIND_VAR:
	case BTF_KIND_DECL_TAG:
		*extra = 4;
		return 0;
	case BTF_KIND_ARRAY:
		*extra = 12;
		return 0;
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
	case BTF_KIND_DATASEC:
	case BTF_KIND_ENUM64:
		*extra = (uint64_t)vlen * 12;
		return 0;
	case BTF_KIND_ENUM:
	case BTF_KIND_FUNC_PROTO:
		*extra = (uint64_t)vlen * 8;
		return 0;
	case BTF_KIND_PTR:
	case BTF_KIND_FWD:
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_FUNC:
	case BTF_KIND_FLOAT:
	case BTF_KIND_TYPE_TAG:
		*extra = 0;
		return 0;
	default:
		/* Unknown kinds have unknown lengths: nothing after them is readable. */
		return -1;
	}
}

static int check_section(const char *what, uint64_t off, uint64_t len,
			 uint64_t start, uint64_t size)
{
	if (start + off > size || len > size - (start + off))
		return tpbpf_err(EINVAL, "BTF: %s section (offset %llu, length %llu) is outside the %llu-byte blob",
				 what, (unsigned long long)off, (unsigned long long)len,
				 (unsigned long long)size);
	return 0;
}

/* Walk the type section once, checking each record's length. */
static int index_types(struct tpbpf_btf *btf)
{
	uint64_t pos = 0, extra;
	uint32_t n = 0, cap = btf->types_len / 12;

	btf->type_pos = calloc(cap ? cap : 1, sizeof(*btf->type_pos));
	if (!btf->type_pos)
		return tpbpf_err(ENOMEM, "out of memory indexing BTF types");
	while (pos < btf->types_len) {
		uint32_t info, kind;

		if (btf->types_len - pos < 12)
			return tpbpf_err(EINVAL, "BTF: type %u is truncated at byte %llu of the type section",
					 n + 1, (unsigned long long)pos);
		info = rd32(btf->types + pos + 4);
		kind = BTF_INFO_KIND(info);
		if (type_extra(kind, BTF_INFO_VLEN(info), &extra))
			return tpbpf_err(EINVAL, "BTF: type %u has unknown kind %u (BTF newer than this reader?)",
					 n + 1, kind);
		if (extra > btf->types_len - pos - 12)
			return tpbpf_err(EINVAL, "BTF: type %u (kind %u, %u entries) runs past the type section",
					 n + 1, kind, BTF_INFO_VLEN(info));
		if (n == cap)	/* cannot happen: each record is >= 12 bytes */
			return tpbpf_err(EINVAL, "BTF: too many types");
		btf->type_pos[n++] = (uint32_t)pos;
		pos += 12 + extra;
	}
	btf->nr_types = n;
	return 0;
}

int tpbpf_btf_open(const void *data, size_t size, struct tpbpf_btf **out)
{
	struct btf_header hdr;
	struct tpbpf_btf *btf;
	int err;

	*out = NULL;
	if (size < sizeof(hdr))
		return tpbpf_err(EINVAL, "BTF: %zu bytes is too short for a header", size);
	memcpy(&hdr, data, sizeof(hdr));
	if (hdr.magic != BTF_MAGIC_NATIVE)
		return tpbpf_err(EINVAL, "BTF: bad magic 0x%04x (want 0x%04x; other byte order is not read)",
				 hdr.magic, BTF_MAGIC_NATIVE);
	if (hdr.version != 1)
		return tpbpf_err(EINVAL, "BTF: version %u (this reader knows 1)", hdr.version);
	if (hdr.hdr_len < sizeof(hdr) || hdr.hdr_len > size)
		return tpbpf_err(EINVAL, "BTF: header length %u is out of range", hdr.hdr_len);
	if ((err = check_section("type", hdr.type_off, hdr.type_len, hdr.hdr_len, size)) ||
	    (err = check_section("string", hdr.str_off, hdr.str_len, hdr.hdr_len, size)))
		return err;

	btf = calloc(1, sizeof(*btf));
	if (!btf || !(btf->data = malloc(size ? size : 1))) {
		free(btf);
		return tpbpf_err(ENOMEM, "out of memory reading BTF");
	}
	memcpy(btf->data, data, size);
	btf->size = size;
	btf->types = btf->data + hdr.hdr_len + hdr.type_off;
	btf->types_len = hdr.type_len;
	btf->strs = (const char *)btf->data + hdr.hdr_len + hdr.str_off;
	btf->strs_len = hdr.str_len;
	/* Every name is then a NUL-terminated string inside the section. */
	if (btf->strs_len == 0 || btf->strs[btf->strs_len - 1] != '\0') {
		tpbpf_btf_free(btf);
		return tpbpf_err(EINVAL, "BTF: the string section does not end with a NUL");
	}
	err = index_types(btf);
	if (err) {
		tpbpf_btf_free(btf);
		return err;
	}
	*out = btf;
	return 0;
}

void tpbpf_btf_free(struct tpbpf_btf *btf)
{
	if (!btf)
		return;
	free(btf->type_pos);
	free(btf->data);
	free(btf);
}

uint32_t tpbpf_btf_type_count(const struct tpbpf_btf *btf)
{
	return btf->nr_types;
}

/* Name at OFF in the string section; NULL if OFF is outside it. */
static const char *str_at(const struct tpbpf_btf *btf, uint32_t off)
{
	return off < btf->strs_len ? btf->strs + off : NULL;
}

/* Record of type ID (1-based); NULL for void or an ID out of range. */
static const unsigned char *type_at(const struct tpbpf_btf *btf, uint32_t id)
{
	if (id == 0 || id > btf->nr_types)
		return NULL;
	return btf->types + btf->type_pos[id - 1];
}

static uint32_t type_kind(const unsigned char *t)
{
	return BTF_INFO_KIND(rd32(t + 4));
}

/* Follow typedef/const/volatile/restrict/type_tag to the type they name. */
static const unsigned char *resolve(const struct tpbpf_btf *btf, uint32_t id)
{
	const unsigned char *t = type_at(btf, id);

	for (int i = 0; t && i < MAX_MODIFIERS; i++) {
		switch (type_kind(t)) {
		case BTF_KIND_TYPEDEF:
		case BTF_KIND_VOLATILE:
		case BTF_KIND_CONST:
		case BTF_KIND_RESTRICT:
		case BTF_KIND_TYPE_TAG:
			t = type_at(btf, rd32(t + 8));
			break;
		default:
			return t;
		}
	}
	return NULL;
}

static bool is_composite(const unsigned char *t)
{
	return t && (type_kind(t) == BTF_KIND_STRUCT || type_kind(t) == BTF_KIND_UNION);
}

/*
 * Search the members of composite T for FIELD, at BASE bits from the outer
 * struct's start. 1: found (*bits, *bitfield set); 0: not here; <0: error.
 */
static int find_member(const struct tpbpf_btf *btf, const unsigned char *t,
		       const char *field, uint64_t base, int depth,
		       uint64_t *bits, uint32_t *bitfield)
{
	uint32_t info = rd32(t + 4), vlen = BTF_INFO_VLEN(info);
	bool kflag = BTF_INFO_KFLAG(info);
	const unsigned char *m = t + 12;

	if (depth > MAX_NESTING)
		return tpbpf_err(EINVAL, "BTF: anonymous members nest deeper than %d levels (a loop?)",
				 MAX_NESTING);
	/* Named members first: C gives them the same names either way. */
	for (uint32_t i = 0; i < vlen; i++, m += 12) {
		const char *name = str_at(btf, rd32(m));
		uint32_t off = rd32(m + 8);

		if (!name)
			return tpbpf_err(EINVAL, "BTF: a member's name offset %u is outside the string section",
					 rd32(m));
		if (!*name || strcmp(name, field) != 0)
			continue;
		*bits = base + (kflag ? BTF_MEMBER_BIT_OFFSET(off) : off);
		*bitfield = kflag ? BTF_MEMBER_BITFIELD_SIZE(off) : 0;
		return 1;
	}
	m = t + 12;
	for (uint32_t i = 0; i < vlen; i++, m += 12) {
		const unsigned char *inner;
		uint32_t off = rd32(m + 8);
		int found;

		if (rd32(m) != 0)
			continue;
		inner = resolve(btf, rd32(m + 4));
		if (!is_composite(inner))
			continue;
		found = find_member(btf, inner, field,
				    base + (kflag ? BTF_MEMBER_BIT_OFFSET(off) : off),
				    depth + 1, bits, bitfield);
		if (found)
			return found;
	}
	return 0;
}

int tpbpf_btf_field_offset(const struct tpbpf_btf *btf, const char *st, const char *field,
		     uint64_t *offset)
{
	bool seen = false;

	for (uint32_t id = 1; id <= btf->nr_types; id++) {
		const unsigned char *t = type_at(btf, id);
		const char *name = str_at(btf, rd32(t));
		uint64_t bits;
		uint32_t bitfield;
		int found;

		if (!is_composite(t) || !name || strcmp(name, st) != 0)
			continue;
		seen = true;
		found = find_member(btf, t, field, 0, 0, &bits, &bitfield);
		if (found < 0)
			return found;
		if (!found)
			continue;	/* another struct of that name may have it */
		if (bitfield || bits % 8)
			return tpbpf_err(EINVAL, "struct %s field %s is a bitfield (bit %llu, %u bits): it has no byte offset",
					 st, field, (unsigned long long)bits, bitfield);
		*offset = bits / 8;
		return 0;
	}
	if (!seen)
		return tpbpf_err(ENOENT, "the kernel's BTF has no struct or union named %s", st);
	return tpbpf_err(ENOENT, "struct %s has no field %s in the kernel's BTF", st, field);
}
