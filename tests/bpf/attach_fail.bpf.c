/*
 * Two programs that both load; the second names a tracepoint no kernel has,
 * so attaching fails after the first is attached. tpbpf must undo the first
 * attachment and leave no program, map or perf event behind.
 */
#include "tpbpf_bpf.h"

struct bpf_map_def SEC("maps") hits = {
	.type = BPF_MAP_TYPE_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u64),
	.max_entries = 1,
};

SEC("tracepoint/syscalls/sys_enter_getppid")
int good_attach(void *ctx)
{
	__u32 key = 0;
	__u64 *v = bpf_map_lookup_elem(&hits, &key);

	(void)ctx;
	if (v)
		__sync_fetch_and_add(v, 1);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_no_such_call")
int bad_attach(void *ctx)
{
	(void)ctx;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
