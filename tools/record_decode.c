/* SPDX-License-Identifier: MIT */
/*
 * Decode a tracepoint record with its tracefs format: every field that is
 * not a common_* one (the kernel overwrites those before a BPF program
 * sees the record), as "name=value" text or as JSON members.
 *
 * What depends only on the format (how each field is shown, the text
 * around it) is worked out once per tracepoint by record_decoder_init();
 * decoding an event then writes bytes and numbers, nothing else.
 *
 * The record comes from the kernel, so every offset and length in it is
 * checked against the bytes actually received before it is used.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record_decode.h"

enum style {
	STYLE_SKIP,		/* common_*: not readable by the program */
	STYLE_UNSIGNED,
	STYLE_SIGNED,		/* sign-extended from width bytes */
	STYLE_HEX,		/* flags, modes, addresses: 0x... (a number in JSON) */
	STYLE_CHARS,		/* char name[N] */
	STYLE_ARRAY,
	STYLE_USER_STRING,
	STYLE_POINTER,
	STYLE_DYNAMIC,		/* __data_loc / __rel_loc */
	STYLE_BYTES,
};

/* Syscall arguments are stored as 8-byte unsigned longs whatever their C type. */
static bool syscall_arg_is_signed(const char *type)
{
	static const char *const types[] = { "int", "long", "pid_t", "off_t", "loff_t",
					     "ssize_t", "key_t", "clockid_t", "timer_t" };

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(type, types[i]) == 0)
			return true;
	return false;
}

/* An int argument sign-extended into a long: the int is what counts. */
static bool syscall_arg_is_int(const char *type)
{
	return strcmp(type, "int") == 0 || strcmp(type, "pid_t") == 0 ||
	       strcmp(type, "key_t") == 0 || strcmp(type, "clockid_t") == 0;
}

static bool shown_in_hex(const struct tpbpf_field *f)
{
	return strstr(f->name, "flags") || strcmp(f->name, "mode") == 0 ||
	       strstr(f->name, "addr");
}

static void plan_int(struct decode_field *df, bool syscall)
{
	const struct tpbpf_field *f = df->f;

	df->width = (uint8_t)(f->size < 8 ? f->size : 8);
	if (shown_in_hex(f))
		df->style = STYLE_HEX;
	else if (syscall && f->size == 8 && syscall_arg_is_signed(f->type)) {
		df->style = STYLE_SIGNED;
		if (syscall_arg_is_int(f->type))
			df->width = 4;
	} else
		df->style = f->is_signed ? STYLE_SIGNED : STYLE_UNSIGNED;
}

int record_decoder_init(struct record_decoder *d, const struct tpbpf_format *fmt,
			bool syscall)
{
	bool first = true;

	memset(d, 0, sizeof(*d));
	d->fields = calloc(fmt->nr_fields ? fmt->nr_fields : 1, sizeof(*d->fields));
	if (!d->fields)
		return -ENOMEM;
	d->n = fmt->nr_fields;
	for (unsigned int i = 0; i < fmt->nr_fields; i++) {
		struct decode_field *df = &d->fields[i];
		const struct tpbpf_field *f = &fmt->fields[i];
		size_t n = strlen(f->name) + 8;

		df->f = f;
		if (f->is_common)
			continue;	/* STYLE_SKIP */
		df->text_key = malloc(n);
		df->json_key = malloc(n);
		if (!df->text_key || !df->json_key) {
			record_decoder_free(d);
			return -ENOMEM;
		}
		snprintf(df->text_key, n, " %s=", f->name);
		snprintf(df->json_key, n, "%s\"%s\":", first ? "" : ",", f->name);
		first = false;
		switch (f->kind) {
		case TPBPF_FIELD_INT:
			plan_int(df, syscall);
			break;
		case TPBPF_FIELD_CHAR_ARRAY: df->style = STYLE_CHARS; break;
		case TPBPF_FIELD_ARRAY: df->style = STYLE_ARRAY; break;
		case TPBPF_FIELD_USER_STRING: df->style = STYLE_USER_STRING; break;
		case TPBPF_FIELD_POINTER: df->style = STYLE_POINTER; break;
		case TPBPF_FIELD_DATA_LOC:
		case TPBPF_FIELD_REL_LOC: df->style = STYLE_DYNAMIC; break;
		default: df->style = STYLE_BYTES;
		}
	}
	return 0;
}

void record_decoder_free(struct record_decoder *d)
{
	if (!d->fields)
		return;
	for (unsigned int i = 0; i < d->n; i++) {
		free(d->fields[i].text_key);
		free(d->fields[i].json_key);
	}
	free(d->fields);
	d->fields = NULL;
	d->n = 0;
}

static uint64_t read_uint(const uint8_t *p, unsigned int size)
{
	uint8_t b1; uint16_t b2; uint32_t b4; uint64_t b8 = 0;

	switch (size) {
	case 1: memcpy(&b1, p, 1); return b1;
	case 2: memcpy(&b2, p, 2); return b2;
	case 4: memcpy(&b4, p, 4); return b4;
	default: memcpy(&b8, p, size < 8 ? size : 8); return b8;
	}
}

static int64_t sign_extend(uint64_t v, unsigned int size)
{
	if (size >= 8)
		return (int64_t)v;
	v &= (1ULL << (size * 8)) - 1;
	if (v & (1ULL << (size * 8 - 1)))
		v |= ~0ULL << (size * 8);
	return (int64_t)v;
}

