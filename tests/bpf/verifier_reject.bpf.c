/*
 * Two programs: the first is fine, the second dereferences a hash map
 * lookup without checking it for NULL, which the verifier refuses. Loading must fail, show the log, and
 * leave nothing loaded.
 */
#include "tpbpf_bpf.h"

struct bpf_map_def SEC("maps") values = {
	.type = BPF_MAP_TYPE_HASH,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u64),
	.max_entries = 1,
};

SEC("tracepoint/syscalls/sys_enter_getppid")
int good_prog(void *ctx)
{
	(void)ctx;
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_getpgid")
int bad_prog(void *ctx)
{
	__u32 key = 0;
	__u64 *v = bpf_map_lookup_elem(&values, &key);

	(void)ctx;
	/* No NULL check: the verifier must refuse this dereference. */
	return (int)*v;
}

char LICENSE[] SEC("license") = "GPL";
