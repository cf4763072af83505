/*
 * A writable raw tracepoint: bpf_test_run's bpf_test_finish(int *err)
 * fires at the end of every BPF_PROG_TEST_RUN and lets a program change the
 * error that the syscall returns (the tracepoint's writable buffer is that
 * int). For processes named test_run_trigger only, so other users of
 * BPF_PROG_TEST_RUN on the machine are left alone, write -ENOTRECOVERABLE:
 * the trigger then sees errno 131 instead of success.
 */
#include "tpbpf_bpf.h"

#define ENOTRECOVERABLE 131

struct bpf_map_def SEC("maps") writes = {
	.type = BPF_MAP_TYPE_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u64),
	.max_entries = 1,
};

SEC("raw_tp.w/bpf_test_finish")
int set_test_err(struct bpf_raw_tracepoint_args *ctx)
{
	/* "test_run_trigger" is cut to 15 characters in comm. */
	static const char want[16] = "test_run_trigge";
	char comm[16] = {};
	__u32 zero = 0;
	__u64 *v;
	int *err;

	bpf_get_current_comm(comm, sizeof(comm));
	for (int i = 0; i < 16; i++)
		if (comm[i] != want[i])
			return 0;
	/* args[0] is the writable buffer: 4 bytes, the int err. */
	err = (int *)ctx->args[0];
	*err = -ENOTRECOVERABLE;
	v = bpf_map_lookup_elem(&writes, &zero);
	if (v)
		__sync_fetch_and_add(v, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
