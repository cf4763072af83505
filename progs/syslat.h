/* SPDX-License-Identifier: MIT */
/* The map layout shared by progs/syslat.bpf.c and tools/cmd_syslat.c. */
#ifndef TPBPF_PROGS_SYSLAT_H
#define TPBPF_PROGS_SYSLAT_H

#include <linux/types.h>

#define SYSLAT_MAX_THREADS 10240	/* threads inside a system call at once */
#define SYSLAT_MAX_SYSCALLS 1024	/* syscall numbers timed */
#define SYSLAT_MAX_BUCKETS 16384	/* (syscall, slot) pairs */
/*
 * Slot of a duration D (in the unit the tool chose): 0 for D = 0, else
 * floor(log2(D)) + 1, so slot S holds 2^(S-1) .. 2^S - 1.
 */
#define SYSLAT_SLOTS 65

/* starts: thread id -> the system call it is in. */
struct syslat_start {
	__u64 ts_ns;		/* bpf_ktime_get_ns() at sys_enter */
	__u32 nr;
	__u32 pad;
};

/* hists: (syscall, slot) -> number of calls. */
struct syslat_hist_key {
	__u32 nr;
	__u32 slot;
};

/* totals: syscall number -> calls and time. */
struct syslat_total {
	__u64 count;
	__u64 total_ns;
};

#endif
