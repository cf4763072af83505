/* SPDX-License-Identifier: MIT */
/*
 * raw-tracepoint: count the hits of one raw tracepoint (attached by name
 * with BPF_RAW_TRACEPOINT_OPEN; the section names none). With
 * TPBPF_CONST(nr_args) > 0, also send each hit's first nr_args raw
 * arguments through "events".
 *
 * A raw tracepoint program's context is the tracepoint's arguments as u64s,
 * and the kernel refuses to attach one that reads more arguments than the
 * tracepoint passes (EACCES). The reads below are guarded by the load-time
 * constant, so the verifier, which knows its value, never walks the reads
 * past nr_args and does not count them.
 */
#include "tpbpf_bpf.h"
#include "event_output.h"
#include "raw_tracepoint.h"

struct bpf_map_def SEC("maps") hits = {
	.type = BPF_MAP_TYPE_PERCPU_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u64),
	.max_entries = 1,
};

SEC("raw_tracepoint")
int raw_tp_count(struct bpf_raw_tracepoint_args *ctx)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 target = TPBPF_CONST(target_pid);
	unsigned long n = TPBPF_CONST(nr_args);
	struct raw_tp_event ev;
	__u32 zero = 0;
	__u64 *count;

	if (target && (__u32)(pid_tgid >> 32) != target)
		return 0;
	/* Per-CPU: a plain increment is enough. */
	count = bpf_map_lookup_elem(&hits, &zero);
	if (count)
		*count += 1;
	if (!n)
		return 0;

	__builtin_memset(&ev, 0, sizeof(ev));
	ev.pid = pid_tgid >> 32;
	ev.tid = (__u32)pid_tgid;
	bpf_get_current_comm(ev.comm, sizeof(ev.comm));
	/* Unrolled by hand: each read at a fixed context offset. */
	if (n > 0)
		ev.args[0] = ctx->args[0];
	if (n > 1)
		ev.args[1] = ctx->args[1];
	if (n > 2)
		ev.args[2] = ctx->args[2];
	if (n > 3)
		ev.args[3] = ctx->args[3];
	if (n > 4)
		ev.args[4] = ctx->args[4];
	if (n > 5)
		ev.args[5] = ctx->args[5];
	if (n > 6)
		ev.args[6] = ctx->args[6];
	if (n > 7)
		ev.args[7] = ctx->args[7];
	send_event(ctx, &ev, sizeof(ev));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
