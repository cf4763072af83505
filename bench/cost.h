/* SPDX-License-Identifier: MIT */
/*
 * Per-event cost: what one loader must provide for cost_main() to measure
 * its programs. cost_tpbpf.c and cost_libbpf.c fill it in; cost_main.c
 * does the measuring, the same way for both.
 */
#ifndef TPBPF_BENCH_COST_H
#define TPBPF_BENCH_COST_H

#include <stdint.h>

struct cost_loader {
	const char *side;			/* "tpbpf", "libbpf" */
	int (*load)(const char *path);		/* open and load every program */
	int (*attach)(const char *prog);	/* where its section says */
	void (*detach)(void);			/* whatever is attached */
	int (*enable_stats)(void);		/* BPF_ENABLE_STATS fd */
	int (*stats)(const char *prog, uint64_t *run_cnt, uint64_t *run_ns);
};

int cost_main(const struct cost_loader *l, int argc, char **argv);

#endif
