/* SPDX-License-Identifier: MIT */
/*
 * The BPF side of tpbpf: what a tracepoint program includes.
 *
 *   SEC()                    place a program, the license or a map
 *   struct bpf_map_def       legacy map definition, in SEC("maps")
 *   bpf_*()                  helper declarations (numbers from linux/bpf.h)
 *   TP_ID() TP_FIELD_OFF()   load-time constants: values tpbpf reads from
 *   TP_FIELD_SIZE()          tracefs and writes into the program just before
 *   TP_HAS_FIELD()           it is loaded, so one object fits every kernel's
 *   TP_RECORD_SIZE()         record layout
 *   KERNEL_OFF()             offset of a field in a kernel struct
 *   TPBPF_CONST()            a constant the loading program sets
 *   TP_EVENT_ID()            which tracepoint ran the program (its TP_ID)
 *
 * Build: clang -target bpf -O2 -I/usr/include/$(gcc -dumpmachine) -c x.bpf.c
 */
#ifndef TPBPF_BPF_H
#define TPBPF_BPF_H

#include <linux/bpf.h>
#include <linux/types.h>

#define SEC(name) __attribute__((section(name), used))
/* linux/stddef.h may define it as plain inline: insist. */
#undef __always_inline
#define __always_inline inline __attribute__((always_inline))
#ifndef __noinline
#define __noinline __attribute__((noinline))
#endif

/* Legacy map definition: tpbpf reads SEC("maps") arrays of these. */
struct bpf_map_def {
	unsigned int type;
	unsigned int key_size;
	unsigned int value_size;
	unsigned int max_entries;	/* 0 for a perf event array: one per CPU; bytes for a ring buffer */
	unsigned int map_flags;
};

/* ---- helpers: each is a call of its number from linux/bpf.h --------------- */

#define TPBPF_HELPER(ret, name, ...) \
	static ret (*bpf_##name)(__VA_ARGS__) = (void *)BPF_FUNC_##name

TPBPF_HELPER(void *, map_lookup_elem, void *map, const void *key);
TPBPF_HELPER(long, map_update_elem, void *map, const void *key, const void *value, __u64 flags);
TPBPF_HELPER(long, map_delete_elem, void *map, const void *key);
TPBPF_HELPER(long, probe_read, void *dst, __u32 size, const void *unsafe_ptr);
TPBPF_HELPER(long, probe_read_str, void *dst, __u32 size, const void *unsafe_ptr);
TPBPF_HELPER(long, probe_read_user, void *dst, __u32 size, const void *unsafe_ptr);
TPBPF_HELPER(long, probe_read_user_str, void *dst, __u32 size, const void *unsafe_ptr);
TPBPF_HELPER(long, probe_read_kernel, void *dst, __u32 size, const void *unsafe_ptr);
TPBPF_HELPER(long, probe_read_kernel_str, void *dst, __u32 size, const void *unsafe_ptr);
TPBPF_HELPER(__u64, ktime_get_ns, void);
TPBPF_HELPER(long, trace_printk, const char *fmt, __u32 fmt_size, ...);
TPBPF_HELPER(__u32, get_smp_processor_id, void);
TPBPF_HELPER(__u64, get_current_pid_tgid, void);
TPBPF_HELPER(__u64, get_current_uid_gid, void);
TPBPF_HELPER(long, get_current_comm, void *buf, __u32 size_of_buf);
TPBPF_HELPER(long, perf_event_output, void *ctx, void *map, __u64 flags, void *data, __u64 size);
TPBPF_HELPER(__u64, get_current_task, void);
TPBPF_HELPER(long, get_stackid, void *ctx, void *map, __u64 flags);
TPBPF_HELPER(__u64, get_attach_cookie, void *ctx);
/* BPF_MAP_TYPE_RINGBUF (5.8): one ring shared by every CPU. */
TPBPF_HELPER(long, ringbuf_output, void *ringbuf, void *data, __u64 size, __u64 flags);
TPBPF_HELPER(void *, ringbuf_reserve, void *ringbuf, __u64 size, __u64 flags);
TPBPF_HELPER(void, ringbuf_submit, void *data, __u64 flags);
TPBPF_HELPER(void, ringbuf_discard, void *data, __u64 flags);
TPBPF_HELPER(__u64, ringbuf_query, void *ringbuf, __u64 flags);

/* ---- load-time constants ----------------------------------------------------
 *
 * Each expands to the address of an undefined weak symbol whose name says
 * what it stands for; clang emits "rX = 0 ll" with a relocation against it,
 * and tpbpf writes the value into that instruction. The verifier sees a
 * plain constant.
 *
 * A load from the context must carry its offset in the instruction, so a
 * field at a load-time offset is read with bpf_probe_read(), or from a copy
 * of the record in a map value: see TP_READ_FIELD().
 */
#define TPBPF_LOAD_CONST(id, symname) ({				\
	extern char id[] __asm__(symname) __attribute__((weak));	\
	(unsigned long)id;						\
})

#define TP_ID(cat, name) \
	TPBPF_LOAD_CONST(__tpbpf_id_##cat##__##name, "tpbpf.tp_id:" #cat "/" #name)
#define TP_FIELD_OFF(cat, name, field) \
	TPBPF_LOAD_CONST(__tpbpf_off_##cat##__##name##__##field, \
			 "tpbpf.tp_off:" #cat "/" #name "/" #field)
#define TP_FIELD_SIZE(cat, name, field) \
	TPBPF_LOAD_CONST(__tpbpf_size_##cat##__##name##__##field, \
			 "tpbpf.tp_size:" #cat "/" #name "/" #field)
#define TP_HAS_FIELD(cat, name, field) \
	TPBPF_LOAD_CONST(__tpbpf_has_##cat##__##name##__##field, \
			 "tpbpf.tp_has:" #cat "/" #name "/" #field)
#define TP_RECORD_SIZE(cat, name) \
	TPBPF_LOAD_CONST(__tpbpf_rec_##cat##__##name, "tpbpf.tp_rec_size:" #cat "/" #name)
#define KERNEL_OFF(st, field) \
	TPBPF_LOAD_CONST(__tpbpf_koff_##st##__##field, "tpbpf.kern_off:" #st "/" #field)
#define TPBPF_CONST(name) \
	TPBPF_LOAD_CONST(__tpbpf_const_##name, "tpbpf.const:" #name)

/*
 * Read a tracepoint field whose offset is known only at load time into DST
 * (sizeof(*DST) bytes). The field must be at least that wide. 0 on success.
 */
#define TP_READ_FIELD(dst, ctx, cat, name, field) \
	bpf_probe_read((dst), sizeof(*(dst)), \
		       (const char *)(ctx) + TP_FIELD_OFF(cat, name, field))

/*
 * Which tracepoint fired, for a program attached to several: tpbpf attaches
 * classic tracepoint programs with the event ID as the BPF cookie (5.15+),
 * so this equals TP_ID(cat, name) of the tracepoint that ran the program.
 *
 * Why not the record's common_type? The kernel writes a pt_regs pointer
 * over the first 8 bytes of the record (the common_* fields) before a
 * tracepoint program runs, and the verifier refuses reads there.
 */
#define TP_EVENT_ID(ctx) bpf_get_attach_cookie(ctx)

/* Records start with 8 bytes of common fields the program cannot read. */
#define TP_COMMON_SIZE 8

#endif /* TPBPF_BPF_H */
