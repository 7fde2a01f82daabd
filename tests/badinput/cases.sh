# The bad-input cases. Each function runs in a fresh temp dir ($W, also the working directory) and
# states the exit status and the message it expects (see run.sh for expect/expect_nobody).
# Exit status: 0 success, 1 the run failed, 2 the command line is wrong.

# --- paths and files ---------------------------------------------------------------------------
case_missing_path() {
  expect 1 "nosuch/: no such file or directory" nosuch/ -q
  good_notes d
  expect 1 "gone\.md: no such file or directory" d gone.md -q
}
case_unreadable_file() {
  good_notes d
  printf 'secret notes about testing and docker\n' > d/secret.md
  chmod 000 d/secret.md
  expect_nobody 1 "secret\.md: .*(Permission denied|cannot read)" d -q -k 2
}
case_symlink_loop() {
  good_notes d
  ln -s .. d/loop
  ln -s "$W/d" d/self
  expect 0 "loop|cycle" d -q -k 2
}
case_empty_directory() {
  mkdir empty
  expect 1 "empty: no usable text" empty -q
}
case_empty_file() {
  : > empty.md
  expect 1 "empty\.md: no usable text" empty.md -q
}
case_no_usable_text() {
  printf '   \n\t\n' > space.txt
  expect 1 "space\.txt: no usable text" space.txt -q
  printf '!!! ... --- ??? ，。、「」 *** ###\n' > punct.txt
  expect 1 "punct\.txt: no usable text" punct.txt -q
  printf 'the and of to a in 的 是 我們 與 會 讓 of the\n' > stop.txt
  expect 1 "stop\.txt: no usable text: .*stopwords, numbers and punctuation$" stop.txt -q
}
case_binary_files() {
  good_notes d
  printf '\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10' > d/image.png
  printf '\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x02\0\x3e\0' > d/program
  printf 'hello testing docker\n' | gzip > d/notes.txt.gz
  printf '\x1f\x8b\x08\0\0\0\0\0\0\x03' > d/fake.txt
  expect 0 "(skipped|binary).*image\.png" d -q -k 2
  grep -Eq "program.*(binary|skipped)" "$W/.err" || fail "ELF file not named"
  grep -Eq "fake\.txt.*(binary|skipped)" "$W/.err" || fail "gzip-in-.txt not named"
  grep -q "Docker\|docker" "$W/.out" || fail "the good notes were not used"
}

# --- text content ------------------------------------------------------------------------------
case_nul_bytes() {
  good_notes d
  printf 'Notes on testing\nfixtures and pytest\0 mocking coverage\ntesting again with pytest\n' > d/nul.md
  expect 0 "nul\.md:3?.*NUL" d -q -k 2
}
case_invalid_utf8() {
  good_notes d
  printf 'pytest testing line one\noverlong \xc0\xaf slash\nsurrogate \xed\xa0\x80 here\ntruncated \xe8\xb3\n' > d/bad.md
  expect 0 "bad\.md:2: .*(UTF-8|U\+FFFD)" d -q -k 2
  grep -Eq "bad\.md:3: " "$W/.err" || fail "line 3 not named"
  grep -Eq "bad\.md:4: " "$W/.err" || fail "line 4 not named"
}
case_utf16_bom() {
  good_notes d
  printf 'Docker 容器 deployment testing notes\nKubernetes pods deployment\n' | iconv -f UTF-8 -t UTF-16 > d/utf16.txt
  expect 0 "utf16\.txt.*UTF-16" d -q -k 2 -f json
  grep -q '"容器"\|容器' "$W/.out" || grep -q 'deployment' "$W/.out" || fail "UTF-16 text not used"
}
case_crlf_and_cr() {
  printf '### Testing\r\npytest fixtures testing mocking\r\n### Docker\r\ndocker containers deployment\r\n' > crlf.md
  printf '### Testing\rpytest fixtures testing mocking\r### Docker\rdocker containers deployment\r' > cr.md
  expect 0 "" crlf.md cr.md -q -k 2 -f json
  grep -q '"crlf.md#2"' "$W/.out" || fail "CRLF headings not split into talks"
  grep -q '"cr.md#2"' "$W/.out" || fail "CR headings not split into talks"
  grep -q $'\r' "$W/.out" && fail "a CR reached the output"
}

