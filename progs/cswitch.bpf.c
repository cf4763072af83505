/* SPDX-License-Identifier: MIT */
/*
 * cswitch: context switches, from sched:sched_switch.
 *
 * Per-event mode sends each switch on the perf event array "events".
 * With TPBPF_CONST(top_mode) it sends nothing and counts switch-outs per
 * prev_pid in the hash map "counts" instead; switches that find the map
 * full are counted in "missed".
 *
 * -p (TPBPF_CONST(target_pid)): the tracepoint runs in the context of
 * prev, so prev's process is bpf_get_current_pid_tgid(). next is only a
 * thread ID: it matches when it equals the target, or is a thread of the
 * target seen switching out earlier (kept in "threads").
 */
#include <linux/errno.h>

#include "tpbpf_bpf.h"
#include "event_output.h"
#include "cswitch.h"

struct bpf_map_def SEC("maps") counts = {
	.type = BPF_MAP_TYPE_HASH,
	.key_size = sizeof(__u32),
	.value_size = sizeof(struct switch_count),
	.max_entries = CSWITCH_MAX_ENTRIES,
};

struct bpf_map_def SEC("maps") missed = {
	.type = BPF_MAP_TYPE_PERCPU_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u64),
	.max_entries = 1,
};

/* Thread IDs of the -p process seen as prev; LRU: exited ones age out. */
struct bpf_map_def SEC("maps") threads = {
	.type = BPF_MAP_TYPE_LRU_HASH,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u8),
	.max_entries = 4096,
};

static __always_inline void add_one(void *map)
{
	__u32 zero = 0;
	__u64 *v = bpf_map_lookup_elem(map, &zero);

	if (v)
		*v += 1;
}

/*
 * A comm field: at most CSWITCH_COMM_LEN bytes of it. A read of constant
 * size (4.9's verifier takes no other), then zeros past the field's own
 * size; the record lies in the kernel's trace buffer, so reading past a
 * shorter field stays readable.
 */
static __always_inline void read_comm(char *dst, void *ctx, __u64 off, __u64 size)
{
	if (bpf_probe_read(dst, CSWITCH_COMM_LEN, (char *)ctx + off))
		return;
#pragma unroll
	for (int i = 0; i < CSWITCH_COMM_LEN; i++)
		if (i >= size)
			dst[i] = 0;
}

#define READ_COMM(dst, ctx, field) \
	read_comm(dst, ctx, TP_FIELD_OFF(sched, sched_switch, field), \
		  TP_FIELD_SIZE(sched, sched_switch, field))

static __always_inline void count_switch_out(void *ctx, __u32 prev_pid)
{
	struct switch_count init = { .switches = 1 }, *c;
	long err;

	c = bpf_map_lookup_elem(&counts, &prev_pid);
	if (c) {
		__sync_fetch_and_add(&c->switches, 1);
		return;
	}
	READ_COMM(init.comm, ctx, prev_comm);
	err = bpf_map_update_elem(&counts, &prev_pid, &init, BPF_NOEXIST);
	if (err == -EEXIST) {
		/* pid 0: each CPU's idle task switches out on its own CPU. */
		c = bpf_map_lookup_elem(&counts, &prev_pid);
		if (c)
			__sync_fetch_and_add(&c->switches, 1);
	} else if (err) {
		add_one(&missed);
	}
}

/*
 * -p: is this switch one of the target process's? PREV_TID is current,
 * whose process is known; next is only a thread ID.
 */
static __always_inline int involves_target(__u32 target, __u32 prev_tgid,
					   __u32 prev_tid, __s32 next_pid)
{
	__u32 tid = (__u32)next_pid;
	__u8 one = 1;

	if (prev_tgid == target) {
		if (!bpf_map_lookup_elem(&threads, &prev_tid))
			bpf_map_update_elem(&threads, &prev_tid, &one, BPF_ANY);
		return 1;
	}
	return tid == target || bpf_map_lookup_elem(&threads, &tid);
}

SEC("tracepoint/sched/sched_switch")
int on_switch(void *ctx)
{
	__u32 target = TPBPF_CONST(target_pid);
	__u64 id = bpf_get_current_pid_tgid();
	__u32 prev_tgid = id >> 32;
	struct switch_event ev = { 0 };
	__s64 state = 0;
	__s32 state32 = 0;

	if (TPBPF_CONST(top_mode)) {
		if (target && prev_tgid != target)
			return 0;
		TP_READ_FIELD(&ev.prev_pid, ctx, sched, sched_switch, prev_pid);
		count_switch_out(ctx, (__u32)ev.prev_pid);
		return 0;
	}
	TP_READ_FIELD(&ev.next_pid, ctx, sched, sched_switch, next_pid);
	if (target && !involves_target(target, prev_tgid, (__u32)id, ev.next_pid))
		return 0;
	TP_READ_FIELD(&ev.prev_pid, ctx, sched, sched_switch, prev_pid);
	ev.ts_ns = bpf_ktime_get_ns();
	ev.prev_tgid = prev_tgid;
	ev.cpu = bpf_get_smp_processor_id();
	/* A long: 4 bytes on 32-bit kernels. */
	if (TP_FIELD_SIZE(sched, sched_switch, prev_state) == sizeof(state32)) {
		TP_READ_FIELD(&state32, ctx, sched, sched_switch, prev_state);
		state = state32;
	} else {
		TP_READ_FIELD(&state, ctx, sched, sched_switch, prev_state);
	}
	ev.prev_state = state;
	READ_COMM(ev.prev_comm, ctx, prev_comm);
	READ_COMM(ev.next_comm, ctx, next_comm);
	send_event(ctx, &ev, sizeof(ev));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
