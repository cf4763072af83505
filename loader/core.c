/* SPDX-License-Identifier: MIT */
/*
 * CO-RE ("compile once, run everywhere") relocations: the pure BTF logic.
 * The rules are those libbpf documents for its CO-RE support, written anew:
 *
 *   1. Spec (tpbpf_core_spec_parse): the relocation's access string walked
 *      through the object's BTF. For a field: the root's index ("p[0]"),
 *      then members and array elements; the bit offset adds up on the way.
 *      For an enumerator: its index. For a type: just "0".
 *
 *   2. Candidates (tpbpf_core_match_btf): the target BTF's types of the
 *      root's kind (enum and enum64 count as one) whose name equals the
 *      root's once both lose a "___flavor" suffix, so an object may carry
 *      task_struct and task_struct___old for two kernel versions.
 *
 *   3. Matching a candidate:
 *      - fields: each named member is looked up by its exact name, through
 *        the target's anonymous struct/union members, and the two must
 *        be compatible: structs and unions with each other; otherwise the
 *        same kind (enum ~ enum64) where ints (not old-style bitfield
 *        ints), pointers and floats always are, enums and forward
 *        declarations when their names agree (or one is anonymous), and
 *        arrays when their elements are. An array index must exist in the
 *        target's array unless it is a flexible array (the last member,
 *        0 elements).
 *      - type_exists/size/id_target: "compatible" types, past modifiers:
 *        same kind; ints (not old-style bitfields), structs, unions, enums
 *        and forward declarations always; pointers and arrays by what they
 *        point to or hold; function prototypes by argument count and the
 *        compatibility of every argument and the return type.
 *      - type_matches, stricter: names agree at every level; ints by size
 *        and signedness; enums by size and every local enumerator's name;
 *        structs and unions by every local member (name and matching
 *        type), except behind a pointer where the name (and a forward
 *        declaration of the same kind) is enough; arrays also by count.
 *      - enumerators: by name without ___flavor.
 *      Every candidate that matches must give the same answer; when none
 *      does the thing "does not exist" in the target.
 *
 *   4. Value (tpbpf_core_value): what the instruction gets. For a bitfield
 *      the load that holds it is worked out (its offset aligned to the
 *      declared int's size, widened until the bits fit, at most 8 bytes)
 *      and the two shifts that extract it from a 64-bit register.
 *
 *   5. Patch (tpbpf_core_patch): write the value into the ALU immediate,
 *      the load/store offset or the ld_imm64, after checking it held the
 *      local value; or poison the instruction when the target lacks what
 *      it needs.
 *
 * Every walk is bounded: the types were checked by tpbpf_btf_parse (no
 * loops by value), pointer and prototype chains have a depth limit, and
 * one match has a step budget, so hostile BTF cannot make it run for ever.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "internal.h"

/* Pointer, array and prototype levels one comparison follows. */
#define COMPAT_DEPTH 32
/*
 * Steps (members, enumerators, types) one match may take. The largest real
 * one measured, type_matches of the kernel's whole task_struct against
 * itself, takes 33 000; a hostile object gets about 5 ms per relocation.
 */
#define MATCH_BUDGET (1u << 20)

static const char *const kind_names[] = {
	[TPBPF_CORE_FIELD_BYTE_OFFSET] = "byte_off",
	[TPBPF_CORE_FIELD_BYTE_SIZE] = "byte_sz",
	[TPBPF_CORE_FIELD_EXISTS] = "field_exists",
	[TPBPF_CORE_FIELD_SIGNED] = "signed",
	[TPBPF_CORE_FIELD_LSHIFT_U64] = "lshift_u64",
	[TPBPF_CORE_FIELD_RSHIFT_U64] = "rshift_u64",
	[TPBPF_CORE_TYPE_ID_LOCAL] = "local_type_id",
	[TPBPF_CORE_TYPE_ID_TARGET] = "target_type_id",
	[TPBPF_CORE_TYPE_EXISTS] = "type_exists",
	[TPBPF_CORE_TYPE_SIZE] = "type_size",
	[TPBPF_CORE_ENUMVAL_EXISTS] = "enumval_exists",
	[TPBPF_CORE_ENUMVAL_VALUE] = "enumval_value",
	[TPBPF_CORE_TYPE_MATCHES] = "type_matches",
};

const char *tpbpf_core_kind_name(uint32_t kind)
{
	return kind < ARRAY_SIZE(kind_names) ? kind_names[kind] : "unknown";
}

bool tpbpf_core_kind_is_field(uint32_t kind)
{
	return kind <= TPBPF_CORE_FIELD_RSHIFT_U64;
}

bool tpbpf_core_kind_is_type(uint32_t kind)
{
	return kind == TPBPF_CORE_TYPE_ID_LOCAL || kind == TPBPF_CORE_TYPE_ID_TARGET ||
	       kind == TPBPF_CORE_TYPE_EXISTS || kind == TPBPF_CORE_TYPE_SIZE ||
	       kind == TPBPF_CORE_TYPE_MATCHES;
}

bool tpbpf_core_kind_is_enumval(uint32_t kind)
{
	return kind == TPBPF_CORE_ENUMVAL_EXISTS || kind == TPBPF_CORE_ENUMVAL_VALUE;
}

/* Names equal once both lose a ___flavor suffix. */
static bool flavorless_equal(const char *a, const char *b)
{
	size_t la = tpbpf_btf_essential_len(a), lb = tpbpf_btf_essential_len(b);

	return la == lb && memcmp(a, b, la) == 0;
}

/* *BITS += IDX elements of SIZE bytes; false on overflow. */
static bool add_elements(uint64_t *bits, uint64_t idx, uint64_t size)
{
	uint64_t add;

	if (size && idx > UINT64_MAX / 8 / size)
		return false;
	add = idx * size * 8;
	if (*bits > UINT64_MAX - add)
		return false;
	*bits += add;
	return true;
}

/* ---- 1. the spec ------------------------------------------------------------------ */

static int spec_err(const struct tpbpf_btf *btf, const struct tpbpf_core_relo *relo,
		    const char *fmt, ...) TPBPF_PRINTF(3, 4);
