/*
 * CO-RE on tracepoint records, libbpf style: the context is a
 * struct trace_event_raw_* of libbpf_style.h (wrong offsets on purpose),
 * each field read a CO-RE relocation. Without kernel BTF the answers come
 * from the tracefs formats. For the target process:
 *   counts[getppid]         getppid calls seen on raw_syscalls:sys_enter
 *                           (ctx->id, ctx->args[0])
 *   counts[RET_KEY]         the last getppid return seen on sys_exit (ctx->ret)
 *   switches[0]             sched_switch events where prev_pid is the target
 *   has[0], has[1]          bpf_core_field_exists of a real field (1) and of
 *                           one no kernel has (0); the read of that field,
 *                           guarded by it, is poisoned but never runs
 */
#include <asm/unistd.h>
#include "libbpf_style.h"

#define RET_KEY 100000

const volatile __u32 targ_tgid = 0;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} has SEC(".maps"), switches SEC(".maps");

/* A field no kernel's sched_switch record has: its own flavor. */
struct trace_event_raw_sched_switch___future {
	int prev_pid;
	int prev_next_hint;
} __attribute__((preserve_access_index));

static __always_inline int is_target(void)
{
	return (bpf_get_current_pid_tgid() >> 32) == targ_tgid;
}

static __always_inline void add(void *map, __u32 key, __u64 n)
{
	__u64 *v = bpf_map_lookup_elem(map, &key);

	if (v)
		__sync_fetch_and_add(v, n);
	else
		bpf_map_update_elem(map, &key, &n, BPF_NOEXIST);
}

SEC("tp/raw_syscalls/sys_enter")
int on_enter(struct trace_event_raw_sys_enter *ctx)
{
	if (!is_target())
		return 0;
	/* id and args[0]: getppid takes no argument, so args[0] is whatever the
	 * register held; count by id only, and keep args[0]'s offset alive. */
	add(&counts, (__u32)ctx->id, ctx->args[0] == 0xdeadbeefdeadbeefUL ? 2 : 1);
	return 0;
}

SEC("tp/raw_syscalls/sys_exit")
int on_exit(struct trace_event_raw_sys_exit *ctx)
{
	__u32 key = RET_KEY;
	__u64 ret;

	if (!is_target() || ctx->id != __NR_getppid)
		return 0;
	ret = (__u64)ctx->ret;
	bpf_map_update_elem(&counts, &key, &ret, BPF_ANY);
	return 0;
}

SEC("tp/sched/sched_switch")
int on_switch(struct trace_event_raw_sched_switch *ctx)
{
	__u32 zero = 0, one = 1;
	__u64 yes = 1, no = 0;
	struct trace_event_raw_sched_switch___future *f = (void *)ctx;

	bpf_map_update_elem(&has, &zero, bpf_core_field_exists(ctx->next_pid) ? &yes : &no, BPF_ANY);
	bpf_map_update_elem(&has, &one, bpf_core_field_exists(f->prev_next_hint) ? &yes : &no, BPF_ANY);
	if (bpf_core_field_exists(f->prev_next_hint))
		add(&switches, 1, f->prev_next_hint);
	if (ctx->prev_pid == (int)targ_tgid)
		add(&switches, 0, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
