/* SPDX-License-Identifier: MIT */
/*
 * tpbpf features: probe everything tpbpf may need from the kernel, and
 * say for each what tpbpf does when it is missing. -v shows the probes.
 */
#include <getopt.h>
#include <stdio.h>

#include "tool.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: tpbpf features [--json]\n\n"
		"Probe what this kernel supports (each probe is a tiny program load or syscall)\n"
		"and show the fallback tpbpf uses where a feature is missing.\n"
		"TPBPF_FORCE_ABSENT=name,name (or all) makes features with a fallback absent.\n");
}

int cmd_features(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	bool json = false, any_error = false;
	int c;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'j')
			json = true;
		else if (c == 'h')
			return usage(stdout), EXIT_OK;
		else
			return tool_usage_error("features", "bad option");
	}
	if (optind != argc)
		return tool_usage_error("features", "no arguments expected");
	if (!json)
		printf("%-24s %-14s %-7s %s\n", "FEATURE", "RESULT", "KERNEL", "WITHOUT IT");
	for (int f = 0; f < TPBPF_FEAT_COUNT; f++) {
		int r = tpbpf_feature_present((enum tpbpf_feature)f);
		const char *fallback = tpbpf_feature_fallback((enum tpbpf_feature)f);
		const char *result = r > 0 ? "present" :
				     tpbpf_feature_forced((enum tpbpf_feature)f) ? "forced-absent" :
				     r == 0 ? "absent" : "unknown";

		if (r < 0)
			any_error = true;
		if (json) {
			printf("{\"feature\":\"%s\",\"description\":", tpbpf_feature_name((enum tpbpf_feature)f));
			print_json_string(stdout, tpbpf_feature_description((enum tpbpf_feature)f), 256);
			printf(",\"result\":\"%s\",\"kernel\":\"%s\",\"fallback\":", result,
			       tpbpf_feature_kernel((enum tpbpf_feature)f));
			if (fallback)
				print_json_string(stdout, fallback, 256);
			else
				fputs("null", stdout);
			puts("}");
			continue;
		}
		printf("%-24s %-14s %-7s %s\n", tpbpf_feature_name((enum tpbpf_feature)f), result,
		       tpbpf_feature_kernel((enum tpbpf_feature)f),
		       fallback ? fallback : "not available: programs that need it fail with a message naming it");
	}
	if (any_error)
		return tool_error("features: some probes could not run (%s); run as root",
				  tpbpf_error_detail());
	return EXIT_OK;
}
