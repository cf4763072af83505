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
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "internal.h"
#include "object.h"
#include "sys_bpf.h"

/* Keep the fds of one attachment (-1: none); closes them on failure. */
static int add_link(struct tpbpf_program *prog, int fd, int perf_fd, int prog_fd)
{
	struct attachment *links;

	links = realloc(prog->links, (prog->nr_links + 1) * sizeof(*links));
	if (!links) {
		close(fd);
		if (perf_fd >= 0)
			close(perf_fd);
		if (prog_fd >= 0)
			close(prog_fd);
		return tpbpf_err(ENOMEM, "out of memory");
	}
	prog->links = links;
	links[prog->nr_links++] = (struct attachment){ fd, perf_fd, prog_fd };
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
		why = "the program type does not fit a tracepoint event";
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
	tpbpf_log("ioctl(%d, PERF_EVENT_IOC_SET_BPF, prog fd %d)", pfd, prog_fd);
	if (ioctl(pfd, PERF_EVENT_IOC_SET_BPF, prog_fd) < 0) {
		tpbpf_log("  -> %s", strerror(errno));
		return errno;
	}
	return 0;
}

int tpbpf_program_attach_tracepoint(struct tpbpf_program *prog,
				    const char *category, const char *name)
{
	struct perf_event_attr attr;
	int id, pfd, lfd, err, inst_fd = -1;

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
	tpbpf_log("perf_event_open(type=PERF_TYPE_TRACEPOINT, config=%d (%s:%s), pid=-1, cpu=0)",
		  id, category, name);
	pfd = tpbpf_sys_perf_event_open(&attr, -1, 0, -1, 0);
	tpbpf_log("  -> perf event fd: %d%s%s in %ld us", pfd, pfd < 0 ? " " : "",
		  pfd < 0 ? strerror(-pfd) : "", tpbpf_sys_last_call_us());
	if (pfd < 0) {
		if (pfd == -EACCES || pfd == -EPERM)
			return tpbpf_err(-pfd, "program %s: perf_event_open on tracepoint %s:%s: %s: run as root (CAP_PERFMON or CAP_SYS_ADMIN), or lower kernel.perf_event_paranoid",
					 prog->name, category, name, strerror(-pfd));
		return tpbpf_err(-pfd, "program %s: perf_event_open on tracepoint %s:%s (id %d): %s",
				 prog->name, category, name, id, strerror(-pfd));
	}
	/* TP_EVENT_ID() without cookies: a copy that knows its event. */
	if (prog->nr_cookie_calls) {
		inst_fd = tpbpf_obj_load_instance(prog, id);
		if (inst_fd < 0) {
			close(pfd);
			return inst_fd;
		}
	}
	err = set_program(inst_fd >= 0 ? inst_fd : prog->fd, pfd, id, &lfd);
	if (err) {
		close(pfd);
		if (inst_fd >= 0)
			close(inst_fd);
		return explain_set_bpf(prog, category, name, err);
	}
	tpbpf_log("ioctl(%d, PERF_EVENT_IOC_ENABLE)", pfd);
	if (ioctl(pfd, PERF_EVENT_IOC_ENABLE, 0) < 0) {
		err = errno;
		if (lfd >= 0)
			close(lfd);
		if (inst_fd >= 0)
			close(inst_fd);
		close(pfd);
		return tpbpf_err(err, "program %s: enable tracepoint %s:%s: %s",
				 prog->name, category, name, strerror(err));
	}
	return lfd >= 0 ? add_link(prog, lfd, pfd, inst_fd) : add_link(prog, pfd, -1, inst_fd);
}

int tpbpf_program_attach_raw_tracepoint(struct tpbpf_program *prog,
					const char *name)
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
	return add_link(prog, fd, -1, -1);
}

int tpbpf_program_attach(struct tpbpf_program *prog, const char *target)
{
	char cat[256], name[256];
	int err;

	if (!target || !target[0])
		target = prog->target;
	if (!target[0])
		return tpbpf_err(EINVAL, "program %s: section %s names no tracepoint; give one (tpbpf load --attach %s=CATEGORY/NAME)",
				 prog->name, prog->section, prog->name);
	if (prog->kind != TPBPF_PROG_TRACEPOINT)
		return tpbpf_program_attach_raw_tracepoint(prog, target);
	err = tpbpf_tracepoint_parse(target, cat, sizeof(cat), name, sizeof(name));
	if (err)
		return tpbpf_err_prefix(-err, "program %s: ", prog->name);
	return tpbpf_program_attach_tracepoint(prog, cat, name);
}

size_t tpbpf_program_attach_count(const struct tpbpf_program *prog)
{
	return prog->nr_links;
}

void tpbpf_obj_detach_program(struct tpbpf_program *prog)
{
	for (size_t i = 0; i < prog->nr_links; i++) {
		struct attachment *a = &prog->links[i];

		tpbpf_log("detach %s: close fd %d", prog->name, a->fd);
		close(a->fd);
		if (a->perf_fd >= 0)
			close(a->perf_fd);
		if (a->prog_fd >= 0)
			close(a->prog_fd);
	}
	free(prog->links);
	prog->links = NULL;
	prog->nr_links = 0;
}
