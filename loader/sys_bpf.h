/* SPDX-License-Identifier: MIT */
/*
 * Thin wrappers over bpf(2) and perf_event_open(2). Each zeroes its
 * attribute and passes the size up to the last field it uses, so kernels
 * older than the headers accept it. Each returns an fd / 0, or -errno
 * (errno is left as the kernel set it), and logs the call when -v is on.
 */
#ifndef TPBPF_SYS_BPF_H
#define TPBPF_SYS_BPF_H

#include <linux/bpf.h>
#include <linux/perf_event.h>
#include <stddef.h>
#include <stdint.h>

#define offsetofend(type, field) \
	(offsetof(type, field) + sizeof(((type *)0)->field))

struct tpbpf_map_create_args {
	uint32_t type, key_size, value_size, max_entries, flags, numa_node;
	const char *name;	/* NULL or "": no name */
};
int tpbpf_sys_map_create(const struct tpbpf_map_create_args *a);

int tpbpf_sys_map_lookup(int fd, const void *key, void *value);
int tpbpf_sys_map_update(int fd, const void *key, const void *value,
			 uint64_t flags);
int tpbpf_sys_map_delete(int fd, const void *key);
int tpbpf_sys_map_next_key(int fd, const void *key, void *next_key);
int tpbpf_sys_map_freeze(int fd);

struct tpbpf_prog_load_args {
	uint32_t type;
	const struct bpf_insn *insns;
	uint32_t insn_cnt;
	const char *license;
	const char *name;	/* NULL or "": no name */
	uint32_t log_level;
	char *log_buf;
	uint32_t log_size;
	uint32_t expected_attach_type;
};
int tpbpf_sys_prog_load(const struct tpbpf_prog_load_args *a);

int tpbpf_sys_raw_tracepoint_open(const char *name, int prog_fd);
/* BPF link from a program to a perf event, with a cookie (5.15). */
int tpbpf_sys_link_create_perf(int prog_fd, int perf_fd, uint64_t cookie);
int tpbpf_sys_enable_stats(uint32_t type);
int tpbpf_sys_obj_get_info(int fd, void *info, uint32_t *info_len);

/* perf_event_open(2) with PERF_FLAG_FD_CLOEXEC. */
int tpbpf_sys_perf_event_open(struct perf_event_attr *attr, int pid, int cpu,
			      int group_fd, unsigned long flags);
/* mmap(2) of a perf ring, shared, read-write; MAP_FAILED with errno. */
void *tpbpf_sys_mmap_ring(int perf_fd, size_t size);

/* Microseconds the last of these calls took on this thread (when logging). */
long tpbpf_sys_last_call_us(void);

#endif
