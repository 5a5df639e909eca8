#!/usr/bin/env bash
# raftctl drives a local cluster (issue 10): start, status, put/get/del/cas, kill and restart of the
# leader, pause and resume, a short bench, stop. Every wait bounded; everything stopped on exit.
# usage: raftctl_test.sh RAFTCTL RAFTD
set -uo pipefail
ctl=${1:?usage: raftctl_test.sh RAFTCTL RAFTD}
export RAFTD=${2:?usage: raftctl_test.sh RAFTCTL RAFTD}
export ASAN_OPTIONS=detect_leaks=0
work=$(mktemp -d /tmp/raftlab-raftctl-XXXXXX)
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
leader() { r status | awk '$2 == "leader" {print $1}'; }
has_leader() { [ -n "$(leader)" ]; }
# Below the ephemeral range (32768+), so no outgoing connection holds one of these ports.
port=$((10000 + ($$ % 300) * 20))

out=$(r start 3 --port "$port") || fail "start"
[ "$out" = "s1 http://127.0.0.1:$port
s2 http://127.0.0.1:$((port + 1))
s3 http://127.0.0.1:$((port + 2))" ] || fail "start printed: $out"
r start 3 --port "$port" 2> "$work/again" && fail "a second start in the same directory was accepted"
grep -q "a cluster is running" "$work/again" || fail "second start: $(cat "$work/again")"
wait_for "a leader" 30 has_leader
first_put() { r put greeting hello 2> /dev/null | grep -q '"value":"hello"'; }
wait_for "the first put" 30 first_put
r get greeting | grep -q '"value":"hello"' || fail "get"
r cas greeting hello bye | grep -q '"value":"bye"' || fail "cas"
r cas greeting hello again > /dev/null && fail "a cas from the wrong value succeeded"
r del greeting > /dev/null || fail "del"
r get greeting > /dev/null && fail "get after del found the key"
L=$(leader)
r kill "$L" || fail "kill $L"
wait_for "a new leader after killing $L" 30 bash -c "[ -n \"\$(\"$ctl\" --dir \"$work/c\" status | awk '\$2 == \"leader\" && \$1 != \"$L\" {print \$1}')\" ]"
r status | grep -q "^$L *down" || fail "status does not show $L down"
r put after-kill 1 > /dev/null || fail "put after the kill"
r restart "$L" || fail "restart $L"
wait_for "$L back and caught up" 30 bash -c "\"$ctl\" --dir \"$work/c\" status | awk '\$1 == \"$L\" && \$7 == 0 && \$2 != \"down\"' | grep -q ."
F=$(r status | awk '$2 == "follower" {print $1; exit}')
r pause "$F" || fail "pause"
r put while-paused 1 > /dev/null || fail "put while a follower is paused"
r resume "$F" || fail "resume"
L=$(leader)
others=$(for s in s1 s2 s3; do [ "$s" != "$L" ] && echo -n "$s "; done)
r partition "$L" '|' $others || fail "partition"
r status | grep -q . || fail "status during the partition"
wait_for "a leader in the majority ($others)" 30 bash -c "\"$ctl\" --dir \"$work/c\" status | awk '\$2 == \"leader\" && \$1 != \"$L\"' | grep -q ."
# Through a server of the majority: the cut-off leader would take the command and never answer it
# (after 5 s: "may or may not have been applied", which raftctl reports rather than resends).
M=${others%% *}
wait_for "a put through the majority" 30 bash -c "\"$ctl\" --dir \"$work/c\" --via $M put in-partition 1 2> /dev/null | grep -q in-partition"
r partition "$L" 2> "$work/bad" && fail "a partition naming one group was accepted"
r heal || fail "heal"
wait_for "$L to follow after the heal" 30 bash -c "\"$ctl\" --dir \"$work/c\" status | awk '\$1 == \"$L\" && \$2 == \"follower\" && \$7 == 0' | grep -q ."
r kill s9 2> "$work/bad" && fail "kill s9 accepted"
grep -q "expected a server s1..s3" "$work/bad" || fail "kill s9 said: $(cat "$work/bad")"
r bench --clients 8 --seconds 2 2> /dev/null | grep -E "^3 servers, 8 clients, .* writes/s, p50 .* ms, p99 .* ms" || fail "bench"
# The event streams: every server's state first (hello), then sends and delivers paired by id,
# appends of a put on every server, and a crash line when a server's process dies.
r events --seconds 4 --out "$work/ev.jsonl" 2> /dev/null &
evpid=$!
three_hellos() { [ "$(grep -c '"ev":"hello"' "$work/ev.jsonl" 2> /dev/null)" = 3 ]; }
wait_for "three hello lines" 10 three_hellos
r put watched 42 > /dev/null || fail "put while events are followed"
F=$(r status | awk '$2 == "follower" {print $1; exit}')
r kill "$F" || fail "kill $F"
wait "$evpid" || fail "raftctl events exited with $?"
ev=$work/ev.jsonl
[ "$(grep -c '"ev":"append".*"key":"watched"' "$ev")" -ge 2 ] || fail "appends of the put: $(grep -c watched "$ev")"
grep -q "\"ev\":\"crash\",\"node\":\"$F\"" "$ev" || fail "no crash line for $F"
sends=$(grep '"ev":"send"' "$ev" | sed 's/.*"id":\([0-9]*\).*/\1/' | sort -u)
delivers=$(grep '"ev":"deliver"' "$ev" | sed 's/.*"id":\([0-9]*\).*/\1/' | sort -u)
n_deliver=$(echo "$delivers" | grep -c .)
unmatched=$(comm -13 <(echo "$sends") <(echo "$delivers") | grep -c .)
[ "$n_deliver" -ge 20 ] || fail "only $n_deliver delivers in 4 s"
# Only messages already in flight when a stream opened may lack their send (about one per link).
[ "$unmatched" -le 6 ] || fail "$unmatched of $n_deliver delivers have no send"
r restart "$F" || fail "restart $F"

# Stopped with a reader of /events attached: a clean exit (the sanitizers would report a use after free).
r events --seconds 20 > /dev/null 2>&1 &
wait_for "a reader attached" 10 bash -c "grep -q . <(\"$ctl\" --dir \"$work/c\" events --seconds 1 2> /dev/null)"
r stop
kill %% 2> /dev/null
sleep 0.2
if grep -l "AddressSanitizer\|runtime error\|LeakSanitizer" "$work"/c/s*.log > /dev/null 2>&1; then
  fail "a sanitizer report in a server's log: $(grep -h -A3 "AddressSanitizer\|runtime error" "$work"/c/s*.log | head -20)"
fi
[ -z "$(r status | awk 'NR > 1 && $2 != "down"')" ] || fail "servers still up after stop"
echo ok
