/* SPDX-License-Identifier: MIT */
/*
 * The load path, step "maps" (the steps in order: object.h): create the
 * object's maps with BPF_MAP_CREATE, after step "btf", and fill the global
 * data maps with their sections' initial contents (.rodata then frozen).
 * Also the end of step "load" (program arrays' slots) and part of step
 * "close" (the maps closed).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "internal.h"
#include "object.h"
#include "sys_bpf.h"

static bool is_percpu_type(uint32_t type)
{
	return type == BPF_MAP_TYPE_PERCPU_HASH || type == BPF_MAP_TYPE_PERCPU_ARRAY ||
	       type == BPF_MAP_TYPE_LRU_PERCPU_HASH;
}

/* A kernel object name: at most 15 of [A-Za-z0-9_.], the rest dropped. */
static void kernel_name(const char *obj_name, const char *name, char out[16])
{
	char full[256];
	size_t n = 0;

	/* ".bss" alone says little in a listing: prefix the object's name. */
	if (name[0] == '.')
		snprintf(full, sizeof(full), "%.8s%s", obj_name, name);
	else
		snprintf(full, sizeof(full), "%s", name);
	for (const char *p = full; *p && n < 15; p++)
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '_' || *p == '.')
			out[n++] = *p;
	out[n] = '\0';
}

/*
 * Before 5.11 the kernel charges BPF memory (maps, programs, BTF) to
 * RLIMIT_MEMLOCK, and the usual 64 KiB fails even small maps with EPERM.
 * No probe says in advance whether it does (a probe would be charged too):
 * the first EPERM of a BPF_MAP_CREATE or BPF_PROG_LOAD raises a finite
 * limit to unlimited, once, and the call is tried again. Raising it costs
 * nothing where the kernel charges the memory cgroup instead.
 */
static struct {
	bool tried, refused;
	struct rlimit before;
} memlock;

bool tpbpf_obj_raise_memlock(void)
{
	if (memlock.tried)
		return false;
	memlock.tried = true;
	if (getrlimit(RLIMIT_MEMLOCK, &memlock.before) != 0 ||
	    memlock.before.rlim_cur == RLIM_INFINITY)
		return false;
	tpbpf_log("the locked-memory limit is %llu KiB: kernels before 5.11 charge BPF memory to it; raising it",
		  (unsigned long long)memlock.before.rlim_cur / 1024);
	if (tpbpf_sys_memlock_unlimited()) {
		memlock.refused = true;
		return false;
	}
	return true;
}

void tpbpf_obj_memlock_reset(void)
{
	memset(&memlock, 0, sizeof(memlock));
}

void tpbpf_obj_memlock_why(char *buf, size_t len, unsigned long long need_kib)
{
	char need[64] = "";

	if (need_kib)
		snprintf(need, sizeof(need), ", this needs about %llu KiB", need_kib);
	if (memlock.refused)
		snprintf(buf, len, "kernels before 5.11 charge BPF memory to the locked-memory limit (%llu KiB here%s) and raising it was refused: raise it first (ulimit -l unlimited; LimitMEMLOCK=infinity for a service) or run as root",
			 (unsigned long long)memlock.before.rlim_cur / 1024, need);
	else if (memlock.tried && memlock.before.rlim_cur != RLIM_INFINITY)
		snprintf(buf, len, "still refused with the locked-memory limit raised from %llu KiB to unlimited: run as root (CAP_BPF and CAP_PERFMON, or CAP_SYS_ADMIN before 5.8)",
			 (unsigned long long)memlock.before.rlim_cur / 1024);
	else
		snprintf(buf, len, "run as root (CAP_BPF and CAP_PERFMON, or CAP_SYS_ADMIN before 5.8)");
}

/* What a map costs the locked-memory limit, roughly: its keys and values. */
static unsigned long long map_kib(const struct tpbpf_map *m)
{
	unsigned long long per = ((m->key_size + 7ULL) & ~7ULL) + ((m->value_size + 7ULL) & ~7ULL);

	return (per * (m->max_entries ? m->max_entries : 1) + 1023) / 1024;
}

