/* SPDX-License-Identifier: MIT */
/* Decoding tracepoint records with their tracefs format (record_decode.c). */
#ifndef TPBPF_RECORD_DECODE_H
#define TPBPF_RECORD_DECODE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "tpbpf.h"

#define MAX_USER_STRINGS 8

/* The user strings a syscall's const char * arguments pointed to, in order. */
struct user_strings {
	unsigned int n;
	const char *str[MAX_USER_STRINGS];
	int len[MAX_USER_STRINGS];	/* bytes read with the NUL, <= 0: unreadable */
	bool cut[MAX_USER_STRINGS];	/* filled the buffer: may be longer */
};

/*
 * Print the record's fields: " name=value" each, or with JSON
 * "name":value,... (no braces). US: the strings of a syscall record, else
 * NULL (then const char * fields print as pointers).
 */
void decode_record(FILE *f, bool json, const struct tpbpf_format *fmt,
		   const uint8_t *rec, size_t rec_len, const struct user_strings *us);

/* Offsets of the const char * fields, at most MAX; returns how many. */
unsigned int user_string_fields(const struct tpbpf_format *fmt, uint16_t *offsets,
				unsigned int max);

#endif
