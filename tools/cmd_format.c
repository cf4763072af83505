/* SPDX-License-Identifier: MIT */
/*
 * tpbpf format CATEGORY NAME [--header | --json]: the record layout of a
 * tracepoint, as a table, as JSON, or as a C header a BPF program can
 * include to read the record with plain member access.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "format_header.h"
#include "tool.h"

static const char format_usage[] =
	"usage: tpbpf format CATEGORY NAME [--header | --json]\n"
	"       tpbpf format CATEGORY:NAME ...   (or CATEGORY/NAME)\n"
	"\n"
	"Print the event ID and the record layout of a tracepoint, from its\n"
	"tracefs format file: offset, size, signedness, kind, type and name of\n"
	"each field.\n"
	"  --header   a C header with struct tp_CATEGORY_NAME and its ID, for BPF\n"
	"             programs built without kernel headers\n"
	"  --json     one JSON object\n";

static const char *const kind_names[] = {
	[TPBPF_FIELD_INT] = "int",
	[TPBPF_FIELD_CHAR_ARRAY] = "char-array",
	[TPBPF_FIELD_ARRAY] = "array",
	[TPBPF_FIELD_POINTER] = "pointer",
	[TPBPF_FIELD_USER_STRING] = "user-string",
	[TPBPF_FIELD_DATA_LOC] = "data-loc",
	[TPBPF_FIELD_REL_LOC] = "rel-loc",
	[TPBPF_FIELD_OTHER] = "other",
};

static const char *kind_name(enum tpbpf_field_kind k)
{
	if ((size_t)k < sizeof(kind_names) / sizeof(kind_names[0]) &&
	    kind_names[k])
		return kind_names[k];
	return "other";
}

static bool is_array(const struct tpbpf_field *f)
{
	return f->kind == TPBPF_FIELD_CHAR_ARRAY || f->kind == TPBPF_FIELD_ARRAY;
}

/* The type column: tracefs's type, with the array length put back. */
static void type_text(const struct tpbpf_field *f, char *buf, size_t len)
{
	if (is_array(f) && f->array_len)
		snprintf(buf, len, "%s[%u]", f->type, f->array_len);
	else if (is_array(f))
		snprintf(buf, len, "%s[]", f->type);
	else
		snprintf(buf, len, "%s", f->type);
}

static void print_table(const char *cat, const char *name,
			const struct tpbpf_format *fmt)
{
	char type[256];
	int width = 4;
	unsigned int i;

	for (i = 0; i < fmt->nr_fields; i++) {
		type_text(&fmt->fields[i], type, sizeof(type));
		if ((int)strlen(type) > width)
			width = (int)strlen(type);
	}
	printf("%s:%s id=%d size=%u\n", cat, name, fmt->id, fmt->fixed_size);
	for (i = 0; i < fmt->nr_fields; i++) {
		const struct tpbpf_field *f = &fmt->fields[i];

		type_text(f, type, sizeof(type));
		printf("%5u %4u %-8s %-11s %-*s %s\n", f->offset, f->size,
		       f->is_signed ? "signed" : "unsigned", kind_name(f->kind),
		       width, type, f->name);
	}
}

static void print_json(const char *cat, const char *name,
		       const struct tpbpf_format *fmt)
{
	unsigned int i;

	printf("{\"id\":%d,\"category\":", fmt->id);
	print_json_cstring(stdout, cat);
	printf(",\"name\":");
	print_json_cstring(stdout, name);
	printf(",\"fixed_size\":%u,\"fields\":[", fmt->fixed_size);
	for (i = 0; i < fmt->nr_fields; i++) {
		const struct tpbpf_field *f = &fmt->fields[i];

		printf("%s{\"type\":", i ? "," : "");
		print_json_cstring(stdout, f->type);
		printf(",\"name\":");
		print_json_cstring(stdout, f->name);
		printf(",\"offset\":%u,\"size\":%u,\"signed\":%s,\"kind\":\"%s\","
		       "\"common\":%s,\"array_len\":%u,\"string\":%s}",
		       f->offset, f->size, f->is_signed ? "true" : "false",
		       kind_name(f->kind), f->is_common ? "true" : "false",
		       f->array_len, f->dyn_is_string ? "true" : "false");
	}
	printf("]}\n");
}

