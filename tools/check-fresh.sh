#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check-fresh: prove that the README's set-up works on a fresh Debian
# 12, without trusting this machine (which keeps whatever was ever
# installed on it by hand). In a minimal Debian 12 root made by
# `debootstrap --variant=minbase bookworm`, with a clean clone of HEAD, it
# runs, each as one test case:
#
#   make deps                    every package, from nothing
#   make                         the module and vpcpeer-ctl
#   make check's host builds     what the selftests require (tools/needs.sh),
#                                selftests' helpers, unit tests, libFuzzer
#                                targets, lpm-bench, the man page, sparse,
#                                checkpatch, the spec check
#   the debug kernel's configuration and `make prepare` (its tools:
#                                flex, bison, libelf, bc...; not the build)
#   make demo                    a QEMU guest, in the root, of its own kernel
#
# and ends with "N passed, N failed". A missing package shows as a failing
# case whose diagnostics name the missing program.
#
# The pristine root (about 51 s to make, 90 MB) is cached in
# build/fresh/minbase and made again when it is a week old or this script
# changes; every run copies it, so every run installs from nothing, and a
# change to tools/deps.sh is always what is tested. It downloads a few
# hundred MB from the Debian archive this machine uses. Root only; not part
# of make check. VPCPEER_FRESH_KEEP=1 keeps the root of the last run
# (build/fresh/root) for a look inside; the next run replaces it.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
dir=$top/build/fresh
base=$dir/minbase
root=$dir/root
log=$dir/results.tap
mirror=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n1)
mirror=${VPCPEER_FRESH_MIRROR:-${mirror:-http://deb.debian.org/debian}}

err() { echo "check-fresh: $*" >&2; }
[ "$(id -u)" = 0 ] || { err "must run as root (debootstrap, chroot)"; exit 1; }
command -v debootstrap > /dev/null || { err "no debootstrap: run 'make deps'"; exit 1; }

mkdir -p "$dir"
: > "$log"
t_start=$SECONDS
n=0
echo "TAP version 13" | tee -a "$log"
echo "1..6" | tee -a "$log"

case_() {	# case_ NAME LOGFILE CMD...: one test case
	local name=$1 file=$2 t0=$SECONDS
	shift 2
	n=$((n + 1))
	if "$@" > "$file" 2>&1; then
		echo "ok $n $name ($((SECONDS - t0)) s)" | tee -a "$log"
		return 0
	fi
	echo "not ok $n $name ($((SECONDS - t0)) s)" | tee -a "$log"
	tail -n 30 "$file" | sed 's/^/# /' | tee -a "$log"
	return 1
}
skip_rest() {	# skip_rest REASON NAME...
	local why=$1
	shift
	for name in "$@"; do
		n=$((n + 1))
		echo "ok $n $name # SKIP $why" | tee -a "$log"
	done
}

# --- the mounts the root needs, and a teardown that never deletes through
# one: rm -rf of a root with the host's /dev or /proc still bound inside
# would delete the host's.
mounted=()
mnt() {	# mnt TARGET MOUNT-ARGS...
	local t=$1
	shift
	mkdir -p "$t" && mount "$@" "$t" && mounted+=("$t")
}
unmount_all() {
	local i
	for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
		umount -R "${mounted[$i]}" 2>/dev/null || umount -R -l "${mounted[$i]}"
	done
	mounted=()
}
remove_root() {
	if findmnt -rn -o TARGET | grep -q "^$root\(/\|$\)"; then
		err "something is still mounted in $root: not removing it"
		return 1
	fi
	rm -rf --one-file-system "$root"
}
trap 'unmount_all' EXIT

# --- 1. the pristine root, cached
make_base() {
	local key
	key=$( { debootstrap --version; cat "$0"; echo "$mirror"; } | sha256sum | cut -c1-16)
	if [ "$(cat "$base/.vpcpeer-key" 2>/dev/null)" = "$key" ] &&
	   [ -z "$(find "$base/.vpcpeer-key" -mtime +7 2>/dev/null)" ]; then
		echo "cached: $base ($(cat "$base/.vpcpeer-key"))"
		return 0
	fi
	rm -rf --one-file-system "$base" "$base.new"
	debootstrap --variant=minbase bookworm "$base.new" "$mirror" || return 1
	echo "$key" > "$base.new/.vpcpeer-key"
	mv "$base.new" "$base"
}

# --- in the root: a clean clone of HEAD, the host's apt sources (the same
# archive and security suite), and nothing else from this machine.
setup_root() {
	remove_root || return 1
	cp -a "$base" "$root" || return 1
	rm -f "$root/.vpcpeer-key"
	git -C "$top" rev-parse --verify HEAD > /dev/null || return 1
	git clone -q --no-local "$top" "$root/src/vpcpeer" || return 1
	echo "HEAD $(git -C "$root/src/vpcpeer" log --oneline -1)"
	if [ -r /etc/apt/sources.list.d/debian.sources ] && [ -z "${VPCPEER_FRESH_MIRROR:-}" ]; then
		cp /etc/apt/sources.list.d/debian.sources "$root/etc/apt/sources.list.d/"
		: > "$root/etc/apt/sources.list"
	fi
	cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null
	mnt "$root/proc" -t proc proc &&
	mnt "$root/sys" -t sysfs sysfs &&
	# A slave: nothing mounted or unmounted below it reaches the host's.
	mnt "$root/dev" --rbind /dev && mount --make-rslave "$root/dev"
}

# in_root CMD: CMD by bash -c, as root in the clone, with a clean
# environment (CI's variables, a user's PATH, nothing of this machine).
in_root() {
	env -i HOME=/root TERM=dumb LANG=C.UTF-8 CI="${CI:-}" \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		DEBIAN_FRONTEND=noninteractive \
		${VPCPEER_VM_ACCEL:+VPCPEER_VM_ACCEL=$VPCPEER_VM_ACCEL} \
		chroot "$root" /bin/bash -c "cd /src/vpcpeer && $1"
}

# The README's prerequisites are a root shell, git (to clone; done from
# outside here) and make: minbase has no make, so it comes first, alone.
deps='apt-get update -q && apt-get install -y -q --no-install-recommends make && make deps'
host_builds='set -e
tools/needs.sh
make -s selftests
make -s -C tests/unit TOP=$PWD all
make -s -C tests/fuzz TOP=$PWD all
make -s -C tools/bench TOP=$PWD lpm-bench
groff -man -ww -z Documentation/vpcpeer-ctl.8
make -s sparse
tools/checkpatch.sh
make -s gen-check
python3 tools/spec-check.py'

rest=("make deps installs every package" "make builds the module and vpcpeer-ctl"
	"make check's host-side builds and checkers run"
	"the debug kernel configures and prepares (tools/debug-kernel/build --prepare)"
	"make demo passes in a guest")
if ! case_ "a minimal Debian 12 root (debootstrap --variant=minbase bookworm)" \
	"$dir/debootstrap.log" make_base; then
	skip_rest "no root" "${rest[@]}"
elif ! setup_root > "$dir/setup.log" 2>&1; then
	err "could not set up $root:"; tail -n 20 "$dir/setup.log" >&2
	skip_rest "the root could not be set up (build/fresh/setup.log)" "${rest[@]}"
elif ! case_ "${rest[0]}" "$dir/deps.log" in_root "$deps"; then
	skip_rest "make deps failed" "${rest[@]:1}"
else
	case_ "${rest[1]}" "$dir/make.log" in_root 'make'
	case_ "${rest[2]}" "$dir/host-builds.log" in_root "$host_builds"
	case_ "${rest[3]}" "$dir/debug-prepare.log" in_root 'tools/debug-kernel/build --prepare'
	case_ "${rest[4]}" "$dir/demo.log" in_root 'make demo'
fi

unmount_all
[ "${VPCPEER_FRESH_KEEP:-0}" = 1 ] || remove_root
echo "# check-fresh took $((SECONDS - t_start)) s; logs in $dir"
awk -f "$top/tools/ktap-count" "$log"
