/* SPDX-License-Identifier: MIT */
/*
 * The tables of cswitch --top and syscount: counts kept in the kernel hash
 * map "counts", read (with -i, and deleted as read), sorted, the first N
 * printed as text under a header, or as one JSON object per row; with -i
 * each table is stamped with the time.
 */
#include <stdio.h>
#include <stdlib.h>

#include "tool.h"

int count_table_print(struct count_table *t, bool reset)
{
	struct tpbpf_map *map = tpbpf_object_find_map(t->s->obj, "counts");
	char *rows, stamp[16];
	size_t n, shown;
	int err;

	if (!map)
		return tool_error("%s: the built-in program has no map counts", t->cmd);
	rows = map_rows(map, reset, t->layout, &n, &err);
	if (!rows)
		return tool_lib_error(err, "%s: reading the counts", t->cmd);
	qsort(rows, n, t->layout.size, t->cmp);
	for (size_t i = 0; i < n; i++)
		t->total += t->count(rows + i * t->layout.size);
	if (t->interval)
		clock_stamp(stamp, sizeof(stamp));
	if (!t->json) {
		if (t->interval)
			printf("[%s]\n", stamp);
		t->print_header(t->ctx);
		putchar('\n');
	}
	shown = t->top && t->top < n ? t->top : n;
	for (size_t i = 0; i < shown; i++) {
		const char *row = rows + i * t->layout.size;

		if (t->json) {
			printf("{");
			if (t->interval)
				printf("\"time\":\"%s\",", stamp);
			t->print_row(t->ctx, row, true);
			printf("}\n");
		} else {
			t->print_row(t->ctx, row, false);
			putchar('\n');
		}
	}
	if (!t->json && t->interval)
		printf("\n");
	fflush(stdout);
	free(rows);
	return 0;
}

int count_table_tick(void *table)
{
	return count_table_print(table, true);
}
