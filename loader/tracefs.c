/* SPDX-License-Identifier: MIT */
/*
 * tracefs: where it is, which tracepoints it has, and their event IDs.
 *
 * Every path under tracefs is built from a category and an event name, so
 * both are checked against a strict character set first: a name from the
 * command line or an object's section can never walk out of events/.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <linux/magic.h>

#include "internal.h"
#include "sys_bpf.h"
#include "tracefs.h"

#define NAME_MAX_LEN	255
#define DEFAULT_TRACEFS	"/sys/kernel/tracing"
#define DEBUGFS_TRACING	"/sys/kernel/debug/tracing"
#define CLOSEST_MAX	3

/* Found once, then cached: every later lookup uses the same root. */
static char root[PATH_MAX];
static bool root_known;

bool tpbpf_tracepoint_name_valid(const char *s)
{
	size_t n;

	if (!s)
		return false;
	for (n = 0; s[n]; n++) {
		char c = s[n];

		if (n >= NAME_MAX_LEN)
			return false;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-'))
			return false;
	}
	return n > 0 && strcmp(s, ".") != 0 && strcmp(s, "..") != 0;
}

void tpbpf_tracefs_quote(const char *s, char *buf, size_t len)
{
	size_t o = 0, i;

	if (len < 8) {
		if (len)
			buf[0] = '\0';
		return;
	}
	buf[o++] = '"';
	for (i = 0; s && s[i]; i++) {
		unsigned char c = (unsigned char)s[i];

		/* room for "\xHH", the closing quote, "..." and the NUL */
		if (o + 4 + 1 + 3 + 1 > len) {
			memcpy(buf + o, "\"...", 5);
			return;
		}
		if (c == '"' || c == '\\') {
			buf[o++] = '\\';
			buf[o++] = (char)c;
		} else if (isprint(c)) {
			buf[o++] = (char)c;
		} else {
			o += (size_t)snprintf(buf + o, len - o, "\\x%02x", c);
		}
	}
	buf[o++] = '"';
	buf[o] = '\0';
}

static int invalid_name(const char *s)
{
	char q[80];

	tpbpf_tracefs_quote(s, q, sizeof(q));
	return tpbpf_err(EINVAL, "invalid tracepoint name %s: use only "
			 "[A-Za-z0-9_.-], 1-%d characters, not \".\" or \"..\"",
			 q, NAME_MAX_LEN);
}

static bool has_events_dir(const char *dir)
{
	char path[PATH_MAX];
	struct stat st;

	if (snprintf(path, sizeof(path), "%s/events", dir) >= (int)sizeof(path))
		return false;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* DIR/events exists but we may not look into it (EACCES). */
static bool events_dir_denied(const char *dir)
{
	char path[PATH_MAX];
	struct stat st;

	snprintf(path, sizeof(path), "%s/events", dir);
	return stat(path, &st) != 0 && errno == EACCES;
}

/*
 * Event IDs already read (from "id" or a format file's "ID:" line), so a
 * load that resolved TP_ID or field offsets does not read tracefs again to
 * attach. Cleared when the root changes.
 */
static struct {
	char key[96];
	int id;
} id_cache[64];
static unsigned int id_cache_next;

int tpbpf_tracefs_set_root(const char *dir)
{
	if (!dir || !*dir)
		return tpbpf_err(EINVAL, "empty tracefs directory");
	if (strlen(dir) >= sizeof(root) - 64)
		return tpbpf_err(ENAMETOOLONG, "tracefs directory name too long");
	if (!has_events_dir(dir))
		return tpbpf_err(ENOENT, "%s is not a tracefs root: it has no "
				 "events/ directory", dir);
	strcpy(root, dir);
	root_known = true;
	memset(id_cache, 0, sizeof(id_cache));
	tpbpf_log("tracefs: using %s (set by the caller)", root);
	return 0;
}

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static void unescape_octal(char *s)
{
	char *o = s;

	while (*s) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' &&
		    s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*o++ = (char)(((s[1] - '0') << 6) | ((s[2] - '0') << 3) |
				      (s[3] - '0'));
			s += 4;
		} else {
			*o++ = *s++;
		}
	}
	*o = '\0';
}

/*
 * One mountinfo line: "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS [TAGS...] -
 * FSTYPE SOURCE SUPEROPTS". Copy MOUNTPOINT to OUT if FSTYPE is tracefs.
 */
