#!/usr/bin/env bash
# Mutation measurement (not part of CI): how often does the fuzzer catch a leader that commits
# entries of earlier terms by counting replicas (the Figure 8 bug, §5.4.2)?
#
#   scripts/mutation.sh [RUNS] [SEED]      (defaults: 100 runs, seed 1)
#
# Copies the working tree to a temp dir, drops the `term_at(n) == current_term` condition from
# Node::advance_commit_index, builds raftsim (release preset), runs `raftsim fuzz --runs RUNS`
# with the fuzzer's default faults (5% loss, 0.1 crashes/s, 0.1 partitions/s, 3 clients, 30 s),
# and prints how many runs caught the mutation. The real tree is never touched.
set -euo pipefail
runs=${1:-100}; seed=${2:-1}
src=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d /tmp/raftlab-mutation.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
tar -C "$src" --exclude=./build --exclude=./.git -cf - . | tar -C "$tmp" -xf -

file="$tmp/core/raft/node.cpp"
before='if (n > commit_index_ \&\& disk_.log.term_at(n) == disk_.current_term) set_commit_index(n);'
after='if (n > commit_index_) set_commit_index(n);  \/\/ MUTATION: commits earlier terms by counting'
grep -q "term_at(n) == disk_.current_term" "$file" || { echo "mutation.sh: the commit rule was not found in $file" >&2; exit 2; }
sed -i "s/$before/$after/" "$file"
grep -q "MUTATION" "$file" || { echo "mutation.sh: could not apply the mutation" >&2; exit 2; }

cd "$tmp"
launcher=(); command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake --preset release "${launcher[@]}" >/dev/null
CCACHE_BASEDIR="$tmp" cmake --build --preset release -j 2 --target raftsim > "$tmp/build.log" 2>&1 ||
  { grep -E "error" "$tmp/build.log" | head -20 >&2; echo "mutation.sh: the build failed" >&2; exit 2; }
sim=$(find "$tmp/build" -type f -name raftsim -perm -u+x | head -1)
out=$("$sim" fuzz --runs "$runs" --seed "$seed" --jobs 2 2>/dev/null || true)
caught=$(grep -c '^FAILED run ' <<<"$out" || true)
echo "$out" | grep '^FAILED run ' | sed -E 's/^FAILED run ([0-9]+) of seed [0-9]+: ([^:]*( violated)?).*/\2/' | sed -E 's/ violated at .*//' | sort | uniq -c | sed 's/^/  caught by: /'
echo "$out" | tail -2
echo "mutation 'commit earlier-term entries by counting': caught in $caught of $runs fuzz runs (seed $seed)"
