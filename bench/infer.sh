#!/bin/bash
# `topics infer` speed: a K = 50 model trained on the pyvideo talks but their last 1,000, then
# `topics infer` on those 1,000 new talks with 2 threads (median of 5 runs, wall seconds).
#   bash bench/infer.sh BUILD_DIR SHARED_DIR
# Skips when SHARED_DIR has no pyvideo talks.
set -u
build=${1:?usage: infer.sh BUILD_DIR SHARED_DIR}
shared=${2:?usage: infer.sh BUILD_DIR SHARED_DIR}
data="$shared/data/talks-pyvideo.jsonl"
if [ ! -r "$data" ]; then
  echo "infer: skipped ($data not found)"
  exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
total=$(wc -l <"$data")
head -n $((total - 1000)) "$data" >"$tmp/train.jsonl"
tail -n 1000 "$data" >"$tmp/new.jsonl"
mkdir "$tmp/model"
start=$(date +%s.%N)
"$build/topics" -q -k 50 -t 2 -o "$tmp/model" "$tmp/train.jsonl" >/dev/null 2>"$tmp/train.err" || { cat "$tmp/train.err" >&2; exit 1; }
end=$(date +%s.%N)
echo "train: $((total - 1000)) talks, K = 50: $(echo "$end - $start" | bc) s"
times=()
for i in 1 2 3 4 5; do
  s=$(date +%s.%N)
  "$build/topics" infer -q -t 2 --model "$tmp/model" "$tmp/new.jsonl" -f json >"$tmp/out.json" || exit 1
  e=$(date +%s.%N)
  times+=("$(echo "$e - $s" | bc)")
done
median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 3p)
unknown=$(grep -o '"unknown_tokens": [0-9]*' "$tmp/out.json" | head -1)
tokens=$(grep -o '"tokens": [0-9]*' "$tmp/out.json" | head -1)
echo "infer: 1000 new talks, 2 threads: median ${median} s of 5 runs (${tokens}, ${unknown})"