static bool mountinfo_tracefs(char *line, char *out, size_t len)
{
	char *sep, *fields[5], *save = NULL, *tok, *fstype;
	int n = 0;

	sep = strstr(line, " - ");
	if (!sep)
		return false;
	*sep = '\0';
	fstype = strtok_r(sep + 3, " \n", &save);
	if (!fstype || strcmp(fstype, "tracefs") != 0)
		return false;
	save = NULL;
	for (tok = strtok_r(line, " ", &save); tok && n < 5;
	     tok = strtok_r(NULL, " ", &save))
		fields[n++] = tok;
	if (n < 5 || strlen(fields[4]) >= len)
		return false;
	strcpy(out, fields[4]);
	unescape_octal(out);
	return true;
}

static bool find_in_mountinfo(char *out, size_t len)
{
	char *line = NULL;
	size_t cap = 0;
	bool found = false;
	FILE *f;

	f = fopen("/proc/self/mountinfo", "re");
	if (!f) {
		tpbpf_log("tracefs: cannot read /proc/self/mountinfo: %s",
			  strerror(errno));
		return false;
	}
	while (!found && getline(&line, &cap, f) > 0) {
		if (!mountinfo_tracefs(line, out, len))
			continue;
		if (has_events_dir(out))
			found = true;
		else
			tpbpf_log("tracefs: mount at %s has no events/, skipped", out);
	}
	free(line);
	fclose(f);
	return found;
}

/* The usual place, asked in one call: a statfs of it says tracefs. */
static bool tracefs_at_default(void)
{
	struct statfs sf;

	return statfs(DEFAULT_TRACEFS, &sf) == 0 &&
	       (unsigned long)sf.f_type == TRACEFS_MAGIC &&
	       has_events_dir(DEFAULT_TRACEFS);
}

static int find_root(void)
{
	int e;

	if (tracefs_at_default()) {
		strcpy(root, DEFAULT_TRACEFS);
		tpbpf_log("tracefs: using %s (statfs says tracefs)", root);
		return 0;
	}
	if (find_in_mountinfo(root, sizeof(root))) {
		tpbpf_log("tracefs: using %s (tracefs mount in /proc/self/mountinfo)",
			  root);
		return 0;
	}
	if (has_events_dir(DEFAULT_TRACEFS)) {
		strcpy(root, DEFAULT_TRACEFS);
		tpbpf_log("tracefs: using %s", root);
		return 0;
	}
	if (has_events_dir(DEBUGFS_TRACING)) {
		strcpy(root, DEBUGFS_TRACING);
		tpbpf_log("tracefs: using %s (under debugfs)", root);
		return 0;
	}
	/*
	 * Mounted, but closed to us (tracefs is root-only): say that, not
	 * "not mounted" after a mount attempt that fails with EPERM.
	 */
	if (events_dir_denied(DEFAULT_TRACEFS) || events_dir_denied(DEBUGFS_TRACING))
		return tpbpf_err(EACCES, "tracefs at %s is not readable: %s; "
				 "tracing needs root (or CAP_SYS_ADMIN and access "
				 "to tracefs)", events_dir_denied(DEFAULT_TRACEFS) ?
				 DEFAULT_TRACEFS : DEBUGFS_TRACING, strerror(EACCES));
	tpbpf_log("tracefs: not mounted; mounting it at %s", DEFAULT_TRACEFS);
	e = -tpbpf_sys_mount_tracefs(DEFAULT_TRACEFS);
	if (e) {
		return tpbpf_err(e, "tracefs is not mounted and mounting it at "
				 "%s failed: %s; mount it with: mount -t tracefs "
				 "nodev %s", DEFAULT_TRACEFS, strerror(e),
				 DEFAULT_TRACEFS);
	}
	if (!has_events_dir(DEFAULT_TRACEFS))
		return tpbpf_err(ENOENT, "tracefs mounted at %s but it has no "
				 "events/ directory (is CONFIG_EVENT_TRACING off?)",
				 DEFAULT_TRACEFS);
	strcpy(root, DEFAULT_TRACEFS);
	tpbpf_log("tracefs: mounted and using %s", root);
	return 0;
}

/* Like tpbpf_tracefs_root() but returns the error instead of NULL. */
static int need_root(void)
{
	int err;

	if (root_known)
		return 0;
	err = find_root();
	if (err)
		return err;
	root_known = true;
	return 0;
}

const char *tpbpf_tracefs_root(void)
{
	return need_root() ? NULL : root;
}

