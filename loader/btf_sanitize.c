/* SPDX-License-Identifier: MIT */
/*
 * An object's BTF made loadable by an older kernel: each kind the kernel
 * does not know (its feature probes say which) is replaced by one it does,
 * in the same place, so every type ID stays what maps and programs refer
 * to. The kernel only needs the BTF to describe map keys and values and
 * the program's functions; what a replaced type meant is lost, never what
 * the other types mean.
 *
 * The blob is written anew: a header, the types one by one (a record may
 * change length: an ENUM64's enumerators are 12 bytes, an ENUM's 8), and the
 * original strings with new ones appended where a replacement needs a C
 * identifier (a struct may not be named ".data") or a name the original
 * lacked (an enumerator made of an unnamed parameter).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "btf.h"
#include "internal.h"

/*
 * Names made here are cut to what the oldest kernels take (KSYM_NAME_LEN
 * was 128): it also bounds what one reference can add to the strings.
 */
#define MAX_MADE_NAME 127

struct writer {
	unsigned char *types;
	size_t len, cap;
	char *strs;
	size_t slen, scap;
	/*
	 * Names already made: renamed[off] for the original string at off
	 * (allocated on the first one). Each is appended once, however many
	 * types refer to it, so the output stays within a few times the input.
	 */
	uint32_t *renamed;
	uint32_t orig_strs_len;
	bool failed;		/* out of memory: the rest is skipped */
};

static void *grow(void *buf, size_t *cap, size_t need, bool *failed)
{
	size_t c = *cap ? *cap : 256;
	void *nb;

	if (*failed)
		return NULL;
	if (need <= *cap)
		return buf;
	while (c < need)
		c *= 2;
	nb = realloc(buf, c);
	if (!nb) {
		*failed = true;
		return NULL;
	}
	*cap = c;
	return nb;
}

static void put(struct writer *w, const void *p, size_t n)
{
	unsigned char *nb = grow(w->types, &w->cap, w->len + n, &w->failed);

	if (!nb)
		return;
	w->types = nb;
	memcpy(w->types + w->len, p, n);
	w->len += n;
}

static void put_type(struct writer *w, uint32_t name_off, uint32_t kind, bool kflag,
		     uint32_t vlen, uint32_t size_or_type)
{
	struct btf_type t = {
		.name_off = name_off,
		.info = (kflag ? 1u << 31 : 0) | kind << 24 | vlen,
		.size = size_or_type,
	};

	put(w, &t, sizeof(t));
}

static void put_u32(struct writer *w, uint32_t v)
{
	put(w, &v, sizeof(v));
}

/* Append S to the strings; its offset (0 on failure: the blob is dropped). */
static uint32_t add_str(struct writer *w, const char *s)
{
	size_t n = strlen(s) + 1;
	char *nb = grow(w->strs, &w->scap, w->slen + n, &w->failed);
	uint32_t off = (uint32_t)w->slen;

	if (!nb || w->slen + n > UINT32_MAX) {
		w->failed = true;
		return 0;
	}
	w->strs = nb;
	memcpy(w->strs + w->slen, s, n);
	w->slen += n;
	return off;
}

