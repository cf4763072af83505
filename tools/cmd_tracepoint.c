#include "tool.h"
int cmd_tracepoint(int argc, char **argv) { (void)argc; (void)argv; return tool_error("tracepoint: coming"); }
