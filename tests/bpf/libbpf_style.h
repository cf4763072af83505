/*
 * What libbpf-style programs include, for the tests: libbpf's own BPF-side
 * headers, and kernel types the way bpftool's vmlinux.h gives them (every
 * struct preserve_access_index, so each field access is a CO-RE
 * relocation), written here with layouts that are deliberately unlike any
 * real kernel's: a program that kept these compiled offsets would read the
 * wrong bytes, and the tests would see it.
 */
#ifndef TPBPF_TESTS_LIBBPF_STYLE_H
#define TPBPF_TESTS_LIBBPF_STYLE_H

#include <linux/types.h>
#include <linux/bpf.h>

#ifndef __ksym
#define __ksym __attribute__((section(".ksyms")))
#endif

#pragma clang attribute push(__attribute__((preserve_access_index)), apply_to = record)

struct trace_entry {
	unsigned short type;
	unsigned char flags;
	unsigned char preempt_count;
	int pid;
};

/* The kernel's has id at 8 and args at 16: here 40 and 48. */
struct trace_event_raw_sys_enter {
	struct trace_entry ent;
	char __wrong_padding[32];
	long id;
	unsigned long args[6];
};

struct trace_event_raw_sys_exit {
	struct trace_entry ent;
	char __wrong_padding[24];
	long id;
	long ret;
};

/* sched:sched_switch, its fields shifted by 8 and two of them swapped. */
struct trace_event_raw_sched_switch {
	struct trace_entry ent;
	char __wrong_padding[8];
	char next_comm[16];
	int next_pid;
	char prev_comm[16];
	int prev_pid;
	int prev_prio;
	long prev_state;
	int next_prio;
};

struct task_struct;

/* A class: sched_process_fork and no event of this name. */
struct trace_event_raw_sched_process_fork {
	struct trace_entry ent;
	char parent_comm[16];
	int parent_pid;
	char child_comm[16];
	int child_pid;
};

/* task_struct: the fields at places no kernel has them. */
struct task_struct {
	char __wrong_padding[4000];
	int tgid;
	char __more_wrong_padding[24];
	int pid;
	struct task_struct *real_parent;
	char comm[16];
};

#pragma clang attribute pop

#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#endif
