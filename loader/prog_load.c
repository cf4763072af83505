/* SPDX-License-Identifier: MIT */
/*
 * The load path, step "load" (the steps in order: object.h):
 * BPF_PROG_LOAD, with the verifier's log.
 *
 * A program is first loaded without a log (the verifier is faster without
 * one). If the kernel refuses it, it is loaded again with a log, grown
 * until the whole log fits, so the caller can show why.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core.h"
#include "internal.h"
#include "object.h"
#include "sys_bpf.h"
#include "tpbpf_inspect.h"

#define LOG_START_SIZE (256u * 1024)
/* Kernels before 5.2 refuse logs over 16 MiB - 1 (UINT_MAX >> 8). */
#define LOG_MAX_SIZE ((1u << 24) - 1)

static void prog_kernel_name(const char *name, char out[16])
{
	size_t n = 0;

	for (const char *p = name; *p && n < 15; p++)
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '_' || *p == '.')
			out[n++] = *p;
	out[n] = '\0';
}

/* Load with a log of growing size; keeps the log in PROG. */
static int load_with_log(struct tpbpf_program *prog,
			 struct tpbpf_prog_load_args *a)
{
	uint32_t size = LOG_START_SIZE;
	int fd;

	for (;;) {
		char *buf = malloc(size);

		if (!buf)
			return tpbpf_err(ENOMEM, "out of memory for the verifier log");
		buf[0] = '\0';
		a->log_level = 1;
		a->log_buf = buf;
		a->log_size = size;
		fd = tpbpf_sys_prog_load(a);
		/* ENOSPC: the log did not fit (the program may be fine). */
		if (fd == -ENOSPC && size < LOG_MAX_SIZE) {
			free(buf);
			size = size > LOG_MAX_SIZE / 4 ? LOG_MAX_SIZE : size * 4;
			tpbpf_log("verifier log did not fit; retrying with %u bytes", size);
			continue;
		}
		free(prog->log);
		prog->log = buf;
		return fd;
	}
}

/* The verifier's reason: the last log line before its statistics. */
static const char *log_reason(const char *log, char *buf, size_t len)
{
	const char *end = log + strlen(log), *start;

	for (;;) {
		while (end > log && (end[-1] == '\n' || end[-1] == ' '))
			end--;
		start = end;
		while (start > log && start[-1] != '\n')
			start--;
		if (start == log || (strncmp(start, "processed ", 10) != 0 &&
				     strncmp(start, "verification time", 17) != 0 &&
				     strncmp(start, "stack depth", 11) != 0))
			break;
		end = start;
	}
	snprintf(buf, len, "%.*s", (int)(end - start), start);
	return buf;
}

/*
 * "unknown func bpf_x#N" / "invalid func unknown#N", or on older verifiers
 * (4.9) "unknown func N" / "invalid func N": the program calls a helper
 * this kernel does not have (or not for this program type).
 */
static bool unknown_helper(const char *log, char *buf, size_t len)
{
	const char *p = strstr(log, "unknown func ");
	const char *num, *eol, *name;
	char *end;
	long id;

	if (!p)
		p = strstr(log, "invalid func ");
	if (!p)
		return false;
	num = p + strlen("unknown func ");	/* both prefixes are 13 bytes */
	if (*num < '0' || *num > '9') {
		eol = strchr(num, '\n');
		num = strchr(num, '#');
		if (!num || (eol && num > eol))
			return false;
		num++;
	}
	id = strtol(num, &end, 10);
	if (end == num)
		return false;
	name = id > 0 && id <= UINT32_MAX ? tpbpf_helper_name((uint32_t)id) : NULL;
	snprintf(buf, len, "helper %s%s (#%ld) is not available to this program type on this kernel: it is newer than the kernel, or not allowed here; `tpbpf inspect` shows which kernel each helper needs",
		 name ? "bpf_" : "", name ? name : "unknown", id);
	return true;
}

/*
 * The verifier reached a CO-RE relocation that was poisoned because this
 * kernel lacks what it reads ("N: (85) call unknown#195896080"): name it.
 */
