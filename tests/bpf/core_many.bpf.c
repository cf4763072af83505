/*
 * 50 CO-RE relocations on the kernel's task_struct and mm_struct, the way a
 * libbpf-style tracing program reads them: test_core.c times resolving
 * them against the running kernel's BTF (the issue 13 budget) and checks
 * each against the offsets tpbpf_btf_field_offset finds there. The local
 * structs list only the fields read, in another order, as a program's
 * vmlinux.h subset would; in the kernel, mm_struct's fields sit inside an
 * anonymous struct. Built with -g only (CO-RE needs BTF).
 */
#include "tpbpf_bpf.h"

#define __core __attribute__((preserve_access_index))

struct mm_struct {
	unsigned long env_end;
	unsigned long env_start;
	unsigned long arg_end;
	unsigned long arg_start;
	unsigned long start_stack;
	unsigned long brk;
	unsigned long start_brk;
	unsigned long end_data;
	unsigned long start_data;
	unsigned long end_code;
	unsigned long start_code;
	unsigned long mmap_base;
	unsigned long task_size;
} __core;

struct task_struct {
	char comm[16];
	int nr_cpus_allowed;
	unsigned int policy;
	void *sighand;
	void *signal;
	void *fs;
	void *files;
	void *nsproxy;
	const void *real_cred;
	const void *cred;
	struct mm_struct *active_mm;
	struct mm_struct *mm;
	struct task_struct *group_leader;
	struct task_struct *parent;
	struct task_struct *real_parent;
	unsigned long maj_flt;
	unsigned long min_flt;
	__u64 start_boottime;
	__u64 start_time;
	unsigned long nivcsw;
	unsigned long nvcsw;
	__u64 gtime;
	__u64 stime;
	__u64 utime;
	unsigned int personality;
	int pdeath_signal;
	int exit_signal;
	int exit_code;
	int exit_state;
	unsigned int rt_priority;
	int normal_prio;
	int static_prio;
	int prio;
	unsigned int flags;
	int tgid;
	int pid;
} __core;

volatile __u64 out[50];

SEC("raw_tp/sched_switch")
int many(void *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	struct mm_struct *mm;

	(void)ctx;
	out[0] = t->pid;
	out[1] = t->tgid;
	out[2] = t->flags;
	out[3] = t->prio;
	out[4] = t->static_prio;
	out[5] = t->normal_prio;
	out[6] = t->rt_priority;
	out[7] = t->exit_state;
	out[8] = t->exit_code;
	out[9] = t->exit_signal;
	out[10] = t->pdeath_signal;
	out[11] = t->personality;
	out[12] = t->utime;
	out[13] = t->stime;
	out[14] = t->gtime;
	out[15] = t->nvcsw;
	out[16] = t->nivcsw;
	out[17] = t->start_time;
	out[18] = t->start_boottime;
	out[19] = t->min_flt;
	out[20] = t->maj_flt;
	out[21] = (unsigned long)t->real_parent;
	out[22] = (unsigned long)t->parent;
	out[23] = (unsigned long)t->group_leader;
	out[24] = (unsigned long)t->mm;
	out[25] = (unsigned long)t->active_mm;
	out[26] = (unsigned long)t->cred;
	out[27] = (unsigned long)t->real_cred;
	out[28] = (unsigned long)t->nsproxy;
	out[29] = (unsigned long)t->files;
	out[30] = (unsigned long)t->fs;
	out[31] = (unsigned long)t->signal;
	out[32] = (unsigned long)t->sighand;
	out[33] = t->policy;
	out[34] = t->nr_cpus_allowed;
	out[35] = t->comm[0];
	mm = t->active_mm;
	out[36] = mm->task_size;
	out[37] = mm->mmap_base;
	out[38] = mm->start_code;
	out[39] = mm->end_code;
	out[40] = mm->start_data;
	out[41] = mm->end_data;
	out[42] = mm->start_brk;
	out[43] = mm->brk;
	out[44] = mm->start_stack;
	out[45] = mm->arg_start;
	out[46] = mm->arg_end;
	out[47] = mm->env_start;
	out[48] = mm->env_end;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
