/* SPDX-License-Identifier: MIT */
/* Helpers shared by the loader's files; not part of the public API. */
#ifndef TPBPF_INTERNAL_H
#define TPBPF_INTERNAL_H

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
int tpbpf_log_enabled(void);

/* Read a whole (small) file into a NUL-terminated buffer. */
int tpbpf_read_file(const char *path, char **text, size_t *len);

/* strdup that reports -ENOMEM through tpbpf_err. */
char *tpbpf_strdup(const char *s);

/*
 * For tests: read kernel BTF from PATH instead of /sys/kernel/btf/vmlinux
 * (NULL: back to that), and forget what was read so far.
 */
void tpbpf_kernel_offsets_set_btf_path(const char *path);

#endif
