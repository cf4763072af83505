/* SPDX-License-Identifier: MIT */
/*
 * tpbpf inspect OBJECT.o [--disasm] [--json]: what the loader will do with
 * an object, without loading it. The analysis is loader/inspect.c's; this
 * file prints it, and disassembles with LLVM (llvm-mc), never by hand.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tool.h"
#include "tpbpf_inspect.h"

#define LD_IMM64 (BPF_LD | BPF_IMM | BPF_DW)
#define CALL (BPF_JMP | BPF_CALL)

static void usage(FILE *f)
{
	fprintf(f,
		"usage: tpbpf inspect OBJECT.o [--disasm] [--json] [--const NAME=VALUE]...\n\n"
		"Show what tpbpf will do with a BPF object, without loading it (no bpf() calls;\n"
		"load-time constants are read from tracefs when it is readable): programs,\n"
		"sub-programs, maps, global data, every relocation and what it becomes on this\n"
		"kernel, and the oldest kernel the object can run on, with the reasons.\n\n"
		"  --disasm             each program's instructions after relocation, disassembled\n"
		"                       with LLVM (llvm-mc; map references are 0 until loaded)\n"
		"  --json               everything as one JSON object\n"
		"  --const NAME=VALUE   value of TPBPF_CONST(NAME), as tpbpf load --const\n");
}

static const char *kind_name(enum tpbpf_prog_kind k)
{
	switch (k) {
	case TPBPF_PROG_TRACEPOINT:
		return "tracepoint";
	case TPBPF_PROG_RAW_TRACEPOINT:
		return "raw tracepoint";
	case TPBPF_PROG_OTHER:
		return "not loaded";
	case TPBPF_PROG_RAW_TRACEPOINT_WRITABLE:
		return "writable raw tracepoint";
	}
	return "?";
}

static const char *reloc_kind_name(enum tpbpf_reloc_kind k, bool json)
{
	switch (k) {
	case TPBPF_RELOC_MAP_FD:
		return json ? "map_fd" : "map fd";
	case TPBPF_RELOC_MAP_VALUE:
		return json ? "map_value" : "map value (global data)";
	case TPBPF_RELOC_CALL:
		return "call";
	case TPBPF_RELOC_CONST:
		return json ? "const" : "load-time constant";
	case TPBPF_RELOC_CORE:
		return json ? "core" : "CO-RE";
	case TPBPF_RELOC_EXTERN:
		return json ? "extern" : "weak extern";
	case TPBPF_RELOC_INVALID:
		return "invalid";
	}
	return "?";
}

static void version_text(unsigned int v, char *buf, size_t len)
{
	if (!v)
		snprintf(buf, len, "?");
	else
		snprintf(buf, len, "%u.%u", v >> 16, (v >> 8) & 0xff);
}

static const char *map_type_text(uint32_t type, char *buf, size_t len)
{
	const char *n = tpbpf_map_type_name(type);

	if (n)
		return n;
	snprintf(buf, len, "type %u", type);
	return buf;
}

/* ---- what the library reports, collected ------------------------------- */

struct reloc {
	const struct tpbpf_program *prog;
	size_t insn, sec_insn;
	char *section, *symbol, *target, *detail;
	char *text;		/* the entry in words, as -v prints it */
	enum tpbpf_reloc_kind kind;
	uint64_t value;
	int err;
};

struct req {
	unsigned int version;
	char *what, *why;
	bool optional;
};

struct subprog {
	char *name;
	size_t insn, cnt;
};

struct report {
	struct reloc *relocs;
	size_t nr_relocs;
	struct req *reqs;
	size_t nr_reqs;
	int min_version;
	bool oom;
};

static char *keep(struct report *r, const char *s)
{
	char *d = strdup(s ? s : "");

	if (!d)
		r->oom = true;
	return d;
}

static int on_reloc(void *ctx, const struct tpbpf_reloc_info *i)
{
	struct report *r = ctx;
	struct reloc *n = realloc(r->relocs, (r->nr_relocs + 1) * sizeof(*n));
	char text[1024];

	if (!n)
		return -ENOMEM;
	r->relocs = n;
	n = &r->relocs[r->nr_relocs++];
	tpbpf_reloc_describe(i, text, sizeof(text));
	*n = (struct reloc){ i->prog, i->insn, i->sec_insn, keep(r, i->section),
			     keep(r, i->symbol), keep(r, i->target), keep(r, i->detail),
			     keep(r, text), i->kind, i->value, i->err };
	return r->oom ? -ENOMEM : 0;
}

