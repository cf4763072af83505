# make vmcheck: the integration tests as root in a QEMU guest whose kernel
# has no BTF (no /sys/kernel/btf/vmlinux), so the paths that legacy kernels
# take are tested on every machine. Included by the top Makefile.
#   KERNEL=6.1|5.10|all        the lane(s): Debian's 6.1 (default), bullseye's 5.10
#   VM_KERNEL_6_1=/path/bzImage, VM_KERNEL_5_10=/path/bzImage
#                              boot this image in that lane instead of building one
#   VM_KERNEL=/path/bzImage    the same for a single lane
#   VM_WORK=/var/tmp/vm-kernel where kernels are built and cached (one dir per version)
#   VM_TIMEOUT, VM_CPUS, VM_MEM, VM_ACCEL, VM_VERBOSE: see vm/run-in-vm.sh
#   ARCH=arm64                 the arm64 lane: build/arm64 tested in an arm64
#                              6.1 guest (qemu-system-aarch64, TCG), kernel and
#                              root tree cached in VM_WORK; see vm/vmcheck.sh for
#                              VM_ARM64_TESTS and VM_ARM64_FORCED
.PHONY: vmcheck vm-kernel

vmcheck: $(TEST_DEPS)
	@vm/vmcheck.sh $(or $(KERNEL),6.1)

# Only the kernel(s) (about 8 minutes each the first time, cached afterwards).
vm-kernel:
	@set -e; case "$(or $(KERNEL),6.1)" in all) l="6.1 5.10" ;; *) l="$(or $(KERNEL),6.1)" ;; esac; \
	for v in $$l; do ARCH=$(or $(TARGET_ARCH_NAME),x86_64) vm/build-kernel.sh $$v; done