int tpbpf_tracefs_event_file(const char *category, const char *name,
			     const char *file, char *buf, size_t len)
{
	int err, n;

	if (!tpbpf_tracepoint_name_valid(category))
		return invalid_name(category);
	if (!tpbpf_tracepoint_name_valid(name))
		return invalid_name(name);
	if (file && !tpbpf_tracepoint_name_valid(file))
		return invalid_name(file);
	err = need_root();
	if (err)
		return err;
	if (file)
		n = snprintf(buf, len, "%s/events/%s/%s/%s", root, category,
			     name, file);
	else
		n = snprintf(buf, len, "%s/events/%s/%s", root, category, name);
	if (n < 0 || (size_t)n >= len)
		return tpbpf_err(ENAMETOOLONG, "tracefs path of %s:%s too long",
				 category, name);
	return 0;
}

int tpbpf_tracepoint_parse(const char *spec, char *category, size_t cat_len,
			   char *name, size_t name_len)
{
	const char *sep;
	size_t clen, nlen;
	char q[80];

	if (!spec)
		return tpbpf_err(EINVAL, "no tracepoint given");
	sep = strpbrk(spec, ":/");
	if (!sep) {
		tpbpf_tracefs_quote(spec, q, sizeof(q));
		return tpbpf_err(EINVAL, "tracepoint %s: expected CATEGORY:NAME "
				 "or CATEGORY/NAME", q);
	}
	clen = (size_t)(sep - spec);
	nlen = strlen(sep + 1);
	if (clen >= cat_len || nlen >= name_len) {
		tpbpf_tracefs_quote(spec, q, sizeof(q));
		return tpbpf_err(EINVAL, "tracepoint %s: name too long", q);
	}
	memcpy(category, spec, clen);
	category[clen] = '\0';
	memcpy(name, sep + 1, nlen + 1);
	/* a second separator lands in NAME, which then fails validation */
	if (!tpbpf_tracepoint_name_valid(category))
		return invalid_name(category);
	if (!tpbpf_tracepoint_name_valid(name))
		return invalid_name(name);
	return 0;
}

unsigned int tpbpf_edit_distance(const char *a, const char *b)
{
	unsigned int rows[2][512], *prev = rows[0], *cur = rows[1], *t;
	size_t la = strnlen(a, 511), lb = strnlen(b, 511), i, j;

	for (j = 0; j <= lb; j++)
		prev[j] = (unsigned int)j;
	for (i = 1; i <= la; i++) {
		cur[0] = (unsigned int)i;
		for (j = 1; j <= lb; j++) {
			unsigned int del = prev[j] + 1, ins = cur[j - 1] + 1;
			unsigned int sub = prev[j - 1] + (a[i - 1] != b[j - 1]);

			cur[j] = del < ins ? del : ins;
			if (sub < cur[j])
				cur[j] = sub;
		}
		t = prev;
		prev = cur;
		cur = t;
	}
	return prev[lb];
}

/*
 * Append the (at most CLOSEST_MAX) candidates nearest to WANT to OUT as
 * "a, b, c". CANDS is sorted, so ties keep alphabetical order.
 */
static void closest(const char *want, char **cands, size_t n, char *out,
		    size_t len)
{
	unsigned int best_d[CLOSEST_MAX];
	size_t best[CLOSEST_MAX], nbest = 0, i, j, k, o = 0;

	for (i = 0; i < n; i++) {
		unsigned int d = tpbpf_edit_distance(want, cands[i]);

		/* insert after every candidate at least as near */
		for (k = 0; k < nbest && best_d[k] <= d; k++)
			;
		if (k == CLOSEST_MAX)
			continue;
		if (nbest < CLOSEST_MAX)
			nbest++;
		for (j = nbest - 1; j > k; j--) {
			best_d[j] = best_d[j - 1];
			best[j] = best[j - 1];
		}
		best_d[k] = d;
		best[k] = i;
	}
	out[0] = '\0';
	for (k = 0; k < nbest && o < len; k++) {
		int w = snprintf(out + o, len - o, "%s%s", k ? ", " : "",
				 cands[best[k]]);

		if (w < 0)
			break;
		o += (size_t)w;
	}
}

int tpbpf_tracefs_event_category(const char *name, char *category, size_t len)
{
	char path[PATH_MAX];
	struct dirent *de;
	struct stat st;
	int err = need_root();
	DIR *d;

	if (err)
		return err;
	if (!tpbpf_tracepoint_name_valid(name))
		return invalid_name(name);
	if (snprintf(path, sizeof(path), "%s/events", root) >= (int)sizeof(path))
		return tpbpf_err(ENAMETOOLONG, "tracefs path too long");
	d = opendir(path);
	if (!d)
		return tpbpf_err(errno, "cannot list %s: %s", path, strerror(errno));
	err = -ENOENT;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || !tpbpf_tracepoint_name_valid(de->d_name) ||
		    snprintf(path, sizeof(path), "%s/events/%s/%s/format", root, de->d_name,
			     name) >= (int)sizeof(path) || stat(path, &st) != 0)
			continue;
		if (strlen(de->d_name) >= len) {
			err = -ENAMETOOLONG;
			break;
		}
		strcpy(category, de->d_name);
		err = 0;
		break;
	}
	closedir(d);
	return err == -ENOENT ? tpbpf_err(ENOENT, "no tracepoint named %s in any category", name) : err;
}

