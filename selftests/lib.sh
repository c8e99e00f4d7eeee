#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Helpers shared by the vpcpeer selftests: KTAP output, namespaces, and
# loading the module built for the running kernel. A test program sources
# this file, declares its cases with `ktap_case NAME FUNCTION`, and ends
# with `ktap_finish`. Each case runs in a subshell with `set -e`, so the
# first failing command fails the case; its output is shown as KTAP
# diagnostics ("# ...") only when it fails. VPCPEER_CASES, an extended
# regular expression, runs only the cases whose names match it (the rest
# are reported skipped), e.g. VPCPEER_CASES='module_loads|race';
# VPCPEER_SKIP_CASES skips those whose names match it.

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
	# Each in a subshell: a deferred "for i in ..." must not be able to
	# clobber this loop's own variables.
	for ((i = ${#_case_cleanups[@]} - 1; i >= 0; i--)); do
		(eval "${_case_cleanups[$i]}") || true
	done
}

# Inside a case: end it as skipped, with a reason.
skip() { echo "$*" > "$_ktap_skipfile"; exit "$KSFT_SKIP"; }

# Inside a case: a measurement or note worth seeing even when it passes;
# printed as a KTAP diagnostic line after the case's result.
diag() { echo "$*" >> "$_ktap_diagfile"; }

# Inside a case: fail it with a message (for checks that are not commands).
fail() { echo "FAIL: $*" >&2; exit 1; }

# Cases that race a clock of the module's (expiry, tombstone windows) size
# their windows from how long a command takes when they start, times
# SLOW. A guest that make check starves can slow down more than that
# within a case, and then the case cannot tell a bug from its own
# slowness. Such a case calls too_slow, not fail, and is run again, up to
# twice, with SLOW four times larger; what it asserts stays the same.
SLOW=1
KSFT_TOO_SLOW=3
too_slow() { echo "TOO SLOW: $*" >&2; exit "$KSFT_TOO_SLOW"; }

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
	local i name rc out t0
	_ktap_skipfile=$(mktemp)
	_ktap_diagfile=$(mktemp)
	echo "TAP version 13"
	echo "1..${#_ktap_cases[@]}"
	for i in "${!_ktap_cases[@]}"; do
		name=${_ktap_cases[$i]}
		if [ -n "${VPCPEER_CASES:-}" ] && ! grep -qE -- "$VPCPEER_CASES" <<< "$name"; then
			_ktap_result skip "$name" "not selected by VPCPEER_CASES"
			continue
		fi
		if [ -n "${VPCPEER_SKIP_CASES:-}" ] && grep -qE -- "$VPCPEER_SKIP_CASES" <<< "$name"; then
			_ktap_result skip "$name" "skipped by VPCPEER_SKIP_CASES"
			continue
		fi
		: > "$_ktap_skipfile"
		: > "$_ktap_diagfile"
		echo "vpcpeer-selftest: $name" > /dev/kmsg 2>/dev/null || true
		# No "|| rc=$?" here: bash ignores set -e in any command that is
		# part of a || list, subshells included, so the case would run on
		# past its first failure.
		t0=$SECONDS
		SLOW=1
		while :; do
			out=$( (set -e; trap _case_cleanup EXIT; "${_ktap_funcs[$i]}") 2>&1)
			rc=$?
			[ "$rc" = "$KSFT_TOO_SLOW" ] && [ "$SLOW" -lt 16 ] || break
			diag "run again with windows $((SLOW * 4)) times as long: $(grep -m1 '^TOO SLOW: ' <<< "$out")"
			SLOW=$((SLOW * 4))
		done
		[ $((SECONDS - t0)) -lt 10 ] || diag "took $((SECONDS - t0)) s"
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
#
# The module is loaded from a copy without debug info in /tmp: it is a
# tenth of the size, and the guest reads the repository over 9p uncached.
module_load() {
	local ko=/tmp/vpcpeer-$(uname -r).ko
	module_loaded && return 0
	if [ ! -f "$ko" ] || [ "$VPCPEER_KO" -nt "$ko" ]; then
		strip --strip-debug -o "$ko" "$VPCPEER_KO"
	fi
	# What insmod does not resolve: the UDP tunnel helpers of the
	# inter-region links (built in where modprobe finds nothing).
	modprobe -q -a udp_tunnel ip6_udp_tunnel 2> /dev/null || true
	insmod "$ko" dyndbg=+p "$@"
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

# --- helpers for the peering tests (peering.sh, peering-rules.sh) ---------

require_ctl() {
	[ -x "$VPCPEER_CTL" ] || ktap_skip_all "vpcpeer-ctl not built at $VPCPEER_CTL (make ctl)"
}

ctl() { "$VPCPEER_CTL" "$@"; }

# The number of the case being run (1-based), to make names unique per case
# so that one case's leftovers can never be mistaken for the next one's.
case_no() { echo $((_ktap_n + 1)); }

# Inside a case: CMD must exit with STATUS, and its stdout+stderr must match
# the extended, case-insensitive PATTERN ('' for any). The output is kept
# in $REPLY for further checks.
# must_exit STATUS PATTERN CMD...
must_exit() {
	local want=$1 pat=$2 rc=0
	shift 2
	REPLY=$("$@" 2>&1) || rc=$?
	[ "$rc" = "$want" ] || fail "'$*' exited $rc, not $want: $REPLY"
	if [ -n "$pat" ] && ! grep -qiE -- "$pat" <<< "$REPLY"; then
		fail "'$*' said '$REPLY', which does not match /$pat/"
	fi
	return 0
}

# wait_for SECONDS CMD...: poll CMD until it succeeds; false (with a
# message) if it has not after SECONDS.
#
# The pause between polls doubles from 0.05 s up to 0.4 s, and after 4
# and 8 s of waiting to 0.8 and 1.6 s: under TCG one
# poll (a process or two) costs 50-100 ms of the guest's CPU, more in the
# debug kernel, so polling every 0.1 s through a window of many seconds
# kept the guest, and the host core it runs on, busy doing nothing.
#
# The pause itself is a read that times out on a pipe nobody writes to
# (this shell holds both of its ends, so it never sees end of file): no
# process, where sleep(1) was one more fork and exec per poll.
nap() {
	[ -n "${_nap_fd:-}" ] || exec {_nap_fd}<> <(:)
	read -rt "$1" -u "$_nap_fd" _ || true
}
wait_for() {
	local start=$SECONDS end=$((SECONDS + $1)) pause=0.05
	shift
	while ! "$@" > /dev/null 2>&1; do
		if [ "$SECONDS" -ge "$end" ]; then
			echo "timed out waiting for: $*" >&2
			return 1
		fi
		nap "$pause"
		# A wait that lasts is for a clock of the module's (expiry,
		# tombstone windows, keepalives): poll it less often, never
		# adding more than a fifth of what was waited already.
		case $pause in
		0.05) pause=0.1 ;;
		0.1) pause=0.2 ;;
		0.2) pause=0.4 ;;
		0.4) [ $((SECONDS - start)) -lt 4 ] || pause=0.8 ;;
		0.8) [ $((SECONDS - start)) -lt 8 ] || pause=1.6 ;;
		esac
	done
}

