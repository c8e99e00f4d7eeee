#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The module's unit tests as KUnit suites, in the running kernel:
#
#   insmod vpcpeer_kunit.ko ──► KUnit runs vpcpeer_lpm, vpcpeer_pcx_fsm,
#                               vpcpeer_xproto
#                               (kmod/test/: the same sources as the host's
#                               cmocka tests, against this kernel's headers,
#                               allocator, KASAN, lockdep, kmemleak)
#        /sys/kernel/debug/kunit/<suite>/results (or the kernel log)
#                          ──► one KTAP case here per KUnit case
#
# Only a kernel built with CONFIG_KUNIT gets the module (make
# modules-debug); on any other kernel the whole program is skipped.
source "$(dirname "$0")/lib.sh"

KUNIT_KO=${VPCPEER_KUNIT_KO:-$TOP/build/$(uname -r)/kmod/vpcpeer_kunit.ko}
KUNIT_SUITES=(vpcpeer_lpm vpcpeer_pcx_fsm vpcpeer_xproto)
KUNIT_DEBUGFS=/sys/kernel/debug/kunit

require_root
require_cmd insmod rmmod dmesg strip

# CONFIG_KUNIT=y shows in /sys/module/kunit (its stats_enabled parameter)
# and, with CONFIG_KUNIT_DEBUGFS, in debugfs; =m has to be loaded first.
kunit_config() {
	local cfg=/boot/config-$(uname -r)
	if [ -r /proc/config.gz ]; then
		zgrep -m1 '^CONFIG_KUNIT=' /proc/config.gz
	elif [ -r "$cfg" ]; then
		grep -m1 '^CONFIG_KUNIT=' "$cfg"
	fi
}
mountpoint -q /sys/kernel/debug || mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
if [ ! -d /sys/module/kunit ] && [ ! -d "$KUNIT_DEBUGFS" ]; then
	case $(kunit_config) in
	CONFIG_KUNIT=m) modprobe kunit 2>/dev/null ;;
	esac
	[ -d /sys/module/kunit ] ||
		ktap_skip_all "kernel $(uname -r) has no KUnit (CONFIG_KUNIT is not set)"
fi
[ -f "$KUNIT_KO" ] ||
	ktap_skip_all "no vpcpeer_kunit.ko built for $(uname -r) at $KUNIT_KO (make modules-debug)"

# Load once, before the plan: the cases are the suites' own. KUnit runs
# a module's suites while insmod waits, so the results are in by the time
# it returns. The copy in /tmp without debug info loads faster over 9p.
kunit_loaded() { grep -q '^vpcpeer_kunit ' /proc/modules; }
kunit_mark="vpcpeer-selftest: kunit.sh loads vpcpeer_kunit $$ $RANDOM"
kunit_ko=/tmp/vpcpeer_kunit-$(uname -r).ko
kunit_load_out=
kunit_load_rc=0
kunit_load_s=0
if kunit_loaded; then
	kunit_load_out="vpcpeer_kunit was already loaded: its results would be stale"
	kunit_load_rc=1
else
	echo "$kunit_mark" > /dev/kmsg
	t0=$SECONDS
	kunit_load_out=$(strip --strip-debug -o "$kunit_ko" "$KUNIT_KO" 2>&1 &&
			 insmod "$kunit_ko" 2>&1) || kunit_load_rc=$?
	kunit_load_s=$((SECONDS - t0))
fi

# The kernel log since this load, without timestamps.
kunit_dmesg() { dmesg -t | sed -n "/$kunit_mark\$/,\$p"; }

# KUnit said nothing because it is switched off (kunit.enable=0, the
# default without CONFIG_KUNIT_DEFAULT_ENABLED): the suites never ran.
if [ "$kunit_load_rc" = 0 ] && [ ! -d "$KUNIT_DEBUGFS/${KUNIT_SUITES[0]}" ] &&
   kunit_dmesg | grep -q 'kunit: disabled'; then
	rmmod vpcpeer_kunit 2>/dev/null
	ktap_skip_all "KUnit is disabled in this kernel: boot it with kunit.enable=1 (or build it with CONFIG_KUNIT_DEFAULT_ENABLED=y)"
