/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The generic tracer behind `tpbpf tracepoint`: attached to any classic
 * tracepoint, it copies the record (with its dynamic __data_loc data) and,
 * for syscalls, the user strings its const char * arguments point to, and
 * sends them to user space, which decodes them with the tracefs format.
 *
 * Nothing here knows the tracepoint: its record size and the offsets of its
 * dynamic fields and string pointers come from the tp_info map, filled by
 * user space per event ID; the event ID comes from the attach cookie.
 *
 * Records are variable-length: the header, the record's own bytes, then
 * each string's bytes as read, so a short path costs what it holds, and a
 * path of 4095 bytes arrives whole. Every offset into the per-CPU buffer is
 * bounded where it is computed (a size by a clamp, a string's place by a
 * mask), so the verifier of an old kernel (which tracks only what it sees
 * checked) can prove each copy stays inside it.
 */
#include "tpbpf_bpf.h"
#include "event_output.h"
#include "tracepoint.h"

struct bpf_map_def SEC("maps") tp_info = {
	.type = BPF_MAP_TYPE_HASH,
	.key_size = sizeof(__u32),
	.value_size = sizeof(struct tp_info),
	.max_entries = 1024,
};

/* Too big for the 512-byte stack: one per CPU. */
struct bpf_map_def SEC("maps") scratch = {
	.type = BPF_MAP_TYPE_PERCPU_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = sizeof(struct tp_event),
	.max_entries = 1,
};

/* End of the dynamic data a __data_loc / __rel_loc field points to. */
static __always_inline __u64 dyn_end(void *ctx, struct tp_info *info, int i)
{
	__u32 loc = 0, off = info->dyn_off[i] & 0xfff;

	bpf_probe_read_kernel(&loc, sizeof(loc), (char *)ctx + off);
	if (info->dyn_rel[i])
		return off + 4 + (loc & 0xffff) + (loc >> 16);
	return (loc & 0xffff) + (loc >> 16);
}

static __always_inline struct tp_event *start_event(void *ctx, struct tp_info **info)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 target = TPBPF_CONST(target_pid), zero = 0, id;
	struct tp_event *e;

	if (target && (__u32)(pid_tgid >> 32) != target)
		return 0;
	id = (__u32)TP_EVENT_ID(ctx);
	*info = bpf_map_lookup_elem(&tp_info, &id);
	e = bpf_map_lookup_elem(&scratch, &zero);
	if (!*info || !e)
		return 0;
	e->hdr.ts_ns = bpf_ktime_get_ns();
	e->hdr.event_id = id;
	e->hdr.tgid = pid_tgid >> 32;
	e->hdr.tid = (__u32)pid_tgid;
	e->hdr.cpu = (__u16)bpf_get_smp_processor_id();
	e->hdr.flags = 0;
	e->hdr.nr_strs = 0;
	e->hdr.pad = 0;
	bpf_get_current_comm(e->hdr.comm, sizeof(e->hdr.comm));
	return e;
}

/* Copy the whole record, fixed part and dynamic data, to the start of the data. */
static __always_inline __u64 copy_record(void *ctx, struct tp_info *info,
					 struct tp_event *e)
{
	/* 64-bit, so the bounds check and the copy use the same register. */
	__u64 size = info->fixed_size, end;

#pragma unroll
	for (int i = 0; i < TP_MAX_DYN; i++) {
		if (i >= info->nr_dyn)
			break;
		end = dyn_end(ctx, info, i);
		if (end > size)
			size = end;
	}
	if (size > TP_MAX_RECORD) {
		size = TP_MAX_RECORD;
		e->hdr.flags |= TP_FLAG_RECORD_CUT;
	}
	if (size == 0)
		size = 1;
	bpf_probe_read_kernel(e->data, size, ctx);
	e->hdr.record_size = (__u32)size;
	return size;
}

/* Never more than the buffer holds. */
static __always_inline void send(void *ctx, struct tp_event *e, __u64 size)
{
	if (size > sizeof(struct tp_event))
		size = sizeof(struct tp_event);
	send_event(ctx, e, size);
}

/* Any tracepoint: header and record. */
SEC("tracepoint")
int tp_record(void *ctx)
{
	struct tp_info *info;
	struct tp_event *e = start_event(ctx, &info);

	if (!e)
		return 0;
	send(ctx, e, sizeof(e->hdr) + copy_record(ctx, info, e));
	return 0;
}

/*
 * Syscall tracepoints with const char * arguments: the record, then each
 * string right after the previous one, read with bpf_probe_read_user_str()
 * up to the --strlen bound (TPBPF_CONST(str_max)) plus one character that
 * tells a longer string.
 */
SEC("tracepoint")
int tp_syscall(void *ctx)
{
	__u64 off, max = TPBPF_CONST(str_max);
	struct tp_info *info;
	struct tp_event *e = start_event(ctx, &info);

	if (!e)
		return 0;
	if (max > TP_STR_MAX || max == 0)
		max = TP_STR_MAX;
	off = copy_record(ctx, info, e);
#pragma unroll
	for (int i = 0; i < TP_MAX_STRS; i++) {
		const char *ptr = 0;
		long n;

		e->hdr.str_len[i] = 0;
		if (i >= info->nr_strs)
			continue;
		/* Strings before this one took at most the bound each: never
		 * more than TP_OFF_MASK, which the mask tells the verifier. */
		off &= TP_OFF_MASK;
		bpf_probe_read_kernel(&ptr, sizeof(ptr), (char *)ctx + (info->str_off[i] & 0xfff));
		n = bpf_probe_read_user_str(e->data + off, TP_STR_READ(max), ptr);
		e->hdr.nr_strs = i + 1;
		if (n <= 0) {
			e->hdr.str_len[i] = n < 0 ? (__s32)n : 0;
			continue;
		}
		if ((__u64)n > max + 1) {
			e->hdr.flags |= TP_FLAG_STR_CUT(i);
			n = max + 1;
		}
		n--;	/* the NUL, or the character past the bound */
		e->hdr.str_len[i] = (__s32)n;
		off += n;
	}
	send(ctx, e, sizeof(e->hdr) + off);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