# json_flat: JSON values on stdin to one "PATH=VALUE" line per scalar, with
# PATH like "[0].requester.stats.tx_packets" ("[]" and "{}" for empty
# containers). Strings lose their quotes; escapes other than \" \\ \/ stay
# as written. Plain awk, because python3 takes seconds to start under TCG.
# json_flat PREFIX drops PREFIX from the front of every path that has it.
json_flat() {
	awk -v strip="${1:-}" '
	function emit(path, v) {
		if (strip != "" && index(path, strip) == 1)
			path = substr(path, length(strip) + 1)
		print path "=" v
	}
	function ws() { while (i <= n && index(" \t\r\n", substr(s, i, 1))) i++ }
	function str(   c, out) {
		i++
		out = ""
		while (i <= n) {
			c = substr(s, i, 1)
			if (c == "\\") {
				c = substr(s, i + 1, 1)
				out = out (index("\"\\/", c) ? c : "\\" c)
				i += 2
				continue
			}
			i++
			if (c == "\"")
				return out
			out = out c
		}
		return out
	}
	function val(path,   c, k, idx, start) {
		ws()
		c = substr(s, i, 1)
		if (c == "{") {
			i++
			ws()
			if (substr(s, i, 1) == "}") { i++; emit(path, "{}"); return }
			while (i <= n) {
				ws()
				k = str()
				ws()
				i++	# the colon
				val(path == "" ? k : path "." k)
				ws()
				c = substr(s, i++, 1)
				if (c != ",")
					return
			}
			return
		}
		if (c == "[") {
			i++
			ws()
			if (substr(s, i, 1) == "]") { i++; emit(path, "[]"); return }
			for (idx = 0; i <= n; idx++) {
				val(path "[" idx "]")
				ws()
				c = substr(s, i++, 1)
				if (c != ",")
					return
			}
			return
		}
		if (c == "\"") { k = str(); emit(path, k); return }
		start = i
		while (i <= n && !index(",}] \t\r\n", substr(s, i, 1)))
			i++
		if (i > start)
			emit(path, substr(s, start, i - start))
		else
			i++	# not JSON: skip a character rather than loop
	}
	{ s = s $0 "\n" }
	END { n = length(s); i = 1; ws(); while (i <= n) { val(""); ws() } }'
}

