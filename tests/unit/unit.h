/* SPDX-License-Identifier: MIT */
/* What every unit test file includes: cmocka and the paths of fixtures. */
#ifndef TPBPF_UNIT_H
#define TPBPF_UNIT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* cmocka.h needs the four headers above first */
#include <cmocka.h>

/* Tests run from the top of the tree (tests/run.sh does cd there). */
#define FIXTURES "tests/fixtures"
#define TEST_BPF_DIR "build/tests/bpf"

#endif
