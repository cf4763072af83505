/* SPDX-License-Identifier: MIT */
/*
 * Fuzz the record decoder of tpbpf tracepoint (tools/record_decode.c):
 *   byte 0       flags: bit 0 JSON, bit 1 a syscall's record, with user strings
 *   then         a format text up to the first NUL (parsed as tracefs's)
 *   the rest     the record, as the kernel would send it
 * The record sits in a buffer of exactly its size; what is printed must
 * hold no raw control byte, in text or JSON (no terminal injection).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record_decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char strs[2][9] = { "a\nb\x1b[c", "\x7f\x80\xff" };
	struct user_strings us = { 0 };
	struct record_decoder dec;
	struct tpbpf_format fmt;
	struct outbuf ob;
	char obuf[64];
	const uint8_t *nul;
	char *out = NULL;
	size_t out_len = 0, rec_len;
	uint8_t *rec;
	bool json;
	FILE *f;

	if (size < 2)
		return 0;
	json = data[0] & 1;
	if (data[0] & 2) {
		us.n = 2;
		for (int i = 0; i < 2; i++) {
			us.str[i] = strs[i];
			us.len[i] = (int)sizeof(strs[i]) - i;
			us.cut[i] = i;
		}
	}
	data++;
	size--;
	nul = memchr(data, '\0', size);
	if (!nul)
		return 0;
	if (tpbpf_format_parse((const char *)data, (size_t)(nul - data), &fmt))
		return 0;
	if (record_decoder_init(&dec, &fmt, (data[-1] & 2) != 0)) {
		tpbpf_format_free(&fmt);
		return 0;
	}
	rec_len = size - (size_t)(nul + 1 - data);
	rec = malloc(rec_len ? rec_len : 1);
	f = open_memstream(&out, &out_len);
	if (rec && f) {
		memcpy(rec, nul + 1, rec_len);
		/* A small buffer: decoding crosses many flushes. */
		ob_init(&ob, f, obuf, sizeof(obuf));
		decode_record(&ob, json, &dec, rec, rec_len, (data[-1] & 2) ? &us : NULL);
		ob_flush(&ob);
		fclose(f);
		for (size_t i = 0; i < out_len; i++)
			if ((unsigned char)out[i] < 0x20 || out[i] == 0x7f)
				abort();
	} else if (f) {
		fclose(f);
	}
	free(out);
	free(rec);
	record_decoder_free(&dec);
	tpbpf_format_free(&fmt);
	return 0;
}
