/* SPDX-License-Identifier: MIT */
/* tpbpf list [PATTERN]: the tracepoints of this kernel, CATEGORY:NAME. */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tool.h"

static const char list_usage[] =
	"usage: tpbpf list [PATTERN]\n"
	"\n"
	"Print every tracepoint of the running kernel as CATEGORY:NAME, sorted,\n"
	"one a line. PATTERN is a shell glob matched against CATEGORY:NAME\n"
	"(CATEGORY/NAME works too), e.g. 'syscalls:sys_enter_*' or '*:*skb*'.\n";

int cmd_list(int argc, char **argv)
{
	const char *pattern = NULL;
	char *glob = NULL, **names;
	size_t count, i, shown = 0;
	bool opts_done = false;
	int err, a;

	for (a = 1; a < argc; a++) {
		const char *arg = argv[a];

		if (!opts_done && (!strcmp(arg, "-h") || !strcmp(arg, "--help"))) {
			fputs(list_usage, stdout);
			return EXIT_OK;
		}
		if (!opts_done && !strcmp(arg, "--")) {
			opts_done = true;
			continue;
		}
		if (!opts_done && arg[0] == '-' && arg[1])
			return tool_usage_error("list", "unknown option %s", arg);
		if (pattern)
			return tool_usage_error("list", "more than one PATTERN "
						"(quote it so the shell does "
						"not expand it)");
		pattern = arg;
	}

	if (pattern) {
		/* "cat/name" is the same tracepoint as "cat:name" */
		glob = strdup(pattern);
		if (!glob)
			return tool_error("out of memory");
		for (i = 0; glob[i]; i++)
			if (glob[i] == '/')
				glob[i] = ':';
	}

	err = tpbpf_tracepoint_list(&names, &count);
	if (err) {
		free(glob);
		return tool_lib_error(err, "cannot list tracepoints");
	}
	for (i = 0; i < count; i++) {
		if (glob && fnmatch(glob, names[i], 0) != 0)
			continue;
		puts(names[i]);
		shown++;
	}
	tpbpf_strv_free(names, count);
	free(glob);
	if (fflush(stdout) != 0)
		return tool_error("cannot write the list: %s", strerror(errno));
	if (!shown)
		return pattern ? tool_error("no tracepoint matches %s", pattern)
			       : tool_error("tracefs lists no tracepoint");
	return EXIT_OK;
}
