#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Helpers shared by the vpcpeer selftests: KTAP output, namespaces, and
# loading the module built for the running kernel. A test program sources
# this file, declares its cases with `ktap_case NAME FUNCTION`, and ends
# with `ktap_finish`. Each case runs in a subshell with `set -e`, so the
# first failing command fails the case; its output is shown as KTAP
# diagnostics ("# ...") only when it fails.

set -u

KSFT_PASS=0
KSFT_FAIL=1
KSFT_SKIP=4

SELFTEST_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$SELFTEST_DIR/.." && pwd)
VPCPEER_KO=${VPCPEER_KO:-$TOP/build/$(uname -r)/kmod/vpcpeer.ko}
VPCPEER_CTL=${VPCPEER_CTL:-$TOP/tools/vpcpeer-ctl/vpcpeer-ctl}

_ktap_cases=()
_ktap_funcs=()
_ktap_n=0 _ktap_pass=0 _ktap_fail=0 _ktap_skip=0

ktap_case() { _ktap_cases+=("$1"); _ktap_funcs+=("$2"); }

# Inside a case: run CMD... when the case ends, however it ends. Cleanups
# run in reverse order of registration, after the namespaces are gone.
_case_cleanups=()
defer() { _case_cleanups+=("$*"); }
_case_cleanup() {
	local i
	netns_cleanup
	for ((i = ${#_case_cleanups[@]} - 1; i >= 0; i--)); do
		eval "${_case_cleanups[$i]}" || true
	done
}

# Inside a case: end it as skipped, with a reason.
skip() { echo "$*" > "$_ktap_skipfile"; exit "$KSFT_SKIP"; }

# Inside a case: a measurement or note worth seeing even when it passes;
# printed as a KTAP diagnostic line after the case's result.
diag() { echo "$*" >> "$_ktap_diagfile"; }

# Inside a case: fail it with a message (for checks that are not commands).
fail() { echo "FAIL: $*" >&2; exit 1; }

# Inside a case: the command must fail; its stderr must match a pattern.
# must_fail PATTERN CMD... (use '' for any message)
must_fail() {
	local pat=$1 out
	shift
	if out=$("$@" 2>&1); then
		fail "expected failure, but '$*' succeeded: $out"
	fi
	if [ -n "$pat" ] && ! grep -qE -- "$pat" <<< "$out"; then
		fail "'$*' failed, but its message does not match /$pat/: $out"
	fi
	return 0
}

_ktap_result() {	# _ktap_result STATUS NAME [SKIP-REASON]
	_ktap_n=$((_ktap_n + 1))
	case $1 in
	pass) echo "ok $_ktap_n $2"; _ktap_pass=$((_ktap_pass + 1)) ;;
	skip) echo "ok $_ktap_n $2 # SKIP $3"; _ktap_skip=$((_ktap_skip + 1)) ;;
	*) echo "not ok $_ktap_n $2"; _ktap_fail=$((_ktap_fail + 1)) ;;
	esac
}

# Skip the whole program (before or instead of running its cases).
ktap_skip_all() {
	echo "TAP version 13"
	echo "1..0 # SKIP $*"
	exit "$KSFT_SKIP"
}

ktap_finish() {
	local i name rc out
	_ktap_skipfile=$(mktemp)
	_ktap_diagfile=$(mktemp)
	echo "TAP version 13"
	echo "1..${#_ktap_cases[@]}"
	for i in "${!_ktap_cases[@]}"; do
		name=${_ktap_cases[$i]}
		: > "$_ktap_skipfile"
		: > "$_ktap_diagfile"
		echo "vpcpeer-selftest: $name" > /dev/kmsg 2>/dev/null || true
		# No "|| rc=$?" here: bash ignores set -e in any command that is
		# part of a || list, subshells included, so the case would run on
		# past its first failure.
		out=$( (set -e; trap _case_cleanup EXIT; "${_ktap_funcs[$i]}") 2>&1)
		rc=$?
		if [ "$rc" = 0 ]; then
			_ktap_result pass "$name"
		elif [ "$rc" = "$KSFT_SKIP" ] && [ -s "$_ktap_skipfile" ]; then
			_ktap_result skip "$name" "$(cat "$_ktap_skipfile")"
		else
			[ -n "$out" ] && tail -n 40 <<< "$out" | sed 's/^/# /'
			_ktap_result fail "$name"
		fi
		sed 's/^/# /' "$_ktap_diagfile"
	done
	rm -f "$_ktap_skipfile" "$_ktap_diagfile"
	echo "# Totals: pass:$_ktap_pass fail:$_ktap_fail xfail:0 xpass:0 skip:$_ktap_skip error:0"
	[ "$_ktap_fail" = 0 ] || exit "$KSFT_FAIL"
	[ "$_ktap_pass" = 0 ] && [ "$_ktap_skip" -gt 0 ] && exit "$KSFT_SKIP"
	exit "$KSFT_PASS"
}

# --- prerequisites ----------------------------------------------------

require_root() { [ "$(id -u)" = 0 ] || ktap_skip_all "must run as root"; }
require_cmd() {
	local c
	for c in "$@"; do
		command -v "$c" > /dev/null || ktap_skip_all "'$c' not found"
	done
}
require_module_file() {
	[ -f "$VPCPEER_KO" ] || ktap_skip_all "no module built for $(uname -r) at $VPCPEER_KO (make modules-all)"
}

# --- the module ---------------------------------------------------------

module_loaded() { grep -q '^vpcpeer ' /proc/modules; }

# pr_debug lines ("created", "destroyed", "unloaded") are switched on so
# that tests can pair them up to prove every object was freed.
module_load() {
	module_loaded && return 0
	insmod "$VPCPEER_KO" dyndbg=+p "$@"
}

module_unload() {
	module_loaded || return 0
	rmmod vpcpeer
}

# --- namespaces ---------------------------------------------------------

_netns_list=()

# netns_new NAME: a fresh namespace with lo up, removed by netns_cleanup.
netns_new() {
	ip netns add "$1"
	ip -n "$1" link set lo up
	_netns_list+=("$1")
}

netns_cleanup() {
	local ns
	for ns in "${_netns_list[@]}"; do
		ip netns del "$ns" 2>/dev/null || true
	done
	_netns_list=()
}
