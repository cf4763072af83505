#!/bin/busybox sh
# /init of the throw-away initramfs that run-in-vm.sh builds (busybox-static only).
#
# 1. mounts proc/sys/dev, loads the few modules a modular (distro) kernel needs,
# 2. mounts the 9p shares set up by run-in-vm.sh:
#      vmctl    -> host temp dir: env + cmd.sh in, rc + timings out
#      hostroot -> host's / (read-only), made writable with a tmpfs overlay
#      project  -> PROJECT_DIR (read-write), at the same path as on the host
# 3. mounts tracefs/debugfs/bpffs/cgroup2, brings lo up,
# 4. chroots into the host's root and runs cmd.sh as root, output on ttyS1,
# 5. writes the exit code back and reboots (qemu -no-reboot then exits).
B=/bin/busybox
OPT9P="trans=virtio,version=9p2000.L,msize=262144"
say() { echo "[vm-init] $*" >/dev/console; }
die() { say "FATAL: $*"; $B sync; $B reboot -f; }

$B mkdir -p /proc /sys /dev /tmp /ctl /lower /rw /newroot
$B mount -t proc proc /proc
$B mount -t sysfs sysfs /sys
$B mount -t devtmpfs devtmpfs /dev 2>/dev/null

if [ -f /modules/load.list ]; then
	while read -r m; do
		$B insmod "/modules/$m" || say "insmod $m failed"
	done </modules/load.list
fi

$B mount -t 9p -o "$OPT9P" vmctl /ctl || die "cannot mount the vmctl 9p share"
. /ctl/env
say "kernel $($B uname -r), $($B nproc) cpus; /sys/kernel/btf/vmlinux: $([ -e /sys/kernel/btf/vmlinux ] && echo present || echo absent)"

# The host's root, read-only, with a tmpfs overlay on top so that the guest can
# write anywhere (writes are thrown away at power-off).
$B mount -t 9p -o "$OPT9P,ro,cache=loose" hostroot /lower || die "cannot mount hostroot"
$B mount -t tmpfs -o mode=0755 tmpfs /rw
$B mkdir -p /rw/upper /rw/work
if ! $B mount -t overlay overlay -o lowerdir=/lower,upperdir=/rw/upper,workdir=/rw/work /newroot; then
	say "overlay over 9p failed; using the read-only host root plus tmpfs dirs"
	$B mount --bind /lower /newroot
	for d in tmp run var/tmp root; do $B mount -t tmpfs tmpfs "/newroot/$d"; done
fi
R=/newroot
$B mount -t proc proc $R/proc
$B mount -t sysfs sysfs $R/sys
$B mount -t devtmpfs devtmpfs $R/dev
$B mkdir -p $R/dev/pts $R/dev/shm
$B mount -t devpts devpts $R/dev/pts 2>/dev/null
# What udev would add: bash's <(...) needs /dev/fd.
$B ln -sf /proc/self/fd $R/dev/fd
$B ln -sf /proc/self/fd/0 $R/dev/stdin
$B ln -sf /proc/self/fd/1 $R/dev/stdout
$B ln -sf /proc/self/fd/2 $R/dev/stderr
$B mount -t tmpfs tmpfs $R/dev/shm
$B mount -t tmpfs tmpfs $R/tmp
$B mount -t tmpfs tmpfs $R/run
$B mount -t tracefs tracefs $R/sys/kernel/tracing 2>/dev/null || say "no tracefs"
$B mount -t debugfs debugfs $R/sys/kernel/debug 2>/dev/null || say "no debugfs"
$B mount -t bpf bpf $R/sys/fs/bpf 2>/dev/null || say "no bpffs"
$B mount -t cgroup2 cgroup2 $R/sys/fs/cgroup 2>/dev/null
$B mkdir -p $R/run/vmctl
$B mount --bind /ctl $R/run/vmctl
$B mkdir -p "$R$VM_GUEST_DIR"
$B mount -t 9p -o "$OPT9P,cache=mmap" project "$R$VM_GUEST_DIR" || die "cannot mount the project share"
$B ip link set lo up 2>/dev/null || $B ifconfig lo 127.0.0.1 up
$B hostname "${VM_HOSTNAME:-vm}"

# The command's stdout+stderr go to the second serial port (x86_64) or the
# virtio console (arm64), raw (no \n -> \r\n).
OUT=${VM_OUT_TTY:-/dev/ttyS1}
exec 3>"$OUT"
$B stty -F "$OUT" raw -echo 2>/dev/null
$B cut -d' ' -f1 /proc/uptime >/ctl/t_start
SH=/bin/bash # cmd.sh is quoted with bash's printf %q
[ -x $R$SH ] || SH=/bin/sh
$B chroot $R $SH /run/vmctl/cmd.sh </dev/null >&3 2>&3
rc=$?
$B cut -d' ' -f1 /proc/uptime >/ctl/t_end
echo "$rc" >/ctl/rc
exec 3>&-
$B sync
$B umount "$R$VM_GUEST_DIR" 2>/dev/null
$B sync
$B reboot -f
