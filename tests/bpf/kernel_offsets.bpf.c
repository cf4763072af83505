/*
 * KERNEL_OFF on a raw tracepoint: net_dev_queue(struct sk_buff *skb) gets a
 * kernel pointer, not a record. Read skb->len, skb->dev and dev->name at
 * offsets that tpbpf supplies at load time (offsets file or kernel BTF),
 * and count packets per device name and per length.
 *
 * Built a second time with -DTPBPF_TEST_MISSING_FIELD by the integration
 * test: then it asks for a field no kernel has, and the load must fail
 * with a message that names it.
 */
#include "tpbpf_bpf.h"

#define IFNAMSIZ 16

struct bpf_map_def SEC("maps") by_dev = {
	.type = BPF_MAP_TYPE_HASH,
	.key_size = IFNAMSIZ,
	.value_size = sizeof(__u64),
	.max_entries = 64,
};

struct bpf_map_def SEC("maps") by_len = {
	.type = BPF_MAP_TYPE_HASH,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u64),
	.max_entries = 4096,
};

static __always_inline void count(void *map, const void *key)
{
	__u64 one = 1, *v = bpf_map_lookup_elem(map, key);

	if (v)
		__sync_fetch_and_add(v, 1);
	else
		bpf_map_update_elem(map, key, &one, BPF_NOEXIST);
}

SEC("raw_tp/net_dev_queue")
int skb_by_dev(struct bpf_raw_tracepoint_args *ctx)
{
	const char *skb = (const char *)ctx->args[0];
	char name[IFNAMSIZ] = {};
	const char *dev = 0;
	__u32 len = 0;

#ifdef TPBPF_TEST_MISSING_FIELD
	bpf_probe_read_kernel(&len, sizeof(len), skb + KERNEL_OFF(sk_buff, no_such_field));
#else
	bpf_probe_read_kernel(&len, sizeof(len), skb + KERNEL_OFF(sk_buff, len));
#endif
	bpf_probe_read_kernel(&dev, sizeof(dev), skb + KERNEL_OFF(sk_buff, dev));
	if (!dev)
		return 0;
	bpf_probe_read_kernel_str(name, sizeof(name), dev + KERNEL_OFF(net_device, name));
	count(&by_dev, name);
	count(&by_len, &len);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