static int explain_map_error(const struct tpbpf_map *m, int err)
{
	char why[512];

	switch (-err) {
	case EPERM:
		tpbpf_obj_memlock_why(why, sizeof(why), map_kib(m));
		return tpbpf_err(EPERM, "map %s: BPF_MAP_CREATE: not permitted: %s", m->name, why);
	case EINVAL:
		return tpbpf_err(EINVAL, "map %s: BPF_MAP_CREATE: invalid definition (type %u, key_size %u, value_size %u, max_entries %u, flags 0x%x), or a map type this kernel does not have",
				 m->name, m->type, m->key_size, m->value_size,
				 m->max_entries, m->flags);
	case E2BIG:
	case ENOMEM:
		return tpbpf_err(-err, "map %s: BPF_MAP_CREATE: %s: the map is too large (key_size %u, value_size %u, max_entries %u)",
				 m->name, strerror(-err), m->key_size, m->value_size,
				 m->max_entries);
	default:
		return tpbpf_err(-err, "map %s: BPF_MAP_CREATE: %s", m->name, strerror(-err));
	}
}

static bool is_lru(uint32_t type)
{
	return type == BPF_MAP_TYPE_LRU_HASH || type == BPF_MAP_TYPE_LRU_PERCPU_HASH;
}

/* An LRU map where the kernel has none: the plain hash map of the same shape. */
static void lru_fallback(const struct tpbpf_map *m, struct tpbpf_map_create_args *a)
{
	a->type = a->type == BPF_MAP_TYPE_LRU_HASH ? BPF_MAP_TYPE_HASH : BPF_MAP_TYPE_PERCPU_HASH;
	tpbpf_log("  fallback map %s: LRU hash -> hash (no LRU maps before 4.10): when full it takes no new entries",
		  m->name);
}

/* Map types whose keys and values the kernel takes no BTF types for. */
static bool typeless(uint32_t type)
{
	switch (type) {
	case BPF_MAP_TYPE_PERF_EVENT_ARRAY:
	case BPF_MAP_TYPE_PROG_ARRAY:
	case BPF_MAP_TYPE_ARRAY_OF_MAPS:
	case BPF_MAP_TYPE_HASH_OF_MAPS:
	case BPF_MAP_TYPE_STACK_TRACE:
	case BPF_MAP_TYPE_CGROUP_ARRAY:
	case BPF_MAP_TYPE_RINGBUF:
		return true;
	default:
		return false;
	}
}

/*
 * After a refusal, the one thing to change before trying again, once each:
 * raise the locked-memory limit (EPERM before 5.11), spell the name's dots
 * as '_' (before 5.2), leave out the name (before 4.15), the LRU type
 * (before 4.10), or the BTF types. False when nothing is left to change.
 */
static bool next_fallback(const struct tpbpf_map *m, struct tpbpf_map_create_args *a,
			  char *name, int err)
{
	char *dot;

	if (err == -EPERM)
		return tpbpf_obj_raise_memlock();
	/* Names take '.' since 5.2 (".rodata", "outer.inner"): '_' before. */
	if (err == -EINVAL && a->name == name && (dot = strchr(name, '.')) != NULL) {
		for (; dot; dot = strchr(dot, '.'))
			*dot = '_';
		tpbpf_log("map %s: the kernel refused the '.' in its name: creating it as %s", m->name, name);
		return true;
	}
	if ((err == -EINVAL || err == -E2BIG) && a->name && a->name[0] &&
	    tpbpf_feature_present(TPBPF_FEAT_MAP_NAME) == 0) {
		tpbpf_log("this kernel takes no map names: creating %s without one", m->name);
		a->name = NULL;
		return true;
	}
	if (err == -EINVAL && is_lru(a->type) && tpbpf_feature_present(TPBPF_FEAT_LRU_HASH) == 0) {
		lru_fallback(m, a);
		return true;
	}
	if (a->btf_fd > 0) {
		tpbpf_log("map %s: the kernel refused its BTF types: creating it without them", m->name);
		a->btf_fd = 0;
		a->btf_key_type_id = a->btf_value_type_id = 0;
		return true;
	}
	return false;
}

