#!/usr/bin/env bash
# Legacy kernels: kernel struct offsets (KERNEL_OFF) from the kernel's BTF
# and from an offsets file, checked against the classic net:net_dev_queue
# record for the same UDP traffic; the error when an offset is missing;
# writable raw tracepoints. Runs the same on a BTF kernel (this machine)
# and in make vmcheck's BTF-less guest, where the BTF cases turn into
# "fails with a clear message" cases.
#
# The offsets file: $TPBPF_OFFSETS_FILE (make vmcheck passes one for the
# kernel it boots), else one written from the kernel's BTF, and then used
# with the BTF forced away (lib.sh: kernel_offsets_file).
source "$(dirname "$0")/lib.sh"

N=40
SIZE=1111
OFFSET_FIELDS=(sk_buff.len sk_buff.dev net_device.name)

has_btf() { has_kernel_btf; }
need_offsets_option() {
	"$TPBPF" --help 2>&1 | grep -q -- '--offsets' ||
		skip "this tpbpf has no global --offsets FILE option (tools/main.c)"
}

# Value of KEY in map MAP of a --dump-maps output ("  KEY: VALUE ...").
map_value() { # file map key
	awk -v m="$2" -v k="$3" '
		/^map / { inmap = ($2 == m) }
		inmap && $1 == k ":" { print $2; exit }' "$1"
}

# Load kernel_offsets.bpf.o with tpbpf GLOBAL-ARGS, and at the same time
# the classic net:net_dev_queue tracepoint; send N UDP datagrams of SIZE
# bytes over loopback; both must see exactly those N packets on "lo", with
# the same length.
check_skb_len_and_dev() { # tpbpf global args...
	need_event net/net_dev_queue
	start_tpbpf "$@" load "$TEST_BPF/kernel_offsets.bpf.o" --dump-maps
	"$TPBPF" tracepoint net:net_dev_queue --json > "$T/tp.out" 2> "$T/tp.err" &
	local tp_pid=$! pid len want got dev
	wait_for "$T/tp.err" 'attached|^tpbpf: (usage )?error' 15 || fail "tpbpf tracepoint did not attach"
	grep -q error "$T/tp.err" && fail "tpbpf tracepoint: $(cat "$T/tp.err")"
	echo go | "$HELPERS/udp_send" 0 $N $SIZE > "$T/udp" || fail "udp_send: $(cat "$T/udp")"
	pid=$(head -n 1 "$T/udp")
	sleep 0.3
	kill -INT $tp_pid
	wait $tp_pid || fail "tpbpf tracepoint exited $?: $(cat "$T/tp.err")"
	stop_tpbpf
	[ "$TPBPF_RC" -eq 0 ] || fail "tpbpf load exited $TPBPF_RC: $(cat "$T/err")"

	# The classic record's len field for the helper's packets on lo.
	grep "\"pid\":$pid," "$T/tp.out" | grep '"name":"lo"' |
		sed -n 's/.*"len":\([0-9]*\).*/\1/p' | sort | uniq -c > "$T/lens"
	echo "classic net_dev_queue lengths (count len):"; cat "$T/lens"
	[ "$(wc -l < "$T/lens")" -eq 1 ] || fail "want one packet length in the classic records, got: $(cat "$T/lens")"
	read -r got want < "$T/lens"
	[ "$got" -eq $N ] || fail "classic tracepoint saw $got packets of the helper on lo, want $N"
	[ "$want" -gt $SIZE ] || fail "classic len $want is not above the payload size $SIZE"

	cat "$T/out"
	len=$(map_value "$T/out" by_len "$want")
	[ "$len" = $N ] || fail "KERNEL_OFF(sk_buff, len): by_len[$want] = '$len', want $N (classic len $want)"
	# "lo" in a 16-byte key.
	dev=$(map_value "$T/out" by_dev 0x6c6f0000000000000000000000000000)
	[ -n "$dev" ] && [ "$dev" -ge $N ] || fail "KERNEL_OFF(sk_buff, dev)/(net_device, name): by_dev[lo] = '$dev', want >= $N"
}

t_kernel_offsets_from_btf() {
	has_btf || skip "tpbpf sees no kernel BTF here (absent, or forced absent): see no_btf_no_offsets_fails"
	check_skb_len_and_dev
}

