/* SPDX-License-Identifier: MIT */
/*
 * Print every map of an object: one line per entry, "KEY: VALUE", keys and
 * values as integers when 4 or 8 bytes wide and as hex bytes otherwise;
 * per-CPU values as their sum followed by each CPU's value.
 */
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tool.h"
#include "tpbpf_inspect.h"

static void print_bytes(FILE *f, const unsigned char *p, size_t n)
{
	uint64_t v = 0;

	if (n == 4 || n == 8) {
		memcpy(&v, p, n);	/* little-endian host: low bytes first */
		fprintf(f, "%llu", (unsigned long long)(n == 4 ? (uint32_t)v : v));
		return;
	}
	fputs("0x", f);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%02x", p[i]);
}

static void print_value(FILE *f, const struct tpbpf_map *m, const unsigned char *v)
{
	uint32_t vs = tpbpf_map_value_size(m);
	size_t stride = (vs + 7) & ~7u;
	int cpus = tpbpf_num_possible_cpus();
	uint64_t sum = 0;

	if (!tpbpf_map_is_percpu(m) || cpus <= 0) {
		print_bytes(f, v, vs);
		return;
	}
	if (vs == 4 || vs == 8) {
		for (int c = 0; c < cpus; c++) {
			uint64_t x = 0;

			memcpy(&x, v + (size_t)c * stride, vs);
			sum += x;
		}
		fprintf(f, "%llu (", (unsigned long long)sum);
	} else {
		fputs("(", f);
	}
	for (int c = 0; c < cpus; c++) {
		fprintf(f, "%scpu%d ", c ? ", " : "", c);
		print_bytes(f, v + (size_t)c * stride, vs);
	}
	fputs(")", f);
}

static void dump_map(FILE *f, const struct tpbpf_map *m)
{
	uint32_t ks = tpbpf_map_key_size(m);
	unsigned char *key = calloc(1, ks ? ks : 1), *next = calloc(1, ks ? ks : 1);
	unsigned char *val = calloc(1, tpbpf_map_value_buf_size(m) + 8);
	const char *type = tpbpf_map_type_name(tpbpf_map_type(m));
	size_t n = 0;
	bool first = true;

	fprintf(f, "map %s (%s, key %u bytes, value %u bytes, max %u entries):\n",
		tpbpf_map_name(m), type ? type : "other", ks,
		tpbpf_map_value_size(m), tpbpf_map_max_entries(m));
	if (!key || !next || !val) {
		fprintf(f, "  (out of memory)\n");
		goto out;
	}
	/* The values of a perf event array are ring fds: nothing to show. */
	if (tpbpf_map_type(m) == BPF_MAP_TYPE_PERF_EVENT_ARRAY) {
		fprintf(f, "  (perf event rings)\n");
		goto out;
	}
	while (tpbpf_map_next_key(m, first ? NULL : key, next) == 0) {
		first = false;
		memcpy(key, next, ks);
		if (tpbpf_map_lookup(m, key, val))
			continue;	/* deleted since: skip */
		fputs("  ", f);
		print_bytes(f, key, ks);
		fputs(": ", f);
		print_value(f, m, val);
		fputc('\n', f);
		n++;
	}
	fprintf(f, "  (%zu entries)\n", n);
out:
	free(key);
	free(next);
	free(val);
}

void dump_maps(FILE *f, const struct tpbpf_object *obj)
{
	for (size_t i = 0; i < tpbpf_object_map_count(obj); i++)
		dump_map(f, tpbpf_object_map(obj, i));
}

void print_verifier_logs(FILE *f, const struct tpbpf_object *obj, bool all)
{
	for (size_t i = 0; i < tpbpf_object_program_count(obj); i++) {
		const struct tpbpf_program *p = tpbpf_object_program(obj, i);
		const char *log = tpbpf_program_verifier_log(p);

		if (!log[0] || (!all && tpbpf_program_fd(p) >= 0))
			continue;
		fprintf(f, "--- verifier log of program %s (section %s) ---\n%s%s--- end of log ---\n",
			tpbpf_program_name(p), tpbpf_program_section(p), log,
			log[strlen(log) - 1] == '\n' ? "" : "\n");
	}
}