/* BPF_MAP_CREATE of M, with MAP_FD of its inner map if it is a map of maps. */
static int create_one(struct tpbpf_object *obj, struct tpbpf_map *m, int inner_fd)
{
	struct tpbpf_map_create_args a = { 0 };
	char name[16];
	int fd;

	a.type = m->type;
	a.key_size = m->key_size;
	a.value_size = m->value_size;
	a.max_entries = m->max_entries;
	a.flags = m->flags;
	a.numa_node = m->numa_node;
	a.map_extra = m->map_extra;
	a.inner_map_fd = inner_fd;
	/* A perf event array with 0 entries gets one slot per possible CPU. */
	if (m->type == BPF_MAP_TYPE_PERF_EVENT_ARRAY && m->max_entries == 0) {
		int cpus = tpbpf_num_possible_cpus();

		if (cpus < 0)
			return tpbpf_err_prefix(-cpus, "map %s: ", m->name);
		a.max_entries = m->max_entries = (uint32_t)cpus;
		if (!a.key_size)
			a.key_size = m->key_size = sizeof(uint32_t);
		if (!a.value_size)
			a.value_size = m->value_size = sizeof(uint32_t);
	}
	if (obj->btf_fd >= 0 && !typeless(m->type)) {
		a.btf_key_type_id = m->btf_key_type_id;
		a.btf_value_type_id = m->btf_value_type_id ? m->btf_value_type_id :
				      tpbpf_obj_datasec_type(obj, m);
		if (a.btf_value_type_id)
			a.btf_fd = obj->btf_fd;
	}
	kernel_name(obj->name, m->name, name);
	/* Names are tried without a probe: a refusal (before 4.15) is the probe. */
	a.name = tpbpf_feature_forced(TPBPF_FEAT_MAP_NAME) ||
		 (tpbpf_feature_probed(TPBPF_FEAT_MAP_NAME) &&
		  tpbpf_feature_present(TPBPF_FEAT_MAP_NAME) == 0) ? NULL : name;
	/* No LRU maps before 4.10 (forced absent: the fallback up front). */
	if (is_lru(a.type) && tpbpf_feature_forced(TPBPF_FEAT_LRU_HASH))
		lru_fallback(m, &a);
	while ((fd = tpbpf_sys_map_create(&a)) < 0 && next_fallback(m, &a, name, fd))
		;
	if (fd < 0)
		return explain_map_error(m, fd);
	if (a.name)
		tpbpf_feature_set(TPBPF_FEAT_MAP_NAME, true);
	m->fd = fd;
	return 0;
}

/* ---- pinned maps (LIBBPF_PIN_BY_NAME) -------------------------------------- */

/* A map pinned at PATH already: use it if it is the map M defines. */
static int reuse_pinned(struct tpbpf_map *m, const char *path, int fd)
{
	struct bpf_map_info info;
	uint32_t len = sizeof(info);
	int err;

	memset(&info, 0, sizeof(info));
	err = tpbpf_sys_obj_get_info(fd, &info, &len);
	if (err) {
		tpbpf_sys_close(fd, path);
		return tpbpf_err(-err, "map %s: pinned at %s, but its description cannot be read: %s",
				 m->name, path, strerror(-err));
	}
	if (info.type != m->type || info.key_size != m->key_size ||
	    info.value_size != m->value_size || info.max_entries != m->max_entries ||
	    info.map_flags != m->flags) {
		tpbpf_sys_close(fd, path);
		return tpbpf_err(EEXIST, "map %s: the map pinned at %s is another map (type %u key %u value %u max_entries %u flags 0x%x; the object wants type %u key %u value %u max_entries %u flags 0x%x): remove it (rm %s) or use another pin root",
				 m->name, path, info.type, info.key_size, info.value_size,
				 info.max_entries, info.map_flags, m->type, m->key_size,
				 m->value_size, m->max_entries, m->flags, path);
	}
	tpbpf_log("map %s: reusing the map pinned at %s (id %u)", m->name, path, info.id);
	m->fd = fd;
	return 0;
}

static int create_pinned(struct tpbpf_object *obj, struct tpbpf_map *m, int inner_fd)
{
	const char *root = obj->pin_root ? obj->pin_root : TPBPF_DEFAULT_PIN_ROOT;
	char path[4096];
	int fd, err;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", root, m->name) >= sizeof(path))
		return tpbpf_err(ENAMETOOLONG, "map %s: pin path too long", m->name);
	fd = tpbpf_sys_obj_get(path);
	if (fd >= 0)
		return reuse_pinned(m, path, fd);
	if (fd != -ENOENT)
		return tpbpf_err(-fd, "map %s: %s cannot be opened as a pinned map: %s%s", m->name,
				 path, strerror(-fd), fd == -EINVAL ? " (not on a bpffs?)" : "");
	err = create_one(obj, m, inner_fd);
	if (err)
		return err;
	err = tpbpf_sys_obj_pin(m->fd, path);
	if (err)
		return tpbpf_err(-err, "map %s: cannot pin it at %s: %s; is a BPF filesystem mounted there (mount -t bpf bpf %s)?",
				 m->name, path, strerror(-err), root);
	return 0;
}

