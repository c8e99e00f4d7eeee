#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A peering connection in time, who sees it, and who may act on it:
#
#   R2   a request pending acceptance expires by itself after expiry_secs
#        (state "expired", message "Expired"; read when it is made)
#   R3   an ended connection stays visible, as a tombstone, to each side
#        for that side's AWS window, in "hours" of tombstone_hour_ms:
#
#          ended as                   requester   accepter
#          failed                     2 h         never
#          expired                    48 h        48 h
#          rejected                   48 h        2 h
#          deleted by the requester   2 h         48 h
#          deleted by the accepter    48 h        2 h
#          (one owner on both sides: every nonzero window is 2 h)
#
#        Past its window a side learns exactly what an unknown id tells
#        it: nothing leaks. A timer reaps the tombstones.
#   R4   across accounts (two unprivileged user namespaces, lib.sh:
#        account_new): only the accepter's owner accepts or rejects, only
#        the requester withdraws a pending request, either side deletes an
#        active one; a third account sees nothing at all
#   R7   quotas: max_pending_requests per account (the requester VPC's
#        owner), checked at request;
#        max_active_peerings per VPC over both sides, checked at accept
#   R14  per-side options (allow-dns-resolution, name tag), active only,
#        each side by its own owner
#   events (vpcpeer-ctl monitor, text and -j), scoped to the listener's
#        namespace; dry runs (-D) that change nothing and fail as the real
#        request would
#   the spec: the kernel's generic client (tools/net/ynl/cli.py) reading
#        Documentation/netlink/specs/vpcpeer.yaml makes a peering and hears
#        its notifications
#
# Module parameters a case changes come back when it ends (defer), after
# its namespaces, and with them its VPCs and connections, are gone.
source "$(dirname "$0")/lib.sh"

require_root
require_cmd ip insmod rmmod unshare nsenter setpriv awk sed date python3 genl
require_module_file
require_ctl

PARAMS=/sys/module/vpcpeer/parameters
# An id no connection has (t_load makes sure), to compare answers with.
UNKNOWN_PCX="pcx-0badf00d"

KLOG=$(mktemp /tmp/lifecycle-kmsg.XXXXXX)

# --- helpers ---------------------------------------------------------------

