/*
 * An object that holds more than tracepoint programs, as many real ones
 * do: a kprobe, a tp_btf program, an XDP program and one in a section
 * whose name says no type, beside a classic and a raw tracepoint program.
 * tpbpf loads the last two (each skipped one named in a warning), and the
 * custom one too when --attach says where it goes.
 *
 * counts[1]: getppid calls of the target process (classic tracepoint),
 * counts[2]: the same seen by the raw sys_enter tracepoint,
 * counts[3]: getpgid calls, by the custom-section program when attached.
 */
#include <asm/unistd.h>
#include "tpbpf_bpf.h"

struct bpf_map_def SEC("maps") counts = {
	.type = BPF_MAP_TYPE_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u64),
	.max_entries = 4,
};

static __always_inline int count(__u32 key)
{
	__u64 *v;

	if ((bpf_get_current_pid_tgid() >> 32) != TPBPF_CONST(target_pid))
		return 0;
	v = bpf_map_lookup_elem(&counts, &key);
	if (v)
		__sync_fetch_and_add(v, 1);
	return 0;
}

SEC("kprobe/do_nanosleep")
int on_nanosleep(void *ctx)
{
	return count(0);
}

SEC("tp_btf/sched_switch")
int on_switch_btf(void *ctx)
{
	return count(0);
}

SEC("xdp")
int pass_all(void *ctx)
{
	return 2;	/* XDP_PASS */
}

SEC("handler")
int on_custom(void *ctx)
{
	return count(3);
}

SEC("tp/syscalls/sys_enter_getppid")
int on_getppid(void *ctx)
{
	return count(1);
}

SEC("raw_tp/sys_enter")
int on_sys_enter(struct bpf_raw_tracepoint_args *ctx)
{
	return ctx->args[1] == __NR_getppid ? count(2) : 0;
}

char LICENSE[] SEC("license") = "GPL";
