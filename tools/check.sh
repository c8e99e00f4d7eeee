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
#
# The debug kernel (tools/debug-kernel/: KASAN, UBSAN, lockdep, kmemleak,
# debugobjects, KUnit) runs every selftest too. Its build is the longest
# stage, so it starts first, in the background, and its guest starts as
# soon as it is built. --debug-only runs just that part (make check-debug);
# VPCPEER_CHECK_DEBUG=0 leaves it out (a quicker loop while developing).
set -uo pipefail

mode=all
case ${1:-} in
--debug-only) mode=debug ;;
'') ;;
*) echo "usage: tools/check.sh [--debug-only]" >&2; exit 2 ;;
esac
debug=${VPCPEER_CHECK_DEBUG:-1}
[ "$mode" = debug ] && debug=1

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
out=$top/build/check
mkdir -p "$out"
log=$out/results.tap
: > "$log"
t_start=$SECONDS

header() { echo "## section $*" >> "$log"; echo; echo "=== $* ($((SECONDS - t_start)) s)"; }
section() { header "$@"; fg_stage "$*"; }	# a foreground stage begins

# Every stage's wall and CPU time, for the table at the end: `timed NAME
# CMD...` runs CMD (a command or a function of this script) in a subshell
# and appends "NAME<TAB>start<TAB>end<TAB>cpu" to $times, the CPU time
# being everything the subshell and its reaped children used (a guest's
# QEMU, a compiler's jobs). It returns CMD's status.
times_file=$out/stages.tsv
: > "$times_file"
timed() {
	local name=$1 t0=$SECONDS rc=0 f
	shift
	f=$(mktemp)
	( "$@"; r=$?; times > "$f"; exit $r ) || rc=$?
	awk -v n="$name" -v t0="$((t0 - t_start))" -v t1="$((SECONDS - t_start))" '
		{ for (i = 1; i <= NF; i++) { split($i, a, /[ms]/); cpu += a[1] * 60 + a[2] } }
		END { printf "%s\t%d\t%d\t%.0f\n", n, t0, t1, cpu }' "$f" >> "$times_file"
	rm -f "$f"
	return $rc
}
# The foreground stages: each section is timed from its start to the next
# one's, CPU from this shell's reaped children (background jobs are reaped
# only by the waits at the end, which belong to no stage of their own).
fg_name='' fg_t0=0 fg_c0=0
cpu_now() {	# CPU_NOW: this shell's and its reaped children's CPU seconds
	# `times` in this shell, not in a $(...) subshell of its own.
	times > "$out/.times"
	CPU_NOW=$(awk '{ for (i = 1; i <= NF; i++) { split($i, a, /[ms]/); c += a[1] * 60 + a[2] } }
		END { printf "%.0f", c }' "$out/.times")
}
# A background job reaped inside a foreground stage has its own line:
# `reaped CMD...` runs CMD (which waits for it) and keeps its CPU out of
# the stage's.
reaped() {
	local c0 rc=0
	cpu_now; c0=$CPU_NOW
	"$@" || rc=$?
	cpu_now; fg_c0=$((fg_c0 + CPU_NOW - c0))
	return $rc
}
fg_stage() {
	local c
	cpu_now; c=$CPU_NOW
	[ -n "$fg_name" ] && printf '%s\t%d\t%d\t%d\n' "$fg_name" "$fg_t0" "$((SECONDS - t_start))" "$((c - fg_c0))" >> "$times_file"
	fg_name=$1 fg_t0=$((SECONDS - t_start)) fg_c0=$c
}
stage_table() {
	echo
	echo "=== stages: wall and CPU time (s; CPU summed over both cores)"
	printf '  %-52s %6s %6s %6s %6s\n' stage start end wall cpu
	sort -t"$(printf '\t')" -k2,2n "$times_file" | awk -F'\t' '
		{ printf "  %-52s %6d %6d %6d %6d\n", $1, $2, $3, $3 - $2, $4; cpu += $4 }
		END { printf "  %-52s %6s %6s %6s %6d\n", "total CPU", "", "", "", cpu }'
}

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
		return 1
	fi
}
# A case that cannot run because what it needs failed (and was counted
# as failed once, where it failed): `tap_skip NAME REASON`.
tap_skip() {
	caseno+=1
	echo "ok $caseno $1 # SKIP $2" | tee -a "$log"
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

if [ "$debug" = 1 ]; then
	timed "debug kernel build" tools/debug-kernel/build > "$out/debug-kernel.log" 2>&1 &
	debug_build_pid=$!
fi

# A guest's results: its KTAP streams, then the guest itself as a case: it
# must finish, and its kernel log must be clean (tools/vm/run exits 0 or 1
# then; 124-126 otherwise). `collect_guest NAME LOG VM-RUN-STATUS`
collect_guest() {
	local name=$1 file=$2 rc=$3
	header "guest $name: selftests"
	grep -E '^(not )?ok |^# (selftest|took|FAIL)|^vm/run' "$file" || true
	grep -v '^vm/run: ' "$file" >> "$log"
	tap_begin 1
	caseno=0
	if [ "$rc" = 0 ] || [ "$rc" = 1 ]; then
		echo "ok 1 guest $name ran to the end with a clean kernel log" | tee -a "$log"
	else
		echo "not ok 1 guest $name ran to the end with a clean kernel log (vm/run exit $rc)" | tee -a "$log"
		grep '^vm/run' "$file" | sed 's/^/# /' | tee -a "$log"
	fi
}

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

# Sizes: stress.sh, module.sh and fuzz.sh default to the reliability
# issue's figures (1,000 VPCs and peerings, 10,000 CIDR operations, 10,000
# accept/delete races, 60 s of churn, 100 load/unload cycles); `make
# stress` runs them whole. make check runs every case on every kernel and
# sizes them by what each kernel is there to prove, so that a whole run,
# the debug kernel's build included, fits its budget:
#   - the newest Debian kernel (6.12), the one most hosts will run, takes
#     the large sizes: the 1,000-VPC scale case, 1,000 races, 1,000 CIDR
#     operations, 25 load/unload cycles, 10,000 fuzz messages;
#   - the debug kernel (6.12 with KASAN, lockdep, kmemleak...), where a
#     race or a leak is seen rather than survived, runs the fuzzer as
#     large as 6.12 does (10,000 messages; it ran 20,000, 190 s of a core,
#     until the inter-region cases needed the time) and the rest at a
#     tenth, since it is several times slower;
#   - 6.1 proves that the module builds and behaves on the older API
#     (no netkit, no genl_split_ops, older rtnl): every case, at the
#     debug kernel's sizes (its fuzz at 3,000).
# The figures are in each case's diagnostics. Churn under traffic keeps
# both cores of its guest busy for as long as it lasts, so it runs 30 s
# everywhere (4 workers on the Debian kernels, 2 in the debug kernel,
# where traffic is slow to start: 4 rounds in 45 s there, with traffic
# seen in each); make stress runs it 60 s.
stress_small=(--env VPCPEER_STRESS_RACE=1000 --env VPCPEER_STRESS_CIDR_OPS=1000
	--env VPCPEER_LOAD_CYCLES=25 --env VPCPEER_STRESS_SECS=30)
stress_tenth=(--env VPCPEER_STRESS_VPCS=100 --env VPCPEER_STRESS_PEERINGS=100
	--env VPCPEER_STRESS_CIDR_OPS=500 --env VPCPEER_STRESS_RACE=300
	--env VPCPEER_LOAD_CYCLES=10 --env VPCPEER_STRESS_SECS=30)
#   - the debug kernel leaves out lifecycle.sh's ynl case: it proves the
#     spec against the family, which the Debian kernels show as well, with
#     nothing of the kernel's that other cases do not run, and each of its
#     python commands costs 10 s of CPU there.
stress_debug=("${stress_tenth[@]}"
	--env VPCPEER_STRESS_WORKERS=2 --env VPCPEER_FUZZ_MSGS=10000
	--env VPCPEER_SKIP_CASES='^ynl_cli_speaks_the_spec$')
sizes_of() {	# sizes_of VER: the --env options of that kernel's guest
	case $1 in
	6.1.*) echo "${stress_tenth[*]} --env VPCPEER_FUZZ_MSGS=3000" ;;
	*) echo "${stress_small[*]}" ;;
	esac
}

