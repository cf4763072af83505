# make vmcheck: the integration tests as root in a QEMU guest whose kernel
# has no BTF (no /sys/kernel/btf/vmlinux), so the paths that legacy kernels
# take are tested on every machine. Included by the top Makefile.
#   VM_KERNEL=/path/bzImage   boot this kernel instead of building one
#   VM_WORK=/var/tmp/vm-kernel  where the kernel is built and cached
#   VM_TIMEOUT, VM_CPUS, VM_MEM, VM_ACCEL, VM_VERBOSE: see vm/run-in-vm.sh
.PHONY: vmcheck vm-kernel

vmcheck: $(TEST_DEPS)
	@vm/vmcheck.sh

# Only the kernel (about 8 minutes the first time, cached afterwards).
vm-kernel:
	@vm/build-kernel.sh
