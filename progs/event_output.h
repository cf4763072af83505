/* SPDX-License-Identifier: GPL-2.0 */
/*
 * How the tools' programs send events: one perf event array, "events"
 * (one ring per CPU, read by tools/session.c), and a per-CPU count of the
 * sends that failed because a ring was full, "drops", which the tool adds
 * to the lost count it prints, so loss is never silent.
 */
#ifndef TPBPF_PROGS_EVENT_OUTPUT_H
#define TPBPF_PROGS_EVENT_OUTPUT_H

#include "tpbpf_bpf.h"

struct bpf_map_def SEC("maps") events = {
	.type = BPF_MAP_TYPE_PERF_EVENT_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u32),
	.max_entries = 0,	/* one per possible CPU */
};

struct bpf_map_def SEC("maps") drops = {
	.type = BPF_MAP_TYPE_PERCPU_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u64),
	.max_entries = 1,
};

static __always_inline void send_event(void *ctx, void *data, __u64 size)
{
	__u32 zero = 0;
	__u64 *d;

	if (bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, data, size)) {
		d = bpf_map_lookup_elem(&drops, &zero);
		if (d)
			__sync_fetch_and_add(d, 1);
	}
}

#endif
