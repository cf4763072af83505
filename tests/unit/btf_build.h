/* SPDX-License-Identifier: MIT */
/*
 * Build BTF blobs by hand, for test_btf.c and test_core.c: each function
 * appends one record (or one member, enumerator, parameter... of the record
 * before) and returns the new type's ID. Nothing is checked here: tests
 * build malformed blobs on purpose. bb_blob() lays out header, types and
 * strings; free the result with free().
 */
#ifndef TPBPF_TEST_BTF_BUILD_H
#define TPBPF_TEST_BTF_BUILD_H

#include <linux/btf.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "btf.h"

struct bb {
	unsigned char *types;
	size_t tlen, tcap;
	char *strs;
	size_t slen, scap;
	uint32_t n;		/* types so far */
};

static inline void bb_grow(void **buf, size_t *cap, size_t need)
{
	if (need <= *cap)
		return;
	while (*cap < need)
		*cap = *cap ? *cap * 2 : 1024;
	*buf = realloc(*buf, *cap);
	if (!*buf)
		abort();
}

static inline void bb_init(struct bb *b)
{
	memset(b, 0, sizeof(*b));
	bb_grow((void **)&b->strs, &b->scap, 1);
	b->strs[0] = '\0';
	b->slen = 1;		/* offset 0 is "" */
}

static inline void bb_free(struct bb *b)
{
	free(b->types);
	free(b->strs);
}

/* Start again: B was zeroed or built before. */
static inline void bb_reset(struct bb *b)
{
	bb_free(b);
	bb_init(b);
}

/* Offset of S in the strings ("" is 0); each call appends a copy. */
static inline uint32_t bb_str(struct bb *b, const char *s)
{
	uint32_t off = (uint32_t)b->slen;

	if (!*s)
		return 0;
	bb_grow((void **)&b->strs, &b->scap, b->slen + strlen(s) + 1);
	memcpy(b->strs + b->slen, s, strlen(s) + 1);
	b->slen += strlen(s) + 1;
	return off;
}

static inline void bb_word(struct bb *b, uint32_t v)
{
	bb_grow((void **)&b->types, &b->tcap, b->tlen + 4);
	memcpy(b->types + b->tlen, &v, 4);
	b->tlen += 4;
}

static inline uint32_t bb_type(struct bb *b, const char *name, uint32_t kind, bool kflag,
			       uint32_t vlen, uint32_t size_or_type)
{
	bb_word(b, bb_str(b, name));
	bb_word(b, (kflag ? 1u << 31 : 0) | kind << 24 | vlen);
	bb_word(b, size_or_type);
	return ++b->n;
}

static inline uint32_t bb_int(struct bb *b, const char *name, uint32_t size, bool is_signed)
{
	uint32_t id = bb_type(b, name, BTF_KIND_INT, false, 0, size);

	bb_word(b, (is_signed ? BTF_INT_SIGNED : 0) << 24 | size * 8);
	return id;
}

static inline uint32_t bb_ptr(struct bb *b, uint32_t to)
{
	return bb_type(b, "", BTF_KIND_PTR, false, 0, to);
}

static inline uint32_t bb_array(struct bb *b, uint32_t elem, uint32_t index, uint32_t n)
{
	uint32_t id = bb_type(b, "", BTF_KIND_ARRAY, false, 0, 0);

	bb_word(b, elem);
	bb_word(b, index);
	bb_word(b, n);
	return id;
}

/* A struct or union with VLEN members to follow (bb_member, bb_bitfield). */
static inline uint32_t bb_struct(struct bb *b, const char *name, uint32_t size, uint32_t vlen)
{
	return bb_type(b, name, BTF_KIND_STRUCT, true, vlen, size);
}

static inline uint32_t bb_union(struct bb *b, const char *name, uint32_t size, uint32_t vlen)
{
	return bb_type(b, name, BTF_KIND_UNION, true, vlen, size);
}

static inline void bb_member(struct bb *b, const char *name, uint32_t type, uint32_t bit_off)
{
	bb_word(b, bb_str(b, name));
	bb_word(b, type);
	bb_word(b, bit_off);
}

static inline void bb_bitfield(struct bb *b, const char *name, uint32_t type, uint32_t bit_off,
			       uint32_t bits)
{
	bb_member(b, name, type, bits << 24 | bit_off);
}

