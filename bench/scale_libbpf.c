/* SPDX-License-Identifier: MIT */
/* Attach scaling, libbpf side: bpf_program__attach_tracepoint() N times. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "scale.h"

#define MAX_LINKS 2048

static struct bpf_object *obj;
static struct bpf_program *prog;
static struct bpf_link *links[MAX_LINKS];
static int nlinks;

static int print_fn(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return level == LIBBPF_WARN ? vfprintf(stderr, fmt, ap) : 0;
}

static int load(const char *path, const char *name)
{
	int err;

	libbpf_set_print(print_fn);
	obj = bpf_object__open_file(path, NULL);
	if (!obj) {
		fprintf(stderr, "scale_libbpf: open %s: %s\n", path, strerror(errno));
		return -1;
	}
	err = bpf_object__load(obj);
	if (err) {
		fprintf(stderr, "scale_libbpf: load %s: %s\n", path, strerror(-err));
		return -1;
	}
	prog = bpf_object__find_program_by_name(obj, name);
	return prog ? 0 : -1;
}

static int attach(const char *category, const char *name)
{
	struct bpf_link *link;

	if (nlinks == MAX_LINKS)
		return -1;
	link = bpf_program__attach_tracepoint(prog, category, name);
	if (!link) {
		fprintf(stderr, "scale_libbpf: attach %s:%s: %s\n", category, name,
			strerror(errno));
		return -1;
	}
	links[nlinks++] = link;
	return 0;
}

static void detach_all(void)
{
	while (nlinks)
		bpf_link__destroy(links[--nlinks]);
}

int main(int argc, char **argv)
{
	static const struct scale_loader l = { "libbpf", load, attach, detach_all };

	return scale_main(&l, argc, argv);
}
