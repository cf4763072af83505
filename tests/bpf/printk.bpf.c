/*
 * bpf_printk() as libbpf's header writes it: the format string a static
 * const array in .rodata, passed to bpf_trace_printk. Each getppid of the
 * target process prints one line with its pid and a count.
 */
#include <linux/bpf.h>
#include <linux/types.h>
#include <bpf/bpf_helpers.h>

const volatile __u32 targ_tgid = 0;
__u32 calls = 0;

SEC("tp/syscalls/sys_enter_getppid")
int say_getppid(void *ctx)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;

	if (tgid != targ_tgid)
		return 0;
	calls++;
	bpf_printk("tpbpf-printk pid %u call %u", tgid, calls);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
