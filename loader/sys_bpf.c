/* SPDX-License-Identifier: MIT */
/*
 * The only places tpbpf enters the kernel for BPF: bpf(2), perf_event_open(2)
 * and the mmap(2) of a perf ring.
 *
 * Each wrapper zeroes union bpf_attr and passes as its size the end of the
 * last field the command uses. A kernel older than our headers checks that
 * every byte it does not know is zero, and refuses a bigger attribute with
 * E2BIG when it is not: passing the exact size keeps old kernels happy.
 */
#include <errno.h>
#include <string.h>
#include <stdbool.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"
#include "sys_bpf.h"

/*
 * How long the last call took, for the log: where a load's time goes. Only
 * measured when something logs.
 */
static _Thread_local long last_call_us;

static bool call_start(struct timespec *t0)
{
	if (!tpbpf_log_enabled())
		return false;
	clock_gettime(CLOCK_MONOTONIC, t0);
	return true;
}

static void call_end(bool timed, const struct timespec *t0)
{
	struct timespec t1;
	int e = errno;

	if (!timed)
		return;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	last_call_us = (t1.tv_sec - t0->tv_sec) * 1000000L +
		       (t1.tv_nsec - t0->tv_nsec) / 1000;
	errno = e;
}

long tpbpf_sys_last_call_us(void)
{
	return last_call_us;
}

/* Returns the result, or -errno with errno preserved for the caller. */
static int sys_bpf(int cmd, union bpf_attr *attr, unsigned int size)
{
	struct timespec t0;
	bool timed = call_start(&t0);
	long ret;

	do {
		ret = syscall(__NR_bpf, cmd, attr, size);
	} while (ret < 0 && errno == EINTR);
	call_end(timed, &t0);
	return ret < 0 ? -errno : (int)ret;
}

static void log_result(const char *what, int ret)
{
	if (ret < 0)
		tpbpf_log("  -> %s: error %d (%s) in %ld us", what, ret,
			  strerror(-ret), last_call_us);
	else
		tpbpf_log("  -> %s: %d in %ld us", what, ret, last_call_us);
}

int tpbpf_sys_map_create(const struct tpbpf_map_create_args *a)
{
	union bpf_attr attr;
	unsigned int size = offsetofend(union bpf_attr, map_flags);
	int ret;

	memset(&attr, 0, sizeof(attr));
	attr.map_type = a->type;
	attr.key_size = a->key_size;
	attr.value_size = a->value_size;
	attr.max_entries = a->max_entries;
	attr.map_flags = a->flags;
	if (a->flags & BPF_F_NUMA_NODE) {
		attr.numa_node = a->numa_node;
		size = offsetofend(union bpf_attr, numa_node);
	}
	if (a->name && a->name[0]) {
		strncpy(attr.map_name, a->name, sizeof(attr.map_name) - 1);
		size = offsetofend(union bpf_attr, map_name);
	}
	tpbpf_log("bpf(BPF_MAP_CREATE, type=%u key_size=%u value_size=%u max_entries=%u flags=0x%x name=\"%s\")",
		  a->type, a->key_size, a->value_size, a->max_entries, a->flags,
		  a->name ? a->name : "");
	ret = sys_bpf(BPF_MAP_CREATE, &attr, size);
	log_result("map fd", ret);
	return ret;
}

static int map_elem(int cmd, int fd, const void *key, const void *value,
		    uint64_t flags)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_fd = fd;
	attr.key = (uint64_t)(unsigned long)key;
	attr.value = (uint64_t)(unsigned long)value;
	attr.flags = flags;
	return sys_bpf(cmd, &attr, offsetofend(union bpf_attr, flags));
}

int tpbpf_sys_map_lookup(int fd, const void *key, void *value)
{
	return map_elem(BPF_MAP_LOOKUP_ELEM, fd, key, value, 0);
}

int tpbpf_sys_map_update(int fd, const void *key, const void *value,
			 uint64_t flags)
{
	return map_elem(BPF_MAP_UPDATE_ELEM, fd, key, value, flags);
}

int tpbpf_sys_map_delete(int fd, const void *key)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_fd = fd;
	attr.key = (uint64_t)(unsigned long)key;
	return sys_bpf(BPF_MAP_DELETE_ELEM, &attr, offsetofend(union bpf_attr, key));
}

int tpbpf_sys_map_next_key(int fd, const void *key, void *next_key)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_fd = fd;
	attr.key = (uint64_t)(unsigned long)key;
	attr.next_key = (uint64_t)(unsigned long)next_key;
	return sys_bpf(BPF_MAP_GET_NEXT_KEY, &attr,
		       offsetofend(union bpf_attr, next_key));
}

