#!/usr/bin/env bash
# Desktop smoke test: renders the native app under a virtual X display, writes a PNG and checks it
# is not blank. Usage: bash tests/desktop/smoke.sh BUILD_DIR [OUT_DIR]
#   e.g. bash tests/desktop/smoke.sh build/debug
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-}
if [ -z "$build" ] || [ $# -gt 2 ]; then
  echo "usage: bash tests/desktop/smoke.sh BUILD_DIR [OUT_DIR]" >&2
  exit 2
fi
app="$build/shell/raftlab"
[ -x "$app" ] || app="$build/raftlab"
if [ ! -x "$app" ]; then
  echo "smoke: no raftlab executable in $build/shell (build it first: cmake --build $build --target raftlab)" >&2
  exit 1
fi
for tool in xvfb-run node; do
  command -v "$tool" >/dev/null || { echo "smoke: $tool missing. Install it: sudo apt-get install -y $([ $tool = xvfb-run ] && echo xvfb xauth || echo nodejs)" >&2; exit 1; }
done
out=${2:-$build/desktop-smoke}
mkdir -p "$out"

# Mesa and X11 keep a few allocations until exit (2 x 56 bytes from libGL under Xvfb), which
# LeakSanitizer reports in a sanitized build; the app's own leaks are covered by the unit tests.
# The last setting wins, so this overrides the CTest preset's detect_leaks=1.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
export LIBGL_ALWAYS_SOFTWARE=1

failed=0
run() {  # name width height [more raftlab arguments]
  local name=$1 w=$2 h=$3; shift 3
  local png="$out/$name.png"
  rm -f "$png"
  if ! xvfb-run -a -s "-screen 0 1600x1000x24" "$app" --frames 120 --screenshot "$png" --width "$w" --height "$h" "$@" >"$out/$name.log" 2>&1; then
    echo "FAIL $name: raftlab exited non-zero; log:"; sed 's/^/  /' "$out/$name.log"; failed=$((failed + 1)); return
  fi
  if [ ! -s "$png" ]; then
    echo "FAIL $name: no screenshot written"; failed=$((failed + 1)); return
  fi
  if node "$here/check_png.mjs" "$png" "$w" "$h" >"$out/$name.check" 2>&1; then
    echo "ok   $name: $(cat "$out/$name.check")"
  else
    echo "FAIL $name: $(cat "$out/$name.check")"; failed=$((failed + 1))
  fi
}
run default 1280 800
run small 800 600
total=2
# A shipped scenario loaded with --scenario: the first one `raftlab --help` lists other than default.
scenario=$("$app" --help | sed -n 's/^shipped scenarios: *//p' | tr ' ' '\n' | grep -v '^default$' | grep -m1 . || true)
if [ -n "$scenario" ]; then
  run "scenario-$scenario" 1280 800 --scenario "$scenario"
  total=3
fi
# Issue 10: attached to a real 3-server cluster (raftd and raftctl of the same build), the app
# draws it and reports the servers, the leader and the checker's verdict at exit.
ctl="$build/shell/raftctl/raftctl"
if [ -x "$ctl" ] && [ -x "$build/shell/raftd/raftd" ]; then
  total=$((total + 1))
  export RAFTD="$build/shell/raftd/raftd"
  cdir=$(mktemp -d)
  port=$((24000 + ($$ % 300) * 10))  # below the ephemeral range
  lab_pid=
  cleanup() { [ -n "$lab_pid" ] && kill "$lab_pid" 2>/dev/null; "$ctl" --dir "$cdir/c" stop >/dev/null 2>&1; rm -rf "$cdir"; }
  trap cleanup EXIT
  if "$ctl" --dir "$cdir/c" start 3 --port $((port + 1)) >"$out/attach-cluster.log" 2>&1 &&
     "$ctl" --dir "$cdir/c" put ready 1 >>"$out/attach-cluster.log" 2>&1; then
    "$ctl" --dir "$cdir/c" lab --port "$port" >"$out/attach-lab.log" 2>&1 &
    lab_pid=$!
    for _ in $(seq 100); do grep -q "ws://127.0.0.1:$port/lab" "$out/attach-lab.log" && break; sleep 0.1; done
    run attached 1280 800 --frames 600 --attach "ws://127.0.0.1:$port/lab"  # the last --frames wins
    if [ -f "$out/attached.log" ] && ! grep -q "raftlab: attached to ws://127.0.0.1:$port/lab: 3 servers, 3 up, leader s[123], [0-9]* records, checker OK" "$out/attached.log"; then
      echo "FAIL attached: the app did not report the cluster drawn; log:"; sed 's/^/  /' "$out/attached.log"; failed=$((failed + 1))
    fi
  else
    echo "FAIL attached: the cluster did not start; log:"; sed 's/^/  /' "$out/attach-cluster.log"; failed=$((failed + 1))
  fi
fi
echo "$((total - failed)) passed, $failed failed"
[ "$failed" = 0 ]
