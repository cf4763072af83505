/*
 * A weak kfunc called without checking that it exists: tpbpf leaves it
 * absent, the verifier reaches the call, and the load fails naming it.
 */
#include "libbpf_style.h"

extern __u64 tpbpf_test_absent_kfunc(__u64 x) __ksym __weak;

SEC("tp/syscalls/sys_enter_getppid")
int on_getppid(void *ctx)
{
	return (int)tpbpf_test_absent_kfunc(2);
}

char LICENSE[] SEC("license") = "GPL";
