/* SPDX-License-Identifier: MIT */
/*
 * A minimal reader of the kernel's BTF (/sys/kernel/btf/vmlinux): only what
 * it takes to find the byte offset of a field in a struct or union. The
 * blob is treated as untrusted input: every offset, length, string and type
 * ID is checked before it is used.
 */
#ifndef TPBPF_BTF_READER_H
#define TPBPF_BTF_READER_H

#include <stddef.h>
#include <stdint.h>

struct tpbpf_btf;

/* Check and index SIZE bytes of BTF (copied); errors say what is wrong. */
int tpbpf_btf_open(const void *data, size_t size, struct tpbpf_btf **out);
void tpbpf_btf_free(struct tpbpf_btf *btf);
/* Number of types (IDs 1..count). */
uint32_t tpbpf_btf_type_count(const struct tpbpf_btf *btf);
/*
 * Byte offset of FIELD in the struct or union named ST, looking into
 * anonymous struct/union members. -ENOENT when there is no such struct or
 * field, -EINVAL for a bitfield or a field not on a byte boundary.
 */
int tpbpf_btf_field_offset(const struct tpbpf_btf *btf, const char *st, const char *field,
		     uint64_t *offset);

/*
 * For tests: read kernel BTF from PATH instead of /sys/kernel/btf/vmlinux
 * (NULL: back to that), and forget what was read so far.
 */
void tpbpf_kernel_offsets_set_btf_path(const char *path);

#endif
