/* placeholder until the netdev tool lands */
#include "tool.h"
int cmd_netdev(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return tool_error("netdev: not built yet");
}
