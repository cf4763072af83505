/* SPDX-License-Identifier: GPL-2.0 */
/*
 * How the tools' programs send events: one map, "events", and per-CPU
 * counts in "drops": [0] the sends that failed because it was full, [1]
 * (perf event arrays only) the sends the helper accepted. The tool reports
 * as lost the failed sends plus the accepted ones that never reached it,
 * so loss is never silent and is exact on every kernel: on older ones
 * (4.19; 5.4 no longer) bpf_perf_event_output() returns 0 even when the
 * ring is full, and the kernel reports the dropped records only in front
 * of the next record that fits, so the last losses of a run never show.
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
	.max_entries = 2,
};

#define DROPS_FAILED	0	/* the send failed: the ring was full */
#define DROPS_SENT	1	/* the helper took it (perf event arrays) */

static __always_inline void count_send(__u32 what)
{
	__u64 *d = bpf_map_lookup_elem(&drops, &what);

	if (d)
		__sync_fetch_and_add(d, 1);
}

static __always_inline void count_drop(void)
{
	count_send(DROPS_FAILED);
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
	else
		count_send(DROPS_SENT);
}

#endif

#endif
