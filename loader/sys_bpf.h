/* SPDX-License-Identifier: MIT */
/*
 * The one door to the kernel: every system call through which tpbpf
 * creates, changes or releases BPF, perf or tracefs state. bpf(2) commands,
 * perf_event_open(2) and its ioctls, the perf ring mmap, the epoll calls of
 * the ring reader, the close of a kernel object, the tracefs mount and the
 * locked-memory limit. A newcomer reads this one file to see every way
 * tpbpf enters the kernel.
 *
 * Each wrapper returns an fd / 0 / a count, or -errno (errno is left as
 * the kernel set it), and under -v logs the call before it runs and what
 * the kernel answered, with the time it took. A bpf_attr is zeroed and
 * passed with the size up to the last field the command uses, so kernels
 * older than the headers accept it.
 */
#ifndef TPBPF_SYS_BPF_H
#define TPBPF_SYS_BPF_H

#include <linux/bpf.h>
#include <linux/perf_event.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/epoll.h>

#define offsetofend(type, field) \
	(offsetof(type, field) + sizeof(((type *)0)->field))

/* ---- bpf(2) ------------------------------------------------------------------ */

struct tpbpf_map_create_args {
	uint32_t type, key_size, value_size, max_entries, flags, numa_node;
	int inner_map_fd;	/* map-in-map: a map like its elements; else 0 */
	const char *name;	/* NULL or "": no name */
	int btf_fd;		/* > 0: the types below are in this BTF */
	uint32_t btf_key_type_id, btf_value_type_id;
	uint64_t map_extra;	/* bloom filters: the number of hashes */
};
int tpbpf_sys_map_create(const struct tpbpf_map_create_args *a);

int tpbpf_sys_map_lookup(int fd, const void *key, void *value);
int tpbpf_sys_map_update(int fd, const void *key, const void *value,
			 uint64_t flags);
int tpbpf_sys_map_delete(int fd, const void *key);
int tpbpf_sys_map_next_key(int fd, const void *key, void *next_key);
int tpbpf_sys_map_freeze(int fd);
/* BPF_BTF_LOAD of SIZE bytes; a LOG of LOG_SIZE bytes (may be NULL). */
int tpbpf_sys_btf_load(const void *blob, size_t size, char *log, uint32_t log_size);
/* BPF_OBJ_PIN FD at PATH (on bpffs); BPF_OBJ_GET of PATH: an fd. */
int tpbpf_sys_obj_pin(int fd, const char *path);
int tpbpf_sys_obj_get(const char *path);

struct tpbpf_prog_load_args {
	uint32_t type;
	const struct bpf_insn *insns;
	uint32_t insn_cnt;
	const char *license;
	const char *name;	/* NULL or "": no name */
	uint32_t log_level;
	char *log_buf;
	uint32_t log_size;
};
int tpbpf_sys_prog_load(const struct tpbpf_prog_load_args *a);

int tpbpf_sys_raw_tracepoint_open(const char *name, int prog_fd);
/* BPF link from a program to a perf event, with a cookie (5.15). */
int tpbpf_sys_link_create_perf(int prog_fd, int perf_fd, uint64_t cookie);
int tpbpf_sys_enable_stats(uint32_t type);
int tpbpf_sys_obj_get_info(int fd, void *info, uint32_t *info_len);

/* ---- perf events --------------------------------------------------------------- */

/* perf_event_open(2), close-on-exec; WHAT names the event in the log. */
int tpbpf_sys_perf_event_open(struct perf_event_attr *attr, int pid, int cpu,
			      const char *what);
/* PERF_EVENT_IOC_SET_BPF: run PROG_FD when the event fires. */
int tpbpf_sys_perf_set_bpf(int perf_fd, int prog_fd);
/* PERF_EVENT_IOC_ENABLE. */
int tpbpf_sys_perf_enable(int perf_fd);
/* PERF_EVENT_IOC_DISABLE: the event stops counting (its BPF program, if any, still runs). */
int tpbpf_sys_perf_disable(int perf_fd);
/*
 * mmap(2) of SIZE bytes at OFFSET of FD (a perf ring, a ring buffer map),
 * shared, read-write or read-only; WHAT names it in the log. NULL with
 * errno set.
 */
void *tpbpf_sys_mmap(int fd, size_t size, size_t offset, bool writable, const char *what);
void tpbpf_sys_munmap(void *base, size_t size);

/* ---- the reader's wait ------------------------------------------------------- */

int tpbpf_sys_epoll_create(void);
int tpbpf_sys_epoll_add(int epfd, int fd, void *data);
/* epoll_wait(2); logged only at log level 2: it runs ten times a second. */
int tpbpf_sys_epoll_wait(int epfd, struct epoll_event *ev, int n, int timeout_ms);

/* ---- everything else ------------------------------------------------------------ */

/* A second fd on the same kernel object, close-on-exec. */
int tpbpf_sys_dup(int fd);
/*
 * close(2) of a map, program, link, perf event or epoll fd: closing the
 * last fd of a link or perf event detaches it. WHAT names it in the log.
 */
void tpbpf_sys_close(int fd, const char *what);
/* mount -t tracefs nodev DIR. */
int tpbpf_sys_mount_tracefs(const char *dir);
/* RLIMIT_MEMLOCK to unlimited (kernels before 5.11 charge BPF memory to it). */
int tpbpf_sys_memlock_unlimited(void);

/* Microseconds the last call took on this thread (measured when logging). */
long tpbpf_sys_last_call_us(void);

#endif
