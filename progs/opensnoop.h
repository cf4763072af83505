/* SPDX-License-Identifier: MIT */
/*
 * The event layout shared by progs/opensnoop.bpf.c and
 * tools/cmd_opensnoop.c.
 */
#ifndef TPBPF_PROGS_OPENSNOOP_H
#define TPBPF_PROGS_OPENSNOOP_H

#include <linux/types.h>

#define OPEN_PATH_MAX 4096	/* PATH_MAX: 4095 bytes and the NUL */

/* What an open sends: the header, then path_len bytes of path. */
struct open_event {
	__u64 flags;		/* open flags (openat2: open_how.flags) */
	__u32 pid;		/* process (tgid) */
	__u32 tid;
	__u32 uid;
	__s32 ret;		/* fd, or -errno */
	__u32 path_len;		/* bytes of path sent, NUL included; 0: unreadable */
	char comm[16];
	char path[OPEN_PATH_MAX];
};

/* Bytes of an event before its path: what is always sent. */
#define OPEN_EVENT_HDR_SIZE __builtin_offsetof(struct open_event, path)

#endif
