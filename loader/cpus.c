// SPDX-License-Identifier: MIT
/*
 * Possible CPUs, from /sys/devices/system/cpu/possible.
 *
 * Two different numbers come out of that file and must not be confused:
 * a per-CPU map value holds one slot per *possible CPU* (the kernel walks
 * the possible mask), so its size uses the count; a perf event array is
 * indexed by *CPU number*, so the reader walks the list. They agree when
 * the mask is 0..N-1, which is nearly always, but not necessarily.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cpus.h"
#include "internal.h"

#define POSSIBLE_PATH "/sys/devices/system/cpu/possible"

struct cpu_list {
	int n;
	int cpus[];
};

static struct cpu_list *cached;

/* Read a decimal CPU number; *end is left after it. */
static int parse_cpu(const char *s, const char **end)
{
	long v = 0;

	if (*s < '0' || *s > '9')
		return -1;
	while (*s >= '0' && *s <= '9') {
		v = v * 10 + (*s++ - '0');
		if (v >= TPBPF_MAX_CPUS)
			return -1;
	}
	*end = s;
	return (int)v;
}

int tpbpf_parse_cpu_list(const char *s, int **cpus)
{
	const char *p = s, *end;
	int n = 0, last = -1, *list = NULL;
	int pass;

	if (!s)
		return tpbpf_err(EINVAL, "CPU list: NULL");
	/* Pass 0 validates and counts; pass 1 fills the array. */
	for (pass = 0; pass < 2; pass++) {
		p = s;
		n = 0;
		last = -1;
		for (;;) {
			int lo, hi, c;

			lo = parse_cpu(p, &end);
			if (lo < 0)
				goto bad;
			p = end;
			hi = lo;
			if (*p == '-') {
				hi = parse_cpu(p + 1, &end);
				if (hi < lo)
					goto bad;
				p = end;
			}
			/* Kernel lists are sorted; anything else is corrupt. */
			if (lo <= last)
				goto bad;
			for (c = lo; c <= hi; c++) {
				if (list)
					list[n] = c;
				n++;
			}
			last = hi;
			if (*p == ',') {
				p++;
				continue;
			}
			if (*p == '\n')
				p++;
			if (*p != '\0')
				goto bad;
			break;
		}
		if (pass == 1 || !cpus)
			break;
		list = malloc(sizeof(*list) * (size_t)n);
		if (!list)
			return tpbpf_err(ENOMEM, "out of memory for %d CPU numbers", n);
	}
	if (cpus)
		*cpus = list;
	return n;
bad:
	free(list);
	return tpbpf_err(EINVAL, "malformed CPU list \"%.64s\" near \"%.16s\"",
			 s, p);
}

static int load_possible(void)
{
	struct cpu_list *cl, *expected = NULL;
	char *text;
	int *list, n, err;

	err = tpbpf_read_file(POSSIBLE_PATH, &text, NULL);
	if (err)
		return err;
	n = tpbpf_parse_cpu_list(text, &list);
	free(text);
	if (n < 0)
		return tpbpf_err_prefix(-n, "%s: ", POSSIBLE_PATH);
	if (n == 0) {
		free(list);
		return tpbpf_err(EINVAL, "%s lists no CPU", POSSIBLE_PATH);
	}
	cl = malloc(sizeof(*cl) + sizeof(int) * (size_t)n);
	if (!cl) {
		free(list);
		return tpbpf_err(ENOMEM, "out of memory reading %s", POSSIBLE_PATH);
	}
	cl->n = n;
	memcpy(cl->cpus, list, sizeof(int) * (size_t)n);
	free(list);
	tpbpf_log("possible CPUs: %d (from %s)", n, POSSIBLE_PATH);
	/* Two threads may race here; the loser frees its copy. */
	if (!__atomic_compare_exchange_n(&cached, &expected, cl, false,
					 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		free(cl);
	return 0;
}

int tpbpf_possible_cpu_list(const int **cpus)
{
	struct cpu_list *cl = __atomic_load_n(&cached, __ATOMIC_ACQUIRE);
	int err;

	if (!cl) {
		err = load_possible();
		if (err)
			return err;
		cl = __atomic_load_n(&cached, __ATOMIC_ACQUIRE);
	}
	if (cpus)
		*cpus = cl->cpus;
	return cl->n;
}

int tpbpf_num_possible_cpus(void)
{
	return tpbpf_possible_cpu_list(NULL);
}
