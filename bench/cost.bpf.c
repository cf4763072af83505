/* SPDX-License-Identifier: MIT */
/*
 * Per-event cost programs: an empty one and a counting one, on the classic
 * and on the raw tracepoint, for task_rename (prctl(PR_SET_NAME)) and for
 * getppid (syscalls:sys_enter_getppid; raw: sys_enter, filtered on the
 * syscall number). Built twice: plain for tpbpf (legacy SEC("maps")), and
 * with -DBENCH_LIBBPF -g for libbpf, whose 1.x releases take only
 * BTF-defined maps (SEC(".maps")). The instructions are the same.
 */
#include <asm/unistd.h>
#include "tpbpf_bpf.h"

#ifdef BENCH_LIBBPF
#define __uint(name, val) int (*name)[val]
#define __type(name, val) typeof(val) *name
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");
#else
struct bpf_map_def SEC("maps") counts = {
	.type = BPF_MAP_TYPE_HASH,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u64),
	.max_entries = 1024,
};
#endif

/* One more event for this process: a hash lookup and an atomic add. */
static __always_inline void count(void)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	__u64 one = 1, *v = bpf_map_lookup_elem(&counts, &tgid);

	if (v)
		__sync_fetch_and_add(v, 1);
	else
		bpf_map_update_elem(&counts, &tgid, &one, BPF_NOEXIST);
}

SEC("tracepoint/task/task_rename")
int tp_ren_empty(void *ctx)
{
	(void)ctx;
	return 0;
}

SEC("tracepoint/task/task_rename")
int tp_ren_count(void *ctx)
{
	(void)ctx;
	count();
	return 0;
}

SEC("raw_tracepoint/task_rename")
int raw_ren_empty(void *ctx)
{
	(void)ctx;
	return 0;
}

SEC("raw_tracepoint/task_rename")
int raw_ren_count(void *ctx)
{
	(void)ctx;
	count();
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_getppid")
int tp_ppid_empty(void *ctx)
{
	(void)ctx;
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_getppid")
int tp_ppid_count(void *ctx)
{
	(void)ctx;
	count();
	return 0;
}

/* sys_enter(struct pt_regs *regs, long id): runs for every system call. */
SEC("raw_tracepoint/sys_enter")
int raw_ppid_empty(struct bpf_raw_tracepoint_args *ctx)
{
	(void)ctx;
	return 0;
}

SEC("raw_tracepoint/sys_enter")
int raw_ppid_count(struct bpf_raw_tracepoint_args *ctx)
{
	if (ctx->args[1] != __NR_getppid)
		return 0;
	count();
	return 0;
}

/* For the attach-scaling run: attached to any tracepoint by the caller. */
SEC("tracepoint")
int tp_any_empty(void *ctx)
{
	(void)ctx;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