t_kernel_offsets_from_file() {
	need_offsets_option
	kernel_offsets_file "${OFFSET_FIELDS[@]}"
	# With the kernel's BTF forced away, only the file can answer.
	TPBPF_FORCE_ABSENT=${TPBPF_FORCE_ABSENT:+$TPBPF_FORCE_ABSENT,}kernel_btf \
		check_skb_len_and_dev --offsets "$T/offsets"
	# Where the kernel has BTF, both sources agree.
	if has_btf; then
		"$TPBPF" offsets "${OFFSET_FIELDS[@]/#/--struct=}" |
			grep -v '^#' | sort > "$T/btf" || fail "tpbpf offsets (BTF) failed"
		grep -v '^#' "$T/offsets" | sort | diff "$T/btf" - > "$T/diff" ||
			fail "BTF and the offsets file differ: $(cat "$T/diff")"
	fi
}

# A headers or build tree of the running kernel, where the machine has one
# (TPBPF_KERNEL_HEADERS, or the usual /lib/modules/RELEASE/build link): the
# offsets it gives are those of the kernel's BTF or TPBPF_OFFSETS_FILE.
t_offsets_from_headers_match() {
	local dir=${TPBPF_KERNEL_HEADERS:-/lib/modules/$(uname -r)/build} f
	[ -f "$dir/Makefile" ] || skip "no headers or build tree of the running kernel ($dir)"
	kernel_offsets_file "${OFFSET_FIELDS[@]}"
	"$TPBPF" offsets --from-headers "$dir" "${OFFSET_FIELDS[@]/#/--struct=}" \
		> "$T/hdr" 2> "$T/hdr.err" || fail "tpbpf offsets --from-headers $dir: $(cat "$T/hdr.err")"
	cat "$T/hdr"
	local k v
	while read -r k v; do
		[ "$(awk -v k="$k" '$1 == k { print $2 }' "$T/offsets")" = "$v" ] || fail "$k: headers say $v, the offsets file says otherwise"
	done < <(grep -v '^#' "$T/hdr")
}

# KERNEL_OFF(sk_buff, no_such_field): the load fails and says which field
# and how to supply it.
t_missing_offset_names_field() {
	local clang=${CLANG:-$(command -v clang || command -v clang-14)} args=()
	[ -n "$clang" ] || skip "no clang to build the variant with a missing field"
	"$clang" -target bpf -O2 -I"$ROOT/include" -I/usr/include/"$(gcc -print-multiarch)" \
		-DTPBPF_TEST_MISSING_FIELD -c "$ROOT/tests/bpf/kernel_offsets.bpf.c" -o "$T/missing.o" ||
		fail "cannot compile the missing-field variant"
	if "$TPBPF" --help 2>&1 | grep -q -- '--offsets'; then
		printf 'sk_buff.len 112\nsk_buff.dev 16\nnet_device.name 0\n' > "$T/offsets"
		args=(--offsets "$T/offsets")
	fi
	"$TPBPF" "${args[@]}" load "$T/missing.o" -d 1 > "$T/out" 2> "$T/err"
	local rc=$?
	cat "$T/err"
	[ $rc -eq 1 ] || fail "exit $rc, want 1"
	grep -q '^tpbpf: error: .*struct sk_buff field no_such_field' "$T/err" || fail "error does not name sk_buff.no_such_field"
	grep -q -- '--offsets FILE' "$T/err" || fail "error does not mention --offsets FILE"
	grep -q 'tpbpf offsets --from-headers' "$T/err" || fail "error does not mention tpbpf offsets --from-headers"
	grep -q 'kernel with BTF' "$T/err" || fail "error does not mention a kernel with BTF"
}

# No BTF and no offsets file: KERNEL_OFF cannot be resolved, and says so.
t_no_btf_no_offsets_fails() {
	has_btf && skip "this kernel has BTF and it is not forced absent (the forced pass runs this)"
	"$TPBPF" load "$TEST_BPF/kernel_offsets.bpf.o" -d 1 > "$T/out" 2> "$T/err"
	local rc=$?
	cat "$T/err"
	[ $rc -eq 1 ] || fail "exit $rc, want 1"
	grep -q 'struct sk_buff field len' "$T/err" || fail "error does not name sk_buff.len"
	grep -q 'vmlinux is absent' "$T/err" || fail "error does not say that the kernel has no BTF"
}

