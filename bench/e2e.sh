#!/usr/bin/env bash
# End-to-end time of `topics corpus/ -k 10` (best and median of 7 runs, 1 and 2 threads).
# usage: bash bench/e2e.sh BUILD_DIR
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$1/topics
echo
echo "## End to end: topics corpus/ -k 10"
printf '%-10s %10s %10s\n' threads best_s median_s
for t in 1 2; do
  times=()
  for i in 1 2 3 4 5 6 7; do
    s=$(date +%s.%N)
    "$bin" "$root/corpus/" -k 10 -t "$t" -q > /dev/null
    e=$(date +%s.%N)
    times+=("$(awk -v a="$s" -v b="$e" 'BEGIN{printf "%.4f", b-a}')")
  done
  sorted=$(printf '%s\n' "${times[@]}" | sort -g)
  best=$(echo "$sorted" | head -1)
  median=$(echo "$sorted" | sed -n 4p)
  printf '%-10s %10.3f %10.3f\n' "$t" "$best" "$median"
done
