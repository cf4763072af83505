/* placeholder until the opensnoop tool lands */
#include "tool.h"
int cmd_opensnoop(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return tool_error("opensnoop: not built yet");
}
