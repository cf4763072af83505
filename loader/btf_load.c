/* SPDX-License-Identifier: MIT */
/*
 * The load path, step "btf" (the steps in order: object.h), the start of
 * creating the maps: the object's own BTF in the kernel (BPF_BTF_LOAD), so
 * that maps are created with the types of their keys and values and
 * `bpftool map dump` shows them typed. Only when a map can use it.
 *
 * Never required: a kernel without BTF support (before 4.18), a refusal,
 * or TPBPF_FORCE_ABSENT=btf and the maps are created without types. The
 * blob is first finished (clang leaves the sizes of DATASECs and the
 * offsets of their variables for the loader, from the ELF sections and
 * symbols) and then sanitized of the kinds this kernel does not know,
 * each found by a tiny BPF_BTF_LOAD of its own, as libbpf does.
 */
#include <errno.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "btf.h"
#include "internal.h"
#include "object.h"
#include "sys_bpf.h"

/* ---- which kinds this kernel knows ---------------------------------------- */

/* A blob: header, then TYPES words, then the strings "\0a\0". */
static int try_btf(const uint32_t *types, size_t nwords)
{
	struct {
		struct btf_header h;
		uint32_t w[16];
		char strs[4];
	} b;
	int fd;

	memset(&b, 0, sizeof(b));
	b.h.magic = 0xeB9F;
	b.h.version = 1;
	b.h.hdr_len = sizeof(b.h);
	b.h.type_len = (uint32_t)(nwords * 4);
	b.h.str_off = b.h.type_len;
	b.h.str_len = 3;
	memcpy(b.w, types, nwords * 4);
	memcpy((char *)b.w + b.h.type_len, "\0a", 3);
	fd = tpbpf_sys_btf_load(&b, sizeof(b.h) + b.h.type_len + b.h.str_len, NULL, 0);
	if (fd >= 0) {
		tpbpf_sys_close(fd, "probe BTF");
		return 1;
	}
	return 0;
}

#define INFO(kind, kflag, vlen) ((uint32_t)(kflag) << 31 | (uint32_t)(kind) << 24 | (vlen))
#define INT_TYPE(bits) 0, INFO(BTF_KIND_INT, 0, 0), (bits) / 8, (bits)	/* type 1 */

static struct {
	bool probed;
	struct tpbpf_btf_kernel_support s;
} support;

/* One probe per kind; the answers are kept for the process. */
static const struct tpbpf_btf_kernel_support *kernel_support(void)
{
	static const uint32_t func[] = { INT_TYPE(32), 0, INFO(BTF_KIND_FUNC_PROTO, 0, 0), 1,
					 1, INFO(BTF_KIND_FUNC, 0, 0), 2 };
	static const uint32_t datasec[] = { INT_TYPE(32), 1, INFO(BTF_KIND_VAR, 0, 0), 1, 0,
					    1, INFO(BTF_KIND_DATASEC, 0, 1), 4, 2, 0, 4 };
	static const uint32_t global_func[] = { INT_TYPE(32), 0, INFO(BTF_KIND_FUNC_PROTO, 0, 0), 1,
						1, INFO(BTF_KIND_FUNC, 0, 1 /* global */), 2 };
	static const uint32_t float_[] = { 1, INFO(BTF_KIND_FLOAT, 0, 0), 4 };
	static const uint32_t decl_tag[] = { INT_TYPE(32), 1, INFO(BTF_KIND_VAR, 0, 0), 1, 0,
					     1, INFO(BTF_KIND_DECL_TAG, 0, 0), 2, (uint32_t)-1 };
	static const uint32_t type_tag[] = { INT_TYPE(32), 1, INFO(BTF_KIND_TYPE_TAG, 0, 0), 1,
					     0, INFO(BTF_KIND_PTR, 0, 0), 2 };
	static const uint32_t enum64[] = { 1, INFO(BTF_KIND_ENUM64, 0, 1), 8, 1, 0, 0 };

	if (support.probed)
		return &support.s;
	support.probed = true;
	support.s.func = try_btf(func, ARRAY_SIZE(func));
	support.s.datasec = try_btf(datasec, ARRAY_SIZE(datasec));
	support.s.global_func = support.s.func && try_btf(global_func, ARRAY_SIZE(global_func));
	support.s.float_ = try_btf(float_, ARRAY_SIZE(float_));
	support.s.decl_tag = try_btf(decl_tag, ARRAY_SIZE(decl_tag));
	support.s.type_tag = try_btf(type_tag, ARRAY_SIZE(type_tag));
	support.s.enum64 = try_btf(enum64, ARRAY_SIZE(enum64));
	tpbpf_log("BTF kinds this kernel takes: func %d, datasec %d, global func %d, float %d, decl_tag %d, type_tag %d, enum64 %d",
		  support.s.func, support.s.datasec, support.s.global_func, support.s.float_,
		  support.s.decl_tag, support.s.type_tag, support.s.enum64);
	return &support.s;
}