# jget FLAT KEY: the value at KEY in json_flat output; false if absent.
jget() {
	local line
	while IFS= read -r line; do
		if [ "${line%%=*}" = "$2" ]; then
			echo "${line#*=}"
			return 0
		fi
	done <<< "$1"
	return 1
}

# pcx_flat PCX: "peering show" of one connection, flattened, with counters,
# its keys relative to the connection ("state", "requester.ifname", ...).
pcx_flat() {
	local out
	out=$(ctl -j -s peering show "$1") || return 1
	json_flat '[0].' <<< "$out"
}

# pcx_state PCX: the state name of a connection.
pcx_state() {
	local f
	f=$(pcx_flat "$1") || return 1
	jget "$f" state
}

# Inside a case: the connection PCX must be in STATE.
expect_state() {
	local st
	st=$(pcx_state "$1") || fail "cannot show $1"
	[ "$st" = "$2" ] || fail "$1 is '$st', not '$2'"
}

# counter_delta BEFORE AFTER KEY: how much KEY grew between two pcx_flat
# snapshots (a missing key counts as a failure, not as zero).
counter_delta() {
	local a b
	a=$(jget "$1" "$3") || { echo "no $3 in the first snapshot" >&2; return 1; }
	b=$(jget "$2" "$3") || { echo "no $3 in the second snapshot" >&2; return 1; }
	echo $((b - a))
}

# Inside a case: KEY grew by exactly N (or, with ">=N", by at least N).
# expect_delta BEFORE AFTER KEY N|>=N
expect_delta() {
	local d
	d=$(counter_delta "$1" "$2" "$3") || fail "cannot read counter $3"
	case $4 in
	">="*) [ "$d" -ge "${4#>=}" ] || fail "$3 grew by $d, expected at least ${4#>=}" ;;
	*) [ "$d" = "$4" ] || fail "$3 grew by $d, expected $4" ;;
	esac
}

# --- namespaces, addresses, links ----------------------------------------

# link_exists NS DEV
link_exists() { ip -n "$1" link show dev "$2" > /dev/null 2>&1; }

# vpcpeer_links NS: the names of the vpcpeer devices in NS, one a line.
vpcpeer_links() {
	ip -n "$1" -o link show type vpcpeer | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }'
}

# link_operstate NS DEV: UP, DORMANT, DOWN...
link_operstate() { ip -n "$1" -o link show dev "$2" | sed -n 's/.* state \([A-Z]*\) .*/\1/p'; }

# Inside a case: ping from NS to DST must be answered. ping_ok NS DST [ARGS]
ping_ok() {
	local ns=$1 dst=$2 out
	shift 2
	out=$(ip netns exec "$ns" ping -n -c 1 -W 2 "$@" "$dst" 2>&1) ||
		fail "ping $* $dst from $ns was not answered: $(tail -n 3 <<< "$out")"
}

