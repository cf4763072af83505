/* SPDX-License-Identifier: MIT */
/*
 * Tracepoint record formats: the tracefs "format" file of an event says
 * where each field of its record lies. It is what lets a program built once
 * read records whose layout differs from kernel to kernel.
 *
 *	name: sched_switch
 *	ID: 372
 *	format:
 *		field:unsigned short common_type;	offset:0;	size:2;	signed:0;
 *		...
 *		field:char prev_comm[16];	offset:8;	size:16;	signed:0;
 *
 *	print fmt: ...
 *
 * The text is untrusted (a test feeds it garbage): every read stays inside
 * LEN, which need not be NUL-terminated, and every number is bounded.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "tracefs.h"

/* A record is at most a page or so; anything near this is not a format. */
#define FORMAT_MAX_OFFSET	65535u
#define FORMAT_MAX_FIELDS	1024u

/* A piece of the text: never NUL-terminated, always bounded. */
struct span {
	const char *p;
	size_t n;
};

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static struct span trim(struct span s)
{
	while (s.n && is_space(s.p[0])) {
		s.p++;
		s.n--;
	}
	while (s.n && is_space(s.p[s.n - 1]))
		s.n--;
	return s;
}

static bool starts_with(struct span s, const char *prefix)
{
	size_t n = strlen(prefix);

	return s.n >= n && memcmp(s.p, prefix, n) == 0;
}

static bool span_eq(struct span s, const char *str)
{
	return s.n == strlen(str) && memcmp(s.p, str, s.n) == 0;
}

static struct span skip(struct span s, size_t n)
{
	s.p += n;
	s.n -= n;
	return s;
}

static char *span_dup(struct span s)
{
	char *d = malloc(s.n + 1);

	if (!d)
		return NULL;
	memcpy(d, s.p, s.n);
	d[s.n] = '\0';
	return d;
}

/* Decimal digits only, at most MAX. */
static bool parse_uint(struct span s, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;
	size_t i;

	if (!s.n)
		return false;
	for (i = 0; i < s.n; i++) {
		if (s.p[i] < '0' || s.p[i] > '9')
			return false;
		v = v * 10 + (unsigned long)(s.p[i] - '0');
		if (v > max)
			return false;
	}
	*out = v;
	return true;
}

struct parser {
	unsigned int line;
	struct tpbpf_format *fmt;
	unsigned int cap;
};

/* -EINVAL with a detail that names the line being parsed. */
static int bad(const struct parser *ps, const char *fmt, ...)
	TPBPF_PRINTF(2, 3);

static int bad(const struct parser *ps, const char *fmt, ...)
{
	char what[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return tpbpf_err(EINVAL, "format line %u: %s", ps->line, what);
}

/* Types tracefs prints for signed integers, when "signed:" is missing. */
static bool default_signed(const char *type)
{
	static const char *const names[] = {
		"char", "signed char", "short", "short int", "int", "signed",
		"signed int", "long", "long int", "long long", "long long int",
		"s8", "s16", "s32", "s64", "__s8", "__s16", "__s32", "__s64",
		"int8_t", "int16_t", "int32_t", "int64_t", "pid_t", "ssize_t",
		"loff_t", "off_t", "time_t", "time64_t", "clockid_t", "ktime_t",
	};
	size_t i;

	if (!strncmp(type, "const ", 6))
		type += 6;
	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcmp(type, names[i]))
			return true;
	return false;
}

/* Is TYPE "const char *", however tracefs spaced it? */
static bool is_const_char_ptr(const char *type)
{
	const char *want = "constchar*";

	for (; *type; type++) {
		if (*type == ' ')
			continue;
		if (*type != *want)
			return false;
		want++;
	}
	return *want == '\0';
}

static bool is_char(const char *type)
{
	return !strcmp(type, "char") || !strcmp(type, "const char");
}