/* ---- finishing the object's BTF -------------------------------------------- */

static int sec_size(void *ctx, const char *name, uint32_t *size)
{
	const struct tpbpf_object *obj = ctx;

	for (size_t i = 1; i < obj->nr_secs; i++) {
		if (strcmp(obj->secs[i].name, name) != 0)
			continue;
		if (obj->secs[i].size > UINT32_MAX)
			return tpbpf_err(EINVAL, "section %s is too large", name);
		*size = (uint32_t)obj->secs[i].size;
		return 0;
	}
	return tpbpf_err(ENOENT, "the object has no section %s", name);
}

static int var_offset(void *ctx, const char *sec, const char *var, uint32_t *off)
{
	const struct tpbpf_object *obj = ctx;

	for (size_t i = 0; i < obj->nr_syms; i++) {
		const struct obj_symbol *s = &obj->syms[i];

		if (s->shndx == SHN_UNDEF || s->shndx >= obj->nr_secs ||
		    strcmp(s->name, var) != 0 || strcmp(obj->secs[s->shndx].name, sec) != 0)
			continue;
		if (s->value > UINT32_MAX)
			return tpbpf_err(EINVAL, "variable %s is too far into %s", var, sec);
		*off = (uint32_t)s->value;
		return 0;
	}
	return tpbpf_err(ENOENT, "no symbol %s in section %s", var, sec);
}

/* Does any map take types from the object's BTF? */
static bool typed_maps(const struct tpbpf_object *obj)
{
	for (size_t i = 0; i < obj->nr_maps; i++)
		if (obj->maps[i].btf_key_type_id || obj->maps[i].btf_value_type_id ||
		    map_is_global_data(&obj->maps[i]))
			return true;
	return false;
}

int tpbpf_obj_load_btf(struct tpbpf_object *obj)
{
	struct tpbpf_btf_elf_info elf = { sec_size, var_offset, obj };
	char *log = NULL;
	void *blob = NULL;
	size_t size;
	int fd, err;

	if (!obj->btf || obj->btf_fd >= 0 || !typed_maps(obj))
		return 0;
	if (tpbpf_feature_present(TPBPF_FEAT_BTF) != 1) {
		tpbpf_log("%s: maps created without BTF types (the kernel takes no BTF%s)", obj->name,
			  tpbpf_feature_forced(TPBPF_FEAT_BTF) ? ": forced absent" : "");
		return 0;
	}
	err = tpbpf_btf_fixup_datasecs(obj->btf, &elf);
	if (!err)
		err = tpbpf_btf_sanitized(obj->btf, kernel_support(), &blob, &size);
	if (err == -ENOMEM)
		return err;
	if (err) {
		tpbpf_log("%s: its BTF cannot be prepared for the kernel (%s): maps created without types",
			  obj->name, tpbpf_error_detail());
		return 0;
	}
	fd = tpbpf_sys_btf_load(blob, size, NULL, 0);
	if (fd < 0 && fd != -EPERM) {
		/* Only to say why: the log of a refusal. */
		log = calloc(1, 64 * 1024);
		if (log)
			tpbpf_sys_btf_load(blob, size, log, 64 * 1024);
	}
	if (fd == -EPERM && tpbpf_obj_raise_memlock())
		fd = tpbpf_sys_btf_load(blob, size, NULL, 0);
	free(blob);
	if (fd < 0) {
		tpbpf_log("%s: the kernel refused its BTF (%s%s%.200s): maps created without types",
			  obj->name, strerror(-fd), log && log[0] ? ": " : "", log ? log : "");
		free(log);
		return 0;
	}
	free(log);
	obj->btf_fd = fd;
	return 0;
}

void tpbpf_obj_close_btf(struct tpbpf_object *obj)
{
	tpbpf_sys_close(obj->btf_fd, "object BTF");
	obj->btf_fd = -1;
}

/* The value type of global data map M: the DATASEC of its section. */
uint32_t tpbpf_obj_datasec_type(const struct tpbpf_object *obj, const struct tpbpf_map *m)
{
	int id;

	if (!obj->btf || !map_is_global_data(m))
		return 0;
	id = tpbpf_btf_find(obj->btf, obj->secs[m->sec_idx].name, BTF_KIND_DATASEC);
	return id > 0 ? (uint32_t)id : 0;
}
