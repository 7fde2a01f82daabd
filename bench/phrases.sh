#!/usr/bin/env bash
# Cost of the corpus phrase pass: the main command on the pyvideo talks with phrases (the default)
# and with --no-phrases, median of 3 runs each (runs alternate, so load drifts hit both), and the
# ratio of the medians. Also the time the pass's stage takes (timing.tokenize_s: tokenising plus
# finding phrases).
# usage: bash bench/phrases.sh BUILD_DIR [SHARED_DIR]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$1/topics
shared=${2:-$root/../shared}
data=$shared/data/talks-pyvideo.jsonl
echo
echo "## Phrases: topics talks-pyvideo.jsonl -k 50 -q -f json -i 200 [--no-phrases]"
if [ ! -f "$data" ]; then
  echo "SKIP: $data is absent"
  exit 0
fi
out=$(mktemp)
trap 'rm -f "$out"' EXIT
declare -A wall tok
for i in 1 2 3; do
  for mode in phrases no-phrases; do
    flag=()
    [ "$mode" = no-phrases ] && flag=(--no-phrases)
    s=$(date +%s.%N)
    "$bin" "$data" -k 50 -q -f json -i 200 "${flag[@]}" > "$out"
    e=$(date +%s.%N)
    wall[$mode]+="$(awk -v a="$s" -v b="$e" 'BEGIN{printf "%.3f", b-a}') "
    tok[$mode]+="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["timing"]["tokenize_s"])' "$out") "
  done
done
median() { printf '%s\n' $1 | sort -g | sed -n 2p; }
printf '%-12s %10s %14s\n' mode wall_s tokenize_s
for mode in phrases no-phrases; do
  printf '%-12s %10.2f %14.2f\n' "$mode" "$(median "${wall[$mode]}")" "$(median "${tok[$mode]}")"
done
awk -v a="$(median "${wall[phrases]}")" -v b="$(median "${wall[no-phrases]}")" \
  'BEGIN{printf "ratio (phrases / no-phrases, medians): %.2f\n", a / b}'
