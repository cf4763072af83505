/* A map and a license, but no program: tpbpf load must say so and fail. */
#include "tpbpf_bpf.h"

struct bpf_map_def SEC("maps") lonely = {
	.type = BPF_MAP_TYPE_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u64),
	.max_entries = 1,
};

char LICENSE[] SEC("license") = "GPL";
