#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vpcpeer-ctl's contract with scripts, checked on the host (no module
# needed): exit 0 on success, 1 when the operation failed, 2 on a usage
# error, and a one-line message on stderr that names the bad argument.
# With no module loaded, every command line that is good must get as far
# as the family lookup (exit 1, "not found"), and every bad one must be
# refused before it (exit 2), so that scripts can tell the two apart.
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

# refused STATUS PATTERN CMD...: CMD exits STATUS, prints nothing on
# stdout and exactly one line on stderr, "vpcpeer-ctl: " + PATTERN.
refused() {
	local want=$1 pat=$2 out err rc=0 errf
	shift 2
	errf=$(mktemp)
	out=$("$@" 2> "$errf") || rc=$?
	err=$(cat "$errf")
	rm -f "$errf"
	[ "$rc" = "$want" ] || fail "'$*' exited $rc, not $want: $err"
	[ -z "$out" ] || fail "'$*' wrote to stdout: $out"
	[ "$(wc -l <<< "$err")" = 1 ] || fail "'$*' wrote more than one line to stderr: $err"
	grep -qE -- "^vpcpeer-ctl: $pat" <<< "$err" || fail "'$*' said '$err', which does not match /^vpcpeer-ctl: $pat/"
}

ctl() { "$VPCPEER_CTL" "$@"; }

no_module() {
	grep -q '^vpcpeer ' /proc/modules 2>/dev/null && skip "vpcpeer is loaded on this host"
	return 0
}

NOT_FOUND='generic netlink family "vpcpeer" not found: is the vpcpeer module loaded\?'