static int on_req(void *ctx, const struct tpbpf_requirement *q)
{
	struct report *r = ctx;
	struct req *n = realloc(r->reqs, (r->nr_reqs + 1) * sizeof(*n));

	if (!n)
		return -ENOMEM;
	r->reqs = n;
	r->reqs[r->nr_reqs++] = (struct req){ q->version, keep(r, q->what),
					      keep(r, q->why), q->optional };
	return r->oom ? -ENOMEM : 0;
}

/* Newest first: the first line says what sets the minimum. */
static int by_version(const void *a, const void *b)
{
	const struct req *x = a, *y = b;

	if (x->version != y->version)
		return x->version < y->version ? 1 : -1;
	return strcmp(x->what, y->what);
}

struct subprogs {
	struct subprog *v;
	size_t n;
	bool oom;
};

static int on_subprog(void *ctx, const struct tpbpf_subprog_info *s)
{
	struct subprogs *l = ctx;
	struct subprog *n = realloc(l->v, (l->n + 1) * sizeof(*n));

	if (!n)
		return -ENOMEM;
	l->v = n;
	l->v[l->n].name = strdup(s->name);
	if (!l->v[l->n].name)
		return -ENOMEM;
	l->v[l->n].insn = s->insn;
	l->v[l->n++].cnt = s->insn_cnt;
	return 0;
}

static void subprogs_free(struct subprogs *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].name);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static void report_free(struct report *r)
{
	for (size_t i = 0; i < r->nr_relocs; i++) {
		free(r->relocs[i].section);
		free(r->relocs[i].symbol);
		free(r->relocs[i].target);
		free(r->relocs[i].detail);
		free(r->relocs[i].text);
	}
	for (size_t i = 0; i < r->nr_reqs; i++) {
		free(r->reqs[i].what);
		free(r->reqs[i].why);
	}
	free(r->relocs);
	free(r->reqs);
}

/* ---- disassembly by LLVM ------------------------------------------------- */

/* llvm-mc on PATH, newest name first; TPBPF_LLVM_MC overrides. */
static char *find_llvm_mc(void)
{
	static const char *const names[] = { "llvm-mc", "llvm-mc-19", "llvm-mc-18",
					     "llvm-mc-17", "llvm-mc-16", "llvm-mc-15",
					     "llvm-mc-14", "llvm-mc-13" };
	const char *env = getenv("TPBPF_LLVM_MC"), *path = getenv("PATH");
	char buf[4096];

	if (env && env[0])
		return access(env, X_OK) == 0 ? strdup(env) : NULL;
	if (!path)
		path = "/usr/bin:/bin";
	for (size_t n = 0; n < sizeof(names) / sizeof(names[0]); n++) {
		for (const char *p = path; *p;) {
			const char *end = strchr(p, ':');
			size_t len = end ? (size_t)(end - p) : strlen(p);

			if (len && snprintf(buf, sizeof(buf), "%.*s/%s", (int)len, p,
					    names[n]) < (int)sizeof(buf) &&
			    access(buf, X_OK) == 0)
				return strdup(buf);
			p += len + (end ? 1 : 0);
		}
	}
	return NULL;
}

/* A temporary file, already unlinked; NULL on failure. */
static FILE *temp_file(void)
{
	char tmpl[] = "/tmp/tpbpf-inspect-XXXXXX";
	int fd = mkstemp(tmpl);
	FILE *f;

	if (fd < 0)
		return NULL;
	unlink(tmpl);
	f = fdopen(fd, "w+");
	if (!f)
		close(fd);
	return f;
}

/*
 * Disassemble CNT instructions with llvm-mc: TEXT[i] gets the text of
 * instruction i ("" for the second half of an ld_imm64, NULL when llvm-mc
 * did not decode it). Returns 0, or -1 with WHY set.
 *
 * Each instruction goes on its own input line, so the line numbers of
 * llvm-mc's "invalid instruction encoding" warnings say which ones it
 * skipped, and the rest of its output lines follow in order.
 */