# Inside a case: ping from NS to DST must go unanswered; its output is
# left in $REPLY (to tell "100% packet loss" from a local error).
ping_lost() {
	local ns=$1 dst=$2
	shift 2
	if REPLY=$(ip netns exec "$ns" ping -n -c 1 -W 1 "$@" "$dst" 2>&1); then
		fail "ping $* $dst from $ns was answered, but must not be: $(tail -n 3 <<< "$REPLY")"
	fi
	return 0
}

# --- kernel log ----------------------------------------------------------

KERNEL_SPLAT='BUG:|WARNING:|Oops|KASAN|UBSAN|refcount_t|unregister_netdevice: waiting|general protection fault|kernel BUG at|possible circular locking'

# objects_balanced: every "vpc-XXXXXXXX: created" or "pcx-XXXXXXXX: created"
# pr_debug line in the kernel log has as many "destroyed" lines for the same
# name (a pcx id names the connection and both its devices). Prints the
# names that do not balance.
objects_balanced() {
	dmesg | sed -n 's/.*vpcpeer: \(\(vpc\|pcx\)-[0-9a-f]\{8\}\): \(created\|destroyed\).*/\1 \3/p' |
		awk '$2 == "created" { c[$1]++ } $2 == "destroyed" { d[$1]++ }
		     END { bad = 0
			   for (k in c) if (c[k] != d[k]) { print k ": created " c[k] ", destroyed " d[k] + 0; bad = 1 }
			   for (k in d) if (!(k in c)) { print k ": destroyed " d[k] ", never created"; bad = 1 }
			   exit bad }'
}

# --- VPCs and peerings ------------------------------------------------------

PCX_RE='^pcx-[0-9a-f]{8}$'
VPC_RE='^vpc-[0-9a-f]{8}$'

# vpc_make NAME CIDR...: namespace NAME (lo up) and VPC NAME bound to it, made
# from the initial namespace. Sets REPLY to the VPC's id.
vpc_make() {
	local name=$1 args=() c out
	shift
	netns_new "$name"
	for c; do args+=(cidr "$c"); done
	out=$(ctl vpc add "$name" netns "$name" "${args[@]}" 2>&1) ||
		fail "vpc add $name failed: $out"
	[[ $out =~ $VPC_RE ]] || fail "vpc add $name printed '$out', not a vpc id"
	REPLY=$out
}

# pcx_request NS REQUESTER ACCEPTER: request from NS, expect a pending
# connection; REPLY is its id.
pcx_request() {
	local out
	out=$(ctl -n "$1" peering request "$2" "$3" 2>&1) ||
		fail "peering request $2 $3 (from $1) failed: $out"
	[[ $out =~ $PCX_RE ]] || fail "peering request printed '$out', not a pcx id"
	REPLY=$out
}

# Inside a case: pcx_accept NS PCX: accept from NS, which must succeed.
pcx_accept() {
	local out
	out=$(ctl -n "$1" peering accept "$2" 2>&1) ||
		fail "peering accept $2 (from $1) failed: $out"
}

# pair [active]: the standard pair of a case, blueN and greenN (N the case
# number), each with an address on lo; blueN requests. With "active", greenN
# accepts and both route the other's blocks to the device. Sets B and G (the
# names), B_ID and G_ID (the VPC ids) and PCX (the connection's id, also the
# name of its device in both namespaces).
pair() {
	local n
	n=$(case_no)
	B=blue$n G=green$n
	vpc_make "$B" 10.0.0.0/16 fd00:b::/48
	B_ID=$REPLY
	vpc_make "$G" 10.1.0.0/16 fd00:9::/48
	G_ID=$REPLY
	ip -n "$B" -b - <<-EOF
		addr add 10.0.0.1/32 dev lo
		addr add fd00:b::1/128 dev lo
	EOF
	ip -n "$G" -b - <<-EOF
		addr add 10.1.0.1/32 dev lo
		addr add fd00:9::1/128 dev lo
	EOF
	pcx_request "$B" "$B" "$G"
	PCX=$REPLY
	[ "${1:-}" = active ] || return 0
	pcx_accept "$G" "$PCX"
	routes "$B" "$PCX" 10.0.0.1 fd00:b::1 10.1.0.0/16 fd00:9::/48
	routes "$G" "$PCX" 10.1.0.1 fd00:9::1 10.0.0.0/16 fd00:b::/48
}

