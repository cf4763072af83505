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
/* The build dir's test objects: build/arm64/tests/bpf for the arm64 build. */
#ifndef TEST_BPF_DIR
#define TEST_BPF_DIR "build/tests/bpf"
#endif

/*
 * Skip the running test and say why: tests/run.sh shows the reason beside
 * the SKIP (cmocka's own skip() prints none).
 */
#define skip_because(...) do {					\
	print_message("# skip: " __VA_ARGS__);			\
	print_message("\n");					\
	skip();							\
} while (0)

#endif