int tpbpf_sys_map_freeze(int fd)
{
	union bpf_attr attr;
	int ret;

	memset(&attr, 0, sizeof(attr));
	attr.map_fd = fd;
	tpbpf_log("bpf(BPF_MAP_FREEZE, map_fd=%d)", fd);
	ret = sys_bpf(BPF_MAP_FREEZE, &attr, offsetofend(union bpf_attr, map_fd));
	log_result("result", ret);
	return ret;
}

int tpbpf_sys_prog_load(const struct tpbpf_prog_load_args *a)
{
	union bpf_attr attr;
	unsigned int size = offsetofend(union bpf_attr, kern_version);
	int ret;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = a->type;
	attr.insns = (uint64_t)(unsigned long)a->insns;
	attr.insn_cnt = a->insn_cnt;
	attr.license = (uint64_t)(unsigned long)a->license;
	attr.log_level = a->log_level;
	attr.log_size = a->log_size;
	attr.log_buf = (uint64_t)(unsigned long)a->log_buf;
	if (a->name && a->name[0]) {
		strncpy(attr.prog_name, a->name, sizeof(attr.prog_name) - 1);
		size = offsetofend(union bpf_attr, prog_name);
	}
	if (a->expected_attach_type) {
		attr.expected_attach_type = a->expected_attach_type;
		size = offsetofend(union bpf_attr, expected_attach_type);
	}
	tpbpf_log("bpf(BPF_PROG_LOAD, type=%u insn_cnt=%u license=\"%s\" name=\"%s\" log_level=%u log_size=%u)",
		  a->type, a->insn_cnt, a->license, a->name ? a->name : "",
		  a->log_level, a->log_size);
	ret = sys_bpf(BPF_PROG_LOAD, &attr, size);
	log_result("prog fd", ret);
	return ret;
}

int tpbpf_sys_raw_tracepoint_open(const char *name, int prog_fd)
{
	union bpf_attr attr;
	int ret;

	memset(&attr, 0, sizeof(attr));
	attr.raw_tracepoint.name = (uint64_t)(unsigned long)name;
	attr.raw_tracepoint.prog_fd = prog_fd;
	tpbpf_log("bpf(BPF_RAW_TRACEPOINT_OPEN, name=\"%s\" prog_fd=%d)", name, prog_fd);
	ret = sys_bpf(BPF_RAW_TRACEPOINT_OPEN, &attr,
		      offsetofend(union bpf_attr, raw_tracepoint.prog_fd));
	log_result("raw tracepoint fd", ret);
	return ret;
}

int tpbpf_sys_link_create_perf(int prog_fd, int perf_fd, uint64_t cookie)
{
	union bpf_attr attr;
	int ret;

	memset(&attr, 0, sizeof(attr));
	attr.link_create.prog_fd = prog_fd;
	attr.link_create.target_fd = perf_fd;
	attr.link_create.attach_type = BPF_PERF_EVENT;
	attr.link_create.perf_event.bpf_cookie = cookie;
	tpbpf_log("bpf(BPF_LINK_CREATE, prog_fd=%d target_fd=%d attach_type=BPF_PERF_EVENT bpf_cookie=%llu)",
		  prog_fd, perf_fd, (unsigned long long)cookie);
	ret = sys_bpf(BPF_LINK_CREATE, &attr,
		      offsetofend(union bpf_attr, link_create.perf_event.bpf_cookie));
	log_result("link fd", ret);
	return ret;
}

int tpbpf_sys_enable_stats(uint32_t type)
{
	union bpf_attr attr;
	int ret;

	memset(&attr, 0, sizeof(attr));
	attr.enable_stats.type = type;
	tpbpf_log("bpf(BPF_ENABLE_STATS, type=%u)", type);
	ret = sys_bpf(BPF_ENABLE_STATS, &attr,
		      offsetofend(union bpf_attr, enable_stats.type));
	log_result("stats fd", ret);
	return ret;
}

int tpbpf_sys_obj_get_info(int fd, void *info, uint32_t *info_len)
{
	union bpf_attr attr;
	int ret;

	memset(&attr, 0, sizeof(attr));
	attr.info.bpf_fd = fd;
	attr.info.info_len = *info_len;
	attr.info.info = (uint64_t)(unsigned long)info;
	ret = sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &attr, offsetofend(union bpf_attr, info));
	if (!ret)
		*info_len = attr.info.info_len;
	return ret;
}

int tpbpf_sys_perf_event_open(struct perf_event_attr *attr, int pid, int cpu,
			      int group_fd, unsigned long flags)
{
	struct timespec t0;
	bool timed = call_start(&t0);
	long ret;

	ret = syscall(__NR_perf_event_open, attr, pid, cpu, group_fd,
		      flags | PERF_FLAG_FD_CLOEXEC);
	call_end(timed, &t0);
	return ret < 0 ? -errno : (int)ret;
}

void *tpbpf_sys_mmap_ring(int perf_fd, size_t size)
{
	struct timespec t0;
	bool timed = call_start(&t0);
	void *p;

	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, perf_fd, 0);
	call_end(timed, &t0);
	return p;
}
