/* SPDX-License-Identifier: MIT */
/* Attach scaling, tpbpf side. */
#include <stdio.h>

#include "scale.h"
#include "tpbpf.h"

static struct tpbpf_object *obj;
static struct tpbpf_program *prog;

static int fail(const char *what)
{
	fprintf(stderr, "scale_tpbpf: %s: %s\n", what, tpbpf_error_detail());
	return -1;
}

static int load(const char *path, const char *name)
{
	if (tpbpf_object_open_file(path, &obj) || tpbpf_object_load(obj))
		return fail(path);
	prog = tpbpf_object_find_program(obj, name);
	return prog ? 0 : fail(name);
}

static int attach(const char *category, const char *name)
{
	return tpbpf_program_attach_tracepoint(prog, category, name, NULL) ? fail(name) : 0;
}

static void detach_all(void)
{
	tpbpf_object_detach(obj);
}

int main(int argc, char **argv)
{
	static const struct scale_loader l = { "tpbpf", load, attach, detach_all };

	return scale_main(&l, argc, argv);
}
