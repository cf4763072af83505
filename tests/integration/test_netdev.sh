#!/usr/bin/env bash
# tpbpf netdev: packets per device and direction, checked against a helper
# that sends N UDP datagrams of SIZE bytes over loopback and receives them.
source "$(dirname "$0")/lib.sh"

N=100
SIZE=777	# payload; the tracepoints report it plus headers

# Start udp_send, which prints its pid and waits for a line on fd 3 (a
# fifo) before sending; its pid in HPID.
start_sender() {
	mkfifo "$T/go"
	exec 3<> "$T/go"
	"$HELPERS/udp_send" 0 $N $SIZE <&3 > "$T/sender" 2>&1 &
	HPID=$!
	wait_for "$T/sender" '^[0-9]+$' 10 || fail "udp_send did not start: $(cat "$T/sender")"
	[ "$(head -n 1 "$T/sender")" = "$HPID" ] || fail "udp_send pid $(head -n 1 "$T/sender") != $HPID"
}

# Let it send, wait for it, then stop tpbpf.
send_then_stop() {
	echo go >&3
	wait "$HPID" || fail "udp_send failed: $(cat "$T/sender")"
	exec 3>&-
	grep -q "^sent $N received $N\$" "$T/sender" || fail "udp_send: $(cat "$T/sender")"
	stop_tpbpf
	[ "$TPBPF_RC" -eq 0 ] || fail "tpbpf exited $TPBPF_RC: $(cat "$T/err")"
	grep -q 'detached' "$T/err" || fail "no teardown message"
}

run_netdev() { # netdev-args...
	start_sender
	start_tpbpf netdev "$@"
	send_then_stop
}

# Lines of human output on lo in direction DIR at least SIZE bytes long.
lo_lines() { # dir
	awk -v d="$1" -v s=$SIZE '$3 == d && $4 == "lo" && $5 >= s' "$T/out" | wc -l
}

t_packets_both_directions() {
	run_netdev
	head -n 1 "$T/out" | grep -qE '^TIME\(s\) +CPU +DIR +DEV +LEN +PID +COMM$' ||
		fail "no header: $(head -n 1 "$T/out")"
	[ "$(lo_lines TX)" -ge $N ] || fail "$(lo_lines TX) TX lines on lo, want >= $N"
	[ "$(lo_lines RX)" -ge $N ] || fail "$(lo_lines RX) RX lines on lo, want >= $N"
	# The sender's sendto() queues each packet in its own context.
	local tx
	tx=$(awk -v p="$HPID" '$3 == "TX" && $4 == "lo" && $6 == p && $7 == "udp_send"' "$T/out" | wc -l)
	[ "$tx" -ge $N ] || fail "$tx TX lines with pid $HPID comm udp_send, want >= $N"
	grep -qE '^[0-9]+\.[0-9]{6} +[0-9]+ +(TX|RX) ' "$T/out" || fail "no time/CPU columns"
}

t_one_program_two_tracepoints() {
	"$TPBPF" -v netdev -d 1 > "$T/out" 2> "$T/err" || fail "exit $?: $(tail -n 3 "$T/err")"
	grep -q 'netdev: attached 1 program to 2 tracepoints' "$T/err" ||
		fail "not one program on two tracepoints: $(grep attached "$T/err")"
	# With BPF links the cookie tells the events apart: one load. (Without,
	# the loader loads a copy per tracepoint with its event ID built in.)
	if grep -q 'BPF_LINK_CREATE' "$T/err" && grep -q 'BPF_PROG_LOAD.*name="netdev"' "$T/err"; then
		[ "$(grep -c 'bpf(BPF_PROG_LOAD.*name="netdev"' "$T/err")" -eq 1 ] || fail "program loaded more than once"
		[ "$(grep -c 'BPF_LINK_CREATE.*bpf_cookie=' "$T/err")" -eq 2 ] || fail "not two links with cookies"
	fi
	grep -q 'perf_event_open(type=PERF_TYPE_TRACEPOINT.*(net:net_dev_queue)' "$T/err" || fail "not on net_dev_queue"
	grep -q 'perf_event_open(type=PERF_TYPE_TRACEPOINT.*(net:netif_receive_skb)' "$T/err" || fail "not on netif_receive_skb"
}

t_summary_counts() {
	run_netdev --summary
	head -n 1 "$T/out" | grep -qE '^DEV +DIR +PACKETS +BYTES$' || fail "no header: $(head -n 1 "$T/out")"
	grep -q udp_send "$T/out" && fail "--summary printed packets"
	local dir p b
	for dir in TX RX; do
		read -r p b < <(awk -v d=$dir '$1 == "lo" && $2 == d { print $3, $4 }' "$T/out")
		[ -n "$p" ] && [ "$p" -ge $N ] || fail "lo $dir packets '$p', want >= $N: $(cat "$T/out")"
		[ "$b" -ge $((N * SIZE)) ] || fail "lo $dir bytes $b, want >= $((N * SIZE))"
	done
}

t_json_lines() {
	run_netdev --json
	python3 - "$T/out" $N $SIZE <<'EOF' || fail "bad JSON output: $(head -n 3 "$T/out")"
import json, sys
path, n, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
seen = {"TX": 0, "RX": 0}
lines = open(path).read().splitlines()
assert lines, "no output"
for line in lines:
    ev = json.loads(line)
    for key in ("time", "cpu", "dir", "dev", "len", "pid", "comm"):
        assert key in ev, (key, line)
    if ev["dev"] == "lo" and ev["len"] >= size:
        seen[ev["dir"]] += 1
assert seen["TX"] >= n and seen["RX"] >= n, seen
EOF
}

