/* SPDX-License-Identifier: MIT */
/*
 * syslat: time spent in each system call, as a log2 histogram per syscall.
 *
 * syslat_enter (raw_syscalls:sys_enter) notes the syscall number and the
 * time per thread in "starts"; syslat_exit (raw_syscalls:sys_exit) takes
 * that entry back, and adds the duration to the syscall's histogram in
 * "hists" and to its count and total in "totals". Durations are binned in
 * units of TPBPF_CONST(unit_ns) nanoseconds (1000: microseconds).
 *
 * "starts" is an LRU map: the entry of a call that never returns (exit,
 * a thread killed in the call) is evicted when room is needed.
 * Histogram or total updates that found their map full count in "missed".
 */
#include <linux/errno.h>

#include "tpbpf_bpf.h"
#include "syslat.h"

struct bpf_map_def SEC("maps") starts = {
	.type = BPF_MAP_TYPE_LRU_HASH,
	.key_size = sizeof(__u32),
	.value_size = sizeof(struct syslat_start),
	.max_entries = SYSLAT_MAX_THREADS,
};

struct bpf_map_def SEC("maps") hists = {
	.type = BPF_MAP_TYPE_HASH,
	.key_size = sizeof(struct syslat_hist_key),
	.value_size = sizeof(__u64),
	.max_entries = SYSLAT_MAX_BUCKETS,
};

struct bpf_map_def SEC("maps") totals = {
	.type = BPF_MAP_TYPE_HASH,
	.key_size = sizeof(__u32),
	.value_size = sizeof(struct syslat_total),
	.max_entries = SYSLAT_MAX_SYSCALLS,
};

struct bpf_map_def SEC("maps") missed = {
	.type = BPF_MAP_TYPE_PERCPU_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u64),
	.max_entries = 1,
};

/*
 * 0 for 0, else floor(log2(v)) + 1: a binary search over the bit
 * position unrolled into six steps, no loop for the verifier to bound.
 */
static __always_inline __u32 log2_slot(__u64 v)
{
	__u32 slot = 0, shift;

	shift = (v > 0xffffffffULL) << 5;
	v >>= shift;
	slot |= shift;
	shift = (v > 0xffff) << 4;
	v >>= shift;
	slot |= shift;
	shift = (v > 0xff) << 3;
	v >>= shift;
	slot |= shift;
	shift = (v > 0xf) << 2;
	v >>= shift;
	slot |= shift;
	shift = (v > 0x3) << 1;
	v >>= shift;
	slot |= shift;
	shift = v > 0x1;
	v >>= shift;
	slot |= shift;
	/* v is now 1, or 0 if it was 0 from the start */
	return slot + (__u32)v;
}

static __always_inline void count_missed(void)
{
	__u32 zero = 0;
	__u64 *m = bpf_map_lookup_elem(&missed, &zero);

	if (m)
		*m += 1;
}

static __always_inline void add_to_hist(__u32 nr, __u32 slot)
{
	struct syslat_hist_key key = { .nr = nr, .slot = slot };
	__u64 one = 1, *v;
	long err;

	v = bpf_map_lookup_elem(&hists, &key);
	if (!v) {
		err = bpf_map_update_elem(&hists, &key, &one, BPF_NOEXIST);
		if (!err)
			return;
		/* -EEXIST: another CPU added it meanwhile */
		v = err == -EEXIST ? bpf_map_lookup_elem(&hists, &key) : 0;
		if (!v) {
			count_missed();
			return;
		}
	}
	__sync_fetch_and_add(v, 1);
}

static __always_inline void add_to_total(__u32 nr, __u64 delta_ns)
{
	struct syslat_total init = { .count = 1, .total_ns = delta_ns };
	struct syslat_total *t;
	long err;

	t = bpf_map_lookup_elem(&totals, &nr);
	if (!t) {
		err = bpf_map_update_elem(&totals, &nr, &init, BPF_NOEXIST);
		if (!err)
			return;
		t = err == -EEXIST ? bpf_map_lookup_elem(&totals, &nr) : 0;
		if (!t) {
			count_missed();
			return;
		}
	}
	__sync_fetch_and_add(&t->count, 1);
	__sync_fetch_and_add(&t->total_ns, delta_ns);
}

SEC("tracepoint/raw_syscalls/sys_enter")
int syslat_enter(void *ctx)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)pid_tgid, target = TPBPF_CONST(target_pid);
	struct syslat_start start = { 0 };
	long id;

	if (target && (pid_tgid >> 32) != target)
		return 0;
	if (TP_READ_FIELD(&id, ctx, raw_syscalls, sys_enter, id))
		return 0;
	start.nr = (__u32)id;
	start.ts_ns = bpf_ktime_get_ns();
	bpf_map_update_elem(&starts, &tid, &start, BPF_ANY);
	return 0;
}

SEC("tracepoint/raw_syscalls/sys_exit")
int syslat_exit(void *ctx)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid(), now = bpf_ktime_get_ns(), delta;
	__u32 tid = (__u32)pid_tgid, target = TPBPF_CONST(target_pid);
	struct syslat_start *sp, start;
	long id;

	if (target && (pid_tgid >> 32) != target)
		return 0;
	sp = bpf_map_lookup_elem(&starts, &tid);
	if (!sp)
		return 0;	/* entered before we attached */
	start = *sp;
	bpf_map_delete_elem(&starts, &tid);
	/* A mismatch means an exit we never saw the start of: skip it. */
	if (TP_READ_FIELD(&id, ctx, raw_syscalls, sys_exit, id) || (__u32)id != start.nr)
		return 0;
	delta = now - start.ts_ns;
	add_to_hist(start.nr, log2_slot(delta / TPBPF_CONST(unit_ns)));
	add_to_total(start.nr, delta);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