t_help() {
	expect 0 'version +show the versions' ctl --help
	expect 0 'Usage: vpcpeer-ctl' ctl help
	expect 0 'usage: vpcpeer-ctl version|vpcpeer-ctl version' ctl help version
	expect 0 'vpc add NAME \[netns NS\] cidr PREFIX \[cidr PREFIX\]\.\.\.' ctl --help
	expect 0 'vpc set VPC cidr add\|del PREFIX' ctl --help
	expect 0 'peering request REQUESTER_VPC ACCEPTER_VPC' ctl -h
	expect 0 'peering request REQUESTER_VPC ACCEPTER_VPC \[region REGION\]$' ctl -h
	expect 0 'With "region REGION", a peering request.s' ctl --help
	expect 0 'peering show \[PCX\] +show one peering' ctl help
	expect 0 '^Usage: vpcpeer-ctl vpc del VPC$' ctl help vpc
	expect 0 '^Usage: vpcpeer-ctl peering accept PCX$' ctl help pe acc
	expect 0 '-D, --dry-run' ctl --help
	expect 0 'peering set PCX SIDE \[allow-dns-resolution on\|off\] \[name TEXT\] \[SIDE \.\.\.\]' ctl --help
	expect 0 'monitor +print changes' ctl --help
	expect 0 'region add NAME remote ADDR\[:PORT\] local ADDR' ctl --help
	expect 0 'region set NAME \[remote ADDR\[:PORT\]\] \[local ADDR\]' ctl --help
	expect 0 'region show \[NAME\] +show one region' ctl help
	expect 0 'For region, NAME is the region.s name' ctl --help
	expect 0 '^Usage: vpcpeer-ctl region del NAME$' ctl help reg d
	expect 0 '^Usage: vpcpeer-ctl monitor$' ctl help mon
	[ "$(ctl help vpc | grep -c '^Usage:')" = 4 ] || fail "help vpc does not list 4 commands"
	[ "$(ctl help peering | grep -c '^Usage:')" = 6 ] || fail "help peering does not list 6 commands"
	[ "$(ctl help region | grep -c '^Usage:')" = 4 ] || fail "help region does not list 4 commands"
	# Help fits a terminal.
	! ctl --help | grep -qE '^.{80}' || fail "--help has lines of 80 columns or more"
}
t_version_flag() {
	expect 0 '^vpcpeer-ctl [0-9]+\.[0-9]+\.[0-9]+$' ctl -V
	expect 0 '^\{"tool":"[0-9.]+"\}$' ctl -j -V
}
t_usage_errors() {
	refused 2 'missing command' ctl
	refused 2 'unknown command "bogus"; expected one of: vpc, peering, region, monitor, help, version' ctl bogus
	refused 2 'ambiguous command "v": could be vpc, version' ctl v
	refused 2 'unknown option "-x"' ctl -x
	refused 2 'option "-n" needs an argument' ctl -n
	refused 2 'version: unexpected argument "extra"' ctl version extra
	refused 2 'help: unexpected argument "x"' ctl help vpc add x
	refused 2 'unknown vpc command "bogus"; expected one of: add, set, del, show' ctl help vpc bogus
	# Options come before the command; one after it is named, with the fix.
	refused 2 'option "-s" goes before the command, as in "vpcpeer-ctl -s peering show"$' ctl peering show -s
	refused 2 'option "-j" goes before the command, as in "vpcpeer-ctl -j vpc show"$' ctl vpc show blue -j
	refused 2 'option "-n" goes before the command, as in "vpcpeer-ctl -n blue vpc add"$' ctl vpc add blue cidr 10.0.0.0/16 -n blue
	refused 2 'option "--stats" goes before the command' ctl peering --stats
}
t_vpc_usage_errors() {
	local u='\(usage: vpcpeer-ctl vpc add NAME \[netns NS\] cidr PREFIX \[cidr PREFIX\]\.\.\.\)$'
	refused 2 'unknown vpc command "delete"; expected one of: add, set, del, show' ctl vpc delete blue
	refused 2 "vpc add: missing NAME $u" ctl vpc add
	refused 2 "vpc add: missing cidr: a VPC needs at least one CIDR block $u" ctl vpc add blue
	refused 2 "vpc add: missing cidr: a VPC needs at least one CIDR block $u" ctl vpc add blue netns blue
	refused 2 "vpc add: missing PREFIX after \"cidr\" $u" ctl vpc add blue cidr
	refused 2 "vpc add: missing NS after \"netns\" $u" ctl vpc add blue cidr 10.0.0.0/16 n
	refused 2 'vpc add: netns given twice' ctl vpc add blue netns a netns b cidr 10.0.0.0/16
	refused 2 'vpc add: unknown keyword "cdr"; expected one of: cidr, netns$' ctl vpc add blue cdr 10.0.0.0/16
	refused 2 'vpc add: 10.0.0.1/16 has host bits set; did you mean 10.0.0.0/16\?$' ctl vpc add blue cidr 10.0.0.1/16
	refused 2 'vpc add: CIDR prefix "10.0.0.0" has no /LEN' ctl vpc add blue cidr 10.0.0.0
	refused 2 'vpc add: ::ffff:10.0.0.0/104 is an IPv4-mapped IPv6 prefix; use 10.0.0.0/8 instead' ctl vpc add blue cidr ::ffff:10.0.0.0/104
	refused 2 'vpc add: VPC name "vpc-0a1b2c3d" is the form of an id; choose another name$' ctl vpc add vpc-0a1b2c3d cidr 10.0.0.0/16
	refused 2 'vpc add: VPC name "PCX-11223344" is the form of an id' ctl vpc add PCX-11223344 cidr 10.0.0.0/16
	refused 2 'vpc add: VPC name "a b": character " " at position 2' ctl vpc add "a b" cidr 10.0.0.0/16
	refused 2 'vpc add: empty VPC name' ctl vpc add "" cidr 10.0.0.0/16
	refused 2 'bad network namespace name ""$' ctl vpc add blue netns "" cidr 10.0.0.0/16
	refused 2 'vpc set: missing VPC \(usage: vpcpeer-ctl vpc set VPC cidr add\|del PREFIX\)$' ctl vpc set
	refused 2 'vpc set: missing "cidr add\|del PREFIX"' ctl vpc set blue
	refused 2 'vpc set: unknown keyword "mtu"; expected one of: cidr$' ctl vpc set blue mtu 9001
	refused 2 'vpc set: missing add\|del after "cidr"' ctl vpc set blue cidr
	refused 2 'vpc set: unknown cidr operation "replace"; expected one of: add, del$' ctl vpc set blue cidr replace 10.0.0.0/16
	refused 2 'vpc set: missing PREFIX after "del"' ctl vpc set blue cidr d
	refused 2 'vpc set: unexpected argument "x"' ctl vpc set blue cidr add 10.2.0.0/16 x
	refused 2 'vpc set: "pcx-11223344" is a peering connection id, not a VPC' ctl vpc set pcx-11223344 cidr add 10.2.0.0/16
	refused 2 'vpc del: missing VPC' ctl vpc del
	refused 2 'vpc del: unexpected argument "green"' ctl vpc del blue green
	refused 2 'vpc del: VPC name "-x" must start with a letter or a digit' ctl vpc del -x
	refused 2 'vpc show: unexpected argument "b"' ctl vpc show a b
}
t_peering_usage_errors() {
	refused 2 'ambiguous peering command "re": could be request, reject' ctl peering re blue green
	refused 2 'unknown peering command "list"; expected one of: request, accept, reject, delete, set, show' ctl peering list
	refused 2 'peering request: missing REQUESTER_VPC \(usage: vpcpeer-ctl peering request REQUESTER_VPC ACCEPTER_VPC \[region REGION\]\)$' ctl peering request
	refused 2 'peering request: missing ACCEPTER_VPC' ctl peering request blue
	refused 2 'peering request: unknown keyword "red"; expected one of: region$' ctl peering request blue green red
	refused 2 'peering request: requester: VPC name "a/b": character "/" at position 2' ctl peering request a/b green
	refused 2 'peering request: accepter: "pcx-11223344" is a peering connection id, not a VPC' ctl peering request blue pcx-11223344
	refused 2 'peering accept: missing PCX \(usage: vpcpeer-ctl peering accept PCX\)$' ctl peering accept
	refused 2 'peering show: unexpected argument "region"' ctl peering show pcx-11223344 region b
	refused 2 'peering reject: "blue" is not a peering connection id \(expected pcx-XXXXXXXX, 8 hex digits\)' ctl peering reject blue
	refused 2 'peering delete: peering connection id "pcx-1122334" has 7 hex digits' ctl peering del pcx-1122334
	refused 2 'peering delete: unexpected argument "now"' ctl peering delete pcx-11223344 now
	refused 2 'peering show: "vpc-0a1b2c3d" is not a peering connection id' ctl peering show vpc-0a1b2c3d
	refused 2 'peering show: unexpected argument "x"' ctl peering show pcx-11223344 x
}
# Issue 5: peering set, monitor and -D refuse bad command lines with 2.
t_issue5_usage_errors() {
	local u='\(usage: vpcpeer-ctl peering set PCX SIDE \[allow-dns-resolution on\|off\] \[name TEXT\] \[SIDE \.\.\.\]\)$'
	refused 2 'ambiguous peering command "s": could be set, show' ctl peering s
	refused 2 "peering set: missing PCX $u" ctl peering set
	refused 2 'peering set: "blue" is not a peering connection id' ctl peering set blue requester name x
	refused 2 "peering set: missing SIDE \(requester or accepter\) $u" ctl peering set pcx-11223344
	refused 2 'peering set: unknown side "both"; expected one of: requester, accepter$' ctl peering set pcx-11223344 both name x
	refused 2 "peering set: missing allow-dns-resolution or name after \"requester\" $u" ctl peering set pcx-11223344 requester
	refused 2 "peering set: missing allow-dns-resolution or name after \"requester\" $u" ctl peering set pcx-11223344 req acc name x
	refused 2 "peering set: missing on\|off after \"allow-dns-resolution\" $u" ctl peering set pcx-11223344 req allow
	refused 2 "peering set: missing TEXT after \"name\" $u" ctl peering set pcx-11223344 acc name
	refused 2 'peering set: requester: unknown allow-dns-resolution value "yes"; expected one of: on, off$' ctl peering set pcx-11223344 req allow yes
	refused 2 'peering set: requester: ambiguous allow-dns-resolution value "o": could be on, off$' ctl peering set pcx-11223344 req al o
	refused 2 'peering set: ambiguous keyword "a": could be allow-dns-resolution, accepter$' ctl peering set pcx-11223344 req a on
	refused 2 'peering set: unknown keyword "mtu"; expected one of: allow-dns-resolution, name, requester, accepter$' ctl peering set pcx-11223344 req mtu 1
	refused 2 'peering set: requester: allow-dns-resolution given twice' ctl peering set pcx-11223344 req al on al off
	refused 2 'peering set: accepter: name given twice' ctl peering set pcx-11223344 acc name x name y
	refused 2 'peering set: requester given twice' ctl peering set pcx-11223344 req al on requester name x
	refused 2 'peering set: requester: name "a\\tb": character "\\t" at position 2 is not printable ASCII$' ctl peering set pcx-11223344 req name "$(printf 'a\tb')"
	refused 2 'peering set: accepter: name "x{48}"\.\.\. is too long \(256 characters; at most 255\)$' ctl peering set pcx-11223344 acc name "$(printf 'x%.0s' $(seq 256))"
	refused 2 'monitor: unexpected argument "vpc" \(usage: vpcpeer-ctl monitor\)$' ctl monitor vpc
	refused 2 'option "-D" goes before the command, as in "vpcpeer-ctl -D vpc del"$' ctl vpc del blue -D
	refused 2 'option "--dry-run" goes before the command' ctl peering accept pcx-11223344 --dry-run
	refused 2 'vpc del: missing VPC' ctl -D vpc del
	refused 2 'peering request: missing ACCEPTER_VPC' ctl --dry-run peering request blue
	refused 2 'peering set: missing PCX' ctl -D -n vpcpeer-nosuch peering set
	refused 2 'monitor: unexpected argument "x"' ctl -n vpcpeer-nosuch monitor x
}
# Regions: every bad command line exits 2 naming what is wrong, before
# anything is sent.
t_region_usage_errors() {
	local u='\(usage: vpcpeer-ctl region add NAME remote ADDR\[:PORT\] local ADDR\)$'
	local us='\(usage: vpcpeer-ctl region set NAME \[remote ADDR\[:PORT\]\] \[local ADDR\]\)$'
	refused 2 'unknown region command "list"; expected one of: add, set, del, show$' ctl region list
	refused 2 'ambiguous region command "s": could be set, show$' ctl region s
	refused 2 "region add: missing NAME $u" ctl region add
	refused 2 "region add: missing remote ADDR\[:PORT\] $u" ctl region add b
	refused 2 "region add: missing local ADDR $u" ctl region add b remote 10.255.0.2
	refused 2 "region add: missing remote ADDR\[:PORT\] $u" ctl region add b local 10.255.0.1
	refused 2 "region add: missing ADDR\[:PORT\] after \"remote\" $u" ctl region add b remote
	refused 2 "region add: missing ADDR after \"local\" $u" ctl region add b remote 10.255.0.2 l
	refused 2 'region add: remote given twice' ctl region add b remote 10.255.0.2 remote 10.255.0.3 local 10.255.0.1
	refused 2 'region add: unknown keyword "port"; expected one of: remote, local$' ctl region add b port 6081
	refused 2 'region add: empty region name$' ctl region add "" remote 10.255.0.2 local 10.255.0.1
	refused 2 'region add: region name "abcdefghijklmnop" is too long \(16 characters; at most 15\)$' ctl region add abcdefghijklmnop remote 10.255.0.2 local 10.255.0.1
	refused 2 'region add: region name "_b" must start with a letter or a digit$' ctl region add _b remote 10.255.0.2 local 10.255.0.1
	refused 2 'region add: remote address "10.255.0.2:0": port "0" is out of range \(1-65535\)$' ctl region add b remote 10.255.0.2:0 local 10.255.0.1
	refused 2 'region add: remote address "\[fd00::2\]:65536": port "65536" is out of range \(1-65535\)$' ctl region add b remote '[fd00::2]:65536' local fd00::1
	refused 2 'region add: remote address "10.255.0.2:06081": port "06081" has a leading zero$' ctl region add b remote 10.255.0.2:06081 local 10.255.0.1
	refused 2 'region add: remote address "10.255.0.2:geneve": port "geneve" is not a decimal number$' ctl region add b remote 10.255.0.2:geneve local 10.255.0.1
	refused 2 'region add: remote address "10.255.0.256" is not an IPv4 address \(an octet is over 255\)$' ctl region add b remote 10.255.0.256 local 10.255.0.1
	refused 2 'region add: remote address "peer.example:6081": "peer.example" is not an IPv4 address' ctl region add b remote peer.example:6081 local 10.255.0.1
	refused 2 'region add: remote address "\[fd00::2" has no \] after the IPv6 address$' ctl region add b remote '[fd00::2' local fd00::1
	refused 2 'region add: remote address "\[10.255.0.2\]:6081": "10.255.0.2" is not an IPv6 address$' ctl region add b remote '[10.255.0.2]:6081' local 10.255.0.1
	refused 2 'region add: remote address "::ffff:10.255.0.2" is an IPv4-mapped IPv6 address; use 10.255.0.2 instead$' ctl region add b remote ::ffff:10.255.0.2 local 10.255.0.1
	refused 2 'region add: local address "10.255.0.1:6081" takes no port$' ctl region add b remote 10.255.0.2 local 10.255.0.1:6081
	refused 2 'region add: local address "fd00::g" is not an IPv6 address$' ctl region add b remote fd00::2 local fd00::g
	refused 2 'region add: remote address "\[fd00::2\]:6081" is IPv6 but local address "10.255.0.1" is IPv4: give both of one family$' ctl region add b remote '[fd00::2]:6081' local 10.255.0.1
	refused 2 "region set: missing NAME $us" ctl region set
	refused 2 "region set: missing remote or local: nothing to change $us" ctl region set b
	refused 2 'region set: local given twice' ctl region set b local 10.0.0.1 local 10.0.0.2
	refused 2 'region set: empty remote address \(expected ADDR or ADDR:PORT, e.g. 10.255.0.2:6081 or \[fd00::2\]:6081\)$' ctl region set b remote ""
	refused 2 'region del: missing NAME \(usage: vpcpeer-ctl region del NAME\)$' ctl region del
	refused 2 'region del: unexpected argument "c"' ctl region del b c
	refused 2 'region del: region name "a/b": character "/" at position 2 is not allowed' ctl region del a/b
	refused 2 'region show: unexpected argument "c" \(usage: vpcpeer-ctl region show \[NAME\]\)$' ctl region show b c
	refused 2 'option "-s" goes before the command, as in "vpcpeer-ctl -s region show"$' ctl region show -s
	refused 2 'region del: missing NAME' ctl -D region del
	refused 2 'region add: missing local ADDR' ctl -n vpcpeer-nosuch region add b remote 10.255.0.2
}
# peering request ... region REGION: the accepter is another region's VPC,
# by id or name; the region's name is checked as region add checks it.
t_request_region_usage_errors() {
	local u='\(usage: vpcpeer-ctl peering request REQUESTER_VPC ACCEPTER_VPC \[region REGION\]\)$'
	refused 2 "peering request: missing REGION after \"region\" $u" ctl peering request blue green region
	refused 2 "peering request: missing REGION after \"region\" $u" ctl peering request blue vpc-1a2b3c4d reg
	refused 2 'peering request: empty region name$' ctl peering request blue green region ""
	refused 2 'peering request: region name "_b" must start with a letter or a digit$' ctl peering request blue green region _b
	refused 2 'peering request: region name "a/b": character "/" at position 2 is not allowed' ctl peering request blue green region a/b
	refused 2 'peering request: region name "abcdefghijklmnop" is too long \(16 characters; at most 15\)$' ctl peering request blue green region abcdefghijklmnop
	refused 2 "peering request: region given twice $u" ctl peering request blue green region b region c
	refused 2 'peering request: unknown keyword "x"; expected one of: region$' ctl peering request blue green region b x
	refused 2 'peering request: unknown keyword "to"; expected one of: region$' ctl peering request blue green to b
	refused 2 'peering request: accepter: "pcx-11223344" is a peering connection id, not a VPC' ctl peering request blue pcx-11223344 region b
	refused 2 'peering request: accepter: VPC name "a b": character " " at position 2' ctl peering request blue "a b" region b
	refused 2 'peering request: requester: VPC name "-x" must start with a letter or a digit' ctl peering request -x green region b
	refused 2 'peering request: missing ACCEPTER_VPC' ctl peering request blue
	refused 2 'peering request: missing REGION after "region"' ctl -D peering request blue green region
	refused 2 'peering request: region name "_b"' ctl -n vpcpeer-nosuch peering request blue green region _b
}
# A bad command line is a usage error even when -n names no namespace.
t_usage_before_netns() {
	refused 2 'vpc add: missing NAME' ctl -n vpcpeer-nosuch vpc add
	refused 2 'peering accept: missing PCX' ctl -n vpcpeer-nosuch peering accept
}
# No module is loaded on the host, so the family lookup must fail cleanly.
t_family_missing() {
	no_module
	refused 1 "$NOT_FOUND" ctl version
	refused 1 'generic netlink family "vpcpeer" not found' ctl -j vers
	refused 1 "$NOT_FOUND" ctl vpc add blue cidr 10.0.0.0/16 cidr fd00:b::/48
	refused 1 "$NOT_FOUND" ctl vpc add blue netns /proc/self/ns/net cidr 10.0.0.0/16
	refused 1 "$NOT_FOUND" ctl vpc set blue cidr add 10.2.0.0/16
	refused 1 "$NOT_FOUND" ctl vpc set vpc-0a1b2c3d cidr del fd00:b::/48
	refused 1 "$NOT_FOUND" ctl vpc del blue
	refused 1 "$NOT_FOUND" ctl vpc show
	refused 1 "$NOT_FOUND" ctl -j vpc show blue
	refused 1 "$NOT_FOUND" ctl vpc
	refused 1 "$NOT_FOUND" ctl peering request blue vpc-99887766
	refused 1 "$NOT_FOUND" ctl peering accept pcx-11223344
	refused 1 "$NOT_FOUND" ctl pe rej PCX-11223344
	refused 1 "$NOT_FOUND" ctl peering del pcx-11223344
	refused 1 "$NOT_FOUND" ctl -s peering show
	refused 1 "$NOT_FOUND" ctl -j -s peering show pcx-11223344
	refused 1 "$NOT_FOUND" ctl peering set pcx-11223344 requester allow-dns-resolution on name "blue side" acc al off
	refused 1 "$NOT_FOUND" ctl peering set pcx-11223344 acc name ""
	refused 1 "$NOT_FOUND" ctl -D vpc add blue cidr 10.0.0.0/16
	refused 1 "$NOT_FOUND" ctl --dry-run peering request blue green
	refused 1 "$NOT_FOUND" ctl peering request blue vpc-1a2b3c4d region b
	refused 1 "$NOT_FOUND" ctl peering request vpc-0a1b2c3d green region ap-southeast-2
	refused 1 "$NOT_FOUND" ctl -D pe req blue green reg b
	refused 1 "$NOT_FOUND" ctl -jD peering delete pcx-11223344
	refused 1 "$NOT_FOUND" ctl -D vpc show
	refused 1 "$NOT_FOUND" ctl monitor
	refused 1 "$NOT_FOUND" ctl -j mon
	refused 1 "$NOT_FOUND" ctl region add b remote 10.255.0.2 local 10.255.0.1
	refused 1 "$NOT_FOUND" ctl region add b remote 10.255.0.2:6081 local 10.255.0.1
	refused 1 "$NOT_FOUND" ctl region add ap-southeast-2 remote '[fd00::2]:6081' local fd00::1
	refused 1 "$NOT_FOUND" ctl reg a b rem fd00::2 l '[fd00::1]'
	refused 1 "$NOT_FOUND" ctl region set b remote 10.255.0.22
	refused 1 "$NOT_FOUND" ctl region set b local 10.255.0.3 remote 10.255.0.2:7000
	refused 1 "$NOT_FOUND" ctl region del b
	refused 1 "$NOT_FOUND" ctl region show
	refused 1 "$NOT_FOUND" ctl -j -s region show b
	refused 1 "$NOT_FOUND" ctl region
	refused 1 "$NOT_FOUND" ctl -D region add b remote 10.255.0.2 local 10.255.0.1
	refused 1 "$NOT_FOUND" ctl -D region del b
}
t_bad_netns() {
	expect 1 'network namespace "vpcpeer-nosuch" not found' ctl -n vpcpeer-nosuch version
	expect 1 '"/etc/hostname" is not a network namespace' ctl -n /etc/hostname version
	refused 1 'network namespace "vpcpeer-nosuch" not found in /run/netns' ctl -n vpcpeer-nosuch vpc show
	refused 1 'network namespace "vpcpeer-nosuch" not found in /run/netns' ctl -n vpcpeer-nosuch monitor
	refused 1 'network namespace "vpcpeer-nosuch" not found in /run/netns \(see "ip netns list"\)$' ctl vpc add blue netns vpcpeer-nosuch cidr 10.0.0.0/16
	refused 1 'network namespace "/nonexistent/ns" not found: no such file$' ctl vpc add blue netns /nonexistent/ns cidr 10.0.0.0/16
	refused 1 '"/etc/hostname" is not a network namespace$' ctl vpc add blue netns /etc/hostname cidr 10.0.0.0/16
}
# -b runs one command a line: comments and blank lines skipped, the first
# failure stops it and names its line, --force (or -force) goes on, and
# the status is the first failure's; options go before -b, not on a line.
t_batch() {
	local f
	f=$(mktemp)
	defer rm -f "$f"
	printf '# a comment\n\nhelp version   # why not\nhelp vpc del\n' > "$f"
	expect 0 '^Usage: vpcpeer-ctl vpc del VPC$' ctl -b "$f"
	[ "$(ctl -b "$f" | grep -c '^Usage:')" = 2 ] || fail "-b did not run both lines"
	expect 0 'Usage: vpcpeer-ctl version' ctl -b - < "$f"
	printf 'help version\nbogus\nhelp vpc del\n' > "$f"
	refused 2 '-b reads the commands from a file; unexpected argument "bogus"' ctl -b /dev/null bogus
	expect 2 "^vpcpeer-ctl: $f:2: command failed; stopping$" ctl -b "$f"
	! ctl -b "$f" 2> /dev/null | grep -q 'vpc del' || fail "-b went on after a failure"
	expect 2 "^vpcpeer-ctl: $f:2: command failed$" ctl --force -b "$f"
	ctl -force -batch "$f" 2> /dev/null | grep -q 'vpc del VPC' || fail "-force -batch did not go on"
	printf 'version\nhelp\n' > "$f"
	no_module
	expect 1 "$NOT_FOUND" ctl -b "$f"
	[ "$(ctl --force -b "$f" 2>&1 | grep -c 'command failed')" = 1 ] || fail "--force stopped"
	printf 'vpc show -j\n' > "$f"
	expect 2 'option "-j" cannot be given in a batch; put it before -b' ctl -b "$f"
	printf 'vpc del blue -D\n' > "$f"
	expect 2 'option "-D" cannot be given in a batch; put it before -b' ctl -b "$f"
	printf 'vpc del blue\npeering set pcx-11223344 req al on\n' > "$f"
	[ "$(ctl -D --force -b "$f" 2>&1 | grep -c "$NOT_FOUND")" = 2 ] || fail "-D -b did not run both lines"
	refused 1 'cannot open batch file "/nonexistent": No such file or directory' ctl -b /nonexistent
	refused 2 'option "-b" needs an argument' ctl -b
	refused 2 '--force only applies with -b' ctl --force version
	refused 2 'option "-b" goes before the command and replaces it' ctl vpc show -b "$f"
}