static bool category_exists(const char *category)
{
	char path[PATH_MAX];
	struct stat st;

	if (snprintf(path, sizeof(path), "%s/events/%s", root, category) >=
	    (int)sizeof(path))
		return false;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The detail of a missing tracepoint, with the nearest names that exist. */
static int not_found(const char *category, const char *name)
{
	char want[2 * NAME_MAX_LEN + 2], near[512] = "";
	char **names = NULL, **cats = NULL;
	size_t count = 0, ncat = 0, i;

	if (tpbpf_tracepoint_list(&names, &count) < 0) {
		names = NULL;
		count = 0;
	}
	if (!category_exists(category)) {
		/* the categories are the prefixes of the sorted names */
		cats = calloc(count ? count : 1, sizeof(*cats));
		for (i = 0; cats && i < count; i++) {
			char *colon = strchr(names[i], ':');

			*colon = '\0';
			if (!ncat || strcmp(cats[ncat - 1], names[i]) != 0)
				cats[ncat++] = names[i];
		}
		if (cats)
			closest(category, cats, ncat, near, sizeof(near));
		free(cats);
		tpbpf_strv_free(names, count);
		return tpbpf_err(ENOENT, "tracepoint category %s not found%s%s "
				 "(see: tpbpf list)", category,
				 *near ? "; closest: " : "", near);
	}
	snprintf(want, sizeof(want), "%s:%s", category, name);
	closest(want, names, count, near, sizeof(near));
	tpbpf_strv_free(names, count);
	return tpbpf_err(ENOENT, "tracepoint %s:%s not found%s%s (see: tpbpf "
			 "list '%s:*')", category, name,
			 *near ? "; closest: " : "", near, category);
}

/* Strict: decimal digits, one optional trailing newline, fits an int. */
static int parse_id(const char *text, size_t len, const char *path)
{
	long v = 0;
	size_t i;

	if (len && text[len - 1] == '\n')
		len--;
	if (!len)
		return tpbpf_err(EINVAL, "malformed event ID in %s: empty", path);
	for (i = 0; i < len; i++) {
		if (text[i] < '0' || text[i] > '9')
			return tpbpf_err(EINVAL, "malformed event ID in %s: "
					 "expected a decimal number", path);
		v = v * 10 + (text[i] - '0');
		if (v > INT_MAX)
			return tpbpf_err(EINVAL, "malformed event ID in %s: "
					 "out of range", path);
	}
	return (int)v;
}


static bool id_cache_key(const char *category, const char *name, char *key, size_t len)
{
	return (size_t)snprintf(key, len, "%s/%s", category, name) < len;
}

void tpbpf_tracefs_remember_id(const char *category, const char *name, int id)
{
	char key[sizeof(id_cache[0].key)];

	if (id < 0 || !id_cache_key(category, name, key, sizeof(key)))
		return;
	for (unsigned int i = 0; i < ARRAY_SIZE(id_cache); i++)
		if (strcmp(id_cache[i].key, key) == 0)
			return;
	strcpy(id_cache[id_cache_next].key, key);
	id_cache[id_cache_next].id = id;
	id_cache_next = (id_cache_next + 1) % ARRAY_SIZE(id_cache);
}

static int cached_id(const char *category, const char *name)
{
	char key[sizeof(id_cache[0].key)];

	if (!id_cache_key(category, name, key, sizeof(key)))
		return -1;
	for (unsigned int i = 0; i < ARRAY_SIZE(id_cache); i++)
		if (id_cache[i].key[0] && strcmp(id_cache[i].key, key) == 0)
			return id_cache[i].id;
	return -1;
}

int tpbpf_tracepoint_id(const char *category, const char *name)
{
	char path[PATH_MAX], *text;
	size_t len;
	int err, id;

	err = tpbpf_tracefs_event_file(category, name, "id", path, sizeof(path));
	if (err)
		return err;
	id = cached_id(category, name);
	if (id >= 0) {
		tpbpf_log("tracefs: %s:%s -> event ID %d (read before)", category, name, id);
		return id;
	}
	err = tpbpf_read_file(path, &text, &len);
	if (err == -ENOENT || err == -ENOTDIR)
		return not_found(category, name);
	if (err)
		return err;
	id = parse_id(text, len, path);
	free(text);
	if (id >= 0) {
		tpbpf_log("tracefs: %s -> event ID %d", path, id);
		tpbpf_tracefs_remember_id(category, name, id);
	}
	return id;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Add CATEGORY:NAME to the growing vector. */
static int strv_push(char ***v, size_t *n, size_t *cap, const char *category,
		     const char *name)
{
	char *s;

	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 256;
		char **nv = realloc(*v, ncap * sizeof(**v));

		if (!nv)
			return tpbpf_err(ENOMEM, "out of memory listing tracepoints");
		*v = nv;
		*cap = ncap;
	}
	if (asprintf(&s, "%s:%s", category, name) < 0)
		return tpbpf_err(ENOMEM, "out of memory listing tracepoints");
	(*v)[(*n)++] = s;
	return 0;
}

/*
 * An event is a directory with an "id" and an "enable" file. ftrace's own
 * events (ftrace/function, ftrace/print) have an id but cannot be enabled,
 * and available_events leaves them out too.
 */
static bool is_event_dir(int catfd, const char *name)
{
	char path[NAME_MAX_LEN + 16];

	if (strlen(name) > NAME_MAX_LEN)
		return false;
	snprintf(path, sizeof(path), "%s/id", name);
	if (faccessat(catfd, path, F_OK, 0) != 0)
		return false;
	snprintf(path, sizeof(path), "%s/enable", name);
	return faccessat(catfd, path, F_OK, 0) == 0;
}

static int list_category(int eventsfd, const char *category, char ***v,
			 size_t *n, size_t *cap)
{
	struct dirent *de;
	int fd, err = 0;
	DIR *d;

	fd = openat(eventsfd, category, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return 0;	/* a file such as events/enable */
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return 0;
	}
	while (!err && (de = readdir(d))) {
		if (!tpbpf_tracepoint_name_valid(de->d_name) ||
		    !is_event_dir(dirfd(d), de->d_name))
			continue;
		err = strv_push(v, n, cap, category, de->d_name);
	}
	closedir(d);
	return err;
}

/* Lines "category:name" of available_events; -ENOENT when it is missing. */
static int list_available_events(char ***v, size_t *n, size_t *cap)
{
	char path[PATH_MAX + 32], *text, *line, *save = NULL;
	size_t len;
	int err;

	snprintf(path, sizeof(path), "%s/available_events", root);
	if (access(path, R_OK))
		return -ENOENT;
	err = tpbpf_read_file(path, &text, &len);
	if (err)
		return err;
	for (line = strtok_r(text, "\n", &save); line && !err;
	     line = strtok_r(NULL, "\n", &save)) {
		char *colon = strchr(line, ':');

		if (!colon)
			continue;
		*colon = '\0';
		/* Names that could not be used anyway are left out. */
		if (tpbpf_tracepoint_name_valid(line) && tpbpf_tracepoint_name_valid(colon + 1))
			err = strv_push(v, n, cap, line, colon + 1);
	}
	free(text);
	return err;
}

int tpbpf_tracepoint_list(char ***names, size_t *count)
{
	char path[PATH_MAX + 16];
	char **v = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	int err;
	DIR *d;

	err = need_root();
	if (err)
		return err;
	/* available_events names them all in one read: no walk of 2000+ dirs. */
	err = list_available_events(&v, &n, &cap);
	if (err == 0 && n) {
		qsort(v, n, sizeof(*v), cmp_str);
		tpbpf_log("tracefs: %zu tracepoints in %s/available_events", n, root);
		*names = v;
		*count = n;
		return 0;
	}
	tpbpf_strv_free(v, n);
	v = NULL;
	n = cap = 0;
	err = 0;
	snprintf(path, sizeof(path), "%s/events", root);
	d = opendir(path);
	if (!d)
		return tpbpf_err(errno, "cannot open %s: %s", path,
				 strerror(errno));
	while (!err && (de = readdir(d))) {
		if (tpbpf_tracepoint_name_valid(de->d_name))
			err = list_category(dirfd(d), de->d_name, &v, &n, &cap);
	}
	closedir(d);
	if (err) {
		tpbpf_strv_free(v, n);
		return err;
	}
	if (n)
		qsort(v, n, sizeof(*v), cmp_str);
	tpbpf_log("tracefs: %zu tracepoints under %s", n, path);
	*names = v;
	*count = n;
	return 0;
}

void tpbpf_strv_free(char **v, size_t count)
{
	size_t i;

	if (!v)
		return;
	for (i = 0; i < count; i++)
		free(v[i]);
	free(v);
}
