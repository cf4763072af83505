/* SPDX-License-Identifier: MIT */
/*
 * Programs count rare events (a full map, a failed output) in a per-CPU
 * array: no atomic operation on the hot path. The reader adds the CPUs up.
 */
#include <stdint.h>
#include <stdlib.h>

#include "percpu_counter.h"

unsigned long long percpu_counter_sum(const struct tpbpf_object *obj, const char *name)
{
	struct tpbpf_map *m = tpbpf_object_find_map(obj, name);
	unsigned long long sum = 0;
	int cpus = tpbpf_num_possible_cpus();
	uint32_t key = 0;
	uint64_t *vals;

	if (!m || cpus <= 0 || !tpbpf_map_is_percpu(m) ||
	    tpbpf_map_value_size(m) != sizeof(uint64_t))
		return 0;
	vals = calloc((size_t)cpus, sizeof(*vals));
	if (vals && tpbpf_map_lookup(m, &key, vals) == 0)
		for (int i = 0; i < cpus; i++)
			sum += vals[i];
	free(vals);
	return sum;
}
