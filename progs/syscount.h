/* SPDX-License-Identifier: MIT */
/* The map layout shared by progs/syscount.bpf.c and tools/cmd_syscount.c. */
#ifndef TPBPF_PROGS_SYSCOUNT_H
#define TPBPF_PROGS_SYSCOUNT_H

#include <linux/types.h>

#define SYSCOUNT_MAX_ENTRIES 10240
#define SYSCOUNT_COMM_LEN 16

/* tgid is 0 unless TPBPF_CONST(per_process) is set (--process). */
struct syscount_key {
	__u32 tgid;
	__u32 nr;		/* syscall number (a negative id wraps) */
};

struct syscount_value {
	__u64 count;
	char comm[SYSCOUNT_COMM_LEN];	/* with --process: of the first caller seen */
};

#endif
