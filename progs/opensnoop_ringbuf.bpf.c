/* SPDX-License-Identifier: GPL-2.0 */
/* opensnoop.bpf.c with its events sent through a BPF ring buffer (5.8+): see event_output.h. */
#define TPBPF_OUTPUT_RINGBUF
#include "opensnoop.bpf.c"
