/* SPDX-License-Identifier: MIT */
/*
 * Reading a subcommand's options: what every command does around
 * getopt_long(), so that its own loop sees only its own options.
 */
#include <getopt.h>
#include <stdio.h>

#include "tool.h"

static int stop(struct opt_reader *r, int rc)
{
	r->rc = rc;
	return -1;
}

int next_opt(struct opt_reader *r, int argc, char **argv)
{
	int c;

	while ((c = getopt_long(argc, argv, r->shortopts, r->longopts, NULL)) != -1) {
		int common = r->common ? common_opt(r->cmd, c, optarg, r->common) : 0;

		if (common > 0)
			continue;
		if (common < 0)
			return stop(r, EXIT_USAGE);
		if (c == 'h') {
			r->usage(stdout);
			return stop(r, EXIT_OK);
		}
		if (c == '?')
			return stop(r, tool_usage_error(r->cmd, "bad option"));
		return c;
	}
	if (!r->takes_args && optind < argc)
		return stop(r, tool_usage_error(r->cmd, "unexpected argument '%s'", argv[optind]));
	return 0;
}

bool parse_interval(const char *cmd, const char *arg, unsigned long *out)
{
	if (!parse_uint(cmd, "-i", arg, 365UL * 24 * 3600, out))
		return false;
	if (*out == 0) {
		tool_usage_error(cmd, "-i wants at least 1 second");
		return false;
	}
	return true;
}
