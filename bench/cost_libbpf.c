/* SPDX-License-Identifier: MIT */
/* Per-event cost, libbpf side: the same programs loaded through libbpf. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "cost.h"

static struct bpf_object *obj;
static struct bpf_link *link;

static int print_fn(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return level == LIBBPF_WARN ? vfprintf(stderr, fmt, ap) : 0;
}

static int load(const char *path)
{
	int err;

	libbpf_set_print(print_fn);
	obj = bpf_object__open_file(path, NULL);
	if (!obj) {
		fprintf(stderr, "cost_libbpf: open %s: %s\n", path, strerror(errno));
		return -1;
	}
	err = bpf_object__load(obj);
	if (err) {
		fprintf(stderr, "cost_libbpf: load %s: %s\n", path, strerror(-err));
		return -1;
	}
	return 0;
}

static int attach(const char *name)
{
	struct bpf_program *p = bpf_object__find_program_by_name(obj, name);

	link = p ? bpf_program__attach(p) : NULL;
	if (!link) {
		fprintf(stderr, "cost_libbpf: attach %s: %s\n", name, strerror(errno));
		return -1;
	}
	return 0;
}

static void detach(void)
{
	bpf_link__destroy(link);
	link = NULL;
}

static int enable_stats(void)
{
	int fd = bpf_enable_stats(BPF_STATS_RUN_TIME);

	if (fd < 0)
		fprintf(stderr, "cost_libbpf: bpf_enable_stats: %s\n", strerror(-fd));
	return fd;
}

static int stats(const char *name, uint64_t *cnt, uint64_t *ns)
{
	struct bpf_program *p = bpf_object__find_program_by_name(obj, name);
	struct bpf_prog_info info;
	__u32 len = sizeof(info);

	memset(&info, 0, sizeof(info));
	if (!p || bpf_obj_get_info_by_fd(bpf_program__fd(p), &info, &len)) {
		fprintf(stderr, "cost_libbpf: prog info %s: %s\n", name, strerror(errno));
		return -1;
	}
	*cnt = info.run_cnt;
	*ns = info.run_time_ns;
	return 0;
}

int main(int argc, char **argv)
{
	static const struct cost_loader l = {
		"libbpf", load, attach, detach, enable_stats, stats,
	};

	return cost_main(&l, argc, argv);
}
