/* SPDX-License-Identifier: MIT */
/* Possible CPUs: how many (per-CPU map values) and which (perf ring slots). */
#ifndef TPBPF_CPUS_H
#define TPBPF_CPUS_H

/* CPU numbers at or above this are refused, so a bad file cannot make us
 * allocate gigabytes (the kernel's NR_CPUS tops out at 8192). */
#define TPBPF_MAX_CPUS 65536

/*
 * Parse a kernel CPU list such as "0-3,5,7-8\n" (strictly increasing, no
 * overlap). Returns the number of CPUs and, when CPUS is not NULL, a
 * malloc'ed array of their numbers in *CPUS; or a negative errno.
 */
int tpbpf_parse_cpu_list(const char *s, int **cpus);

/*
 * The possible CPUs' numbers, read once from /sys/devices/system/cpu/possible
 * and cached for the life of the process (do not free *CPUS).
 * Returns their count or a negative errno.
 */
int tpbpf_possible_cpu_list(const int **cpus);

#endif
