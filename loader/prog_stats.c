/* SPDX-License-Identifier: MIT */
/* The kernel's own per-program statistics: runs and time spent. */
#include <errno.h>
#include <string.h>

#include "internal.h"
#include "object.h"
#include "sys_bpf.h"

int tpbpf_enable_stats(void)
{
	int fd = tpbpf_sys_enable_stats(BPF_STATS_RUN_TIME);

	if (fd == -EINVAL)
		return tpbpf_err(EINVAL, "BPF_ENABLE_STATS: this kernel has no BPF run-time statistics (they came in 5.8)");
	if (fd < 0)
		return tpbpf_err(-fd, "BPF_ENABLE_STATS: %s", strerror(-fd));
	return fd;
}

int tpbpf_program_stats(const struct tpbpf_program *prog, uint64_t *run_cnt,
			uint64_t *run_time_ns)
{
	struct bpf_prog_info info;
	uint32_t len = sizeof(info);
	int err;

	if (prog->fd < 0)
		return tpbpf_err(EINVAL, "program %s is not loaded", prog->name);
	memset(&info, 0, sizeof(info));
	err = tpbpf_sys_obj_get_info(prog->fd, &info, &len);
	if (err)
		return tpbpf_err(-err, "program %s: BPF_OBJ_GET_INFO_BY_FD: %s",
				 prog->name, strerror(-err));
	/* Kernels before 5.1 fill less of the struct: the rest stays 0. */
	*run_cnt = info.run_cnt;
	*run_time_ns = info.run_time_ns;
	return 0;
}
