/* libFuzzer target for the JSON Lines reader: arbitrary bytes as a .jsonl file. Checks the sink
 * contract (paired begin/end, well-formed NUL-free pieces, non-empty well-formed ids and titles)
 * and that talks plus skipped records never exceed the number of lines; then reads the bytes as
 * three shares (jsonl_read_range, as cluster processes do) and checks that together they give
 * the same records with the same line numbers. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/diag.h"
#include "common/utf8.h"
#include "pipeline/jsonl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FZ_LINES 4096

typedef struct fz {
  int open;
  size_t begins;
  long last_line;
  long lines[FZ_LINES]; /* the line of each record, as far as they fit */
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
  if (z->begins < FZ_LINES) z->lines[z->begins] = t->line;
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
  static fz z;
  memset(&z, 0, sizeof z);
  rd_sink sink = {fz_begin, fz_text, fz_end, &z};
  jsonl_file f = {"fuzz.jsonl", "fuzz.jsonl"};
  size_t n = 0, bad = 0;
  if (jsonl_read_mem(data, size, &f, &sink, &n, &bad) != TOPICS_OK) fail("unexpected status");
  if (z.open || z.begins != n) fail("talk count");
  size_t lines = 1;
  for (size_t i = 0; i < size; i++) lines += data[i] == '\n';
  if (n + bad > lines) fail("more records than lines");
  if (z.last_line > (long)lines) fail("line number past the end");
  /* three shares, cut where the data says; their lines go on increasing (fz_begin checks) */
  static fz part;
  memset(&part, 0, sizeof part);
  rd_sink psink = {fz_begin, fz_text, fz_end, &part};
  uint64_t bom = size >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
  uint64_t cut1 = size ? data[0] % (size + 1) : 0, cut2 = size ? data[size - 1] % (size + 1) : 0;
  if (cut1 > cut2) {
    uint64_t t = cut1;
    cut1 = cut2;
    cut2 = t;
  }
  uint64_t cuts[4] = {0, cut1, cut2, size};
  size_t pn = 0, pbad = 0;
  for (int i = 0; i < 3; i++) {
    rd_src src;
    rds_init_mem(&src, data, size);
    if (jsonl_read_range(&src, &f, bom, cuts[i], cuts[i + 1], &psink, &pn, &pbad) != TOPICS_OK)
      fail("unexpected status of a share");
  }
  if (pn != n || pbad != bad) fail("the shares do not give the records of the whole");
  for (size_t i = 0; i < n && i < FZ_LINES; i++)
    if (part.lines[i] != z.lines[i]) fail("a share numbers a line differently");
  return 0;
}
