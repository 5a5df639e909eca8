#!/usr/bin/env bash
# Same seed + same commands = same trace, natively and in wasm: runs every shipped scenario with
# the native raftsim and the wasm raftsim (under node) and compares their trace and state hashes.
set -uo pipefail
native=$1/shell/raftsim/raftsim
wasm=$2/shell/raftsim/raftsim.js
[ -x "$native" ] || { echo "determinism: missing $native (build the debug preset)"; exit 1; }
[ -f "$wasm" ] || { echo "determinism: missing $wasm (build the web preset)"; exit 1; }
export NODE_PATH=/usr/share/nodejs
bad=0; n=0
for f in assets/scenarios/*.raft tests/scenarios/*.raft; do
  a=$("$native" hash "$f" 2>/dev/null; echo "exit $?"); b=$(node "$wasm" hash "$f" 2>/dev/null; echo "exit $?")
  n=$((n + 1))
  if [ "$a" != "$b" ]; then
    echo "determinism: $f differs: native [$a] wasm [$b]"; bad=$((bad + 1))
  fi
done
echo "determinism: $n scenarios, $bad differ between native and wasm"
[ "$bad" -eq 0 ] && [ "$n" -gt 0 ]
