/* SPDX-License-Identifier: MIT */
/* Reading a per-CPU counter: an entry of a per-CPU array of u64 (key 0 unless given). */
#ifndef TPBPF_PERCPU_COUNTER_H
#define TPBPF_PERCPU_COUNTER_H

#include <stdbool.h>
#include <stdint.h>

#include "tpbpf.h"

/*
 * *SUM: the counter MAP summed over the CPUs (a map that is not per-CPU
 * holds one value). False, and *SUM 0, if MAP is NULL, its values are not
 * u64 or it cannot be read.
 */
bool percpu_counter_read(const struct tpbpf_map *map, unsigned long long *sum);
/* The same of entry KEY; false if the map has no such entry. */
bool percpu_counter_read_key(const struct tpbpf_map *map, uint32_t key,
			     unsigned long long *sum);
/* The same of map NAME of OBJ; 0 if there is no such map. */
unsigned long long percpu_counter_sum(const struct tpbpf_object *obj, const char *name);

#endif
