/* SPDX-License-Identifier: MIT */
/*
 * Attach scaling: one empty classic tracepoint program attached to the
 * first N syscalls:sys_enter_* tracepoints, for several N. scale_tpbpf.c
 * and scale_libbpf.c say how to load, attach one and detach all.
 */
#ifndef TPBPF_BENCH_SCALE_H
#define TPBPF_BENCH_SCALE_H

struct scale_loader {
	const char *side;
	int (*load)(const char *path, const char *prog);
	int (*attach)(const char *category, const char *name);
	void (*detach_all)(void);
};

int scale_main(const struct scale_loader *l, int argc, char **argv);

#endif
