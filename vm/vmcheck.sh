#!/bin/bash
# vmcheck.sh [LANE]: what `make vmcheck KERNEL=LANE` runs, after the host build.
# LANE is 6.1 (default), 5.10 or all (6.1 then 5.10). For each lane:
#   1. the kernel: the image given for that lane (below), else
#      vm/build-kernel.sh LANE (built from Debian's linux-source-LANE once,
#      cached in $VM_WORK/LANE);
#   2. an offsets file for KERNEL_OFF, from that kernel's build tree with
#      tpbpf offsets --from-headers, when the tree is there (it is when
#      build-kernel.sh built the kernel); else the one written down for
#      that kernel in tests/fixtures/offsets/RELEASE.offsets; passed to the
#      tests as TPBPF_OFFSETS_FILE (and the tree, when there, as
#      TPBPF_KERNEL_HEADERS);
#   3. boots the kernel with run-in-vm.sh and runs vm/guest-check.sh in it:
#      no BTF there, then tests/run.sh integration as root (two passes:
#      plain, then TPBPF_FORCE_ABSENT=all, whose test names start "forced/");
#   4. prints one line for the lane: kernel release, counts of both passes
#      and of each, exit code, time, log (build/vm/vmcheck-LANE.log).
# With "all", the lane lines are printed again together at the end.
#
# ARCH=arm64 (make vmcheck ARCH=arm64): the 6.1 lane only, for arm64: the
# kernel cross-built by build-kernel.sh (ARCH=arm64), booted under
# qemu-system-aarch64 -M virt -cpu max (TCG), its root the arm64 tree of
# vm/arm64-root.sh, the tests run on build/arm64 (TPBPF_BUILD): every
# suite, both passes (12-16 minutes under TCG here). For a quicker run,
# VM_ARM64_TESTS names suites (VM_ARM64_TESTS=tools: the suites of the
# tools, about 4 minutes) and VM_ARM64_FORCED=0 drops the forced pass.
# Log: build/vm/vmcheck-6.1-arm64.log.
# Exit status: 0 when every lane passed, else the first failing lane's code
# (1 tests failed, 2 usage, 99 the kernel has BTF, 124 time limit, 125 VM died).
#
# Kernel images (optional; the lane's kernel is built when none is given):
#   VM_KERNEL_6_1=/path/bzImage  VM_KERNEL_5_10=/path/bzImage   per lane
#   VM_KERNEL=/path/bzImage      the same, for a single lane (not with all)
# An image must be a kernel of its lane's version (checked with file(1)).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
LANE=${1:-6.1}
VM_WORK=${VM_WORK:-/var/tmp/vm-kernel}
# Under TCG the integration tests (run twice: plain and with every
# fallback forced) take many minutes; see vm/README.md.
VM_TIMEOUT=${VM_TIMEOUT:-3600}
export VM_WORK VM_TIMEOUT
VM_ARCH=${ARCH:-x86_64}
case $VM_ARCH in
x86_64 | amd64 | x86 | "") VM_ARCH=x86_64 ;;
arm64 | aarch64) VM_ARCH=arm64 ;;
*) echo "vmcheck: ARCH must be x86_64 or arm64 (got '$VM_ARCH')" >&2; exit 2 ;;
esac
# The suites the arm64 guest runs: all by default; "tools" stands for the
# suites of the tools (opensnoop, cswitch, netdev, syscount, syslat,
# tracepoint, raw-tracepoint, load, features, list/format).
VM_ARM64_TESTS=${VM_ARM64_TESTS:-all}
[ "$VM_ARM64_TESTS" = tools ] &&
	VM_ARM64_TESTS="features list_format tracepoint raw_tracepoint load opensnoop cswitch netdev syscount syslat"
VM_ARM64_FORCED=${VM_ARM64_FORCED:-1}
cd "$root"
log() { echo "vmcheck: $*" >&2; }

