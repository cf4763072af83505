/* SPDX-License-Identifier: MIT */
/*
 * Fuzz the tracefs format parser with raw bytes that are NOT NUL-terminated:
 * the input is copied into a buffer of exactly its size, so any read past
 * LEN is an ASan report. A format that parses must be self-consistent.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tpbpf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tpbpf_format fmt;
	char *text = malloc(size ? size : 1);

	if (!text)
		return 0;
	memcpy(text, data, size);
	if (tpbpf_format_parse(text, size, &fmt) == 0) {
		for (unsigned int i = 0; i < fmt.nr_fields; i++) {
			const struct tpbpf_field *f = &fmt.fields[i];

			/* What decoders rely on. */
			if (!f->name || !f->type || f->offset + f->size > fmt.fixed_size ||
			    tpbpf_format_field(&fmt, f->name) != f)
				abort();
		}
		if (!fmt.name || fmt.id < 0 || fmt.nr_fields == 0)
			abort();
		tpbpf_format_free(&fmt);
	}
	free(text);
	return 0;
}
