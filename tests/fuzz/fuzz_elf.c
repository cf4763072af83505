/* SPDX-License-Identifier: MIT */
/*
 * Fuzz steps "read", "plan" and "relocate" of the load path: read an
 * arbitrary byte string as a BPF object (tpbpf_object_open_mem), then
 * relocate every program as tpbpf_object_load would, with made-up map fds
 * and a fixture tracefs for the load-time constants. Everything up to, not
 * including, bpf() calls.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "object.h"
#include "tpbpf.h"

#ifndef FUZZ_TRACEFS
#define FUZZ_TRACEFS "tests/fixtures/tracefs"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int tracefs_set;
	struct tpbpf_object *obj = NULL;

	if (!tracefs_set) {
		/* Constants resolve against files, never the running kernel. */
		if (tpbpf_tracefs_set_root(FUZZ_TRACEFS))
			abort();
		/* CO-RE answers from those formats too, never this machine's BTF. */
		tpbpf_feature_force_absent(TPBPF_FEAT_KERNEL_BTF, true);
		tracefs_set = 1;
	}
	if (tpbpf_object_open_mem(data, size, "fuzz.o", &obj))
		return 0;

	/* Give every TPBPF_CONST(name) a value, as tpbpf load --const does. */
	for (size_t i = 0; i < obj->nr_syms; i++) {
		static const char prefix[] = TPBPF_CONST_PREFIX "const:";
		const char *name = obj->syms[i].name;

		if (obj->syms[i].shndx == 0 &&
		    strncmp(name, prefix, sizeof(prefix) - 1) == 0)
			tpbpf_object_set_const(obj, name + sizeof(prefix) - 1, 42);
	}
	/* As if BPF_MAP_CREATE had run: fds that relocation writes into insns. */
	for (size_t i = 0; i < obj->nr_maps; i++)
		obj->maps[i].fd = 1000 + (int)i;
	for (size_t i = 0; i < obj->nr_progs; i++) {
		struct tpbpf_program *p = &obj->progs[i];
		size_t cnt;
		const struct bpf_insn *insns;

		if (tpbpf_obj_relocate_program(obj, p))
			continue;
		/* Touch the result: every instruction must be readable. */
		insns = tpbpf_program_insns(p, &cnt);
		volatile uint8_t sink = 0;
		for (size_t j = 0; j < cnt; j++)
			sink ^= insns[j].code;
		(void)sink;
	}
	/* The fds are not ours: keep close() from closing them. */
	for (size_t i = 0; i < obj->nr_maps; i++)
		obj->maps[i].fd = -1;
	tpbpf_object_close(obj);
	return 0;
}
