#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vpcpeer-ctl's contract with scripts, checked on the host (no module
# needed): exit 0 on success, 1 when the operation failed, 2 on a usage
# error, and a one-line message on stderr that names the bad argument.
source "$(dirname "$0")/../selftests/lib.sh"

[ -x "$VPCPEER_CTL" ] || ktap_skip_all "vpcpeer-ctl not built"

# expect STATUS PATTERN CMD...: CMD exits STATUS and its output matches.
expect() {
	local want=$1 pat=$2 out rc=0
	shift 2
	out=$("$@" 2>&1) || rc=$?
	[ "$rc" = "$want" ] || fail "'$*' exited $rc, not $want: $out"
	grep -qE -- "$pat" <<< "$out" || fail "'$*' said '$out', which does not match /$pat/"
}

ctl() { "$VPCPEER_CTL" "$@"; }

t_help() {
	expect 0 'version +show the versions' ctl --help
	expect 0 'Usage: vpcpeer-ctl' ctl help
	expect 0 'usage: vpcpeer-ctl version|vpcpeer-ctl version' ctl help version
}
t_version_flag() {
	expect 0 '^vpcpeer-ctl [0-9]+\.[0-9]+\.[0-9]+$' ctl -V
	expect 0 '^\{"tool":"[0-9.]+"\}$' ctl -j -V
}
t_usage_errors() {
	expect 2 'missing command' ctl
	expect 2 'unknown command "bogus"; expected one of: help, version' ctl bogus
	expect 2 'unknown option "-x"' ctl -x
	expect 2 'version: unexpected argument "extra"' ctl version extra
}
# No module is loaded on the host, so the family lookup must fail cleanly.
t_family_missing() {
	grep -q '^vpcpeer ' /proc/modules 2>/dev/null && skip "vpcpeer is loaded on this host"
	expect 1 'family "vpcpeer" not found: is the vpcpeer module loaded\?' ctl version
	expect 1 'family "vpcpeer" not found' ctl -j vers
}
t_bad_netns() {
	expect 1 'network namespace "vpcpeer-nosuch" not found' ctl -n vpcpeer-nosuch version
	expect 1 '"/etc/hostname" is not a network namespace' ctl -n /etc/hostname version
}

ktap_case help_lists_commands t_help
ktap_case version_flag_plain_and_json t_version_flag
ktap_case usage_errors_exit_2_and_name_argument t_usage_errors
ktap_case missing_family_exits_1_with_hint t_family_missing
ktap_case bad_netns_exits_1 t_bad_netns
ktap_finish
