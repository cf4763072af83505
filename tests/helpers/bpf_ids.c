/* SPDX-License-Identifier: MIT */
/*
 * Prints every BPF program and map the kernel holds, one per line:
 * "prog ID NAME" / "map ID NAME". The tests compare this before and after
 * a run to prove tpbpf left nothing behind.
 * With -t, maps only, with the BTF type of their values (0: untyped):
 * "map ID NAME VALUE_TYPE_ID".
 */
#include <linux/bpf.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static long sys_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

static int with_types;

static void walk(const char *kind, int next_cmd, int get_fd_cmd)
{
	union bpf_attr attr;
	__u32 id = 0;

	for (;;) {
		char name[BPF_OBJ_NAME_LEN + 1] = "";
		__u32 value_type = 0;
		int fd;

		memset(&attr, 0, sizeof(attr));
		attr.start_id = id;
		if (sys_bpf(next_cmd, &attr))
			break;
		id = attr.next_id;
		memset(&attr, 0, sizeof(attr));
		attr.prog_id = id; /* map_id shares the slot */
		fd = sys_bpf(get_fd_cmd, &attr);
		if (fd >= 0) {
			union {
				struct bpf_prog_info prog;
				struct bpf_map_info map;
			} info;

			memset(&info, 0, sizeof(info));
			memset(&attr, 0, sizeof(attr));
			attr.info.bpf_fd = fd;
			attr.info.info_len = sizeof(info);
			attr.info.info = (__u64)(unsigned long)&info;
			if (!sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &attr))
				memcpy(name, get_fd_cmd == BPF_PROG_GET_FD_BY_ID ?
				       info.prog.name : info.map.name, BPF_OBJ_NAME_LEN);
			if (get_fd_cmd == BPF_MAP_GET_FD_BY_ID)
				value_type = info.map.btf_value_type_id;
			close(fd);
		}
		if (with_types)
			printf("%s %u %s %u\n", kind, id, name, value_type);
		else
			printf("%s %u %s\n", kind, id, name);
	}
}

int main(int argc, char **argv)
{
	with_types = argc > 1 && strcmp(argv[1], "-t") == 0;
	if (!with_types)
		walk("prog", BPF_PROG_GET_NEXT_ID, BPF_PROG_GET_FD_BY_ID);
	walk("map", BPF_MAP_GET_NEXT_ID, BPF_MAP_GET_FD_BY_ID);
	return 0;
}
