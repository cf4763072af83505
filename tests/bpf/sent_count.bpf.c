/*
 * Every getppid of the target process sends an 8-byte record to "events"
 * and counts the sends the kernel accepted in "sent": a reader that prints
 * every record it was sent prints exactly "sent" records.
 */
#include "tpbpf_bpf.h"

struct bpf_map_def SEC("maps") events = {
	.type = BPF_MAP_TYPE_PERF_EVENT_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u32),
	.max_entries = 0,
};

struct bpf_map_def SEC("maps") sent = {
	.type = BPF_MAP_TYPE_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u64),
	.max_entries = 1,
};

SEC("tracepoint/syscalls/sys_enter_getppid")
int send_getppid(void *ctx)
{
	__u64 id = bpf_get_current_pid_tgid(), *n;
	__u32 zero = 0;

	if ((id >> 32) != TPBPF_CONST(target_pid))
		return 0;
	if (bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, &id, sizeof(id)) == 0) {
		n = bpf_map_lookup_elem(&sent, &zero);
		if (n)
			__sync_fetch_and_add(n, 1);
	}
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
