#!/usr/bin/env bash
# Runs one bad-input case: bash run.sh TOPICS_BINARY SOURCE_DIR CASE
# Each case in cases.sh sets up files in $W (a fresh temp dir) and calls `expect STATUS REGEX
# ARGS...`, which runs topics with ARGS and checks its exit status and that standard error
# matches the extended regular expression REGEX (an empty REGEX checks nothing).
set -uo pipefail
TOPICS=$1
SRC=$2
CASE=$3
W=$(mktemp -d /tmp/topics-badinput.XXXXXX)
trap 'chmod -R u+rwx "$W" 2>/dev/null; rm -rf "$W"' EXIT
failures=0
checks=0

fail() { echo "FAIL [$CASE]: $*" >&2; failures=$((failures + 1)); }

# expect STATUS REGEX ARGS... : run topics, check the status and that stderr matches REGEX.
expect() {
  local want=$1 regex=$2
  shift 2
  "$TOPICS" "$@" >"$W/.out" 2>"$W/.err" </dev/null
  local got=$?
  checks=$((checks + 1))
  if [ "$got" != "$want" ]; then
    fail "topics $* exited $got, want $want; stderr:"
    head -5 "$W/.err" >&2
  fi
  if [ -n "$regex" ] && ! grep -Eq -- "$regex" "$W/.err"; then
    fail "topics $*: stderr does not match /$regex/:"
    head -5 "$W/.err" >&2
  fi
  if [ "$want" != 0 ] && grep -q 'AddressSanitizer\|runtime error' "$W/.err"; then
    fail "sanitizer report"
  fi
}

# As root, file permissions do not stop reads; run such cases as an unprivileged user.
as_nobody() {
  if [ "$(id -u)" = 0 ]; then
    command -v setpriv >/dev/null || return 1
    chmod o+rx "$W"
    setpriv --reuid=nobody --regid=nogroup --clear-groups -- "$@"
  else
    "$@"
  fi
}

# expect_nobody: like expect, but as an unprivileged user (skips when that is impossible).
expect_nobody() {
  local want=$1 regex=$2
  shift 2
  if [ "$(id -u)" = 0 ] && ! command -v setpriv >/dev/null; then
    echo "SKIP: root without setpriv cannot test permissions"; exit 77
  fi
  as_nobody "$TOPICS" "$@" >"$W/.out" 2>"$W/.err" </dev/null
  local got=$?
  checks=$((checks + 1))
  [ "$got" = "$want" ] || { fail "topics $* (as nobody) exited $got, want $want"; head -5 "$W/.err" >&2; }
  grep -Eq -- "$regex" "$W/.err" || { fail "stderr does not match /$regex/"; head -5 "$W/.err" >&2; }
}

# A few talks of real-looking notes, so that cases can mix bad files with good ones.
good_notes() {
  local d=$1
  mkdir -p "$d"
  cat >"$d/notes.md" <<'NOTES'
### Testing with pytest
Fixtures in pytest make testing easier; mocking and coverage reports help find untested code.
pytest fixtures, mocking, coverage, testing, assertions.

### Docker deployment
Containers with Docker and Kubernetes make deployment repeatable; 容器 部署 很方便.
Docker images, Kubernetes pods, deployment pipelines and containers.

### Async web scraping
asyncio event loop and aiohttp make a crawler fast; 爬蟲 用 asyncio 寫.
Scraping pages with a crawler, parsing HTML, asyncio coroutines.

### Testing web APIs
Testing APIs with pytest fixtures and mocking HTTP calls; coverage of the deployment code.
NOTES
}

source "$SRC/tests/badinput/cases.sh"
if ! declare -F "case_$CASE" >/dev/null; then
  echo "no such case: $CASE" >&2
  exit 2
fi
cd "$W" || exit 1
"case_$CASE"
echo "$((checks - failures)) passed, $failures failed"
[ "$failures" = 0 ]
