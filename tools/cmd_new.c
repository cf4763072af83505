/* placeholder until the new command lands */
#include "tool.h"
int cmd_new(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return tool_error("new: not built yet");
}
