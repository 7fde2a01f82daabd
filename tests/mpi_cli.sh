#!/bin/bash
# The command under mpirun with NP processes, on the sample corpus:
#  - the same seed and process count give byte-identical output (standard output and every file
#    of -o but the timing-bearing JSON, whose "timing" object is dropped before comparing);
#  - the vocabulary and term matrix (vocab.txt, docword.txt) and the tags (tags.tsv) are those of
#    a single-process run;
#  - each process reads its own share, and copies are judged across the shares as one process
#    judges them;
#  - a process that cannot read its input fails the whole run: exit status 1 on every process,
#    a message naming that process, and nothing written into -o.
set -u
topics=$1 src=$2 np=$3 mpirun=$4
run=("$mpirun" --allow-run-as-root --oversubscribe -np "$np")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
check() { if eval "$1"; then echo "ok: $2"; else echo "FAIL: $2"; fail=1; fi; }

for i in 1 2; do
  "${run[@]}" "$topics" "$src/corpus" -k 6 -s 3 -q -o "$tmp/out$i" > "$tmp/text$i" 2> "$tmp/err$i"
  echo $? > "$tmp/rc$i"
done
check '[ "$(cat $tmp/rc1)" = 0 ] && [ "$(cat $tmp/rc2)" = 0 ]' "two runs succeed"
check 'cmp -s "$tmp/text1" "$tmp/text2"' "standard output identical"
for f in "$tmp/out1"/*; do
  b=$(basename "$f")
  case "$b" in
    *.json) python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d.pop("timing",None); print(json.dumps(d,sort_keys=True))' "$f" > "$tmp/a"
            python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d.pop("timing",None); print(json.dumps(d,sort_keys=True))' "$tmp/out2/$b" > "$tmp/b"
            check 'cmp -s "$tmp/a" "$tmp/b"' "$b identical (timing aside)";;
    *.html) ;; # embeds the JSON with its timing
    *) check 'cmp -s "$f" "$tmp/out2/$b"' "$b identical";;
  esac
done
"$topics" "$src/corpus" -k 6 -s 3 -q -t 1 -o "$tmp/single" > /dev/null
check 'cmp -s "$tmp/single/vocab.txt" "$tmp/out1/vocab.txt" && cmp -s "$tmp/single/docword.txt" "$tmp/out1/docword.txt"' \
  "the vocabulary and the term matrix are those of one process: $(head -1 $tmp/text1 | cut -d, -f1-3)"
check 'cmp -s "$tmp/single/tags.tsv" "$tmp/out1/tags.tsv" && grep -q " " "$tmp/out1/tags.tsv"' \
  "the tags are those of one process, multi-word ones included"

# Every process reads only its share (its files, its part of a JSON Lines file's bytes), and
# copies are judged across the shares: a JSON Lines file whose last records copy its first ones
# (so the copies fall in another process's bytes) gives the talks, copies, vocabulary, term
# matrix and tags of one process.
python3 - "$src/corpus/meetup.jsonl" "$tmp/dup.jsonl" <<'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
with open(sys.argv[2], "w", encoding="utf-8") as out:
    for r in recs:
        out.write(json.dumps(r, ensure_ascii=False) + "\n")
    for i, r in enumerate(recs[:3]):
        c = dict(r, id="copy-%d" % i)
        out.write(json.dumps(c, ensure_ascii=False) + "\n")
PY
"$topics" "$tmp/dup.jsonl" "$src/corpus" -k 4 -s 3 -q -t 1 -f json -o "$tmp/dup1" > "$tmp/dup1.json" 2> "$tmp/dup1.err"
"${run[@]}" "$topics" "$tmp/dup.jsonl" "$src/corpus" -k 4 -s 3 -q -f json -o "$tmp/dupn" > "$tmp/dupn.json" 2> "$tmp/dupn.err"
same_talks() {
  python3 - "$tmp/dup1.json" "$tmp/dupn.json" <<'PY'
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
ids = lambda d: [(x["id"], x.get("line"), x.get("title")) for x in d["documents"]]
dups = lambda d: d["corpus"].get("duplicates")
ok = ids(a) == ids(b) and dups(a) == dups(b) and dups(a) and sum(len(g["dropped"]) for g in dups(a)) >= 3
sys.exit(0 if ok else 1)
PY
}
check same_talks "shares read apart: the same talks, in the same order, and the same copies left out"
check 'cmp -s "$tmp/dup1/vocab.txt" "$tmp/dupn/vocab.txt" && cmp -s "$tmp/dup1/docword.txt" "$tmp/dupn/docword.txt" && cmp -s "$tmp/dup1/tags.tsv" "$tmp/dupn/tags.tsv"' \
  "shares read apart: the vocabulary, term matrix and tags of one process"
check '[ "$(grep -c "left out as copies" "$tmp/dupn.err")" = 1 ] && grep -q "copy-0 (copy of" "$tmp/dupn.err"' \
  "the copies are warned about once"

# The last process is given a path that does not exist.
mkdir "$tmp/bad"
last=$((np - 1))
"${run[@]}" bash -c 'if [ "$OMPI_COMM_WORLD_RANK" = '"$last"' ]; then p="$2/missing"; else p="$1"; fi;
  exec "$0" "$p" -k 6 -q -o "$2/bad"' "$topics" "$src/corpus" "$tmp" > "$tmp/badout" 2> "$tmp/baderr"
rc=$?
check '[ $rc -ne 0 ]' "a process that cannot read fails the run (mpirun exit $rc)"
check 'grep -q "process $last of $np failed while reading the input (cannot read its input); nothing was written" "$tmp/baderr"' \
  "rank 0 names the failed process"
check 'grep -q "missing" "$tmp/baderr"' "the failed process names the path"
check '[ -z "$(ls -A "$tmp/bad")" ] && [ ! -s "$tmp/badout" ]' "nothing written"
[ $fail = 0 ] || { echo "--- stderr of the failing run:"; cat "$tmp/baderr"; }
exit $fail
