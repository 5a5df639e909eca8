#!/usr/bin/env bash
# raftctl chaos on a local 3-node cluster (issue 10): 30 s of kills, pauses and partitions while
# 8 clients write, read and cas; then the verdict must be that the history is linearizable and
# every acknowledged write reads back. Everything stopped on exit; every wait bounded.
# usage: chaos_test.sh RAFTCTL RAFTD
set -uo pipefail
ctl=${1:?usage: chaos_test.sh RAFTCTL RAFTD}
export RAFTD=${2:?usage: chaos_test.sh RAFTCTL RAFTD}
export ASAN_OPTIONS=detect_leaks=0
work=$(mktemp -d /tmp/raftlab-chaos-XXXXXX)
r() { "$ctl" --dir "$work/c" "$@"; }
cleanup() { r stop > /dev/null 2>&1; rm -rf "$work"; }
trap cleanup EXIT
fail() {
  echo "FAIL: $*" >&2
  r status >&2
  for f in "$work"/c/s*.log; do echo "--- $f" >&2; tail -n 5 "$f" >&2; done
  exit 1
}
source "$(dirname "$0")/lib.sh"
port=$((12000 + ($$ % 300) * 20))
seed=$((1 + $$ % 99999))  # printed by chaos: raftctl chaos --seed N asks for the same faults again
r start 3 --port "$port" > /dev/null || fail "start"
has_leader() { r status | awk '$2 == "leader"' | grep -q .; }
wait_for "a leader" 30 has_leader
timeout 150 "$ctl" --dir "$work/c" chaos --seconds 30 --seed "$seed" --clients 8 | tee "$work/out"
rc=${PIPESTATUS[0]}
[ "$rc" = 0 ] || fail "chaos exited with $rc"
grep -q "^verdict: PASSED: linearizable, nothing acknowledged lost$" "$work/out" || fail "no passing verdict"
grep -Eq "^  [0-9,]+ acknowledged writes to keys of their own: all read back$" "$work/out" || fail "acknowledged writes not all read back"
ops=$(sed -n 's/^  \([0-9,]*\) ops answered.*/\1/p' "$work/out" | tr -d ,)
actions=$(sed -n 's/.*; \([0-9]*\) nemesis actions$/\1/p' "$work/out")
# Floors far below what a healthy run does (thousands of ops, about 15 actions in 30 s): a run that
# did nothing, or a nemesis that never struck, is not a pass.
[ "${ops:-0}" -ge 200 ] || fail "only ${ops:-0} ops answered"
[ "${actions:-0}" -ge 5 ] || fail "only ${actions:-0} nemesis actions"
# Bad input: a clear refusal, nothing started.
r chaos --seconds 0 2> "$work/bad" && fail "--seconds 0 accepted"
grep -q "from 1 to 3600" "$work/bad" || fail "--seconds 0 said: $(cat "$work/bad")"
r stop
if grep -l "AddressSanitizer\|runtime error" "$work"/c/s*.log > /dev/null 2>&1; then
  fail "a sanitizer report in a server's log: $(grep -h -A3 "AddressSanitizer\|runtime error" "$work"/c/s*.log | head -20)"
fi
echo ok
