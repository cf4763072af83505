/* SPDX-License-Identifier: MIT */
/*
 * Step 5 of the load path: attach loaded programs.
 *
 * Classic tracepoint: the event ID from tracefs, perf_event_open() of type
 * PERF_TYPE_TRACEPOINT on it, PERF_EVENT_IOC_SET_BPF with the program, and
 * PERF_EVENT_IOC_ENABLE. One perf event (on CPU 0, any task) is enough: the
 * program hangs off the tracepoint itself and runs on every CPU.
 *
 * Raw tracepoint: BPF_RAW_TRACEPOINT_OPEN with the tracepoint's name.
 *
 * Either way the attachment lives as long as the returned fd.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "object.h"
#include "sys_bpf.h"

/*
 * Keep the fds of one attachment as a link of PROG (fd -1: none); on
 * failure they are closed. The new link goes to *OUT when OUT is not NULL.
 */
static int add_link(struct tpbpf_program *prog, const char *target, int fd,
		    int perf_fd, int prog_fd, struct tpbpf_link **out)
{
	struct tpbpf_link **links, *l;

	links = realloc(prog->links, (prog->nr_links + 1) * sizeof(*links));
	if (links)
		prog->links = links;
	l = links ? calloc(1, sizeof(*l)) : NULL;
	if (l)
		l->target = strdup(target);
	if (!l || !l->target) {
		free(l);
		tpbpf_sys_close(fd, "link");
		tpbpf_sys_close(perf_fd, "perf event");
		tpbpf_sys_close(prog_fd, "program copy");
		return tpbpf_err(ENOMEM, "out of memory");
	}
	l->prog = prog;
	l->fd = fd;
	l->perf_fd = perf_fd;
	l->prog_fd = prog_fd;
	prog->links[prog->nr_links++] = l;
	if (out)
		*out = l;
	return 0;
}

static int explain_set_bpf(const struct tpbpf_program *prog, const char *cat,
			   const char *name, int err)
{
	const char *why;

	switch (err) {
	case EACCES:
		why = "the program reads past the end of this tracepoint's record (check field offsets), or is not a tracepoint program";
		break;
	case EEXIST:
		why = "this program is already attached to this tracepoint (before 4.x kernels allowed only one program per event)";
		break;
	case E2BIG:
		why = "too many programs are attached to this tracepoint already (the kernel allows 64)";
		break;
	case EINVAL:
		/* The kernel's own answer: syscall events took BPF only from 4.14. */
		why = strcmp(cat, "syscalls") == 0 ?
		      "this kernel does not run BPF programs on syscalls:* tracepoints (that came in 4.14): attach to raw_syscalls:sys_enter or sys_exit and compare the syscall number (the record's id field)" :
		      "the program type does not fit a tracepoint event";
		break;
	default:
		why = strerror(err);
	}
	return tpbpf_err(err, "program %s: attach to tracepoint %s:%s: %s",
			 prog->name, cat, name, why);
}

/*
 * Hang the program off the perf event. A BPF link (5.15) carries a cookie,
 * the event ID, which TP_EVENT_ID() reads back: that is how one program on
 * several tracepoints knows which one fired (the record's common_type is not
 * readable: the kernel stores a pt_regs pointer over it before the program
 * runs). Older kernels get PERF_EVENT_IOC_SET_BPF, without a cookie.
 * Returns a positive errno on failure.
 */
static int set_program(int prog_fd, int pfd, int id, int *link_fd)
{
	int lfd;

	*link_fd = -1;
	/* No probe: trying the link is the probe, and costs nothing more. */
	if (!tpbpf_feature_forced(TPBPF_FEAT_PERF_LINK) &&
	    (!tpbpf_feature_probed(TPBPF_FEAT_PERF_LINK) ||
	     tpbpf_feature_present(TPBPF_FEAT_PERF_LINK) == 1)) {
		lfd = tpbpf_sys_link_create_perf(prog_fd, pfd, (uint64_t)id);
		if (lfd >= 0) {
			tpbpf_feature_set(TPBPF_FEAT_PERF_LINK, true);
			*link_fd = lfd;
			return 0;
		}
		/*
		 * E2BIG is also what 5.7-5.14 say to the cookie field they do
		 * not know; once a link has worked it means "too many programs".
		 */
		if ((lfd != -EINVAL && lfd != -E2BIG) ||
		    (lfd == -E2BIG && tpbpf_feature_probed(TPBPF_FEAT_PERF_LINK)))
			return -lfd;
		tpbpf_log("no BPF links for perf events here (kernel before 5.15): using PERF_EVENT_IOC_SET_BPF, without cookies");
		tpbpf_feature_set(TPBPF_FEAT_PERF_LINK, false);
	}
	return -tpbpf_sys_perf_set_bpf(pfd, prog_fd);
}

