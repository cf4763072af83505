/* SPDX-License-Identifier: MIT */
/*
 * netdev --raw: the same packets as netdev.bpf.c, from the raw tracepoints
 * net_dev_queue and netif_receive_skb, whose only argument is the struct
 * sk_buff *. Its length and device name are read from kernel memory at
 * offsets the loader resolves at load time (KERNEL_OFF: an offsets file,
 * or BTF when the kernel has it), as the seed tutorial does by hand.
 */
#include "tpbpf_bpf.h"
#include "netdev_output.h"

static __always_inline int packet(struct bpf_raw_tracepoint_args *ctx, __u32 dir)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 target = TPBPF_CONST(target_pid);
	const char *skb = (const char *)ctx->args[0];
	const char *dev = 0;
	struct netdev_event ev;

	if (target && (__u32)(pid_tgid >> 32) != target)
		return 0;
	__builtin_memset(&ev, 0, sizeof(ev));
	ev.dir = dir;
	bpf_probe_read_kernel(&ev.len, sizeof(ev.len), skb + KERNEL_OFF(sk_buff, len));
	bpf_probe_read_kernel(&dev, sizeof(dev), skb + KERNEL_OFF(sk_buff, dev));
	if (dev)
		bpf_probe_read_kernel_str(ev.dev, sizeof(ev.dev), dev + KERNEL_OFF(net_device, name));
	finish_packet(ctx, &ev, pid_tgid);
	return 0;
}

SEC("raw_tracepoint/net_dev_queue")
int netdev_raw_tx(struct bpf_raw_tracepoint_args *ctx)
{
	return packet(ctx, NETDEV_TX);
}

SEC("raw_tracepoint/netif_receive_skb")
int netdev_raw_rx(struct bpf_raw_tracepoint_args *ctx)
{
	return packet(ctx, NETDEV_RX);
}

char LICENSE[] SEC("license") = "GPL";
