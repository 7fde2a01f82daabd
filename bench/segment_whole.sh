#!/usr/bin/env bash
# `topics segment` as a whole process (start-up, reading, segmenting, normalising, writing)
# against raw ICU as a whole process (bench_icu_words: read, break, count the words) on the same
# file in the same run: the English pyvideo talks and the Taiwan law text, one talk a line.
# Medians of 5 runs by hyperfine after one warm-up; speed ratios are ICU's time over segment's
# (above 1: segment is faster), and 1 thread's time over 2 threads'; "cpu -t1/ICU" is the same
# ratio in mean CPU time (user + system), steadier when other processes share the machine. Then the peak resident
# memory (/usr/bin/time -v) of `topics segment -t 2` on a generated 1 GB file, deleted after.
# usage: bash bench/segment_whole.sh BUILD_DIR SHARED_DIR [GB]   (GB of the memory test [1], 0 skips)
set -euo pipefail
build=$1
shared=$2
gb=${3:-1}
topics=$build/topics
icu=$build/bench/bench_icu_words
for x in "$topics" "$icu"; do
  [ -x "$x" ] || { echo "segment_whole.sh: $x is missing: build with -DTOPICS_BENCH=ON" >&2; exit 1; }
done
command -v hyperfine >/dev/null || { echo "SKIP: hyperfine is not installed"; exit 0; }
if [ ! -f "$shared/data/talks-pyvideo.jsonl" ] || [ ! -f "$shared/data/zh-law-texts.jsonl" ]; then
  echo "SKIP: $shared/data lacks talks-pyvideo.jsonl or zh-law-texts.jsonl"
  exit 0
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/segment_whole.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# The text field of each JSON line, on one line (line ends inside a talk become spaces).
extract() {
  python3 - "$1" "$2" <<'PY'
import json, sys
with open(sys.argv[1], encoding="utf-8") as f, open(sys.argv[2], "w", encoding="utf-8") as out:
    for line in f:
        t = json.loads(line).get("text") or ""
        out.write(" ".join(t.split()) + "\n")
PY
}
extract "$shared/data/talks-pyvideo.jsonl" "$tmp/en.txt"
extract "$shared/data/zh-law-texts.jsonl" "$tmp/law.txt"

median() { # median wall time of the runs of command $2 in hyperfine's JSON $1
  python3 -c 'import json,statistics,sys; r=json.load(open(sys.argv[1]))["results"]; print(statistics.median(r[int(sys.argv[2])]["times"]))' "$1" "$2"
}
mean_cpu() { # mean user + system time of the runs of command $2 (hyperfine keeps only means)
  python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][int(sys.argv[2])]; print(r["user"] + r["system"])' "$1" "$2"
}

echo "== topics segment vs raw ICU, whole processes, medians of 5 runs (load average: $(cut -d' ' -f1-3 /proc/loadavg)) =="
printf '%-6s %6s %7s %7s %7s %11s %11s %8s %12s\n' text MB icu_s seg1_s seg2_s "-t1 vs ICU" "-t2 vs ICU" "-t2/-t1" "cpu -t1/ICU"
for name in en law; do
  f=$tmp/$name.txt
  hyperfine -N --warmup 1 --runs 5 --style none --export-json "$tmp/$name.json" \
    "$icu $f" "$topics segment -t 1 $f" "$topics segment -t 2 $f" >/dev/null 2>"$tmp/hf.err" ||
    { cat "$tmp/hf.err" >&2; exit 1; }
  i=$(median "$tmp/$name.json" 0)
  s1=$(median "$tmp/$name.json" 1)
  s2=$(median "$tmp/$name.json" 2)
  ci=$(mean_cpu "$tmp/$name.json" 0)
  c1=$(mean_cpu "$tmp/$name.json" 1)
  mb=$(python3 -c 'import os,sys; print("%.1f" % (os.path.getsize(sys.argv[1]) / 1e6))' "$f")
  python3 -c 'import sys; n,mb,i,a,b,ci,c1=sys.argv[1],sys.argv[2],*map(float,sys.argv[3:]); print("%-6s %6s %7.3f %7.3f %7.3f %10.2fx %10.2fx %7.2fx %11.2fx" % (n,mb,i,a,b,i/a,i/b,a/b,ci/c1))' \
    "$name" "$mb" "$i" "$s1" "$s2" "$ci" "$c1"
done

# The machine's own ceiling for two threads: two raw ICU processes at once on the English talks
# against one alone. Two threads of segment cannot beat twice the work in the time two
# independent processes take.
hyperfine -N --warmup 1 --runs 5 --style none --export-json "$tmp/pair.json" \
  "$icu $tmp/en.txt" "bash -c '$icu $tmp/en.txt & $icu $tmp/en.txt; wait'" >/dev/null 2>"$tmp/hf.err" ||
  { cat "$tmp/hf.err" >&2; exit 1; }
one=$(median "$tmp/pair.json" 0)
two=$(median "$tmp/pair.json" 1)
python3 -c 'import sys; a,b=map(float,sys.argv[1:]); print("two raw ICU processes at once: %.3f s against %.3f s for one: %.2fx the work per second (the ceiling for -t2/-t1)" % (b,a,2*a/b))' "$one" "$two"

if [ "$gb" != 0 ]; then
  # Talks of both texts repeated to the size asked for; one long file, as a user's archive dump.
  big=$tmp/big.txt
  want=$((gb * 1000000000))
  cat "$tmp/en.txt" "$tmp/law.txt" > "$tmp/one.txt"
  : > "$big"
  while [ "$(stat -c %s "$big")" -lt "$want" ]; do cat "$tmp/one.txt" >> "$big"; done
  size=$(stat -c %s "$big")
  for t in 1 2; do
    /usr/bin/time -v "$topics" segment -t "$t" "$big" 2> "$tmp/time.txt" > /dev/null
    kb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$tmp/time.txt")
    wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$tmp/time.txt")
    echo "peak memory of topics segment -t $t on $((size / 1000000)) MB: $((kb / 1024)) MiB (wall $wall)"
  done
  rm -f "$big"
fi