static bool is_ident(const char *s)
{
	if (!(*s == '_' || (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')))
		return false;
	for (s++; *s; s++)
		if (!(*s == '_' || (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9')))
			return false;
	return true;
}

/*
 * NAME_OFF if its name is a C identifier; else a new name: the old one with
 * every other character made '_' (".data" -> "_data", "prog.count" ->
 * "prog_count"), at most MAX_MADE_NAME long, or FALLBACK when it had none.
 */
static uint32_t ident_name(struct writer *w, const struct tpbpf_btf *btf, uint32_t name_off,
			   const char *fallback)
{
	const char *name = tpbpf_btf_str(btf, name_off);
	char *copy;
	uint32_t off;

	if (is_ident(name))
		return name_off;
	if (!*name)
		return add_str(w, fallback);
	if (!w->renamed && !(w->renamed = calloc(w->orig_strs_len, sizeof(*w->renamed)))) {
		w->failed = true;
		return 0;
	}
	if (w->renamed[name_off])
		return w->renamed[name_off];
	copy = strndup(name, MAX_MADE_NAME);
	if (!copy) {
		w->failed = true;
		return 0;
	}
	for (char *p = copy; *p; p++)
		if (!(*p == '_' || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (p > copy && *p >= '0' && *p <= '9')))
			*p = '_';
	off = add_str(w, copy);
	free(copy);
	w->renamed[name_off] = off;
	return off;
}

/* "argI", for parameter I that had no name (8 bytes in, at most 9 out). */
static uint32_t arg_name(struct writer *w, uint32_t i)
{
	char name[16];

	snprintf(name, sizeof(name), "arg%u", i);
	return add_str(w, name);
}

/* Does a kernel with SUP see a type of KIND replaced? */
static bool replaced(uint32_t kind, const struct tpbpf_btf_kernel_support *sup)
{
	switch (kind) {
	case BTF_KIND_VAR:
	case BTF_KIND_DATASEC:
		return !sup->datasec;
	case BTF_KIND_FUNC:
	case BTF_KIND_FUNC_PROTO:
		return !sup->func;
	case BTF_KIND_FLOAT:
		return !sup->float_;
	case BTF_KIND_DECL_TAG:
		return !sup->decl_tag;
	case BTF_KIND_TYPE_TAG:
		return !sup->type_tag;
	case BTF_KIND_ENUM64:
		return !sup->enum64;
	}
	return false;
}

/* A 1-byte int: what a variable or a tag becomes. */
static void put_byte_int(struct writer *w, uint32_t name_off)
{
	put_type(w, name_off, BTF_KIND_INT, false, 0, 1);
	put_u32(w, 8);		/* encoding none, offset 0, 8 bits */
}

/* A datasec as a struct: one member per variable, of the variable's type
 * (made a 1-byte int), at its offset. */
static void put_datasec_as_struct(struct writer *w, const struct tpbpf_btf *btf,
				  const struct btf_type *t)
{
	const struct btf_var_secinfo *v = btf_var_secinfos(t);
	uint32_t n = 0;

	for (int pass = 0; pass < 2; pass++) {
		if (pass == 1)
			put_type(w, ident_name(w, btf, t->name_off, "datasec"), BTF_KIND_STRUCT,
				 false, n, t->size);
		for (uint32_t i = 0; i < btf_vlen(t); i++) {
			const struct btf_type *vt = tpbpf_btf_type(btf, v[i].type);

			/* in the struct, a member's bit offset must fit 32 bits */
			if (btf_kind(vt) != BTF_KIND_VAR || v[i].offset >= t->size ||
			    v[i].offset >= UINT32_MAX / 8)
				continue;
			if (pass == 0) {
				n++;
				continue;
			}
			put_u32(w, ident_name(w, btf, vt->name_off, "var"));
			put_u32(w, v[i].type);
			put_u32(w, v[i].offset * 8);
		}
	}
}

static void put_datasec_without_funcs(struct writer *w, const struct btf_type *t,
				      const struct tpbpf_btf *btf)
{
	const struct btf_var_secinfo *v = btf_var_secinfos(t);
	uint32_t n = 0;

	for (uint32_t i = 0; i < btf_vlen(t); i++)
		n += btf_kind(tpbpf_btf_type(btf, v[i].type)) == BTF_KIND_VAR;
	put_type(w, t->name_off, BTF_KIND_DATASEC, false, n, t->size);
	for (uint32_t i = 0; i < btf_vlen(t); i++)
		if (btf_kind(tpbpf_btf_type(btf, v[i].type)) == BTF_KIND_VAR)
			put(w, &v[i], sizeof(v[i]));
}

static void put_proto_as_enum(struct writer *w, const struct tpbpf_btf *btf,
			      const struct btf_type *t)
{
	const struct btf_param *p = btf_params(t);

	put_type(w, 0, BTF_KIND_ENUM, false, btf_vlen(t), 4);
	for (uint32_t i = 0; i < btf_vlen(t); i++) {
		put_u32(w, p[i].name_off ? ident_name(w, btf, p[i].name_off, "") : arg_name(w, i));
		put_u32(w, i);
	}
}

static void put_enum64_as_enum(struct writer *w, const struct btf_type *t)
{
	const struct btf_enum64 *e = btf_enum64s(t);

	put_type(w, t->name_off, BTF_KIND_ENUM, false, btf_vlen(t), t->size);
	for (uint32_t i = 0; i < btf_vlen(t); i++) {
		put_u32(w, e[i].name_off);
		put_u32(w, e[i].val_lo32);
	}
}

static void put_sanitized(struct writer *w, const struct tpbpf_btf *btf, uint32_t id,
			  const struct tpbpf_btf_kernel_support *sup)
{
	const struct btf_type *t = tpbpf_btf_type(btf, id);
	uint32_t kind = btf_kind(t);

	if (kind == BTF_KIND_DECL_TAG &&
	    (replaced(kind, sup) || replaced(btf_kind(tpbpf_btf_type(btf, t->type)), sup))) {
		/* a tag on a replaced type could name a component it no longer has */
		put_byte_int(w, 0);
		return;
	}
	if (!replaced(kind, sup)) {
		if (kind == BTF_KIND_FUNC && !sup->global_func && btf_vlen(t) != BTF_FUNC_STATIC) {
			put_type(w, t->name_off, kind, false, BTF_FUNC_STATIC, t->type);
		} else if (kind == BTF_KIND_ENUM && !sup->enum64 && btf_kflag(t)) {
			/* the signedness flag came with ENUM64; older kernels refuse it */
			put_type(w, t->name_off, kind, false, btf_vlen(t), t->size);
			put(w, t + 1, tpbpf_btf_record_len(t) - sizeof(*t));
		} else if (kind == BTF_KIND_DATASEC && !sup->func) {
			put_datasec_without_funcs(w, t, btf);
		} else {
			put(w, t, tpbpf_btf_record_len(t));
		}
		return;
	}
	switch (kind) {
	case BTF_KIND_VAR:
		put_byte_int(w, ident_name(w, btf, t->name_off, "var"));
		break;
	case BTF_KIND_DATASEC:
		put_datasec_as_struct(w, btf, t);
		break;
	case BTF_KIND_FUNC_PROTO:
		put_proto_as_enum(w, btf, t);
		break;
	case BTF_KIND_FUNC:
		put_type(w, ident_name(w, btf, t->name_off, "func"), BTF_KIND_TYPEDEF, false, 0, t->type);
		break;
	case BTF_KIND_FLOAT:
		/* anonymous: "float" is no struct name a compiler accepts */
		put_type(w, 0, BTF_KIND_STRUCT, false, 0, t->size);
		break;
	case BTF_KIND_TYPE_TAG:
		put_type(w, 0, BTF_KIND_CONST, false, 0, t->type);
		break;
	case BTF_KIND_ENUM64:
		put_enum64_as_enum(w, t);
		break;
	}
}

int tpbpf_btf_sanitized(const struct tpbpf_btf *btf,
			const struct tpbpf_btf_kernel_support *support,
			void **blob, size_t *size)
{
	struct writer w = { 0 };
	struct btf_header h = {
		.magic = BTF_MAGIC, .version = BTF_VERSION, .hdr_len = sizeof(h),
	};
	const char *strs;
	uint32_t slen;
	unsigned char *out;

	*blob = NULL;
	*size = 0;
	strs = tpbpf_btf_strings(btf, &slen);
	w.strs = malloc(slen);
	w.orig_strs_len = slen;
	if (w.strs) {
		memcpy(w.strs, strs, slen);
		w.slen = w.scap = slen;
	} else {
		w.failed = true;
	}
	for (uint32_t id = 1; id <= tpbpf_btf_type_count(btf) && !w.failed; id++)
		put_sanitized(&w, btf, id, support);
	if (!w.failed && (w.len > UINT32_MAX || w.slen > UINT32_MAX - w.len))
		w.failed = true;
	free(w.renamed);
	out = w.failed ? NULL : malloc(sizeof(h) + w.len + w.slen);
	if (!out) {
		free(w.types);
		free(w.strs);
		return tpbpf_err(ENOMEM, "out of memory sanitizing BTF");
	}
	h.type_len = (uint32_t)w.len;
	h.str_off = (uint32_t)w.len;
	h.str_len = (uint32_t)w.slen;
	memcpy(out, &h, sizeof(h));
	if (w.len)
		memcpy(out + sizeof(h), w.types, w.len);
	memcpy(out + sizeof(h) + w.len, w.strs, w.slen);
	free(w.types);
	free(w.strs);
	*blob = out;
	*size = sizeof(h) + h.type_len + h.str_len;
	return 0;
}
