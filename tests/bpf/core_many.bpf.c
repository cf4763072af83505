/*
 * 50 CO-RE relocations on the kernel's task_struct and mm_struct, the way a
 * libbpf-style tracing program reads them: test_core.c times resolving
 * them against the running kernel's BTF (the issue 13 budget) and checks
 * each against the offsets tpbpf_btf_field_offset finds there. The local
 * structs list only the fields read, in another order, as a program's
 * vmlinux.h subset would; in the kernel, mm_struct's fields sit inside an
 * anonymous struct. Each field is read with bpf_probe_read_kernel, as
 * BPF_CORE_READ does, so the object loads and attaches: make bench times
 * its load beside libbpf's. Built with -g only (CO-RE needs BTF).
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
	unsigned int ptrace;
	int tgid;
	int pid;
} __core;

volatile __u64 out[50];

/* What BPF_CORE_READ does for one field: a probe read at its CO-RE address. */
#define RD(i, field)								\
	do {									\
		__typeof__(field) v_ = 0;					\
		bpf_probe_read_kernel(&v_, sizeof(v_), &(field));		\
		out[i] = (unsigned long)v_;					\
	} while (0)

SEC("raw_tp/sched_switch")
int many(void *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	struct mm_struct *mm = 0;

	(void)ctx;
	RD(0, t->pid);
	RD(1, t->tgid);
	RD(2, t->flags);
	RD(3, t->prio);
	RD(4, t->static_prio);
	RD(5, t->normal_prio);
	RD(6, t->rt_priority);
	RD(7, t->exit_state);
	RD(8, t->exit_code);
	RD(9, t->exit_signal);
	RD(10, t->pdeath_signal);
	RD(11, t->personality);
	RD(12, t->utime);
	RD(13, t->stime);
	RD(14, t->gtime);
	RD(15, t->nvcsw);
	RD(16, t->nivcsw);
	RD(17, t->start_time);
	RD(18, t->start_boottime);
	RD(19, t->min_flt);
	RD(20, t->maj_flt);
	RD(21, t->real_parent);
	RD(22, t->parent);
	RD(23, t->group_leader);
	RD(24, t->mm);
	RD(25, t->active_mm);
	RD(26, t->cred);
	RD(27, t->real_cred);
	RD(28, t->nsproxy);
	RD(29, t->files);
	RD(30, t->fs);
	RD(31, t->signal);
	RD(32, t->sighand);
	RD(33, t->policy);
	RD(34, t->nr_cpus_allowed);
	RD(35, t->comm[0]);
	bpf_probe_read_kernel(&mm, sizeof(mm), &t->active_mm);
	RD(36, mm->task_size);
	RD(37, mm->mmap_base);
	RD(38, mm->start_code);
	RD(39, mm->end_code);
	RD(40, mm->start_data);
	RD(41, mm->end_data);
	RD(42, mm->start_brk);
	RD(43, mm->brk);
	RD(44, mm->start_stack);
	RD(45, mm->arg_start);
	RD(46, mm->arg_end);
	RD(47, mm->env_start);
	RD(48, mm->env_end);
	RD(49, t->ptrace);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
