/* libFuzzer target for the talk splitter: arbitrary bytes as a notes file's content (the first
 * byte picks the --split mode). Checks the sink contract: begin/end paired, text only inside a
 * talk, pieces well-formed UTF-8 without NUL and at most about one chunk long, ids and titles
 * well-formed and non-empty, talk count consistent, at most one talk in file mode. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/diag.h"
#include "common/utf8.h"
#include "pipeline/talks.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct fz {
  int open;
  size_t begins, ends;
  size_t bytes;
  int numbered, plain; /* ids "fuzz.md#N" in order / ids "fuzz.md" */
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
  if (t->line < 1) fail("line < 1");
  z->open = 1;
  z->begins++;
  /* the counting pass and the emitting pass must agree: "#N" numbers run 1, 2, ... */
  char want[64];
  snprintf(want, sizeof want, "fuzz.md#%zu", z->begins);
  if (strcmp(t->id, want) == 0) z->numbered++;
  else if (strcmp(t->id, "fuzz.md") == 0) z->plain++;
  else fail("unexpected id");
  return TOPICS_OK;
}

static topics_status fz_text(void *ud, const char *s, size_t n) {
  fz *z = ud;
  if (!z->open) fail("text outside a talk");
  if (n == 0) fail("empty piece");
  if (utf8_valid_prefix(s, n) != n) fail("ill-formed UTF-8 piece");
  if (memchr(s, 0, n)) fail("NUL in a piece");
  if (n > 3 * ((size_t)1 << 20) + 1) fail("piece too long");
  z->bytes += n;
  return TOPICS_OK;
}

static topics_status fz_end(void *ud) {
  fz *z = ud;
  if (!z->open) fail("end without begin");
  z->open = 0;
  z->ends++;
  return TOPICS_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static FILE *devnull;
  if (!devnull) devnull = fopen("/dev/null", "w");
  diag_set_stream(devnull);
  if (size == 0) return 0;
  rd_split mode = (rd_split)(data[0] % 4);
  fz z = {0, 0, 0, 0, 0, 0};
  rd_sink sink = {fz_begin, fz_text, fz_end, &z};
  talk_file f = {"fuzz.md", "fuzz.md", "fuzz.md", mode};
  size_t n = 0;
  topics_status st = talk_split_mem(data + 1, size - 1, &f, &sink, &n);
  if (st != TOPICS_OK && st != TOPICS_ENOTEXT) fail("unexpected status");
  if (z.open || z.begins != z.ends || z.begins != n) fail("talk count");
  if (mode == RD_SPLIT_FILE && n > 1) fail("file mode gave several talks");
  if (n > 1 && (size_t)z.numbered != n) fail("several talks without #N ids");
  if (n == 1 && z.plain != 1) fail("a single talk with a numbered id");
  /* Without any marker character there can be no boundary: one talk at most. */
  if (!memchr(data + 1, '#', size - 1) && !memchr(data + 1, '[', size - 1) &&
      !memchr(data + 1, '=', size - 1) && !memchr(data + 1, '-', size - 1) && n > 1)
    fail("talks without markers");
  return 0;
}
