/* SPDX-License-Identifier: MIT */
/*
 * Programs count rare events (a full map, a failed output) in a per-CPU
 * array: no atomic operation on the hot path. The reader adds the CPUs up.
 */
#include <stdint.h>
#include <stdlib.h>

#include "percpu_counter.h"

bool percpu_counter_read(const struct tpbpf_map *map, unsigned long long *sum)
{
	return percpu_counter_read_key(map, 0, sum);
}

bool percpu_counter_read_key(const struct tpbpf_map *map, uint32_t key,
			     unsigned long long *sum)
{
	int cpus = tpbpf_num_possible_cpus();
	uint64_t *vals;
	bool ok = false;

	*sum = 0;
	if (!map || cpus <= 0 || tpbpf_map_value_size(map) != sizeof(uint64_t) ||
	    key >= tpbpf_map_max_entries(map))
		return false;
	vals = calloc((size_t)cpus, sizeof(*vals));
	if (vals && tpbpf_map_lookup(map, &key, vals) == 0) {
		for (int i = 0; i < cpus; i++)
			*sum += vals[i];
		ok = true;
	}
	free(vals);
	return ok;
}

unsigned long long percpu_counter_sum(const struct tpbpf_object *obj, const char *name)
{
	unsigned long long sum;

	percpu_counter_read(tpbpf_object_find_map(obj, name), &sum);
	return sum;
}
