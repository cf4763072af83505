/* SPDX-License-Identifier: GPL-2.0 */
/*
 * How the tools' programs send events: one map, "events", and a per-CPU
 * count of the sends that failed because it was full, "drops", which the
 * tool reports as lost, so loss is never silent.
 *
 * "events" is a perf event array (one ring per CPU, every kernel), or,
 * when the object is built with TPBPF_OUTPUT_RINGBUF (the *_ringbuf.bpf.c
 * files), a BPF ring buffer (one ring for all CPUs, 5.8+). Both cannot be
 * in one object: a kernel before 5.8 refuses to create a ring buffer map,
 * and maps are created before any program is loaded, so no load-time
 * constant could hide it. The tool opens the object its kernel can load
 * (tools/session.c); tools/output code is the same for both.
 */
#ifndef TPBPF_PROGS_EVENT_OUTPUT_H
#define TPBPF_PROGS_EVENT_OUTPUT_H

#include "tpbpf_bpf.h"

struct bpf_map_def SEC("maps") drops = {
	.type = BPF_MAP_TYPE_PERCPU_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u64),
	.max_entries = 1,
};

static __always_inline void count_drop(void)
{
	__u32 zero = 0;
	__u64 *d = bpf_map_lookup_elem(&drops, &zero);

	if (d)
		__sync_fetch_and_add(d, 1);
}

#ifdef TPBPF_OUTPUT_RINGBUF

struct bpf_map_def SEC("maps") events = {
	.type = BPF_MAP_TYPE_RINGBUF,
	.max_entries = 512 * 1024,	/* bytes; the tool sets its own before loading */
};

/*
 * Wake the reader once, when this record takes what waits in the ring past
 * TPBPF_CONST(wakeup_bytes): a wake-up per event costs the traced thread
 * more than the event itself, and so does one per event while the reader
 * is still catching up. The reader reads the whole ring when it wakes, and
 * its poll timeout brings out what stays below the mark. 0: the kernel's
 * own choice (wake when the ring was empty: the reader was waiting).
 */
static __always_inline void send_event(void *ctx, void *data, __u64 size)
{
	__u64 mark = TPBPF_CONST(wakeup_bytes), flags = 0, avail;

	(void)ctx;
	if (mark) {
		avail = bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA);
		flags = avail < mark && avail + size >= mark ? BPF_RB_FORCE_WAKEUP :
							       BPF_RB_NO_WAKEUP;
	}
	if (bpf_ringbuf_output(&events, data, size, flags))
		count_drop();
}

#else

struct bpf_map_def SEC("maps") events = {
	.type = BPF_MAP_TYPE_PERF_EVENT_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u32),
	.max_entries = 0,	/* one per possible CPU */
};

static __always_inline void send_event(void *ctx, void *data, __u64 size)
{
	if (bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, data, size))
		count_drop();
}

#endif

#endif
