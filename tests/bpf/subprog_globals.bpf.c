/*
 * Sub-programs in .text and global data: a noinline function called from
 * the program, counters in .bss and .data, a constant in .rodata.
 */
#include "tpbpf_bpf.h"

struct bpf_map_def SEC("maps") counts = {
	.type = BPF_MAP_TYPE_HASH,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u64),
	.max_entries = 1024,
};

__u64 bss_calls;		/* .bss */
__u64 data_calls = 1000;	/* .data: starts at 1000 */
const volatile __u64 increment = 1;	/* .rodata */

static __noinline int bump(__u32 tgid)
{
	__u64 one = increment, *v;

	v = bpf_map_lookup_elem(&counts, &tgid);
	if (v)
		__sync_fetch_and_add(v, increment);
	else
		bpf_map_update_elem(&counts, &tgid, &one, BPF_NOEXIST);
	return 0;
}

/* A second level of call, so sub-programs call sub-programs. */
static __noinline int count_call(__u32 tgid)
{
	__sync_fetch_and_add(&bss_calls, 1);
	__sync_fetch_and_add(&data_calls, 1);
	return bump(tgid);
}

SEC("tp/syscalls/sys_enter_getppid")
int subprog_counter(void *ctx)
{
	(void)ctx;
	return count_call(bpf_get_current_pid_tgid() >> 32);
}

char LICENSE[] SEC("license") = "GPL";
