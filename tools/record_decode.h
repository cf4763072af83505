/* SPDX-License-Identifier: MIT */
/* Decoding tracepoint records with their tracefs format (record_decode.c). */
#ifndef TPBPF_RECORD_DECODE_H
#define TPBPF_RECORD_DECODE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "tool.h"
#include "tpbpf.h"

#define MAX_USER_STRINGS 8

/* The user strings a syscall's const char * arguments pointed to, in order. */
struct user_strings {
	unsigned int n;
	const char *str[MAX_USER_STRINGS];
	int len[MAX_USER_STRINGS];	/* bytes of text (no NUL); < 0: unreadable */
	bool cut[MAX_USER_STRINGS];	/* longer than what was read */
};

/*
 * How each field of one format is printed, worked out once (not per event):
 * the text written before its value in both styles, and how its value is
 * shown.
 */
struct decode_field {
	const struct tpbpf_field *f;
	char *text_key;		/* " name=" */
	char *json_key;		/* "name": with the comma of all but the first */
	uint8_t style;
	uint8_t width;		/* bytes of a signed value that count */
};

struct record_decoder {
	struct decode_field *fields;
	unsigned int n;
};

/* The printing plan of FMT (which must outlive it); SYSCALL: a syscall's record. */
int record_decoder_init(struct record_decoder *d, const struct tpbpf_format *fmt,
			bool syscall);
void record_decoder_free(struct record_decoder *d);

/*
 * Print the record's fields: " name=value" each, or with JSON
 * "name":value,... (no braces). US: the strings of a syscall record, else
 * NULL (then const char * fields print as pointers).
 */
void decode_record(struct outbuf *o, bool json, const struct record_decoder *d,
		   const uint8_t *rec, size_t rec_len, const struct user_strings *us);

/* Offsets of the const char * fields, at most MAX; returns how many. */
unsigned int user_string_fields(const struct tpbpf_format *fmt, uint16_t *offsets,
				unsigned int max);

#endif
