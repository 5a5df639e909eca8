#!/usr/bin/env bash
# The page must stay small: fails if the gzipped bundle grows past the recorded budget.
set -uo pipefail
js=$1
budget_file=$(dirname "$0")/bundle_budget.txt
[ -f "$js" ] || { echo "bundle: missing $js (build the web preset)"; exit 1; }
raw=$(wc -c < "$js")
gz=$(gzip -9 -c "$js" | wc -c)
budget=$(grep -o '^[0-9]*' "$budget_file")
echo "bundle: raftlab.js $raw bytes raw, $gz bytes gzipped (budget $budget bytes gzipped)"
[ "$gz" -le "$budget" ] || { echo "bundle: over budget by $((gz - budget)) bytes; shrink it or raise tests/bundle_budget.txt with a reason"; exit 1; }
