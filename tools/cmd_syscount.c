/* placeholder until the syscount tool lands */
#include "tool.h"
int cmd_syscount(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return tool_error("syscount: not built yet");
}