if [ "$VM_ARCH" = arm64 ] && [ "$LANE" != 6.1 ]; then
	log "ARCH=arm64 has the 6.1 lane only (got KERNEL=$LANE)"
	exit 2
fi
case $LANE in
6.1 | 5.10) lanes=("$LANE") ;;
all) lanes=(6.1 5.10) ;;
*) log "KERNEL must be 6.1, 5.10 or all (got '$LANE')"; exit 2 ;;
esac
if [ "$LANE" = all ] && [ -n "${VM_KERNEL:-}" ]; then
	log "VM_KERNEL names one image, KERNEL=all boots two: use VM_KERNEL_6_1 and VM_KERNEL_5_10"
	exit 2
fi
command -v file >/dev/null || apt-get install -y --no-install-recommends file >&2
mkdir -p build/vm

counts() { # log [forced|plain]: "P passed, F failed, S skipped"
	local sel=${2:-}
	awk -v sel="$sel" '
		/^(PASS|FAIL|SKIP) / {
			f = ($2 ~ /^forced\//)
			if (sel == "forced" && !f) next
			if (sel == "plain" && f) next
			n[$1]++
		}
		END { printf "%d passed, %d failed, %d skipped", n["PASS"], n["FAIL"], n["SKIP"] }' "$1"
}

run_lane() { # lane; sets $line
	local lane=$1 var kernel kver tree offsets out rc t0 pass_env= arch_env= sfx= host_tpbpf=(build/tpbpf) vm_env=()
	t0=$(date +%s)
	if [ "$VM_ARCH" = arm64 ]; then
		sfx=-arm64
		# The arm64 command, run here by qemu-aarch64 (it runs the kernel
		# tree's make, which cross-compiles with ARCH and CROSS_COMPILE).
		host_tpbpf=("$(command -v qemu-aarch64 || command -v qemu-aarch64-static)" build/arm64/tpbpf)
		local aroot
		if ! aroot=$("$here/arm64-root.sh" | tail -n 1) || [ ! -d "$aroot" ]; then
			line="vmcheck: $lane-arm64: the arm64 root tree failed (vm/arm64-root.sh); exit 1"
			return 1
		fi
		export TPBPF_BUILD=build/arm64 TPBPF_TESTS= TPBPF_FORCED=$VM_ARM64_FORCED
		[ "$VM_ARM64_TESTS" = all ] || TPBPF_TESTS=$VM_ARM64_TESTS
		arch_env="TPBPF_BUILD TPBPF_TESTS TPBPF_FORCED"
		vm_env=(VM_ARCH=arm64 "VM_ROOT=$aroot")
		log "$lane-arm64: root $aroot; suites: ${TPBPF_TESTS:-all}; forced pass: $([ "$TPBPF_FORCED" = 1 ] && echo yes || echo no)"
	fi
	var=VM_KERNEL_${lane//./_}
	kernel=${!var:-${VM_KERNEL:-}}
	if [ -n "$kernel" ]; then
		[ -f "$kernel" ] || { log "$var=$kernel: no such file"; line="vmcheck: $lane: no kernel image $kernel; exit 2"; return 2; }
		log "$lane: kernel $kernel (given)"
	else
		log "$lane$sfx: building the guest kernel from linux-source-$lane (cached in $VM_WORK/$lane$sfx; about 8 minutes the first time, much longer cross-built for arm64)"
		if ! kernel=$(ARCH=$VM_ARCH "$here/build-kernel.sh" "$lane" | tail -n 1) || [ ! -f "$kernel" ]; then
			line="vmcheck: $lane: the kernel build failed; exit 1"
			return 1
		fi
	fi
	kver=$(file -bL "$kernel" | sed -n 's/.*, version \([^ ]*\) .*/\1/p')
	# An arm64 Image is not compressed, and file(1) names no version for it.
	[ -n "$kver" ] || kver=$(grep -a -m 1 -o 'Linux version [0-9][^ ]*' "$kernel" | head -n 1 | cut -d' ' -f3)
	case $kver in
	"$lane".*) ;;
	*)
		log "$lane: $kernel is kernel '${kver:-?}', not $lane.x"
		line="vmcheck: $lane: $kernel is not a $lane kernel (${kver:-no version}); exit 2"
		return 2
		;;
	esac

	tree=$VM_WORK/$lane$sfx/obj
	unset TPBPF_OFFSETS_FILE TPBPF_KERNEL_HEADERS
	if [ -f "$tree/include/config/kernel.release" ] &&
		[ "$(cat "$tree/include/config/kernel.release")" = "$kver" ]; then
		offsets=$root/build/vm/offsets-$kver$sfx.txt
		if ARCH=$VM_ARCH CROSS_COMPILE=$([ "$VM_ARCH" = arm64 ] && echo aarch64-linux-gnu-) \
			"${host_tpbpf[@]}" offsets --from-headers "$tree" --struct sk_buff.len --struct sk_buff.data_len \
			--struct sk_buff.dev --struct sk_buff.protocol --struct net_device.name \
			--struct task_struct.pid --struct task_struct.tgid --struct task_struct.real_parent \
			>"$offsets.tmp" 2>build/vm/offsets.err; then
			mv "$offsets.tmp" "$offsets"
			# The tree also lets legacy/offsets_from_headers_match run
			# tpbpf offsets --from-headers in the guest (the host's / is
			# the guest's, read-only).
			export TPBPF_OFFSETS_FILE=$offsets TPBPF_KERNEL_HEADERS=$tree
			pass_env="TPBPF_OFFSETS_FILE TPBPF_KERNEL_HEADERS"
			# The arm64 guest has no make or compiler to build against it.
			[ "$VM_ARCH" = arm64 ] && pass_env=TPBPF_OFFSETS_FILE
			log "$lane: offsets from the headers of $tree: $offsets"
		else
			rm -f "$offsets.tmp"
			log "$lane: tpbpf offsets --from-headers $tree failed ($(head -c 200 build/vm/offsets.err)); the test uses its fixture"
		fi
	elif [ -f "tests/fixtures/offsets/$kver.offsets" ]; then
		# A prebuilt kernel without its tree: the offsets written down for it.
		export TPBPF_OFFSETS_FILE=$root/tests/fixtures/offsets/$kver.offsets
		pass_env=TPBPF_OFFSETS_FILE
		log "$lane: offsets for $kver from $TPBPF_OFFSETS_FILE"
	else
		log "$lane: no build tree and no tests/fixtures/offsets/$kver.offsets: the offsets-file tests skip"
	fi

	out=build/vm/vmcheck-$lane$sfx.log
	set +e
	env "${vm_env[@]}" VM_PASS_ENV="$pass_env $arch_env ${VM_PASS_ENV:-}" "$here/run-in-vm.sh" "$kernel" "$root" vm/guest-check.sh |
		tee "$out"
	rc=${PIPESTATUS[0]}
	set -e
	local secs=$(($(date +%s) - t0))
	line="vmcheck: $kver without BTF: $(counts "$out") (plain: $(counts "$out" plain); forced: $(counts "$out" forced)); exit $rc; $((secs / 60))m$((secs % 60))s; log $out"
	case $rc in
	0) ;;
	99) line="$line; the kernel HAS BTF (/sys/kernel/btf/vmlinux): vmcheck needs CONFIG_DEBUG_INFO_BTF=n" ;;
	124) line="$line; time limit (VM_TIMEOUT=${VM_TIMEOUT}s) hit" ;;
	125) line="$line; the VM died before the tests ended (console in the log above)" ;;
	esac
	return "$rc"
}

status=0
lines=()
for lane in "${lanes[@]}"; do
	line=
	rc=0
	run_lane "$lane" || rc=$?
	lines+=("$line")
	echo
	echo "$line"
	[ "$status" != 0 ] || status=$rc
done
if [ ${#lanes[@]} -gt 1 ]; then
	echo
	echo "vmcheck: all lanes"
	printf '%s\n' "${lines[@]}"
fi
exit "$status"