/* Decide what a field is from its type, array suffix and size. */
static void classify(struct tpbpf_field *f, bool is_array)
{
	const char *t = f->type;

	if (!strncmp(t, "__data_loc ", 11) || !strncmp(t, "__rel_loc ", 10)) {
		const char *elem = t + (t[2] == 'd' ? 11 : 10);

		f->kind = t[2] == 'd' ? TPBPF_FIELD_DATA_LOC : TPBPF_FIELD_REL_LOC;
		f->dyn_is_string = !strcmp(elem, "char[]") ||
				   !strcmp(elem, "const char[]");
	} else if (is_array) {
		f->kind = is_char(t) ? TPBPF_FIELD_CHAR_ARRAY : TPBPF_FIELD_ARRAY;
	} else if (strchr(t, '*')) {
		/* syscall arguments: the caller knows it is a user pointer */
		f->kind = is_const_char_ptr(t) ? TPBPF_FIELD_USER_STRING
					       : TPBPF_FIELD_POINTER;
	} else if (!strncmp(t, "struct ", 7) || !strncmp(t, "union ", 6)) {
		f->kind = TPBPF_FIELD_OTHER;
	} else if (f->size == 1 || f->size == 2 || f->size == 4 ||
		   f->size == 8) {
		f->kind = TPBPF_FIELD_INT;	/* also bool, enums, typedefs */
	} else {
		f->kind = TPBPF_FIELD_OTHER;	/* __u128, odd sizes */
	}
}

/*
 * Split "TYPE NAME" or "TYPE NAME[N]" into the field's type and name; set
 * *is_array and the array length.
 */
static int split_decl(struct parser *ps, struct span decl,
		      struct tpbpf_field *f, bool *is_array)
{
	struct span name, type, dim = { NULL, 0 };
	size_t end = decl.n, start;
	unsigned long n;

	*is_array = false;
	if (end && decl.p[end - 1] == ']') {
		const char *open = memrchr(decl.p, '[', end);

		if (!open)
			return bad(ps, "field declaration has ']' without '['");
		dim.p = open + 1;
		dim.n = (size_t)(decl.p + end - 1 - dim.p);
		end = (size_t)(open - decl.p);
		*is_array = true;
	}
	start = end;
	while (start && (decl.p[start - 1] == '_' ||
			 (decl.p[start - 1] >= 'a' && decl.p[start - 1] <= 'z') ||
			 (decl.p[start - 1] >= 'A' && decl.p[start - 1] <= 'Z') ||
			 (decl.p[start - 1] >= '0' && decl.p[start - 1] <= '9')))
		start--;
	name.p = decl.p + start;
	name.n = end - start;
	type.p = decl.p;
	type.n = start;
	type = trim(type);
	if (!name.n || !type.n)
		return bad(ps, "field declaration \"%.*s\" is not TYPE NAME",
			   (int)(decl.n > 80 ? 80 : decl.n), decl.p);
	if (*is_array) {
		dim = trim(dim);
		/* "[]" is a flexible array; an expression we cannot use: 0 */
		if (dim.n && parse_uint(dim, FORMAT_MAX_OFFSET, &n))
			f->array_len = (unsigned int)n;
	}
	f->name = span_dup(name);
	f->type = span_dup(type);
	if (!f->name || !f->type)
		return tpbpf_err(ENOMEM, "out of memory parsing a format");
	return 0;
}

static struct tpbpf_field *new_field(struct parser *ps)
{
	struct tpbpf_format *fmt = ps->fmt;

	if (fmt->nr_fields == ps->cap) {
		unsigned int cap = ps->cap ? ps->cap * 2 : 16;
		struct tpbpf_field *nf = realloc(fmt->fields, cap * sizeof(*nf));

		if (!nf)
			return NULL;
		fmt->fields = nf;
		ps->cap = cap;
	}
	memset(&fmt->fields[fmt->nr_fields], 0, sizeof(*fmt->fields));
	return &fmt->fields[fmt->nr_fields++];
}

