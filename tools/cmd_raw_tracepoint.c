/* placeholder until the raw_tracepoint tool lands */
#include "tool.h"
int cmd_raw_tracepoint(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return tool_error("raw_tracepoint: not built yet");
}
