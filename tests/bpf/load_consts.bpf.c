/*
 * Load-time constants: the program stores what the loader wrote into it,
 * so a test can compare each value with tracefs.
 */
#include "tpbpf_bpf.h"

struct bpf_map_def SEC("maps") seen = {
	.type = BPF_MAP_TYPE_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u64),
	.max_entries = 8,
};

static __always_inline void put(__u32 k, __u64 v)
{
	bpf_map_update_elem(&seen, &k, &v, BPF_ANY);
}

SEC("tracepoint/sched/sched_switch")
int record_consts(void *ctx)
{
	__s32 next_pid = 0;

	put(0, TP_ID(sched, sched_switch));
	put(1, TP_FIELD_OFF(sched, sched_switch, next_pid));
	put(2, TP_FIELD_SIZE(sched, sched_switch, next_comm));
	put(3, TP_RECORD_SIZE(sched, sched_switch));
	put(4, TP_HAS_FIELD(sched, sched_switch, no_such_field));
	put(5, TPBPF_CONST(magic) + 1);
	TP_READ_FIELD(&next_pid, ctx, sched, sched_switch, next_pid);
	put(6, (__u64)next_pid);
	put(7, TP_ID(net, net_dev_queue));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
