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
	e->hdr.flags = 0;
	e->hdr.strs_size = 0;
	bpf_get_current_comm(e->hdr.comm, sizeof(e->hdr.comm));
	return e;
}

/* Copy the whole record, fixed part and dynamic data, into DST. */
static __always_inline __u64 copy_record(void *ctx, struct tp_info *info,
					 struct tp_event *e, char *dst)
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
	bpf_probe_read_kernel(dst, size, ctx);
	e->hdr.record_size = (__u32)size;
	return size;
}

/* Never more than the scratch buffer holds. */
static __always_inline void send(void *ctx, void *data, __u64 size)
{
	if (size > sizeof(struct tp_event))
		size = sizeof(struct tp_event);
	send_event(ctx, data, size);
}

/* Any tracepoint: header and record. */
SEC("tracepoint")
int tp_record(void *ctx)
{
	struct tp_info *info;
	struct tp_event *e = start_event(ctx, &info);
	__u64 size;

	if (!e)
		return 0;
	/* The record goes right after the header: no string area. */
	size = copy_record(ctx, info, e, (char *)e->strs);
	send(ctx, e, sizeof(e->hdr) + size);
	return 0;
}

/* Syscall tracepoints with const char * arguments: also the strings. */
SEC("tracepoint")
int tp_syscall(void *ctx)
{
	struct tp_info *info;
	struct tp_event *e = start_event(ctx, &info);
	__u64 size;

	if (!e)
		return 0;
#pragma unroll
	for (int i = 0; i < TP_MAX_STRS; i++) {
		const char *ptr = 0;

		e->hdr.str_len[i] = 0;
		if (i >= info->nr_strs)
			continue;
		bpf_probe_read_kernel(&ptr, sizeof(ptr), (char *)ctx + (info->str_off[i] & 0xfff));
		e->hdr.str_len[i] = bpf_probe_read_user_str(e->strs[i], TP_STR_LEN, ptr);
	}
	e->hdr.strs_size = sizeof(e->strs);
	size = copy_record(ctx, info, e, e->record);
	send(ctx, e, sizeof(e->hdr) + sizeof(e->strs) + size);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
