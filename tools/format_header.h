/* SPDX-License-Identifier: MIT */
/* The C header of a tracepoint record, as `tpbpf format CAT NAME --header` prints it. */
#ifndef TPBPF_FORMAT_HEADER_H
#define TPBPF_FORMAT_HEADER_H

#include <stdio.h>

/* Write it to F from this kernel's tracefs format; negative errno (detail set). */
int format_write_header(FILE *f, const char *cat, const char *name);

#endif
