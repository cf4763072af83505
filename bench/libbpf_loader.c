/* SPDX-License-Identifier: MIT */
/*
 * The libbpf side of the load-latency and exit benchmarks: what a minimal
 * libbpf program does to get an object running. Open the object, load it,
 * open a perf_buffer on MAP when asked (as the tpbpf tool does before
 * attaching), attach every program (or the ones --attach names, to the
 * tracepoints it names), print "attached" on stderr. Then exit at once,
 * or with --wait, wait for SIGINT or SIGTERM and tear down as a libbpf
 * tool does (each link destroyed, the perf buffer freed, the object
 * closed), print "detached" and exit.
 *
 *   libbpf_loader OBJECT.o [--perf MAP] [--pages N] [--wait]
 *                 [--attach PROG=CATEGORY/NAME | PROG=raw:NAME]...
 *
 * Built only by make bench: tpbpf itself never links libbpf.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#define MAX_LINKS 4096

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

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static struct bpf_link *links[MAX_LINKS];
static int nlinks;

static int attach_one(struct bpf_program *prog, const char *target)
{
	struct bpf_link *l;

	if (nlinks == MAX_LINKS) {
		fprintf(stderr, "libbpf_loader: more than %d links\n", MAX_LINKS);
		return -1;
	}
	if (target && !strncmp(target, "raw:", 4)) {
		l = bpf_program__attach_raw_tracepoint(prog, target + 4);
	} else if (target) {
		char cat[256], *slash;

		snprintf(cat, sizeof(cat), "%s", target);
		slash = strchr(cat, '/');
		if (!slash) {
			fprintf(stderr, "libbpf_loader: --attach wants PROG=CATEGORY/NAME\n");
			return -1;
		}
		*slash = '\0';
		l = bpf_program__attach_tracepoint(prog, cat, slash + 1);
	} else {
		l = bpf_program__attach(prog);
	}
	if (!l) {
		fprintf(stderr, "libbpf_loader: attach %s%s%s: %s\n", bpf_program__name(prog),
			target ? " to " : "", target ? target : "", strerror(errno));
		return -1;
	}
	links[nlinks++] = l;
	return 0;
}

int main(int argc, char **argv)
{
	const char *perf_map = NULL;
	const char **attach = calloc((size_t)argc, sizeof(*attach));
	unsigned long pages = 64;
	struct bpf_object *obj;
	struct bpf_program *prog;
	struct perf_buffer *pb = NULL;
	int nattach = 0, err;
	bool wait = false;

	if (argc < 2 || !attach) {
		fprintf(stderr, "usage: libbpf_loader OBJECT.o [--perf MAP] [--pages N] [--wait] [--attach PROG=CAT/NAME]...\n");
		return 2;
	}
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--perf") && i + 1 < argc)
			perf_map = argv[++i];
		else if (!strcmp(argv[i], "--pages") && i + 1 < argc)
			pages = strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--attach") && i + 1 < argc)
			attach[nattach++] = argv[++i];
		else if (!strcmp(argv[i], "--wait"))
			wait = true;
		else {
			fprintf(stderr, "libbpf_loader: bad argument %s\n", argv[i]);
			return 2;
		}
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	libbpf_set_print(print_fn);
	obj = bpf_object__open_file(argv[1], NULL);
	if (!obj) {
		fprintf(stderr, "libbpf_loader: open %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	/* With --attach, only the programs it names are loaded, as a tool would. */
	if (nattach) {
		bpf_object__for_each_program(prog, obj) {
			bool named = false;

			for (int i = 0; i < nattach; i++)
				named |= !strncmp(attach[i], bpf_program__name(prog),
						  strlen(bpf_program__name(prog))) &&
					 attach[i][strlen(bpf_program__name(prog))] == '=';
			bpf_program__set_autoload(prog, named);
		}
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
	if (nattach) {
		for (int i = 0; i < nattach; i++) {
			char name[256], *eq;

			snprintf(name, sizeof(name), "%s", attach[i]);
			eq = strchr(name, '=');
			if (!eq)
				return 2;
			*eq = '\0';
			prog = bpf_object__find_program_by_name(obj, name);
			if (!prog) {
				fprintf(stderr, "libbpf_loader: no program %s\n", name);
				return 1;
			}
			if (attach_one(prog, eq + 1))
				return 1;
		}
	} else {
		bpf_object__for_each_program(prog, obj)
			if (attach_one(prog, NULL))
				return 1;
	}
	fprintf(stderr, "libbpf_loader: attached %d programs\n", nlinks);
	if (!wait)
		return 0;	/* exit tears everything down, as it does for the tpbpf process */
	while (!stop) {
		if (pb)
			perf_buffer__poll(pb, 100);
		else
			usleep(100000);
	}
	for (int i = 0; i < nlinks; i++)
		bpf_link__destroy(links[i]);
	perf_buffer__free(pb);
	bpf_object__close(obj);
	fprintf(stderr, "libbpf_loader: detached\n");
	free(attach);
	return 0;
}
