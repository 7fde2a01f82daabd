#!/bin/bash
# Time-to-quality race of the LDA sampler against MALLET (one thread) on the pyvideo talks, for
# K = 50 and 200 on one and two threads, with the shared race tool (its docstring explains the
# targets). MALLET's curves are cached per K, so they are computed once.
#   bash bench/race.sh BUILD_DIR SHARED_DIR [CACHE_DIR]
# Environment: RACE_K (default "50 200"), RACE_THREADS (default "1 2"), RACE_SEEDS (chains a side,
# default 3).
set -u
build=${1:?usage: race.sh BUILD_DIR SHARED_DIR [CACHE_DIR]}
shared=${2:?usage: race.sh BUILD_DIR SHARED_DIR [CACHE_DIR]}
cache=${3:-$build/race-cache}
data="$shared/data/talks-pyvideo.jsonl"
tool="$shared/tools/lda_race.py"
if [ ! -r "$data" ] || [ ! -r "$tool" ]; then
  echo "race: skipped ($data or $tool not found)"
  exit 0
fi
if ! command -v "${JAVA:-java}" >/dev/null 2>&1; then
  echo "race: skipped (no java for MALLET; install default-jre-headless)"
  exit 0
fi
bench="$build/bench/bench_lda"
if [ ! -x "$bench" ]; then
  echo "race: $bench not found (build with -DTOPICS_BENCH=ON)" >&2
  exit 1
fi
mkdir -p "$cache" || exit 1
ids="$cache/talks-pyvideo.ids"
if [ ! -s "$ids" ]; then
  "$bench" --data "$data" --save-ids "$ids" --only-k 10 --iters 1 >/dev/null || exit 1
fi
for k in ${RACE_K:-50 200}; do
  for t in ${RACE_THREADS:-1 2}; do
    echo "== race K=$k, $t thread(s) against MALLET on 1 thread =="
    python3 "$tool" --trace "$bench --trace" "$ids" "$k" "$t" --mallet-threads 1 \
      --seeds "${RACE_SEEDS:-3}" --mallet-cache "$cache/mallet-k$k-s${RACE_SEEDS:-3}.cache" | tail -3 || exit 1
  done
done