static int llvm_disasm(const struct bpf_insn *insns, size_t cnt, char **text,
		       const char **why)
{
	char *mc = find_llvm_mc(), line[1024];
	size_t *first = calloc(cnt + 1, sizeof(*first));	/* input line -> insn */
	bool *failed = calloc(cnt + 2, sizeof(*failed));
	size_t nlines = 0, next = 0;
	FILE *in = NULL, *out = NULL, *err = NULL;
	int pipefd[2] = { -1, -1 }, status, rc = -1;
	pid_t pid;

	*why = NULL;
	if (!mc) {
		*why = "llvm-mc not found (install llvm, or set TPBPF_LLVM_MC)";
		goto out;
	}
	if (!first || !failed || !(in = temp_file()) || !(err = temp_file()) ||
	    pipe(pipefd)) {
		*why = "cannot create a temporary file or a pipe";
		goto out;
	}
	for (size_t i = 0; i < cnt; i++) {
		const unsigned char *b = (const unsigned char *)&insns[i];
		size_t n = insns[i].code == LD_IMM64 && i + 1 < cnt ? 16 : 8;

		first[nlines++] = i;
		for (size_t j = 0; j < n; j++)
			fprintf(in, "0x%02x%c", b[j], j + 1 == n ? '\n' : ' ');
		if (n == 16)
			i++;
	}
	fflush(in);
	rewind(in);
	pid = fork();
	if (pid == 0) {
		dup2(fileno(in), 0);
		dup2(pipefd[1], 1);
		dup2(fileno(err), 2);
		close(pipefd[0]);
		execl(mc, mc, "--disassemble", "-triple=bpfel", (char *)NULL);
		_exit(127);
	}
	close(pipefd[1]);
	pipefd[1] = -1;
	if (pid < 0) {
		*why = "fork failed";
		goto out;
	}
	out = fdopen(pipefd[0], "r");
	if (out)
		pipefd[0] = -1;
	/* Read it all first: which lines failed is known only at the end. */
	{
		char **lines = calloc(nlines + 1, sizeof(*lines));
		size_t nout = 0;

		while (out && lines && fgets(line, sizeof(line), out)) {
			char *s = line, *e;

			while (*s == ' ' || *s == '\t')
				s++;
			e = s + strlen(s);
			while (e > s && (e[-1] == '\n' || e[-1] == ' ' || e[-1] == '\t'))
				*--e = '\0';
			if (!*s || *s == '.' || nout == nlines)
				continue;	/* ".text" */
			for (char *p = s; *p; p++)
				if (*p == '\t')
					*p = ' ';
			lines[nout++] = strdup(s);
		}
		if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
		    WEXITSTATUS(status) == 127) {
			*why = "llvm-mc did not run";
		} else {
			rewind(err);
			while (fgets(line, sizeof(line), err)) {
				unsigned long l;

				if (sscanf(line, "<stdin>:%lu:", &l) == 1 && l >= 1 && l <= nlines)
					failed[l - 1] = true;
			}
			for (size_t l = 0; l < nlines; l++) {
				size_t i = first[l];

				if (failed[l] || next >= nout)
					continue;
				text[i] = lines[next];
				lines[next++] = NULL;
				if (insns[i].code == LD_IMM64 && i + 1 < cnt)
					text[i + 1] = strdup("");
			}
			rc = 0;
		}
		for (size_t k = 0; lines && k < nout; k++)
			free(lines[k]);
		free(lines);
	}
out:
	if (out)
		fclose(out);
	if (pipefd[0] >= 0)
		close(pipefd[0]);
	if (pipefd[1] >= 0)
		close(pipefd[1]);
	if (in)
		fclose(in);
	if (err)
		fclose(err);
	free(first);
	free(failed);
	free(mc);
	return rc;
}

