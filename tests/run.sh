#!/usr/bin/env bash
# Runs the test suites and prints one closing line: N passed, N failed, N skipped.
#   tests/run.sh              unit tests (plain and ASan+UBSan), then integration
#   tests/run.sh unit         only unit tests
#   tests/run.sh integration  only integration tests (root; skipped otherwise)
#   tests/run.sh arm64-unit   only the arm64 unit tests (build/arm64/tests/unit)
#                             under qemu-aarch64; `all` and `unit` run them too
#                             when TPBPF_ARM64_UNIT=1 (make check sets it)
#   TPBPF_ARM64_SKIP=why      count the arm64 unit tests as one SKIP, with why
#   TPBPF_QEMU_AARCH64="qemu-aarch64 -L /usr/aarch64-linux-gnu"   their runner
#   TPBPF_BUILD=build/arm64   integration tests of that build (the arm64 guest)
#   TPBPF_TESTS="a b"         only tests/integration/test_a.sh, test_b.sh
#   TPBPF_FORCED=0            no forced pass
# Integration tests run twice: as they are, then with every feature that has
# a fallback forced absent (TPBPF_FORCE_ABSENT=all), so the paths for older
# kernels run here too; the second run's names start with "forced/".
# Every test prints one line: "PASS name", "FAIL name: why" or "SKIP name: why".
set -u
cd "$(dirname "$0")/.."
what=${1:-all}
out=$(mktemp); trap 'rm -f "$out"' EXIT

# cmocka speaks TAP when asked; turn its lines into PASS/FAIL/SKIP. A skip
# is "ok N # SKIP" or, as cmocka 1.1 writes it, "not ok N # SKIP name"; its
# reason is the "# skip: why" line the test printed just before (unit.h's
# skip_because). Any other line is one the runner does not understand, and
# fails the binary loudly rather than be counted as nothing.
run_unit() { # binary label [runner words...]
	local bin=$1 label=$2 rc
	shift 2
	CMOCKA_MESSAGE_OUTPUT=TAP ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		"$@" "$bin" > "$out.tap" 2>&1
	rc=$?
	awk -v l="$label" -v rc="$rc" '
		function name(s) { sub(/^(not )?ok [0-9]+( -)? */, "", s); sub(/ *# SKIP */, "", s); return s }
		/^1\.\.[0-9]+$/ { plan = substr($0, 4) + 0; next }
		/^(not )?ok [0-9]+.*# SKIP/ {
			print "SKIP " l ":" name($0) (why != "" ? ": " why : ": no reason given"); n++; why = ""; next }
		/^not ok [0-9]+/ { print "FAIL " l ":" name($0); n++; why = ""; next }
		/^ok [0-9]+/ { print "PASS " l ":" name($0); n++; why = ""; next }
		/^# skip: / { why = substr($0, 9); next }
		/^# (not )?ok - / { next }
		/^#/ { print "    " $0; next }
		/^$/ { next }
		{ if (rc == 0) { print "FAIL " l ": unclassified output line: " $0; bad = 1 } else print "    " $0 }
		END {
			if (n == 0) print "FAIL " l ": ran no test"
			else if (plan != n && rc == 0) print "FAIL " l ": plan says " plan " tests, " n " reported"
		}' "$out.tap"
	# A sanitizer report or a crash makes the binary fail even if TAP said ok.
	if [ $rc -ne 0 ] && ! grep -q '^not ok [0-9]* - ' "$out.tap"; then
		echo "FAIL $label: exit status $rc"
		grep -E 'ERROR|runtime error|SUMMARY' "$out.tap" | head -5 | sed 's/^/    /'
	fi
	rm -f "$out.tap"
}

# The unit tests built for arm64 (make ARCH=arm64), run by user-mode
# emulation; bpf(2) and perf_event_open(2) are not emulated there (ENOSYS),
# so the tests that load programs skip, saying so.
run_arm64_unit() {
	local b n=0 runner
	if [ -n "${TPBPF_ARM64_SKIP:-}" ]; then
		echo "SKIP arm64/unit: $TPBPF_ARM64_SKIP"
		return
	fi
	read -r -a runner <<< "${TPBPF_QEMU_AARCH64:-qemu-aarch64 -L /usr/aarch64-linux-gnu}"
	for b in build/arm64/tests/unit/test_*; do
		[ -x "$b" ] || continue
		run_unit "$b" "arm64/$(basename "$b")" "${runner[@]}"
		n=$((n + 1))
	done
	[ "$n" -gt 0 ] || echo "FAIL arm64/unit: no test binary in build/arm64/tests/unit (make ARCH=arm64 check-arm64-unit builds them)"
}

{
if [ "$what" = arm64-unit ]; then
	run_arm64_unit
fi
if [ "$what" = all ] || [ "$what" = unit ]; then
	for b in build/tests/unit/test_*; do
		[ -x "$b" ] && run_unit "$b" "unit/$(basename "$b")"
	done
	for b in build/tests/unit-san/test_*; do
		[ -x "$b" ] && run_unit "$b" "asan/$(basename "$b")"
	done
	[ "${TPBPF_ARM64_UNIT:-0}" = 1 ] && run_arm64_unit
fi
if [ "$what" = all ] || [ "$what" = integration ]; then
	# Tests check that nothing they loaded is left in the kernel, and count
	# events machine-wide: two runs at once (two clones, two users) would
	# see each other's programs. The second waits for the first.
	if [ "$(id -u)" -eq 0 ] && command -v flock > /dev/null; then
		exec 9> /tmp/tpbpf-integration.lock
		flock 9 2> /dev/null || true
	fi
	# Some tests read tracefs themselves to compare with tpbpf: let tpbpf
	# find it first (it mounts tracefs when nothing has, as on a new machine).
	[ "$(id -u)" -eq 0 ] && "${TPBPF_BUILD:-build}/tpbpf" list > /dev/null 2>&1
	# TPBPF_TESTS="opensnoop syscount": only those suites (a subset for a
	# slow guest); TPBPF_FORCED=0: no second, forced pass.
	suites=()
	if [ -n "${TPBPF_TESTS:-}" ]; then
		for n in $TPBPF_TESTS; do suites+=("tests/integration/test_$n.sh"); done
	else
		suites=(tests/integration/test_*.sh)
	fi
	for t in "${suites[@]}"; do
		bash "$t"
	done
	if [ "$(id -u)" -eq 0 ] && [ "${TPBPF_FORCED:-1}" = 1 ]; then
		for t in "${suites[@]}"; do
			TPBPF_FORCE_ABSENT=all bash "$t" | sed -E 's/^(PASS|FAIL|SKIP) /\1 forced\//'
		done
	fi
fi
} 2>&1 | tee "$out"

pass=$(grep -c '^PASS' "$out")
fail=$(grep -c '^FAIL' "$out")
skip=$(grep -c '^SKIP' "$out")
echo
if [ "$fail" -gt 0 ]; then
	echo "failed tests:"
	grep '^FAIL' "$out" | sed 's/^/  /'
fi
echo "$pass passed, $fail failed, $skip skipped"
# arm64-unit alone may be one SKIP (no cross toolchain): that is no failure.
[ "$fail" -eq 0 ] && { [ "$pass" -gt 0 ] || [ "$what" = arm64-unit ]; }
