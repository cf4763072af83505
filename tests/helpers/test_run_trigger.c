/* SPDX-License-Identifier: MIT */
/*
 * test_run_trigger [COUNT]: load a two-instruction socket filter with raw
 * bpf(2) and run it COUNT times (default 1) with BPF_PROG_TEST_RUN on a
 * 64-byte packet. Each run ends in the kernel's bpf_test_finish
 * tracepoint, whose writable argument is the run's error code. Prints one
 * line per run: "ok retval N" or "errno N (text)". Exit status: 0 if every
 * run succeeded, 3 if one failed, 1 if the program could not be loaded.
 */
#include <errno.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static long sys_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

int main(int argc, char **argv)
{
	/* r0 = 0; exit */
	struct bpf_insn insns[2] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	unsigned char pkt[64] = { 0 };
	union bpf_attr attr;
	long count = argc > 1 ? atol(argv[1]) : 1;
	int fd, rc = 0;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	attr.insns = (unsigned long)insns;
	attr.insn_cnt = 2;
	attr.license = (unsigned long)"GPL";
	fd = (int)sys_bpf(BPF_PROG_LOAD, &attr);
	if (fd < 0)
		return fprintf(stderr, "test_run_trigger: BPF_PROG_LOAD: %s\n", strerror(errno)), 1;
	pkt[12] = 0x08;	/* an IPv4 ethertype, for looks */
	for (long i = 0; i < count; i++) {
		memset(&attr, 0, sizeof(attr));
		attr.test.prog_fd = (unsigned int)fd;
		attr.test.data_in = (unsigned long)pkt;
		attr.test.data_size_in = sizeof(pkt);
		attr.test.repeat = 1;
		if (sys_bpf(BPF_PROG_TEST_RUN, &attr) == 0) {
			printf("ok retval %u\n", attr.test.retval);
		} else {
			printf("errno %d (%s)\n", errno, strerror(errno));
			rc = 3;
		}
	}
	close(fd);
	return rc;
}