/* "sched", "sched_switch" -> "sched_sched_switch"; UPPER for macros. */
static void c_ident(const char *cat, const char *name, bool upper,
		    char *buf, size_t len)
{
	size_t i;

	snprintf(buf, len, "%s_%s", cat, name);
	for (i = 0; buf[i]; i++) {
		unsigned char c = (unsigned char)buf[i];

		if (!isalnum(c))
			buf[i] = '_';
		else if (upper)
			buf[i] = (char)toupper(c);
	}
}

/*
 * One member, in fixed-width types, at the offset the format gives. Returns
 * the alignment the member needs (1 when it became a byte array).
 */
static unsigned int print_member(FILE *out, const struct tpbpf_field *f, bool last)
{
	unsigned int sz = f->size, elem;
	char sign = f->is_signed ? 's' : 'u';

	switch (f->kind) {
	case TPBPF_FIELD_CHAR_ARRAY:
		if (!sz) {
			if (last)
				fprintf(out, "\tchar %s[];\n", f->name);
			else
				fprintf(out, "\t/* char %s[]: empty, at offset %u */\n",
				       f->name, f->offset);
			return 1;
		}
		fprintf(out, "\tchar %s[%u];\n", f->name, sz);
		return 1;
	case TPBPF_FIELD_ARRAY:
		if (!sz) {
			if (last)
				fprintf(out, "\t__u8 %s[];\t/* %s[] */\n", f->name,
				       f->type);
			else
				fprintf(out, "\t/* %s %s[]: empty, at offset %u */\n",
				       f->type, f->name, f->offset);
			return 1;
		}
		elem = f->array_len && sz % f->array_len == 0 ?
		       sz / f->array_len : 0;
		if ((elem == 1 || elem == 2 || elem == 4 || elem == 8) &&
		    f->offset % elem == 0) {
			fprintf(out, "\t__%c%u %s[%u];\t/* %s */\n", sign, elem * 8,
			       f->name, f->array_len, f->type);
			return elem;
		}
		fprintf(out, "\t__u8 %s[%u];\t/* %s[%u] */\n", f->name, sz, f->type,
		       f->array_len);
		return 1;
	case TPBPF_FIELD_DATA_LOC:
	case TPBPF_FIELD_REL_LOC:
		if (sz == 4 && f->offset % 4 == 0) {
			fprintf(out, "\t__u32 %s;\t/* %s: (length << 16) | offset %s */\n",
			       f->name, f->type,
			       f->kind == TPBPF_FIELD_DATA_LOC ?
			       "from the record start" : "from the end of this field");
			return 4;
		}
		break;
	case TPBPF_FIELD_POINTER:
	case TPBPF_FIELD_USER_STRING:
		sign = 'u';
		/* fall through */
	case TPBPF_FIELD_INT:
		if ((sz == 1 || sz == 2 || sz == 4 || sz == 8) &&
		    f->offset % sz == 0) {
			fprintf(out, "\t__%c%u %s;\t/* %s */\n", sign, sz * 8,
			       f->name, f->type);
			return sz;
		}
		break;
	case TPBPF_FIELD_OTHER:
		break;
	}
	/* odd size or misaligned: bytes keep every later offset right */
	fprintf(out, "\t__u8 %s[%u];\t/* %s, %s */\n", f->name, sz, f->type,
	       f->kind == TPBPF_FIELD_OTHER ? "raw bytes" : "misaligned: memcpy it");
	return 1;
}

