/* SPDX-License-Identifier: MIT */
/* What progs/netdev.bpf.c sends to tools/cmd_netdev.c, and its map layout. */
#ifndef TPBPF_NETDEV_H
#define TPBPF_NETDEV_H

#include <linux/types.h>

#define NETDEV_IFNAMSIZ 16
#define NETDEV_COMM_LEN 16

enum { NETDEV_TX = 0, NETDEV_RX = 1 };

/* One packet, one record through the "events" perf array. */
struct netdev_event {
	__u64 ts_ns;		/* bpf_ktime_get_ns(): CLOCK_MONOTONIC */
	__u32 cpu;
	__u32 dir;		/* NETDEV_TX or NETDEV_RX */
	__u32 pid;		/* tgid of the current task */
	__u32 tid;
	__u32 len;		/* skb->len as the tracepoint reports it */
	__u32 pad;
	char dev[NETDEV_IFNAMSIZ];
	char comm[NETDEV_COMM_LEN];
};

/* --summary: the "totals" hash map, (device, direction) -> counts. */
struct netdev_key {
	char dev[NETDEV_IFNAMSIZ];
	__u32 dir;
};

struct netdev_totals {
	__u64 packets;
	__u64 bytes;
};

#endif
