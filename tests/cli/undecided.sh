#!/usr/bin/env bash
# raftsim run with a linearizability budget too small to decide: exit 3 and an UNDECIDED line, never "ok".
set -u
sim=$1; scenario=$2
out=$("$sim" run "$scenario" --lin-states-max 1 2>/tmp/raftsim-undecided.$$); rc=$?
err=$(cat /tmp/raftsim-undecided.$$); rm -f /tmp/raftsim-undecided.$$
echo "$out"; echo "$err"
[ "$rc" -eq 3 ] || { echo "expected exit 3 (undecided), got $rc"; exit 1; }
case "$out" in "UNDECIDED $scenario (seed "*) ;; *) echo "expected an UNDECIDED line"; exit 1;; esac
case "$err" in "linearizability of the client history is undecided: the search hit its budget on key"*) ;; *) echo "expected the reason on stderr"; exit 1;; esac
exit 0