/* ---- creating one map -------------------------------------------------------- */

static int create_map(struct tpbpf_object *obj, struct tpbpf_map *m)
{
	int inner_fd = 0, err;

	/* A map of maps is created with a map like its elements. */
	if (m->inner >= 0) {
		struct tpbpf_map *inner = &obj->maps[m->inner];

		if (inner->fd < 0 && inner->inner == -1 && !inner->inner_def) {
			err = create_map(obj, inner);
			if (err)
				return tpbpf_err_prefix(-err, "map-in-map %s: ", m->name);
		}
		if (inner->fd < 0)
			return tpbpf_err(EINVAL, "map-in-map %s: its inner map %s is a map of maps too",
					 m->name, inner->name);
		inner_fd = inner->fd;
	} else if (m->inner_def) {
		/* BTF __array(values, ...): a template, closed once the outer map is made. */
		err = create_one(obj, m->inner_def, 0);
		if (err)
			return tpbpf_err_prefix(-err, "map-in-map %s: ", m->name);
		inner_fd = m->inner_def->fd;
	}
	err = m->pin_by_name ? create_pinned(obj, m, inner_fd) : create_one(obj, m, inner_fd);
	if (m->inner_def) {
		tpbpf_sys_close(m->inner_def->fd, m->inner_def->name);
		m->inner_def->fd = -1;
	}
	return err;
}

/*
 * Slots a map of maps was given in its definition ([1] = &inner_b), once
 * every map exists; a program array's slots wait for the programs.
 */
static int fill_slots(struct tpbpf_object *obj, struct tpbpf_map *m)
{
	for (size_t i = 0; i < m->nr_slots; i++) {
		const struct tpbpf_map *t = tpbpf_object_find_map(obj, m->slots[i].target);
		int err;

		if (m->type == BPF_MAP_TYPE_PROG_ARRAY)
			continue;
		if (!t || t->fd < 0)
			return tpbpf_err(EINVAL, "map %s: slot %u holds %s, which is no map of the object",
					 m->name, m->slots[i].key, m->slots[i].target);
		err = tpbpf_sys_map_update(m->fd, &m->slots[i].key, &t->fd, BPF_ANY);
		if (err)
			return tpbpf_err(-err, "map %s: slot %u = map %s: %s", m->name,
					 m->slots[i].key, t->name, strerror(-err));
		tpbpf_log("map %s: slot %u = map %s", m->name, m->slots[i].key, t->name);
	}
	return 0;
}

int tpbpf_obj_fill_prog_slots(struct tpbpf_object *obj)
{
	for (size_t k = 0; k < obj->nr_maps; k++) {
		struct tpbpf_map *m = &obj->maps[k];

		for (size_t i = 0; m->type == BPF_MAP_TYPE_PROG_ARRAY && i < m->nr_slots; i++) {
			const struct tpbpf_program *p = tpbpf_object_find_program(obj, m->slots[i].target);
			int err;

			if (!p || p->fd < 0)
				return tpbpf_err(EINVAL, "program array %s: slot %u holds program %s, which is not loaded",
						 m->name, m->slots[i].key, m->slots[i].target);
			err = tpbpf_sys_map_update(m->fd, &m->slots[i].key, &p->fd, BPF_ANY);
			if (err)
				return tpbpf_err(-err, "program array %s: slot %u = program %s: %s",
						 m->name, m->slots[i].key, p->name, strerror(-err));
		}
	}
	return 0;
}

/* Copy a global data section into its map; freeze .rodata. */
static int fill_data_map(struct tpbpf_object *obj, struct tpbpf_map *m)
{
	struct obj_section *s = &obj->secs[m->sec_idx];
	uint32_t zero = 0;
	int err;

	if (!s->data)
		return 0;	/* .bss not set before load: a new array map is zeroed */
	tpbpf_log("bpf(BPF_MAP_UPDATE_ELEM, map %s, key 0, %zu bytes of %s)",
		  m->name, s->size, s->name);
	err = tpbpf_sys_map_update(m->fd, &zero, s->data, BPF_ANY);
	if (err)
		return tpbpf_err(-err, "map %s: cannot write the initial contents of %s: %s",
				 m->name, s->name, strerror(-err));
	if (m->origin == MAP_FROM_RODATA) {
		err = tpbpf_sys_map_freeze(m->fd);
		/* Before 5.2 there is no freeze; BPF_F_RDONLY_PROG still holds. */
		if (err && err != -EINVAL)
			return tpbpf_err(-err, "map %s: BPF_MAP_FREEZE: %s", m->name,
					 strerror(-err));
	}
	return 0;
}

