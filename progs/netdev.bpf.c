/* SPDX-License-Identifier: MIT */
/*
 * netdev: packets queued for transmission (net:net_dev_queue) and received
 * (net:netif_receive_skb), with the device name, length and current task.
 *
 * One program, attached to both tracepoints; the attach cookie
 * (TP_EVENT_ID) says which one fired. Every field is read at an offset the
 * loader takes from the running kernel's format files.
 *
 * Per packet: one record through "events". With TPBPF_CONST(summary) set,
 * packets and bytes are counted per (device, direction) in "totals" instead.
 */
#include "tpbpf_bpf.h"
#include "event_output.h"

#include "netdev.h"
#include "netdev_output.h"

/*
 * Copy the __data_loc (or __rel_loc) string whose u32 locator is at
 * LOC_OFF into DEV. A __data_loc locator is (length << 16 | offset from the
 * record's start); a __rel_loc one counts the offset from the locator's end.
 *
 * A read of constant size and no bpf_probe_read_str(), which came in 4.11:
 * the 16 bytes from the name's start, then zeros from the length the
 * locator gives (it counts the NUL) on. The name sits inside the record,
 * in the kernel's per-CPU trace buffer, so the bytes past it are readable.
 */
static __always_inline void read_dev_name(void *ctx, unsigned long loc_off,
					  unsigned long rel_loc, char *dev)
{
	unsigned long start, len;
	__u32 loc = 0;

	if (bpf_probe_read(&loc, sizeof(loc), (char *)ctx + loc_off))
		return;
	start = loc & 0xffff;
	len = loc >> 16;
	if (rel_loc)
		start += loc_off + sizeof(loc);
	if (bpf_probe_read(dev, NETDEV_IFNAMSIZ, (char *)ctx + start))
		return;
#pragma unroll
	for (int i = 0; i < NETDEV_IFNAMSIZ; i++)
		if (i + 1 >= len)
			dev[i] = 0;
}

SEC("tracepoint")
int netdev(void *ctx)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tgid = pid_tgid >> 32;
	__u32 target = TPBPF_CONST(target_pid);
	__u64 id = TP_EVENT_ID(ctx);
	struct netdev_event ev;

	if (target && tgid != target)
		return 0;
	__builtin_memset(&ev, 0, sizeof(ev));
	/* Each event through its own constants, though both share one class. */
	if (id == TP_ID(net, net_dev_queue)) {
		ev.dir = NETDEV_TX;
		TP_READ_FIELD(&ev.len, ctx, net, net_dev_queue, len);
		read_dev_name(ctx, TP_FIELD_OFF(net, net_dev_queue, name),
			      TPBPF_CONST(tx_name_rel_loc), ev.dev);
	} else if (id == TP_ID(net, netif_receive_skb)) {
		ev.dir = NETDEV_RX;
		TP_READ_FIELD(&ev.len, ctx, net, netif_receive_skb, len);
		read_dev_name(ctx, TP_FIELD_OFF(net, netif_receive_skb, name),
			      TPBPF_CONST(rx_name_rel_loc), ev.dev);
	} else {
		return 0;
	}

	finish_packet(ctx, &ev, pid_tgid);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
