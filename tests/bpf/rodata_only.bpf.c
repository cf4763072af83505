/*
 * Global data that is only read: on kernels without global data (before
 * 5.2) tpbpf folds these loads into constants, so the program still loads.
 */
#include "tpbpf_bpf.h"

struct bpf_map_def SEC("maps") counts = {
	.type = BPF_MAP_TYPE_HASH,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u64),
	.max_entries = 1024,
};

const volatile __u64 step = 2;		/* .rodata */
const volatile __u32 enabled = 1;	/* .rodata */

SEC("tracepoint/syscalls/sys_enter_getppid")
int count_by_step(void *ctx)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	__u64 init = step, *v;

	(void)ctx;
	if (!enabled)
		return 0;
	v = bpf_map_lookup_elem(&counts, &tgid);
	if (v)
		__sync_fetch_and_add(v, step);
	else
		bpf_map_update_elem(&counts, &tgid, &init, BPF_NOEXIST);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
