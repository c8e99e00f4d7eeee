# SPDX-License-Identifier: GPL-2.0
#
# vpcpeer: build the module and the CLI, run the tests.
#
#   make deps          install every Debian package needed (apt-get, idempotent)
#   make               kmod/vpcpeer.ko for KDIR, and tools/vpcpeer-ctl/vpcpeer-ctl
#   make modules-all   the module for every installed Debian kernel, in build/<ver>/
#   make check         unit tests, module builds, selftests in QEMU per kernel,
#                      and the same selftests under the debug kernel
#   make check-fresh   make deps, make, the host builds, the debug kernel's
#                      prepare step and make demo in a fresh minimal Debian 12
#                      root (debootstrap): proves make deps from nothing
#   make check-debug   only the debug kernel part: KASAN, UBSAN, lockdep,
#                      kmemleak, debugobjects and KUnit (built once, cached)
#   make debug-kernel  build that kernel from linux-source-6.12
#   make demo          two VPCs, a peering, traffic that passes and that is
#                      dropped, in a QEMU guest of the newest 6.12 kernel
#   make demo-regions  the same across two hosts: two guests (tools/vm/pair),
#                      each a region, a peering requested on one and accepted
#                      on the other, over WireGuard
#   make bench         veth, router, router+nft, netkit, pcx, pcx-100k and the
#                      control plane, in a QEMU guest of each kernel; one table
#                      per kernel, results in bench/results/ (BENCH_ARGS=...)
#   make bench-smoke   the same, once and short, on the newest kernel (make check)
#   make bench-lpm     host microbenchmark of the fast path's CIDR sets: times
#                      and instructions per lookup (callgrind)
#   make stress        the stress and load/unload selftests at full size
#                      (make check runs them smaller), in a 6.12 guest
#   make fuzz          host libFuzzer targets (tests/fuzz/), FUZZ_SECS each (300)
#   make sparse        the module through sparse (C=2: every file)
#   make checkpatch    the module's sources through checkpatch.pl --strict
#   make gen           regenerate the uapi header and kmod/netlink-gen.[ch]
#                      from Documentation/netlink/specs/vpcpeer.yaml with the
#                      kernel's ynl-gen-c.py; make gen-check: fail if they differ
#
# KDIR defaults to the running kernel's build tree when it exists, else the
# newest installed kernel headers.

