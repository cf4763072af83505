/* One map of each type tpbpf creates from SEC("maps"). */
#include "tpbpf_bpf.h"

#define MAP(n, t, k, v, m)					\
	struct bpf_map_def SEC("maps") n = {			\
		.type = t, .key_size = k, .value_size = v,	\
		.max_entries = m,				\
	}
MAP(m_hash, BPF_MAP_TYPE_HASH, 4, 8, 16);
MAP(m_array, BPF_MAP_TYPE_ARRAY, 4, 8, 4);
MAP(m_percpu_hash, BPF_MAP_TYPE_PERCPU_HASH, 4, 8, 16);
MAP(m_percpu_array, BPF_MAP_TYPE_PERCPU_ARRAY, 4, 8, 4);
MAP(m_lru_hash, BPF_MAP_TYPE_LRU_HASH, 4, 8, 16);
MAP(m_events, BPF_MAP_TYPE_PERF_EVENT_ARRAY, 4, 4, 0);

SEC("tracepoint/syscalls/sys_enter_getppid")
int touch_all(void *ctx)
{
	__u32 key = 1;
	__u64 v = 7, *p;

	bpf_map_update_elem(&m_hash, &key, &v, BPF_ANY);
	p = bpf_map_lookup_elem(&m_array, &key);
	if (p)
		*p = 7;
	bpf_map_update_elem(&m_percpu_hash, &key, &v, BPF_ANY);
	p = bpf_map_lookup_elem(&m_percpu_array, &key);
	if (p)
		*p = 7;
	bpf_map_update_elem(&m_lru_hash, &key, &v, BPF_ANY);
	bpf_perf_event_output(ctx, &m_events, BPF_F_CURRENT_CPU, &v, sizeof(v));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
