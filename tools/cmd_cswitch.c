/* placeholder until the cswitch tool lands */
#include "tool.h"
int cmd_cswitch(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return tool_error("cswitch: not built yet");
}
