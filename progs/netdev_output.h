/* SPDX-License-Identifier: MIT */
/*
 * What both netdev programs (classic and raw tracepoints) do with a packet
 * once they have its device, direction and length: count it per (device,
 * direction) with TPBPF_CONST(summary), or send it as one event.
 */
#ifndef TPBPF_NETDEV_OUTPUT_H
#define TPBPF_NETDEV_OUTPUT_H

#include "tpbpf_bpf.h"
#include "event_output.h"
#include "netdev.h"

struct bpf_map_def SEC("maps") totals = {
	.type = BPF_MAP_TYPE_HASH,
	.key_size = sizeof(struct netdev_key),
	.value_size = sizeof(struct netdev_totals),
	.max_entries = 1024,
};

static __always_inline void count(const struct netdev_key *key, __u32 len)
{
	struct netdev_totals zero = { 0 }, *t;

	t = bpf_map_lookup_elem(&totals, key);
	if (!t) {
		/* NOEXIST: another CPU may have created it meanwhile; fine. */
		bpf_map_update_elem(&totals, key, &zero, BPF_NOEXIST);
		t = bpf_map_lookup_elem(&totals, key);
		if (!t)
			return;
	}
	__sync_fetch_and_add(&t->packets, 1);
	__sync_fetch_and_add(&t->bytes, len);
}

/* EV has dir, len and dev set. */
static __always_inline void finish_packet(void *ctx, struct netdev_event *ev,
					  __u64 pid_tgid)
{
	if (TPBPF_CONST(summary)) {
		struct netdev_key key;

		__builtin_memset(&key, 0, sizeof(key));
		__builtin_memcpy(key.dev, ev->dev, NETDEV_IFNAMSIZ);
		key.dir = ev->dir;
		count(&key, ev->len);
		return;
	}
	ev->ts_ns = bpf_ktime_get_ns();
	ev->cpu = bpf_get_smp_processor_id();
	ev->pid = pid_tgid >> 32;
	ev->tid = (__u32)pid_tgid;
	bpf_get_current_comm(ev->comm, sizeof(ev->comm));
	send_event(ctx, ev, sizeof(*ev));
}

#endif