/* "field:TYPE NAME;\toffset:N;\tsize:N;\tsigned:N;" (already trimmed). */
static int parse_field(struct parser *ps, struct span s)
{
	bool have_off = false, have_size = false, have_signed = false, arr;
	struct tpbpf_field *f;
	const char *semi;
	unsigned long v;
	unsigned int i;
	int err;

	if (ps->fmt->nr_fields >= FORMAT_MAX_FIELDS)
		return bad(ps, "more than %u fields", FORMAT_MAX_FIELDS);
	/* very old kernels marked some fields "field special:" */
	s = skip(s, starts_with(s, "field special:") ? 14 : 6);
	semi = memchr(s.p, ';', s.n);
	if (!semi)
		return bad(ps, "field declaration has no ';'");
	f = new_field(ps);
	if (!f)
		return tpbpf_err(ENOMEM, "out of memory parsing a format");
	err = split_decl(ps, trim((struct span){ s.p, (size_t)(semi - s.p) }),
			 f, &arr);
	if (err)
		return err;
	s = skip(s, (size_t)(semi - s.p) + 1);

	/* then "key:value;" pairs, in any order; unknown keys are skipped */
	for (;;) {
		struct span key, val;
		const char *colon;

		s = trim(s);
		if (!s.n)
			break;
		colon = memchr(s.p, ':', s.n);
		semi = memchr(s.p, ';', s.n);
		if (!colon || !semi || semi < colon)
			return bad(ps, "field %s: expected KEY:VALUE; after the "
				   "declaration", f->name);
		key = (struct span){ s.p, (size_t)(colon - s.p) };
		val = (struct span){ colon + 1, (size_t)(semi - colon - 1) };
		s = skip(s, (size_t)(semi - s.p) + 1);
		if (span_eq(key, "offset") || span_eq(key, "size")) {
			bool is_off = key.p[0] == 'o';

			if (!parse_uint(val, FORMAT_MAX_OFFSET, &v))
				return bad(ps, "field %s: %s \"%.*s\" is not a "
					   "number from 0 to %u",
					   f->name, is_off ? "offset" : "size",
					   (int)(val.n > 20 ? 20 : val.n), val.p,
					   FORMAT_MAX_OFFSET);
			if (is_off) {
				f->offset = (unsigned int)v;
				have_off = true;
			} else {
				f->size = (unsigned int)v;
				have_size = true;
			}
		} else if (span_eq(key, "signed")) {
			if (!parse_uint(val, 1, &v))
				return bad(ps, "field %s: signed \"%.*s\" is not "
					   "0 or 1", f->name,
					   (int)(val.n > 20 ? 20 : val.n), val.p);
			f->is_signed = v;
			have_signed = true;
		}
	}
	if (!have_off || !have_size)
		return bad(ps, "field %s has no %s", f->name,
			   have_off ? "size" : "offset");
	if (f->offset + f->size > FORMAT_MAX_OFFSET)
		return bad(ps, "field %s: offset %u + size %u is past %u",
			   f->name, f->offset, f->size, FORMAT_MAX_OFFSET);
	for (i = 0; i + 1 < ps->fmt->nr_fields; i++)
		if (!strcmp(ps->fmt->fields[i].name, f->name))
			return bad(ps, "field %s appears twice", f->name);
	if (!have_signed)
		f->is_signed = default_signed(f->type);
	f->is_common = !strncmp(f->name, "common_", 7);
	classify(f, arr);
	if (f->offset + f->size > ps->fmt->fixed_size)
		ps->fmt->fixed_size = f->offset + f->size;
	return 0;
}

/* Bytes a format line may hold: printable ASCII and tabs. */
static int check_bytes(struct parser *ps, struct span s)
{
	size_t i;

	for (i = 0; i < s.n; i++) {
		unsigned char c = (unsigned char)s.p[i];

		if (c != '\t' && c != '\r' && (c < 0x20 || c > 0x7e))
			return bad(ps, "unexpected byte 0x%02x (column %zu)", c,
				   i + 1);
	}
	return 0;
}

static int parse_header(struct parser *ps, struct span s, bool *have_name,
			bool *have_id)
{
	struct tpbpf_format *fmt = ps->fmt;
	unsigned long v;

	if (starts_with(s, "name:")) {
		struct span name = trim(skip(s, 5));

		if (*have_name)
			return bad(ps, "second \"name:\" line");
		fmt->name = span_dup(name);
		if (!fmt->name)
			return tpbpf_err(ENOMEM, "out of memory parsing a format");
		if (!tpbpf_tracepoint_name_valid(fmt->name))
			return bad(ps, "\"name:\" is not a valid event name");
		*have_name = true;
		return 0;
	}
	if (starts_with(s, "ID:")) {
		if (*have_id)
			return bad(ps, "second \"ID:\" line");
		if (!parse_uint(trim(skip(s, 3)), INT_MAX, &v))
			return bad(ps, "\"ID:\" is not a decimal number");
		fmt->id = (int)v;
		*have_id = true;
		return 0;
	}
	if (starts_with(s, "field:"))
		return bad(ps, "\"field:\" before the \"format:\" line");
	return bad(ps, "expected \"name:\", \"ID:\" or \"format:\"");
}

