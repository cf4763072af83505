/* SPDX-License-Identifier: MIT */
/*
 * The output of the tools.
 *
 * Events are written into a struct outbuf, a plain byte buffer with its
 * own number and string formatting, handed to stdio (fwrite) in 64 KiB
 * blocks: a tracer that prints 200 000 lines a second must not spend its
 * time in printf's format parsing (measured: 40% of the reader's time
 * went to vfprintf, fputc and fmemopen before this).
 *
 * While a tool reads events, stdout's blocks are written by a thread of
 * their own (output_thread_start()): a write(2) to a file can block for
 * tens of ms while the kernel throttles dirty pages (measured: up to
 * 120 ms on a busy machine), and the reader must meanwhile keep emptying
 * the rings. Up to 32 MiB wait for that thread; beyond, the reader waits.
 *
 * Kernel-provided bytes are written safely: a file name may hold newlines
 * or terminal escape sequences, and must not be able to forge output lines
 * or drive the terminal. Human output escapes them; JSON encodes them.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tool.h"

#define BLOCK_SIZE (64 * 1024)
#define MAX_BLOCKS 512		/* 32 MiB waiting at most */

static char stdout_bytes[BLOCK_SIZE];
struct outbuf stdout_buf = { stdout_bytes, 0, BLOCK_SIZE, NULL };

/* ---- stdout written by a thread of its own ------------------------------ */

struct block {
	struct block *next;
	size_t len;
	char data[BLOCK_SIZE];
};

static struct {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t work;	/* a block is queued, or it is time to stop */
	pthread_cond_t done;	/* a block was written */
	struct block *head, *tail;	/* queued, oldest first */
	struct block *free;	/* written, ready for reuse */
	struct block *cur;	/* the one stdout_buf fills */
	size_t nblocks;
	bool writing, stopping, running;
} wr = { .lock = PTHREAD_MUTEX_INITIALIZER, .work = PTHREAD_COND_INITIALIZER,
	 .done = PTHREAD_COND_INITIALIZER };

/* All of it, or until stdout fails (a closed pipe: SIGPIPE, as with stdio). */
static void write_all(const char *p, size_t n)
{
	while (n) {
		ssize_t k = write(STDOUT_FILENO, p, n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return;
		p += k;
		n -= (size_t)k;
	}
}

static void *writer(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&wr.lock);
	for (;;) {
		struct block *b;

		while (!wr.head && !wr.stopping)
			pthread_cond_wait(&wr.work, &wr.lock);
		if (!wr.head)
			break;
		b = wr.head;
		wr.head = b->next;
		if (!wr.head)
			wr.tail = NULL;
		wr.writing = true;
		pthread_mutex_unlock(&wr.lock);
		write_all(b->data, b->len);
		pthread_mutex_lock(&wr.lock);
		wr.writing = false;
		b->next = wr.free;
		wr.free = b;
		pthread_cond_broadcast(&wr.done);
	}
	pthread_mutex_unlock(&wr.lock);
	return NULL;
}

/* Queue what stdout_buf holds and give it an empty block (waiting for one if need be). */
static void hand_over(void)
{
	struct block *b = wr.cur;

	pthread_mutex_lock(&wr.lock);
	if (stdout_buf.len) {
		b->len = stdout_buf.len;
		b->next = NULL;
		if (wr.tail)
			wr.tail->next = b;
		else
			wr.head = b;
		wr.tail = b;
		pthread_cond_signal(&wr.work);
		b = NULL;
	}
	while (!b) {
		if (wr.free) {
			b = wr.free;
			wr.free = b->next;
		} else if (wr.nblocks < MAX_BLOCKS && (b = malloc(sizeof(*b))) != NULL) {
			wr.nblocks++;
		} else {
			pthread_cond_wait(&wr.done, &wr.lock);
		}
	}
	pthread_mutex_unlock(&wr.lock);
	wr.cur = b;
	stdout_buf.buf = b->data;
	stdout_buf.len = 0;
	stdout_buf.cap = BLOCK_SIZE;
}

