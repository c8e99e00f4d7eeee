#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: the namespace benchmark (issue 6) on each installed kernel.
# For every kernel, one guest (tools/vm/run) runs tools/bench/guest-bench.sh:
# every scenario (veth, router, router+nft, netkit, pcx, pcx-100k) in that
# one boot, each metric repeated, then the control plane. The guest writes
# its samples to build/bench/guest-<kernel>.json; tools/bench/report.py
# prints one table per kernel and saves bench/results/<UTC date>-<kernel>.json.
#
#   tools/bench/bench.sh [--kernel VER]... [--reps N] [--secs S]
#                        [--cidrs N] [--peerings N] [--only "SCENARIO..."]
#                        [--mtu N] [--smoke] [--no-save] [--profile]
#                        [--icount SHIFT|off]
#
# Defaults: every kernel in /boot that has headers, 5 repetitions of 3 s,
# 100,000 CIDR blocks per VPC in pcx-100k, 1,000 peerings, --icount 1,
# and every link of every scenario at --mtu 1500 (a pcx device's own
# default is 9001; TCP packs segments of the route's MTU into its GSO
# packets, so unequal MTUs would compare segment sizes, not devices).
#
# --icount SHIFT (default 1; "off" for none): under TCG the guest's clock
# counts instructions, 2^SHIFT ns each, and skips idle time (tools/vm/run
# --icount). Without it, a rate is guest work per second of the host's
# time, and the host's other load moves it: the same run gave ±17% on pps
# and ±29% on TCP. With it, a rate is per instruction executed, the same
# from one run to the next (±0%), and a ratio is one of instruction
# counts, like callgrind's: cache misses and atomics cost no more than any
# instruction. Under KVM it is ignored. With icount the guest has one
# vCPU: single-threaded TCG runs every vCPU on one host thread and one
# instruction clock, so a second vCPU adds no capacity, and Debian's 6.1
# does not bring a second one up under QEMU 7.2's -icount (it stops at
# "x86: Booting SMP configuration").
#
# --smoke (make bench-smoke, run by make check): the newest kernel only, one
# repetition of 1 s per metric, 1,000 blocks, 50 peerings, --icount 3 (a
# guest second is 125 million instructions rather than 500: the smoke
# checks that every figure comes out, not what it is, and this takes 140 s
# of CPU rather than 208, measured with /usr/bin/time); results stay in
# build/bench/smoke/, and it fails unless every scenario produced every
# metric (the performance targets are not checked). About 2 minutes under
# TCG.
#
# --profile: then one more pps window per scenario under perf record (in
# the guest, with the host's perf), each flat profile saved beside the
# results as profile-<kernel>-<scenario>.txt.
#
# Guests run one after the other (two at once would measure each other).
# The guest's accelerator is tools/vm/run's choice (VPCPEER_VM_ACCEL=kvm|tcg
# forces it); absolute figures under TCG mean little, the ratios within a
# boot are what the targets are about.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1

kernels=() reps=5 secs=3 cidrs=100000 peerings=1000 mtu=1500 only='' smoke=0 save=1 warmup=1 profile=0 icount=1 icount_set=0
usage() { sed -n '11,14p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) kernels+=("$2"); shift 2 ;;
	--reps) reps=$2; shift 2 ;;
	--secs) secs=$2; shift 2 ;;
	--cidrs) cidrs=$2; shift 2 ;;
	--peerings) peerings=$2; shift 2 ;;
	--only) only=$2; shift 2 ;;
	--mtu) mtu=$2; shift 2 ;;
	--smoke) smoke=1 reps=1 secs=1 cidrs=1000 peerings=50 warmup=0.5 save=0; shift ;;
	--no-save) save=0; shift ;;
	--profile) profile=1; shift ;;
	--icount) icount=$2 icount_set=1; shift 2 ;;
	-h|--help) usage ;;
	*) echo "bench: unknown option '$1'" >&2; usage ;;
	esac
done
[ "$smoke" = 1 ] && [ "$icount_set" = 0 ] && icount=3
case $icount in off) icount= ;; ''|*[!0-9]*) echo "bench: --icount takes a shift (0 to 10) or off, not '$icount'" >&2; exit 2 ;; esac
for v in reps secs cidrs peerings mtu; do
	case ${!v} in ''|*[!0-9]*|0) echo "bench: --$v takes a positive integer, not '${!v}'" >&2; exit 2 ;; esac
done
[ "$peerings" -le 1000 ] ||
	{ echo "bench: --peerings takes at most 1000 (all are outstanding requests at once, and max_pending_requests allows 1000), not '$peerings'" >&2; exit 2; }
