/*
 * One program on two tracepoints: TP_EVENT_ID() (the attach cookie tpbpf
 * sets to the event ID), compared with the load-time constant TP_ID(),
 * says which one fired.
 */
#include "tpbpf_bpf.h"

#define COUNTER(name)					\
	struct bpf_map_def SEC("maps") name = {		\
		.type = BPF_MAP_TYPE_HASH,		\
		.key_size = sizeof(__u32),		\
		.value_size = sizeof(__u64),		\
		.max_entries = 1024,			\
	}
COUNTER(getppid_counts);
COUNTER(getpgid_counts);

SEC("tracepoint")
int count_both(void *ctx)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	__u64 one = 1, *v;
	__u64 id = TP_EVENT_ID(ctx);
	void *map;

	if (id == TP_ID(syscalls, sys_enter_getppid))
		map = &getppid_counts;
	else if (id == TP_ID(syscalls, sys_enter_getpgid))
		map = &getpgid_counts;
	else
		return 0;
	v = bpf_map_lookup_elem(map, &tgid);
	if (v)
		__sync_fetch_and_add(v, 1);
	else
		bpf_map_update_elem(map, &tgid, &one, BPF_NOEXIST);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
