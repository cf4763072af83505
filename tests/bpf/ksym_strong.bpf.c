/*
 * A kernel symbol that is not weak: the program cannot run without it, and
 * tpbpf resolves none, so the load is refused naming it.
 */
#include "libbpf_style.h"

extern const int tpbpf_test_required_var __ksym;

SEC("tp/syscalls/sys_enter_getppid")
int on_getppid(void *ctx)
{
	return tpbpf_test_required_var;
}

char LICENSE[] SEC("license") = "GPL";