static inline uint32_t bb_enum(struct bb *b, const char *name, uint32_t size, uint32_t vlen,
			       bool is_signed)
{
	return bb_type(b, name, BTF_KIND_ENUM, is_signed, vlen, size);
}

static inline void bb_enumerator(struct bb *b, const char *name, int32_t val)
{
	bb_word(b, bb_str(b, name));
	bb_word(b, (uint32_t)val);
}

static inline uint32_t bb_enum64(struct bb *b, const char *name, uint32_t size, uint32_t vlen,
				 bool is_signed)
{
	return bb_type(b, name, BTF_KIND_ENUM64, is_signed, vlen, size);
}

static inline void bb_enumerator64(struct bb *b, const char *name, uint64_t val)
{
	bb_word(b, bb_str(b, name));
	bb_word(b, (uint32_t)val);
	bb_word(b, (uint32_t)(val >> 32));
}

static inline uint32_t bb_fwd(struct bb *b, const char *name, bool is_union)
{
	return bb_type(b, name, BTF_KIND_FWD, is_union, 0, 0);
}

/* typedef, const, volatile, restrict, type_tag: KIND naming TO. */
static inline uint32_t bb_mod(struct bb *b, uint32_t kind, const char *name, uint32_t to)
{
	return bb_type(b, name, kind, false, 0, to);
}

static inline uint32_t bb_func(struct bb *b, const char *name, uint32_t proto, uint32_t linkage)
{
	return bb_type(b, name, BTF_KIND_FUNC, false, linkage, proto);
}

/* A prototype with VLEN parameters to follow (bb_param). */
static inline uint32_t bb_proto(struct bb *b, uint32_t ret, uint32_t vlen)
{
	return bb_type(b, "", BTF_KIND_FUNC_PROTO, false, vlen, ret);
}

static inline void bb_param(struct bb *b, const char *name, uint32_t type)
{
	bb_word(b, bb_str(b, name));
	bb_word(b, type);
}

static inline uint32_t bb_var(struct bb *b, const char *name, uint32_t type, uint32_t linkage)
{
	uint32_t id = bb_type(b, name, BTF_KIND_VAR, false, 0, type);

	bb_word(b, linkage);
	return id;
}

/* A datasec with VLEN entries to follow (bb_secinfo). */
static inline uint32_t bb_datasec(struct bb *b, const char *name, uint32_t size, uint32_t vlen)
{
	return bb_type(b, name, BTF_KIND_DATASEC, false, vlen, size);
}

static inline void bb_secinfo(struct bb *b, uint32_t type, uint32_t off, uint32_t size)
{
	bb_word(b, type);
	bb_word(b, off);
	bb_word(b, size);
}

static inline uint32_t bb_float(struct bb *b, const char *name, uint32_t size)
{
	return bb_type(b, name, BTF_KIND_FLOAT, false, 0, size);
}

static inline uint32_t bb_decl_tag(struct bb *b, const char *name, uint32_t type, int32_t idx)
{
	uint32_t id = bb_type(b, name, BTF_KIND_DECL_TAG, false, 0, type);

	bb_word(b, (uint32_t)idx);
	return id;
}

/* Header, types, strings: a BTF blob of *LEN bytes (malloc'd). */
static inline unsigned char *bb_blob(const struct bb *b, size_t *len)
{
	struct btf_header h = {
		.magic = BTF_MAGIC, .version = BTF_VERSION, .hdr_len = sizeof(h),
		.type_off = 0, .type_len = (uint32_t)b->tlen,
		.str_off = (uint32_t)b->tlen, .str_len = (uint32_t)b->slen,
	};
	unsigned char *out = malloc(sizeof(h) + b->tlen + b->slen);

	if (!out)
		abort();
	memcpy(out, &h, sizeof(h));
	if (b->tlen)
		memcpy(out + sizeof(h), b->types, b->tlen);
	memcpy(out + sizeof(h) + b->tlen, b->strs, b->slen);
	*len = sizeof(h) + b->tlen + b->slen;
	return out;
}

/* Parse what B holds; NULL with the error detail set if it does not. */
static inline struct tpbpf_btf *bb_parse(const struct bb *b)
{
	size_t len;
	unsigned char *blob = bb_blob(b, &len);
	struct tpbpf_btf *btf = NULL;

	tpbpf_btf_parse(blob, len, &btf);
	free(blob);
	return btf;
}

#endif
