#!/usr/bin/env bash
# raftsim experiment elections: a small run prints one row per range next to the paper's figures;
# bad flags exit 2 with a sentence.
set -u
sim=$1
fail() { echo "FAIL: $*"; exit 1; }
out=$("$sim" experiment elections --trials 20 2>/dev/null); rc=$?
echo "$out"
[ "$rc" -eq 0 ] || fail "exit $rc"
rows=$(echo "$out" | grep -cE '^(150-[0-9]+|12-24) ms ')
[ "$rows" -eq 7 ] || fail "expected 7 rows, got $rows"
echo "$out" | grep -qE '^150-150 ms +- +- +- +- +20 +more than 10 s' || fail "150-150 should elect no leader in any of 20 trials"
echo "$out" | grep -qE '^150-155 ms .*median 287 ms$' || fail "the paper's median for 150-155 is missing"
err=$("$sim" experiment elections --timeouts 150-abc 2>&1 >/dev/null); rc=$?
[ "$rc" -eq 2 ] || fail "bad --timeouts: exit $rc"
case "$err" in "raftsim experiment: --timeouts: '150-abc' is not a range of milliseconds like 150-300"*) ;; *) fail "bad --timeouts said: $err";; esac
err=$("$sim" experiment elections --disk-latency 5ms 2>&1 >/dev/null); rc=$?
[ "$rc" -eq 2 ] || fail "one disk latency: exit $rc"
case "$err" in "raftsim experiment: --disk-latency takes two durations, like --disk-latency 5ms 10ms"*) ;; *) fail "one disk latency said: $err";; esac
err=$("$sim" experiment votes 2>&1 >/dev/null); rc=$?
[ "$rc" -eq 2 ] || fail "unknown experiment: exit $rc"
exit 0
