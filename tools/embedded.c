/* SPDX-License-Identifier: MIT */
/*
 * The BPF objects of progs/ are linked into the tpbpf command (see
 * build/gen/embedded.S), so the command needs no files at run time.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "tool.h"

#define EMBEDDED(n) extern const char tpbpf_obj_##n##_start[], tpbpf_obj_##n##_end[];
#include "embedded_list.h"
#undef EMBEDDED

struct embedded {
	const char *name;
	const char *start, *end;
};

#define EMBEDDED(n) { #n, tpbpf_obj_##n##_start, tpbpf_obj_##n##_end },
static const struct embedded objects[] = {
#include "embedded_list.h"
	{ NULL, NULL, NULL },
};
#undef EMBEDDED

int embedded_object_open(const char *name, struct tpbpf_object **out)
{
	for (const struct embedded *e = objects; e->name; e++) {
		char obj_name[64];

		if (strcmp(e->name, name) != 0)
			continue;
		snprintf(obj_name, sizeof(obj_name), "%s.bpf.o", name);
		return tpbpf_object_open_mem(e->start, (size_t)(e->end - e->start),
					     obj_name, out);
	}
	return -ENOENT;
}

bool embedded_object_exists(const char *name)
{
	for (const struct embedded *e = objects; e->name; e++)
		if (strcmp(e->name, name) == 0)
			return true;
	return false;
}