# routes NS DEV SRC4 SRC6 PREFIX...: route each prefix to DEV, with the
# source address of its family.
routes() {
	local ns=$1 dev=$2 src4=$3 src6=$4 p
	shift 4
	for p; do
		case $p in
		*:*) echo "route add $p dev $dev src $src6" ;;
		*) echo "route add $p dev $dev src $src4" ;;
		esac
	done | ip -n "$ns" -b -
}

# vpc_snapshot: every VPC, to compare before and after something.
vpc_snapshot() { ctl -j vpc show; }

# vpc_listed NAME: "vpc show" lists a VPC of that name.
vpc_listed() { ctl -j vpc show | json_flat | grep -qx "\[[0-9]*\]\.name=$1"; }

# --- accounts -------------------------------------------------------------

# Inside a case: account_new NAME: a second "account" (R4): the root of an
# unprivileged user namespace with a network namespace it owns, attached
# as NAME so that "ip -n NAME" and "vpc add ... netns NAME" work (the real
# root still administers it from above). It goes when the case ends.
account_new() {
	local pid
	unshare -Urn sleep 3600 > /dev/null 2>&1 &
	pid=$!
	defer "kill $pid 2> /dev/null"
	# unshare(2) moves the process itself: wait until it has.
	wait_for 60 eval "[ \"\$(readlink /proc/$pid/ns/net)\" != \"\$(readlink /proc/self/ns/net)\" ]" ||
		fail "account $1: no namespaces"
	ip netns attach "$1" "$pid"
	_netns_list+=("$1")
	ip -n "$1" link set lo up
	eval "_account_pid_${1//[^A-Za-z0-9_]/_}=$pid"
}

# as_account NAME CMD...: run CMD as that account's root, which holds every
# capability in its own user namespace and none outside it.
as_account() {
	local v=_account_pid_${1//[^A-Za-z0-9_]/_}
	shift
	nsenter -t "${!v}" -U -n --preserve-credentials "$@"
}

# --- fuzzing (fuzz.sh) -------------------------------------------------------

# The netlink fuzzer, built on the host by "make -C selftests"; the guest
# runs the host's binary.
NLFUZZ=${NLFUZZ:-$SELFTEST_DIR/nlfuzz}
require_nlfuzz() {
	[ -x "$NLFUZZ" ] || ktap_skip_all "nlfuzz not built at $NLFUZZ (make -C selftests)"
}

# kmsg_follow FILE: copy the kernel log into FILE from now on, in the
# background (KMSG_PID), for tests that log more than the ring buffer
# holds (tools/vm/run boots with log_buf_len=16M: the stress cases log
# megabytes). kmsg_since reads it back.
kmsg_follow() {
	KMSG_MARK="vpcpeer-selftest: kmsg_follow $$.$RANDOM"
	echo "$KMSG_MARK" > /dev/kmsg
	cat /dev/kmsg > "$1" 2>&1 &
	KMSG_PID=$!
}

# kmsg_since FILE: the message text of every record logged since
# kmsg_follow, once the reader has caught up; fails if the reader died or
# skipped a record (it fell more than the ring buffer behind).
kmsg_since() {
	local sync="vpcpeer-selftest: kmsg_since $$.$RANDOM"
	echo "$sync" > /dev/kmsg
	if ! wait_for 30 grep -qF "$sync" "$1"; then
		if kill -0 "$KMSG_PID" 2> /dev/null; then
			echo "the kernel log reader is stuck" >&2
		else
			echo "the kernel log reader stopped: $(tail -n 1 "$1")" >&2
		fi
		return 1
	fi
	awk -v mark="$KMSG_MARK" '
		!/^[0-9]+,[0-9]+,[0-9]+,/ { next }	# continuation lines
		{ split($0, f, ","); text = substr($0, index($0, ";") + 1) }
		!on { if (text == mark) { on = 1; last = f[2] }; next }
		f[2] != last + 1 { print "kernel log records " last + 1 "-" f[2] - 1 " were lost" > "/dev/stderr"; lost = 1 }
		{ last = f[2]; print text }
		END { exit lost || !on }' "$1"
}
