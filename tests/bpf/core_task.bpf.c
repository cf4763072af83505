/*
 * CO-RE on a kernel struct, libbpf style: task_struct fields read with
 * BPF_CORE_READ through bpf_get_current_task(), with libbpf_style.h's
 * task_struct (wrong offsets on purpose). Without kernel BTF the offsets
 * come from the kernel struct offsets file. On each getppid of the target:
 *   seen[0] = task->tgid, seen[1] = task->real_parent->tgid, seen[2] = how
 *   many calls.
 */
#include "libbpf_style.h"

const volatile __u32 targ_tgid = 0;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 3);
	__type(key, __u32);
	__type(value, __u64);
} seen SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_getppid")
int on_getppid(void *ctx)
{
	struct task_struct *task = (void *)bpf_get_current_task();
	__u32 k0 = 0, k1 = 1, k2 = 2;
	__u64 tgid, ptgid, *n;

	if ((bpf_get_current_pid_tgid() >> 32) != targ_tgid)
		return 0;
	tgid = BPF_CORE_READ(task, tgid);
	ptgid = BPF_CORE_READ(task, real_parent, tgid);
	bpf_map_update_elem(&seen, &k0, &tgid, BPF_ANY);
	bpf_map_update_elem(&seen, &k1, &ptgid, BPF_ANY);
	n = bpf_map_lookup_elem(&seen, &k2);
	if (n)
		__sync_fetch_and_add(n, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
