/*
 * Settings a loader writes before load, as libbpf skeleton users set
 * rodata->targ_tgid: const volatile globals in .rodata (tpbpf load --set).
 * counts[0] gains `scale` for each getppid of `targ_tgid`; counts[1] holds
 * the first byte of `tag`. Reads of .rodata only: on kernels without
 * global data they fold into constants, with the values set.
 */
#include "tpbpf_bpf.h"

const volatile __u32 targ_tgid = 0;
const volatile __u64 scale = 1;
const volatile char tag[8] = "none";

struct bpf_map_def SEC("maps") counts = {
	.type = BPF_MAP_TYPE_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u64),
	.max_entries = 2,
};

SEC("tracepoint/syscalls/sys_enter_getppid")
int count_scaled(void *ctx)
{
	__u32 k0 = 0, k1 = 1;
	__u64 *v;

	if ((bpf_get_current_pid_tgid() >> 32) != targ_tgid)
		return 0;
	v = bpf_map_lookup_elem(&counts, &k0);
	if (v)
		__sync_fetch_and_add(v, scale);
	v = bpf_map_lookup_elem(&counts, &k1);
	if (v)
		*v = tag[0];
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
