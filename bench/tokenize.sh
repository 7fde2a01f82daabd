#!/usr/bin/env bash
# The tokenize part of bench/run: full tokenize-stage throughput against raw ICU with 1 and 2
# threads on the law texts, the talks and the mixed pycon-tw/pycon-apac talks, the UD GSD test F1,
# and jieba on the mixed text and on a slice of the law text when /usr/bin/python3 has it.
# usage: bash bench/tokenize.sh BUILD_DIR SHARED_DIR
set -euo pipefail
build=$1
shared=$2
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "== tokenize stage (tok_new + tok_terms) vs raw ICU word breaks, same text, same run =="
"$build/bench/bench_tokenize" "$shared" "$tmp/mixed.txt" | tee "$tmp/out.txt"

if /usr/bin/python3 -c 'import jieba' 2>/dev/null; then
  echo "== jieba (jieba.lcut, 1 thread) on the same text =="
  # jieba is ~1 MB/s: 2 MB of law text keep it under a few seconds.
  /usr/bin/python3 - "$shared/data/zh-law-texts.jsonl" "$tmp/law.txt" <<'PY'
import json, sys
out, n = open(sys.argv[2], "w", encoding="utf-8"), 0
for line in open(sys.argv[1], encoding="utf-8"):
    t = json.loads(line)["text"].replace("\n", " ")
    out.write(t + "\n")
    n += len(t.encode("utf-8"))
    if n > 2_000_000:
        break
PY
  for pair in "law (zh-Hant):$tmp/law.txt" "mixed zh/en:$tmp/mixed.txt"; do
    name=${pair%%:*}
    file=${pair#*:}
    [ -s "$file" ] || continue
    jb=$(/usr/bin/python3 "$here/jieba_baseline.py" "$file" 1 2>/dev/null | awk '{print $1}')
    # bench_tokenize columns after the name: MB, threads, tok MB/s: take the 1-thread figure.
    tok=$(awk -v n="$name" 'index($0, n) == 1 {split(substr($0, length(n) + 1), f, " "); if (f[2] == 1) print f[3]}' "$tmp/out.txt" | head -1)
    if [ -n "$jb" ] && [ -n "$tok" ]; then
      awk -v n="$name" -v jb="$jb" -v tok="$tok" \
        'BEGIN {printf "%-14s jieba %.2f MB/s; tokenize stage %.1f MB/s = %.1fx jieba\n", n, jb, tok, tok / jb}'
    fi
  done
else
  echo "jieba: skipped (/usr/bin/python3 cannot import jieba)"
fi
