#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh [PROG...]: run the selftest programs (default: TEST_PROGS from the
# Makefile) one after another, each printing its own KTAP stream, and exit
# non-zero when any of them failed. Skipped programs (exit 4) do not fail
# the run. Meant to run as root inside tools/vm/run.
#
# After each program a diagnostic line "# time: PROG WALL s wall, BUSY s
# busy" says how long it took and how much of that the guest's CPUs were
# not idle (summed over CPUs), so that make check's budget can be watched
# per program: a program that mostly sleeps on a clock costs its host core
# little, one that computes costs it all.
cd "$(dirname "$0")" || exit 1

# Cheap processes. The suites start thousands of short processes, and
# under TCG starting a dynamically linked one costs 100-200 ms of guest
# CPU (ld.so mapping and relocating its libraries; 4-5 times that in the
# debug kernel) where a static one costs 20-40 ms. So, in a guest of
# tools/vm/run (whose root is a RAM overlay), the programs an exec trace
# of the suites showed most often come first in PATH as static ones:
# vpcpeer-ctl linked statically by "make selftests" (the same objects as
# the dynamic one, which tests/cli.sh and the host use) and busybox's
# applets. VPCPEER_FAST_TOOLS=0 keeps the system's programs.
fast_tools() {
	local d=/tmp/vpcpeer-tools a
	local ctl=../tools/vpcpeer-ctl/vpcpeer-ctl
	[ "${VPCPEER_FAST_TOOLS:-1}" = 1 ] && [ -d /run/vmrun ] || return 0
	mkdir -p "$d" || return 0
	if [ -x "$ctl-static" ] && ! [ "$ctl" -nt "$ctl-static" ]; then
		strip -o "$d/vpcpeer-ctl" "$ctl-static" &&
			export VPCPEER_CTL=$d/vpcpeer-ctl
	else
		echo "# run.sh: no up-to-date $ctl-static (make selftests): the dynamic vpcpeer-ctl runs, slowly"
	fi
	if [ -x /bin/busybox ]; then
		for a in grep sed awk cat cut head tail sort uniq wc tr seq sleep \
			mktemp readlink nsenter; do
			ln -sf /bin/busybox "$d/$a"
		done
	fi
	export PATH=$d:$PATH
}
fast_tools
progs=("$@")
if [ ${#progs[@]} -eq 0 ]; then
	read -r -a progs <<< "$(sed -n 's/^TEST_PROGS *:= *//p' Makefile)"
fi

# Jiffies the CPUs spent not idle (user nice system irq softirq steal).
busy_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat; }
hz=$(getconf CLK_TCK)

# kselftest's per-program bound, from settings.
limit=$(sed -n 's/^timeout=//p' settings)

rc=0
for p in "${progs[@]}"; do
	echo "# selftest: $p on $(uname -r)"
	t0=$(cut -d' ' -f1 /proc/uptime) b0=$(busy_ticks)
	timeout -k 10 "${limit:-4800}" "./$p"
	case $? in
	0|4) ;;
	124) echo "# $p: timed out after ${limit:-4800} s (settings)"; rc=1 ;;
	*) rc=1 ;;
	esac
	t1=$(cut -d' ' -f1 /proc/uptime) b1=$(busy_ticks)
	awk -v p="$p" -v t0="$t0" -v t1="$t1" -v b="$((b1 - b0))" -v hz="$hz" \
		'BEGIN { printf "# time: %s %.0f s wall, %.0f s busy\n", p, t1 - t0, b / hz }'
done
exit $rc
