/* SPDX-License-Identifier: MIT */
/*
 * .BTF.ext: what clang records about the code of each ELF section, beside
 * the object's BTF (the kernel's Documentation/bpf/btf.rst):
 *
 *   - func_info: where each function starts and its FUNC type;
 *   - line_info: the source line of instructions (file and line strings);
 *   - core_relo: the CO-RE relocations (core.h).
 *
 * The header (magic, version, flags, hdr_len, then offset and length of
 * each of the three subsections, counted from the header's end; a header
 * of 24 bytes predates core_relo) is not in the uapi headers, so it is
 * defined here. Each subsection is a record size, then for each ELF
 * section: the offset of its name in .BTF's strings, a record count, and
 * that many records of that size. A record may be larger than the struct
 * this reader knows (a newer compiler): its known prefix is read.
 *
 * Everything is checked here once, against the object's BTF: offsets,
 * counts against the bytes that back them, section names, type IDs,
 * instruction offsets, access strings. The accessors then hand out
 * pointers into the copy without further checks.
 */
#include <errno.h>
#include <linux/bpf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "btf.h"
#include "core.h"
#include "internal.h"

struct ext_header {
	uint16_t magic;
	uint8_t version;
	uint8_t flags;
	uint32_t hdr_len;
	uint32_t func_info_off;
	uint32_t func_info_len;
	uint32_t line_info_off;
	uint32_t line_info_len;
	/* from here on only in headers of hdr_len >= 32 */
	uint32_t core_relo_off;
	uint32_t core_relo_len;
};

#define EXT_HDR_MIN_LEN offsetof(struct ext_header, core_relo_off)
#define EXT_HDR_CORE_LEN sizeof(struct ext_header)

/* The records of one kind for one ELF section. */
struct ext_sec {
	const char *name;
	const unsigned char *recs;
	uint32_t n;
};

/* One subsection: func_info, line_info or core_relo. */
struct ext_kind {
	const char *what;	/* for messages */
	uint32_t known_size;	/* of the record this reader knows */
	uint32_t rec_size;	/* in this blob: >= known_size */
	struct ext_sec *secs;
	size_t nr_secs;
};

struct tpbpf_btf_ext {
	unsigned char *data;
	struct ext_kind func, line, core;
	const char **sec_names;	/* every section named in any subsection */
	size_t nr_sec_names;
};

/* ---- record checks ----------------------------------------------------------------- */

static int rec_err(const struct ext_kind *k, const char *sec, uint32_t i, const char *fmt, ...)
	TPBPF_PRINTF(4, 5);
