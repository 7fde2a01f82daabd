/* libFuzzer target for the JSON Lines reader: arbitrary bytes as a .jsonl file. Checks the sink
 * contract (paired begin/end, well-formed NUL-free pieces, non-empty well-formed ids and titles)
 * and that talks plus skipped records never exceed the number of lines. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/diag.h"
#include "common/utf8.h"
#include "pipeline/jsonl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct fz {
  int open;
  size_t begins;
  long last_line;
} fz;

static void fail(const char *what) {
  fprintf(stderr, "invariant broken: %s\n", what);
  abort();
}

static void check_str(const char *s) {
  if (!s || !*s) fail("empty id or title");
  if (utf8_valid_prefix(s, strlen(s)) != strlen(s)) fail("ill-formed UTF-8 in id or title");
}

static topics_status fz_begin(void *ud, const rd_talk_info *t) {
  fz *z = ud;
  if (z->open) fail("begin inside a talk");
  check_str(t->id);
  check_str(t->title);
  if (t->line <= z->last_line) fail("record lines not increasing");
  z->last_line = t->line;
  z->open = 1;
  z->begins++;
  return TOPICS_OK;
}

static topics_status fz_text(void *ud, const char *s, size_t n) {
  fz *z = ud;
  if (!z->open) fail("text outside a talk");
  if (utf8_valid_prefix(s, n) != n) fail("ill-formed UTF-8 piece");
  if (memchr(s, 0, n)) fail("NUL in a piece");
  return TOPICS_OK;
}

static topics_status fz_end(void *ud) {
  fz *z = ud;
  if (!z->open) fail("end without begin");
  z->open = 0;
  return TOPICS_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static FILE *devnull;
  if (!devnull) devnull = fopen("/dev/null", "w");
  diag_set_stream(devnull);
  fz z = {0, 0, 0};
  rd_sink sink = {fz_begin, fz_text, fz_end, &z};
  jsonl_file f = {"fuzz.jsonl", "fuzz.jsonl"};
  size_t n = 0, bad = 0;
  if (jsonl_read_mem(data, size, &f, &sink, &n, &bad) != TOPICS_OK) fail("unexpected status");
  if (z.open || z.begins != n) fail("talk count");
  size_t lines = 1;
  for (size_t i = 0; i < size; i++) lines += data[i] == '\n';
  if (n + bad > lines) fail("more records than lines");
  if (z.last_line > (long)lines) fail("line number past the end");
  return 0;
}
