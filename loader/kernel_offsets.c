/* SPDX-License-Identifier: MIT */
/*
 * Offsets of kernel struct fields, the load-time constant KERNEL_OFF(st, f)
 * ("tpbpf.kern_off:STRUCT/FIELD"). Raw tracepoint programs get pointers to
 * kernel structs and read them with bpf_probe_read_kernel(); where a field
 * sits depends on the kernel's version and config.
 *
 * Sources, in this order:
 *   1. an offsets file (tpbpf_set_kernel_offsets_file), "struct.field N"
 *      lines, which `tpbpf offsets --from-headers DIR` writes;
 *   2. /sys/kernel/btf/vmlinux, only when the kernel has it, read by
 *      btf.c.
 * Nothing else: a guess would be a wrong read, silently.
 */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "btf.h"
#include "internal.h"

/* Larger than any kernel struct; a bigger number is a typo. */
#define MAX_OFFSET (1ULL << 24)
#define MAX_NAME 127

struct offset_entry {
	char *st;
	char *field;
	uint64_t offset;
	unsigned int line;
};

static struct {
	char *path;
	struct offset_entry *v;
	size_t n;
} file;

static struct {
	const char *path;	/* NULL: the running kernel's */
	bool tried;
	int err;		/* why it could not be read */
	char detail[512];
	struct tpbpf_btf *btf;
} kbtf;

static void file_clear(void)
{
	for (size_t i = 0; i < file.n; i++) {
		free(file.v[i].st);
		free(file.v[i].field);
	}
	free(file.v);
	free(file.path);
	memset(&file, 0, sizeof(file));
}

/* A C identifier of at most MAX_NAME characters. */
static bool is_ident(const char *s, size_t len)
{
	if (len == 0 || len > MAX_NAME || !(isalpha((unsigned char)s[0]) || s[0] == '_'))
		return false;
	for (size_t i = 1; i < len; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_')
			return false;
	return true;
}

static const struct offset_entry *file_find(const char *st, const char *field)
{
	for (size_t i = 0; i < file.n; i++)
		if (strcmp(file.v[i].st, st) == 0 && strcmp(file.v[i].field, field) == 0)
			return &file.v[i];
	return NULL;
}

/* One line without its '\n'; 0 if blank/comment, 1 if an entry, <0 bad. */
static int parse_line(const char *path, unsigned int no, char *line,
		      struct offset_entry *e)
{
	char *p = line, *key, *dot, *num, *end;
	unsigned long long v;

	if (strchr(line, '\r'))
		*strchr(line, '\r') = '\0';	/* tolerate CRLF files */
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '\0' || *p == '#')
		return 0;
	key = p;
	while (*p && *p != ' ' && *p != '\t')
		p++;
	if (!*p)
		return tpbpf_err(EINVAL, "%s:%u: want \"struct.field offset\", got no offset", path, no);
	*p++ = '\0';
	dot = strchr(key, '.');
	if (!dot || !is_ident(key, (size_t)(dot - key)) || !is_ident(dot + 1, strlen(dot + 1)))
		return tpbpf_err(EINVAL, "%s:%u: \"%s\" is not STRUCT.FIELD (C identifiers)", path, no, key);
	*dot = '\0';
	while (*p == ' ' || *p == '\t')
		p++;
	num = p;
	while (*p && *p != ' ' && *p != '\t' && *p != '#')
		p++;
	end = p;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p && *p != '#')
		return tpbpf_err(EINVAL, "%s:%u: unexpected text after the offset: \"%s\"", path, no, p);
	*end = '\0';
	if (!isdigit((unsigned char)num[0]))
		return tpbpf_err(EINVAL, "%s:%u: offset \"%s\" is not a number", path, no, num);
	errno = 0;
	v = strtoull(num, &end, 0);
	if (errno || *end)
		return tpbpf_err(EINVAL, "%s:%u: offset \"%s\" is not a number", path, no, num);
	if (v >= MAX_OFFSET)
		return tpbpf_err(ERANGE, "%s:%u: offset %llu is too large for a struct field", path, no, v);
	e->st = key;
	e->field = dot + 1;
	e->offset = v;
	e->line = no;
	return 1;
}

static int file_add(const struct offset_entry *e, const char *path)
{
	const struct offset_entry *old = file_find(e->st, e->field);
	struct offset_entry *nv;

	if (old)
		return tpbpf_err(EINVAL, "%s:%u: %s.%s is already given on line %u",
				 path, e->line, e->st, e->field, old->line);
	nv = realloc(file.v, (file.n + 1) * sizeof(*nv));
	if (!nv)
		return tpbpf_err(ENOMEM, "out of memory");
	file.v = nv;
	nv[file.n].st = strdup(e->st);
	nv[file.n].field = strdup(e->field);
	nv[file.n].offset = e->offset;
	nv[file.n].line = e->line;
	if (!nv[file.n].st || !nv[file.n].field) {
		free(nv[file.n].st);
		free(nv[file.n].field);
		return tpbpf_err(ENOMEM, "out of memory");
	}
	file.n++;
	return 0;
}