# --- size and shape ----------------------------------------------------------------------------
case_long_line_200mb() {
  yes 'testing pytest docker 容器 deployment crawler asyncio ' | head -c 200000000 | tr -d '\n' > long.txt
  echo >> long.txt
  expect 0 "" tags long.txt -q -f json --min-df 1
  grep -q '"documents": *1' "$W/.out" || grep -q '"documents":1' "$W/.out" || fail "not one document"
}
case_one_gigabyte() {
  # Paragraphs with varied words so the vocabulary is realistic, repeated to 1 GiB.
  for i in $(seq 1 2000); do
    printf 'talk %d on testing with pytest fixtures term%d and docker deployment word%d\n' $i $((i % 500)) $((i % 977))
    printf '容器 部署 測試 爬蟲 非同步 term%d 資料 分析 scraping crawler asyncio event loop\n' $((i % 311))
  done > para.txt
  size=$(stat -c %s para.txt)
  n=$((1073741824 / size + 1))
  for i in $(seq 1 "$n"); do cat para.txt; done | head -c 1073741824 > big.txt
  rm para.txt
  expect 0 "" big.txt -q -k 5 -i 2 -f json
  rss=$(grep -o '"peak_rss_mb": *[0-9.]*' "$W/.out" | grep -o '[0-9.]*$')
  tokens=$(grep -o '"tokens": *[0-9]*' "$W/.out" | head -1 | grep -o '[0-9]*$')
  echo "1 GiB input: peak RSS ${rss:-?} MB, ${tokens:-?} tokens kept"
  [ -n "$rss" ] || fail "no peak_rss_mb in the JSON timing"
}
case_many_tiny_files() {
  mkdir many
  # Each file one short note; the varying word keeps terms under the default max-df of one half.
  seq 1 100000 | awk '{ print "notes on docker and testing, topic word" ($1 % 40) " 容器" }' |
    (cd many && split -l 1 -a 5 -d --additional-suffix=.txt - f)
  expect 0 "" tags many -q -f json
  grep -Eq '"documents": *100000' "$W/.out" || fail "not 100000 documents"
}
case_one_token_talk() {
  printf 'docker\n' > one.txt
  expect 0 "" one.txt -q
  grep -q docker "$W/.out" || fail "the one token is missing from the output"
}
case_fewer_talks_than_topics() {
  good_notes d
  expect 0 "" d -q -k 10
}
case_k_equals_one() {
  good_notes d
  expect 0 "" d -q -k 1 -f json
  grep -Eq '"k": *1' "$W/.out" || fail "k is not 1 in the JSON"
}
case_k_above_vocabulary() {
  good_notes d
  expect 0 "" d -q -k 500 -i 20
}

