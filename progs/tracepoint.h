/* SPDX-License-Identifier: MIT */
/*
 * The record layout shared by progs/tracepoint.bpf.c (the generic tracer)
 * and tools/cmd_tracepoint.c, which decodes it with the tracefs format.
 */
#ifndef TPBPF_PROGS_TRACEPOINT_H
#define TPBPF_PROGS_TRACEPOINT_H

#include <linux/types.h>

#define TP_MAX_RECORD 4096	/* bytes of a record copied, at most */
#define TP_MAX_DYN 4		/* __data_loc/__rel_loc fields followed */
#define TP_MAX_STRS 3		/* user strings of a syscall read */
#define TP_STR_LEN 256		/* bytes per user string, NUL included */

/* Per tracepoint, filled by user space, keyed by event ID (__u32). */
struct tp_info {
	__u32 fixed_size;		/* record without dynamic data */
	__u16 nr_dyn;
	__u16 nr_strs;
	__u16 dyn_off[TP_MAX_DYN];	/* offsets of __data_loc/__rel_loc fields */
	__u16 dyn_rel[TP_MAX_DYN];	/* 1: __rel_loc (relative to field end) */
	__u16 str_off[TP_MAX_STRS];	/* offsets of const char * user pointers */
	__u16 pad;
};

#define TP_FLAG_RECORD_CUT 1		/* record longer than TP_MAX_RECORD */

/* What each event sends: the header, TP_MAX_STRS strings if any, the record. */
struct tp_event_hdr {
	__u64 ts_ns;			/* bpf_ktime_get_ns() */
	__u32 event_id;			/* the attach cookie: which tracepoint */
	__u32 tgid;
	__u32 tid;
	__u32 record_size;		/* bytes of record that follow */
	__u32 strs_size;		/* 0, or TP_MAX_STRS * TP_STR_LEN */
	__u32 flags;
	__s32 str_len[TP_MAX_STRS];	/* bpf_probe_read_user_str() results */
	char comm[16];
};

struct tp_event {
	struct tp_event_hdr hdr;
	char strs[TP_MAX_STRS][TP_STR_LEN];
	char record[TP_MAX_RECORD];
};

#endif