# Every kernel's selftests run in two guests of about the same CPU time
# (the "# time:" lines): the debug kernel's because it is slow, the
# Debian kernels' because four jobs of a few minutes pack the two cores
# at the end of the run better than two long ones.
parts=("module.sh peering.sh lifecycle.sh region.sh" "peering-rules.sh packets.sh kunit.sh fuzz.sh stress.sh")

if [ "$mode" = all ]; then
# --- host ----------------------------------------------------------------
section "host: unit tests"
# Building is a case of its own: a test that does not compile reports no
# TAP at all and would otherwise go uncounted.
tap_begin 1
tap_case "unit tests build" "$out/unit-build.log" make -s -C tests/unit TOP="$top" all
make -s -C tests/unit TOP="$top" run 2>&1 | tee "$out/unit.log" >> "$log"
grep -c '^ok ' "$out/unit.log" | xargs printf '%s unit cases passed\n'
grep -E '^not ok ' "$out/unit.log" || true

section "host: build"
tap_begin $((9 + ${#kernels[@]}))
tap_case "every program the selftests require is installed" "$out/needs.log" tools/needs.sh
tap_case "vpcpeer-ctl builds with no warnings" "$out/ctl.log" no_warnings make -s ctl
tap_case "the selftests' helpers build with no warnings" "$out/selftests-build.log" \
	no_warnings make -s selftests
tap_case "man page renders with no groff warnings" "$out/man.log" \
	no_warnings groff -man -ww -z Documentation/vpcpeer-ctl.8
tap_case "Debian 6.1 and 6.12 kernels installed (${kernels[*]})" "$out/kernels.log" \
	bash -c "$(declare -f have); kernels=(${kernels[*]}); have 6.1. && have 6.12."
declare -A built
for v in "${kernels[@]}"; do
	tap_case "module builds for $v with W=1 and no warnings" "$out/build-$v.log" \
		build_module "$v" && built[$v]=1
done
tap_case "sparse finds nothing in the module" "$out/sparse.log" no_warnings make -s sparse
tap_case "checkpatch --strict finds nothing in the module" "$out/checkpatch.log" tools/checkpatch.sh
# The spec is the source: the uapi header and kmod/netlink-gen.[ch] must be
# what the kernel's ynl-gen-c.py makes of it (regenerated in a temporary
# directory and compared); spec-check.py checks what no generator does.
tap_case "uapi header and kmod/netlink-gen.[ch] are what ynl-gen-c makes of the spec" \
	"$out/gen.log" make -s gen-check
tap_case "netlink spec documented throughout; vpcpeer-ctl decodes all it describes" \
	"$out/spec.log" /usr/bin/python3 tools/spec-check.py

section "host: vpcpeer-ctl exit codes and messages"
tests/cli.sh 2>&1 | tee "$out/cli.log" >> "$log"
grep -E '^(not )?ok ' "$out/cli.log" || true

section "host: the selftests' library (too_slow reruns)"
tests/selftest-lib.sh 2>&1 | tee "$out/selftest-lib.log" >> "$log"
grep -E '^(not )?ok ' "$out/selftest-lib.log" || true

# A short run of each libFuzzer target (make fuzz runs them longer); what
# they find is kept in build/fuzz/, a crash's input as build/fuzz/TARGET-*.
fuzz_secs=${VPCPEER_CHECK_FUZZ_SECS:-25}
section "host: libFuzzer targets, ${fuzz_secs} s each"
tap_begin 4
tap_case "libFuzzer targets build (clang, ASan, UBSan)" "$out/fuzz-build.log" \
	make -s -C tests/fuzz TOP="$top" all
for t in fuzz_lpm fuzz_parse fuzz_xproto; do
	tap_case "$t: no crash, leak or model mismatch in ${fuzz_secs} s" "$out/$t.log" \
		make -s -C tests/fuzz TOP="$top" FUZZ_SECS="$fuzz_secs" "run-$t"
done

# make bench-lpm's instruction counts, at 1,000 prefixes (2 s): every
# structure, family and stream counted, and the trie under the linear scan.
lpm_insn_check() {
	local out
	make -s -C tools/bench TOP="$top" lpm-bench || return 1
	out=$(tools/bench/lpm-insn.sh build/bench/lpm-bench 1000) || return 1
	echo "$out"
	awk '$2 == 1000 { n++; if (!($4 > 0 && $5 > 0 && $4 < $6)) bad = 1 }
	     END { exit bad || n != 4 }' <<< "$out"
}
section "host: bench-lpm instruction counts"
tap_begin 1
tap_case "callgrind counts every lookup structure; the trie beats a linear scan at 1k" \
	"$out/lpm-insn.log" lpm_insn_check

# tools/vm/pair, which the inter-region tests boot their two guests with:
# one boot of each (6.1 and 6.12) over their private link, then a timeout
# and an interrupt, each leaving nothing behind (about 30 s of CPU).
section "host: tools/vm/pair (two guests, one link)"
tests/vm-pair.sh 2>&1 | tee "$out/vm-pair.log" >> "$log"
grep -E '^(not )?ok ' "$out/vm-pair.log" || true

# --- guests ----------------------------------------------------------------
# Two cores, and more work than fits on them at once: the debug kernel's
# build (both cores, about nine minutes alone), then its two guests (one
# core each, the longest of the run), the two Debian kernels' guests and
# the benchmark's smoke run. tools/vm/run's single-threaded TCG runs all
# of a guest's vCPUs on one host thread, so a guest is one busy core.
#
# The debug kernel is the long pole, so it has the cores first: the build
# and then its guests run at the normal priority, and the Debian kernels'
# guests at nice 10. Those run from now on, on whatever the build and the
# debug guests leave (its single-threaded steps, the end of each part),
# and have the cores to themselves at the end. The bench smoke (about
# two minutes of one core) runs at the normal priority: its guest's clock
# counts instructions, but its timeout is the host's, and at nice 10 it
# was starved past it. No core idles while there is work, and a stage
# that depends on nothing does not wait for one that does. The guests are
# SMP (two vCPUs: per-CPU counters, RCU readers racing writers).
low() { nice -n 10 "$@"; }

# The benchmark, once and briefly (make bench-smoke: one repetition, a
# second a metric), in a guest of the newest kernel: every scenario and
# metric must come out, so that make bench never rots. The performance
# targets are make bench's, not checked here. Its clock counts
# instructions, so running it beside the others changes no figure.
echo "=== guest bench smoke running ($((SECONDS - t_start)) s)"
timed "guest: bench smoke" make -s bench-smoke BENCH_KERNEL="${guests[${#guests[@]}-1]}" \
	> "$out/bench-smoke.log" 2>&1 &
smoke_pid=$!

declare -A pid
for v in "${guests[@]}"; do
	[ -n "${built[$v]:-}" ] || continue
	read -r -a sizes <<< "$(sizes_of "$v")"
	for i in "${!parts[@]}"; do
		echo "=== guest $v (2 vCPU, nice 10): ${parts[$i]} running ($((SECONDS - t_start)) s)"
		# shellcheck disable=SC2086
		timed "guest $v part $i" low tools/vm/run -q --smp 2 --kernel "$v" --timeout 4800 \
			--log "$top/build/vm/$v/part$i" "${sizes[@]}" \
			-- selftests/run.sh ${parts[$i]} > "$out/vm-$v-$i.log" 2>&1 &
		pid[$v.$i]=$!
	done
done

# The inter-region cases between two real kernels: selftests/pair.sh in
# both guests of tools/vm/pair (one vCPU each), 6.1 as host a with 6.12
# as b, then the reverse; one run after the other (a run's logs are
# build/vm/pair/a and b), at nice 10 as the other Debian guests.
pair_run() {	# pair_run KERNEL_A KERNEL_B TAG
	local rc=0 r
	tools/vm/pair --kernels "$1,$2" --timeout 1800 -- selftests/run.sh pair.sh \
		> "$out/pair-$3.log" 2>&1 || rc=$?
	for r in a b; do
		cp "$top/build/vm/pair/$r/output.log" "$out/pair-$3-$r.log" 2> /dev/null ||
			: > "$out/pair-$3-$r.log"
	done
	echo "$rc" > "$out/pair-$3.rc"
}
pair_kernels=()
for v in "${guests[@]}"; do
	case $v in 6.1.*|6.12.*) [ -n "${built[$v]:-}" ] && pair_kernels+=("$v") ;; esac
done
if [ ${#pair_kernels[@]} = 2 ]; then
	echo "=== guests pair (1 vCPU each, nice 10): ${pair_kernels[*]} both ways ($((SECONDS - t_start)) s)"
	timed "guests pair, both ways" low bash -c "$(declare -f pair_run); out=$out top=$top
		pair_run ${pair_kernels[0]} ${pair_kernels[1]} ab
		pair_run ${pair_kernels[1]} ${pair_kernels[0]} ba" &
	pair_pid=$!
fi
fi # mode all

# --- the debug kernel ------------------------------------------------------
# Built (or found in its cache) in the background since the start; then the
# module against it, then every selftest, the KUnit suites included, with
# the kmemleak/lockdep/taint verdicts of tools/debug-kernel/guest.sh. A
# guest uses one host core (single-threaded TCG) and the debug kernel is
# slow, so the selftests are split between two guests booted side by side.
# The split balances their CPU time (the "# time:" lines of each program;
# busy seconds in the debug kernel, two guests side by side, in a fresh
# make check: module 49, lifecycle 369, packets 56, kunit 89, region 370
# before its remote_* cases shared their set-up | peering 253,
# peering-rules 213, fuzz 191 at 20,000 messages, stress 399 at 45 s of
# churn).
debug_parts=("module.sh lifecycle.sh packets.sh kunit.sh region.sh"
	"peering.sh peering-rules.sh fuzz.sh stress.sh")
if [ "$debug" = 1 ]; then
	section "debug kernel: build"
	tap_begin 3
	tap_case "vpcpeer-ctl and the selftests' helpers build" "$out/debug-ctl.log" \
		no_warnings make -s ctl selftests
	debug_built() { wait "$debug_build_pid"; local r=$?; cat "$out/debug-kernel.log"; return $r; }
	# Each step needs the one before: a kernel that did not build is one
	# failure, and neither its module nor its guests are started.
	dskip=
	if reaped tap_case "debug kernel builds from linux-source-6.12 (tools/debug-kernel)" \
		"$out/debug-kernel-wait.log" debug_built; then
		grep -h '^debug-kernel: built' "$out/debug-kernel.log" || true
		drel=$(tools/debug-kernel/build --release)
		dimage=$(tools/debug-kernel/build --image)
		tap_case "module builds for the debug kernel $drel with W=1 and no warnings" \
			"$out/build-debug.log" build_module "$drel" ||
			dskip="the module did not build for the debug kernel"
	else
		drel=debug dskip="the debug kernel did not build"
		tap_skip "module builds for the debug kernel" "$dskip"
	fi
	declare -A dpid
	[ -z "$dskip" ] && for i in "${!debug_parts[@]}"; do
		echo "=== guest $drel (2 vCPU): ${debug_parts[$i]} running ($((SECONDS - t_start)) s)"
		# shellcheck disable=SC2086
		timed "guest debug part $i" tools/vm/run -q --smp 2 --mem 3G --kernel "$dimage" --timeout 4800 \
			--log "$top/build/vm/$drel/part$i" \
			"${stress_debug[@]}" \
			-- tools/debug-kernel/guest.sh ${debug_parts[$i]} \
			> "$out/vm-debug-$i.log" 2>&1 &
		dpid[$i]=$!
	done
fi

fg_stage ''
# A guest that was not started because its module did not build: one
# skipped case (the build's failure was counted where it happened).
not_started() {
	header "guest $1: selftests"
	tap_begin 1
	tap_skip "guest $1 ran to the end with a clean kernel log" "not started: $2"
}
if [ "$mode" = all ]; then
	header "guest: bench smoke"
	tap_begin 1
	rc_s=0
	wait "$smoke_pid" || rc_s=$?
	if [ "$rc_s" = 0 ]; then
		echo "ok 1 make bench-smoke: every scenario and metric measured" | tee -a "$log"
	else
		echo "not ok 1 make bench-smoke: every scenario and metric measured" | tee -a "$log"
		tail -n 25 "$out/bench-smoke.log" | sed 's/^/# /' | tee -a "$log"
	fi
fi
[ "$mode" = all ] && for v in "${guests[@]}"; do
	if [ -z "${built[$v]:-}" ]; then
		not_started "$v" "the module did not build for $v"
		continue
	fi
	for i in "${!parts[@]}"; do
		rc_v=0
		wait "${pid[$v.$i]}" || rc_v=$?
		collect_guest "$v (${parts[$i]})" "$out/vm-$v-$i.log" "$rc_v"
	done
done
if [ "$mode" = all ]; then
	if [ -z "${pair_pid:-}" ]; then
		not_started "pair (selftests/pair.sh)" "the module did not build for both 6.1 and 6.12"
	else
		wait "$pair_pid" || true
		for t in ab ba; do
			if [ $t = ab ]; then ka=${pair_kernels[0]} kb=${pair_kernels[1]}; else ka=${pair_kernels[1]} kb=${pair_kernels[0]}; fi
			rc_p=$(cat "$out/pair-$t.rc" 2> /dev/null || echo 125)
			collect_guest "pair a=$ka (with b=$kb)" "$out/pair-$t-a.log" "$rc_p"
			collect_guest "pair b=$kb (with a=$ka)" "$out/pair-$t-b.log" "$rc_p"
		done
	fi
fi
[ "$debug" = 1 ] && for i in "${!debug_parts[@]}"; do
	if [ -n "$dskip" ]; then
		not_started "debug: ${debug_parts[$i]}" "$dskip"
		continue
	fi
	rc_d=0
	wait "${dpid[$i]}" || rc_d=$?
	collect_guest "$drel (debug: ${debug_parts[$i]})" "$out/vm-debug-$i.log" "$rc_d"
done

stage_table
echo
echo "=== summary ($((SECONDS - t_start)) s; full log: $log)"
awk -f tools/ktap-count "$log"