static void print_header(FILE *out, const char *cat, const char *name,
			 const struct tpbpf_format *fmt)
{
	char ident[600], macro[600];
	unsigned int i, end = 0, align = 1;
	struct utsname u;

	c_ident(cat, name, false, ident, sizeof(ident));
	c_ident(cat, name, true, macro, sizeof(macro));
	if (uname(&u) != 0)
		strcpy(u.release, "?");
	fprintf(out, "/* %s:%s record, from its tracefs format on Linux %s.\n"
	       " * Generated by: tpbpf format %s %s --header */\n",
	       cat, name, u.release, cat, name);
	fprintf(out, "#ifndef TP_%s_H\n#define TP_%s_H\n\n", macro, macro);
	fprintf(out, "#include <linux/types.h>\n\n");
	fprintf(out, "#define TP_%s_ID %d\n\n", macro, fmt->id);
	fprintf(out, "struct tp_%s {\n", ident);
	for (i = 0; i < fmt->nr_fields; i++) {
		const struct tpbpf_field *f = &fmt->fields[i];
		unsigned int a;

		if (f->offset < end) {
			fprintf(out, "\t/* %s %s: offset %u overlaps the field before */\n",
			       f->type, f->name, f->offset);
			continue;
		}
		if (f->offset > end)
			fprintf(out, "\t__u8 __pad_%u[%u];\n", end, f->offset - end);
		a = print_member(out, f, i + 1 == fmt->nr_fields);
		if (a > align)
			align = a;
		end = f->offset + f->size;
	}
	fprintf(out, "};\n\n");
	/* the compiler rounds the size up to the widest member's alignment */
	fprintf(out, "_Static_assert(sizeof(struct tp_%s) == %u,\n"
	       "\t       \"struct tp_%s does not match the %s:%s record\");\n\n",
	       ident, (end + align - 1) / align * align, ident, cat, name);
	fprintf(out, "#endif\n");
}

int cmd_format(int argc, char **argv)
{
	const char *pos[2] = { NULL, NULL };
	char cat[256], name[256];
	bool header = false, json = false, opts_done = false;
	struct tpbpf_format fmt;
	int npos = 0, err, a;

	for (a = 1; a < argc; a++) {
		const char *arg = argv[a];

		if (!opts_done && arg[0] == '-') {
			if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
				fputs(format_usage, stdout);
				return EXIT_OK;
			} else if (!strcmp(arg, "--header")) {
				header = true;
			} else if (!strcmp(arg, "--json")) {
				json = true;
			} else if (!strcmp(arg, "--")) {
				opts_done = true;
			} else {
				return tool_usage_error("format", "unknown option %s",
							arg);
			}
			continue;
		}
		if (npos == 2)
			return tool_usage_error("format", "too many arguments: %s",
						arg);
		pos[npos++] = arg;
	}
	if (header && json)
		return tool_usage_error("format", "--header and --json do not go "
					"together");
	if (!npos)
		return tool_usage_error("format", "no tracepoint: give CATEGORY "
					"NAME or CATEGORY:NAME");
	if (npos == 1) {
		if (!strpbrk(pos[0], ":/"))
			return tool_usage_error("format", "%s: give CATEGORY NAME "
						"or CATEGORY:NAME", pos[0]);
		err = tpbpf_tracepoint_parse(pos[0], cat, sizeof(cat), name,
					     sizeof(name));
		if (err)
			return tool_error("%s", tpbpf_error_detail());
	} else {
		/* checked by the library before any path is built */
		if (strlen(pos[0]) >= sizeof(cat) || strlen(pos[1]) >= sizeof(name))
			return tool_error("tracepoint name too long: at most %zu "
					  "characters", sizeof(cat) - 1);
		strcpy(cat, pos[0]);
		strcpy(name, pos[1]);
	}

	err = tpbpf_format_read(cat, name, &fmt);
	if (err)
		return tool_error("%s", tpbpf_error_detail());
	if (json)
		print_json(cat, name, &fmt);
	else if (header)
		print_header(stdout, cat, name, &fmt);
	else
		print_table(cat, name, &fmt);
	tpbpf_format_free(&fmt);
	if (fflush(stdout) != 0)
		return tool_error("cannot write the format");
	return EXIT_OK;
}

int format_write_header(FILE *f, const char *cat, const char *name)
{
	struct tpbpf_format fmt;
	int err = tpbpf_format_read(cat, name, &fmt);

	if (err)
		return err;
	print_header(f, cat, name, &fmt);
	tpbpf_format_free(&fmt);
	return ferror(f) ? -EIO : 0;
}
