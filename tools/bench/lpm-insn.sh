#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Instructions per lookup of the CIDR set and its two baselines, counted
# by callgrind (make bench-lpm runs it after the timed table):
#
#   tools/bench/lpm-insn.sh LPM-BENCH [MAX]
#
# Runs LPM-BENCH --insn under valgrind --tool=callgrind with
# instrumentation off until each measured loop (see lpm-bench.c), then
# prints one line per family, size and stream: the dump's Ir divided by
# its lookups. Unlike times, these counts are the same on any run of the
# same binary, whatever else the machine does.
set -euo pipefail

bench=$1 max=${2:-1000000}
command -v valgrind > /dev/null || { echo "lpm-insn: valgrind not found (make deps)" >&2; exit 1; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

valgrind -q --tool=callgrind --instr-atstart=no \
	--callgrind-out-file="$dir/cg.%p" "$bench" --insn "$max" > /dev/null

# One dump a measurement: "desc: Trigger: Client Request: ipv4 1000 trie
# random 1000" and "totals: IR".
echo "instructions per lookup (callgrind Ir / lookups, loop included)"
printf "%-5s %9s  %-8s %10s %10s %12s\n" fam prefixes stream trie bsearch linear
for f in "$dir"/cg.*.*; do
	awk '/^desc: Trigger: Client Request: / { sub(/^desc: Trigger: Client Request: /, ""); name = $0 }
	     /^totals: / { print name, $2 }' "$f"
done | sort -k1,1 -k2,2n -k4,4r | awk '
	{ key = $1 " " $2 " " $4; v[key, $3] = $6 / $5
	  if (!(key in seen)) { seen[key] = 1; order[n++] = key } }
	END {
		for (i = 0; i < n; i++) {
			split(order[i], k, " ")
			printf "%-5s %9s  %-8s %10.1f %10.1f %12.1f\n", k[1], k[2], k[3],
			       v[order[i], "trie"], v[order[i], "bsearch"], v[order[i], "linear"]
		}
	}'