static int spec_err(const struct tpbpf_btf *btf, const struct tpbpf_core_relo *relo,
		    const char *fmt, ...)
{
	const struct btf_type *t = tpbpf_btf_type(btf, relo->type_id);
	const char *access = tpbpf_btf_str(btf, relo->access_str_off);
	char what[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return tpbpf_err(EINVAL, "CO-RE relocation %s of type %u (%s %.80s), access \"%.80s\": %s",
			 tpbpf_core_kind_name(relo->kind), relo->type_id,
			 t ? tpbpf_btf_kind_name(btf_kind(t)) : "?",
			 t ? tpbpf_btf_name(btf, relo->type_id) : "", access ? access : "?", what);
}

/*
 * "0:1:3" -> {0, 1, 3}: the number of steps, or -1 with WHY (btf_ext.c
 * checks the records with it when .BTF.ext is read).
 */
_Static_assert(TPBPF_CORE_MAX_ACCESS == 64, "the message below says 64");
int tpbpf_core_split_access(const char *s, uint32_t raw[TPBPF_CORE_MAX_ACCESS], const char **why)
{
	int n = 0;

	do {
		uint64_t v = 0;
		const char *start = s;

		while (*s >= '0' && *s <= '9') {
			v = v * 10 + (uint64_t)(*s++ - '0');
			if (v > UINT32_MAX) {
				*why = "holds a number of more than 32 bits";
				return -1;
			}
		}
		if (s == start)
			break;
		if (n == TPBPF_CORE_MAX_ACCESS) {
			*why = "has more than 64 steps";
			return -1;
		}
		raw[n++] = (uint32_t)v;
	} while (*s++ == ':');
	if (n == 0 || s[-1]) {
		*why = "is not numbers separated by ':'";
		return -1;
	}
	return n;
}

/* Steps 1.. of a field's path: members and array elements. */
static int parse_field_path(const struct tpbpf_btf *btf, const struct tpbpf_core_relo *relo,
			    const uint32_t *raw, int n, struct tpbpf_core_spec *spec)
{
	uint32_t cur = spec->access[0].type_id;
	/* the named member the previous step chose, for flexible arrays */
	uint32_t prev_owner = 0, prev_idx = 0;

	for (int i = 1; i < n; i++) {
		uint32_t cid = tpbpf_btf_skip_mods(btf, cur);
		const struct btf_type *ct = tpbpf_btf_type(btf, cid);

		if (ct && btf_is_composite(ct)) {
			const struct btf_member *m;
			const char *name;

			if (raw[i] >= btf_vlen(ct))
				return spec_err(btf, relo, "step %d: member %u of type %u, which has %u",
						i, raw[i], cid, btf_vlen(ct));
			m = &btf_members(ct)[raw[i]];
			name = tpbpf_btf_str(btf, m->name_off);
			spec->bit_offset += btf_member_bit_offset(ct, raw[i]);
			spec->access[i] = (struct tpbpf_core_access){ cid, raw[i], *name ? name : NULL };
			prev_owner = *name ? cid : 0;
			prev_idx = raw[i];
			cur = m->type;
			if (!*name && i == n - 1)
				return spec_err(btf, relo, "the path ends at anonymous member %u of type %u",
						raw[i], cid);
		} else if (ct && btf_kind(ct) == BTF_KIND_ARRAY) {
			const struct btf_array *a = btf_array(ct);
			bool flex = prev_owner && a->nelems == 0 &&
				    prev_idx + 1 == btf_vlen(tpbpf_btf_type(btf, prev_owner));
			uint64_t esize;

			if (!flex && raw[i] >= a->nelems)
				return spec_err(btf, relo, "step %d: element %u of an array of %u",
						i, raw[i], a->nelems);
			if (tpbpf_btf_resolve_size(btf, a->type, &esize) ||
			    !add_elements(&spec->bit_offset, raw[i], esize))
				return spec_err(btf, relo, "step %d: element %u is out of reach", i, raw[i]);
			spec->access[i] = (struct tpbpf_core_access){ cid, raw[i], NULL };
			prev_owner = 0;
			cur = a->type;
		} else {
			return spec_err(btf, relo, "step %d indexes type %u, a %s (want a struct, union or array)",
					i, cid, ct ? tpbpf_btf_kind_name(btf_kind(ct)) : "void");
		}
	}
	spec->len = n;
	return 0;
}

int tpbpf_core_spec_parse(const struct tpbpf_btf *btf, const struct tpbpf_core_relo *relo,
			  struct tpbpf_core_spec *spec)
{
	uint32_t raw[TPBPF_CORE_MAX_ACCESS], rid;
	const struct btf_type *root, *rt;
	const char *access, *name, *why;
	uint64_t size;
	size_t name_len;
	int n, err;

	memset(spec, 0, sizeof(*spec));
	spec->btf = btf;
	spec->kind = relo->kind;
	spec->root_id = relo->type_id;
	if (relo->kind > TPBPF_CORE_TYPE_MATCHES)
		return spec_err(btf, relo, "unknown relocation kind %u", relo->kind);
	root = tpbpf_btf_type(btf, relo->type_id);
	if (!root)
		return spec_err(btf, relo, "no such type (the object's BTF has %u)",
				tpbpf_btf_type_count(btf));
	access = tpbpf_btf_str(btf, relo->access_str_off);
	if (!access)
		return spec_err(btf, relo, "the access string offset %u is outside the BTF strings",
				relo->access_str_off);
	n = tpbpf_core_split_access(access, raw, &why);
	if (n < 0)
		return spec_err(btf, relo, "the access string %s", why);
	name = tpbpf_btf_name(btf, relo->type_id);
	name_len = tpbpf_btf_essential_len(name);
	if (name_len > TPBPF_CORE_MAX_NAME)
		return spec_err(btf, relo, "the type's name is longer than %d characters",
				TPBPF_CORE_MAX_NAME);
	memcpy(spec->root_name, name, name_len);
	spec->root_name[name_len] = '\0';

	if (tpbpf_core_kind_is_type(relo->kind)) {
		if (n != 1 || raw[0] != 0)
			return spec_err(btf, relo, "a type relocation's access string is \"0\"");
		return 0;
	}
	rid = tpbpf_btf_skip_mods(btf, relo->type_id);
	rt = tpbpf_btf_type(btf, rid);
	if (tpbpf_core_kind_is_enumval(relo->kind)) {
		if (!rt || !btf_is_any_enum(rt))
			return spec_err(btf, relo, "an enumerator relocation on a type that is not an enum");
		if (n != 1 || raw[0] >= btf_vlen(rt))
			return spec_err(btf, relo, "the enum has %u enumerators", btf_vlen(rt));
		spec->access[0] = (struct tpbpf_core_access){
			rid, raw[0], tpbpf_btf_str(btf, btf_enumerator_name_off(rt, raw[0])),
		};
		spec->len = 1;
		return 0;
	}
	if (tpbpf_btf_resolve_size(btf, rid, &size))
		return spec_err(btf, relo, "the root type has no size");
	if (!add_elements(&spec->bit_offset, raw[0], size))
		return spec_err(btf, relo, "root element %u is out of reach", raw[0]);
	spec->access[0] = (struct tpbpf_core_access){ rid, raw[0], NULL };
	if ((err = parse_field_path(btf, relo, raw, n, spec)))
		return err;
	if (tpbpf_core_spec_is_element(spec) && relo->kind != TPBPF_CORE_FIELD_BYTE_OFFSET &&
	    relo->kind != TPBPF_CORE_FIELD_BYTE_SIZE && relo->kind != TPBPF_CORE_FIELD_EXISTS)
		return spec_err(btf, relo, "only byte_off, byte_sz and field_exists apply to an array element or the root");
	return 0;
}

bool tpbpf_core_spec_is_element(const struct tpbpf_core_spec *spec)
{
	const struct btf_type *last;

	if (spec->len <= 1)
		return true;
	last = tpbpf_btf_type(spec->btf, spec->access[spec->len - 1].type_id);
	return last && btf_kind(last) == BTF_KIND_ARRAY;
}

/* Appends to a buffer like snprintf, counting what did not fit. */
struct out {
	char *buf;
	size_t len;
	size_t used;
};

static void outf(struct out *o, const char *fmt, ...) TPBPF_PRINTF(2, 3);
static void outf(struct out *o, const char *fmt, ...)
{
	size_t room = o->used < o->len ? o->len - o->used : 0;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(room ? o->buf + o->used : NULL, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->used += (size_t)n;
}

int tpbpf_core_spec_describe(const struct tpbpf_core_spec *spec, char *buf, size_t len)
{
	struct out o = { buf, len, 0 };
	const char *root = spec->root_name[0] ? spec->root_name : "(anon)";

	if (len)
		buf[0] = '\0';
	if (tpbpf_core_kind_is_type(spec->kind)) {
		const struct btf_type *t = tpbpf_btf_type(spec->btf, spec->root_id);
		uint32_t k = t ? btf_kind(t) : 0;
		const char *kw = k == BTF_KIND_FWD ? (btf_kflag(t) ? "union" : "struct") :
				 k == BTF_KIND_ENUM64 ? "enum" : tpbpf_btf_kind_name(k);

		if (k == BTF_KIND_STRUCT || k == BTF_KIND_UNION || k == BTF_KIND_ENUM ||
		    k == BTF_KIND_ENUM64 || k == BTF_KIND_FWD || k == BTF_KIND_TYPEDEF)
			outf(&o, "%s %s", kw, root);
		else if (spec->root_name[0])
			outf(&o, "%s", root);
		else
			outf(&o, "%s #%u", kw, spec->root_id);
	} else if (tpbpf_core_kind_is_enumval(spec->kind)) {
		outf(&o, "enum %s::%s", root, spec->access[0].name ? spec->access[0].name : "?");
	} else {
		outf(&o, "%s", root);
		if (spec->len && spec->access[0].idx)
			outf(&o, "[%u]", spec->access[0].idx);
		for (int i = 1; i < spec->len; i++) {
			const struct btf_type *t = tpbpf_btf_type(spec->btf, spec->access[i].type_id);

			if (t && btf_kind(t) == BTF_KIND_ARRAY)
				outf(&o, "[%u]", spec->access[i].idx);
			else if (spec->access[i].name)
				outf(&o, ".%s", spec->access[i].name);
		}
	}
	return (int)(o.used > INT_MAX ? INT_MAX : o.used);
}

/* ---- answers: where a field path ends, in one BTF --------------------------------------- */

struct path_end {
	uint64_t bit_offset;
	uint32_t owner;		/* struct or union holding the field; 0: element or root */
	uint32_t member;	/* the field's index in it */
	uint32_t type_id;	/* the field's (or element's) type, as written */
};

static int field_answer(const struct tpbpf_btf *btf, const struct path_end *e,
			struct tpbpf_core_target *out)
{
	uint32_t tid = tpbpf_btf_skip_mods(btf, e->type_id);
	const struct btf_type *t = tpbpf_btf_type(btf, tid);
	uint64_t size;
	int err;

	memset(out, 0, sizeof(*out));
	out->exists = true;
	out->bit_offset = e->bit_offset;
	if (e->owner)
		out->bitfield_size = btf_member_bitfield_size(tpbpf_btf_type(btf, e->owner), e->member);
	/* members and elements have sizes: tpbpf_btf_parse saw to it */
	if ((err = tpbpf_btf_resolve_size(btf, tid, &size)))
		return err;
	out->byte_size = (uint32_t)size;
	out->type_size = size;
	out->type_id = tid;
	if (btf_kind(t) == BTF_KIND_INT) {
		out->field_class = TPBPF_CORE_FIELD_INT;
		out->is_signed = btf_int_encoding(t) & BTF_INT_SIGNED;
	} else if (btf_kind(t) == BTF_KIND_PTR) {
		out->field_class = TPBPF_CORE_FIELD_PTR;
	} else if (btf_is_any_enum(t)) {
		out->is_signed = btf_kflag(t);
	}
	return 0;
}

int tpbpf_core_local(const struct tpbpf_core_spec *spec, struct tpbpf_core_target *out)
{
	const struct tpbpf_btf *btf = spec->btf;
	const struct tpbpf_core_access *last;
	const struct btf_type *lt;
	struct path_end e;

	memset(out, 0, sizeof(*out));
	if (tpbpf_core_kind_is_type(spec->kind)) {
		out->exists = true;
		out->type_id = spec->root_id;
		if (tpbpf_btf_resolve_size(btf, spec->root_id, &out->type_size))
			out->type_size = 0;
		return 0;
	}
	if (tpbpf_core_kind_is_enumval(spec->kind)) {
		const struct tpbpf_core_access *a = &spec->access[0];

		out->exists = true;
		out->type_id = a->type_id;
		out->enum_value = btf_enumerator_value(tpbpf_btf_type(btf, a->type_id), a->idx);
		return 0;
	}
	if (spec->len < 1)
		return tpbpf_err(EINVAL, "CO-RE: a field relocation's spec without a path");
	e = (struct path_end){ .bit_offset = spec->bit_offset };
	last = &spec->access[spec->len - 1];
	lt = tpbpf_btf_type(btf, last->type_id);
	if (spec->len == 1) {
		e.type_id = last->type_id;		/* the root itself */
	} else if (btf_kind(lt) == BTF_KIND_ARRAY) {
		e.type_id = btf_array(lt)->type;
	} else {
		e.owner = last->type_id;
		e.member = last->idx;
		e.type_id = btf_members(lt)[last->idx].type;
	}
	return field_answer(btf, &e, out);
}

/* ---- 4. the value ------------------------------------------------------------------- */

static int value_err(const struct tpbpf_core_spec *spec, int err, const char *what)
{
	char d[256];

	tpbpf_core_spec_describe(spec, d, sizeof(d));
	return tpbpf_err(err, "CO-RE %s of %s: %s", tpbpf_core_kind_name(spec->kind), d, what);
}

/* Offset, size and shifts of a member field, bitfield or not. */
static int member_value(const struct tpbpf_core_spec *spec, const struct tpbpf_core_target *t,
			uint64_t *value)
{
	uint64_t bit_off = t->bit_offset, bit_sz, byte_sz = t->byte_size, byte_off;

	if (t->bitfield_size) {
		/* The load the compiler would use: aligned to the declared type,
		 * widened until it holds every bit. */
		if (byte_sz == 0 || byte_sz > 8 || (byte_sz & (byte_sz - 1)))
			return value_err(spec, EINVAL, "a bitfield of a type that is not 1, 2, 4 or 8 bytes");
		bit_sz = t->bitfield_size;
		byte_off = bit_off / 8 / byte_sz * byte_sz;
		while (bit_off + bit_sz - byte_off * 8 > byte_sz * 8) {
			if (byte_sz >= 8)
				return value_err(spec, E2BIG, "the bitfield does not fit one 8-byte load");
			byte_sz *= 2;
			byte_off = bit_off / 8 / byte_sz * byte_sz;
		}
	} else {
		byte_off = bit_off / 8;
		bit_sz = byte_sz * 8;
	}
	switch (spec->kind) {
	case TPBPF_CORE_FIELD_BYTE_OFFSET:
		*value = byte_off;
		break;
	case TPBPF_CORE_FIELD_BYTE_SIZE:
		*value = byte_sz;
		break;
	case TPBPF_CORE_FIELD_SIGNED:
		*value = t->is_signed;
		break;
	case TPBPF_CORE_FIELD_LSHIFT_U64:
		/* what moves the field's top bit to bit 63 of the loaded value */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
		*value = 64 - (bit_off + bit_sz - byte_off * 8);
#else
		*value = (8 - byte_sz) * 8 + (bit_off - byte_off * 8);
#endif
		break;
	case TPBPF_CORE_FIELD_RSHIFT_U64:
		*value = 64 - bit_sz;
		break;
	}
	return 0;
}

int tpbpf_core_value(const struct tpbpf_core_spec *spec, const struct tpbpf_core_target *t,
		     uint64_t *value)
{
	*value = 0;
	switch (spec->kind) {
	case TPBPF_CORE_FIELD_EXISTS:
	case TPBPF_CORE_TYPE_EXISTS:
	case TPBPF_CORE_TYPE_MATCHES:
	case TPBPF_CORE_ENUMVAL_EXISTS:
		*value = t->exists;
		return 0;
	case TPBPF_CORE_FIELD_BYTE_OFFSET:
	case TPBPF_CORE_FIELD_BYTE_SIZE:
	case TPBPF_CORE_FIELD_SIGNED:
	case TPBPF_CORE_FIELD_LSHIFT_U64:
	case TPBPF_CORE_FIELD_RSHIFT_U64:
		if (!t->exists)
			return value_err(spec, ENOENT, "the target has no such field");
		if (!tpbpf_core_spec_is_element(spec))
			return member_value(spec, t, value);
		if (spec->kind == TPBPF_CORE_FIELD_BYTE_OFFSET)
			*value = t->bit_offset / 8;
		else if (spec->kind == TPBPF_CORE_FIELD_BYTE_SIZE)
			*value = t->byte_size;
		else
			return value_err(spec, EINVAL, "only byte_off and byte_sz apply to an array element");
		return 0;
	case TPBPF_CORE_TYPE_ID_LOCAL:
		*value = spec->root_id;
		return 0;
	case TPBPF_CORE_TYPE_ID_TARGET:
		if (t->exists && !t->type_id)
			return value_err(spec, EOPNOTSUPP, "the source of this answer has no BTF type IDs (it needs the kernel's BTF)");
		*value = t->exists ? t->type_id : 0;
		return 0;
	case TPBPF_CORE_TYPE_SIZE:
		*value = t->exists ? t->type_size : 0;
		return 0;
	case TPBPF_CORE_ENUMVAL_VALUE:
		if (!t->exists)
			return value_err(spec, ENOENT, "the target has no such enumerator");
		*value = (uint64_t)t->enum_value;
		return 0;
	}
	return value_err(spec, EINVAL, "unknown relocation kind");
}

/* ---- 3. matching another BTF ------------------------------------------------------- */

struct matcher {
	const struct tpbpf_btf *local, *targ;
	uint32_t budget;	/* steps left */
};

static int spend(struct matcher *m)
{
	if (m->budget == 0)
		return tpbpf_err(E2BIG, "CO-RE: matching gave up after %u steps (hostile BTF?)",
				 MATCH_BUDGET);
	m->budget--;
	return 0;
}

static int too_deep(void)
{
	return tpbpf_err(ELOOP, "CO-RE: types nest deeper than %d levels", COMPAT_DEPTH);
}

/*
 * One step down a pair of types: a level of DEPTH and a step of the
 * budget spent, modifiers skipped; *LT and *TT the types (NULL: none).
 */
static int walk_step(struct matcher *m, int *depth, uint32_t *lid, uint32_t *tid,
		     const struct btf_type **lt, const struct btf_type **tt)
{
	int err;

	if ((*depth)-- <= 0)
		return too_deep();
	if ((err = spend(m)))
		return err;
	*lid = tpbpf_btf_skip_mods(m->local, *lid);
	*tid = tpbpf_btf_skip_mods(m->targ, *tid);
	*lt = tpbpf_btf_type(m->local, *lid);
	*tt = tpbpf_btf_type(m->targ, *tid);
	return 0;
}

static bool kinds_compat(const struct btf_type *a, const struct btf_type *b)
{
	return btf_kind(a) == btf_kind(b) || (btf_is_any_enum(a) && btf_is_any_enum(b));
}

/* type_exists, type_size, target_type_id: 1 compatible, 0 not, <0 error. */
static int types_compat(struct matcher *m, uint32_t lid, uint32_t tid, int depth)
{
	for (;;) {
		const struct btf_type *lt, *tt;
		int err;

		if ((err = walk_step(m, &depth, &lid, &tid, &lt, &tt)))
			return err;
		if (!lt || !tt)
			return !lt && !tt;	/* void is void */
		if (!kinds_compat(lt, tt))
			return 0;
		switch (btf_kind(lt)) {
		case BTF_KIND_STRUCT:
		case BTF_KIND_UNION:
		case BTF_KIND_ENUM:
		case BTF_KIND_ENUM64:
		case BTF_KIND_FWD:
		case BTF_KIND_FLOAT:
			return 1;
		case BTF_KIND_INT:
			return btf_int_offset(lt) == 0 && btf_int_offset(tt) == 0;
		case BTF_KIND_PTR:
			lid = lt->type;
			tid = tt->type;
			continue;
		case BTF_KIND_ARRAY:
			lid = btf_array(lt)->type;
			tid = btf_array(tt)->type;
			continue;
		case BTF_KIND_FUNC_PROTO:
			if (btf_vlen(lt) != btf_vlen(tt))
				return 0;
			for (uint32_t i = 0; i < btf_vlen(lt); i++) {
				int r = types_compat(m, btf_params(lt)[i].type, btf_params(tt)[i].type, depth);

				if (r <= 0)
					return r;
			}
			lid = lt->type;
			tid = tt->type;
			continue;
		default:
			return 0;
		}
	}
}

/* A member's type in the object against one in the target. */
static int fields_compat(struct matcher *m, uint32_t lid, uint32_t tid)
{
	for (int depth = COMPAT_DEPTH;;) {
		const struct btf_type *lt, *tt;
		size_t ll, tl;
		int err;

		if ((err = walk_step(m, &depth, &lid, &tid, &lt, &tt)))
			return err;
		if (!lt || !tt)
			return 0;
		if (btf_is_composite(lt) && btf_is_composite(tt))
			return 1;
		if (!kinds_compat(lt, tt))
			return 0;
		switch (btf_kind(lt)) {
		case BTF_KIND_PTR:
		case BTF_KIND_FLOAT:
			return 1;
		case BTF_KIND_FWD:
		case BTF_KIND_ENUM:
		case BTF_KIND_ENUM64:
			/* the same name, or one of them anonymous */
			ll = tpbpf_btf_essential_len(tpbpf_btf_name(m->local, lid));
			tl = tpbpf_btf_essential_len(tpbpf_btf_name(m->targ, tid));
			return ll == 0 || tl == 0 ||
			       (ll == tl && memcmp(tpbpf_btf_name(m->local, lid),
						   tpbpf_btf_name(m->targ, tid), ll) == 0);
		case BTF_KIND_INT:
			return btf_int_offset(lt) == 0 && btf_int_offset(tt) == 0;
		case BTF_KIND_ARRAY:
			lid = btf_array(lt)->type;
			tid = btf_array(tt)->type;
			continue;
		default:
			return 0;
		}
	}
}

/* type_matches: a target anonymous name only matches an anonymous one. */
static bool names_match(const char *l, const char *t)
{
	if (!*t)
		return !*l;
	return flavorless_equal(l, t);
}

static int types_match(struct matcher *m, uint32_t lid, uint32_t tid, bool behind_ptr, int level);

static int enums_match(struct matcher *m, const struct btf_type *lt, const struct btf_type *tt)
{
	if (lt->size != tt->size)
		return 0;
	for (uint32_t i = 0; i < btf_vlen(lt); i++) {
		const char *ln = tpbpf_btf_str(m->local, btf_enumerator_name_off(lt, i));
		bool found = false;

		for (uint32_t j = 0; j < btf_vlen(tt) && !found; j++) {
			int err = spend(m);

			if (err)
				return err;
			found = names_match(ln, tpbpf_btf_str(m->targ, btf_enumerator_name_off(tt, j)));
		}
		if (!found)
			return 0;
	}
	return 1;
}

static int composites_match(struct matcher *m, const struct btf_type *lt, const struct btf_type *tt,
			    bool behind_ptr, int level)
{
	for (uint32_t i = 0; i < btf_vlen(lt); i++) {
		const struct btf_member *lm = &btf_members(lt)[i];
		const char *ln = tpbpf_btf_str(m->local, lm->name_off);
		bool matched = false;

		for (uint32_t j = 0; j < btf_vlen(tt) && !matched; j++) {
			const struct btf_member *tm = &btf_members(tt)[j];
			int r;

			if ((r = spend(m)))
				return r;
			if (!names_match(ln, tpbpf_btf_str(m->targ, tm->name_off)))
				continue;
			r = types_match(m, lm->type, tm->type, behind_ptr, level - 1);
			if (r < 0)
				return r;
			matched = r > 0;
		}
		if (!matched)
			return 0;
	}
	return 1;
}

static int types_match(struct matcher *m, uint32_t lid, uint32_t tid, bool behind_ptr, int level)
{
	if (level <= 0)
		return too_deep();
	for (int depth = COMPAT_DEPTH;;) {
		const struct btf_type *lt, *tt;
		uint32_t lk, tk;
		int err;

		if ((err = walk_step(m, &depth, &lid, &tid, &lt, &tt)))
			return err;
		if (!lt || !tt)
			return !lt && !tt;
		if (!names_match(tpbpf_btf_name(m->local, lid), tpbpf_btf_name(m->targ, tid)))
			return 0;
		lk = btf_kind(lt);
		tk = btf_kind(tt);
		switch (lk) {
		case BTF_KIND_FWD:
			if (tk == BTF_KIND_FWD)
				return btf_kflag(lt) == btf_kflag(tt);
			/* behind a pointer, a declaration matches the definition */
			return behind_ptr && tk == (btf_kflag(lt) ? BTF_KIND_UNION : BTF_KIND_STRUCT);
		case BTF_KIND_ENUM:
		case BTF_KIND_ENUM64:
			return btf_is_any_enum(tt) ? enums_match(m, lt, tt) : 0;
		case BTF_KIND_STRUCT:
		case BTF_KIND_UNION:
			if (behind_ptr) {
				if (lk == tk)
					return 1;
				return tk == BTF_KIND_FWD && btf_kflag(tt) == (lk == BTF_KIND_UNION);
			}
			return lk == tk ? composites_match(m, lt, tt, behind_ptr, level) : 0;
		case BTF_KIND_INT:
			return tk == BTF_KIND_INT && lt->size == tt->size &&
			       (btf_int_encoding(lt) & BTF_INT_SIGNED) == (btf_int_encoding(tt) & BTF_INT_SIGNED);
		case BTF_KIND_FLOAT:
			return tk == BTF_KIND_FLOAT && lt->size == tt->size;
		case BTF_KIND_PTR:
			if (tk != BTF_KIND_PTR)
				return 0;
			behind_ptr = true;
			lid = lt->type;
			tid = tt->type;
			continue;
		case BTF_KIND_ARRAY:
			if (tk != BTF_KIND_ARRAY || btf_array(lt)->nelems != btf_array(tt)->nelems)
				return 0;
			lid = btf_array(lt)->type;
			tid = btf_array(tt)->type;
			continue;
		case BTF_KIND_FUNC_PROTO:
			if (tk != BTF_KIND_FUNC_PROTO || btf_vlen(lt) != btf_vlen(tt))
				return 0;
			for (uint32_t i = 0; i < btf_vlen(lt); i++) {
				int r = types_match(m, btf_params(lt)[i].type, btf_params(tt)[i].type,
						    behind_ptr, level - 1);

				if (r <= 0)
					return r;
			}
			lid = lt->type;
			tid = tt->type;
			continue;
		default:
			return 0;
		}
	}
}

/*
 * The member LM (named NAME) of the object, looked up in the target's
 * composite TID and, depth first in member order, inside its anonymous
 * members. Found: E points at it. 1 found, 0 not, <0 error.
 */
static int match_member(struct matcher *m, const struct btf_member *lm, const char *name,
			uint32_t tid, int depth, struct path_end *e)
{
	const struct btf_type *tt;

	tid = tpbpf_btf_skip_mods(m->targ, tid);
	tt = tpbpf_btf_type(m->targ, tid);
	if (!tt || !btf_is_composite(tt))
		return 0;
	if (depth >= TPBPF_CORE_MAX_ACCESS)
		return tpbpf_err(E2BIG, "CO-RE: anonymous members nest deeper than %d levels",
				 TPBPF_CORE_MAX_ACCESS);
	for (uint32_t j = 0; j < btf_vlen(tt); j++) {
		const struct btf_member *tm = &btf_members(tt)[j];
		uint64_t off = btf_member_bit_offset(tt, j);
		int r;

		if ((r = spend(m)))
			return r;
		if (tm->name_off == 0) {
			e->bit_offset += off;
			r = match_member(m, lm, name, tm->type, depth + 1, e);
			if (r)
				return r;
			e->bit_offset -= off;
		} else if (strcmp(tpbpf_btf_str(m->targ, tm->name_off), name) == 0) {
			/* C names are unique in a struct: this one or none */
			r = fields_compat(m, lm->type, tm->type);
			if (r <= 0)
				return r;
			e->bit_offset += off;
			e->owner = tid;
			e->member = j;
			e->type_id = tm->type;
			return 1;
		}
	}
	return 0;
}

/* The spec's field path from the target's root CAND. 1 found, 0 not, <0 error. */
static int match_field(struct matcher *m, const struct tpbpf_core_spec *spec, uint32_t cand,
		       struct path_end *e)
{
	uint32_t prev_owner = 0, prev_idx = 0;
	uint64_t size;

	memset(e, 0, sizeof(*e));
	e->type_id = tpbpf_btf_skip_mods(m->targ, cand);
	if (!e->type_id)
		return 0;
	if (spec->access[0].idx &&
	    (tpbpf_btf_resolve_size(m->targ, e->type_id, &size) ||
	     !add_elements(&e->bit_offset, spec->access[0].idx, size)))
		return 0;
	for (int i = 1; i < spec->len; i++) {
		const struct tpbpf_core_access *a = &spec->access[i];
		const struct btf_type *lt = tpbpf_btf_type(spec->btf, a->type_id);

		if (btf_is_composite(lt)) {
			int r;

			/* anonymous in the object: the next name is looked for through
			 * the target's anonymous members, wherever they are */
			if (!a->name)
				continue;
			r = match_member(m, &btf_members(lt)[a->idx], a->name, e->type_id, 0, e);
			if (r <= 0)
				return r;
			prev_owner = e->owner;
			prev_idx = e->member;
		} else {
			const struct btf_type *tt = tpbpf_btf_type(m->targ,
								   tpbpf_btf_skip_mods(m->targ, e->type_id));
			const struct btf_array *arr;
			bool flex;

			if (!tt || btf_kind(tt) != BTF_KIND_ARRAY)
				return 0;
			arr = btf_array(tt);
			flex = prev_owner && arr->nelems == 0 &&
			       prev_idx + 1 == btf_vlen(tpbpf_btf_type(m->targ, prev_owner));
			if (!flex && a->idx >= arr->nelems)
				return 0;
			if (tpbpf_btf_resolve_size(m->targ, arr->type, &size) ||
			    !add_elements(&e->bit_offset, a->idx, size))
				return 0;
			e->owner = 0;
			e->type_id = arr->type;
			prev_owner = 0;
		}
	}
	return 1;
}

/* Does candidate CAND of the target have what SPEC asks? OUT: its answer. */
static int match_candidate(struct matcher *m, const struct tpbpf_core_spec *spec, uint32_t cand,
			   struct tpbpf_core_target *out)
{
	struct path_end e;
	int r;

	memset(out, 0, sizeof(*out));
	if (tpbpf_core_kind_is_type(spec->kind)) {
		r = spec->kind == TPBPF_CORE_TYPE_MATCHES ?
		    types_match(m, spec->root_id, cand, false, COMPAT_DEPTH) :
		    types_compat(m, spec->root_id, cand, COMPAT_DEPTH);
		if (r <= 0)
			return r;
		out->exists = true;
		out->type_id = cand;
		if (tpbpf_btf_resolve_size(m->targ, cand, &out->type_size)) {
			if (spec->kind == TPBPF_CORE_TYPE_SIZE)
				return tpbpf_err(EINVAL, "CO-RE type_size: the target's type %u has no size", cand);
			out->type_size = 0;
		}
		return 1;
	}
	if (tpbpf_core_kind_is_enumval(spec->kind)) {
		uint32_t tid = tpbpf_btf_skip_mods(m->targ, cand);
		const struct btf_type *tt = tpbpf_btf_type(m->targ, tid);

		if (!tt || !btf_is_any_enum(tt))
			return 0;
		for (uint32_t j = 0; j < btf_vlen(tt); j++) {
			if ((r = spend(m)))
				return r;
			if (flavorless_equal(spec->access[0].name,
					     tpbpf_btf_str(m->targ, btf_enumerator_name_off(tt, j)))) {
				out->exists = true;
				out->type_id = tid;
				out->enum_value = btf_enumerator_value(tt, j);
				return 1;
			}
		}
		return 0;
	}
	r = match_field(m, spec, cand, &e);
	if (r <= 0)
		return r;
	r = field_answer(m->targ, &e, out);
	return r < 0 ? r : 1;
}

int tpbpf_core_match_btf(const struct tpbpf_core_spec *spec, const struct tpbpf_btf *target,
			 struct tpbpf_core_target *out)
{
	struct matcher m = { spec->btf, target, MATCH_BUDGET };
	const struct btf_type *root = tpbpf_btf_type(spec->btf, spec->root_id);
	uint32_t kinds[2], first_id = 0;
	uint64_t first_value = 0;
	size_t nr_kinds = 1;
	char d[256];

	memset(out, 0, sizeof(*out));
	if (spec->kind == TPBPF_CORE_TYPE_ID_LOCAL)
		return tpbpf_core_local(spec, out);
	if (!root)
		return tpbpf_err(EINVAL, "CO-RE: the spec has no root type");
	if (!spec->root_name[0]) {
		tpbpf_core_spec_describe(spec, d, sizeof(d));
		return tpbpf_err(EINVAL, "CO-RE %s of %s: an anonymous type cannot be looked up by name",
				 tpbpf_core_kind_name(spec->kind), d);
	}
	kinds[0] = btf_kind(root);
	if (btf_is_any_enum(root))
		kinds[nr_kinds++] = kinds[0] == BTF_KIND_ENUM ? BTF_KIND_ENUM64 : BTF_KIND_ENUM;
	for (size_t k = 0; k < nr_kinds; k++) {
		uint32_t id = 0;
		int r;

		while ((r = tpbpf_btf_next_by_essential_name(target, kinds[k], spec->root_name, &id)) > 0) {
			struct tpbpf_core_target cand;
			uint64_t v;

			r = match_candidate(&m, spec, id, &cand);
			if (r < 0)
				return r;
			if (r == 0)
				continue;
			if ((r = tpbpf_core_value(spec, &cand, &v)))
				return r;
			if (!first_id) {
				*out = cand;
				first_id = id;
				first_value = v;
			} else if (v != first_value) {
				tpbpf_core_spec_describe(spec, d, sizeof(d));
				return tpbpf_err(EINVAL, "CO-RE %s of %s: ambiguous: target types %u and %u both match and give %llu and %llu",
						 tpbpf_core_kind_name(spec->kind), d, first_id, id,
						 (unsigned long long)first_value, (unsigned long long)v);
			} else if (tpbpf_core_kind_is_field(spec->kind) && cand.bit_offset != out->bit_offset) {
				/* the same answer for a field in two places is luck, not a match */
				tpbpf_core_spec_describe(spec, d, sizeof(d));
				return tpbpf_err(EINVAL, "CO-RE %s of %s: ambiguous: target types %u and %u both match, with the field at bits %llu and %llu",
						 tpbpf_core_kind_name(spec->kind), d, first_id, id,
						 (unsigned long long)out->bit_offset, (unsigned long long)cand.bit_offset);
			}
		}
		if (r < 0)
			return r;
	}
	out->exists = first_id != 0;
	return 0;
}

/* ---- 5. patching the instruction ------------------------------------------------------ */

static int patch_err(char *why, size_t why_len, int err, const char *fmt, ...) TPBPF_PRINTF(4, 5);
static int patch_err(char *why, size_t why_len, int err, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (why_len)
		snprintf(why, why_len, "%s", msg);
	return tpbpf_err(err, "%s", msg);
}

static void poison(struct bpf_insn *insn, bool ld_imm64)
{
	const struct bpf_insn call = { .code = BPF_JMP | BPF_CALL, .imm = TPBPF_CORE_POISON };

	insn[0] = call;
	if (ld_imm64)
		insn[1] = call;	/* a lone second half would be "unknown opcode 00" */
}

static int poisoned(struct bpf_insn *insn, bool ld_imm64, char *why, size_t why_len,
		    const char *fmt, ...) TPBPF_PRINTF(5, 6);
static int poisoned(struct bpf_insn *insn, bool ld_imm64, char *why, size_t why_len,
		    const char *fmt, ...)
{
	va_list ap;

	poison(insn, ld_imm64);
	if (why_len) {
		va_start(ap, fmt);
		vsnprintf(why, why_len, fmt, ap);
		va_end(ap);
	}
	return 1;
}

/* BPF_B..BPF_DW for 1..8 bytes; -1 for other sizes. */
static int size_code(uint32_t bytes)
{
	switch (bytes) {
	case 1: return BPF_B;
	case 2: return BPF_H;
	case 4: return BPF_W;
	case 8: return BPF_DW;
	}
	return -1;
}

static uint32_t size_bytes(uint8_t code)
{
	switch (BPF_SIZE(code)) {
	case BPF_B: return 1;
	case BPF_H: return 2;
	case BPF_W: return 4;
	}
	return 8;
}

/* May a load of a field that was ORIG_SZ bytes read NEW_SZ instead? */
static bool resize_is_safe(const struct tpbpf_core_target *local, const struct tpbpf_core_target *target)
{
	if (local->field_class == TPBPF_CORE_FIELD_PTR && target->field_class == TPBPF_CORE_FIELD_PTR)
		return true;	/* a 32-bit kernel's pointer is a zero-extended u32 */
	return local->field_class == TPBPF_CORE_FIELD_INT && target->field_class == TPBPF_CORE_FIELD_INT &&
	       !local->is_signed && !target->is_signed;
}

/* Offset of a load, store or atomic, with its size changed where needed. */
static int patch_mem(struct bpf_insn *insn, size_t idx, const struct tpbpf_core_spec *spec,
		     const struct tpbpf_core_target *local, const struct tpbpf_core_target *target,
		     bool validate, uint64_t orig, uint64_t value, const char *d, char *why, size_t why_len)
{
	uint32_t orig_sz = 0, new_sz = 0;

	if (validate && (uint64_t)(int64_t)insn->off != orig)
		return patch_err(why, why_len, EINVAL, "%s: instruction %zu has offset %d, but the object's BTF says %llu",
				 d, idx, insn->off, (unsigned long long)orig);
	if (value > SHRT_MAX)
		return patch_err(why, why_len, ERANGE, "%s: offset %llu does not fit instruction %zu (at most %d)",
				 d, (unsigned long long)value, idx, SHRT_MAX);
	/* only a field's own load has a size to keep; a bitfield's load is the program's choice */
	if (spec->kind == TPBPF_CORE_FIELD_BYTE_OFFSET) {
		orig_sz = local->bitfield_size ? 0 : local->byte_size;
		new_sz = target->bitfield_size ? 0 : target->byte_size;
	}
	if (orig_sz != new_sz) {
		int code = size_code(new_sz);

		if (!resize_is_safe(local, target))
			return poisoned(insn, false, why, why_len,
					"%s: the field went from %u to %u bytes and is not a pointer or unsigned integer: a load of the new size would read another value",
					d, orig_sz, new_sz);
		if (size_bytes(insn->code) != orig_sz)
			return patch_err(why, why_len, EINVAL, "%s: instruction %zu accesses %u bytes, but the field has %u",
					 d, idx, size_bytes(insn->code), orig_sz);
		if (BPF_MODE(insn->code) != BPF_MEM || code < 0)
			return poisoned(insn, false, why, why_len,
					"%s: instruction %zu cannot be made to access %u bytes", d, idx, new_sz);
		insn->code = (uint8_t)(BPF_MODE(insn->code) | code | BPF_CLASS(insn->code));
	}
	insn->off = (int16_t)value;
	return 0;
}

int tpbpf_core_patch(struct bpf_insn *insns, size_t cnt, size_t idx,
		     const struct tpbpf_core_spec *spec,
		     const struct tpbpf_core_target *local,
		     const struct tpbpf_core_target *target,
		     char *why, size_t why_len)
{
	struct bpf_insn *insn;
	uint64_t orig, value;
	bool validate, ld_imm64;
	char d[256];
	int err;

	if (why_len)
		why[0] = '\0';
	tpbpf_core_spec_describe(spec, d, sizeof(d));
	if (idx >= cnt)
		return patch_err(why, why_len, EINVAL, "%s: instruction %zu is past the program's %zu",
				 d, idx, cnt);
	insn = &insns[idx];
	ld_imm64 = insn->code == (BPF_LD | BPF_IMM | BPF_DW);
	if (ld_imm64 && idx + 1 >= cnt)
		return patch_err(why, why_len, EINVAL, "%s: instruction %zu is an ld_imm64 without its second half",
				 d, idx);
	if ((err = tpbpf_core_value(spec, local, &orig)))
		return patch_err(why, why_len, -err, "%s", tpbpf_error_detail());
	err = tpbpf_core_value(spec, target, &value);
	if (err == -ENOENT)
		return poisoned(insn, ld_imm64, why, why_len, "%s", tpbpf_error_detail());
	if (err)
		return patch_err(why, why_len, -err, "%s", tpbpf_error_detail());

	/* where libbpf does not insist that the instruction holds the local value */
	validate = spec->kind != TPBPF_CORE_TYPE_ID_TARGET &&
		   !(local->bitfield_size && !tpbpf_core_spec_is_element(spec) &&
		     (spec->kind == TPBPF_CORE_FIELD_BYTE_OFFSET || spec->kind == TPBPF_CORE_FIELD_BYTE_SIZE ||
		      spec->kind == TPBPF_CORE_FIELD_LSHIFT_U64));

	switch (BPF_CLASS(insn->code)) {
	case BPF_ALU:
	case BPF_ALU64: {
		int64_t sv = (int64_t)value;

		if (BPF_SRC(insn->code) != BPF_K)
			return patch_err(why, why_len, EINVAL, "%s: instruction %zu (code 0x%02x) has no immediate",
					 d, idx, insn->code);
		if (validate && (uint64_t)(int64_t)insn->imm != orig)
			return patch_err(why, why_len, EINVAL, "%s: instruction %zu holds %d, but the object's BTF says %llu",
					 d, idx, insn->imm, (unsigned long long)orig);
		/* ALU64 sign-extends its immediate; ALU takes 32 bits either way */
		if (!(sv >= INT32_MIN && sv <= INT32_MAX) &&
		    !(BPF_CLASS(insn->code) == BPF_ALU && value <= UINT32_MAX))
			return patch_err(why, why_len, ERANGE, "%s: value %llu does not fit instruction %zu's 32-bit immediate",
					 d, (unsigned long long)value, idx);
		insn->imm = (int32_t)(uint32_t)value;
		return 0;
	}
	case BPF_LDX:
	case BPF_ST:
	case BPF_STX:
		return patch_mem(insn, idx, spec, local, target, validate, orig, value, d, why, why_len);
	case BPF_LD: {
		uint64_t imm;

		if (!ld_imm64 || insn[0].src_reg || insn[0].off || insn[1].code || insn[1].dst_reg ||
		    insn[1].src_reg || insn[1].off)
			return patch_err(why, why_len, EINVAL, "%s: instruction %zu is not a plain ld_imm64",
					 d, idx);
		imm = (uint64_t)(uint32_t)insn[0].imm | (uint64_t)(uint32_t)insn[1].imm << 32;
		if (validate && imm != orig)
			return patch_err(why, why_len, EINVAL, "%s: instruction %zu holds %llu, but the object's BTF says %llu",
					 d, idx, (unsigned long long)imm, (unsigned long long)orig);
		insn[0].imm = (int32_t)(uint32_t)value;
		insn[1].imm = (int32_t)(uint32_t)(value >> 32);
		return 0;
	}
	}
	return patch_err(why, why_len, EINVAL, "%s: instruction %zu (code 0x%02x) is not one CO-RE patches",
			 d, idx, insn->code);
}
