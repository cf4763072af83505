/* SPDX-License-Identifier: MIT */
/*
 * The layouts shared by progs/cswitch.bpf.c and tools/cmd_cswitch.c.
 */
#ifndef TPBPF_PROGS_CSWITCH_H
#define TPBPF_PROGS_CSWITCH_H

#include <linux/types.h>

#define CSWITCH_COMM_LEN 16
#define CSWITCH_MAX_ENTRIES 10240	/* threads counted by --top */

/* One sched_switch, as sent in per-event mode. */
struct switch_event {
	__u64 ts_ns;			/* bpf_ktime_get_ns() */
	__s64 prev_state;		/* as the tracepoint reports it */
	__s32 prev_pid;			/* thread IDs */
	__s32 next_pid;
	__u32 prev_tgid;		/* prev is current: its process is known */
	__u32 cpu;			/* a ring buffer does not say */
	char prev_comm[CSWITCH_COMM_LEN];
	char next_comm[CSWITCH_COMM_LEN];
};

/* --top: switch-outs per thread, in the hash map "counts" keyed by prev_pid. */
struct switch_count {
	__u64 switches;
	char comm[CSWITCH_COMM_LEN];	/* prev_comm when first counted */
};

#endif
