/* SPDX-License-Identifier: MIT */
/*
 * The libbpf side of the load-latency benchmark: what a minimal libbpf
 * program does to get an object running. Open the object, load it, open a
 * perf_buffer on MAP when asked (as the tpbpf tool does before attaching),
 * attach every program, print "attached" on stderr and exit.
 *
 *   libbpf_loader OBJECT.o [--perf MAP] [--pages N]
 *
 * Built only by make bench: tpbpf itself never links libbpf.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>

/* libbpf's own messages: warnings and errors only, as a tool would. */
static int print_fn(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG || level == LIBBPF_INFO)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static void on_sample(void *ctx, int cpu, void *data, __u32 size)
{
	(void)ctx; (void)cpu; (void)data; (void)size;
}

int main(int argc, char **argv)
{
	const char *perf_map = NULL;
	unsigned long pages = 64;
	struct bpf_object *obj;
	struct bpf_program *prog;
	struct perf_buffer *pb = NULL;
	int n = 0, err;

	if (argc < 2) {
		fprintf(stderr, "usage: libbpf_loader OBJECT.o [--perf MAP] [--pages N]\n");
		return 2;
	}
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--perf") && i + 1 < argc)
			perf_map = argv[++i];
		else if (!strcmp(argv[i], "--pages") && i + 1 < argc)
			pages = strtoul(argv[++i], NULL, 0);
		else {
			fprintf(stderr, "libbpf_loader: bad argument %s\n", argv[i]);
			return 2;
		}
	}
	libbpf_set_print(print_fn);
	obj = bpf_object__open_file(argv[1], NULL);
	if (!obj) {
		fprintf(stderr, "libbpf_loader: open %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	err = bpf_object__load(obj);
	if (err) {
		fprintf(stderr, "libbpf_loader: load %s: %s\n", argv[1], strerror(-err));
		return 1;
	}
	if (perf_map) {
		struct bpf_map *m = bpf_object__find_map_by_name(obj, perf_map);

		if (!m) {
			fprintf(stderr, "libbpf_loader: no map %s\n", perf_map);
			return 1;
		}
		pb = perf_buffer__new(bpf_map__fd(m), pages, on_sample, NULL, NULL, NULL);
		if (!pb) {
			fprintf(stderr, "libbpf_loader: perf_buffer__new: %s\n", strerror(errno));
			return 1;
		}
	}
	bpf_object__for_each_program(prog, obj) {
		if (!bpf_program__attach(prog)) {
			fprintf(stderr, "libbpf_loader: attach %s: %s\n",
				bpf_program__name(prog), strerror(errno));
			return 1;
		}
		n++;
	}
	fprintf(stderr, "libbpf_loader: attached %d programs\n", n);
	/* Exit tears everything down, as it does for the tpbpf process. */
	return 0;
}
