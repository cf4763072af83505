/* SPDX-License-Identifier: MIT */
/* tracefs paths, shared by the loader's files; not part of the public API. */
#ifndef TPBPF_TRACEFS_H
#define TPBPF_TRACEFS_H

#include <stddef.h>

/*
 * Build <root>/events/CATEGORY/NAME/FILE into BUF. Every part is checked with
 * tpbpf_tracepoint_name_valid() first, so no path is ever built from "..",
 * "/", or an over-long name. 0, or -EINVAL / -ENAMETOOLONG / the error of
 * finding the root, with the detail set.
 */
int tpbpf_tracefs_event_file(const char *category, const char *name,
			     const char *file, char *buf, size_t len);

/*
 * Write S into BUF as a quoted, printable string for an error detail:
 * unprintable bytes become \xHH, and long strings are cut with "...".
 */
void tpbpf_tracefs_quote(const char *s, char *buf, size_t len);

/* Levenshtein distance between A and B (both at most 511 characters). */
unsigned int tpbpf_edit_distance(const char *a, const char *b);

/* The category that has an event NAME (the first found), in CATEGORY. */
int tpbpf_tracefs_event_category(const char *name, char *category, size_t len);

/* Remember an event ID read elsewhere (a format file's ID: line). */
void tpbpf_tracefs_remember_id(const char *category, const char *name, int id);

#endif
