#!/bin/bash
# The cost of choosing K: wall time of `topics TALKS -k auto` against a single run at the K it
# chose, same binary, same options, alternating, RUNS rounds; prints each round and the medians.
#   bash bench/kauto.sh BUILD_DIR SHARED_DIR [RUNS]
# Environment: KAUTO_ARGS (more options for both commands, e.g. "-t 1").
set -u
build=${1:?usage: kauto.sh BUILD_DIR SHARED_DIR [RUNS]}
shared=${2:?usage: kauto.sh BUILD_DIR SHARED_DIR [RUNS]}
runs=${3:-3}
data="$shared/data/talks-pyvideo.jsonl"
if [ ! -r "$data" ]; then
  echo "kauto: skipped ($data not found)"
  exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bin="$build/topics"
# one run: command and output dir; prints the wall seconds
wall() {
  local out=$1
  shift
  /usr/bin/time -f "%e" -o "$tmp/time" "$bin" "$data" "$@" ${KAUTO_ARGS:-} -q -f json -o "$tmp/$out" \
    >"$tmp/$out.json" 2>"$tmp/$out.err" || { tail -n 3 "$tmp/$out.err" >&2; return 1; }
  cat "$tmp/time"
}
chosen() {
  /usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["model"]["k"])' "$1"
}
median() { sort -g | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
echo "== -k auto against one run at the chosen K (pyvideo, $runs rounds) =="
: >"$tmp/auto.times"
: >"$tmp/one.times"
for r in $(seq "$runs"); do
  load=$(cut -d' ' -f1 /proc/loadavg)
  ta=$(wall auto -k auto) || { echo "kauto: -k auto failed"; exit 1; }
  k=$(chosen "$tmp/auto.json") || { echo "kauto: no K in the -k auto output"; exit 1; }
  t1=$(wall one -k "$k") || { echo "kauto: -k $k failed"; exit 1; }
  echo "$ta" >>"$tmp/auto.times"
  echo "$t1" >>"$tmp/one.times"
  echo "round $r: chose K = $k; -k auto $ta s, -k $k $t1 s (load average $load at start)"
done
ma=$(median <"$tmp/auto.times")
m1=$(median <"$tmp/one.times")
awk -v a="$ma" -v b="$m1" 'BEGIN {printf "median: -k auto %.1f s, single run %.1f s, ratio %.2f\n", a, b, a / b}'