# --- bad options -------------------------------------------------------------------------------
case_bad_numbers() {
  good_notes d
  expect 2 "option -k: '0'" d -k 0
  expect 2 "option -k: '-3'" d -k -3
  expect 2 "option -k: 'abc'" d -k abc
  expect 2 "option -k: '99999999999999999999'" d -k 99999999999999999999
  expect 2 "option -i: '0'" d -i 0
  expect 2 "option --min-df" d --min-df 0
}
case_unknown_option() {
  expect 2 "unknown option '--frobnicate'" --frobnicate corpus
  expect 2 "unknown option '-z'" -z corpus
}
case_missing_value() {
  good_notes d
  expect 2 "option -k needs a value" d -k
  expect 2 "option --dict needs a value" d --dict
}
case_bad_format() {
  good_notes d
  expect 2 "option -f: unknown format 'xml'" d -f xml
}
case_output_is_a_file() {
  good_notes d
  printf 'not a dir\n' > outfile
  expect 1 "outfile: .*not a directory" d -q -o outfile
  [ "$(cat outfile)" = "not a dir" ] || fail "the file given to -o was changed"
}
case_output_unwritable() {
  good_notes d
  mkdir ro && chmod 555 ro
  expect_nobody 1 "ro: .*(Permission denied|cannot write)" d -q -o ro
}
case_output_disk_full() {
  good_notes d
  mkdir out
  expect 0 "" d -q -k 2 -o out
  (cd out && sha256sum * > ../before.sum)
  # A file-size limit of 1 KiB: writes fail with EFBIG as on a full disk.
  ( trap '' XFSZ; ulimit -f 1; "$TOPICS" d -q -k 3 -o out >"$W/.out" 2>"$W/.err" ); got=$?
  checks=$((checks + 1))
  [ "$got" = 1 ] || fail "full disk: exit $got, want 1"
  grep -Eq "out/[a-z-]+\.(json|tsv|txt|html).*(File too large|No space|write)" "$W/.err" || { fail "full disk: no message naming the file"; cat "$W/.err" >&2; }
  (cd out && sha256sum -c --quiet ../before.sum) || fail "earlier results changed"
  ls -A out | grep -v -E '^(\.topics-output|topics\.json|topic-keys\.tsv|doc-topics\.tsv|tags\.tsv|vocab\.txt|docword\.txt|report\.html|model\.topics)$' && fail "a temporary file was left"
  true
}
case_bad_dict_and_stopwords() {
  good_notes d
  printf 'machine learning\n\xff\xfe broken\n' > bad.dict
  expect 1 "bad\.dict:2: " d -q --dict bad.dict
  printf 'word\0with nul\n' > bad.stop
  expect 1 "bad\.stop:1: " d -q --stopwords bad.stop
  expect 1 "missing\.dict: .*(No such file|no such file)" d -q --dict missing.dict
}
case_malformed_jsonl() {
  {
    printf '{"id": "a", "title": "Testing", "text": "pytest fixtures testing mocking coverage"}\n'
    printf '{"id": "b", "text": "docker deployment containers kubernetes"\n'
    printf 'not json at all\n'
    printf '{"id": "c", "text": 42}\n'
    printf '{"id": "d", "title": "More testing", "text": "testing pytest docker deployment"}\n'
  } > talks.jsonl
  expect 0 "talks\.jsonl:2: " talks.jsonl -q -k 2 -f json
  grep -Eq "talks\.jsonl:3: " "$W/.err" || fail "line 3 not named"
  grep -Eq "talks\.jsonl:4: " "$W/.err" || fail "line 4 not named"
  grep -Eq '"documents": *2' "$W/.out" || fail "the two good records were not both read"
  # Only bad records: the file was found and read, and the message says so.
  printf 'not json at all\n{"text": 42}\n' > bad.jsonl
  expect 1 "bad\.jsonl: no usable text: the 1 file\(s\) read hold no talk" bad.jsonl -q
}

# --- output safety -----------------------------------------------------------------------------
case_interrupted_run() {
  good_notes d
  mkdir out
  expect 0 "" d -q -k 2 -o out
  (cd out && sha256sum * > ../before.sum)
  for sig in INT TERM; do
    "$TOPICS" d -q -k 50 -i 1000000 -o out >/dev/null 2>"$W/.err" &
    pid=$!
    sleep 1
    kill -s "$sig" "$pid"
    wait "$pid"; got=$?
    checks=$((checks + 1))
    [ "$got" = 1 ] || fail "SIG$sig: exit $got, want 1"
    grep -q "interrupted" "$W/.err" || fail "SIG$sig: no 'interrupted' message"
    (cd out && sha256sum -c --quiet ../before.sum) || fail "SIG$sig: earlier results changed"
    [ "$(ls -A out | grep -vc '^\.topics-output$')" = "$(wc -l < before.sum)" ] || fail "SIG$sig: extra files in out/"
  done
}