/* What an instruction refers to, after relocation: "map counts", ... */
static void annotate(const struct report *r,
		     const struct tpbpf_program *prog, const struct bpf_insn *insns,
		     size_t i, char *buf, size_t len)
{
	const struct bpf_insn *in = &insns[i];

	buf[0] = '\0';
	/* The plan says what an instruction refers to; helpers say themselves. */
	for (size_t k = 0; k < r->nr_relocs; k++) {
		const struct reloc *x = &r->relocs[k];

		if (x->prog != prog || x->insn != i)
			continue;
		switch (x->kind) {
		case TPBPF_RELOC_MAP_FD:
			snprintf(buf, len, "map %s", x->target);
			break;
		case TPBPF_RELOC_MAP_VALUE:
			snprintf(buf, len, "map %s value + %llu", x->target,
				 (unsigned long long)x->value);
			break;
		case TPBPF_RELOC_CONST:
			snprintf(buf, len, "%s", x->target);
			break;
		case TPBPF_RELOC_CALL:
			snprintf(buf, len, "bpf-to-bpf call of %s", x->target);
			break;
		default:
			snprintf(buf, len, "refused: %s", x->detail);
		}
		return;
	}
	if (in->code == CALL && in->src_reg == 0) {
		const char *h = tpbpf_helper_name((uint32_t)in->imm);

		snprintf(buf, len, "bpf_%s", h ? h : "?");
	}
}

struct disasm {
	char **text;		/* per instruction, see llvm_disasm() */
	char **note;		/* annotation, "" if none */
	const struct bpf_insn *insns;
	size_t cnt;
	const char *why;	/* not disassembled, or relocation failed */
	char why_buf[512];
	bool relocated;
};

static void disasm_free(struct disasm *d)
{
	for (size_t i = 0; i < d->cnt; i++) {
		if (d->text)
			free(d->text[i]);
		if (d->note)
			free(d->note[i]);
	}
	free(d->text);
	free(d->note);
}

static void disasm_program(const struct report *r, struct tpbpf_program *prog,
			   struct disasm *d)
{
	char note[256];
	int err;

	memset(d, 0, sizeof(*d));
	err = tpbpf_program_layout(prog);
	if (err)
		snprintf(d->why_buf, sizeof(d->why_buf), "not laid out (%s): instructions as in the object",
			 tpbpf_error_detail());
	/* Constants the plan could not resolve here are left 0: say so. */
	for (size_t k = 0; !err && k < r->nr_relocs; k++) {
		if (r->relocs[k].prog != prog || !r->relocs[k].err)
			continue;
		err = r->relocs[k].err;
		snprintf(d->why_buf, sizeof(d->why_buf), "not fully relocated: %s at insn %zu is unresolved (shown as 0); see the relocations",
			 r->relocs[k].target, r->relocs[k].insn);
	}
	d->relocated = !err;
	d->insns = tpbpf_program_insns(prog, &d->cnt);
	d->text = calloc(d->cnt + 1, sizeof(*d->text));
	d->note = calloc(d->cnt + 1, sizeof(*d->note));
	if (!d->text || !d->note) {
		d->why = "out of memory";
		return;
	}
	if (llvm_disasm(d->insns, d->cnt, d->text, &d->why) == 0 && err)
		d->why = d->why_buf;
	for (size_t i = 0; i < d->cnt; i++) {
		annotate(r, prog, d->insns, i, note, sizeof(note));
		d->note[i] = strdup(note);
	}
}

/* ---- text output ------------------------------------------------------------ */

