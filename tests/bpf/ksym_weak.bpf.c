/*
 * Weak kernel symbols, libbpf style: a kfunc and a variable declared
 * __ksym __weak, each used only behind a check that it exists. tpbpf
 * resolves no kernel symbols, so both are absent: the checks are false,
 * the kfunc's call is never reached, and each getppid of the target
 * counts in taken[0] (the fallback); taken[1] counts the other path.
 */
#include "libbpf_style.h"

/* bpf_ksym_exists() of libbpf 1.2, for the libbpf 1.1 headers of Debian 12. */
#define tp_ksym_exists(sym) (!!(sym))

extern __u64 tpbpf_test_absent_kfunc(__u64 x) __ksym __weak;
extern const int tpbpf_test_absent_var __ksym __weak;

const volatile __u32 targ_tgid = 0;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} taken SEC(".maps");

SEC("tp/syscalls/sys_enter_getppid")
int on_getppid(void *ctx)
{
	__u32 key = 0;
	__u64 *n, add = 1;

	if ((bpf_get_current_pid_tgid() >> 32) != targ_tgid)
		return 0;
	if (tp_ksym_exists(tpbpf_test_absent_kfunc)) {
		key = 1;
		add = tpbpf_test_absent_kfunc(1);
	} else if (tp_ksym_exists(&tpbpf_test_absent_var)) {
		key = 1;
	}
	n = bpf_map_lookup_elem(&taken, &key);
	if (n)
		__sync_fetch_and_add(n, add);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
