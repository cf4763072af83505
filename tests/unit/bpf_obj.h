/* SPDX-License-Identifier: MIT */
/*
 * The sections of a BPF object built from tests/bpf/, read with libelf
 * (the test's own reading, independent of loader/elf_reader.c).
 */
#ifndef TPBPF_TEST_BPF_OBJ_H
#define TPBPF_TEST_BPF_OBJ_H

#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"

struct obj {
	int fd;
	Elf *elf;
	size_t shstrndx;
};

/* NAME in TEST_BPF_DIR; fails the test if make did not build it. */
static inline void obj_open(struct obj *o, const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), TEST_BPF_DIR "/%s", name);
	elf_version(EV_CURRENT);
	o->fd = open(path, O_RDONLY);
	if (o->fd < 0)
		fail_msg("%s: cannot open (make builds it)", path);
	o->elf = elf_begin(o->fd, ELF_C_READ, NULL);
	assert_non_null(o->elf);
	assert_int_equal(elf_getshdrstrndx(o->elf, &o->shstrndx), 0);
}

static inline void obj_close(struct obj *o)
{
	elf_end(o->elf);
	close(o->fd);
}

static inline Elf_Scn *obj_scn(struct obj *o, const char *name)
{
	Elf_Scn *s = NULL;

	while ((s = elf_nextscn(o->elf, s))) {
		GElf_Shdr sh;

		gelf_getshdr(s, &sh);
		if (strcmp(elf_strptr(o->elf, o->shstrndx, sh.sh_name), name) == 0)
			return s;
	}
	return NULL;
}

/* The bytes of section NAME; NULL if there is none. */
static inline Elf_Data *obj_data(struct obj *o, const char *name)
{
	Elf_Scn *s = obj_scn(o, name);

	return s ? elf_getdata(s, NULL) : NULL;
}

#endif