# No leak and no invalid access on the paths a host can reach.
t_valgrind() {
	command -v valgrind > /dev/null || skip "valgrind not installed"
	local args
	for args in "--help" "vpc add blue cidr 10.0.0.1/16" \
		"peering request blue pcx-11223344" "vpc show" "-j -s peering show" \
		"peering request blue green region b" "peering request blue green region _b" \
		"-D peering set pcx-11223344 req al on name x" "monitor" \
		"region add b remote [fd00::2]:6081 local fd00::1" \
		"region add b remote 10.0.0.1:0 local 10.0.0.2" "-j -s region show"; do
		# shellcheck disable=SC2086
		valgrind -q --error-exitcode=99 --leak-check=full \
			--errors-for-leak-kinds=definite,indirect \
			"$VPCPEER_CTL" $args > /dev/null 2>&1 || [ $? != 99 ] ||
			fail "valgrind found errors in 'vpcpeer-ctl $args'"
	done
}

ktap_case help_lists_commands t_help
ktap_case version_flag_plain_and_json t_version_flag
ktap_case usage_errors_exit_2_and_name_argument t_usage_errors
ktap_case vpc_usage_errors_exit_2 t_vpc_usage_errors
ktap_case peering_usage_errors_exit_2 t_peering_usage_errors
ktap_case set_monitor_dry_run_usage_errors_exit_2 t_issue5_usage_errors
ktap_case region_usage_errors_exit_2 t_region_usage_errors
ktap_case request_region_usage_errors_exit_2 t_request_region_usage_errors
ktap_case usage_errors_come_before_netns t_usage_before_netns
ktap_case missing_family_exits_1_with_hint t_family_missing
ktap_case bad_netns_exits_1 t_bad_netns
ktap_case batch_runs_lines_stops_at_first_failure t_batch
ktap_case valgrind_clean t_valgrind
ktap_finish
