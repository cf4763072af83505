/* SPDX-License-Identifier: MIT */
/*
 * tpbpf new PROJECT CATEGORY NAME [--dir DIR]: a project that builds and
 * runs at once. DIR/PROJECT/ gets
 *
 *   PROJECT.bpf.c     a program on CATEGORY:NAME that reads a few fields
 *                     at their load-time offsets (TP_READ_FIELD) and sends
 *                     an event through the perf event array "events"
 *   tp_CAT_NAME.h     the record as a C struct, from this kernel's format
 *                     (tpbpf format CAT NAME --header): field types
 *   Makefile          clang -target bpf against tpbpf's headers
 *   README.md         how to build, run and change it
 *
 * `tpbpf load PROJECT.bpf.o` prints each event of a map named "events".
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "format_header.h"
#include "tool.h"

#define MAX_FIELDS 3
#define USER_STR_LEN 64

static void usage(FILE *f)
{
	fprintf(f,
		"usage: tpbpf new PROJECT CATEGORY NAME [--dir DIR]\n"
		"       tpbpf new PROJECT CATEGORY:NAME [--dir DIR]\n\n"
		"Write DIR/PROJECT/ (DIR defaults to .): PROJECT.bpf.c, a program on the\n"
		"tracepoint that reads a few of its fields at their load-time offsets and sends\n"
		"an event to the perf event array \"events\"; tp_CATEGORY_NAME.h, the record\n"
		"layout of this kernel; a Makefile and a README.md. Then:\n\n"
		"  cd DIR/PROJECT && make && sudo tpbpf load PROJECT.bpf.o\n\n"
		"  --dir DIR   where to create the project directory\n");
}

static bool is_ident(const char *s)
{
	if (!*s || isdigit((unsigned char)*s))
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_')
			return false;
	return true;
}

static bool project_name_ok(const char *s)
{
	size_t n = strlen(s);

	if (!n || n > 64 || s[0] == '-' || s[0] == '.')
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-')
			return false;
	return true;
}

/* A field worth showing: by name first, then by position. */
static int interest(const struct tpbpf_field *f)
{
	static const char *const words[] = { "pid", "comm", "file", "name", "ret",
					     "len", "id", "cpu", "dev" };

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strstr(f->name, words[i]))
			return 2;
	return 1;
}

static bool readable(const struct tpbpf_field *f)
{
	if (f->is_common || f->name[0] == '_')
		return false;
	switch (f->kind) {
	case TPBPF_FIELD_INT:
	case TPBPF_FIELD_POINTER:
	case TPBPF_FIELD_USER_STRING:
		return f->size == 1 || f->size == 2 || f->size == 4 || f->size == 8;
	case TPBPF_FIELD_CHAR_ARRAY:
		return f->size > 0 && f->size <= 64;
	default:
		return false;
	}
}

/* Up to MAX_FIELDS fields, in record order, at most one char array. */
static size_t pick_fields(const struct tpbpf_format *fmt,
			  const struct tpbpf_field **out)
{
	size_t n = 0;
	bool chars = false;

	for (int want = 2; want >= 1; want--) {
		for (unsigned int i = 0; i < fmt->nr_fields && n < MAX_FIELDS; i++) {
			const struct tpbpf_field *f = &fmt->fields[i];
			bool taken = false;

			for (size_t k = 0; k < n; k++)
				taken |= out[k] == f;
			if (taken || !readable(f) || interest(f) != want ||
			    !is_ident(f->name) ||
			    (f->kind == TPBPF_FIELD_CHAR_ARRAY && chars))
				continue;
			chars |= f->kind == TPBPF_FIELD_CHAR_ARRAY;
			out[n++] = f;
		}
	}
	/* record order reads best */
	for (size_t i = 1; i < n; i++)
		for (size_t k = i; k > 0 && out[k - 1]->offset > out[k]->offset; k--) {
			const struct tpbpf_field *t = out[k];

			out[k] = out[k - 1];
			out[k - 1] = t;
		}
	return n;
}