static int rec_err(const struct ext_kind *k, const char *sec, uint32_t i, const char *fmt, ...)
{
	char what[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return tpbpf_err(EINVAL, "BTF.ext: %s record %u of section %.80s: %s", k->what, i, sec, what);
}

static int check_insn_off(const struct ext_kind *k, const char *sec, uint32_t i, uint32_t off)
{
	if (off % sizeof(struct bpf_insn))
		return rec_err(k, sec, i, "instruction offset %u is not a multiple of %zu",
			       off, sizeof(struct bpf_insn));
	return 0;
}

static int check_func_info(const struct tpbpf_btf *btf, const struct ext_kind *k,
			   const char *sec, uint32_t i, const void *rec)
{
	struct bpf_func_info fi;
	const struct btf_type *t;
	int err;

	memcpy(&fi, rec, sizeof(fi));
	if ((err = check_insn_off(k, sec, i, fi.insn_off)))
		return err;
	t = tpbpf_btf_type(btf, fi.type_id);
	if (!t || btf_kind(t) != BTF_KIND_FUNC)
		return rec_err(k, sec, i, "type %u is not a func (the BTF has %u types)",
			       fi.type_id, tpbpf_btf_type_count(btf));
	return 0;
}

static int check_line_info(const struct tpbpf_btf *btf, const struct ext_kind *k,
			   const char *sec, uint32_t i, const void *rec)
{
	struct bpf_line_info li;
	int err;

	memcpy(&li, rec, sizeof(li));
	if ((err = check_insn_off(k, sec, i, li.insn_off)))
		return err;
	if (!tpbpf_btf_str(btf, li.file_name_off) || !tpbpf_btf_str(btf, li.line_off))
		return rec_err(k, sec, i, "file name or line offset (%u, %u) is outside the BTF strings",
			       li.file_name_off, li.line_off);
	return 0;
}

static int check_core_relo(const struct tpbpf_btf *btf, const struct ext_kind *k,
			   const char *sec, uint32_t i, const void *rec)
{
	struct tpbpf_core_relo r;
	uint32_t raw[TPBPF_CORE_MAX_ACCESS];
	const char *access, *problem;
	int err;

	memcpy(&r, rec, sizeof(r));
	if ((err = check_insn_off(k, sec, i, r.insn_off)))
		return err;
	if (r.type_id == 0 || r.type_id > tpbpf_btf_type_count(btf))
		return rec_err(k, sec, i, "type %u is out of range (1..%u)", r.type_id,
			       tpbpf_btf_type_count(btf));
	if (r.kind > TPBPF_CORE_TYPE_MATCHES)
		return rec_err(k, sec, i, "unknown relocation kind %u", r.kind);
	access = tpbpf_btf_str(btf, r.access_str_off);
	if (!access)
		return rec_err(k, sec, i, "access string offset %u is outside the BTF strings",
			       r.access_str_off);
	if (tpbpf_core_split_access(access, raw, &problem) < 0)
		return rec_err(k, sec, i, "access string \"%.80s\" %s", access, problem);
	return 0;
}

/* ---- subsections ---------------------------------------------------------------- */

typedef int check_fn(const struct tpbpf_btf *btf, const struct ext_kind *k,
		     const char *sec, uint32_t i, const void *rec);

static int add_sec_name(struct tpbpf_btf_ext *ext, const char *name)
{
	const char **nn;

	for (size_t i = 0; i < ext->nr_sec_names; i++)
		if (strcmp(ext->sec_names[i], name) == 0)
			return 0;
	nn = realloc(ext->sec_names, (ext->nr_sec_names + 1) * sizeof(*nn));
	if (!nn)
		return tpbpf_err(ENOMEM, "out of memory reading .BTF.ext");
	ext->sec_names = nn;
	nn[ext->nr_sec_names++] = name;
	return 0;
}

/* Subsection K: LEN bytes at P (4-byte aligned). */
static int parse_kind(struct tpbpf_btf_ext *ext, struct ext_kind *k, const unsigned char *p,
		      uint32_t len, const struct tpbpf_btf *btf, check_fn *check)
{
	uint32_t pos = 4;
	int err;

	if (len == 0)
		return 0;
	if (len < 4)
		return tpbpf_err(EINVAL, "BTF.ext: the %s subsection (%u bytes) has no record size",
				 k->what, len);
	memcpy(&k->rec_size, p, 4);
	/* records stay 4-byte aligned, so their fields can be read in place */
	if (k->rec_size < k->known_size || k->rec_size % 4)
		return tpbpf_err(EINVAL, "BTF.ext: %s record size %u (want a multiple of 4, at least %u)",
				 k->what, k->rec_size, k->known_size);
	while (pos < len) {
		uint32_t hdr[2], name_off, n;
		struct ext_sec *ns, *s;
		const char *name;

		if (len - pos < sizeof(hdr))
			return tpbpf_err(EINVAL, "BTF.ext: the %s subsection ends inside a section header (byte %u of %u)",
					 k->what, pos, len);
		memcpy(hdr, p + pos, sizeof(hdr));
		name_off = hdr[0];
		n = hdr[1];
		pos += sizeof(hdr);
		name = tpbpf_btf_str(btf, name_off);
		if (!name || !*name)
			return tpbpf_err(EINVAL, "BTF.ext: a %s section name offset (%u) is %s",
					 k->what, name_off, name ? "empty" : "outside the BTF strings");
		if (n == 0)
			return tpbpf_err(EINVAL, "BTF.ext: %s of section %.80s: no records", k->what, name);
		/* the count is bounded by the bytes behind it */
		if ((uint64_t)n * k->rec_size > len - pos)
			return tpbpf_err(EINVAL, "BTF.ext: %s of section %.80s: %u records of %u bytes run past the subsection (%u bytes left)",
					 k->what, name, n, k->rec_size, len - pos);
		for (size_t i = 0; i < k->nr_secs; i++)
			if (strcmp(k->secs[i].name, name) == 0)
				return tpbpf_err(EINVAL, "BTF.ext: %s: section %.80s appears twice",
						 k->what, name);
		for (uint32_t i = 0; i < n; i++)
			if ((err = check(btf, k, name, i, p + pos + (size_t)i * k->rec_size)))
				return err;
		ns = realloc(k->secs, (k->nr_secs + 1) * sizeof(*ns));
		if (!ns)
			return tpbpf_err(ENOMEM, "out of memory reading .BTF.ext");
		k->secs = ns;
		s = &k->secs[k->nr_secs++];
		s->name = name;
		s->recs = p + pos;
		s->n = n;
		pos += n * k->rec_size;
		if ((err = add_sec_name(ext, name)))
			return err;
	}
	return 0;
}

static int locate(const char *what, uint32_t off, uint32_t len, uint32_t hdr_len, size_t size)
{
	uint64_t start = (uint64_t)hdr_len + off;

	if (start > size || len > size - start)
		return tpbpf_err(EINVAL, "BTF.ext: the %s subsection (offset %u, length %u) is outside the %zu-byte section",
				 what, off, len, size);
	if (len && start % 4)
		return tpbpf_err(EINVAL, "BTF.ext: the %s subsection (at byte %llu) is misaligned: it must start on a multiple of 4",
				 what, (unsigned long long)start);
	return 0;
}

int tpbpf_btf_ext_parse(const void *data, size_t size, const struct tpbpf_btf *btf,
			struct tpbpf_btf_ext **out)
{
	struct ext_header h = { 0 };
	struct tpbpf_btf_ext *ext;
	int err;

	*out = NULL;
	if (size < EXT_HDR_MIN_LEN)
		return tpbpf_err(EINVAL, "BTF.ext: %zu bytes is too short for a header", size);
	memcpy(&h, data, EXT_HDR_MIN_LEN);
	if (h.magic != BTF_MAGIC)
		return tpbpf_err(EINVAL, "BTF.ext: bad magic 0x%04x (want 0x%04x)", h.magic, BTF_MAGIC);
	if (h.version != BTF_VERSION)
		return tpbpf_err(EINVAL, "BTF.ext: version %u (this reader knows %u)", h.version, BTF_VERSION);
	if (h.hdr_len < EXT_HDR_MIN_LEN || h.hdr_len > size)
		return tpbpf_err(EINVAL, "BTF.ext: header length %u is out of range (%zu..%zu)",
				 h.hdr_len, EXT_HDR_MIN_LEN, size);
	if (h.hdr_len >= EXT_HDR_CORE_LEN)
		memcpy(&h, data, EXT_HDR_CORE_LEN);
	if ((err = locate("func_info", h.func_info_off, h.func_info_len, h.hdr_len, size)) ||
	    (err = locate("line_info", h.line_info_off, h.line_info_len, h.hdr_len, size)) ||
	    (err = locate("core_relo", h.core_relo_off, h.core_relo_len, h.hdr_len, size)))
		return err;

	ext = calloc(1, sizeof(*ext));
	if (!ext || !(ext->data = malloc(size ? size : 1))) {
		free(ext);
		return tpbpf_err(ENOMEM, "out of memory reading .BTF.ext");
	}
	memcpy(ext->data, data, size);
	ext->func = (struct ext_kind){ .what = "func_info", .known_size = sizeof(struct bpf_func_info) };
	ext->line = (struct ext_kind){ .what = "line_info", .known_size = sizeof(struct bpf_line_info) };
	ext->core = (struct ext_kind){ .what = "core_relo", .known_size = sizeof(struct tpbpf_core_relo) };
	if ((err = parse_kind(ext, &ext->func, ext->data + h.hdr_len + h.func_info_off,
			      h.func_info_len, btf, check_func_info)) ||
	    (err = parse_kind(ext, &ext->line, ext->data + h.hdr_len + h.line_info_off,
			      h.line_info_len, btf, check_line_info)) ||
	    (err = parse_kind(ext, &ext->core, ext->data + h.hdr_len + h.core_relo_off,
			      h.core_relo_len, btf, check_core_relo))) {
		tpbpf_btf_ext_free(ext);
		return err;
	}
	*out = ext;
	return 0;
}

void tpbpf_btf_ext_free(struct tpbpf_btf_ext *ext)
{
	if (!ext)
		return;
	free(ext->func.secs);
	free(ext->line.secs);
	free(ext->core.secs);
	free(ext->sec_names);
	free(ext->data);
	free(ext);
}

static void recs_of(const struct ext_kind *k, const char *sec, struct tpbpf_btf_ext_recs *out)
{
	*out = (struct tpbpf_btf_ext_recs){ .rec_size = k->rec_size };
	for (size_t i = 0; i < k->nr_secs; i++) {
		if (strcmp(k->secs[i].name, sec) == 0) {
			out->recs = k->secs[i].recs;
			out->n = k->secs[i].n;
			return;
		}
	}
}

void tpbpf_btf_ext_func_info(const struct tpbpf_btf_ext *ext, const char *sec,
			     struct tpbpf_btf_ext_recs *out)
{
	recs_of(&ext->func, sec, out);
}

void tpbpf_btf_ext_line_info(const struct tpbpf_btf_ext *ext, const char *sec,
			     struct tpbpf_btf_ext_recs *out)
{
	recs_of(&ext->line, sec, out);
}

void tpbpf_btf_ext_core_relos(const struct tpbpf_btf_ext *ext, const char *sec,
			      struct tpbpf_btf_ext_recs *out)
{
	recs_of(&ext->core, sec, out);
}

const char *tpbpf_btf_ext_section(const struct tpbpf_btf_ext *ext, size_t i)
{
	return i < ext->nr_sec_names ? ext->sec_names[i] : NULL;
}