int tpbpf_program_attach_tracepoint(struct tpbpf_program *prog,
				    const char *category, const char *name,
				    struct tpbpf_link **link)
{
	struct perf_event_attr attr;
	int id, pfd, lfd, err, inst_fd = -1;
	char what[512];

	if (prog->fd < 0)
		return tpbpf_err(EINVAL, "program %s is not loaded", prog->name);
	if (prog->kind != TPBPF_PROG_TRACEPOINT)
		return tpbpf_err(EINVAL, "program %s (section %s) is a raw tracepoint program; attach it with raw_tracepoint",
				 prog->name, prog->section);
	id = tpbpf_tracepoint_id(category, name);
	if (id < 0)
		return tpbpf_err_prefix(-id, "program %s: ", prog->name);

	memset(&attr, 0, sizeof(attr));
	attr.type = PERF_TYPE_TRACEPOINT;
	attr.size = sizeof(attr);
	attr.config = (uint64_t)id;
	attr.sample_period = 1;
	attr.wakeup_events = 1;
	snprintf(what, sizeof(what), "%s:%s", category, name);
	pfd = tpbpf_sys_perf_event_open(&attr, -1, 0, what);
	if (pfd < 0) {
		if (pfd == -EACCES || pfd == -EPERM)
			return tpbpf_err(-pfd, "program %s: perf_event_open on tracepoint %s:%s: %s: run as root (CAP_PERFMON or CAP_SYS_ADMIN), or lower kernel.perf_event_paranoid",
					 prog->name, category, name, strerror(-pfd));
		return tpbpf_err(-pfd, "program %s: perf_event_open on tracepoint %s:%s (id %d): %s",
				 prog->name, category, name, id, strerror(-pfd));
	}
	/* TP_EVENT_ID() without cookies: a copy that knows its event. */
	if (prog->per_event_copies) {
		inst_fd = tpbpf_obj_load_instance(prog, id);
		if (inst_fd < 0) {
			tpbpf_sys_close(pfd, "perf event");
			return inst_fd;
		}
	}
	err = set_program(inst_fd >= 0 ? inst_fd : prog->fd, pfd, id, &lfd);
	if (err) {
		tpbpf_sys_close(pfd, "perf event");
		tpbpf_sys_close(inst_fd, "program copy");
		return explain_set_bpf(prog, category, name, err);
	}
	err = -tpbpf_sys_perf_enable(pfd);
	if (err) {
		tpbpf_sys_close(lfd, "BPF link");
		tpbpf_sys_close(inst_fd, "program copy");
		tpbpf_sys_close(pfd, "perf event");
		return tpbpf_err(err, "program %s: enable tracepoint %s:%s: %s",
				 prog->name, category, name, strerror(err));
	}
	return lfd >= 0 ? add_link(prog, what, lfd, pfd, inst_fd, link) :
			  add_link(prog, what, pfd, -1, inst_fd, link);
}

