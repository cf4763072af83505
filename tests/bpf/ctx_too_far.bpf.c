/*
 * Reads 2000 bytes into a record that is much smaller: the verifier lets a
 * tracepoint program read that far, the attach refuses it (EACCES).
 */
#include "tpbpf_bpf.h"

SEC("tracepoint/syscalls/sys_enter_getppid")
int read_too_far(void *ctx)
{
	return (int)*(volatile __u64 *)((char *)ctx + 2000);
}

char LICENSE[] SEC("license") = "GPL";
