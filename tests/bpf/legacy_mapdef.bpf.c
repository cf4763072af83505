/*
 * The longer map definition of older objects (samples/bpf style, with
 * inner_map_idx and numa_node): the loader sizes entries from the symbols.
 */
#include "tpbpf_bpf.h"

struct bpf_map_def_long {
	unsigned int type, key_size, value_size, max_entries, map_flags;
	unsigned int inner_map_idx, numa_node;
};

struct bpf_map_def_long SEC("maps") first = {
	.type = BPF_MAP_TYPE_ARRAY, .key_size = 4, .value_size = 8, .max_entries = 2,
};
struct bpf_map_def_long SEC("maps") second = {
	.type = BPF_MAP_TYPE_HASH, .key_size = 4, .value_size = 4, .max_entries = 64,
};

SEC("raw_tp/sys_enter")
int use_both(void *ctx)
{
	__u32 k = 0, v = 1;
	__u64 *p = bpf_map_lookup_elem(&first, &k);

	(void)ctx;
	if (p)
		__sync_fetch_and_add(p, 1);
	bpf_map_update_elem(&second, &k, &v, BPF_ANY);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