[ "$mtu" -ge 68 ] && [ "$mtu" -le 65535 ] ||
	{ echo "bench: --mtu takes 68 to 65535 (what veth and a pcx device accept), not '$mtu'" >&2; exit 2; }

if [ ${#kernels[@]} = 0 ]; then
	for k in /boot/vmlinuz-*; do
		v=${k#/boot/vmlinuz-}
		[ -d "/lib/modules/$v/build" ] && kernels+=("$v")
	done
	mapfile -t kernels < <(printf '%s\n' "${kernels[@]}" | sort -V)
	[ ${#kernels[@]} -gt 0 ] || { echo "bench: no kernel with headers in /boot: run 'make deps'" >&2; exit 1; }
	[ "$smoke" = 1 ] && kernels=("${kernels[${#kernels[@]}-1]}")
fi

outdir=$top/build/bench
[ "$smoke" = 1 ] && outdir=$top/build/bench/smoke
mkdir -p "$outdir"

make -s -C tools/bench TOP="$top" pktsend || exit 1
[ -x tools/vpcpeer-ctl/vpcpeer-ctl ] || { echo "bench: vpcpeer-ctl not built (make ctl)" >&2; exit 1; }

# Long enough for the slowest guest: the set-ups (100,000 blocks twice),
# every measurement with its start-up cost, the control plane.
timeout_s=$((600 + cidrs / 200 + reps * 6 * 5 * (secs + 10) + peerings * 3 / 5))

# What else ran on the host while a guest measured: other QEMU guests
# (this one is not running at either point) and the load average. The
# report warns when the guest had to share the host.
host_state() {
	local n
	n=$(pgrep -c -f '^qemu-system-' || true)
	printf -v "others_$1" '%s' "${n:-0}"
	printf -v "load_$1" '%s' "$(cut -d' ' -f1-3 /proc/loadavg)"
}

trap 'echo "bench: stopped by a signal after $((SECONDS - t_start)) s" >&2; exit 143' TERM INT HUP

t_start=$SECONDS
rc=0
jsons=()
for v in "${kernels[@]}"; do
	ko=$top/build/$v/kmod/vpcpeer.ko
	[ -f "$ko" ] || { echo "bench: no module for $v at $ko (make modules-all)" >&2; rc=1; continue; }
	json=$outdir/guest-$v.json
	rm -f "$json"
	echo "=== bench: $v: $reps x $secs s, pcx-100k with $cidrs blocks, $peerings peerings (guest timeout ${timeout_s} s)"
	t0=$SECONDS
	vrc=0
	host_state start
	# A log directory of its own: tools/vm/run's default, build/vm/VER/,
	# is overwritten by any other guest of the same kernel.
	tools/vm/run --kernel "$v" --timeout "$timeout_s" --log "$outdir/vm-$v" \
		${icount:+--icount "$icount" --smp 1} \
		--env VPCPEER_BENCH_REPS="$reps" --env VPCPEER_BENCH_SECS="$secs" \
		--env VPCPEER_BENCH_CIDRS="$cidrs" --env VPCPEER_BENCH_PEERINGS="$peerings" \
		--env VPCPEER_BENCH_WARMUP="$warmup" --env VPCPEER_BENCH_ONLY="$only" \
		--env VPCPEER_BENCH_OUT="$json" --env VPCPEER_BENCH_PROFILE="$profile" \
		--env VPCPEER_BENCH_ICOUNT="$icount" --env VPCPEER_BENCH_MTU="$mtu" \
		-- tools/bench/guest-bench.sh || vrc=$?
	host_state end
	echo "=== bench: $v: guest exit $vrc after $((SECONDS - t0)) s"
	printf '{"other_guests_start": %s, "other_guests_end": %s, "load_start": "%s", "load_end": "%s"}\n' \
		"$others_start" "$others_end" "$load_start" "$load_end" > "$outdir/host-$v.json"
	if [ "$vrc" != 0 ]; then
		rc=1
	fi
	if [ -s "$json" ]; then
		jsons+=("$json")
	else
		echo "bench: $v: the guest wrote no results ($json)" >&2
		rc=1
	fi
done

if [ ${#jsons[@]} -gt 0 ]; then
	args=()
	[ "$save" = 1 ] && args+=(--save "$top/bench/results")
	[ "$smoke" = 1 ] && args+=(--check)
	echo
	/usr/bin/python3 tools/bench/report.py "${args[@]}" "${jsons[@]}" || rc=1
fi
echo "bench: ${#kernels[@]} kernel(s) in $((SECONDS - t_start)) s"
exit "$rc"
