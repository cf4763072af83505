/* SPDX-License-Identifier: MIT */
/*
 * syscount: system calls counted per syscall number, or per (process,
 * number) with TPBPF_CONST(per_process), in the hash map "counts".
 *
 * Two programs count the same way from different hooks; the tool attaches
 * one of them:
 *   syscount_tp   classic tracepoint raw_syscalls:sys_enter, reading the
 *                 record's "id" at the offset the loader takes from tracefs
 *   syscount_raw  raw tracepoint sys_enter(struct pt_regs *regs, long id):
 *                 the number is args[1], no record is built
 *
 * Calls that find the map full are counted in "missed" (per-CPU, key 0).
 */
#include <linux/errno.h>

#include "tpbpf_bpf.h"
#include "syscount.h"

struct bpf_map_def SEC("maps") counts = {
	.type = BPF_MAP_TYPE_HASH,
	.key_size = sizeof(struct syscount_key),
	.value_size = sizeof(struct syscount_value),
	.max_entries = SYSCOUNT_MAX_ENTRIES,
};

struct bpf_map_def SEC("maps") missed = {
	.type = BPF_MAP_TYPE_PERCPU_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u64),
	.max_entries = 1,
};

static __always_inline void count_syscall(long id)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	__u32 target = TPBPF_CONST(target_pid);
	struct syscount_key key = { 0 };
	struct syscount_value init = { .count = 1 };
	struct syscount_value *v;
	__u32 zero = 0;
	__u64 *m;
	long err;

	if (target && tgid != target)
		return;
	if (TPBPF_CONST(per_process))
		key.tgid = tgid;
	key.nr = (__u32)id;
	v = bpf_map_lookup_elem(&counts, &key);
	if (v) {
		__sync_fetch_and_add(&v->count, 1);
		return;
	}
	if (key.tgid)
		bpf_get_current_comm(init.comm, sizeof(init.comm));
	err = bpf_map_update_elem(&counts, &key, &init, BPF_NOEXIST);
	if (err == -EEXIST) {
		/* Another CPU added the key between our lookup and update. */
		v = bpf_map_lookup_elem(&counts, &key);
		if (v)
			__sync_fetch_and_add(&v->count, 1);
		return;
	}
	if (err) {
		m = bpf_map_lookup_elem(&missed, &zero);
		if (m)
			*m += 1;
	}
}

SEC("tracepoint/raw_syscalls/sys_enter")
int syscount_tp(void *ctx)
{
	long id;

	if (TP_READ_FIELD(&id, ctx, raw_syscalls, sys_enter, id))
		return 0;
	count_syscall(id);
	return 0;
}

SEC("raw_tracepoint/sys_enter")
int syscount_raw(struct bpf_raw_tracepoint_args *ctx)
{
	count_syscall((long)ctx->args[1]);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