int tpbpf_program_attach_raw_tracepoint(struct tpbpf_program *prog,
					const char *name, struct tpbpf_link **link)
{
	int fd;

	if (prog->fd < 0)
		return tpbpf_err(EINVAL, "program %s is not loaded", prog->name);
	if (prog->kind == TPBPF_PROG_TRACEPOINT)
		return tpbpf_err(EINVAL, "program %s (section %s) is a classic tracepoint program; attach it with CATEGORY/NAME",
				 prog->name, prog->section);
	if (!tpbpf_tracepoint_name_valid(name))
		return tpbpf_err(EINVAL, "invalid raw tracepoint name \"%s\"", name);
	fd = tpbpf_sys_raw_tracepoint_open(name, prog->fd);
	if (fd < 0) {
		switch (-fd) {
		case ENOENT:
			return tpbpf_err(ENOENT, "program %s: raw tracepoint %s not found (raw names have no category: sys_enter, sched_switch, net_dev_queue)",
					 prog->name, name);
		case EINVAL:
			if (prog->kind == TPBPF_PROG_RAW_TRACEPOINT_WRITABLE)
				return tpbpf_err(EINVAL, "program %s: raw tracepoint %s is not writable, or the program writes past its writable buffer",
						 prog->name, name);
			if (tpbpf_feature_present(TPBPF_FEAT_RAW_TRACEPOINT) == 0)
				return tpbpf_err(EINVAL, "program %s: this kernel has no raw tracepoints (they came in 4.17)",
						 prog->name);
			return tpbpf_err(EINVAL, "program %s: raw tracepoint %s refused the program: it reads more arguments than the tracepoint passes",
					 prog->name, name);
		case EACCES:
			return tpbpf_err(EACCES, "program %s: raw tracepoint %s: the program reads more arguments than the tracepoint has",
					 prog->name, name);
		case EPERM:
			return tpbpf_err(EPERM, "program %s: raw tracepoint %s: not permitted: run as root (CAP_BPF and CAP_PERFMON, or CAP_SYS_ADMIN)",
					 prog->name, name);
		default:
			return tpbpf_err(-fd, "program %s: BPF_RAW_TRACEPOINT_OPEN %s: %s",
					 prog->name, name, strerror(-fd));
		}
	}
	return add_link(prog, name, fd, -1, -1, link);
}

int tpbpf_program_attach(struct tpbpf_program *prog, const char *target,
			 struct tpbpf_link **link)
{
	char cat[256], name[256];
	int err;

	if (!target || !target[0])
		target = prog->target;
	if (!target[0])
		return tpbpf_err(EINVAL, "program %s: section %s names no tracepoint; give one (tpbpf load --attach %s=CATEGORY/NAME)",
				 prog->name, prog->section, prog->name);
	if (prog->kind != TPBPF_PROG_TRACEPOINT)
		return tpbpf_program_attach_raw_tracepoint(prog, target, link);
	err = tpbpf_tracepoint_parse(target, cat, sizeof(cat), name, sizeof(name));
	if (err)
		return tpbpf_err_prefix(-err, "program %s: ", prog->name);
	return tpbpf_program_attach_tracepoint(prog, cat, name, link);
}

size_t tpbpf_program_link_count(const struct tpbpf_program *prog)
{
	return prog->nr_links;
}

struct tpbpf_link *tpbpf_program_link(const struct tpbpf_program *prog, size_t i)
{
	return i < prog->nr_links ? prog->links[i] : NULL;
}

const char *tpbpf_link_target(const struct tpbpf_link *link) { return link->target; }
struct tpbpf_program *tpbpf_link_program(const struct tpbpf_link *link) { return link->prog; }
int tpbpf_link_fd(const struct tpbpf_link *link) { return link->fd; }

/* Close what holds the attachment: from that moment the program no longer runs there. */
static void link_release(struct tpbpf_link *l)
{
	tpbpf_log("detach %s from %s", l->prog->name, l->target);
	tpbpf_sys_close(l->fd, "link");
	tpbpf_sys_close(l->perf_fd, "perf event");
	tpbpf_sys_close(l->prog_fd, "program copy");
	free(l->target);
	free(l);
}

void tpbpf_link_detach(struct tpbpf_link *link)
{
	struct tpbpf_program *prog;

	if (!link)
		return;
	prog = link->prog;
	for (size_t i = 0; i < prog->nr_links; i++) {
		if (prog->links[i] != link)
			continue;
		memmove(&prog->links[i], &prog->links[i + 1],
			(prog->nr_links - i - 1) * sizeof(*prog->links));
		prog->nr_links--;
		break;
	}
	link_release(link);
}

void tpbpf_obj_detach_program(struct tpbpf_program *prog)
{
	for (size_t i = 0; i < prog->nr_links; i++)
		link_release(prog->links[i]);
	free(prog->links);
	prog->links = NULL;
	prog->nr_links = 0;
}
