/* SPDX-License-Identifier: MIT */
/* What progs/raw_tracepoint.bpf.c sends to tools/cmd_raw_tracepoint.c. */
#ifndef TPBPF_RAW_TRACEPOINT_H
#define TPBPF_RAW_TRACEPOINT_H

#include <linux/types.h>

/* --args N reads at most this many (raw tracepoints pass up to 12). */
#define RAW_TP_MAX_ARGS 8
#define RAW_TP_COMM_LEN 16

/* One hit, with --args: its first nr_args raw arguments. */
struct raw_tp_event {
	__u32 pid;		/* tgid */
	__u32 tid;
	char comm[RAW_TP_COMM_LEN];
	__u64 args[RAW_TP_MAX_ARGS];
};

#endif
