/* SPDX-License-Identifier: MIT */
/* Per-event cost, tpbpf side: the programs loaded through libtpbpf.a. */
#include <stdio.h>

#include "cost.h"
#include "tpbpf.h"

static struct tpbpf_object *obj;

static int fail(const char *what)
{
	fprintf(stderr, "cost_tpbpf: %s: %s\n", what, tpbpf_error_detail());
	return -1;
}

static int load(const char *path)
{
	if (tpbpf_object_open_file(path, &obj))
		return fail("open");
	if (tpbpf_object_load(obj))
		return fail("load");
	return 0;
}

static int attach(const char *name)
{
	struct tpbpf_program *p = tpbpf_object_find_program(obj, name);

	if (!p) {
		fprintf(stderr, "cost_tpbpf: no program %s\n", name);
		return -1;
	}
	return tpbpf_program_attach(p, NULL, NULL) ? fail(name) : 0;
}

static void detach(void)
{
	tpbpf_object_detach(obj);
}

static int enable_stats(void)
{
	int fd = tpbpf_enable_stats();

	return fd < 0 ? fail("enable stats") : fd;
}

static int stats(const char *name, uint64_t *cnt, uint64_t *ns)
{
	struct tpbpf_program *p = tpbpf_object_find_program(obj, name);

	if (!p || tpbpf_program_stats(p, cnt, ns))
		return fail(name);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct cost_loader l = {
		"tpbpf", load, attach, detach, enable_stats, stats,
	};

	return cost_main(&l, argc, argv);
}
