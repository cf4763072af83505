/*
 * Maps defined in SEC(".maps"), as libbpf-style objects write them:
 *   btfm_counts  __uint/__type form, a hash by tgid
 *   older     the older form: integer fields whose values are in the data
 *   pinned    LIBBPF_PIN_BY_NAME: pinned under the pin root, reused by the
 *             next load when compatible
 *   outer     a map of maps: __array(values, struct inner), its slot 1
 *             holding inner_b from the definition
 *   inner_a, inner_b  the maps it may hold
 *   events    a perf event array with __uint key_size/value_size
 * Each getppid of the target adds 1 to btfm_counts[tgid], older[0], pinned[0]
 * and to slot 0 of whatever map outer holds at 1 (inner_b).
 */
#include "libbpf_style.h"

const volatile __u32 targ_tgid = 0;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u64);
} btfm_counts SEC(".maps");

struct {
	int type;
	int max_entries;
	__u32 *key;
	__u64 *value;
} older SEC(".maps") = {
	.type = BPF_MAP_TYPE_ARRAY,
	.max_entries = 4,
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} tpbpf_test_pinned SEC(".maps");

struct inner {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
};

struct inner inner_a SEC(".maps"), inner_b SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 2);
	__type(key, __u32);
	__array(values, struct inner);
} outer SEC(".maps") = {
	.values = { [1] = &inner_b },
};

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} events SEC(".maps");

static __always_inline void bump(void *map, __u32 key)
{
	__u64 one = 1, *v = bpf_map_lookup_elem(map, &key);

	if (v)
		__sync_fetch_and_add(v, 1);
	else
		bpf_map_update_elem(map, &key, &one, BPF_NOEXIST);
}

SEC("tp/syscalls/sys_enter_getppid")
int count_getppid(void *ctx)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32, one = 1;
	void *in;

	if (tgid != targ_tgid)
		return 0;
	bump(&btfm_counts, tgid);
	bump(&older, 0);
	bump(&tpbpf_test_pinned, 0);
	in = bpf_map_lookup_elem(&outer, &one);
	if (in)
		bump(in, 0);
	bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, &tgid, sizeof(tgid));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