t_summary_json() {
	run_netdev --summary --json
	python3 - "$T/out" $N $SIZE <<'EOF' || fail "bad JSON summary: $(cat "$T/out")"
import json, sys
path, n, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rows = {(r["dev"], r["dir"]): r for r in map(json.loads, open(path).read().splitlines())}
for d in ("TX", "RX"):
    r = rows[("lo", d)]
    assert r["packets"] >= n and r["bytes"] >= n * size, r
EOF
}

# -p matches the current task: the sender for TX (RX may run elsewhere).
t_pid_filter() {
	start_sender
	start_tpbpf netdev -p "$HPID"
	send_then_stop
	[ "$(lo_lines TX)" -ge $N ] || fail "$(lo_lines TX) TX lines on lo, want >= $N"
	awk -v p="$HPID" 'NR > 1 && $6 != p { bad = 1 } END { exit bad }' "$T/out" ||
		fail "lines of other pids: $(awk -v p="$HPID" 'NR > 1 && $6 != p' "$T/out" | head -n 3)"
}

t_usage() {
	"$TPBPF" netdev --help > "$T/out" || fail "--help: exit $?"
	grep -q '^usage: tpbpf netdev' "$T/out" || fail "--help: no usage"
	"$TPBPF" netdev extra > /dev/null 2>&1; [ $? -eq 2 ] || fail "extra argument: want exit 2"
	"$TPBPF" netdev --bogus > /dev/null 2>&1; [ $? -eq 2 ] || fail "bad option: want exit 2"
	"$TPBPF" netdev -p 0 > /dev/null 2>&1; [ $? -eq 2 ] || fail "-p 0: want exit 2"
}

# netdev --raw reads skb->len and skb->dev->name at KERNEL_OFF() offsets,
# from BTF here and from a hand-written offsets file: for the same sender,
# both give exactly what the classic tracepoints report.
lo_tx() { # file: "packets bytes" of lo TX
	awk '$1 == "lo" && $2 == "TX" { print $3, $4 }' "$1"
}

t_raw_matches_classic() {
	local classic raw rawfile btf=no
	has_kernel_btf && btf=yes
	kernel_offsets_file sk_buff.len sk_buff.dev net_device.name
	start_sender
	"$TPBPF" netdev --summary -p "$HPID" > "$T/classic" 2> "$T/classic.err" &
	local p1=$!
	# Without BTF the plain --raw run must fail clearly; the file run stands in.
	"$TPBPF" netdev --raw --summary -p "$HPID" > "$T/raw" 2> "$T/raw.err" &
	local p2=$!
	TPBPF_FORCE_ABSENT=${TPBPF_FORCE_ABSENT:+$TPBPF_FORCE_ABSENT,}kernel_btf \
		"$TPBPF" --offsets "$T/offsets" netdev --raw --summary -p "$HPID" > "$T/rawfile" 2> "$T/rawfile.err" &
	local p3=$!
	echo "$p1 $p2 $p3" >> "$T/.pids"
	wait_for "$T/rawfile.err" 'attached|^tpbpf: (usage )?error' 15 || fail "raw (file) did not attach"
	wait_for "$T/classic.err" 'attached|^tpbpf: (usage )?error' 15 || fail "classic did not attach"
	wait_for "$T/raw.err" 'attached|^tpbpf: (usage )?error' 15 || fail "raw did not attach"
	grep -q 'attached 2 programs to 2 tracepoints' "$T/rawfile.err" || fail "raw (file): $(cat "$T/rawfile.err")"
	if [ $btf = yes ]; then
		grep -q 'attached 2 programs to 2 tracepoints' "$T/raw.err" || fail "raw: $(cat "$T/raw.err")"
	else
		grep -q 'sk_buff.*--offsets' "$T/raw.err" || fail "no-BTF error unclear: $(cat "$T/raw.err")"
	fi
	echo go >&3
	wait "$HPID" || fail "udp_send failed"
	sleep 0.3
	kill -INT $p1 $p2 $p3
	wait $p1 $p2 $p3
	classic=$(lo_tx "$T/classic")
	raw=$(lo_tx "$T/raw")
	rawfile=$(lo_tx "$T/rawfile")
	[ -n "$classic" ] || fail "classic saw no lo TX: $(cat "$T/classic")"
	[ "${classic%% *}" -ge $N ] || fail "classic lo TX packets ${classic%% *} < $N"
	if [ $btf = yes ]; then
		[ "$raw" = "$classic" ] || fail "raw (BTF) lo TX '$raw' != classic '$classic'"
	fi
	[ "$rawfile" = "$classic" ] || fail "raw (offsets file) lo TX '$rawfile' != classic '$classic'"
}

run_test packets_both_directions t_packets_both_directions root
run_test one_program_two_tracepoints t_one_program_two_tracepoints root
run_test summary_counts t_summary_counts root
run_test json_lines t_json_lines root
run_test summary_json t_summary_json root
run_test pid_filter t_pid_filter root
run_test usage t_usage
run_test raw_matches_classic t_raw_matches_classic root
