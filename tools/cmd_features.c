/* placeholder until the features command lands */
#include "tool.h"
int cmd_features(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return tool_error("features: not built yet");
}
