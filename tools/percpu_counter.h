/* SPDX-License-Identifier: MIT */
/* Reading a per-CPU counter: a 1-entry per-CPU array of u64, key 0. */
#ifndef TPBPF_PERCPU_COUNTER_H
#define TPBPF_PERCPU_COUNTER_H

#include "tpbpf.h"

/* Sum over CPUs of map NAME of OBJ; 0 if there is no such map. */
unsigned long long percpu_counter_sum(const struct tpbpf_object *obj, const char *name);

#endif
