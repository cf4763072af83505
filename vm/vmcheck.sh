#!/bin/bash
# vmcheck.sh: what `make vmcheck` runs, after the host build.
#   1. the kernel: $VM_KERNEL if set, else vm/build-kernel.sh (cached);
#   2. an offsets file for KERNEL_OFF, from that kernel's build tree with
#      tpbpf offsets --from-headers, when the tree is there (it is when
#      build-kernel.sh built the kernel); else the one written down for
#      that kernel in tests/fixtures/offsets/RELEASE.offsets; passed to the
#      tests as TPBPF_OFFSETS_FILE;
#   3. boots the kernel with run-in-vm.sh and runs vm/guest-check.sh in it:
#      no BTF there, then tests/run.sh integration as root;
#   4. prints the guest's counts and exit code, and exits with that code.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
VM_WORK=${VM_WORK:-/var/tmp/vm-kernel}
# Under TCG the integration tests (run twice: plain and with every
# fallback forced) take many minutes; see vm/README.md.
VM_TIMEOUT=${VM_TIMEOUT:-3600}
export VM_WORK VM_TIMEOUT
cd "$root"
log() { echo "vmcheck: $*" >&2; }

t0=$(date +%s)
if [ -n "${VM_KERNEL:-}" ]; then
	kernel=$VM_KERNEL
	[ -f "$kernel" ] || { log "VM_KERNEL=$kernel: no such file"; exit 2; }
	log "kernel $kernel (VM_KERNEL)"
else
	log "building the guest kernel (cached in $VM_WORK; about 8 minutes the first time)"
	kernel=$("$here/build-kernel.sh" | tail -n 1)
fi
command -v file >/dev/null || apt-get install -y --no-install-recommends file >&2
kver=$(file -bL "$kernel" | sed -n 's/.*, version \([^ ]*\) .*/\1/p')

mkdir -p build/vm
pass_env=
tree=$VM_WORK/obj
if [ -n "$kver" ] && [ -f "$tree/include/config/kernel.release" ] &&
	[ "$(cat "$tree/include/config/kernel.release")" = "$kver" ]; then
	offsets=$root/build/vm/offsets-$kver.txt
	if build/tpbpf offsets --from-headers "$tree" --struct sk_buff.len --struct sk_buff.data_len \
		--struct sk_buff.dev --struct sk_buff.protocol --struct net_device.name \
		> "$offsets.tmp" 2> build/vm/offsets.err; then
		mv "$offsets.tmp" "$offsets"
		export TPBPF_OFFSETS_FILE=$offsets
		pass_env=TPBPF_OFFSETS_FILE
		log "offsets from the headers of $tree: $offsets"
	else
		rm -f "$offsets.tmp"
		log "tpbpf offsets --from-headers $tree failed ($(head -c 200 build/vm/offsets.err)); the test uses its fixture"
	fi
elif [ -n "$kver" ] && [ -f "tests/fixtures/offsets/$kver.offsets" ]; then
	# A prebuilt kernel without its tree: the offsets written down for it.
	export TPBPF_OFFSETS_FILE=$root/tests/fixtures/offsets/$kver.offsets
	pass_env=TPBPF_OFFSETS_FILE
	log "offsets for $kver from $TPBPF_OFFSETS_FILE"
else
	log "no build tree and no tests/fixtures/offsets/$kver.offsets: the offsets-file tests skip"
fi

out=build/vm/vmcheck.log
set +e
VM_PASS_ENV="$pass_env ${VM_PASS_ENV:-}" "$here/run-in-vm.sh" "$kernel" "$root" vm/guest-check.sh |
	tee "$out"
rc=${PIPESTATUS[0]}
set -e
summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped' "$out" | tail -n 1 || true)
echo
echo "vmcheck: guest ${kver:-?} without BTF: ${summary:-no test summary}; exit $rc ($(($(date +%s) - t0))s; log $out)"
case $rc in
99) echo "vmcheck: FAILED: the guest kernel HAS BTF (/sys/kernel/btf/vmlinux); vmcheck needs a kernel built with CONFIG_DEBUG_INFO_BTF=n" >&2 ;;
124) echo "vmcheck: FAILED: time limit (VM_TIMEOUT) hit" >&2 ;;
125) echo "vmcheck: FAILED: the VM died before the tests ended (see the console above)" >&2 ;;
esac
exit "$rc"