fi

# suite_ktap SUITE: that suite's KTAP, from debugfs or else the kernel log.
suite_ktap() {
	local f=$KUNIT_DEBUGFS/$1/results
	if [ -r "$f" ]; then
		cat "$f"
		return
	fi
	kunit_dmesg | awk -v s="$1" '
		$0 == "    # Subtest: " s { on = 1 }
		on { print }
		on && $0 ~ "^(not )?ok [0-9]+ " s "( |$)" { exit }'
}

# Parse every suite's case lines ("    ok N name [# SKIP why]", one level
# in) into these arrays, with what KUnit printed about each case before its
# result line (assertion failures, kunit_info()) as its diagnostics.
k_names=() k_status=() k_reason=() k_diag=()
k_suite_bad=()
parse_suite() {
	local suite=$1 line diag="" seen=0 in=0
	local re='^    (not ok|ok) [0-9]+ ([^ ]+)( # SKIP ?(.*))?$'
	while IFS= read -r line; do
		if [[ $line =~ $re ]]; then
			k_names+=("$suite.${BASH_REMATCH[2]}")
			if [ "${BASH_REMATCH[1]}" = "not ok" ]; then
				k_status+=(fail)
			elif [ -n "${BASH_REMATCH[3]}" ]; then
				k_status+=(skip)
			else
				k_status+=(pass)
			fi
			k_reason+=("${BASH_REMATCH[4]:-skipped by KUnit}")
			k_diag+=("$diag")
			diag=""
			seen=$((seen + 1))
		elif [[ $line =~ ^"    1.."[0-9]+$ ]]; then
			in=1
		elif [[ $line =~ ^(not\ ok|ok)\ [0-9]+\ $suite ]]; then
			[ "${BASH_REMATCH[1]}" = ok ] ||
				k_suite_bad+=("$suite: KUnit reports the suite failed")
			in=0
		elif [ "$in" = 1 ]; then
			line=${line#"${line%%[! ]*}"}
			line=${line#\# }
			# KTAP attributes ("name.speed: slow") are not news.
			[[ $line =~ ^[A-Za-z0-9_]+\.[a-z_]+:\  ]] ||
				diag+="$line"$'\n'
		fi
	done < <(suite_ktap "$suite")
	[ "$seen" -gt 0 ] || k_suite_bad+=("$suite: no results (did the suite run?)")
}

if [ "$kunit_load_rc" = 0 ]; then
	for s in "${KUNIT_SUITES[@]}"; do
		parse_suite "$s"
	done
fi

t_load() {
	[ "$kunit_load_rc" = 0 ] || fail "insmod $KUNIT_KO: $kunit_load_out"
	diag "the suites ran in $kunit_load_s s"
	[ ${#k_suite_bad[@]} = 0 ] || fail "$(printf '%s\n' "${k_suite_bad[@]}")"
}

# The KUnit case behind KTAP case number $1 (0-based in the arrays).
kunit_result() {
	local i=$1 line
	case ${k_status[$i]} in
	pass)
		while IFS= read -r line; do
			[ -z "$line" ] || diag "$line"
		done <<< "${k_diag[$i]}"
		;;
	skip) skip "${k_reason[$i]}" ;;
	*) printf '%s' "${k_diag[$i]}"; fail "KUnit case ${k_names[$i]} failed" ;;
	esac
}

# Nothing the detectors say while the suites ran may go unnoticed, even if
# KUnit itself did not attribute it to a case.
t_kernel_log_clean() {
	local out
	out=$(kunit_dmesg | grep -E "$KERNEL_SPLAT" || true)
	[ -z "$out" ] || fail "the kernel complained while the suites ran: $out"
}

t_unload() {
	kunit_loaded || skip "not loaded"
	rmmod vpcpeer_kunit
	! kunit_loaded || fail "still loaded after rmmod"
}

ktap_case module_loads_and_suites_run t_load
for i in "${!k_names[@]}"; do
	eval "t_kunit_$i() { kunit_result $i; }"
	ktap_case "${k_names[$i]}" "t_kunit_$i"
done
ktap_case kernel_log_clean t_kernel_log_clean
ktap_case module_unloads t_unload
ktap_finish