static bool poisoned_reached(const struct tpbpf_program *prog, char *buf, size_t len)
{
	char mark[32], desc[256];
	const char *p, *start;
	unsigned long insn;

	snprintf(mark, sizeof(mark), "unknown#%u", TPBPF_CORE_POISON);
	if (!prog->log)
		return false;
	if (!(p = strstr(prog->log, mark))) {
		snprintf(mark, sizeof(mark), "#%u", TPBPF_KFUNC_POISON);
		if (!(p = strstr(prog->log, mark)))
			return false;
	}
	for (start = p; start > prog->log && start[-1] != '\n'; start--)
		;
	insn = strtoul(start, NULL, 10);
	for (size_t i = 0; i < prog->nr_relocs; i++) {
		const struct reloc *r = &prog->relocs[i];

		if (r->kind == TPBPF_RELOC_EXTERN && r->insn == insn) {
			snprintf(buf, len, "instruction %lu calls kfunc %s, which tpbpf leaves absent (it calls no kfuncs); guard the call with bpf_ksym_exists(%s) so the verifier sees it cannot run",
				 insn, r->sym, r->sym);
			return true;
		}

		if (r->kind != TPBPF_RELOC_CORE || !r->poisoned || r->insn != insn)
			continue;
		tpbpf_core_spec_describe(r->core, desc, sizeof(desc));
		snprintf(buf, len, "instruction %lu reads %s (CO-RE %s), which this kernel does not have; guard that code with bpf_core_field_exists() or bpf_core_type_exists() so the verifier sees it cannot run",
			 insn, desc, tpbpf_core_kind_name(r->core->kind));
		return true;
	}
	return false;
}

/*
 * "R1 type=map_value expected=fp" (4.9 says map_value_adj for a pointer
 * moved into the value): the verifier takes only the stack as memory for
 * a helper's buffer argument, and the program passes a map value, as
 * programs with buffers too big for the 512-byte stack do.
 */
static bool map_value_as_helper_memory(const char *log, char *buf, size_t len)
{
	const char *p = strstr(log, " type=map_value");
	const char *eol, *reg;

	if (!p)
		return false;
	eol = strchr(p, '\n');
	if (!strstr(p, "expected=fp") || (eol && strstr(p, "expected=fp") > eol))
		return false;
	for (reg = p; reg > log && reg[-1] != '\n'; reg--)
		;
	snprintf(buf, len, "this kernel's verifier takes only stack memory for a helper's buffer, and the program passes a map value (%.*s); kernels from 4.19 on accept it (4.9 does not): use a newer kernel, or a buffer on the stack",
		 (int)(eol ? eol - reg : (long)strlen(reg)), reg);
	return true;
}

static int explain_load_error(struct tpbpf_program *prog, int err)
{
	char line[768];

	switch (-err) {
	case EPERM:
		tpbpf_obj_memlock_why(line, sizeof(line), (prog->insn_cnt * 8 + 4096 + 1023) / 1024);
		return tpbpf_err(EPERM, "program %s: BPF_PROG_LOAD: not permitted: %s", prog->name, line);
	case EACCES:
	case EINVAL:
		if (prog->log && (strstr(prog->log, "GPL-restricted") || strstr(prog->log, "GPL-compatible")))
			return tpbpf_err(-err, "program %s (section %s) calls a helper the kernel reserves for GPL-compatible programs, and the object's license is %s%s%s: add char LICENSE[] SEC(\"license\") = \"GPL\"; (the verifier: %s)",
					 prog->name, prog->section, prog->obj->license[0] ? "\"" : "",
					 prog->obj->license[0] ? prog->obj->license : "missing",
					 prog->obj->license[0] ? "\"" : "",
					 log_reason(prog->log, line, sizeof(line)));
		if (poisoned_reached(prog, line, sizeof(line)))
			return tpbpf_err(-err, "program %s (section %s): %s", prog->name,
					 prog->section, line);
		if (prog->log && unknown_helper(prog->log, line, sizeof(line)))
			return tpbpf_err(-err, "program %s (section %s) rejected by the verifier: %s",
					 prog->name, prog->section, line);
		if (prog->log && map_value_as_helper_memory(prog->log, line, sizeof(line)))
			return tpbpf_err(-err, "program %s (section %s) rejected by the verifier: %s",
					 prog->name, prog->section, line);
		if (prog->nr_funcs && tpbpf_feature_present(TPBPF_FEAT_BPF_CALLS) == 0)
			return tpbpf_err(-err, "program %s calls noinline functions, which need kernel 4.16 (bpf-to-bpf calls); make them __always_inline",
					 prog->name);
		if (prog->kind != TPBPF_PROG_TRACEPOINT &&
		    tpbpf_feature_present(prog->kind == TPBPF_PROG_RAW_TRACEPOINT ?
					  TPBPF_FEAT_RAW_TRACEPOINT :
					  TPBPF_FEAT_RAW_TRACEPOINT_WRITABLE) == 0)
			return tpbpf_err(-err, "program %s (section %s): this kernel has no %s programs (they came in %s)",
					 prog->name, prog->section,
					 prog->kind == TPBPF_PROG_RAW_TRACEPOINT ? "raw tracepoint" : "writable raw tracepoint",
					 prog->kind == TPBPF_PROG_RAW_TRACEPOINT ? "4.17" : "5.2");
		if (prog->log && prog->log[0])
			return tpbpf_err(-err, "program %s (section %s) rejected by the verifier: %s",
					 prog->name, prog->section,
					 log_reason(prog->log, line, sizeof(line)));
		return tpbpf_err(-err, "program %s (section %s): BPF_PROG_LOAD: %s (the kernel gave no log: is the program type %u supported here?)",
				 prog->name, prog->section, strerror(-err), prog->bpf_type);
	case E2BIG:
		return tpbpf_err(E2BIG, "program %s: BPF_PROG_LOAD: too large (%zu instructions) or an attribute this kernel does not know",
				 prog->name, prog->insn_cnt);
	default:
		return tpbpf_err(-err, "program %s: BPF_PROG_LOAD: %s", prog->name,
				 strerror(-err));
	}
}