int tpbpf_set_kernel_offsets_file(const char *path)
{
	char *text, *line, *next;
	unsigned int no = 0;
	size_t len;
	int err;

	file_clear();
	if (!path)
		return 0;
	err = tpbpf_read_file(path, &text, &len);
	if (err)
		return tpbpf_err_prefix(-err, "offsets file: ");
	if (memchr(text, '\0', len)) {
		free(text);
		return tpbpf_err(EINVAL, "%s: not a text file (it holds a NUL byte)", path);
	}
	for (line = text; line && *line; line = next) {
		struct offset_entry e = { 0 };

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		no++;
		err = parse_line(path, no, line, &e);
		if (err > 0)
			err = file_add(&e, path);
		if (err < 0)
			break;
	}
	free(text);
	if (err < 0) {
		file_clear();
		return err;
	}
	file.path = strdup(path);
	if (!file.path) {
		file_clear();
		return tpbpf_err(ENOMEM, "out of memory");
	}
	tpbpf_log("offsets file %s: %zu field offsets", path, file.n);
	return 0;
}

void tpbpf_kernel_offsets_set_btf_path(const char *path)
{
	tpbpf_btf_free(kbtf.btf);
	memset(&kbtf, 0, sizeof(kbtf));
	kbtf.path = path;
}

/* The kernel's BTF, read once; NULL with kbtf.err set if there is none. */
static struct tpbpf_btf *kernel_btf(void)
{
	const char *path = kbtf.path ? kbtf.path : TPBPF_KERNEL_BTF_PATH;
	size_t len;

	if (kbtf.tried)
		return kbtf.btf;
	kbtf.tried = true;
	/* A test's own file stands in for the kernel's; forcing applies to the kernel's. */
	if (!kbtf.path && tpbpf_feature_present(TPBPF_FEAT_KERNEL_BTF) != 1) {
		kbtf.err = -ENOENT;
		snprintf(kbtf.detail, sizeof(kbtf.detail), "%s is absent%s", path,
			 tpbpf_feature_forced(TPBPF_FEAT_KERNEL_BTF) ? " (forced: TPBPF_FORCE_ABSENT)" : "");
		return NULL;
	}
	if (access(path, F_OK) != 0) {
		kbtf.err = -ENOENT;
		snprintf(kbtf.detail, sizeof(kbtf.detail), "%s is absent", path);
		return NULL;
	}
	kbtf.err = tpbpf_btf_parse_file(path, &kbtf.btf);
	if (kbtf.err) {
		snprintf(kbtf.detail, sizeof(kbtf.detail), "%s", tpbpf_error_detail());
		return NULL;
	}
	tpbpf_btf_data(kbtf.btf, &len);
	tpbpf_log("read kernel BTF %s: %zu bytes, %u types", path, len, tpbpf_btf_type_count(kbtf.btf));
	return kbtf.btf;
}

const struct tpbpf_btf *tpbpf_kernel_btf(void)
{
	return kernel_btf();
}

const char *tpbpf_kernel_offsets_path(void)
{
	return file.path;
}

int tpbpf_kernel_offsets_file_lookup(const char *st, const char *field, uint64_t *offset)
{
	const struct offset_entry *e = file_find(st, field);

	if (!e)
		return -ENOENT;
	*offset = e->offset;
	tpbpf_log("kernel offset %s.%s = %llu (offsets file %s, line %u)", st, field,
		  (unsigned long long)e->offset, file.path, e->line);
	return 0;
}

static int missing(const char *st, const char *field, const char *why)
{
	return tpbpf_err(ENOENT, "no offset known for struct %s field %s (%s); supply it with an offsets file: tpbpf --offsets FILE ..., write one with 'tpbpf offsets --from-headers DIR --struct %s.%s > FILE' (DIR: this kernel's build or headers tree), or run a kernel with BTF (CONFIG_DEBUG_INFO_BTF=y)",
			 st, field, why, st, field);
}

int tpbpf_kernel_offset(const char *st, const char *field, uint64_t *offset)
{
	const struct offset_entry *e;
	char why[600];
	struct tpbpf_btf *btf;
	int err;

	if (!is_ident(st, strlen(st)) || !is_ident(field, strlen(field)))
		return tpbpf_err(EINVAL, "kernel struct offset: \"%s.%s\" is not STRUCT.FIELD", st, field);
	e = file_find(st, field);
	if (e) {
		*offset = e->offset;
		tpbpf_log("kernel offset %s.%s = %llu (offsets file %s, line %u)", st, field,
			  (unsigned long long)e->offset, file.path, e->line);
		return 0;
	}
	btf = kernel_btf();
	if (btf) {
		err = tpbpf_btf_field_offset(btf, st, field, offset);
		if (err == -ENOENT) {
			snprintf(why, sizeof(why), "%s%s%s%s", file.path ? "not in " : "",
				 file.path ? file.path : "", file.path ? "; " : "",
				 tpbpf_error_detail());
			return missing(st, field, why);
		}
		if (err)
			return err;
		tpbpf_log("kernel offset %s.%s = %llu (kernel BTF)", st, field,
			  (unsigned long long)*offset);
		return 0;
	}
	if (file.path)
		snprintf(why, sizeof(why), "not in %s; %s", file.path, kbtf.detail);
	else
		snprintf(why, sizeof(why), "no offsets file given; %s", kbtf.detail);
	return missing(st, field, why);
}