int tpbpf_obj_create_maps(struct tpbpf_object *obj)
{
	int err;

	/* Forced absent (tests): take the pre-5.11 path up front. */
	if (obj->nr_maps && tpbpf_feature_forced(TPBPF_FEAT_MEMCG))
		tpbpf_obj_raise_memlock();
	err = tpbpf_obj_load_btf(obj);
	if (err)
		return err;
	for (size_t i = 0; i < obj->nr_maps; i++) {
		struct tpbpf_map *m = &obj->maps[i];
		if (m->fd >= 0)
			continue;	/* an inner map, created with its outer one */
		/* Without global data (before 5.2) relocation folds .rodata loads. */
		if (map_is_global_data(m) &&
		    tpbpf_feature_present(TPBPF_FEAT_GLOBAL_DATA) == 0) {
			tpbpf_log("map %s: not created: no global data on this kernel", m->name);
			continue;
		}
		err = create_map(obj, m);
		if (!err && map_is_global_data(m))
			err = fill_data_map(obj, m);
		if (err) {
			if (map_is_global_data(m) && err == -EINVAL)
				tpbpf_err_prefix(EINVAL, "global data (%s) needs kernel 5.2 or newer: ",
						 m->name);
			tpbpf_obj_close_maps(obj);
			return err;
		}
	}
	for (size_t i = 0; i < obj->nr_maps; i++) {
		err = fill_slots(obj, &obj->maps[i]);
		if (err) {
			tpbpf_obj_close_maps(obj);
			return err;
		}
	}
	return 0;
}

void tpbpf_obj_close_maps(struct tpbpf_object *obj)
{
	tpbpf_obj_close_btf(obj);
	for (size_t i = 0; i < obj->nr_maps; i++) {
		tpbpf_sys_close(obj->maps[i].fd, obj->maps[i].name);
		obj->maps[i].fd = -1;
	}
}

/* ---- the public map API ------------------------------------------------- */

const char *tpbpf_map_name(const struct tpbpf_map *map) { return map->name; }
int tpbpf_map_fd(const struct tpbpf_map *map) { return map->fd; }
uint32_t tpbpf_map_type(const struct tpbpf_map *map) { return map->type; }
uint32_t tpbpf_map_key_size(const struct tpbpf_map *map) { return map->key_size; }
uint32_t tpbpf_map_value_size(const struct tpbpf_map *map) { return map->value_size; }
uint32_t tpbpf_map_max_entries(const struct tpbpf_map *map) { return map->max_entries; }
bool tpbpf_map_is_percpu(const struct tpbpf_map *map) { return is_percpu_type(map->type); }
bool tpbpf_map_is_global_data(const struct tpbpf_map *map) { return map_is_global_data(map); }

size_t tpbpf_map_value_buf_size(const struct tpbpf_map *map)
{
	int cpus;

	if (!is_percpu_type(map->type))
		return map->value_size;
	cpus = tpbpf_num_possible_cpus();
	return (size_t)(cpus > 0 ? cpus : 1) * ((map->value_size + 7) & ~7u);
}

static int map_op_result(const struct tpbpf_map *map, const char *op, int ret)
{
	if (ret < 0 && ret != -ENOENT)
		return tpbpf_err(-ret, "map %s: %s: %s", map->name, op, strerror(-ret));
	if (ret == -ENOENT)
		return tpbpf_err(ENOENT, "map %s: %s: no such key", map->name, op);
	return ret;
}

int tpbpf_map_lookup(const struct tpbpf_map *map, const void *key, void *value)
{
	return map_op_result(map, "lookup", tpbpf_sys_map_lookup(map->fd, key, value));
}

int tpbpf_map_update(const struct tpbpf_map *map, const void *key,
		     const void *value, uint64_t flags)
{
	return map_op_result(map, "update",
			     tpbpf_sys_map_update(map->fd, key, value, flags));
}

int tpbpf_map_delete(const struct tpbpf_map *map, const void *key)
{
	return map_op_result(map, "delete", tpbpf_sys_map_delete(map->fd, key));
}

int tpbpf_map_next_key(const struct tpbpf_map *map, const void *key,
		       void *next_key)
{
	return map_op_result(map, "next key",
			     tpbpf_sys_map_next_key(map->fd, key, next_key));
}