static void print_text(struct tpbpf_object *obj, const char *path, struct report *r,
		       bool disasm)
{
	char v[32], tb[32];

	printf("object %s (license %s)\n", path, tpbpf_object_license(obj)[0] ?
	       tpbpf_object_license(obj) : "none: GPL-only helpers are refused");
	for (size_t i = 0; i < tpbpf_object_warning_count(obj); i++)
		printf("warning: %s\n", tpbpf_object_warning(obj, i));
	printf("\nprograms:\n");
	for (size_t p = 0; p < tpbpf_object_program_count(obj); p++) {
		struct tpbpf_program *prog = tpbpf_object_program(obj, p);
		struct subprogs s = { 0 };
		size_t own;
		int total;

		tpbpf_program_insns(prog, &own);
		total = tpbpf_program_describe_subprogs(prog, on_subprog, &s);
		if (tpbpf_program_skip_reason(prog))
			printf("  %s\n    section %s, not loaded: %s\n", tpbpf_program_name(prog),
			       tpbpf_program_section(prog), tpbpf_program_skip_reason(prog));
		else
			printf("  %s\n    section %s, %s, attach target %s\n", tpbpf_program_name(prog),
			       tpbpf_program_section(prog), kind_name(tpbpf_program_kind(prog)),
			       tpbpf_program_target(prog)[0] ? tpbpf_program_target(prog) :
			       "none in the section (give --attach PROG=CAT/NAME)");
		if (total >= 0)
			printf("    %d instructions: %zu of its own, %d from .text\n", total, own,
			       total - (int)own);
		for (size_t i = 0; i < s.n; i++)
			printf("    sub-program %s: %zu instructions, at %zu\n", s.v[i].name,
			       s.v[i].cnt, s.v[i].insn);
		subprogs_free(&s);
	}

	printf("\nmaps:\n");
	if (!tpbpf_object_map_count(obj))
		printf("  none\n");
	for (size_t i = 0; i < tpbpf_object_map_count(obj); i++) {
		struct tpbpf_map *m = tpbpf_object_map(obj, i);

		printf("  %-16s %-17s key %u value %u max_entries %u%s flags 0x%x  from %s\n",
		       tpbpf_map_name(m), map_type_text(tpbpf_map_type(m), tb, sizeof(tb)),
		       tpbpf_map_key_size(m), tpbpf_map_value_size(m), tpbpf_map_max_entries(m),
		       tpbpf_map_type(m) == BPF_MAP_TYPE_PERF_EVENT_ARRAY &&
		       !tpbpf_map_max_entries(m) ? " (one per CPU)" : "",
		       tpbpf_map_flags(m),
		       tpbpf_map_is_global_data(m) ? "global data" : "the maps section");
	}

	printf("\nglobal data:\n");
	{
		bool any = false;

		for (size_t i = 0; i < tpbpf_object_map_count(obj); i++) {
			struct tpbpf_map *m = tpbpf_object_map(obj, i);

			if (!tpbpf_map_is_global_data(m))
				continue;
			any = true;
			printf("  section %s: %u bytes -> single-entry array map%s\n",
			       tpbpf_map_name(m), tpbpf_map_value_size(m),
			       tpbpf_map_flags(m) & BPF_F_RDONLY_PROG ? ", read-only for programs" : "");
		}
		if (!any)
			printf("  none\n");
	}

	printf("\nrelocations (instruction numbers are in the relocated program):\n");
	if (!r->nr_relocs)
		printf("  none\n");
	for (size_t i = 0; i < r->nr_relocs; i++) {
		const struct reloc *x = &r->relocs[i];

		printf("  %s insn %zu (%s %zu): %s\n", tpbpf_program_name(x->prog), x->insn,
		       x->section, x->sec_insn, x->text);
	}

	version_text((unsigned int)r->min_version, v, sizeof(v));
	printf("\noldest kernel: %s%s\n", v, r->nr_reqs && !r->reqs[0].optional ?
	       " (needed by the first line below)" : "");
	for (size_t i = 0; i < r->nr_reqs; i++) {
		if (r->reqs[i].optional)
			continue;
		version_text(r->reqs[i].version, v, sizeof(v));
		printf("  %-5s %s: %s\n", v, r->reqs[i].what, r->reqs[i].why);
	}
	printf("used when the kernel has it (tpbpf falls back otherwise):\n");
	for (size_t i = 0; i < r->nr_reqs; i++) {
		if (!r->reqs[i].optional)
			continue;
		version_text(r->reqs[i].version, v, sizeof(v));
		printf("  %-5s %s: %s\n", v, r->reqs[i].what, r->reqs[i].why);
	}
	printf("rewrites on this kernel: none\n");

	for (size_t p = 0; disasm && p < tpbpf_object_program_count(obj); p++) {
		struct tpbpf_program *prog = tpbpf_object_program(obj, p);
		struct disasm d;

		disasm_program(r, prog, &d);
		printf("\ndisassembly of %s (%s):\n", tpbpf_program_name(prog),
		       d.relocated ? "after relocation; map references are 0 until the object is loaded" :
		       "not relocated");
		if (d.why)
			printf("  (%s)\n", d.why);
		for (size_t i = 0; d.text && i < d.cnt; i++) {
			if (d.text[i] && !d.text[i][0])
				continue;	/* second half of an ld_imm64 */
			if (d.note && d.note[i] && d.note[i][0])
				printf("  %4zu: %-40s ; %s\n", i,
				       d.text[i] ? d.text[i] : "(not decoded by llvm-mc)", d.note[i]);
			else
				printf("  %4zu: %s\n", i,
				       d.text[i] ? d.text[i] : "(not decoded by llvm-mc)");
		}
		disasm_free(&d);
	}
}

