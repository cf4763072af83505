/* SPDX-License-Identifier: MIT */
/* Reading every entry of a map at once (tpbpf_map_snapshot). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Keys first: deleting while walking with next_key would restart the walk. */
static int collect_keys(const struct tpbpf_map *map, struct tpbpf_map_entries *e,
			size_t *n)
{
	size_t cap = 0;
	int err;

	*n = 0;
	for (;;) {
		char *prev = *n ? (char *)e->keys + (*n - 1) * e->key_size : NULL;

		if (*n == cap) {
			void *k;

			cap = cap ? cap * 2 : 64;
			k = realloc(e->keys, cap * e->key_size);
			if (!k)
				return tpbpf_err(ENOMEM, "out of memory");
			e->keys = k;
			prev = *n ? (char *)e->keys + (*n - 1) * e->key_size : NULL;
		}
		err = tpbpf_map_next_key(map, prev, (char *)e->keys + *n * e->key_size);
		if (err == -ENOENT)
			return 0;
		if (err)
			return err;
		(*n)++;
	}
}

int tpbpf_map_snapshot(const struct tpbpf_map *map, bool delete,
		       struct tpbpf_map_entries *out)
{
	struct tpbpf_map_entries e = { 0 };
	size_t nkeys;
	int err;

	memset(out, 0, sizeof(*out));
	e.key_size = tpbpf_map_key_size(map);
	e.value_size = tpbpf_map_value_buf_size(map);
	if (!e.key_size || !e.value_size)
		return tpbpf_err(EINVAL, "map %s has no keys or values to read", tpbpf_map_name(map));
	err = collect_keys(map, &e, &nkeys);
	if (!err && !(e.values = calloc(nkeys ? nkeys : 1, e.value_size)))
		err = tpbpf_err(ENOMEM, "out of memory");
	for (size_t i = 0; !err && i < nkeys; i++) {
		char *key = (char *)e.keys + i * e.key_size;

		err = tpbpf_map_lookup(map, key, (char *)e.values + e.n * e.value_size);
		if (err == -ENOENT) {	/* deleted since: skip it */
			err = 0;
			continue;
		}
		if (err)
			break;
		if (e.n != i)
			memmove((char *)e.keys + e.n * e.key_size, key, e.key_size);
		e.n++;
		if (delete)
			tpbpf_map_delete(map, key);
	}
	if (err) {
		tpbpf_map_entries_free(&e);
		return err;
	}
	*out = e;
	return 0;
}

void tpbpf_map_entries_free(struct tpbpf_map_entries *e)
{
	free(e->keys);
	free(e->values);
	memset(e, 0, sizeof(*e));
}
