/*
 * CO-RE relocations of every kind clang emits, in the instruction forms it
 * uses (ALU immediates, loads, stores, ld_imm64), written the way libbpf
 * users write them (preserve_access_index structs, field/type/enum info
 * builtins) but without libbpf's headers. Never loaded: test_core.c reads
 * its .BTF.ext, matches each relocation against BTF built in the test,
 * where fields have moved, changed size, become bitfields or gone, and
 * checks every patched instruction.
 *
 * The types below are this object's idea of the kernel's; test_core.c's
 * target differs on purpose. Built with -g only (CO-RE needs BTF).
 */
#include "tpbpf_bpf.h"

#define __core __attribute__((preserve_access_index))

/* __builtin_preserve_field_info kinds */
#define FIELD_BYTE_OFFSET 0
#define FIELD_BYTE_SIZE 1
#define FIELD_EXISTS 2
#define FIELD_SIGNED 3
#define FIELD_LSHIFT_U64 4
#define FIELD_RSHIFT_U64 5
/* __builtin_btf_type_id and __builtin_preserve_type_info kinds */
#define TYPE_ID_LOCAL 0
#define TYPE_ID_TARGET 1
#define TYPE_EXISTS 0
#define TYPE_SIZE 1
/* __builtin_preserve_enum_value kinds */
#define ENUMVAL_EXISTS 0
#define ENUMVAL_VALUE 1

struct list_head {
	struct list_head *next, *prev;
} __core;

struct task_struct {
	int pad0;
	int pid;
	int tgid;
	unsigned int flags;		/* target: 8 bytes, unsigned */
	int prio;			/* target: 8 bytes, signed */
	unsigned int f1 : 3, f2 : 5;	/* target: moved, f2 wider */
	int s1 : 4;			/* a signed bitfield */
	char comm[16];
	struct task_struct *real_parent;	/* target: inside an anonymous union */
	union {
		int u1;
		long u2;		/* target: a plain member */
	};
	int gone;			/* target: absent */
	struct list_head tasks;
} __core;

/* A second definition of the same kernel struct, for older kernels. */
struct task_struct___old {
	int old_state;			/* target: absent */
	int pid;
} __core;

struct trace_entry {
	unsigned short type;
	unsigned char flags;
	unsigned char preempt_count;
	int pid;
} __core;

/* Wrong on purpose: the kernel's id is a long at 8, args at 16. */
struct trace_event_raw_sys_enter {
	struct trace_entry ent;
	int id;
	unsigned long pad;
	unsigned long args[6];
} __core;

struct not_in_kernel {
	int x;
};

/* (No 64-bit enumerator: clang 14 writes its value cut to 32 bits into
 * the BTF, so the instruction could never match it.) */
enum pid_type { PIDTYPE_PID, PIDTYPE_TGID, PIDTYPE_PGID, PIDTYPE_GONE };

/* Each result goes to memory, so that the compiler keeps every relocation. */
volatile __u64 out[40];

SEC("raw_tp/fields")
int fields(void *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	int tgid = 0;

	(void)ctx;
	out[0] = t->pid;					/* load: offset moves */
	out[1] = t->flags;					/* load: 4 -> 8 bytes, unsigned */
	out[2] = t->prio;					/* load: 4 -> 8 bytes, signed: poison */
	out[3] = t->gone;					/* load: absent: poison */
	t->pad0 = 7;						/* store */
	bpf_probe_read_kernel(&tgid, sizeof(tgid), &t->tgid);	/* address: ALU add */
	out[4] = tgid;
	out[5] = t->comm[3];					/* array element */
	out[6] = (unsigned long)t->real_parent;			/* through an anonymous union */
	out[7] = t->u2;						/* an anonymous member locally */
	out[8] = (unsigned long)t->tasks.next;			/* nested */
	return 0;
}

SEC("raw_tp/info")
int info(void *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	struct task_struct___old *o = (void *)t;

	(void)ctx;
	out[10] = __builtin_preserve_field_info(t->f2, FIELD_BYTE_OFFSET);
	out[11] = __builtin_preserve_field_info(t->f2, FIELD_BYTE_SIZE);
	out[12] = __builtin_preserve_field_info(t->f2, FIELD_LSHIFT_U64);
	out[13] = __builtin_preserve_field_info(t->f2, FIELD_RSHIFT_U64);
	out[14] = __builtin_preserve_field_info(t->s1, FIELD_SIGNED);
	out[15] = __builtin_preserve_field_info(t->f1, FIELD_SIGNED);
	out[16] = __builtin_preserve_field_info(t->gone, FIELD_EXISTS);
	out[17] = __builtin_preserve_field_info(t->tgid, FIELD_EXISTS);
	out[18] = __builtin_preserve_field_info(o->old_state, FIELD_EXISTS);
	out[19] = __builtin_preserve_field_info(o->pid, FIELD_BYTE_OFFSET);
	out[20] = __builtin_preserve_field_info(t->comm, FIELD_BYTE_SIZE);
	out[21] = __builtin_preserve_field_info(t->prio, FIELD_BYTE_SIZE);
	return 0;
}

SEC("raw_tp/types")
int types(void *ctx)
{
	(void)ctx;
	out[22] = __builtin_preserve_type_info(*(struct task_struct *)0, TYPE_EXISTS);
	out[23] = __builtin_preserve_type_info(*(struct task_struct *)0, TYPE_SIZE);
	out[24] = __builtin_preserve_type_info(*(struct not_in_kernel *)0, TYPE_EXISTS);
	out[25] = __builtin_preserve_type_info(*(struct not_in_kernel *)0, TYPE_SIZE);
	out[26] = __builtin_btf_type_id(*(struct task_struct *)0, TYPE_ID_LOCAL);
	out[27] = __builtin_btf_type_id(*(struct task_struct *)0, TYPE_ID_TARGET);
	out[28] = __builtin_preserve_enum_value(*(enum pid_type *)PIDTYPE_TGID, ENUMVAL_EXISTS);
	out[29] = __builtin_preserve_enum_value(*(enum pid_type *)PIDTYPE_TGID, ENUMVAL_VALUE);
	out[30] = __builtin_preserve_enum_value(*(enum pid_type *)PIDTYPE_GONE, ENUMVAL_EXISTS);
	out[31] = __builtin_preserve_enum_value(*(enum pid_type *)PIDTYPE_GONE, ENUMVAL_VALUE);
	return 0;
}

SEC("tp/raw_syscalls/sys_enter")
int sys_enter(struct trace_event_raw_sys_enter *ctx)
{
	out[33] = ctx->args[1];					/* context load: moves */
	out[34] = ctx->id;					/* int -> long, signed: poison */
	out[35] = __builtin_preserve_field_info(ctx->args, FIELD_BYTE_SIZE);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