/* ---- JSON output ------------------------------------------------------------ */

static void print_json(struct tpbpf_object *obj, const char *path, struct report *r,
		       bool disasm)
{
	char v[32], tb[32];

	printf("{\"object\":");
	print_json_cstring(stdout, path);
	printf(",\"license\":");
	print_json_cstring(stdout, tpbpf_object_license(obj));
	printf(",\"programs\":[");
	for (size_t p = 0; p < tpbpf_object_program_count(obj); p++) {
		struct tpbpf_program *prog = tpbpf_object_program(obj, p);
		struct subprogs s = { 0 };
		size_t own;
		int total;

		tpbpf_program_insns(prog, &own);
		total = tpbpf_program_describe_subprogs(prog, on_subprog, &s);
		printf("%s{\"name\":", p ? "," : "");
		print_json_cstring(stdout, tpbpf_program_name(prog));
		printf(",\"section\":");
		print_json_cstring(stdout, tpbpf_program_section(prog));
		printf(",\"kind\":");
		print_json_cstring(stdout, kind_name(tpbpf_program_kind(prog)));
		printf(",\"target\":");
		print_json_cstring(stdout, tpbpf_program_target(prog));
		printf(",\"not_loaded\":");
		print_json_cstring(stdout, tpbpf_program_skip_reason(prog));
		printf(",\"own_insns\":%zu,\"insns\":%d,\"subprograms\":[", own, total);
		for (size_t i = 0; i < s.n; i++) {
			printf("%s{\"name\":", i ? "," : "");
			print_json_cstring(stdout, s.v[i].name);
			printf(",\"insn\":%zu,\"insns\":%zu}", s.v[i].insn, s.v[i].cnt);
		}
		printf("]");
		subprogs_free(&s);
		if (disasm) {
			struct disasm d;
			bool first = true;

			disasm_program(r, prog, &d);
			printf(",\"relocated\":%s,\"disasm_note\":", d.relocated ? "true" : "false");
			print_json_cstring(stdout, d.why);
			printf(",\"disasm\":[");
			for (size_t i = 0; d.text && i < d.cnt; i++) {
				if (d.text[i] && !d.text[i][0])
					continue;
				printf("%s{\"insn\":%zu,\"text\":", first ? "" : ",", i);
				first = false;
				print_json_cstring(stdout, d.text[i]);
				printf(",\"note\":");
				print_json_cstring(stdout, d.note && d.note[i] ? d.note[i] : "");
				printf("}");
			}
			printf("]");
			disasm_free(&d);
		}
		printf("}");
	}
	printf("],\"maps\":[");
	for (size_t i = 0; i < tpbpf_object_map_count(obj); i++) {
		struct tpbpf_map *m = tpbpf_object_map(obj, i);

		printf("%s{\"name\":", i ? "," : "");
		print_json_cstring(stdout, tpbpf_map_name(m));
		printf(",\"type\":");
		print_json_cstring(stdout, map_type_text(tpbpf_map_type(m), tb, sizeof(tb)));
		printf(",\"key_size\":%u,\"value_size\":%u,\"max_entries\":%u,\"flags\":%u,"
		       "\"origin\":\"%s\"}", tpbpf_map_key_size(m), tpbpf_map_value_size(m),
		       tpbpf_map_max_entries(m), tpbpf_map_flags(m),
		       tpbpf_map_is_global_data(m) ? "global_data" : "maps_section");
	}
	printf("],\"global_data\":[");
	{
		bool first = true;

		for (size_t i = 0; i < tpbpf_object_map_count(obj); i++) {
			struct tpbpf_map *m = tpbpf_object_map(obj, i);

			if (!tpbpf_map_is_global_data(m))
				continue;
			printf("%s{\"section\":", first ? "" : ",");
			first = false;
			print_json_cstring(stdout, tpbpf_map_name(m));
			printf(",\"size\":%u,\"read_only\":%s}", tpbpf_map_value_size(m),
			       tpbpf_map_flags(m) & BPF_F_RDONLY_PROG ? "true" : "false");
		}
	}
	printf("],\"relocations\":[");
	for (size_t i = 0; i < r->nr_relocs; i++) {
		const struct reloc *x = &r->relocs[i];

		printf("%s{\"program\":", i ? "," : "");
		print_json_cstring(stdout, tpbpf_program_name(x->prog));
		printf(",\"insn\":%zu,\"section\":", x->insn);
		print_json_cstring(stdout, x->section);
		printf(",\"section_insn\":%zu,\"kind\":\"%s\",\"symbol\":", x->sec_insn,
		       reloc_kind_name(x->kind, true));
		print_json_cstring(stdout, x->symbol);
		printf(",\"target\":");
		print_json_cstring(stdout, x->target);
		if (x->err) {
			printf(",\"resolved\":false,\"error\":");
			print_json_cstring(stdout, x->detail);
		} else {
			printf(",\"resolved\":true,\"value\":%llu", (unsigned long long)x->value);
		}
		printf("}");
	}
	version_text((unsigned int)r->min_version, v, sizeof(v));
	printf("],\"min_kernel\":\"%s\",\"requirements\":[", v);
	for (size_t i = 0; i < r->nr_reqs; i++) {
		version_text(r->reqs[i].version, v, sizeof(v));
		printf("%s{\"kernel\":\"%s\",\"what\":", i ? "," : "", v);
		print_json_cstring(stdout, r->reqs[i].what);
		printf(",\"why\":");
		print_json_cstring(stdout, r->reqs[i].why);
		printf(",\"optional\":%s}", r->reqs[i].optional ? "true" : "false");
	}
	printf("],\"rewrites\":[]}\n");
}

