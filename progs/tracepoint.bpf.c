#include "tpbpf_bpf.h"
SEC("tracepoint") int tp_generic(void *ctx) { (void)ctx; return 0; }
char LICENSE[] SEC("license") = "GPL";
