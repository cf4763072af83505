/*
 * No license section: the kernel takes the program, as not GPL-compatible.
 * Counts getppid calls per process with helpers any program may call.
 * With -DCALL_GPL_HELPER it also calls bpf_probe_read_kernel, which the
 * kernel keeps for GPL-compatible programs: that load fails, naming it.
 */
#include "tpbpf_bpf.h"

struct bpf_map_def SEC("maps") counts = {
	.type = BPF_MAP_TYPE_HASH,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u64),
	.max_entries = 64,
};

SEC("tp/syscalls/sys_enter_getppid")
int count_getppid(void *ctx)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	__u64 one = 1, *v;

#ifdef CALL_GPL_HELPER
	long x;

	bpf_probe_read_kernel(&x, sizeof(x), ctx);
	one += x & 0;
#endif
	v = bpf_map_lookup_elem(&counts, &tgid);
	if (v)
		__sync_fetch_and_add(v, 1);
	else
		bpf_map_update_elem(&counts, &tgid, &one, BPF_NOEXIST);
	return 0;
}
