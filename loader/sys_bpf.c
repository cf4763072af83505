/* SPDX-License-Identifier: MIT */
/*
 * The one door to the kernel (see sys_bpf.h): every system call that
 * creates, changes or releases BPF, perf or tracefs state is made here.
 *
 * Each bpf(2) wrapper zeroes union bpf_attr and passes as its size the end
 * of the last field the command uses. A kernel older than our headers
 * checks that every byte it does not know is zero, and refuses a bigger
 * attribute with E2BIG when it is not: passing the exact size keeps old
 * kernels happy.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <stdbool.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/resource.h>
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
	if (tpbpf_log_level() < 1)
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

static const char *errno_name(int e)
{
	switch (e) {
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case E2BIG: return "E2BIG";
	case EBADF: return "EBADF";
	case ENOMEM: return "ENOMEM";
	case EACCES: return "EACCES";
	case EFAULT: return "EFAULT";
	case EBUSY: return "EBUSY";
	case EEXIST: return "EEXIST";
	case EINVAL: return "EINVAL";
	case ENOSPC: return "ENOSPC";
	case ENOTSUP: return "ENOTSUP";
	default: return "errno";
	}
}

static void log_result(const char *what, int ret)
{
	/* "refused", not "error": callers try again after some refusals. */
	if (ret < 0)
		tpbpf_log("  -> %s: refused, %s (%s) in %ld us", what, errno_name(-ret),
			  strerror(-ret), last_call_us);
	else
		tpbpf_log("  -> %s: %d in %ld us", what, ret, last_call_us);
}

