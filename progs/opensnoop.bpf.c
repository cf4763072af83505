/* SPDX-License-Identifier: MIT */
/*
 * opensnoop: every file opened, with its whole path and its result.
 *
 * At sys_enter_{openat,open,openat2} the program keeps the path pointer
 * and the flags per thread ("pending"); at the matching sys_exit it reads
 * the result and the path, which the kernel has just copied in (so its
 * pages are present), into a per-CPU buffer big enough for PATH_MAX, and
 * sends the header plus only the bytes of the path actually used.
 *
 * Field offsets: openat's come from TP_FIELD_OFF(). open and openat2 are
 * missing on some kernels (arm64 has no open; openat2 is 5.6+), and a
 * TP_FIELD_OFF() of a missing tracepoint fails the load of the whole
 * object, so their offsets and sizes are TPBPF_CONST()s that the tool
 * takes from the same tracefs format files (0 when the tracepoint is
 * missing; those programs are then loaded but not attached).
 */
#include "tpbpf_bpf.h"
#include "event_output.h"
#include "opensnoop.h"

struct pending_open {
	__u64 filename;		/* user pointer */
	__u64 flags;
	__u64 how;		/* openat2: user pointer to struct open_how */
};

struct bpf_map_def SEC("maps") pending = {
	.type = BPF_MAP_TYPE_HASH,
	.key_size = sizeof(__u32),	/* thread ID */
	.value_size = sizeof(struct pending_open),
	.max_entries = 10240,
};

/* An event is too big for the 512-byte stack. */
struct bpf_map_def SEC("maps") event_buf = {
	.type = BPF_MAP_TYPE_PERCPU_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = sizeof(struct open_event),
	.max_entries = 1,
};

/* A syscall argument: the record holds it as an unsigned long. */
static __always_inline __u64 read_arg(void *ctx, __u64 off, __u64 size)
{
	__u64 v = 0;
	__u32 v32 = 0;

	if (size == sizeof(v32)) {
		bpf_probe_read(&v32, sizeof(v32), (char *)ctx + off);
		return v32;
	}
	bpf_probe_read(&v, sizeof(v), (char *)ctx + off);
	return v;
}

static __always_inline __s64 read_ret(void *ctx, __u64 off, __u64 size)
{
	__u64 v = read_arg(ctx, off, size);

	return size == sizeof(__s32) ? (__s64)(__s32)v : (__s64)v;
}

static __always_inline int wanted(void)
{
	__u32 target = TPBPF_CONST(target_pid);

	return !target || (bpf_get_current_pid_tgid() >> 32) == target;
}

static __always_inline void remember(__u64 filename, __u64 flags, __u64 how)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct pending_open p = { .filename = filename, .flags = flags, .how = how };

	bpf_map_update_elem(&pending, &tid, &p, BPF_ANY);
}

static __always_inline void report(void *ctx, __s64 ret)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)id, zero = 0, len, target = TPBPF_CONST(target_pid);
	struct pending_open *p;
	struct open_event *ev;
	__u64 filename, flags, how;
	long n;

	/* -p: skip the lookup for the other processes. */
	if (target && (id >> 32) != target)
		return;
	p = bpf_map_lookup_elem(&pending, &tid);
	if (!p)
		return;
	filename = p->filename;
	flags = p->flags;
	how = p->how;
	bpf_map_delete_elem(&pending, &tid);
	if (TPBPF_CONST(failed_only) && ret >= 0)
		return;
	ev = bpf_map_lookup_elem(&event_buf, &zero);
	if (!ev)
		return;
	/* flags is the first member of struct open_how (uapi). */
	if (how && bpf_probe_read_user(&flags, sizeof(flags), (void *)how))
		flags = 0;
	ev->flags = flags;
	ev->pid = id >> 32;
	ev->tid = tid;
	ev->uid = (__u32)bpf_get_current_uid_gid();
	ev->ret = (__s32)ret;
	bpf_get_current_comm(ev->comm, sizeof(ev->comm));
	n = bpf_probe_read_user_str(ev->path, sizeof(ev->path), (void *)filename);
	len = n > 0 ? (__u32)n : 0;
	if (len > sizeof(ev->path))
		len = sizeof(ev->path);
	ev->path_len = len;
	send_event(ctx, ev, OPEN_EVENT_HDR_SIZE + len);
}

SEC("tracepoint/syscalls/sys_enter_openat")
int enter_openat(void *ctx)
{
	if (wanted())
		remember(read_arg(ctx, TP_FIELD_OFF(syscalls, sys_enter_openat, filename),
				  TP_FIELD_SIZE(syscalls, sys_enter_openat, filename)),
			 read_arg(ctx, TP_FIELD_OFF(syscalls, sys_enter_openat, flags),
				  TP_FIELD_SIZE(syscalls, sys_enter_openat, flags)), 0);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_openat")
int exit_openat(void *ctx)
{
	report(ctx, read_ret(ctx, TP_FIELD_OFF(syscalls, sys_exit_openat, ret),
			     TP_FIELD_SIZE(syscalls, sys_exit_openat, ret)));
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_open")
int enter_open(void *ctx)
{
	if (wanted())
		remember(read_arg(ctx, TPBPF_CONST(open_filename_off),
				  TPBPF_CONST(open_filename_size)),
			 read_arg(ctx, TPBPF_CONST(open_flags_off),
				  TPBPF_CONST(open_flags_size)), 0);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_open")
int exit_open(void *ctx)
{
	report(ctx, read_ret(ctx, TPBPF_CONST(open_ret_off), TPBPF_CONST(open_ret_size)));
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_openat2")
int enter_openat2(void *ctx)
{
	if (wanted())
		remember(read_arg(ctx, TPBPF_CONST(openat2_filename_off),
				  TPBPF_CONST(openat2_filename_size)), 0,
			 read_arg(ctx, TPBPF_CONST(openat2_how_off),
				  TPBPF_CONST(openat2_how_size)));
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_openat2")
int exit_openat2(void *ctx)
{
	report(ctx, read_ret(ctx, TPBPF_CONST(openat2_ret_off), TPBPF_CONST(openat2_ret_size)));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