static void write_program(FILE *f, const char *project, const char *cat,
			  const char *name, const struct tpbpf_field **fields,
			  size_t nf)
{
	fprintf(f,
		"/*\n"
		" * %s: one event per hit of the tracepoint %s:%s, sent to user space\n"
		" * through the perf event array \"events\". `tpbpf load %s.bpf.o` prints\n"
		" * each event as hex bytes (struct event below says what they are).\n"
		" *\n"
		" * Fields are read at their offsets on the kernel the program runs on:\n"
		" * TP_READ_FIELD() uses TP_FIELD_OFF(), a load-time constant that tpbpf\n"
		" * reads from tracefs and writes into the program before loading it.\n"
		" * tp_%s_%s.h gives the fields' types (from the kernel it was made on).\n"
		" */\n"
		"#include \"tpbpf_bpf.h\"\n"
		"#include \"tp_%s_%s.h\"\n\n",
		project, cat, name, project, cat, name, cat, name);
	fprintf(f,
		"struct bpf_map_def SEC(\"maps\") events = {\n"
		"\t.type = BPF_MAP_TYPE_PERF_EVENT_ARRAY,\n"
		"\t.key_size = sizeof(__u32),\n"
		"\t.value_size = sizeof(__u32),\n"
		"\t.max_entries = 0,\t/* tpbpf makes one slot per CPU */\n"
		"};\n\n"
		"#define FIELD_TYPE(field) __typeof__(((struct tp_%s_%s *)0)->field)\n\n"
		"struct event {\n"
		"\t__u32 pid;\t\t/* process (thread group) ID */\n"
		"\t__u32 tid;\t\t/* thread ID */\n"
		"\tchar comm[16];\t\t/* command name of the current task */\n",
		cat, name);
	for (size_t i = 0; i < nf; i++) {
		if (fields[i]->kind == TPBPF_FIELD_USER_STRING)
			fprintf(f, "\tchar %s[%d];\t/* the user string it points to */\n",
				fields[i]->name, USER_STR_LEN);
		else
			fprintf(f, "\tFIELD_TYPE(%s) %s;\t/* %s */\n", fields[i]->name,
				fields[i]->name, fields[i]->type);
	}
	fprintf(f,
		"};\n\n"
		"SEC(\"tracepoint/%s/%s\")\n"
		"int on_%s(void *ctx)\n"
		"{\n"
		"\tstruct event e;\n"
		"\t__u64 id = bpf_get_current_pid_tgid();\n",
		cat, name, name);
	for (size_t i = 0; i < nf; i++)
		if (fields[i]->kind == TPBPF_FIELD_USER_STRING)
			fprintf(f, "\t__u64 %s_ptr = 0;\n", fields[i]->name);
	fprintf(f,
		"\n"
		"\t/* zeroed: the kernel must not copy stale stack bytes out */\n"
		"\t__builtin_memset(&e, 0, sizeof(e));\n"
		"\te.pid = id >> 32;\n"
		"\te.tid = (__u32)id;\n"
		"\tbpf_get_current_comm(e.comm, sizeof(e.comm));\n");
	for (size_t i = 0; i < nf; i++) {
		const char *fn = fields[i]->name;

		if (fields[i]->kind == TPBPF_FIELD_USER_STRING)
			fprintf(f,
				"\tTP_READ_FIELD(&%s_ptr, ctx, %s, %s, %s);\n"
				"\tbpf_probe_read_user_str(e.%s, sizeof(e.%s), (const void *)%s_ptr);\n",
				fn, cat, name, fn, fn, fn, fn);
		else
			fprintf(f, "\tTP_READ_FIELD(&e.%s, ctx, %s, %s, %s);\n", fn, cat,
				name, fn);
	}
	fprintf(f,
		"\tbpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, &e, sizeof(e));\n"
		"\treturn 0;\t/* tracepoint programs return 0 */\n"
		"}\n\n"
		"char LICENSE[] SEC(\"license\") = \"GPL\";\n");
}

static void write_makefile(FILE *f, const char *project, const char *cat,
			   const char *name, const char *include_dir)
{
	fprintf(f,
		"# Builds %s.bpf.o for tpbpf. Generated by: tpbpf new %s %s %s\n"
		"#   make            build it\n"
		"#   make run        build, then sudo tpbpf load %s.bpf.o (Ctrl-C to stop)\n"
		"#   make header     regenerate tp_%s_%s.h from this kernel's format\n\n"
		"CLANG ?= $(shell command -v clang 2>/dev/null || command -v clang-14 2>/dev/null || echo clang)\n"
		"TPBPF ?= tpbpf\n"
		"MULTIARCH := $(shell gcc -print-multiarch 2>/dev/null || $(CC) -dumpmachine)\n\n"
		"# tpbpf's headers: TPBPF_INCLUDE=DIR when given, else pkg-config's when\n"
		"# tpbpf is installed, else the tree this project was made from.\n"
		"TPBPF_INCLUDE ?= %s\n"
		"ifeq ($(origin TPBPF_INCLUDE),file)\n"
		"ifeq ($(shell pkg-config --exists tpbpf 2>/dev/null && echo yes),yes)\n"
		"TPBPF_CFLAGS := $(shell pkg-config --cflags tpbpf)\n"
		"endif\n"
		"endif\n"
		"TPBPF_CFLAGS ?= -I$(TPBPF_INCLUDE)\n\n"
		"BPF_CFLAGS := -target bpf -O2 -g -Wall $(TPBPF_CFLAGS) -I. -I/usr/include/$(MULTIARCH)\n\n"
		".PHONY: all run header clean\n"
		"all: %s.bpf.o\n\n"
		"%s.bpf.o: %s.bpf.c tp_%s_%s.h\n"
		"\t$(CLANG) $(BPF_CFLAGS) -c $< -o $@\n\n"
		"run: %s.bpf.o\n"
		"\tsudo $(TPBPF) load $<\n\n"
		"header:\n"
		"\t$(TPBPF) format %s %s --header > tp_%s_%s.h\n\n"
		"clean:\n"
		"\trm -f %s.bpf.o\n",
		project, project, cat, name, project, cat, name, include_dir, project,
		project, project, cat, name, project, cat, name, cat, name, project);
}

