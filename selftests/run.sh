#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh [PROG...]: run the selftest programs (default: TEST_PROGS from the
# Makefile) one after another, each printing its own KTAP stream, and exit
# non-zero when any of them failed. Skipped programs (exit 4) do not fail
# the run. Meant to run as root inside tools/vm/run.
cd "$(dirname "$0")" || exit 1
progs=("$@")
if [ ${#progs[@]} -eq 0 ]; then
	read -r -a progs <<< "$(sed -n 's/^TEST_PROGS *:= *//p' Makefile)"
fi
rc=0
for p in "${progs[@]}"; do
	echo "# selftest: $p on $(uname -r)"
	"./$p"
	case $? in
	0|4) ;;
	*) rc=1 ;;
	esac
done
exit $rc