int tpbpf_sys_map_create(const struct tpbpf_map_create_args *a)
{
	union bpf_attr attr;
	unsigned int size = offsetofend(union bpf_attr, map_flags);
	char inner[32] = "", btf[64] = "";
	int ret;

	memset(&attr, 0, sizeof(attr));
	attr.map_type = a->type;
	attr.key_size = a->key_size;
	attr.value_size = a->value_size;
	attr.max_entries = a->max_entries;
	attr.map_flags = a->flags;
	if (a->inner_map_fd > 0) {
		attr.inner_map_fd = (uint32_t)a->inner_map_fd;
		size = offsetofend(union bpf_attr, inner_map_fd);
	}
	if (a->btf_fd > 0) {
		attr.btf_fd = (uint32_t)a->btf_fd;
		attr.btf_key_type_id = a->btf_key_type_id;
		attr.btf_value_type_id = a->btf_value_type_id;
		size = offsetofend(union bpf_attr, btf_value_type_id);
	}
	if (a->map_extra) {
		attr.map_extra = a->map_extra;
		size = offsetofend(union bpf_attr, map_extra);
	}
	if (a->flags & BPF_F_NUMA_NODE) {
		attr.numa_node = a->numa_node;
		if (size < offsetofend(union bpf_attr, numa_node))
			size = offsetofend(union bpf_attr, numa_node);
	}
	if (a->name && a->name[0]) {
		strncpy(attr.map_name, a->name, sizeof(attr.map_name) - 1);
		if (size < offsetofend(union bpf_attr, map_name))
			size = offsetofend(union bpf_attr, map_name);
	}
	if (a->inner_map_fd > 0)
		snprintf(inner, sizeof(inner), " inner_map_fd=%d", a->inner_map_fd);
	if (a->btf_fd > 0)
		snprintf(btf, sizeof(btf), " btf_fd=%d key_type=%u value_type=%u", a->btf_fd,
			 a->btf_key_type_id, a->btf_value_type_id);
	tpbpf_log("bpf(BPF_MAP_CREATE, type=%u key_size=%u value_size=%u max_entries=%u flags=0x%x%s%s name=\"%s\")",
		  a->type, a->key_size, a->value_size, a->max_entries, a->flags, inner, btf,
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

int tpbpf_sys_btf_load(const void *blob, size_t size, char *log, uint32_t log_size)
{
	union bpf_attr attr;
	int ret;

	memset(&attr, 0, sizeof(attr));
	attr.btf = (uint64_t)(unsigned long)blob;
	attr.btf_size = (uint32_t)size;
	if (log && log_size) {
		log[0] = '\0';
		attr.btf_log_buf = (uint64_t)(unsigned long)log;
		attr.btf_log_size = log_size;
		attr.btf_log_level = 1;
	}
	tpbpf_log("bpf(BPF_BTF_LOAD, btf_size=%zu%s)", size, log ? " log_level=1" : "");
	ret = sys_bpf(BPF_BTF_LOAD, &attr, offsetofend(union bpf_attr, btf_log_level));
	log_result("btf fd", ret);
	return ret;
}

int tpbpf_sys_obj_pin(int fd, const char *path)
{
	union bpf_attr attr;
	int ret;

	memset(&attr, 0, sizeof(attr));
	attr.pathname = (uint64_t)(unsigned long)path;
	attr.bpf_fd = (uint32_t)fd;
	tpbpf_log("bpf(BPF_OBJ_PIN, fd=%d path=\"%s\")", fd, path);
	ret = sys_bpf(BPF_OBJ_PIN, &attr, offsetofend(union bpf_attr, file_flags));
	log_result("result", ret);
	return ret;
}

int tpbpf_sys_obj_get(const char *path)
{
	union bpf_attr attr;
	int ret;

	memset(&attr, 0, sizeof(attr));
	attr.pathname = (uint64_t)(unsigned long)path;
	tpbpf_log("bpf(BPF_OBJ_GET, path=\"%s\")", path);
	ret = sys_bpf(BPF_OBJ_GET, &attr, offsetofend(union bpf_attr, file_flags));
	log_result("fd", ret);
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

/* ---- perf events ------------------------------------------------------------ */

static const char *perf_type_name(const struct perf_event_attr *attr)
{
	switch (attr->type) {
	case PERF_TYPE_TRACEPOINT:
		return "PERF_TYPE_TRACEPOINT";
	case PERF_TYPE_SOFTWARE:
		return attr->config == PERF_COUNT_SW_BPF_OUTPUT ?
		       "PERF_TYPE_SOFTWARE, config=PERF_COUNT_SW_BPF_OUTPUT" : "PERF_TYPE_SOFTWARE";
	default:
		return "other";
	}
}

int tpbpf_sys_perf_event_open(struct perf_event_attr *attr, int pid, int cpu,
			      const char *what)
{
	struct timespec t0;
	bool timed;
	long ret;

	if (attr->type == PERF_TYPE_TRACEPOINT)
		tpbpf_log("perf_event_open(type=PERF_TYPE_TRACEPOINT, config=%llu (%s), pid=%d, cpu=%d)",
			  (unsigned long long)attr->config, what, pid, cpu);
	else
		tpbpf_log("perf_event_open(type=%s, wakeup_events=%u, pid=%d, cpu=%d): %s",
			  perf_type_name(attr), attr->wakeup_events, pid, cpu, what);
	timed = call_start(&t0);
	ret = syscall(__NR_perf_event_open, attr, pid, cpu, -1, PERF_FLAG_FD_CLOEXEC);
	call_end(timed, &t0);
	ret = ret < 0 ? -errno : ret;
	log_result("perf event fd", (int)ret);
	return (int)ret;
}

static int perf_ioctl(int fd, unsigned long req, unsigned long arg, const char *call)
{
	struct timespec t0;
	bool timed;
	int ret;

	tpbpf_log("ioctl(%d, %s)", fd, call);
	timed = call_start(&t0);
	ret = ioctl(fd, req, arg);
	call_end(timed, &t0);
	ret = ret < 0 ? -errno : ret;
	log_result("result", ret);
	return ret;
}

int tpbpf_sys_perf_set_bpf(int perf_fd, int prog_fd)
{
	char call[64];

	snprintf(call, sizeof(call), "PERF_EVENT_IOC_SET_BPF, prog fd %d", prog_fd);
	return perf_ioctl(perf_fd, PERF_EVENT_IOC_SET_BPF, (unsigned long)prog_fd, call);
}

int tpbpf_sys_perf_enable(int perf_fd)
{
	return perf_ioctl(perf_fd, PERF_EVENT_IOC_ENABLE, 0, "PERF_EVENT_IOC_ENABLE");
}

int tpbpf_sys_perf_disable(int perf_fd)
{
	return perf_ioctl(perf_fd, PERF_EVENT_IOC_DISABLE, 0, "PERF_EVENT_IOC_DISABLE");
}

void *tpbpf_sys_mmap(int fd, size_t size, size_t offset, bool writable, const char *what)
{
	struct timespec t0;
	bool timed = call_start(&t0);
	void *p;

	p = mmap(NULL, size, writable ? PROT_READ | PROT_WRITE : PROT_READ, MAP_SHARED,
		 fd, (off_t)offset);
	call_end(timed, &t0);
	if (p == MAP_FAILED) {
		tpbpf_log("mmap(fd %d, %zu bytes at %zu, %s): %s -> error %s in %ld us", fd, size,
			  offset, writable ? "read-write" : "read-only", what, strerror(errno),
			  last_call_us);
		return NULL;
	}
	tpbpf_log("mmap(fd %d, %zu bytes at %zu, %s): %s mapped in %ld us", fd, size, offset,
		  writable ? "read-write" : "read-only", what, last_call_us);
	return p;
}

void tpbpf_sys_munmap(void *base, size_t size)
{
	if (base)
		munmap(base, size);
}

/* ---- the reader's wait ---------------------------------------------------------- */

int tpbpf_sys_epoll_create(void)
{
	int fd = epoll_create1(EPOLL_CLOEXEC);

	fd = fd < 0 ? -errno : fd;
	tpbpf_log("epoll_create1(EPOLL_CLOEXEC) -> %d", fd);
	return fd;
}

int tpbpf_sys_epoll_add(int epfd, int fd, void *data)
{
	struct epoll_event ev;
	int ret;

	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.ptr = data;
	ret = epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) < 0 ? -errno : 0;
	tpbpf_log("epoll_ctl(%d, EPOLL_CTL_ADD, fd %d, EPOLLIN) -> %d", epfd, fd, ret);
	return ret;
}

int tpbpf_sys_epoll_wait(int epfd, struct epoll_event *ev, int n, int timeout_ms)
{
	int ret = epoll_wait(epfd, ev, n, timeout_ms);

	ret = ret < 0 ? -errno : ret;
	if (tpbpf_log_level() >= 2)
		tpbpf_log("epoll_wait(%d, timeout %d ms) -> %d", epfd, timeout_ms, ret);
	return ret;
}

/* ---- everything else ------------------------------------------------------------ */

int tpbpf_sys_dup(int fd)
{
	int ret = fcntl(fd, F_DUPFD_CLOEXEC, 0);

	return ret < 0 ? -errno : ret;
}

void tpbpf_sys_close(int fd, const char *what)
{
	struct timespec t0;
	bool timed;

	if (fd < 0)
		return;
	timed = call_start(&t0);
	close(fd);
	call_end(timed, &t0);
	tpbpf_log("close(%d): %s, in %ld us", fd, what, last_call_us);
}

int tpbpf_sys_mount_tracefs(const char *dir)
{
	int ret;

	ret = mount("nodev", dir, "tracefs", 0, NULL) < 0 ? -errno : 0;
	tpbpf_log("mount(\"nodev\", \"%s\", \"tracefs\") -> %s", dir, ret ? strerror(-ret) : "ok");
	return ret;
}

int tpbpf_sys_memlock_unlimited(void)
{
	struct rlimit r = { RLIM_INFINITY, RLIM_INFINITY };
	int ret;

	ret = setrlimit(RLIMIT_MEMLOCK, &r) < 0 ? -errno : 0;
	tpbpf_log("setrlimit(RLIMIT_MEMLOCK, unlimited) -> %s", ret ? strerror(-ret) : "ok");
	return ret;
}