int cmd_inspect(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "disasm", no_argument, NULL, 'D' },
		{ "json", no_argument, NULL, 'J' },
		{ "const", required_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct opt_reader opt = { .cmd = "inspect", .shortopts = "h", .longopts = opts,
				  .usage = usage, .takes_args = true };
	const char **consts = calloc((size_t)argc + 1, sizeof(*consts));
	bool disasm = false, json = false;
	struct tpbpf_object *obj = NULL;
	struct report r = { 0 };
	size_t nconsts = 0;
	int c, err, rc = EXIT_FAIL;

	if (!consts)
		return tool_error("out of memory");
	while ((c = next_opt(&opt, argc, argv)) > 0) {
		switch (c) {
		case 'D':
			disasm = true;
			break;
		case 'J':
			json = true;
			break;
		case 'C':
			consts[nconsts++] = optarg;
			break;
		}
	}
	if (c < 0) {
		rc = opt.rc;
		goto out;
	}
	if ((rc = open_object_arg("inspect", argc, argv, &obj)) != 0 ||
	    (rc = apply_options(const_option, "inspect", obj, consts, nconsts)) != 0)
		goto out;
	rc = EXIT_FAIL;
	err = tpbpf_object_describe_relocs(obj, on_reloc, &r);
	if (err >= 0)
		err = r.min_version = tpbpf_object_requirements(obj, on_req, &r);
	if (err < 0) {
		rc = tool_lib_error(err, "inspect %s", argv[optind]);
		goto out;
	}
	if (r.nr_reqs)
		qsort(r.reqs, r.nr_reqs, sizeof(*r.reqs), by_version);
	if (json)
		print_json(obj, argv[optind], &r, disasm);
	else
		print_text(obj, argv[optind], &r, disasm);
	rc = fflush(stdout) == 0 ? EXIT_OK : tool_error("cannot write the output");
out:
	report_free(&r);
	tpbpf_object_close(obj);
	free(consts);
	return rc;
}
