/* SPDX-License-Identifier: MIT */
/*
 * Writing kernel-provided bytes safely: a file name may hold newlines or
 * terminal escape sequences, and must not be able to forge output lines or
 * drive the terminal. Human output escapes them; JSON encodes them.
 */
#include <stdio.h>

#include "tool.h"

void print_escaped(FILE *f, const char *s, size_t len)
{
	for (size_t i = 0; i < len && s[i]; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\\')
			fputs("\\\\", f);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\x%02x", c);
		else
			fputc(c, f);
	}
}

/* Length of a valid UTF-8 sequence at S (at most N bytes), or 0. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t len;
	unsigned int cp;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0) { len = 2; cp = s[0] & 0x1f; }
	else if ((s[0] & 0xf0) == 0xe0) { len = 3; cp = s[0] & 0x0f; }
	else if ((s[0] & 0xf8) == 0xf0) { len = 4; cp = s[0] & 0x07; }
	else return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates and values past U+10FFFF are invalid. */
	if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
	    (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

void print_json_string(FILE *f, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 0;

	while (n < len && p[n])
		n++;
	fputc('"', f);
	for (size_t i = 0; i < n;) {
		unsigned char c = p[i];
		size_t u;

		if (c == '"' || c == '\\') {
			fputc('\\', f);
			fputc(c, f);
			i++;
		} else if (c < 0x20 || c == 0x7f) {
			fprintf(f, "\\u%04x", c);
			i++;
		} else if ((u = utf8_len(p + i, n - i)) > 0) {
			fwrite(p + i, 1, u, f);
			i += u;
		} else {
			/* Not UTF-8: the byte as its Latin-1 code point keeps the JSON valid. */
			fprintf(f, "\\u00%02x", c);
			i++;
		}
	}
	fputc('"', f);
}

void print_escaped_padded(FILE *f, const char *s, size_t len, int width)
{
	char buf[128] = "";
	FILE *m = fmemopen(buf, sizeof(buf), "w");

	if (m) {
		print_escaped(m, s, len);
		fclose(m);
	}
	fprintf(f, "%-*s", width, buf);
}
