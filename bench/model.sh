#!/bin/bash
# The model part of the benchmark table: LDA sampling throughput at K = 10, 50, 200 (1 thread)
# and K = 50 (2 threads) on the pyvideo talks, the K=200/K=50 cost ratio, and topic quality (NPMI
# of the top-10 words) against gensim's LdaModel on the same term matrix when gensim is installed.
#   bash bench/model.sh BUILD_DIR SHARED_DIR
# Environment: LDA_ITERS (sweeps per throughput run, default 50), GENSIM_PASSES (default 5).
set -u
build=${1:?usage: model.sh BUILD_DIR SHARED_DIR}
shared=${2:?usage: model.sh BUILD_DIR SHARED_DIR}
here=$(cd "$(dirname "$0")" && pwd)
data="$shared/data/talks-pyvideo.jsonl"
if [ ! -r "$data" ]; then
  echo "model: skipped ($data not found)"
  exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
k=50
echo "== LDA (models/) =="
"$build/bench/bench_lda" --data "$data" --iters "${LDA_ITERS:-50}" --quality-k "$k" --uci "$tmp" || exit 1
if /usr/bin/python3 -c 'import gensim' 2>/dev/null; then
  /usr/bin/python3 "$here/gensim_baseline.py" "$tmp" "$k" "$tmp/gensim-topics.txt" "${GENSIM_PASSES:-5}" &&
    set -- $("$build/bench/bench_lda" --data "$data" --score "$tmp/gensim-topics.txt") &&
    printf 'gensim NPMI(top 10) %s over %s topics (same term matrix, same scorer)\n' "$1" "$2"
else
  echo "gensim: not installed (/usr/bin/python3 -c 'import gensim' failed); no baseline"
fi
