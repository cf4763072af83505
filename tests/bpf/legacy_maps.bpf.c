/*
 * The map definitions of older objects: the kernel samples' four-field
 * struct bpf_map_def (16 bytes, no map_flags) in SEC("maps"), and gobpf's
 * one map per section, SEC("maps/NAME"), with its pinning and namespace
 * fields after map_flags. Both count getppid calls of the target process.
 */
#include "tpbpf_bpf.h"

struct samples_map_def {
	unsigned int type;
	unsigned int key_size;
	unsigned int value_size;
	unsigned int max_entries;
};

struct gobpf_map_def {
	unsigned int type;
	unsigned int key_size;
	unsigned int value_size;
	unsigned int max_entries;
	unsigned int map_flags;
	unsigned int pinning;
	char namespace[256];
};

struct samples_map_def SEC("maps") samples_counts = {
	.type = BPF_MAP_TYPE_HASH,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u64),
	.max_entries = 64,
};

struct samples_map_def SEC("maps") samples_other = {
	.type = BPF_MAP_TYPE_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u64),
	.max_entries = 1,
};

/* A section of map definitions no loader reads: named in a warning. */
struct samples_map_def SEC("maps_unused") left_alone = {
	.type = BPF_MAP_TYPE_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u64),
	.max_entries = 1,
};

struct gobpf_map_def SEC("maps/gobpf_counts") gobpf_counts = {
	.type = BPF_MAP_TYPE_HASH,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u64),
	.max_entries = 64,
};

static __always_inline void bump(void *map, __u32 key)
{
	__u64 one = 1, *v = bpf_map_lookup_elem(map, &key);

	if (v)
		__sync_fetch_and_add(v, 1);
	else
		bpf_map_update_elem(map, &key, &one, BPF_NOEXIST);
}

SEC("tracepoint/syscalls/sys_enter_getppid")
int count_getppid(void *ctx)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;

	bump(&samples_counts, tgid);
	bump(&gobpf_counts, tgid);
	bump(&samples_other, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