static int parse(struct parser *ps, const char *text, size_t len)
{
	bool have_name = false, have_id = false, in_format = false;
	size_t pos = 0;
	int err;

	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
		struct span s = { text + pos, n };

		pos += n + (nl ? 1 : 0);
		ps->line++;
		if (starts_with(s, "print fmt:"))
			break;	/* the rest is for humans (and may hold anything) */
		err = check_bytes(ps, s);
		if (err)
			return err;
		s = trim(s);
		if (!s.n)
			continue;
		if (!in_format) {
			if (span_eq(s, "format:"))
				in_format = true;
			else if ((err = parse_header(ps, s, &have_name, &have_id)))
				return err;
			continue;
		}
		if (!starts_with(s, "field:") && !starts_with(s, "field special:"))
			return bad(ps, "expected \"field:\" or \"print fmt:\"");
		err = parse_field(ps, s);
		if (err)
			return err;
	}
	if (!have_name)
		return bad(ps, "end of text without a \"name:\" line");
	if (!have_id)
		return bad(ps, "end of text without an \"ID:\" line");
	if (!in_format)
		return bad(ps, "end of text without a \"format:\" line");
	if (!ps->fmt->nr_fields)
		return bad(ps, "end of text without any field");
	return 0;
}

int tpbpf_format_parse(const char *text, size_t len, struct tpbpf_format *out)
{
	struct tpbpf_format fmt = { .id = -1 };
	struct parser ps = { .fmt = &fmt };
	int err;

	if (!out)
		return tpbpf_err(EINVAL, "no format to fill");
	memset(out, 0, sizeof(*out));
	if (!text)
		return tpbpf_err(EINVAL, "no format text");
	err = parse(&ps, text, len);
	if (err) {
		tpbpf_format_free(&fmt);
		return err;
	}
	*out = fmt;
	return 0;
}

int tpbpf_format_read(const char *category, const char *name,
		      struct tpbpf_format *out)
{
	char path[PATH_MAX], *text;
	size_t len;
	int err;

	if (out)
		memset(out, 0, sizeof(*out));
	err = tpbpf_tracefs_event_file(category, name, "format", path,
				       sizeof(path));
	if (err)
		return err;
	err = tpbpf_read_file(path, &text, &len);
	if (err == -ENOENT || err == -ENOTDIR) {
		/* say which part is missing, with the nearest names */
		int id = tpbpf_tracepoint_id(category, name);

		return id < 0 ? id : err;
	}
	if (err)
		return err;
	err = tpbpf_format_parse(text, len, out);
	free(text);
	if (err)
		return tpbpf_err_prefix(-err, "%s: ", path);
	tpbpf_log("tracefs: %s: id %d, %u fields, %u bytes", path, out->id,
		  out->nr_fields, out->fixed_size);
	tpbpf_tracefs_remember_id(category, name, out->id);
	return 0;
}

void tpbpf_format_free(struct tpbpf_format *fmt)
{
	unsigned int i;

	if (!fmt)
		return;
	for (i = 0; i < fmt->nr_fields; i++) {
		free(fmt->fields[i].type);
		free(fmt->fields[i].name);
	}
	free(fmt->fields);
	free(fmt->name);
	memset(fmt, 0, sizeof(*fmt));
}

const struct tpbpf_field *tpbpf_format_field(const struct tpbpf_format *fmt,
					     const char *name)
{
	unsigned int i;

	if (!fmt || !name)
		return NULL;
	for (i = 0; i < fmt->nr_fields; i++)
		if (!strcmp(fmt->fields[i].name, name))
			return &fmt->fields[i];
	return NULL;
}