static void write_readme(FILE *f, const char *project, const char *cat,
			 const char *name, const struct tpbpf_field **fields, size_t nf)
{
	fprintf(f,
		"# %s\n\n"
		"A BPF program on the tracepoint `%s:%s`, made by `tpbpf new %s %s %s`.\n"
		"Each time the tracepoint fires it sends an event (`struct event` in\n"
		"`%s.bpf.c`): pid, tid, comm",
		project, cat, name, project, cat, name, project);
	for (size_t i = 0; i < nf; i++)
		fprintf(f, ", `%s`", fields[i]->name);
	fprintf(f,
		".\n\n"
		"## Build and run\n\n"
		"```sh\n"
		"make\n"
		"sudo tpbpf load %s.bpf.o          # Ctrl-C to stop; -d SECS to stop by itself\n"
		"```\n\n"
		"`tpbpf load` prints every record of the perf event array named `events`\n"
		"as one line: the CPU, the size, the bytes in hex, and the printable ones.\n"
		"`tpbpf inspect %s.bpf.o` shows what the loader will do with it (maps,\n"
		"relocations, load-time constants and their values here, oldest kernel);\n"
		"add `--disasm` for the instructions.\n\n"
		"## Files\n\n"
		"- `%s.bpf.c`: the program. Fields are read with `TP_READ_FIELD()`, at\n"
		"  the offset tpbpf finds in this tracepoint's tracefs `format` file when it\n"
		"  loads the program (`TP_FIELD_OFF()`), so the object also runs on kernels\n"
		"  whose record layout differs.\n"
		"- `tp_%s_%s.h`: the record as a C struct, from the format of the kernel\n"
		"  the project was made on (`make header` regenerates it); the program\n"
		"  takes the fields' types from it.\n"
		"- `Makefile`: `clang -target bpf` with tpbpf's headers: `TPBPF_INCLUDE=DIR`\n"
		"  if you give it, else `pkg-config --cflags tpbpf` when tpbpf is installed,\n"
		"  else the source tree it was made from.\n\n"
		"## Changing it\n\n"
		"Add a field: a member `FIELD_TYPE(field) field;` in `struct event` and a\n"
		"`TP_READ_FIELD(&e.field, ctx, %s, %s, field);` line. `tpbpf format %s %s`\n"
		"lists the fields. The first 8 bytes of the record (`common_*`) are not\n"
		"readable from the program.\n",
		project, project, project, cat, name, cat, name, cat, name);
}

/* The absolute path of this tpbpf's include/ (next to build/tpbpf), or "". */
static void own_include_dir(char *buf, size_t len)
{
	char exe[PATH_MAX], try[PATH_MAX + 64], *slash;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	struct stat st;

	buf[0] = '\0';
	if (n <= 0)
		return;
	exe[n] = '\0';
	/* build/tpbpf -> include/; PREFIX/bin/tpbpf -> PREFIX/include/ */
	for (int up = 0; up < 2; up++) {
		slash = strrchr(exe, '/');
		if (!slash)
			return;
		*slash = '\0';
		snprintf(try, sizeof(try), "%s/include/tpbpf_bpf.h", exe);
		if (stat(try, &st) == 0 &&
		    snprintf(buf, len, "%s/include", exe) >= (int)len)
			buf[0] = '\0';
		if (buf[0])
			return;
	}
}

static FILE *create(const char *dir, const char *file, char *path, size_t len)
{
	FILE *f;

	if (snprintf(path, len, "%s/%s", dir, file) >= (int)len) {
		tool_error("new: path too long: %s/%s", dir, file);
		return NULL;
	}
	f = fopen(path, "w");
	if (!f)
		tool_error("new: cannot create %s: %s", path, strerror(errno));
	return f;
}