void output_thread_start(void)
{
	sigset_t all, old;

	if (wr.running)
		return;
	wr.cur = malloc(sizeof(*wr.cur));
	if (!wr.cur)
		return;		/* stdout_buf keeps writing through stdio */
	wr.nblocks = 1;
	ob_flush(&stdout_buf);
	fflush(stdout);
	/* Signals stay with the thread that reads the events. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	wr.stopping = false;
	wr.running = pthread_create(&wr.thread, NULL, writer, NULL) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!wr.running) {
		free(wr.cur);
		wr.cur = NULL;
		wr.nblocks = 0;
		return;
	}
	stdout_buf.buf = wr.cur->data;
	stdout_buf.len = 0;
	stdout_buf.cap = BLOCK_SIZE;
}

/* Everything handed over so far is written when this returns. */
static void output_thread_sync(void)
{
	hand_over();
	pthread_mutex_lock(&wr.lock);
	while (wr.head || wr.writing)
		pthread_cond_wait(&wr.done, &wr.lock);
	pthread_mutex_unlock(&wr.lock);
}

void output_thread_stop(void)
{
	if (!wr.running) {
		ob_flush(&stdout_buf);
		return;
	}
	output_thread_sync();
	pthread_mutex_lock(&wr.lock);
	wr.stopping = true;
	pthread_cond_signal(&wr.work);
	pthread_mutex_unlock(&wr.lock);
	pthread_join(wr.thread, NULL);
	wr.running = false;
	free(wr.cur);
	while (wr.free) {
		struct block *b = wr.free;

		wr.free = b->next;
		free(b);
	}
	wr.cur = NULL;
	wr.nblocks = 0;
	stdout_buf.buf = stdout_bytes;
	stdout_buf.len = 0;
	stdout_buf.cap = BLOCK_SIZE;
}

void ob_init(struct outbuf *o, FILE *f, char *buf, size_t cap)
{
	o->buf = buf;
	o->len = 0;
	o->cap = cap;
	o->file = f;
}

void ob_flush(struct outbuf *o)
{
	/* stdout_buf is set up statically, before stdout is a constant. */
	FILE *f = o->file ? o->file : stdout;

	if (o == &stdout_buf && wr.running) {
		hand_over();
		return;
	}
	if (o->len)
		fwrite(o->buf, 1, o->len, f);
	o->len = 0;
}

void output_sync(void)
{
	if (wr.running)
		output_thread_sync();
	else
		ob_flush(&stdout_buf);
	fflush(stdout);
}

void ob_mem(struct outbuf *o, const void *p, size_t n)
{
	const char *s = p;

	while (n) {
		size_t room = o->cap - o->len, k = n < room ? n : room;

		memcpy(o->buf + o->len, s, k);
		o->len += k;
		s += k;
		n -= k;
		if (o->len == o->cap)
			ob_flush(o);
	}
}

void ob_str(struct outbuf *o, const char *s)
{
	ob_mem(o, s, strlen(s));
}

void ob_pad(struct outbuf *o, char c, int n)
{
	for (int i = 0; i < n; i++)
		ob_char(o, c);
}

/* Digits of V in BASE into the end of BUF; returns where they start. */
static char *digits(char *end, uint64_t v, unsigned int base)
{
	static const char hex[] = "0123456789abcdef";

	do {
		*--end = hex[v % base];
		v /= base;
	} while (v);
	return end;
}

void ob_uint(struct outbuf *o, uint64_t v, int width, char pad)
{
	char buf[24], *end = buf + sizeof(buf), *p = digits(end, v, 10);

	ob_pad(o, pad, width - (int)(end - p));
	ob_mem(o, p, (size_t)(end - p));
}

void ob_u64(struct outbuf *o, uint64_t v)
{
	char buf[24], *end = buf + sizeof(buf), *p = digits(end, v, 10);

	ob_mem(o, p, (size_t)(end - p));
}

void ob_i64(struct outbuf *o, int64_t v)
{
	if (v < 0) {
		ob_char(o, '-');
		ob_u64(o, 0 - (uint64_t)v);
	} else {
		ob_u64(o, (uint64_t)v);
	}
}

void ob_int(struct outbuf *o, int64_t v, int width)
{
	char buf[24], *end = buf + sizeof(buf), *p;
	uint64_t mag = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	int n;

	p = digits(end, mag, 10);
	if (v < 0)
		*--p = '-';
	n = (int)(end - p);
	if (width > n)
		ob_pad(o, ' ', width - n);
	ob_mem(o, p, (size_t)n);
	if (-width > n)
		ob_pad(o, ' ', -width - n);
}

void ob_hex(struct outbuf *o, uint64_t v)
{
	char buf[24], *end = buf + sizeof(buf), *p = digits(end, v, 16);

	ob_mem(o, p, (size_t)(end - p));
}

void ob_printf(struct outbuf *o, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > 0)
		ob_mem(o, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

size_t ob_escaped(struct outbuf *o, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t out = 0, i = 0;

	while (i < len && s[i]) {
		size_t run = i;

		/* The common case: a run of bytes that need no escape. */
		while (run < len && (unsigned char)s[run] >= 0x20 &&
		       (unsigned char)s[run] != 0x7f && s[run] != '\\')
			run++;
		if (run > i) {
			ob_mem(o, s + i, run - i);
			out += run - i;
			i = run;
			continue;
		}
		unsigned char c = (unsigned char)s[i++];

		if (!c)
			break;
		ob_char(o, '\\');
		if (c == '\\') {
			ob_char(o, '\\');
			out += 2;
		} else if (c == '\n') {
			ob_char(o, 'n');
			out += 2;
		} else if (c == '\t') {
			ob_char(o, 't');
			out += 2;
		} else {
			ob_char(o, 'x');
			ob_char(o, hex[c >> 4]);
			ob_char(o, hex[c & 15]);
			out += 4;
		}
	}
	return out;
}

void ob_escaped_padded(struct outbuf *o, const char *s, size_t len, int width)
{
	size_t n = ob_escaped(o, s, len);

	if (n < (size_t)width)
		ob_pad(o, ' ', width - (int)n);
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

void ob_json_string(struct outbuf *o, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 0;

	while (n < len && p[n])
		n++;
	ob_char(o, '"');
	for (size_t i = 0; i < n;) {
		size_t run = i, u;

		/* Printable ASCII that needs no escape: copied as one run. */
		while (run < n && p[run] >= 0x20 && p[run] < 0x7f &&
		       p[run] != '"' && p[run] != '\\')
			run++;
		if (run > i) {
			ob_mem(o, p + i, run - i);
			i = run;
			continue;
		}
		unsigned char c = p[i];

		if (c == '"' || c == '\\') {
			ob_char(o, '\\');
			ob_char(o, (char)c);
			i++;
		} else if (c < 0x20 || c == 0x7f) {
			ob_str(o, "\\u00");
			ob_char(o, hex[c >> 4]);
			ob_char(o, hex[c & 15]);
			i++;
		} else if ((u = utf8_len(p + i, n - i)) > 0) {
			ob_mem(o, p + i, u);
			i += u;
		} else {
			/* Not UTF-8: the byte as its Latin-1 code point keeps the JSON valid. */
			ob_str(o, "\\u00");
			ob_char(o, hex[c >> 4]);
			ob_char(o, hex[c & 15]);
			i++;
		}
	}
	ob_char(o, '"');
}

/* ---- the same for a FILE, for the tools' tables and reports ----------- */

void print_escaped(FILE *f, const char *s, size_t len)
{
	char buf[256];
	struct outbuf o;

	ob_init(&o, f, buf, sizeof(buf));
	ob_escaped(&o, s, len);
	ob_flush(&o);
}

void print_escaped_padded(FILE *f, const char *s, size_t len, int width)
{
	char buf[256];
	struct outbuf o;

	ob_init(&o, f, buf, sizeof(buf));
	ob_escaped_padded(&o, s, len, width);
	ob_flush(&o);
}

void print_json_string(FILE *f, const char *s, size_t len)
{
	char buf[256];
	struct outbuf o;

	ob_init(&o, f, buf, sizeof(buf));
	ob_json_string(&o, s, len);
	ob_flush(&o);
}