# bpf_test_finish(int *err): a raw_tp.w program changes the error that
# BPF_PROG_TEST_RUN returns; without it, the run succeeds.
t_writable_raw_tracepoint() {
	need_event bpf_test_run/bpf_test_finish
	"$HELPERS/test_run_trigger" > "$T/before" || fail "test run failed before loading: $(cat "$T/before")"
	start_tpbpf load "$TEST_BPF/writable_raw_tp.bpf.o" --dump-maps
	"$HELPERS/test_run_trigger" 3 > "$T/during"
	local rc=$?
	stop_tpbpf
	"$HELPERS/test_run_trigger" > "$T/after" || fail "test run still fails after unloading: $(cat "$T/after")"
	cat "$T/before" "$T/during" "$T/after" "$T/out"
	[ $rc -eq 3 ] || fail "test_run_trigger exited $rc while attached, want 3 (errors)"
	[ "$(grep -c '^errno 131 ' "$T/during")" -eq 3 ] || fail "want 3 runs with errno 131 (the value written), got: $(cat "$T/during")"
	grep -q '^ok retval 0' "$T/before" || fail "before: $(cat "$T/before")"
	[ "$(map_value "$T/out" writes 0)" = 3 ] || fail "writes[0] = $(map_value "$T/out" writes 0), want 3"
}

t_writable_on_plain_tracepoint_fails() {
	if ! feature_present raw_tracepoint_writable; then
		# Before 5.2 the program type itself is missing: the load says so.
		"$TPBPF" load "$TEST_BPF/writable_raw_tp.bpf.o" --attach set_test_err=sys_enter -d 1 \
			> "$T/out" 2> "$T/err"
		[ $? -eq 1 ] || fail "without writable raw tracepoints: want exit 1"
		grep -q '^tpbpf: error: .*no writable raw tracepoint programs (they came in 5.2)' "$T/err" ||
			fail "refusal does not name 5.2: $(cat "$T/err")"
		return 0
	fi
	"$TPBPF" load "$TEST_BPF/writable_raw_tp.bpf.o" --attach set_test_err=sys_enter -d 1 \
		> "$T/out" 2> "$T/err"
	local rc=$?
	cat "$T/err"
	[ $rc -eq 1 ] || fail "exit $rc, want 1"
	grep -q '^tpbpf: error: .*raw tracepoint sys_enter is not writable' "$T/err" ||
		fail "no 'not writable' message: $(cat "$T/err")"
}

# The default locked-memory limit of a fresh login (64 KiB): kernels
# before 5.11 charge every map and program to it; tpbpf raises it after
# the first refusal and says so with -v. Tools with many programs load.
t_tools_under_default_memlock() {
	local tool
	for tool in "syscount -d 1" "opensnoop -d 1" "cswitch --top 3 -d 1"; do
		( ulimit -l 64 && "$TPBPF" -v $tool ) > "$T/out" 2> "$T/err" ||
			fail "tpbpf $tool under ulimit -l 64: $(grep -v '^tpbpf: [^e]' "$T/err" | tail -3)"
		grep -q 'detached' "$T/err" || fail "tpbpf $tool did not run"
		# An EPERM the limit explains is not reported as an error.
		if grep -q 'refused, EPERM' "$T/err"; then
			grep -q 'the locked-memory limit is 64 KiB' "$T/err" || fail "EPERM not put down to the limit"
		fi
	done
}

run_test tools_under_default_memlock t_tools_under_default_memlock root
run_test kernel_offsets_from_btf t_kernel_offsets_from_btf root
run_test kernel_offsets_from_file t_kernel_offsets_from_file root
run_test offsets_from_headers_match t_offsets_from_headers_match
run_test missing_offset_names_field t_missing_offset_names_field root
run_test no_btf_no_offsets_fails t_no_btf_no_offsets_fails root
run_test writable_raw_tracepoint t_writable_raw_tracepoint root
run_test writable_on_plain_tracepoint_fails t_writable_on_plain_tracepoint_fails root
