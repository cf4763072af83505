/* placeholder until the syslat tool lands */
#include "tool.h"
int cmd_syslat(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return tool_error("syslat: not built yet");
}
