/*
 * sent_count.bpf.c with a ring buffer (5.8+) named "rb", as libbpf-style
 * programs name theirs: every getppid of the target process sends its
 * 8-byte id, by bpf_ringbuf_output() or by reserve and submit in turn, and
 * counts the sends the kernel accepted in "sent".
 */
#include "tpbpf_bpf.h"

struct bpf_map_def SEC("maps") rb = {
	.type = BPF_MAP_TYPE_RINGBUF,
	.max_entries = 64 * 1024,
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
	__u64 id = bpf_get_current_pid_tgid(), *n, *slot;
	__u32 zero = 0;
	int ok;

	(void)ctx;
	if ((id >> 32) != TPBPF_CONST(target_pid))
		return 0;
	n = bpf_map_lookup_elem(&sent, &zero);
	if (!n)
		return 0;
	if (*n & 1) {
		slot = bpf_ringbuf_reserve(&rb, sizeof(id), 0);
		ok = slot != 0;
		if (slot) {
			*slot = id;
			bpf_ringbuf_submit(slot, 0);
		}
	} else {
		ok = bpf_ringbuf_output(&rb, &id, sizeof(id), 0) == 0;
	}
	if (ok)
		__sync_fetch_and_add(n, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