static void put_text(struct outbuf *o, bool json, const char *s, size_t len)
{
	if (json)
		ob_json_string(o, s, len);
	else
		ob_escaped(o, s, len);
}

static void put_hex_bytes(struct outbuf *o, bool json, const uint8_t *p, size_t len)
{
	static const char hex[] = "0123456789abcdef";

	if (json)
		ob_char(o, '"');
	ob_mem(o, "0x", 2);
	for (size_t i = 0; i < len; i++) {
		ob_char(o, hex[p[i] >> 4]);
		ob_char(o, hex[p[i] & 15]);
	}
	if (json)
		ob_char(o, '"');
}

/* A pointer: "0x..." (a string in JSON: no hex numbers there). */
static void put_pointer(struct outbuf *o, bool json, uint64_t v)
{
	if (json)
		ob_char(o, '"');
	ob_mem(o, "0x", 2);
	ob_hex(o, v);
	if (json)
		ob_char(o, '"');
}

static void put_array(struct outbuf *o, const struct tpbpf_field *fd, const uint8_t *p)
{
	unsigned int n = fd->array_len ? fd->array_len : 1;
	unsigned int esize = fd->size / n;

	ob_char(o, '[');
	for (unsigned int i = 0; i < n && esize; i++) {
		uint64_t v = read_uint(p + i * esize, esize);

		if (i)
			ob_char(o, ',');
		if (fd->is_signed)
			ob_i64(o, sign_extend(v, esize));
		else
			ob_u64(o, v);
	}
	ob_char(o, ']');
}

/* __data_loc / __rel_loc: the data lives elsewhere in the record. */
static void put_dynamic(struct outbuf *o, bool json, const struct tpbpf_field *fd,
			const uint8_t *rec, size_t rec_len)
{
	uint32_t loc;
	size_t off, len;

	/* The caller checked SIZE bytes, not 4: a format may say otherwise. */
	if (fd->size < 4) {
		put_hex_bytes(o, json, rec + fd->offset, fd->size);
		return;
	}
	loc = (uint32_t)read_uint(rec + fd->offset, 4);
	off = loc & 0xffff;
	len = loc >> 16;

	if (fd->kind == TPBPF_FIELD_REL_LOC)
		off += fd->offset + fd->size;
	if (off > rec_len || len > rec_len - off) {
		ob_str(o, json ? "null" : "(cut)");
		return;
	}
	if (fd->dyn_is_string)
		put_text(o, json, (const char *)rec + off, len);
	else
		put_hex_bytes(o, json, rec + off, len);
}

static void put_user_string(struct outbuf *o, bool json, const struct tpbpf_field *fd,
			    const uint8_t *p, const struct user_strings *us, unsigned int idx)
{
	if (us && idx < us->n && us->len[idx] >= 0) {
		if (!json)
			ob_char(o, '"');
		put_text(o, json, us->str[idx], (size_t)us->len[idx]);
		if (!json)
			ob_char(o, '"');
		/* Longer than the bound: say so, never pass it off as whole. */
		if (us->cut[idx] && json) {
			ob_mem(o, ",\"", 2);
			ob_str(o, fd->name);
			ob_str(o, "_cut\":true");
		} else if (us->cut[idx]) {
			ob_str(o, "...(cut)");
		}
		return;
	}
	/* Not read (or unreadable): the pointer itself. */
	put_pointer(o, json, read_uint(p, fd->size));
}

void decode_record(struct outbuf *o, bool json, const struct record_decoder *d,
		   const uint8_t *rec, size_t rec_len, const struct user_strings *us)
{
	unsigned int str_idx = 0;

	for (unsigned int i = 0; i < d->n; i++) {
		const struct decode_field *df = &d->fields[i];
		const struct tpbpf_field *fd = df->f;
		const uint8_t *p = rec + fd->offset;
		uint64_t v;

		if (df->style == STYLE_SKIP)
			continue;
		ob_str(o, json ? df->json_key : df->text_key);
		if (fd->offset > rec_len || fd->size > rec_len - fd->offset) {
			ob_str(o, json ? "null" : "(cut)");
			if (df->style == STYLE_USER_STRING)
				str_idx++;
			continue;
		}
		switch (df->style) {
		case STYLE_UNSIGNED:
			ob_u64(o, read_uint(p, fd->size));
			break;
		case STYLE_SIGNED:
			ob_i64(o, sign_extend(read_uint(p, fd->size), df->width));
			break;
		case STYLE_HEX:
			v = read_uint(p, fd->size);
			if (json) {
				ob_u64(o, v);
			} else {
				ob_mem(o, "0x", 2);
				ob_hex(o, v);
			}
			break;
		case STYLE_CHARS:
			put_text(o, json, (const char *)p, fd->size);
			break;
		case STYLE_ARRAY:
			put_array(o, fd, p);
			break;
		case STYLE_USER_STRING:
			put_user_string(o, json, fd, p, us, str_idx++);
			break;
		case STYLE_POINTER:
			put_pointer(o, json, read_uint(p, fd->size));
			break;
		case STYLE_DYNAMIC:
			put_dynamic(o, json, fd, rec, rec_len);
			break;
		default:
			put_hex_bytes(o, json, p, fd->size);
		}
	}
}

unsigned int user_string_fields(const struct tpbpf_format *fmt, uint16_t *offsets,
				unsigned int max)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < fmt->nr_fields && n < max; i++)
		if (fmt->fields[i].kind == TPBPF_FIELD_USER_STRING)
			offsets[n++] = (uint16_t)fmt->fields[i].offset;
	return n;
}
