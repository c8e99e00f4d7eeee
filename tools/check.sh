#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check: everything a change must pass, in the order that fails
# fastest. Host unit tests; the CLI; the module for every installed Debian
# kernel (no W=1 warnings) and sparse; then the selftests inside a QEMU
# guest of each kernel. Every stage writes TAP into one log, and
# tools/ktap-count turns it into the closing "N passed, N failed" line.
#
# VPCPEER_CHECK_KERNELS="VER..." limits the guest runs (default: every
# kernel in /boot with headers; both a 6.1 and a 6.12 must be among them).
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
out=$top/build/check
mkdir -p "$out"
log=$out/results.tap
: > "$log"
t_start=$SECONDS

section() { echo "## section $*" >> "$log"; echo; echo "=== $* ($((SECONDS - t_start)) s)"; }

# A stage that is one test case: run CMD, keep its output in a file, and
# record ok/not ok. `tap_case NAME LOGFILE CMD...`
declare -i caseno=0
tap_begin() { caseno=0; echo "TAP version 13" >> "$log"; echo "1..$1" >> "$log"; }
tap_case() {
	local name=$1 file=$2
	shift 2
	caseno+=1
	if "$@" > "$file" 2>&1; then
		echo "ok $caseno $name" | tee -a "$log"
	else
		echo "not ok $caseno $name" | tee -a "$log"
		tail -n 25 "$file" | sed 's/^/# /' | tee -a "$log"
	fi
}

# Kernels: every /boot/vmlinuz-VER that also has headers to build against.
kernels=()
for k in /boot/vmlinuz-*; do
	v=${k#/boot/vmlinuz-}
	[ -d "/lib/modules/$v/build" ] && kernels+=("$v")
done
mapfile -t kernels < <(printf '%s\n' "${kernels[@]}" | sort -V)
guests=("${kernels[@]}")
[ -n "${VPCPEER_CHECK_KERNELS:-}" ] && read -r -a guests <<< "$VPCPEER_CHECK_KERNELS"

# --- host ----------------------------------------------------------------
section "host: unit tests"
# Building is a case of its own: a test that does not compile reports no
# TAP at all and would otherwise go uncounted.
tap_begin 1
tap_case "unit tests build" "$out/unit-build.log" make -s -C tests/unit TOP="$top" all
make -s -C tests/unit TOP="$top" run 2>&1 | tee "$out/unit.log" >> "$log"
grep -c '^ok ' "$out/unit.log" | xargs printf '%s unit cases passed\n'
grep -E '^not ok ' "$out/unit.log" || true

no_warnings() {	# no_warnings CMD...: CMD succeeds and prints no warning
	local o
	o=$("$@" 2>&1)
	local rc=$?
	printf '%s\n' "$o"
	[ $rc = 0 ] && ! grep -qiE 'warning:|error:' <<< "$o"
}

build_module() {	# build_module VER: W=1, in the per-kernel shadow tree
	no_warnings make -s "$top/build/$1/kmod/vpcpeer.ko"
}

have() { printf '%s\n' "${kernels[@]}" | grep -q "^$1"; }

section "host: build"
tap_begin $((6 + ${#kernels[@]}))
tap_case "vpcpeer-ctl builds with no warnings" "$out/ctl.log" no_warnings make -s ctl
tap_case "man page renders with no groff warnings" "$out/man.log" \
	no_warnings groff -man -ww -z Documentation/vpcpeer-ctl.8
tap_case "Debian 6.1 and 6.12 kernels installed (${kernels[*]})" "$out/kernels.log" \
	bash -c "$(declare -f have); kernels=(${kernels[*]}); have 6.1. && have 6.12."
for v in "${kernels[@]}"; do
	tap_case "module builds for $v with W=1 and no warnings" "$out/build-$v.log" build_module "$v"
done
tap_case "sparse finds nothing in the module" "$out/sparse.log" no_warnings make -s sparse
tap_case "checkpatch --strict finds nothing in the module" "$out/checkpatch.log" tools/checkpatch.sh
tap_case "netlink spec matches the uapi header" "$out/spec.log" /usr/bin/python3 tools/spec-check.py

section "host: vpcpeer-ctl exit codes and messages"
tests/cli.sh 2>&1 | tee "$out/cli.log" >> "$log"
grep -E '^(not )?ok ' "$out/cli.log" || true

# --- guests ----------------------------------------------------------------
# The kernels' guests run at the same time, each an SMP guest (two vCPUs:
# per-CPU counters, RCU readers racing writers), and their results are read
# back one kernel after the other. tools/vm/run's single-threaded TCG runs
# all of a guest's vCPUs on one host thread, so two guests share the two
# cores of this machine without slowing each other down.
declare -A pid
for v in "${guests[@]}"; do
	smp=2
	echo "=== guest $v ($smp vCPU): selftests running ($((SECONDS - t_start)) s)"
	tools/vm/run -q --smp "$smp" --kernel "$v" --timeout 1200 -- selftests/run.sh \
		> "$out/vm-$v.log" 2>&1 &
	pid[$v]=$!
done
for v in "${guests[@]}"; do
	rc=0
	wait "${pid[$v]}" || rc=$?
	section "guest $v: selftests"
	grep -E '^(not )?ok |^# (selftest|took|FAIL)|^vm/run' "$out/vm-$v.log" || true
	grep -v '^vm/run: ' "$out/vm-$v.log" >> "$log"
	# The guest itself is a case: it must finish, and its kernel log must
	# be clean (tools/vm/run exits 0 or 1 then; 124-126 otherwise).
	tap_begin 1
	caseno=0
	if [ "$rc" = 0 ] || [ "$rc" = 1 ]; then
		echo "ok 1 guest $v ran to the end with a clean kernel log" | tee -a "$log"
	else
		echo "not ok 1 guest $v ran to the end with a clean kernel log (vm/run exit $rc)" | tee -a "$log"
		grep '^vm/run' "$out/vm-$v.log" | sed 's/^/# /' | tee -a "$log"
	fi
done

echo
echo "=== summary ($((SECONDS - t_start)) s; full log: $log)"
awk -f tools/ktap-count "$log"
