/* Calls a helper number no kernel has: the load must explain "unknown func". */
#include "tpbpf_bpf.h"

static long (*bpf_from_the_future)(void) = (void *)999;

SEC("tracepoint/syscalls/sys_enter_getppid")
int future_helper(void *ctx)
{
	(void)ctx;
	return (int)bpf_from_the_future();
}

char LICENSE[] SEC("license") = "GPL";