TOP := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
KVERS := $(shell ls -d /lib/modules/*/build 2>/dev/null | cut -d/ -f4 | sort -V)
ifeq ($(wildcard /lib/modules/$(shell uname -r)/build),)
KDIR ?= $(if $(KVERS),/lib/modules/$(lastword $(KVERS))/build)
else
KDIR ?= /lib/modules/$(shell uname -r)/build
endif
BUILD := $(TOP)/build
KMOD_SRCS := $(wildcard $(TOP)/kmod/*.c $(TOP)/kmod/*.h $(TOP)/kmod/Kbuild \
	$(TOP)/kmod/test/*.[ch]) \
	$(TOP)/Kbuild $(TOP)/include/uapi/linux/vpcpeer.h

all: module ctl

deps:
	@$(TOP)/tools/deps.sh

module:
	@test -n "$(KDIR)" || { echo "no kernel headers: run 'make deps' or give KDIR=" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(TOP) W=1 modules

ctl:
	$(MAKE) -C $(TOP)/tools/vpcpeer-ctl

# Out-of-tree builds for several kernels would overwrite each other's
# objects in kmod/, and Debian's 6.1/6.12 kbuild cannot put objects
# elsewhere (MO= arrived in 6.13). So each kernel gets a shadow tree of
# symlinks in build/<ver>/ and builds there.
modules-all: $(addprefix $(BUILD)/,$(addsuffix /kmod/vpcpeer.ko,$(KVERS)))

# A release with no /lib/modules/VER/build is the debug kernel's.
kdir_of = $(if $(wildcard /lib/modules/$(1)/build),/lib/modules/$(1)/build,$(BUILD)/debug-kernel/obj)

$(BUILD)/%/kmod/vpcpeer.ko: $(KMOD_SRCS) FORCE
	@$(TOP)/tools/shadow-tree.sh $(TOP) $(BUILD)/$*
	$(MAKE) -C $(call kdir_of,$*) M=$(BUILD)/$* W=1 modules

debug-kernel:
	@$(TOP)/tools/debug-kernel/build

modules-debug: debug-kernel
	@$(MAKE) --no-print-directory $(BUILD)/$$($(TOP)/tools/debug-kernel/build --release)/kmod/vpcpeer.ko

sparse:
	@test -n "$(KDIR)" || { echo "no kernel headers: run 'make deps'" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(TOP) W=1 C=2 modules

bench-lpm:
	$(MAKE) -C $(TOP)/tools/bench TOP=$(TOP) run-lpm

# BENCH_ARGS: tools/bench/bench.sh's options (--kernel VER, --reps N, --secs S,
# --cidrs N, --peerings N, --only "SCENARIO..."); BENCH_KERNEL: the smoke's.
BENCH_ARGS ?=
bench: ctl modules-all
	$(TOP)/tools/bench/bench.sh $(BENCH_ARGS)

bench-smoke: ctl modules-all
	$(TOP)/tools/bench/bench.sh --smoke $(if $(BENCH_KERNEL),--kernel $(BENCH_KERNEL))

checkpatch:
	@$(TOP)/tools/checkpatch.sh

# The kernel's ynl tools (ynl-gen-c.py, cli.py) and the schemas of the spec
# format, from the linux-source-6.12 package that make deps installs; the
# 6.12 tree is the one whose generator the committed files come from.
# Nothing is downloaded.
KSRC_TAR ?= /usr/src/linux-source-6.12.tar.xz
YNL := $(BUILD)/ynl/linux-source-6.12/tools/net/ynl

$(YNL)/ynl-gen-c.py:
	@test -f $(KSRC_TAR) || { echo "no $(KSRC_TAR): run 'make deps'" >&2; exit 1; }
	mkdir -p $(BUILD)/ynl
	tar -xJf $(KSRC_TAR) -C $(BUILD)/ynl linux-source-6.12/tools/net/ynl \
		linux-source-6.12/Documentation/netlink
	touch $@

ynl: $(YNL)/ynl-gen-c.py

gen: ynl
	@$(TOP)/tools/ynl-gen.py --ynl $(YNL)

gen-check: ynl
	@$(TOP)/tools/ynl-gen.py --ynl $(YNL) --check

# The stress and load/unload selftests at the reliability issue's full
# sizes (make check runs them smaller), in a guest of the newest kernel.
STRESS_KVER ?= $(lastword $(filter 6.12%,$(KVERS)))
stress: ctl modules-all selftests
	@test -n "$(STRESS_KVER)" || { echo "no 6.12 kernel installed: run 'make deps'" >&2; exit 1; }
	$(TOP)/tools/vm/run -q --smp 2 --kernel $(STRESS_KVER) --timeout 5400 -- \
		$(TOP)/selftests/run.sh module.sh stress.sh

unit:
	$(MAKE) -C $(TOP)/tests/unit TOP=$(TOP) run

check:
	@$(TOP)/tools/check.sh

FUZZ_SECS ?= 300
fuzz:
	$(MAKE) -C $(TOP)/tests/fuzz TOP=$(TOP) FUZZ_SECS=$(FUZZ_SECS) run

# ynl: lifecycle.sh drives the family with the kernel's cli.py too.
selftests: ynl
	$(MAKE) -C $(TOP)/selftests all
	$(MAKE) -C $(TOP)/tools/vpcpeer-ctl static

check-debug:
	@$(TOP)/tools/check.sh --debug-only

check-fresh:
	@$(TOP)/tools/check-fresh.sh

DEMO_KVER ?= $(lastword $(filter 6.12%,$(KVERS)))
demo: ctl modules-all
	@test -n "$(DEMO_KVER)" || { echo "no 6.12 kernel installed: run 'make deps'" >&2; exit 1; }
	$(TOP)/tools/vm/run -q --kernel $(DEMO_KVER) -- $(TOP)/tools/demo.sh

# Two guests of tools/vm/pair, each a host with its own vpcpeer: a
# peering across regions, requested on one and accepted on the other.
DEMO_REGIONS_KVERS ?= $(DEMO_KVER),$(DEMO_KVER)
demo-regions: ctl modules-all
	@test -n "$(DEMO_KVER)" || { echo "no 6.12 kernel installed: run 'make deps'" >&2; exit 1; }
	$(TOP)/tools/vm/pair --kernels $(DEMO_REGIONS_KVERS) -- $(TOP)/tools/demo-regions.sh

clean:
	-$(MAKE) -C $(KDIR) M=$(TOP) clean
	$(MAKE) -C $(TOP)/tools/vpcpeer-ctl clean
	rm -rf $(BUILD)

FORCE:
.PHONY: all deps module ctl ynl gen gen-check selftests fuzz modules-all debug-kernel modules-debug check-debug check-fresh sparse checkpatch bench bench-smoke bench-lpm stress unit check demo demo-regions clean FORCE
