/*
 * A map of 1 GiB values times 2^30 entries (an exbibyte): BPF_MAP_CREATE
 * must refuse it and tpbpf must say which map, and exit 1.
 */
#include "tpbpf_bpf.h"

struct bpf_map_def SEC("maps") huge = {
	.type = BPF_MAP_TYPE_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = 1U << 30,
	.max_entries = 1U << 30,
};

SEC("tracepoint/syscalls/sys_enter_getppid")
int touch_huge(void *ctx)
{
	__u32 key = 0;
	__u8 *v = bpf_map_lookup_elem(&huge, &key);

	(void)ctx;
	if (v)
		*v = 1;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
