/* SPDX-License-Identifier: MIT */
/*
 * progs/opensnoop.bpf.c for libbpf, for the benchmark only: the same
 * programs, the same per-thread pending map, per-CPU event buffer, perf
 * event array and drop counter, the same event layout (progs/opensnoop.h).
 * Two differences, both forced by libbpf 1.x:
 *
 * - maps are BTF-defined (SEC(".maps")): libbpf 1.0 dropped the legacy
 *   SEC("maps") struct bpf_map_def that tpbpf reads;
 * - tracepoint field offsets are fixed at build time (bench/gen_tp_offsets.sh
 *   reads this machine's tracefs into tp_offsets.h) instead of being written
 *   in at load time, and the PID filter is a const volatile in .rodata that
 *   the loader sets before loading (libbpf's way of a load-time constant).
 *
 * Built with -g: libbpf needs the BTF of the map definitions.
 */
#include "tpbpf_bpf.h"
#include "opensnoop.h"
#include "tp_offsets.h"

#define __uint(name, val) int (*name)[val]
#define __type(name, val) typeof(val) *name

struct pending_open {
	__u64 filename;
	__u64 flags;
	__u64 how;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, struct pending_open);
} pending SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct open_event);
} event_buf SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} drops SEC(".maps");

const volatile __u32 target_pid = 0;

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
	__u32 target = target_pid;

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
	__u32 tid = (__u32)id, zero = 0, len;
	struct pending_open *p = bpf_map_lookup_elem(&pending, &tid);
	struct open_event *ev;
	__u64 filename, flags, how, *dropped;
	long n;

	if (!p)
		return;
	filename = p->filename;
	flags = p->flags;
	how = p->how;
	bpf_map_delete_elem(&pending, &tid);
	ev = bpf_map_lookup_elem(&event_buf, &zero);
	if (!ev)
		return;
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
	if (bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, ev,
				  OPEN_EVENT_HDR_SIZE + len)) {
		dropped = bpf_map_lookup_elem(&drops, &zero);
		if (dropped)
			*dropped += 1;
	}
}

#define ARG(ev, f) read_arg(ctx, BENCH_OFF_##ev##_##f, BENCH_SIZE_##ev##_##f)
#define RET(ev) read_ret(ctx, BENCH_OFF_##ev##_ret, BENCH_SIZE_##ev##_ret)

SEC("tracepoint/syscalls/sys_enter_openat")
int enter_openat(void *ctx)
{
	if (wanted())
		remember(ARG(sys_enter_openat, filename), ARG(sys_enter_openat, flags), 0);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_openat")
int exit_openat(void *ctx)
{
	report(ctx, RET(sys_exit_openat));
	return 0;
}

#if defined(BENCH_HAVE_sys_enter_open) && defined(BENCH_HAVE_sys_exit_open)
SEC("tracepoint/syscalls/sys_enter_open")
int enter_open(void *ctx)
{
	if (wanted())
		remember(ARG(sys_enter_open, filename), ARG(sys_enter_open, flags), 0);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_open")
int exit_open(void *ctx)
{
	report(ctx, RET(sys_exit_open));
	return 0;
}
#endif

#if defined(BENCH_HAVE_sys_enter_openat2) && defined(BENCH_HAVE_sys_exit_openat2)
SEC("tracepoint/syscalls/sys_enter_openat2")
int enter_openat2(void *ctx)
{
	if (wanted())
		remember(ARG(sys_enter_openat2, filename), 0, ARG(sys_enter_openat2, how));
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_openat2")
int exit_openat2(void *ctx)
{
	report(ctx, RET(sys_exit_openat2));
	return 0;
}
#endif

char LICENSE[] SEC("license") = "GPL";