static int finish(FILE *f, const char *path)
{
	int bad = ferror(f);

	if (fclose(f) != 0 || bad)
		return tool_error("new: cannot write %s", path);
	return 0;
}

int cmd_new(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct opt_reader opt = { .cmd = "new", .shortopts = "h", .longopts = opts,
				  .usage = usage, .takes_args = true };
	const char *dir = ".", *project, *pos[3];
	char cat[256], name[256], pdir[PATH_MAX], path[PATH_MAX + 300], file[600];
	char inc[PATH_MAX];
	const struct tpbpf_field *fields[MAX_FIELDS];
	struct tpbpf_format fmt;
	size_t nf, npos = 0;
	FILE *f;
	int c, err;

	while ((c = next_opt(&opt, argc, argv)) > 0) {
		switch (c) {
		case 'D':
			dir = optarg;
			break;
		}
	}
	if (c < 0)
		return opt.rc;
	for (; optind < argc; optind++) {
		if (npos == 3)
			return tool_usage_error("new", "too many arguments: %s", argv[optind]);
		pos[npos++] = argv[optind];
	}
	if (npos < 2)
		return tool_usage_error("new", "give PROJECT CATEGORY NAME");
	project = pos[0];
	if (!project_name_ok(project))
		return tool_usage_error("new", "PROJECT '%s': use letters, digits, _ and -", project);
	if (npos == 2)
		err = tpbpf_tracepoint_parse(pos[1], cat, sizeof(cat), name, sizeof(name));
	else if (strlen(pos[1]) >= sizeof(cat) || strlen(pos[2]) >= sizeof(name))
		return tool_usage_error("new", "tracepoint name too long");
	else
		err = snprintf(cat, sizeof(cat), "%s", pos[1]) < 0 ||
		      snprintf(name, sizeof(name), "%s", pos[2]) < 0;
	if (err)
		return tool_usage_error("new", "give CATEGORY NAME or CATEGORY:NAME");
	/* The BPF-side macros paste these into C identifiers. */
	if (!is_ident(cat) || !is_ident(name))
		return tool_error("new: %s:%s: the TP_* macros need a category and name that are C identifiers",
				  cat, name);

	err = tpbpf_format_read(cat, name, &fmt);
	if (err)
		return tool_lib_error(err, "new");
	nf = pick_fields(&fmt, fields);

	if (snprintf(pdir, sizeof(pdir), "%s/%s", dir, project) >= (int)sizeof(pdir)) {
		tpbpf_format_free(&fmt);
		return tool_error("new: path too long");
	}
	/* DIR itself may be new too (one level, like the project's) */
	if ((mkdir(dir, 0755) != 0 && errno != EEXIST) ||
	    (mkdir(pdir, 0755) != 0 && errno != EEXIST)) {
		tpbpf_format_free(&fmt);
		return tool_error("new: cannot create %s: %s", pdir, strerror(errno));
	}
	snprintf(file, sizeof(file), "%s.bpf.c", project);
	if (snprintf(path, sizeof(path), "%s/%s", pdir, file) < (int)sizeof(path) &&
	    access(path, F_OK) == 0) {
		tpbpf_format_free(&fmt);
		return tool_error("new: %s exists; not overwriting it", path);
	}

	err = EXIT_FAIL;
	if (!(f = create(pdir, file, path, sizeof(path))))
		goto out;
	write_program(f, project, cat, name, fields, nf);
	if (finish(f, path))
		goto out;

	snprintf(file, sizeof(file), "tp_%s_%s.h", cat, name);
	if (!(f = create(pdir, file, path, sizeof(path))))
		goto out;
	if (format_write_header(f, cat, name) < 0) {
		fclose(f);
		tool_lib_error(-EIO, "new: %s", path);
		goto out;
	}
	if (finish(f, path))
		goto out;

	own_include_dir(inc, sizeof(inc));
	if (!inc[0])
		snprintf(inc, sizeof(inc), "/usr/local/include");
	if (!(f = create(pdir, "Makefile", path, sizeof(path))))
		goto out;
	write_makefile(f, project, cat, name, inc);
	if (finish(f, path))
		goto out;

	if (!(f = create(pdir, "README.md", path, sizeof(path))))
		goto out;
	write_readme(f, project, cat, name, fields, nf);
	if (finish(f, path))
		goto out;

	printf("created %s: %s.bpf.c, tp_%s_%s.h, Makefile, README.md\n"
	       "  cd %s && make && sudo tpbpf load %s.bpf.o\n",
	       pdir, project, cat, name, pdir, project);
	err = EXIT_OK;
out:
	tpbpf_format_free(&fmt);
	return err;
}
