/* SPDX-License-Identifier: MIT */
/*
 * A map's entries as an array of the tool's own rows: one snapshot of the
 * map (tpbpf_map_snapshot), each key and value copied where the row type
 * has them, so the tool can sort and print plain structs.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tool.h"

void *map_rows(const struct tpbpf_map *map, bool reset, struct row_layout l, size_t *n,
	       int *err)
{
	struct tpbpf_map_entries e;
	size_t key_size, val_size;
	char *rows;

	*n = 0;
	*err = tpbpf_map_snapshot(map, reset, &e);
	if (*err)
		return NULL;
	rows = calloc(e.n ? e.n : 1, l.size);
	if (!rows) {
		tpbpf_map_entries_free(&e);
		*err = -ENOMEM;
		return NULL;
	}
	key_size = l.key_size < e.key_size ? l.key_size : e.key_size;
	val_size = l.val_size < e.value_size ? l.val_size : e.value_size;
	for (size_t i = 0; i < e.n; i++) {
		memcpy(rows + i * l.size + l.key_off, (char *)e.keys + i * e.key_size, key_size);
		memcpy(rows + i * l.size + l.val_off, (char *)e.values + i * e.value_size, val_size);
	}
	*n = e.n;
	tpbpf_map_entries_free(&e);
	return rows;
}