# bash's own clock: date(1) is one more process, dear under TCG.
now_ms() { local t=${EPOCHREALTIME/[.,]/}; echo $((10#$t / 1000)); }

# cmd_ms: how long one vpcpeer-ctl command takes here, now (ms, the mean
# of four). Cases that race a clock of the module's size it from this, so
# that a guest sharing its host core (make check runs four) still has
# time for its commands inside the window it checks. Times SLOW (lib.sh:
# too_slow), which grows when a case runs again because the guest slowed
# down more than that within it.
cmd_ms() {
	local t0 i
	t0=$(now_ms)
	for i in 1 2 3 4; do ctl vpc show > /dev/null; done
	echo $((($(now_ms) - t0) / 4 * SLOW))
}

# Inside a case: short_hours MIN: set tombstone_hour_ms so that 2 h (the
# short tombstone window) lasts ten commands, MIN seconds at the least;
# REPLY is that window in seconds.
short_hours() {
	local per
	per=$(cmd_ms)
	REPLY=$(((per * 10 + 999) / 1000))
	[ "$REPLY" -ge "$1" ] || REPLY=$1
	diag "2 h = $REPLY s (a command takes about $per ms)"
	param_set tombstone_hour_ms $((REPLY * 500))
}

# iso EPOCH: the form "peering show" prints times in.
iso() { TZ=UTC printf '%(%Y-%m-%dT%H:%M:%SZ)T' "$1"; }

# Inside a case: param_set NAME VALUE: a module parameter, for the rest of
# the case; the value it had comes back when the case ends.
param_set() {
	local old
	old=$(cat "$PARAMS/$1") || fail "no module parameter $1"
	defer "echo $old > $PARAMS/$1"
	echo "$2" > "$PARAMS/$1" || fail "cannot set $1 to $2"
}

# by WHO ARGS...: vpcpeer-ctl ARGS as WHO: "root" (of the initial
# namespaces, who administers every VPC) or an account (account_new).
by() {
	local who=$1
	shift
	if [ "$who" = root ]; then
		ctl "$@"
	else
		as_account "$who" "$VPCPEER_CTL" "$@"
	fi
}

# Inside a case: vpc_in NS NAME CIDR...: VPC NAME bound to the existing
# namespace NS, made by root; its owner is NS's owner (an account's user
# namespace for an account's NS). REPLY is its id.
vpc_in() {
	local ns=$1 name=$2 args=() c out
	shift 2
	for c; do args+=(cidr "$c"); done
	out=$(ctl vpc add "$name" netns "$ns" "${args[@]}" 2>&1) ||
		fail "vpc add $name in $ns failed: $out"
	[[ $out =~ $VPC_RE ]] || fail "vpc add $name printed '$out', not a vpc id"
	REPLY=$out
}

# Inside a case: req WHO REQUESTER ACCEPTER: a request that must be left
# pending; REPLY is its id.
req() {
	local out
	out=$(by "$1" peering request "$2" "$3" 2>&1) ||
		fail "peering request $2 $3 (as $1) failed: $out"
	[[ $out =~ $PCX_RE ]] || fail "peering request $2 $3 (as $1) printed '$out'"
	REPLY=$out
}

# Inside a case: req_failed WHO REQUESTER ACCEPTER: a request of
# overlapping VPCs: the id printed, exit 1, state failed; REPLY is its id.
req_failed() {
	local out rc=0
	out=$(by "$1" peering request "$2" "$3" 2> /dev/null) || rc=$?
	[ "$rc" = 1 ] || fail "overlapping request $2 $3 (as $1) exited $rc, not 1: $out"
	[[ $out =~ $PCX_RE ]] || fail "overlapping request $2 $3 printed '$out', not an id"
	REPLY=$out
	expect_state "$out" failed
}

# Inside a case: ok WHO ARGS...: vpcpeer-ctl ARGS as WHO must succeed.
ok() {
	local out
	out=$(by "$@" 2>&1) || fail "'${*:2}' as $1 failed: $out"
}

# flat WHO PCX: WHO's "peering show -j PCX", flattened, keys relative to
# the connection ("state", "requester.name").
flat() {
	local out
	out=$(by "$1" -j peering show "$2" 2>&1) || { echo "$out" >&2; return 1; }
	json_flat '[0].' <<< "$out"
}

# dump WHO: WHO's "peering show -j" of every connection, flattened.
dump() {
	local out
	out=$(by "$1" -j peering show 2>&1) || { echo "$out" >&2; return 1; }
	json_flat <<< "$out"
}

# ids: the ids of the connections of a flattened dump on stdin.
ids() { sed -n 's/^\[[0-9]*\]\.id=//p'; }

# entry FLAT PCX: PCX's keys in a flattened dump, relative to it; false
# when the dump does not list it.
entry() {
	local i
	i=$(sed -n "s/^\[\([0-9]*\)\]\.id=$2\$/\1/p" <<< "$1")
	[ -n "$i" ] || return 1
	sed -n "s/^\[$i\]\.//p" <<< "$1"
}

# Inside a case: within WHAT VALUE LOW HIGH
within() {
	[[ $2 =~ ^[0-9]+$ ]] || fail "$1 is '$2', not a number"
	[ "$2" -ge "$3" ] && [ "$2" -le "$4" ] ||
		fail "$1 is $2 ($(iso "$2")), not within [$3, $4] (now $EPOCHSECONDS)"
}

# Inside a case: expect_unknown WHO PCX: WHO learns nothing of PCX: every
# verb on it is answered, word for word and with the same exit status, as
# for an id no connection has ("no such peering connection"), and WHO's
# dump does not list it.
expect_unknown() {
	local who=$1 pcx=$2 v a b ra rb
	local -a verbs=("show @" "accept @" "reject @" "delete @"
			"set @ requester allow-dns-resolution on")
	for v in "${verbs[@]}"; do
		ra=0 rb=0
		# shellcheck disable=SC2086
		a=$(by "$who" peering ${v//@/$pcx} 2>&1) || ra=$?
		# shellcheck disable=SC2086
		b=$(by "$who" peering ${v//@/$UNKNOWN_PCX} 2>&1) || rb=$?
		[ "$rb" != 0 ] || fail "'peering ${v//@/$UNKNOWN_PCX}' as $who succeeded: $b"
		[ "$ra" = "$rb" ] && [ "${a//$pcx/PCX}" = "${b//$UNKNOWN_PCX/PCX}" ] ||
			fail "$who learns of $pcx: 'peering ${v//@/$pcx}' exited $ra: '$a'; for an unknown id, exit $rb: '$b'"
		if [ "$v" = "show @" ]; then
			grep -q 'no such peering connection' <<< "$b" ||
				fail "an unknown id is not 'no such peering connection': $b"
		fi
	done
	a=$(by "$who" -j peering show 2>&1) || fail "peering show as $who: $a"
	! grep -q "$pcx" <<< "$a" || fail "$who's dump lists $pcx: $a"
}

# ours RE: the entries of a flattened dump (on stdin) that have a value
# matching RE (a VPC's name, a side's vpc_name), whole. An entry is what
# the path names up to its first "]." ("[3]", or "[1][3]" in an array of
# dumps).
ours() {
	awk -F= -v re="$1" '
		{ i = substr($1, 1, index($1, "].")); line[NR] = $0; idx[NR] = i }
		{ v = substr($0, index($0, "=") + 1); if (v ~ re) keep[i] = 1 }
		END { for (k = 1; k <= NR; k++) if (idx[k] in keep) print line[k] }'
}

# --- listeners ---------------------------------------------------------------

# Inside a case: monitor_start OUT WHO [OPTION...]: "vpcpeer-ctl [OPTION...]
# monitor" as WHO in the background, writing to OUT; MON_PID is its pid
# (vpcpeer-ctl's own: nsenter without a pid namespace execs it).
monitor_start() {
	local out=$1 who=$2 v
	shift 2
	if [ "$who" = root ]; then
		(exec "$VPCPEER_CTL" "$@" monitor > "$out" 2>&1) &
	else
		v=_account_pid_${who//[^A-Za-z0-9_]/_}
		(exec nsenter -t "${!v}" -U -n --preserve-credentials \
			"$VPCPEER_CTL" "$@" monitor > "$out" 2>&1) &
	fi
	MON_PID=$!
	defer "kill $MON_PID 2> /dev/null"
}

# Inside a case: monitor_sync OUT NS: make probe VPCs in NS until the
# listener writing OUT (hearing of NS) tells of one: from then on, it
# hears every event. The probes' lines are left out by monitor_lines.
_probe=0
monitor_sync() {
	local out=$1 ns=$2 i name
	for i in $(seq 30); do
		_probe=$((_probe + 1))
		name=probe$(case_no)x$_probe
		ctl vpc add "$name" netns "$ns" cidr 192.0.2.0/24 > /dev/null ||
			fail "cannot make the probe VPC $name"
		if wait_for 3 grep -q "$name" "$out"; then
			ctl vpc del "$name"
			return 0
		fi
		ctl vpc del "$name"
		kill -0 "$MON_PID" 2> /dev/null || fail "the listener died: $(cat "$out")"
	done
	fail "the listener writing $out never told of a probe VPC: $(cat "$out")"
}

# proc_ended PID: PID has exited (gone, or a zombie not yet waited for).
proc_ended() { [ ! -e "/proc/$1" ] || [ "$(awk '{ print $3 }' "/proc/$1/stat" 2> /dev/null)" = Z ]; }

# Inside a case: monitor_stop PID SIGNAL: the listener must exit 0, soon.
monitor_stop() {
	local rc=0
	kill -"$2" "$1" || fail "the listener $1 is gone already"
	if ! wait_for 10 proc_ended "$1"; then
		kill -KILL "$1" 2> /dev/null
		wait "$1" 2> /dev/null
		fail "the listener did not exit within 10 s of SIG$2"
	fi
	wait "$1" || rc=$?
	[ "$rc" = 0 ] || fail "the listener exited $rc on SIG$2, not 0"
}

# monitor_lines OUT KEEP SED: the listener's lines, without the probes',
# only those matching the extended regex KEEP, the ids renamed by SED.
monitor_lines() {
	grep -vE 'probe[0-9]+x[0-9]+' "$1" | grep -E -- "$2" | sed -e "$3" || true
}

# same_lines WHAT EXPECTED GOT: true if equal, else false and the diff.
same_lines() {
	[ "$2" = "$3" ] && return 0
	echo "$1: expected (<) and got (>):" >&2
	diff <(echo "$2") <(echo "$3") >&2
	return 1
}

# Inside a case: expect_lines WHAT EXPECTED GOT
expect_lines() { same_lines "$@" || fail "$1: not the expected events"; }

# jsumm: for each JSON event (one a line) on stdin, a summary line:
# "EVENT ID [state=S] [old=S] [cidr=C] [r.dns=B r.name=T a.dns=B a.name=T]".
jsumm() {
	local line f ev id s k
	while IFS= read -r line; do
		[ -n "$line" ] || continue
		f=$(json_flat <<< "$line")
		ev=$(jget "$f" event) || ev="?"
		id=$(jget "$f" vpc.id || jget "$f" pcx.id || echo "?")
		s="$ev $id"
		if k=$(jget "$f" pcx.state); then s="$s state=$k"; fi
		# "old_state" beside "pcx", or in it: the brief allows either
		if k=$(jget "$f" old_state || jget "$f" pcx.old_state); then s="$s old=$k"; fi
		if k=$(jget "$f" cidr); then s="$s cidr=$k"; fi
		if [ "$ev" = pcx-set ]; then
			s="$s r.dns=$(jget "$f" pcx.requester.allow_dns_resolution) r.name=$(jget "$f" pcx.requester.name)"
			s="$s a.dns=$(jget "$f" pcx.accepter.allow_dns_resolution) a.name=$(jget "$f" pcx.accepter.name)"
		fi
		echo "$s"
	done
}

# --- cases ------------------------------------------------------------------

t_load() {
	module_load
	module_loaded || fail "vpcpeer is not loaded"
	local p
	for p in expiry_secs tombstone_hour_ms max_active_peerings max_pending_requests max_cidrs; do
		[ -w "$PARAMS/$p" ] || fail "no writable module parameter $p"
	done
	[ ! -e "$PARAMS/tombstone_secs" ] || fail "the old parameter tombstone_secs is still there"
	must_exit 1 'no such peering connection' ctl peering show "$UNKNOWN_PCX"
}

# R7's bounds: max_active_peerings takes 1 to 125, max_pending_requests 1
# to 1000; a write out of bounds fails and changes nothing.
t_param_bounds() {
	local p v
	param_set max_active_peerings 50
	param_set max_pending_requests 25
	for v in 0 126 1000 -1 abc; do
		! (echo "$v" > "$PARAMS/max_active_peerings") 2> /dev/null ||
			fail "max_active_peerings took $v"
		[ "$(cat "$PARAMS/max_active_peerings")" = 50 ] ||
			fail "a refused write of $v left max_active_peerings at $(cat "$PARAMS/max_active_peerings")"
	done
	for v in 0 1001 -1 abc; do
		! (echo "$v" > "$PARAMS/max_pending_requests") 2> /dev/null ||
			fail "max_pending_requests took $v"
		[ "$(cat "$PARAMS/max_pending_requests")" = 25 ] ||
			fail "a refused write of $v left max_pending_requests at $(cat "$PARAMS/max_pending_requests")"
	done
	for p in "max_active_peerings 1" "max_active_peerings 125" \
		 "max_pending_requests 1" "max_pending_requests 1000"; do
		# shellcheck disable=SC2086
		set -- $p
		echo "$2" > "$PARAMS/$1" || fail "$1 refused $2"
		[ "$(cat "$PARAMS/$1")" = "$2" ] || fail "$1 is $(cat "$PARAMS/$1") after writing $2"
	done
}

# R2: with expiry_secs=2 a pending request expires by itself: the
# requester's device goes with no request made (only "ip link" looks),
# both sides see it "expired" ("Expired") for their 48 h window, and the
# listeners of both hear it expire and, at the window's end, go; while
# pending, "peering show" tells when it expires (now + expiry_secs).
# A slow guest (a debug kernel) gets longer times: expiry_secs must
# outlast showing the request to both sides, the window showing the
# expired one to all three.
t_expiry() {
	local n pcx t0 t1 t2 exp fa fb fr vu x1 out per E L
	n=$(case_no)
	account_new "ea$n"
	account_new "eb$n"
	t0=$(now_ms)
	vpc_in "ea$n" "a$n" 10.20.0.0/16
	local a_id=$REPLY
	vpc_in "eb$n" "b$n" 10.21.0.0/16
	local b_id=$REPLY
	by "ea$n" vpc show > /dev/null
	by "eb$n" vpc show > /dev/null
	per=$((($(now_ms) - t0) / 4 * SLOW))
	# Generous: a loaded host (four guests on two cores, as in make
	# check) makes single commands several times slower than measured.
	E=$(((per * 30 + 999) / 1000))
	[ "$E" -ge 5 ] || E=5
	L=$(((per * 40 / 1000 + 5) / 6 * 6))
	[ "$L" -ge 24 ] || L=24
	diag "expiry_secs=$E, 48 h = $L s (a command takes about $per ms)"
	param_set expiry_secs "$E"
	# 48 h = L s (12 s: tombstone_hour_ms=250)
	param_set tombstone_hour_ms $((L * 1000 / 48))
	monitor_start "/tmp/lc-mon-a.$$" "ea$n"
	local mon_a=$MON_PID
	monitor_sync "/tmp/lc-mon-a.$$" "ea$n"
	monitor_start "/tmp/lc-mon-b.$$" "eb$n"
	local mon_b=$MON_PID
	monitor_sync "/tmp/lc-mon-b.$$" "eb$n"
	defer rm -f "/tmp/lc-mon-a.$$" "/tmp/lc-mon-b.$$"

	t0=$EPOCHSECONDS
	req "ea$n" "a$n" "$b_id"
	pcx=$REPLY
	t1=$EPOCHSECONDS
	link_exists "ea$n" "$pcx" || fail "no $pcx device in ea$n while pending"
	fa=$(flat "ea$n" "$pcx") || fail "the requester cannot show its request"
	[ "$(jget "$fa" state)" = pending-acceptance ] || fail "$pcx is not pending: $fa"
	exp=$(jget "$fa" expires) || fail "a pending request with no expires: $fa"
	within "expires" "$exp" $((t0 + E - 1)) $((t1 + E + 1))
	! jget "$fa" visible_until > /dev/null || fail "a pending request with visible_until: $fa"
	fb=$(flat "eb$n" "$pcx") || fail "the accepter cannot show the request made of it"
	[ "$(jget "$fb" expires)" = "$exp" ] || fail "the accepter sees another expiry: $fb"
	out=$(by "ea$n" peering show "$pcx")
	grep -q "expires $(iso "$exp")" <<< "$out" || fail "no 'expires $(iso "$exp")' in: $out"

	# No request from here on until the device is gone: the kernel's timer.
	wait_for $((E + 20)) eval "! link_exists ea$n $pcx" || fail "$pcx still in ea$n 20 s after it should have expired"
	t2=$EPOCHSECONDS
	[ "$t2" -ge $((t0 + 1)) ] || fail "$pcx expired after less than a second"

	fa=$(flat "ea$n" "$pcx") || fail "the requester does not see its expired request"
	fb=$(flat "eb$n" "$pcx") || fail "the accepter does not see the expired request"
	fr=$(flat root "$pcx") || fail "root does not see the expired request"
	x1=$EPOCHSECONDS
	[ $((x1 - t2)) -lt $((L - 2)) ] || too_slow "showing took $((x1 - t2)) s: the $L s window cannot be checked"
	for out in "$fa" "$fb" "$fr"; do
		[ "$(jget "$out" state)" = expired ] || fail "$pcx is not expired: $out"
		[ "$(jget "$out" message)" = Expired ] || fail "the message is not 'Expired': $out"
		! jget "$out" expires > /dev/null || fail "an expired request still has expires: $out"
		vu=$(jget "$out" visible_until) || fail "an expired request with no visible_until: $out"
		# It expired at about exp (at most t2); 48 h later.
		within "visible_until of the expired $pcx" "$vu" $((exp + L - 2)) $((t2 + L + 1))
	done
	! jget "$fa" accepter.ifname > /dev/null || fail "an expired request has an accepter device: $fa"
	! jget "$fa" requester.ifname > /dev/null || fail "an expired request has a requester device: $fa"
	must_exit 1 '' by "eb$n" peering accept "$pcx"
	must_exit 1 'only an active or pending peering connection can be deleted' \
		by "ea$n" peering delete "$pcx"

	# Both listeners hear it expire, and go when their window ends.
	wait_for $((L * 3 + 10)) grep -q "pcx del $pcx" "/tmp/lc-mon-a.$$" ||
		fail "the requester's listener never heard $pcx go: $(cat "/tmp/lc-mon-a.$$")"
	wait_for 10 grep -q "pcx del $pcx" "/tmp/lc-mon-b.$$" ||
		fail "the accepter's listener never heard $pcx go: $(cat "/tmp/lc-mon-b.$$")"
	monitor_stop "$mon_a" TERM
	monitor_stop "$mon_b" TERM
	local sed_ids="s/$pcx/PCX/g; s/$a_id/VPC_A/g; s/$b_id/VPC_B/g"
	# Each account's listener names the other account's VPC by its id.
	expect_lines "the requester's listener" "$(cat <<-EOF
		pcx new PCX a$n -> VPC_B pending-acceptance
		pcx state PCX pending-acceptance -> expired: Expired
		pcx del PCX
	EOF
	)" "$(monitor_lines "/tmp/lc-mon-a.$$" "$pcx" "$sed_ids")"
	expect_lines "the accepter's listener" "$(cat <<-EOF
		pcx new PCX VPC_A -> b$n pending-acceptance
		pcx state PCX pending-acceptance -> expired: Expired
		pcx del PCX
	EOF
	)" "$(monitor_lines "/tmp/lc-mon-b.$$" "$pcx" "$sed_ids")"
	expect_unknown root "$pcx"
	expect_unknown "ea$n" "$pcx"
	expect_unknown "eb$n" "$pcx"
}

# R2: expiry_secs is read when the request is made; an active connection
# does not expire and shows no expiry; an expired request no longer
# counts as outstanding (max_pending_requests).
t_expiry_rules() {
	local n p1 p2 p3 f t0
	n=$(case_no)
	vpc_make "r$n" 10.0.0.0/16
	vpc_make "s$n" 10.1.0.0/16
	vpc_make "u$n" 10.2.0.0/16
	vpc_make "w$n" 10.3.0.0/16
	param_set expiry_secs 3600
	t0=$EPOCHSECONDS
	req root "r$n" "s$n"
	p1=$REPLY
	echo 1 > "$PARAMS/expiry_secs"
	f=$(flat root "$p1")
	within "expires of a request made with expiry_secs=3600" "$(jget "$f" expires)" \
		$((t0 + 3600 - 1)) $((t0 + 3600 + 5))
	# A request made now expires in E s (time for six commands, 3 s at
	# the least); p1 does not. Until it has, it is one of the two
	# outstanding requests max_pending_requests allows.
	local per E
	per=$(cmd_ms)
	E=$(((per * 6 + 999) / 1000))
	[ "$E" -ge 3 ] || E=3
	diag "expiry_secs=$E, then $((E * 2)) (a command takes about $per ms)"
	param_set max_pending_requests 2
	echo "$E" > "$PARAMS/expiry_secs"
	req root "r$n" "u$n"
	p2=$REPLY
	must_exit 1 'max_pending_requests' ctl peering request "r$n" "w$n"
	wait_for $((E + 20)) eval "! link_exists r$n $p2" || fail "$p2 did not expire"
	expect_state "$p2" expired
	expect_state "$p1" pending-acceptance
	echo 3600 > "$PARAMS/expiry_secs"
	req root "r$n" "w$n"
	p3=$REPLY

	# Accepted in time, a connection does not expire.
	ctl peering delete "$p3"
	echo $((E * 2)) > "$PARAMS/expiry_secs"
	req root "r$n" "w$n"
	p3=$REPLY
	pcx_accept "w$n" "$p3"
	f=$(flat root "$p3")
	[ "$(jget "$f" state)" = active ] || fail "$p3 is not active: $f"
	! jget "$f" expires > /dev/null || fail "an active connection with expires: $f"
	! jget "$f" visible_until > /dev/null || fail "an active connection with visible_until: $f"
	sleep $((E * 2 + 1))
	expect_state "$p3" active
	expect_state "$p1" pending-acceptance
}

# R3, per side, across two accounts (owners) A and B, with a third, C,
# that never sees anything. Eight ways of ending, at once: rejected,
# failed, deleted by the requester (active, and pending) or by the
# accepter, and ended by the kernel for a side, which counts as that
# side deleting it: its VPC deleted, its device deleted, its namespace
# deleted (a root-owned one, facing B). Then: each side sees each
# tombstone for its own window (visible_until says until when), the short
# (2 h) views close by themselves, the long (48 h) ones are still open
# then; a closed view answers as an unknown id does. One owner on both
# sides: 2 h on each. tombstone_hour_ms=0: gone at once.
t_tombstone_windows() {
	local n i A Bq C t0 t1 t2 t3 per w2 w48 hour fa fb fr fc out e vu p
	n=$(case_no)
	A=ta$n Bq=tb$n C=tc$n
	account_new "$A"
	account_new "$Bq"
	account_new "$C"
	netns_new "ts$n"
	netns_new "tu$n"
	t0=$(now_ms)
	for i in 1 3 4 5 6 7; do
		vpc_in "$A" "a$n-$i" "10.$((10 + i)).0.0/16"
		vpc_in "$Bq" "b$n-$i" "10.$((30 + i)).0.0/16"
	done
	vpc_in "$A" "a$n-2" 10.12.0.0/16
	vpc_in "$Bq" "b$n-2" 10.12.128.0/24	# overlaps a-2: fails
	vpc_in "ts$n" "s$n" 10.50.0.0/16	# s and u: root owns both
	vpc_in "tu$n" "u$n" 10.51.0.0/16
	netns_new "tn$n"			# root's, deleted to end P8
	vpc_in "tn$n" "a$n-8" 10.18.0.0/16
	vpc_in "$Bq" "b$n-8" 10.38.0.0/16
	per=$((($(now_ms) - t0) / 18 * SLOW))
	local -a P
	for i in 1 3 4 5 6 7 8; do
		req root "a$n-$i" "b$n-$i"
		P[$i]=$REPLY
	done
	req root "s$n" "u$n"
	local ps=$REPLY
	for i in 3 4 6 7 8; do ctl peering accept "${P[$i]}"; done
	expect_state "${P[8]}" active

	# The 2 h window must outlast ending all of them and listing them
	# (about 20 commands) several times over, however slow the guest.
	w2=$(((per * 20 * 3 + 999) / 1000))
	[ "$w2" -ge 10 ] || w2=10
	hour=$((w2 * 500))
	w48=$((w2 * 24))
	diag "2 h = $w2 s, 48 h = $w48 s (tombstone_hour_ms=$hour; a command takes about $per ms)"
	param_set tombstone_hour_ms "$hour"

	t0=$EPOCHSECONDS
	ctl peering reject "${P[1]}"			# the accepter rejects
	req_failed root "a$n-2" "b$n-2"
	P[2]=$REPLY
	ctl peering delete "${P[3]}"			# root acts as the requester
	by "$Bq" peering delete "${P[4]}"		# the accepter deletes
	ctl peering delete "${P[5]}"			# the requester withdraws
	ctl vpc del "a$n-6"				# the requester's VPC goes
	ip -n "$Bq" link del "${P[7]}"			# the accepter's device goes
	ip netns del "tn$n"				# the requester's namespace goes
	ctl peering reject "$ps"			# one owner
	t1=$EPOCHSECONDS
	wait_for 10 eval "[ \"\$(pcx_state ${P[7]})\" = deleted ]" ||
		fail "${P[7]} is $(pcx_state "${P[7]}") after ip link del"
	wait_for 10 eval "[ \"\$(pcx_state ${P[8]})\" = deleted ]" ||
		fail "${P[8]} is $(pcx_state "${P[8]}") after its requester's namespace went"
	T0=$t0 T1=$EPOCHSECONDS
	fa=$(dump "$A") || fail "peering show as $A"
	fb=$(dump "$Bq") || fail "peering show as $Bq"
	fr=$(dump root) || fail "peering show as root"
	fc=$(dump "$C") || fail "peering show as $C"
	t2=$EPOCHSECONDS
	[ $((t2 - t0)) -lt $((w2 - 1)) ] ||
		too_slow "ending and listing took $((t2 - t0)) s, longer than the 2 h window ($w2 s)"

	# tomb WHO FLAT PCX STATE WINDOW
	tomb() {
		e=$(entry "$2" "$3") || fail "$1 does not see $3 ($4), which it should for $5 s"
		[ "$(jget "$e" state)" = "$4" ] || fail "$1 sees $3 as $(jget "$e" state), not $4: $e"
		vu=$(jget "$e" visible_until) || fail "$1 sees the $4 $3 with no visible_until: $e"
		within "$1's visible_until of the $4 $3 (window $5 s)" "$vu" $((T0 + $5 - 1)) $((T1 + $5 + 1))
		! jget "$e" expires > /dev/null || fail "the $4 $3 has expires: $e"
	}
	tomb "$A" "$fa" "${P[1]}" rejected "$w48"
	tomb "$Bq" "$fb" "${P[1]}" rejected "$w2"
	tomb root "$fr" "${P[1]}" rejected "$w48"
	tomb "$A" "$fa" "${P[2]}" failed "$w2"
	! entry "$fb" "${P[2]}" > /dev/null || fail "the accepter sees the failed ${P[2]}"
	tomb root "$fr" "${P[2]}" failed "$w2"
	tomb "$A" "$fa" "${P[3]}" deleted "$w2"
	tomb "$Bq" "$fb" "${P[3]}" deleted "$w48"
	tomb root "$fr" "${P[3]}" deleted "$w48"
	tomb "$A" "$fa" "${P[4]}" deleted "$w48"
	tomb "$Bq" "$fb" "${P[4]}" deleted "$w2"
	tomb root "$fr" "${P[4]}" deleted "$w48"
	tomb "$A" "$fa" "${P[5]}" deleted "$w2"
	tomb "$Bq" "$fb" "${P[5]}" deleted "$w48"
	tomb "$A" "$fa" "${P[6]}" deleted "$w2"
	tomb "$Bq" "$fb" "${P[6]}" deleted "$w48"
	tomb "$A" "$fa" "${P[7]}" deleted "$w48"
	tomb "$Bq" "$fb" "${P[7]}" deleted "$w2"
	tomb "$Bq" "$fb" "${P[8]}" deleted "$w48"
	tomb root "$fr" "${P[8]}" deleted "$w48"
	! entry "$fa" "${P[8]}" > /dev/null || fail "$A sees ${P[8]}, of VPCs it does not own"
	tomb root "$fr" "$ps" rejected "$w2"
	for p in "${P[@]}" "$ps"; do
		! entry "$fc" "$p" > /dev/null || fail "$C, a third account, sees $p"
	done
	! entry "$fa" "$ps" > /dev/null || fail "$A sees $ps, of VPCs it does not own"
	[ -z "$(ids <<< "$fc")" ] || fail "$C sees connections: $(ids <<< "$fc")"
	# The failed one is nothing to its accepter, from the start.
	expect_unknown "$Bq" "${P[2]}"
	expect_unknown "$C" "${P[4]}"
	# The time is fixed at the end: the same in JSON before and after, and
	# in the text between them.
	local v0 v1
	v0=$(jget "$(flat "$A" "${P[1]}")" visible_until)
	out=$(by "$A" peering show "${P[1]}")
	v1=$(jget "$(flat "$A" "${P[1]}")" visible_until)
	[ "$v1" = "$v0" ] || fail "visible_until of ${P[1]} moved from $v0 to $v1 between two requests"
	vu=$(sed -n 's/.* visible-until \([0-9T:-]*Z\).*/\1/p' <<< "$out")
	[ -n "$vu" ] || fail "no visible-until in: $out"
	within "the text's visible-until of ${P[1]} ($vu)" "$(date -u -d "$vu" +%s)" "$v0" "$v0"

	# The short views close by themselves; the long ones stay open.
	short_closed() {
		local a b r
		a=$(dump "$A" | ids) b=$(dump "$Bq" | ids) r=$(dump root | ids)
		! grep -qE "${P[2]}|${P[3]}|${P[5]}|${P[6]}" <<< "$a" &&
			! grep -qE "${P[1]}|${P[4]}|${P[7]}" <<< "$b" &&
			! grep -qE "${P[2]}|$ps" <<< "$r"
	}
	wait_for $((3 * w2 + 10)) short_closed || fail "the 2 h views are still open $((3 * w2 + 10)) s on"
	t3=$EPOCHSECONDS
	[ "$t3" -ge $((t0 + w2 - 1)) ] || fail "the 2 h views closed after $((t3 - t0)) s, before $w2 s"
	fa=$(dump "$A")
	fb=$(dump "$Bq")
	fr=$(dump root)
	[ "$EPOCHSECONDS" -lt $((t1 + w48 - 1)) ] || too_slow "too slow to see the 48 h views still open"
	for i in 1 4 7; do
		entry "$fa" "${P[$i]}" > /dev/null || fail "$A no longer sees ${P[$i]} after $((t3 - t0)) s, in a window of $w48 s"
	done
	for i in 3 5 6 8; do
		entry "$fb" "${P[$i]}" > /dev/null || fail "$Bq no longer sees ${P[$i]} after $((t3 - t0)) s, in a window of $w48 s"
	done
	for i in 1 3 4 5 6 7 8; do
		entry "$fr" "${P[$i]}" > /dev/null || fail "root no longer sees ${P[$i]}, whose 48 h side is open"
	done
	expect_unknown "$A" "${P[3]}"
	expect_unknown "$A" "${P[2]}"
	expect_unknown "$Bq" "${P[1]}"
	expect_unknown "$Bq" "${P[7]}"
	expect_unknown root "${P[2]}"
	expect_unknown root "$ps"

	# An hour of 0: an ended connection is gone at once, for everyone.
	echo 0 > "$PARAMS/tombstone_hour_ms"
	req root "s$n" "u$n"
	ps=$REPLY
	ctl peering reject "$ps"
	expect_unknown root "$ps"
}

# R4 across accounts: A requests of B's VPC (named by name and by id); A
# can neither accept nor reject; B cannot withdraw A's pending request;
# C, a third account, gets for each what an unknown id gets; nobody may
# act for a VPC it does not administer ("no such VPC"). Then each allowed
# step, and what ended connections refuse.
t_cross_owner() {
	local n A Bq C p1 p2 p3 p4 p5 a b
	n=$(case_no)
	A=xa$n Bq=xb$n C=xc$n
	account_new "$A"
	account_new "$Bq"
	account_new "$C"
	vpc_in "$A" "a$n" 10.20.0.0/16
	vpc_in "$A" "a$n-2" 10.22.0.0/16
	vpc_in "$A" "a$n-3" 10.23.0.0/16
	vpc_in "$Bq" "b$n" 10.21.0.0/16
	local b_id=$REPLY
	vpc_in "$Bq" "b$n-2" 10.24.0.0/16
	local b2_id=$REPLY
	vpc_in "$Bq" "o$n" 10.23.128.0/24		# overlaps a-3

	# Another account's VPC by its name: a name is its account's alone,
	# so this names nothing, and fails as AWS's unknown VPC does.
	req_failed "$A" "a$n" "b$n"
	[ "$(jget "$(flat "$A" "$REPLY")" message)" = \
	  "Failed due to incorrect VPC-ID, Account ID, or overlapping CIDR range" ] ||
		fail "a request for another account's VPC name: $(flat "$A" "$REPLY")"
	req "$A" "a$n" "$b_id"
	p1=$REPLY
	req "$A" "a$n-2" "$b2_id"
	p2=$REPLY
	must_exit 1 "only the accepter VPC's owner can accept or reject" by "$A" peering accept "$p1"
	must_exit 1 "only the accepter VPC's owner can accept or reject" by "$A" peering reject "$p1"
	grep -q 'Operation not permitted' <<< "$REPLY" || fail "not EPERM: $REPLY"
	must_exit 1 "only the requester deletes a pending request; the accepter rejects it" \
		by "$Bq" peering delete "$p1"
	grep -q 'Operation not permitted' <<< "$REPLY" || fail "not EPERM: $REPLY"
	expect_state "$p1" pending-acceptance
	expect_unknown "$C" "$p1"
	expect_state "$p1" pending-acceptance

	# A VPC one does not administer is no such VPC, as a name nobody has.
	for a in "vpc show @" "vpc del @" "vpc set @ cidr add 10.99.0.0/16" \
		 "peering request @ a$n"; do
		local x y rx=0 ry=0
		# shellcheck disable=SC2086
		x=$(by "$A" ${a//@/b$n} 2>&1) || rx=$?
		# shellcheck disable=SC2086
		y=$(by "$A" ${a//@/nosuch$n} 2>&1) || ry=$?
		[ "$rx" = 1 ] && [ "$rx" = "$ry" ] && [ "${x//b$n/NAME}" = "${y//nosuch$n/NAME}" ] ||
			fail "'${a//@/b$n}' as $A: exit $rx '$x'; for a name nobody has: exit $ry '$y'"
		grep -q 'no such VPC' <<< "$x" || fail "'${a//@/b$n}' as $A: $x"
	done
	ctl vpc show "b$n" > /dev/null || fail "b$n went"

	# The accepter accepts; either side deletes an active connection.
	ok "$Bq" peering accept "$p1"
	expect_state "$p1" active
	link_exists "$Bq" "$p1" || fail "no $p1 in $Bq after the accept"
	expect_unknown "$C" "$p1"
	ok "$Bq" peering delete "$p1"
	expect_state "$p1" deleted
	must_exit 1 'only an active or pending peering connection can be deleted' by "$A" peering delete "$p1"
	grep -q 'Invalid argument' <<< "$REPLY" || fail "not EINVAL: $REPLY"
	must_exit 1 '' by "$Bq" peering accept "$p1"

	# The accepter rejects; a rejected connection cannot be deleted.
	ok "$Bq" peering reject "$p2"
	expect_state "$p2" rejected
	must_exit 1 'only an active or pending peering connection can be deleted' by "$A" peering delete "$p2"
	must_exit 1 '' by "$Bq" peering reject "$p2"
	must_exit 1 '' by "$Bq" peering accept "$p2"

	# The requester withdraws its pending request.
	req "$A" "a$n" "$b_id"
	p3=$REPLY
	ok "$A" peering delete "$p3"
	expect_state "$p3" deleted
	! link_exists "$A" "$p3" || fail "$p3 still in $A"

	# The requester deletes an active one.
	req "$A" "a$n" "$b_id"
	p4=$REPLY
	ok "$Bq" peering accept "$p4"
	ok "$A" peering delete "$p4"
	expect_state "$p4" deleted
	! link_exists "$Bq" "$p4" || fail "$p4 still in $Bq"

	# A failed request cannot be deleted either.
	req_failed "$A" "a$n-3" "o$n"
	p5=$REPLY
	must_exit 1 'only an active or pending peering connection can be deleted' by "$A" peering delete "$p5"
	expect_unknown "$Bq" "$p5"
	expect_unknown "$C" "$p5"
}

# R7: max_pending_requests=3 counts an account's outstanding requests, as
# AWS does, from any of its VPCs: account A's VPCs r and r2 make three,
# the fourth is refused from either (ENOSPC, naming the account and the
# parameter), nothing made; another account's requests, even those made
# of A's VPCs, count against that account alone; withdrawn, accepted and
# rejected requests are no longer outstanding. A dry run is refused the
# same way.
t_quota_pending() {
	local n A r r2 i before real dry rr rd
	n=$(case_no)
	A=qo$n r=q$n r2=qq$n
	param_set max_pending_requests 3
	account_new "$A"
	vpc_in "$A" "$r" 10.0.0.0/16
	vpc_in "$A" "$r2" 10.9.0.0/16
	for i in 1 2 3 4 5 6; do vpc_make "qa$n-$i" "10.$i.0.0/16"; done
	local -a P
	req root "$r" "qa$n-1"
	P[1]=$REPLY
	req root "$r" "qa$n-2"
	P[2]=$REPLY
	req root "$r2" "qa$n-3"
	P[3]=$REPLY
	before=$(ctl -j peering show | json_flat | ours "^($r|$r2|qa$n-[0-9])\$")
	rr=0
	real=$(ctl peering request "$r" "qa$n-4" 2>&1) || rr=$?
	[ "$rr" = 1 ] || fail "a fourth outstanding request exited $rr: $real"
	grep -q "quota exceeded: the requester VPC's account has as many outstanding peering requests as allowed (module parameter max_pending_requests)" <<< "$real" ||
		fail "the fourth request's refusal: $real"
	grep -q 'No space left on device' <<< "$real" || fail "not ENOSPC: $real"
	must_exit 1 "the requester VPC's account has as many outstanding" ctl peering request "$r2" "qa$n-4"
	[ "$(ctl -j peering show | json_flat | ours "^($r|$r2|qa$n-[0-9])\$")" = "$before" ] ||
		fail "the refused requests changed the connections"
	[ "$(vpcpeer_links "$A" | wc -l)" = 3 ] || fail "devices in $A: $(vpcpeer_links "$A")"
	rd=0
	dry=$(ctl -D peering request "$r" "qa$n-4" 2>&1) || rd=$?
	[ "$rd" = "$rr" ] && [ "$dry" = "$real" ] || fail "dry run: exit $rd '$dry'; for real: exit $rr '$real'"

	# Root's account has its own three: requests of A's VPC count there.
	req root "qa$n-5" "$r"
	req root "qa$n-6" "qa$n-5"
	# Withdrawn: room for one more.
	ctl peering delete "${P[1]}"
	req root "$r" "qa$n-4"
	P[4]=$REPLY
	must_exit 1 "the requester VPC's account has as many outstanding peering requests as allowed" ctl peering request "$r" "qa$n-1"
	# Accepted: no longer outstanding.
	pcx_accept "qa$n-2" "${P[2]}"
	req root "$r" "qa$n-1"
	must_exit 1 'max_pending_requests' ctl peering request "$r2" "qa$n-6"
	# Rejected: nor that.
	ctl peering reject "${P[3]}"
	req root "$r2" "qa$n-6"
}

# R7: max_active_peerings=2, counted over both sides of a VPC, checked at
# accept for both VPCs: the refused accept (ENOSPC, naming the full VPC
# and the parameter) leaves the request pending with no accepter device;
# once one of the active ones ends, the same accept goes through.
t_quota_active() {
	local n h i p3 g pa pb pc
	n=$(case_no)
	h=hub$n
	param_set max_active_peerings 2
	vpc_make "$h" 10.0.0.0/16
	local -a P
	for i in 1 2 3; do
		vpc_make "sp$n-$i" "10.$i.0.0/16"
		req root "$h" "sp$n-$i"
		P[$i]=$REPLY
	done
	pcx_accept "sp$n-1" "${P[1]}"
	pcx_accept "sp$n-2" "${P[2]}"
	must_exit 1 "quota exceeded: the requester VPC has as many active peering connections as allowed \(module parameter max_active_peerings\)" \
		ctl -n "sp$n-3" peering accept "${P[3]}"
	grep -q 'No space left on device' <<< "$REPLY" || fail "not ENOSPC: $REPLY"
	local real=$REPLY
	must_exit 1 '' ctl -D -n "sp$n-3" peering accept "${P[3]}"
	[ "$REPLY" = "$real" ] || fail "dry run: '$REPLY'; for real: '$real'"
	expect_state "${P[3]}" pending-acceptance
	! link_exists "sp$n-3" "${P[3]}" || fail "the refused accept left a device in sp$n-3"
	link_exists "$h" "${P[3]}" || fail "the refused accept took the requester's device"
	ctl peering delete "${P[1]}"
	pcx_accept "sp$n-3" "${P[3]}"
	expect_state "${P[3]}" active

	# The accepter's side: g is in two active ones, as requester and as
	# accepter; a third, accepted by g, is refused naming g.
	g=g$n
	vpc_make "$g" 10.10.0.0/16
	for i in 1 2 3; do vpc_make "y$n-$i" "10.$((10 + i)).0.0/16"; done
	req root "$g" "y$n-1"
	pa=$REPLY
	pcx_accept "y$n-1" "$pa"
	req root "y$n-2" "$g"
	pb=$REPLY
	pcx_accept "$g" "$pb"
	req root "y$n-3" "$g"
	pc=$REPLY
	must_exit 1 "quota exceeded: the accepter VPC has as many active peering connections as allowed \(module parameter max_active_peerings\)" \
		ctl -n "$g" peering accept "$pc"
	expect_state "$pc" pending-acceptance
	ctl vpc del "y$n-1"
	expect_state "$pa" deleted
	pcx_accept "$g" "$pc"
	expect_state "$pc" active
}

# R14: options per side, only while active, each by its side's owner;
# shown in "peering show" (text and JSON); the tag is printable ASCII of
# at most 255 bytes, and the kernel checks it too (nlraw.py).
t_options() {
	local n A Bq C p f out long
	n=$(case_no)
	A=oa$n Bq=ob$n C=oc$n
	account_new "$A"
	account_new "$Bq"
	account_new "$C"
	vpc_in "$A" "a$n" 10.20.0.0/16
	vpc_in "$Bq" "b$n" 10.21.0.0/16
	req "$A" "a$n" "$REPLY"
	p=$REPLY
	must_exit 1 'options can be set only while the peering connection is active' \
		by "$A" peering set "$p" requester allow-dns-resolution on
	grep -q 'Invalid argument' <<< "$REPLY" || fail "not EINVAL: $REPLY"
	must_exit 1 'options can be set only while the peering connection is active' \
		ctl peering set "$p" accepter name x
	ok "$Bq" peering accept "$p"

	f=$(flat root "$p")
	[ "$(jget "$f" requester.allow_dns_resolution)" = false ] || fail "allow_dns_resolution is not false by default: $f"
	[ "$(jget "$f" accepter.allow_dns_resolution)" = false ] || fail "allow_dns_resolution is not false by default: $f"
	! jget "$f" requester.name > /dev/null || fail "a name before any was set: $f"

	ok "$A" peering set "$p" requester allow-dns-resolution on name "web tier"
	ok "$Bq" peering set "$p" accepter name db
	must_exit 1 "only the accepter VPC's owner sets the accepter's options" \
		by "$A" peering set "$p" accepter allow-dns-resolution on
	grep -q 'Operation not permitted' <<< "$REPLY" || fail "not EPERM: $REPLY"
	must_exit 1 "only the requester VPC's owner sets the requester's options" \
		by "$Bq" peering set "$p" requester name x
	# Both sides in one request, one of them not the caller's: nothing set.
	must_exit 1 "only the accepter VPC's owner sets the accepter's options" \
		by "$A" peering set "$p" requester name changed accepter name changed
	expect_unknown "$C" "$p"

	for who in root "$A" "$Bq"; do
		f=$(flat "$who" "$p")
		[ "$(jget "$f" requester.allow_dns_resolution)" = true ] || fail "$who: requester's allow_dns_resolution: $f"
		[ "$(jget "$f" requester.name)" = "web tier" ] || fail "$who: requester's name: $f"
		[ "$(jget "$f" accepter.allow_dns_resolution)" = false ] || fail "$who: accepter's allow_dns_resolution: $f"
		[ "$(jget "$f" accepter.name)" = db ] || fail "$who: accepter's name: $f"
	done
	out=$(ctl peering show "$p")
	grep -E '^\s+requester ' <<< "$out" | grep -q 'allow-dns-resolution on' || fail "text: $out"
	grep -E '^\s+requester ' <<< "$out" | grep -q 'name web tier' || fail "text: $out"
	grep -E '^\s+accepter ' <<< "$out" | grep -q 'allow-dns-resolution off' || fail "text: $out"
	grep -E '^\s+accepter ' <<< "$out" | grep -q 'name db' || fail "text: $out"

	# root administers both sides: both in one request.
	ok root peering set "$p" requester allow-dns-resolution off accepter allow-dns-resolution on
	f=$(flat root "$p")
	[ "$(jget "$f" requester.allow_dns_resolution)" = false ] || fail "requester: $f"
	[ "$(jget "$f" accepter.allow_dns_resolution)" = true ] || fail "accepter: $f"
	[ "$(jget "$f" requester.name)" = "web tier" ] || fail "setting allow-dns-resolution changed the name: $f"

	# The tag: up to 255 bytes of printable ASCII; empty clears it.
	long=$(printf 'x%.0s' $(seq 255))
	ok "$A" peering set "$p" requester name "$long"
	[ "$(jget "$(flat root "$p")" requester.name)" = "$long" ] || fail "a 255-byte name was not kept"
	for bad in "${long}y" $'tab\there' $'caf\xc3\xa9' $'bell\a'; do
		if out=$(by "$A" peering set "$p" requester name "$bad" 2>&1); then
			fail "the name '$bad' (${#bad} bytes) was taken"
		fi
		[ "$(jget "$(flat root "$p")" requester.name)" = "$long" ] || fail "a refused name changed the name"
	done
	ok "$A" peering set "$p" requester name "~ !\"#\$%&'()*+,-./:;<=>?@[\\]^_\`{|}"
	[ "$(jget "$(flat root "$p")" requester.name)" = "~ !\"#\$%&'()*+,-./:;<=>?@[\\]^_\`{|}" ] ||
		fail "printable punctuation was not kept: $(flat root "$p")"
	ok "$A" peering set "$p" requester name ""
	! jget "$(flat root "$p")" requester.name > /dev/null || fail "an empty name still shows: $(flat root "$p")"
	# No option at all: the CLI or the kernel refuses.
	must_fail '' ctl peering set "$p" requester
	must_fail '' ctl peering set "$p"
	out=$(python3 -I -S "$SELFTEST_DIR/nlraw.py" bad-pcx-set "$p" 2>&1) || fail "$out"
	diag "$(grep -c '^ok' <<< "$out") raw PCX_SET requests answered as they must be"

	ok "$A" peering delete "$p"
	must_exit 1 'options can be set only while the peering connection is active' \
		ctl peering set "$p" requester allow-dns-resolution on
}

# Events: a root listener (text and -j) hears a whole life of two VPCs
# and three connections, in order, and exactly that; ids are replaced by
# names for the comparison. One owner on both sides: each "pcx del" comes
# 2 h (1 s here) after the end, from the timer, with no request made.
t_monitor() {
	local n b g mt mj pt pj p1 p2 p3 b_id g_id cid m3 sed_ids keep
	n=$(case_no)
	b=mb$n g=mg$n
	mt=/tmp/lc-mon-t.$$ mj=/tmp/lc-mon-j.$$
	defer rm -f "$mt" "$mj"
	# One owner on both sides: every tombstone lasts 2 h, and PCX3's is
	# read by a command after the one that ends it. 2 h = ten commands,
	# 2 s at the least.
	local w2
	short_hours 2
	w2=$REPLY
	netns_new "$b"
	netns_new "$g"
	monitor_start "$mt" root
	pt=$MON_PID
	monitor_sync "$mt" "$b"
	monitor_start "$mj" root -j
	pj=$MON_PID
	monitor_sync "$mj" "$b"

	vpc_in "$b" "$b" 10.0.0.0/16 fd00:b::/48
	b_id=$REPLY
	vpc_in "$g" "$g" 10.1.0.0/16
	g_id=$REPLY
	cid=$(ctl -j vpc show "$b" | json_flat | sed -n 's/^\[0\]\.cidrs\[[0-9]*\]=//p' | tr '\n' ' ')
	req root "$b" "$g"
	p1=$REPLY
	pcx_accept "$g" "$p1"
	wait_for 10 grep -q "$p1 provisioning -> active" "$mt" || fail "no 'provisioning -> active' for $p1"
	ctl peering set "$p1" requester allow-dns-resolution on name web
	ctl vpc set "$b" cidr add 10.5.0.0/16 > /dev/null
	ctl vpc set "$b" cidr del 10.5.0.0/16 > /dev/null
	ctl peering delete "$p1"
	wait_for $((w2 + 30)) grep -q "pcx del $p1" "$mt" || fail "no 'pcx del $p1' 30 s after its $w2 s window"
	req root "$b" "$g"
	p2=$REPLY
	ctl -n "$g" peering reject "$p2"
	wait_for $((w2 + 30)) grep -q "pcx del $p2" "$mt" || fail "no 'pcx del $p2'"
	req root "$b" "$g"
	p3=$REPLY
	ctl vpc del "$g"
	m3=$(jget "$(flat root "$p3")" message) || fail "no message for $p3"
	wait_for $((w2 + 30)) grep -q "pcx del $p3" "$mt" || fail "no 'pcx del $p3'"
	ctl vpc del "$b"
	wait_for 10 grep -q "vpc del $b_id" "$mt" || fail "no 'vpc del $b_id'"
	wait_for 10 grep -q "\"vpc-del\".*$b_id" "$mj" || fail "no JSON vpc-del of $b_id"
	monitor_stop "$pt" INT
	monitor_stop "$pj" TERM

	keep="(^| )($b|$g|$p1|$p2|$p3)( |:|\$)"
	local jkeep="\"($b|$g)\"|$p1|$p2|$p3"
	sed_ids="s/$p1/PCX1/g; s/$p2/PCX2/g; s/$p3/PCX3/g; s/$b_id/VPC_B/g; s/$g_id/VPC_G/g"
	expect_lines "the text listener" "$(cat <<-EOF
		vpc new VPC_B $b ${cid% }
		vpc new VPC_G $g 10.1.0.0/16
		pcx new PCX1 $b -> $g pending-acceptance
		pcx state PCX1 pending-acceptance -> provisioning: Provisioning
		pcx state PCX1 provisioning -> active: Active
		pcx set PCX1 requester allow-dns-resolution on name web accepter allow-dns-resolution off
		vpc cidr-add VPC_B $b 10.5.0.0/16
		vpc cidr-del VPC_B $b 10.5.0.0/16
		pcx state PCX1 active -> deleting: Deleting
		pcx state PCX1 deleting -> deleted: Deleted by VPC_B
		pcx del PCX1
		pcx new PCX2 $b -> $g pending-acceptance
		pcx state PCX2 pending-acceptance -> rejected: Rejected by VPC_G
		pcx del PCX2
		pcx new PCX3 $b -> $g pending-acceptance
		pcx state PCX3 pending-acceptance -> deleting: Deleting
		pcx state PCX3 deleting -> deleted: $(sed -e "$sed_ids" <<< "$m3")
		vpc del VPC_G $g
		pcx del PCX3
		vpc del VPC_B $b
	EOF
	)" "$(monitor_lines "$mt" "$keep" "$sed_ids")"
	[[ ${cid% } == *" "* ]] || fail "vpc show lists one block of $b: $cid"

	expect_lines "the JSON listener" "$(cat <<-EOF
		vpc-new VPC_B
		vpc-new VPC_G
		pcx-new PCX1 state=pending-acceptance
		pcx-state PCX1 state=provisioning old=pending-acceptance
		pcx-state PCX1 state=active old=provisioning
		pcx-set PCX1 state=active r.dns=true r.name=web a.dns=false a.name=
		vpc-cidr-add VPC_B cidr=10.5.0.0/16
		vpc-cidr-del VPC_B cidr=10.5.0.0/16
		pcx-state PCX1 state=deleting old=active
		pcx-state PCX1 state=deleted old=deleting
		pcx-del PCX1 state=deleted
		pcx-new PCX2 state=pending-acceptance
		pcx-state PCX2 state=rejected old=pending-acceptance
		pcx-del PCX2 state=rejected
		pcx-new PCX3 state=pending-acceptance
		pcx-state PCX3 state=deleting old=pending-acceptance
		pcx-state PCX3 state=deleted old=deleting
		vpc-del VPC_G
		pcx-del PCX3 state=deleted
		vpc-del VPC_B
	EOF
	)" "$(grep -vE 'probe[0-9]+x[0-9]+' "$mj" | grep -E -- "$jkeep" | jsumm | sed -e "$sed_ids")"
	# The new VPC in full, as "vpc show -j" has it.
	local f
	f=$(grep '"vpc-new"' "$mj" | grep "$b_id" | json_flat)
	[ "$(jget "$f" vpc.name)" = "$b" ] || fail "the JSON vpc-new has no name: $f"
	[ "$(grep '^vpc\.cidrs\[' <<< "$f" | cut -d= -f2 | tr '\n' ' ')" = "$cid" ] ||
		fail "the JSON vpc-new's blocks are not $cid: $f"
	f=$(grep '"pcx-new"' "$mj" | grep "$p1" | json_flat)
	[ "$(jget "$f" pcx.requester.vpc_name)" = "$b" ] && [ "$(jget "$f" pcx.accepter.vpc_name)" = "$g" ] ||
		fail "the JSON pcx-new does not name its sides: $f"
	jget "$f" pcx.expires > /dev/null || fail "the JSON pcx-new has no expires: $f"
}

# Events are scoped: a listener hears of the VPCs bound to its namespace
# and of the connections they are party to, nothing else: an account's
# (unprivileged) listener, and root's listeners inside two namespaces
# (-n). The accepter of a failed request never hears of it. A listener
# names another account's VPC by its id: a name is its account's tag.
t_monitor_scoped() {
	local n A G X O ma mg mo pa pg po a_id g_id x_id o_id p1 p2 p3 m2 sed_ids
	n=$(case_no)
	A=la$n G=lg$n X=lx$n O=lo$n
	ma=/tmp/lc-mon-a.$$ mg=/tmp/lc-mon-g.$$ mo=/tmp/lc-mon-o.$$
	defer rm -f "$ma" "$mg" "$mo"
	# 2 h = ten commands, 3 s at the least; 48 h is 24 times that, so G's
	# view of PCX1 stays open to the end. PCX2's tombstone is read by a
	# command after the one that ends it.
	local w2
	short_hours 3
	w2=$REPLY
	account_new "$A"
	netns_new "$G"
	netns_new "$X"
	netns_new "$O"
	monitor_start "$ma" "$A"
	pa=$MON_PID
	monitor_sync "$ma" "$A"
	monitor_start "$mg" root -n "$G"
	pg=$MON_PID
	monitor_sync "$mg" "$G"
	monitor_start "$mo" root -n "$O"
	po=$MON_PID
	monitor_sync "$mo" "$O"

	vpc_in "$X" "x$n" 10.2.0.0/16
	x_id=$REPLY
	vpc_in "$G" "g$n" 10.1.0.0/16
	g_id=$REPLY
	vpc_in "$A" "a$n" 10.20.0.0/16
	a_id=$REPLY
	vpc_in "$O" "o$n" 10.20.128.0/24		# overlaps a
	o_id=$REPLY
	req "$A" "a$n" "$g_id"
	p1=$REPLY
	req root "x$n" "g$n"
	p2=$REPLY
	pcx_accept "$G" "$p2"
	wait_for 10 grep -q "$p2 provisioning -> active" "$mg" || fail "$G's listener: $p2 not active"
	pcx_accept "$G" "$p1"
	wait_for 10 grep -q "$p1 provisioning -> active" "$mg" || fail "$G's listener: $p1 not active"
	wait_for 10 grep -q "$p1 provisioning -> active" "$ma" || fail "$A's listener: $p1 not active"
	ctl vpc set "x$n" cidr add 10.4.0.0/16 > /dev/null
	ctl vpc set "g$n" cidr add 10.3.0.0/16 > /dev/null
	ctl vpc set "a$n" cidr add 10.21.0.0/16 > /dev/null
	req_failed "$A" "a$n" "$o_id"
	p3=$REPLY
	wait_for $((w2 + 30)) grep -q "pcx del $p3" "$ma" || fail "$A's listener: no 'pcx del $p3' after the 2 h window"
	ok "$A" peering delete "$p1"
	wait_for $((w2 + 30)) grep -q "pcx del $p1" "$ma" || fail "$A's listener: no 'pcx del $p1' after the 2 h window"
	ctl vpc del "x$n"
	m2=$(jget "$(flat root "$p2")" message) || fail "no message for $p2"
	wait_for 10 grep -q "$p2 deleting -> deleted" "$mg" || fail "$G's listener: $p2 not deleted"
	# Both owners are root's: 2 h to each side, then it goes.
	wait_for $((w2 + 30)) grep -q "pcx del $p2" "$mg" || fail "$G's listener: no 'pcx del $p2' after the 2 h window"
	monitor_stop "$pa" TERM
	monitor_stop "$pg" TERM
	monitor_stop "$po" TERM

	sed_ids="s/$p1/PCX1/g; s/$p2/PCX2/g; s/$p3/PCX3/g; s/$a_id/VPC_A/g; s/$g_id/VPC_G/g; s/$x_id/VPC_X/g; s/$o_id/VPC_O/g"
	# All three compared, then the verdict.
	local bad=
	same_lines "$A's listener" "$(cat <<-EOF
		vpc new VPC_A a$n 10.20.0.0/16
		pcx new PCX1 a$n -> VPC_G pending-acceptance
		pcx state PCX1 pending-acceptance -> provisioning: Provisioning
		pcx state PCX1 provisioning -> active: Active
		vpc cidr-add VPC_A a$n 10.21.0.0/16
		pcx new PCX3 a$n -> VPC_O failed
		pcx del PCX3
		pcx state PCX1 active -> deleting: Deleting
		pcx state PCX1 deleting -> deleted: Deleted by VPC_A
		pcx del PCX1
	EOF
	)" "$(monitor_lines "$ma" . "$sed_ids")" || bad="$bad $A"
	same_lines "$G's listener" "$(cat <<-EOF
		vpc new VPC_G g$n 10.1.0.0/16
		pcx new PCX1 VPC_A -> g$n pending-acceptance
		pcx new PCX2 x$n -> g$n pending-acceptance
		pcx state PCX2 pending-acceptance -> provisioning: Provisioning
		pcx state PCX2 provisioning -> active: Active
		pcx state PCX1 pending-acceptance -> provisioning: Provisioning
		pcx state PCX1 provisioning -> active: Active
		vpc cidr-add VPC_G g$n 10.3.0.0/16
		pcx state PCX1 active -> deleting: Deleting
		pcx state PCX1 deleting -> deleted: Deleted by VPC_A
		pcx state PCX2 active -> deleting: Deleting
		pcx state PCX2 deleting -> deleted: $(sed -e "$sed_ids" <<< "$m2")
		pcx del PCX2
	EOF
	)" "$(monitor_lines "$mg" . "$sed_ids")" || bad="$bad $G"
	same_lines "$O's listener" "vpc new VPC_O o$n 10.20.128.0/24" \
		"$(monitor_lines "$mo" . "$sed_ids")" || bad="$bad $O"
	[ -z "$bad" ] || fail "not the expected events for the listeners of:$bad"
	# An unprivileged account cannot listen to root's namespace.
	must_exit 1 '' timeout 10 nsenter -t "$(eval echo "\$_account_pid_$A")" -U --preserve-credentials \
		"$VPCPEER_CTL" monitor
}

# Dry runs (-D): every mutating command checks all and changes nothing,
# announces no event, and fails exactly as the real request: name clash,
# overlap, unknown objects, state, owner, quotas.
t_dry_run() {
	local n T b g r o s p_act p_pend p_t mon pm s0 re
	n=$(case_no)
	T=dt$n b=b$n g=g$n r=r$n o=o$n s=sp$n
	mon=/tmp/lc-mon-d.$$
	defer rm -f "$mon"
	account_new "$T"
	vpc_make "$b" 10.0.0.0/16 10.3.0.0/16
	vpc_make "$g" 10.1.0.0/16
	local g_id=$REPLY
	vpc_make "$r" 10.2.0.0/16
	local r_id=$REPLY
	vpc_make "$o" 10.0.128.0/24			# overlaps b
	netns_new "$s"
	vpc_in "$T" "t$n" 10.8.0.0/16
	req root "$b" "$g"
	p_act=$REPLY
	pcx_accept "$g" "$p_act"
	req root "$r" "$g"
	p_pend=$REPLY
	req "$T" "t$n" "$g_id"
	p_t=$REPLY
	monitor_start "$mon" root
	pm=$MON_PID
	monitor_sync "$mon" "$s"

	re="[[:space:]]($b|$g|$r|$o|t$n|new$n)([[:space:]]|\$)"
	# Our VPCs and connections as "vpc show" and "peering show" list them
	# (one record from each "vpc-" or "pcx-" line to the next, the sides'
	# devices included), and with "all" the names of our namespaces'
	# devices (not their states: carrier changes reach "ip link" a moment
	# later). Each dry run is checked against the first; the devices
	# (six ip commands, seconds in a debug kernel's guest) after the last.
	snap() {
		{ ctl vpc show; ctl peering show; } | awk -v re="$re" '
			function out() { if (rec ~ re) print rec; rec = "" }
			/^(vpc|pcx)-/ { out(); rec = $0; next }
			{ rec = rec "\n" $0 }
			END { out() }'
		[ "${1:-}" = all ] || return 0
		local ns
		for ns in "$b" "$g" "$r" "$o" "$s" "$T"; do
			echo "$ns:"
			ip -n "$ns" -br link show type vpcpeer | cut -d' ' -f1
		done
	}
	local s0_all
	s0=$(snap)
	s0_all=$(snap all)
	[ -n "$s0" ] || fail "nothing to compare"
	unchanged() { [ "$(snap)" = "$s0" ] || fail "'$*' changed something: $(diff <(echo "$s0") <(snap))"; }
	unchanged_all() {
		[ "$(snap all)" = "$s0_all" ] ||
			fail "$* changed something: $(diff <(echo "$s0_all") <(snap all))"
	}
	# dry WHO PATTERN ARGS...: a dry run that must succeed
	dry() {
		must_exit 0 "$2" by "$1" -D "${@:3}"
		unchanged "-D ${*:3}"
	}
	dry root '^dry run: .*would succeed$' vpc add "new$n" netns "$s" cidr 10.9.0.0/16
	dry root '^dry run: .*would succeed$' vpc del "$r"
	dry root '^dry run: .*would succeed$' vpc del "$g"
	dry root '^dry run: .*would succeed$' vpc set "$b" cidr add 10.5.0.0/16
	dry root '^dry run: .*would succeed$' vpc set "$b" cidr del 10.3.0.0/16
	dry root '^dry run: would be pending-acceptance$' peering request "$b" "$r"
	dry root '^dry run: .*would succeed$' peering accept "$p_pend"
	dry root '^dry run: .*would succeed$' peering reject "$p_pend"
	dry root '^dry run: .*would succeed$' peering delete "$p_pend"
	dry root '^dry run: .*would succeed$' peering delete "$p_act"
	dry root '^dry run: .*would succeed$' peering set "$p_act" requester allow-dns-resolution on name x
	dry "$T" '^dry run: .*would succeed$' peering delete "$p_t"
	dry "$T" '^dry run: would be pending-acceptance$' peering request "t$n" "$r_id"
	must_exit 1 '^dry run: would be failed: .*overlap' ctl -D peering request "$o" "$b"
	unchanged "-D peering request $o $b"
	unchanged_all "the dry runs"

	# same WHO ARGS...: refused, dry or not, in the same words. (What
	# they left is compared after the last of them: a snapshot takes
	# seconds in a debug kernel's guest.)
	same() {
		local x y rx=0 ry=0
		x=$(by "$1" -D "${@:2}" 2>&1) || rx=$?
		y=$(by "$1" "${@:2}" 2>&1) || ry=$?
		[ "$ry" != 0 ] || fail "'${*:2}' as $1 succeeded: $y"
		[ "$rx" = "$ry" ] && [ "$x" = "$y" ] ||
			fail "'${*:2}' as $1: dry run exit $rx '$x'; for real exit $ry '$y'"
	}
	same root vpc add "$b" netns "$s" cidr 10.9.0.0/16
	same root vpc set "$b" cidr add 10.1.5.0/24
	same root vpc set "$b" cidr add 10.3.0.0/16
	same root vpc set "$b" cidr del 10.7.0.0/16
	same root vpc set "$g" cidr del 10.1.0.0/16
	same root vpc del "nosuch$n"
	same root peering request "$b" "$g"
	same root peering request "$g" "$b"
	same root peering request "$b" "$b"
	same root peering request "$b" "nosuch$n"
	same root peering accept "$p_act"
	same root peering reject "$p_act"
	same root peering set "$p_pend" requester allow-dns-resolution on
	same root peering delete "$UNKNOWN_PCX"
	same "$T" peering accept "$p_t"
	same "$T" peering reject "$p_t"
	same "$T" vpc del "$g"
	same "$T" vpc set "$g" cidr add 10.77.0.0/16
	same "$T" peering request "$g" "t$n"
	same "$T" peering delete "$p_act"
	same "$T" peering set "$p_act" requester name x
	local x y rx=0 ry=0 nobody="setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --bounding-set=-all"
	# shellcheck disable=SC2086
	x=$($nobody "$VPCPEER_CTL" -D vpc del "$g" 2>&1) || rx=$?
	# shellcheck disable=SC2086
	y=$($nobody "$VPCPEER_CTL" vpc del "$g" 2>&1) || ry=$?
	[ "$ry" != 0 ] && [ "$rx" = "$ry" ] && [ "$x" = "$y" ] ||
		fail "nobody: dry run exit $rx '$x'; for real exit $ry '$y'"
	param_set max_pending_requests 1
	same root peering request "$r" "$o"
	param_set max_active_peerings 1
	same root peering accept "$p_pend"
	same root peering accept "$p_t"
	unchanged_all "the refused requests, dry and for real,"

	# No event for any of it: the listener's next line is a real change.
	ctl vpc set "$b" cidr add 10.6.0.0/16 > /dev/null
	wait_for 10 grep -q "cidr-add .* $b 10.6.0.0/16" "$mon" || fail "the listener did not hear the real change"
	monitor_stop "$pm" TERM
	expect_lines "the listener during the dry runs" "vpc cidr-add $b 10.6.0.0/16" \
		"$(monitor_lines "$mon" "(^| )($b|$g|$r|$o|t$n|new$n|$p_act|$p_pend|$p_t)( |:|\$)" "s/ vpc-[0-9a-f]\{8\}//")"
}

# After all of the above, unloading leaves nothing: every VPC, connection
# and device the kernel logged as created was destroyed, no splat.
# The kernel's own generic netlink client (tools/net/ynl/cli.py, from
# linux-source-6.12: make ynl) knows the family from our spec alone: it
# creates two VPCs, requests and accepts a peering, dumps the peerings,
# and a listener of its own (--subscribe) hears every change by its
# notification. The peering it made is active for vpcpeer-ctl and has its
# devices: the spec says what the module does. The listener is a process
# apart: 6.12's cli.py fails on a notification that arrives during its own
# request (ynl.py reads the next message with the op it cleared). And
# --no-schema: make gen-check validates the spec on the host; in the guest
# that would cost seconds per command.
YNL_DIR=${VPCPEER_YNL:-$SELFTEST_DIR/../build/ynl/linux-source-6.12/tools/net/ynl}
SPEC=$SELFTEST_DIR/../Documentation/netlink/specs/vpcpeer.yaml

# ynl_do NS ARGS...: cli.py in namespace NS ("" for this one), which must
# succeed; REPLY is its reply, flattened.
ynl_do() {
	local ns=$1 out
	shift
	out=$(${ns:+ip netns exec "$ns"} python3 "$YNL_DIR/cli.py" --spec "$SPEC" \
		--no-schema --output-json "$@" 2>&1) || fail "cli.py $*: $out"
	[ "$(wc -l <<< "$out")" = 1 ] || fail "cli.py $*: $out"
	REPLY=$(json_flat <<< "$out")
}

# ynl_subscribed PID: PID's netlink socket has joined a multicast group
# (/proc/net/netlink shows the first 32 groups of each socket).
ynl_subscribed() {
	local fd ino
	for fd in /proc/"$1"/fd/*; do
		ino=$(readlink "$fd" 2> /dev/null) || continue
		[[ $ino == "socket:["*"]" ]] || continue
		ino=${ino#socket:[}
		awk -v ino="${ino%]}" '$10 == ino && $4 != "00000000" { f = 1 } END { exit !f }' \
			/proc/net/netlink && return 0
	done
	return 1
}

t_ynl() {
	[ -f "$YNL_DIR/cli.py" ] || skip "no $YNL_DIR/cli.py (make ynl)"
	local n a b a_id b_id p t0 c ev lp f grp
	n=$(case_no)
	a=ya$n b=yb$n
	ev=/tmp/lc-ynl.$$
	defer rm -f "$ev"
	netns_new "$a"
	netns_new "$b"

	# One command's cost sizes the listener's life: five more, and slack.
	t0=$(now_ms)
	ynl_do "" --dump vpc-get
	c=$(($(now_ms) - t0))
	diag "a cli.py command takes about $c ms"
	python3 "$YNL_DIR/cli.py" --spec "$SPEC" --no-schema --output-json \
		--subscribe events --sleep $(((7 * c + 3000) / 1000)) > "$ev" 2>&1 &
	lp=$!
	# The group's id, to see the listener join it; one past the first 32
	# is not shown there, and the listener's startup is waited out.
	grp=$(genl ctrl get name vpcpeer | sed -n 's/.*ID-\(0x[0-9a-f]*\) *name: events.*/\1/p')
	[ -n "$grp" ] || fail "genl ctrl: no events group of vpcpeer"
	if ((grp < 32)); then
		wait_for 30 ynl_subscribed "$lp" || fail "the cli.py listener did not subscribe"
	else
		sleep $(((c + 999) / 1000))
	fi

	# A VPC in the namespace of the caller (no netns-fd); the block's
	# address is hex, as ynl writes binary. ynl shows the ids in hex (the
	# spec's display-hint) and takes them as numbers.
	ynl_do "$a" --do vpc-new \
		--json "{\"vpc\": {\"name\": \"$a\", \"cidr\": [{\"addr\": \"0a010000\", \"prefixlen\": 16}]}}"
	a_id=$(jget "$REPLY" vpc.id) || fail "vpc-new: no id in $REPLY"
	[ "$(jget "$REPLY" vpc.name)" = "$a" ] || fail "vpc-new: not $a: $REPLY"
	ynl_do "$b" --do vpc-new \
		--json "{\"vpc\": {\"name\": \"$b\", \"cidr\": [{\"addr\": \"0a020000\", \"prefixlen\": 16}]}}"
	b_id=$(jget "$REPLY" vpc.id) || fail "vpc-new: no id in $REPLY"
	f=$(ctl -j vpc show "$b" | json_flat)
	[ "$(jget "$f" '[0].id')" = "$(printf 'vpc-%08x' "$b_id")" ] ||
		fail "vpcpeer-ctl does not know $b as vpc $b_id: $f"

	ynl_do "" --do pcx-request \
		--json "{\"pcx\": {\"requester\": {\"vpc-id\": $((a_id))}, \"accepter\": {\"vpc-id\": $((b_id))}}}"
	p=$(jget "$REPLY" pcx.id) || fail "pcx-request: no id in $REPLY"
	[ "$(jget "$REPLY" pcx.state)/$(jget "$REPLY" pcx.reason)" = pending-acceptance/requested ] ||
		fail "pcx-request: $REPLY"
	# The accept is answered with an ACK alone; the dump shows the result.
	ynl_do "$b" --do pcx-accept --json "{\"pcx\": {\"id\": $((p))}}"
	ynl_do "" --dump pcx-get
	f=$(sed -n "s/^\[\([0-9]*\)\]\.pcx\.id=$p\$/\1/p" <<< "$REPLY")
	[ -n "$f" ] || fail "the pcx-get dump has no $p: $REPLY"
	[ "$(jget "$REPLY" "[$f].pcx.state")/$(jget "$REPLY" "[$f].pcx.reason")" = active/provisioned ] ||
		fail "the pcx-get dump after pcx-accept: $REPLY"

	f=$(pcx_flat "$(printf 'pcx-%08x' "$p")")
	[ "$(jget "$f" state)" = active ] || fail "vpcpeer-ctl: $p is not active: $f"
	ip -n "$a" link show "$(jget "$f" requester.ifname)" > /dev/null &&
		ip -n "$b" link show "$(jget "$f" accepter.ifname)" > /dev/null ||
		fail "$p has not its two devices"

	wait "$lp" || fail "the cli.py listener failed: $(cat "$ev")"
	f=$(json_flat < "$ev")
	[ "$(sed -n 's/^\[[0-9]*\]\.name=//p' <<< "$f" | tr '\n' ' ')" = \
	  "vpc-new-ntf vpc-new-ntf pcx-request-ntf pcx-state-ntf pcx-state-ntf " ] ||
		fail "the listener did not hear what was done: $f"
	[ "$(jget "$f" '[0].msg.vpc.id')/$(jget "$f" '[1].msg.vpc.id')" = "$a_id/$b_id" ] &&
		[ "$(jget "$f" '[2].msg.pcx.id')" = "$p" ] &&
		[ "$(jget "$f" '[4].msg.pcx.old-state')/$(jget "$f" '[4].msg.pcx.state')" = \
		  provisioning/active ] || fail "the listener heard other changes: $f"
	ctl peering delete "$(printf 'pcx-%08x' "$p")"
}

t_unload() {
	local out bad
	module_unload
	! module_loaded || fail "vpcpeer still loaded"
	out=$(kmsg_since "$KLOG") || fail "the kernel log capture is incomplete"
	bad=$(sed -n 's/.*vpcpeer: \(\(vpc\|pcx\)-[0-9a-f]\{8\}\): \(created\|destroyed\).*/\1 \3/p' <<< "$out" |
		awk '$2 == "created" { c[$1]++ } $2 == "destroyed" { d[$1]++ }
		     END { for (k in c) if (c[k] != d[k]) print k ": created " c[k] ", destroyed " d[k] + 0 }')
	[ -z "$bad" ] || fail "objects not destroyed: $(head -n 10 <<< "$bad")"
	! grep -E "$KERNEL_SPLAT" <<< "$out" || fail "the kernel log shows a splat"
}

kmsg_follow "$KLOG"
trap 'kill $KMSG_PID 2> /dev/null; rm -f "$KLOG"' EXIT

ktap_case module_loads t_load
ktap_case quota_parameters_bounded t_param_bounds
ktap_case pending_request_expires_by_itself t_expiry
ktap_case expiry_read_at_request_active_never_expires t_expiry_rules
ktap_case tombstone_windows_per_side t_tombstone_windows
ktap_case cross_owner_accept_reject_delete t_cross_owner
ktap_case quota_max_pending_requests t_quota_pending
ktap_case quota_max_active_peerings t_quota_active
ktap_case per_side_options t_options
ktap_case monitor_text_and_json t_monitor
ktap_case monitor_scoped_to_listener_namespace t_monitor_scoped
ktap_case dry_run_changes_nothing_fails_alike t_dry_run
ktap_case ynl_cli_speaks_the_spec t_ynl
ktap_case unload_leaves_no_objects t_unload
ktap_finish
