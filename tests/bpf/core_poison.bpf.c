/*
 * A CO-RE read of a field no kernel's task_struct has, not guarded by
 * bpf_core_field_exists(): tpbpf poisons it, and the verifier's refusal of
 * it is reported naming the field.
 */
#include "libbpf_style.h"

struct task_struct___unknown {
	int no_such_field_here;
} __attribute__((preserve_access_index));

__u64 out;

SEC("tp/syscalls/sys_enter_getppid")
int reads_missing(void *ctx)
{
	struct task_struct___unknown *t = (void *)bpf_get_current_task();

	out = BPF_CORE_READ(t, no_such_field_here);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
