/* placeholder until the inspect command lands */
#include "tool.h"
int cmd_inspect(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return tool_error("inspect: not built yet");
}