# --- pipeline hardening: output folder, names, messages, links, signals -----------------------
case_k1_tiny_vocabulary() {
  # one talk with a single term left: K = 1 must work (and stay clean under the sanitizers)
  printf 'tests testing tests\n' > v.txt
  expect 0 "" v.txt -k 1
  [ -s "$W/.out" ] || fail "no output for a one-term corpus"
  grep -q 'AddressSanitizer\|runtime error' "$W/.err" && fail "sanitizer report"
  true
}
case_output_rename_fails() {
  good_notes d
  expect 0 "" d -q -k 2 -o od
  rm od/report.html && mkdir od/report.html
  (cd od && sha256sum ./*.json ./*.tsv ./*.txt > ../before.sum)
  expect 1 "od/report\.html: .*directory" d -q -k 3 -o od
  (cd od && sha256sum -c --quiet ../before.sum) || fail "a failed -o run changed earlier results"
  ls -A od | grep -v -E '^(\.topics-output|topics\.json|topic-keys\.tsv|doc-topics\.tsv|tags\.tsv|vocab\.txt|docword\.txt|report\.html|model\.topics)$' && fail "a temporary or backup file was left"
  true
}
# Another run holds the folder's lock: topics waits (saying so), writes nothing meanwhile, then
# writes its whole set; SIGINT while waiting stops it with nothing written.
case_output_lock() {
  command -v flock >/dev/null || { echo "SKIP: no flock(1)"; exit 77; }
  good_notes d
  expect 0 "" d -q -k 2 -o out
  (cd out && sha256sum ./* > ../before.sum)
  exec 9<>out/.topics-output
  flock 9
  for round in finish interrupt; do
    "$TOPICS" d -q -k 3 -o out >/dev/null 2>"$W/lock.err" </dev/null &
    pid=$!
    for _ in $(seq 1 1200); do
      grep -q "waiting" "$W/lock.err" && break
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    checks=$((checks + 1))
    grep -q "out: .*another topics run is writing to this folder; waiting" "$W/lock.err" ||
      { fail "$round: no message about waiting for the lock"; cat "$W/lock.err" >&2; }
    kill -0 "$pid" 2>/dev/null || fail "$round: topics did not wait for the lock"
    (cd out && sha256sum -c --quiet ../before.sum) || fail "$round: written while the lock was held"
    if [ "$round" = interrupt ]; then
      kill -INT "$pid"
      wait "$pid"; got=$?
      [ "$got" = 1 ] || fail "interrupted while waiting: exit $got, want 1"
      grep -q "interrupted" "$W/lock.err" || fail "interrupted while waiting: no message"
      (cd out && sha256sum -c --quiet ../before.sum) || fail "interrupted while waiting: files changed"
    else
      flock -u 9
      wait "$pid"; got=$?
      [ "$got" = 0 ] || fail "after the lock was released: exit $got, want 0"
      grep -Eq '^2[[:space:]]' out/topic-keys.tsv || fail "the waiting run did not write its K = 3 results"
      (cd out && sha256sum ./* > ../before.sum)
      flock 9
    fi
  done
  exec 9>&-
  # a model run and a tags run at once: the folder ends as one run's whole set
  for i in 1 2 3 4 5; do
    "$TOPICS" d -q -k 4 -o out >/dev/null 2>&1 &
    "$TOPICS" tags d -q -o out >/dev/null 2>&1
    wait
    checks=$((checks + 1))
    if [ -e out/topic-keys.tsv ]; then
      [ -e out/doc-topics.tsv ] && grep -q '"model"' out/topics.json || fail "round $i: mixed folder (model files beside a tags run's topics.json)"
    else
      [ ! -e out/doc-topics.tsv ] && ! grep -q '"model"' out/topics.json || fail "round $i: mixed folder (tags files beside model files)"
    fi
  done
}
case_output_inside_input() {
  good_notes d
  expect 0 "" d -q -k 2 -f json -o d/out
  first=$(grep -Eo '"documents": *[0-9]+' "$W/.out" | head -1)
  expect 0 "d/out: a topics output folder" d -q -k 2 -f json -o d/out
  second=$(grep -Eo '"documents": *[0-9]+' "$W/.out" | head -1)
  [ -n "$first" ] && [ "$first" = "$second" ] || fail "documents: first run $first, second run $second"
  grep -Eq '"(d/out/)?(vocab|docword)\.txt' "$W/.out" && fail "the output folder's files were read as talks"
  true
}
case_escaped_names() {
  good_notes d
  # a binary file whose name holds an escape sequence, a newline and an invalid byte
  printf '\x89PNG\r\n\x1a\n\0\0\0\rIHDR' > "d/bad$(printf '\033[1m')na"$'\n'"me$(printf '\xff').md"
  expect 0 'd/bad\\x1b\[1mna\\x0ame\\xff\.md: binary file' d -q -k 2
  grep -q $'\033' "$W/.err" && fail "an escape character reached standard error"
  grep -q $'\xff' "$W/.err" && fail "an invalid byte reached standard error"
  expect 1 '/nosuch\\x1b\[31mred: no such file' "/nosuch$(printf '\033[31m')red"
  [ "$(wc -l < "$W/.err")" = 1 ] || fail "the message about a missing path is not one line"
  true
}
case_message_lines() {
  good_notes d
  expect 2 "unknown option '--frobnicate'\. Try 'topics --help'\." --frobnicate d
  [ "$(wc -l < "$W/.err")" = 1 ] || fail "a usage error takes $(wc -l < "$W/.err") lines"
  expect 2 "option -k is for the topic model.*Try 'topics tags --help'" tags -k 3 d
  [ "$(wc -l < "$W/.err")" = 1 ] || fail "a tags usage error takes more than one line"
  expect 2 "unknown option --frobnicate .*Try 'topics segment --help'" segment --frobnicate
  [ "$(wc -l < "$W/.err")" = 1 ] || fail "a segment usage error takes more than one line"
  # standard output closed: one message, naming it the same way in both commands
  printf 'docker testing\n' | "$TOPICS" segment >&- 2>"$W/.err"; got=$?
  checks=$((checks + 1))
  [ "$got" = 1 ] || fail "segment >&-: exit $got, want 1"
  [ "$(wc -l < "$W/.err")" = 1 ] || { fail "segment >&-: $(wc -l < "$W/.err") messages, want 1"; cat "$W/.err" >&2; }
  grep -q "^topics: error: standard output: " "$W/.err" || fail "segment >&-: standard output not named"
  "$TOPICS" d -q -k 2 >&- 2>"$W/.err"; got=$?
  checks=$((checks + 1))
  [ "$got" = 1 ] || fail "topics >&-: exit $got, want 1"
  grep -q "^topics: error: standard output: " "$W/.err" || fail "topics >&-: standard output not named"
  true
}
case_symlinks_read_once() {
  good_notes d
  printf '### Shared\nA note outside the folder on docker deployment and testing\n' > outside.md
  ln -s "$W/outside.md" d/one.md
  ln -s "$W/outside.md" d/two.md
  ln -s "$W/d" d/again   # the folder itself, through a link: a loop, not followed
  expect 0 "d/two\.md: the same file as d/one\.md" d -q -k 2 -f json
  grep -Eq '"id": *"d/two\.md' "$W/.out" && fail "the file was read twice (through d/two.md)"
  grep -Eq '"id": *"d/one\.md' "$W/.out" || fail "the linked file was not read at all"
  grep -Eq '"path": *"d/two\.md", *"reason": *"same file as d/one\.md' "$W/.out" || fail "d/two.md not listed in corpus.skipped"
  true
}
# `topics segment` reads through the main reader: UTF-16 with a byte order mark is converted (the
# same lines out as its UTF-8 text), bad lines are warned about at most 10 times and then counted,
# CR line ends count as line ends, and binary input is an error.
case_segment_reader() {
  printf 'docker testing 容器\r\nasyncio 非同步 event loop\r\n' > u8.txt
  { printf '\xff\xfe'; iconv -f UTF-8 -t UTF-16LE u8.txt; } > u16.txt
  expect 0 "u16\.txt: UTF-16 \(little-endian\)" segment --raw u16.txt
  cp "$W/.out" u16.out
  expect 0 "" segment --raw u8.txt
  cmp -s u16.out "$W/.out" || fail "UTF-16 input gave other lines than its UTF-8 text"
  [ "$(wc -l < u16.out)" = 2 ] || fail "CRLF input: $(wc -l < u16.out) lines out, want 2"
  for i in $(seq 20); do printf 'line %s bad \xff byte\n' "$i"; done > bad.txt
  expect 0 "bad\.txt: invalid UTF-8 replaced with U\+FFFD on 10 more lines" segment bad.txt
  n=$(grep -c 'bad\.txt:[0-9]*: invalid UTF-8' "$W/.err")
  [ "$n" = 10 ] || fail "$n line warnings for 20 bad lines, want 10 and a count"
  [ "$(wc -l < "$W/.out")" = 20 ] || fail "20 lines in, $(wc -l < "$W/.out") out"
  printf '\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x02\0\x3e\0' > prog
  expect 1 "prog: not text" segment prog
}
# SIGINT while `topics segment` reads one endless line: memory stays bounded (the line is read in
# pieces) and the run stops with "interrupted", exit 1. The loop only guards against a hang.
case_segment_endless_line() {
  (yes 'docker testing 容器 deployment ' | tr -d '\n') 2>/dev/null | "$TOPICS" segment >/dev/null 2>"$W/.err" &
  pid=$!
  sleep 3
  hwm=$(awk '/^VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null)
  kill -INT "$pid"
  for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  checks=$((checks + 1))
  if kill -0 "$pid" 2>/dev/null; then
    fail "topics segment did not stop on SIGINT"
    kill -KILL "$pid"
  fi
  wait "$pid"; got=$?
  [ "$got" = 1 ] || fail "exit $got, want 1"
  grep -q "interrupted" "$W/.err" || fail "no 'interrupted' message"
  echo "peak memory while reading one endless line: ${hwm:-?} kB"
  [ -n "$hwm" ] && [ "$hwm" -lt 250000 ] || fail "memory grew with the line: ${hwm:-?} kB"
}
