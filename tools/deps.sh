#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install, idempotently, every Debian 12 package that building, testing and
# benchmarking vpcpeer needs. Packages already present are skipped;
# `apt-get update` runs at most once, and only when something is missing.
# Both Debian kernels are installed (image + headers) because every kernel
# test boots them in QEMU: 6.1 (linux-image-amd64) and the newest 6.12.
set -euo pipefail

# By what needs them (make check-fresh proves the list on a minbase root;
# a package another one happens to pull in is still named where we use it):
pkgs=(
	# the module, vpcpeer-ctl, the host tests: kernel-doc (W=1) and
	# checkpatch.pl need the full perl, not perl-base
	gcc make libc6-dev pkg-config perl
	libnl-3-dev libnl-genl-3-dev libnl-3-200 libnl-genl-3-200
	libcmocka-dev sparse groff-base valgrind python3 python3-yaml
	# the netlink spec: ynl-gen-c.py and the ynl client validate it
	python3-jsonschema
	clang libclang-rt-14-dev
	# the guests (tools/vm/run) and what the selftests, the demo and the
	# benchmarks run inside them (the guest's root is this machine's)
	linux-image-amd64 linux-headers-amd64
	qemu-system-x86 busybox-static kmod xz-utils cpio
	iproute2 iputils-ping iperf3 ethtool nftables sockperf procps
	# the inter-region tests: WireGuard's wg(8) configures the
	# encrypted underlay the module insists on
	wireguard-tools
	# the debug kernel, built from source (flex/bison: kconfig; libelf:
	# objtool; bc: timeconst.h)
	linux-source-6.12 flex bison libelf-dev bc
	# make check-fresh
	debootstrap git
)

if [ "$(id -u)" -ne 0 ]; then
	echo "deps: must run as root (apt-get install)" >&2
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive
updated=0
apt_update_once() {
	if [ "$updated" -eq 0 ]; then
		apt-get update -q
		updated=1
	fi
}

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'ok installed'; }

# The 6.12 kernel's package name carries its ABI number, which moves with
# security updates: pick the newest one the archive offers, unless one is
# already installed (keeping it avoids a download on every run).
k612=$(dpkg-query -W -f='${Package}\n' 'linux-image-6.12.*+deb12-amd64' 2>/dev/null |
	grep -v -- '-unsigned$' | sort -V | tail -n1 || true)
if [ -z "$k612" ]; then
	k612=$(apt-cache search --names-only '^linux-image-6\.12.*deb12-amd64$' | awk '{print $1}' | sort -V | tail -n1)
	if [ -z "$k612" ]; then
		apt_update_once
		k612=$(apt-cache search --names-only '^linux-image-6\.12.*deb12-amd64$' | awk '{print $1}' | sort -V | tail -n1)
	fi
fi
if [ -n "$k612" ]; then
	pkgs+=("$k612" "${k612/linux-image-/linux-headers-}")
else
	echo "deps: no Debian 6.12 kernel found in the archive; 6.12 tests will be skipped" >&2
fi

missing=()
for p in "${pkgs[@]}"; do
	installed "$p" || missing+=("$p")
done

if [ "${#missing[@]}" -eq 0 ]; then
	echo "deps: all ${#pkgs[@]} packages present"
	exit 0
fi

echo "deps: installing ${missing[*]}"
apt_update_once
apt-get install -y -q --no-install-recommends "${missing[@]}"
