/* Counts getppid calls per process on the raw sys_enter tracepoint. */
#include <asm/unistd.h>
#include "tpbpf_bpf.h"

struct bpf_map_def SEC("maps") counts = {
	.type = BPF_MAP_TYPE_HASH,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u64),
	.max_entries = 1024,
};

/* sys_enter(struct pt_regs *regs, long id): args[1] is the syscall number. */
SEC("raw_tracepoint/sys_enter")
int count_raw_getppid(struct bpf_raw_tracepoint_args *ctx)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	__u64 one = 1, *v;

	if (ctx->args[1] != __NR_getppid)
		return 0;
	v = bpf_map_lookup_elem(&counts, &tgid);
	if (v)
		__sync_fetch_and_add(v, 1);
	else
		bpf_map_update_elem(&counts, &tgid, &one, BPF_NOEXIST);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
