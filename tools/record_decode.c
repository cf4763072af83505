/* SPDX-License-Identifier: MIT */
/*
 * Decode a tracepoint record with its tracefs format: every field that is
 * not a common_* one (the kernel overwrites those before a BPF program
 * sees the record), as "name=value" text or as JSON members.
 *
 * The record comes from the kernel, so every offset and length in it is
 * checked against the bytes actually received before it is used.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "record_decode.h"
#include "tool.h"

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

static bool shown_in_hex(const struct tpbpf_field *f)
{
	return strstr(f->name, "flags") || strcmp(f->name, "mode") == 0 ||
	       strstr(f->name, "addr");
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
	if (v & (1ULL << (size * 8 - 1)))
		v |= ~0ULL << (size * 8);
	return (int64_t)v;
}

static void print_int(FILE *f, bool json, const struct tpbpf_field *fd,
		      const uint8_t *p, bool syscall)
{
	uint64_t v = read_uint(p, fd->size);
	bool sign = fd->is_signed;
	unsigned int width = fd->size;

	if (syscall && fd->size == 8 && syscall_arg_is_signed(fd->type)) {
		sign = true;
		/* An int argument sign-extended into a long: print the int. */
		if (strcmp(fd->type, "int") == 0 || strcmp(fd->type, "pid_t") == 0 ||
		    strcmp(fd->type, "key_t") == 0 || strcmp(fd->type, "clockid_t") == 0)
			width = 4;
	}
	/* JSON has no hex numbers: flags and addresses stay plain numbers there. */
	if (shown_in_hex(fd) && !json)
		fprintf(f, "0x%" PRIx64, v);
	else if (shown_in_hex(fd))
		fprintf(f, "%" PRIu64, v);
	else if (sign)
		fprintf(f, "%" PRId64, sign_extend(v & (width >= 8 ? ~0ULL : (1ULL << (width * 8)) - 1), width));
	else
		fprintf(f, "%" PRIu64, v);
}

static void print_text(FILE *f, bool json, const char *s, size_t len)
{
	if (json)
		print_json_string(f, s, len);
	else
		print_escaped(f, s, len);
}

static void print_hex_bytes(FILE *f, bool json, const uint8_t *p, size_t len)
{
	if (json)
		fputc('"', f);
	fputs("0x", f);
	for (size_t i = 0; i < len; i++)
		fprintf(f, "%02x", p[i]);
	if (json)
		fputc('"', f);
}

static void print_array(FILE *f, const struct tpbpf_field *fd, const uint8_t *p)
{
	unsigned int n = fd->array_len ? fd->array_len : 1;
	unsigned int esize = fd->size / n;

	fputc('[', f);
	for (unsigned int i = 0; i < n && esize; i++) {
		uint64_t v = read_uint(p + i * esize, esize);

		if (i)
			fputc(',', f);
		if (fd->is_signed)
			fprintf(f, "%" PRId64, sign_extend(v, esize));
		else
			fprintf(f, "%" PRIu64, v);
	}
	fputc(']', f);
}

/* __data_loc / __rel_loc: the data lives elsewhere in the record. */
static void print_dynamic(FILE *f, bool json, const struct tpbpf_field *fd,
			  const uint8_t *rec, size_t rec_len)
{
	uint32_t loc;
	size_t off, len;

	/* The caller checked SIZE bytes, not 4: a format may say otherwise. */
	if (fd->size < 4) {
		print_hex_bytes(f, json, rec + fd->offset, fd->size);
		return;
	}
	loc = (uint32_t)read_uint(rec + fd->offset, 4);
	off = loc & 0xffff;
	len = loc >> 16;

	if (fd->kind == TPBPF_FIELD_REL_LOC)
		off += fd->offset + fd->size;
	if (off > rec_len || len > rec_len - off) {
		fputs(json ? "null" : "(cut)", f);
		return;
	}
	if (fd->dyn_is_string)
		print_text(f, json, (const char *)rec + off, len);
	else
		print_hex_bytes(f, json, rec + off, len);
}

void decode_record(FILE *f, bool json, const struct tpbpf_format *fmt,
		   const uint8_t *rec, size_t rec_len, const struct user_strings *us)
{
	unsigned int str_idx = 0;
	bool first = true;

	for (unsigned int i = 0; i < fmt->nr_fields; i++) {
		const struct tpbpf_field *fd = &fmt->fields[i];
		const uint8_t *p = rec + fd->offset;

		if (fd->is_common)
			continue;
		if (json)
			fprintf(f, "%s\"%s\":", first ? "" : ",", fd->name);
		else
			fprintf(f, " %s=", fd->name);
		first = false;
		if (fd->offset > rec_len || fd->size > rec_len - fd->offset) {
			fputs(json ? "null" : "(cut)", f);
			continue;
		}
		switch (fd->kind) {
		case TPBPF_FIELD_INT:
			print_int(f, json, fd, p, us != NULL);
			break;
		case TPBPF_FIELD_CHAR_ARRAY:
			print_text(f, json, (const char *)p, fd->size);
			break;
		case TPBPF_FIELD_ARRAY:
			print_array(f, fd, p);
			break;
		case TPBPF_FIELD_USER_STRING:
			if (us && str_idx < us->n) {
				const char *s = us->str[str_idx];
				int len = us->len[str_idx];

				str_idx++;
				if (len > 0) {
					bool cut = us->cut[str_idx - 1];

					if (!json)
						fputc('"', f);
					print_text(f, json, s, (size_t)len);
					if (!json)
						fputc('"', f);
					/* Cut at the buffer's end: say so, never pass it off as whole. */
					if (cut && json)
						fprintf(f, ",\"%s_cut\":true", fd->name);
					else if (cut)
						fputs("...(cut)", f);
					break;
				}
			}
			/* Not read (or unreadable): the pointer itself. */
			if (json)
				fprintf(f, "\"0x%" PRIx64 "\"", read_uint(p, fd->size));
			else
				fprintf(f, "0x%" PRIx64, read_uint(p, fd->size));
			break;
		case TPBPF_FIELD_POINTER:
			if (json)
				fprintf(f, "\"0x%" PRIx64 "\"", read_uint(p, fd->size));
			else
				fprintf(f, "0x%" PRIx64, read_uint(p, fd->size));
			break;
		case TPBPF_FIELD_DATA_LOC:
		case TPBPF_FIELD_REL_LOC:
			print_dynamic(f, json, fd, rec, rec_len);
			break;
		default:
			print_hex_bytes(f, json, p, fd->size);
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
