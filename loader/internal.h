/* SPDX-License-Identifier: MIT */
/* Helpers shared by the loader's files; not part of the public API. */
#ifndef TPBPF_INTERNAL_H
#define TPBPF_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tpbpf.h"

/* Where a kernel built with CONFIG_DEBUG_INFO_BTF shows its types. */
#define TPBPF_KERNEL_BTF_PATH "/sys/kernel/btf/vmlinux"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#if defined(__GNUC__)
#define TPBPF_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define TPBPF_PRINTF(a, b)
#endif

/*
 * Record the detail of a failure and return -err (err is a positive errno),
 * so that a failing path reads: return tpbpf_err(ENOENT, "...", ...);
 */
int tpbpf_err(int err, const char *fmt, ...) TPBPF_PRINTF(2, 3);
/* Prefix the current detail with more context ("map counts: " + detail). */
int tpbpf_err_prefix(int err, const char *fmt, ...) TPBPF_PRINTF(2, 3);

/* One line of the step-by-step log; cheap when no log callback is set. */
void tpbpf_log(const char *fmt, ...) TPBPF_PRINTF(1, 2);
/* 0 without a log callback; else the level set (1: the load path). */
int tpbpf_log_level(void);

/* Read a whole (small) file into a NUL-terminated buffer. */
int tpbpf_read_file(const char *path, char **text, size_t *len);

/*
 * Feature state that tests force and the load path records (features.c):
 * what a real operation showed, so no probe has to ask again.
 */
bool tpbpf_feature_probed(enum tpbpf_feature f);
void tpbpf_feature_force_absent(enum tpbpf_feature f, bool absent);
void tpbpf_feature_set(enum tpbpf_feature f, bool present);
void tpbpf_feature_forget(enum tpbpf_feature f);	/* for tests: ask again */

/* strdup that reports -ENOMEM through tpbpf_err. */
char *tpbpf_strdup(const char *s);

/*
 * For tests: read kernel BTF from PATH instead of /sys/kernel/btf/vmlinux
 * (NULL: back to that), and forget what was read so far.
 */
void tpbpf_kernel_offsets_set_btf_path(const char *path);

/*
 * What kernel_offsets.c knows of the running kernel's structs: its BTF
 * (read once; NULL when absent or forced absent), and the offsets file
 * given with tpbpf_set_kernel_offsets_file() (its path, NULL if none, and
 * a lookup in it alone: -ENOENT when it lacks STRUCT.FIELD).
 */
struct tpbpf_btf;
const struct tpbpf_btf *tpbpf_kernel_btf(void);
const char *tpbpf_kernel_offsets_path(void);
int tpbpf_kernel_offsets_file_lookup(const char *st, const char *field, uint64_t *offset);

#endif
