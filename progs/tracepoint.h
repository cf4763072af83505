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
#define TP_STR_MAX 4095		/* characters of a user string, at most (--strlen) */
/*
 * A string is read with room for one character more than its bound (and
 * the NUL): when that character is there, the string was longer than the
 * bound and is marked cut; only the bound is sent.
 */
#define TP_STR_READ(max) ((max) + 2)
/*
 * Where a string starts in the data: at most the record and the strings
 * before it (4096 + 2 * 4095 bytes), so a mask keeps it so for the
 * verifier without a branch. A clamp ("if (off > L) off = L") was a branch
 * whose dead side, once OFF is a known constant, 4.19's verifier still
 * walks with impossible bounds, and then refuses the pointer made from it.
 */
#define TP_OFF_MASK 0x3fff
/* Where the record and the strings go: the last string's read may reach the end. */
#define TP_DATA_SIZE (TP_OFF_MASK + 1 + TP_STR_READ(TP_STR_MAX) + 7)

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
#define TP_FLAG_STR_CUT(i) (2u << (i))	/* string I longer than the bound */

/*
 * What each event sends, and only as many bytes as it holds: the header,
 * record_size bytes of record, then nr_strs strings of str_len[i] bytes
 * each (no NUL, no padding; a negative str_len sends nothing).
 */
struct tp_event_hdr {
	__u64 ts_ns;			/* bpf_ktime_get_ns() */
	__u32 event_id;			/* the attach cookie: which tracepoint */
	__u32 tgid;
	__u32 tid;
	__u32 record_size;		/* bytes of record that follow */
	__u16 cpu;			/* where it ran (a ring buffer does not say) */
	__u16 flags;			/* TP_FLAG_* */
	__u16 nr_strs;			/* user strings after the record */
	__u16 pad;
	__s32 str_len[TP_MAX_STRS];	/* bytes sent, or -errno: unreadable */
	char comm[16];
};

struct tp_event {
	struct tp_event_hdr hdr;
	char data[TP_DATA_SIZE];	/* the record, then the strings */
};

#endif
