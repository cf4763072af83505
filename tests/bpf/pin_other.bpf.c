/* A map pinned by name that is not btf_maps.bpf.c's of the same name. */
#include "libbpf_style.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u32);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} tpbpf_test_pinned SEC(".maps");

SEC("tp/syscalls/sys_enter_getppid")
int touch(void *ctx)
{
	__u32 k = 0, v = 1;

	bpf_map_update_elem(&tpbpf_test_pinned, &k, &v, BPF_ANY);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