/* BPF_PROG_LOAD of INSNS for PROG, names and logs handled; fd or -errno. */
static int load_insns(struct tpbpf_object *obj, struct tpbpf_program *prog,
		      const struct bpf_insn *insns, size_t cnt)
{
	struct tpbpf_prog_load_args a = { 0 };
	char name[16];
	int fd;

	prog_kernel_name(prog->name, name);
	a.type = prog->bpf_type;
	a.insns = insns;
	a.insn_cnt = (uint32_t)cnt;
	a.license = obj->license;
	a.name = tpbpf_feature_forced(TPBPF_FEAT_PROG_NAME) ||
		 (tpbpf_feature_probed(TPBPF_FEAT_PROG_NAME) &&
		  tpbpf_feature_present(TPBPF_FEAT_PROG_NAME) == 0) ? NULL : name;

	free(prog->log);
	prog->log = NULL;
	if (obj->keep_logs)
		fd = load_with_log(prog, &a);
	else
		fd = tpbpf_sys_prog_load(&a);

	/*
	 * Kernels before 4.15 refuse a name (EINVAL, or E2BIG for a bpf_attr
	 * longer than theirs): the probe says whether that is why.
	 */
	if ((fd == -EINVAL || fd == -E2BIG) && a.name &&
	    tpbpf_feature_present(TPBPF_FEAT_PROG_NAME) == 0) {
		tpbpf_log("this kernel takes no program names: loading %s without one", prog->name);
		a.name = NULL;
		fd = obj->keep_logs ? load_with_log(prog, &a) : tpbpf_sys_prog_load(&a);
	}
	/* EPERM before 5.11 may be RLIMIT_MEMLOCK. */
	if (fd == -EPERM && tpbpf_obj_raise_memlock())
		fd = obj->keep_logs ? load_with_log(prog, &a) : tpbpf_sys_prog_load(&a);
	if (fd < 0 && !obj->keep_logs && fd != -EPERM)
		fd = load_with_log(prog, &a);
	return fd < 0 ? explain_load_error(prog, fd) : fd;
}

int tpbpf_obj_load_program(struct tpbpf_object *obj, struct tpbpf_program *prog)
{
	int fd = load_insns(obj, prog, prog->insns, prog->insn_cnt);

	if (fd < 0)
		return fd;
	prog->fd = fd;
	return 0;
}

int tpbpf_obj_load_instance(struct tpbpf_program *prog, int event_id)
{
	size_t size = prog->insn_cnt * sizeof(*prog->insns);
	struct bpf_insn *insns = malloc(size);
	int fd;

	if (!insns)
		return tpbpf_err(ENOMEM, "out of memory");
	memcpy(insns, prog->insns, size);
	for (size_t i = 0; i < prog->nr_cookie_calls; i++)
		insns[prog->cookie_calls[i]].imm = event_id;
	tpbpf_log("load a copy of %s for event %d (TP_EVENT_ID without BPF links)",
		  prog->name, event_id);
	fd = load_insns(prog->obj, prog, insns, prog->insn_cnt);
	free(insns);
	return fd;
}
