/* JSON Lines: good records (ids, titles, escapes, unknown fields), malformed records (each skipped
 * with a warning naming its line while the rest is read), repair of ill-formed UTF-8, and a record
 * whose text is longer than one piece. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/diag.h"
#include "pipeline/jsonl.h"
#include "tests/check.h"
#include "tests/test_util.h"
#include "tests/reader_sink.h"

static char *log_text;

static size_t run(const char *data, size_t len, rs_sink *k, size_t *nbad) {
  rd_sink s = rs_make(k);
  jsonl_file f = {"talks.jsonl", "talks.jsonl"};
  size_t n = 0;
  FILE *log = tmpfile();
  diag_set_stream(log);
  *nbad = 0;
  topics_status st = jsonl_read_mem(data, len, &f, &s, &n, nbad);
  diag_set_stream(NULL);
  CHECK(st == TOPICS_OK);
  CHECK(k->violations == 0 && k->open == 0);
  CHECK(n == k->n);
  free(log_text);
  log_text = NULL;
  log_text = tu_take_log(log);
  return n;
}

static int logged(const char *s) { return log_text && strstr(log_text, s) != NULL; }

static void test_good(void) {
  const char data[] =
      "\xEF\xBB\xBF{\"id\": \"pycon-42\", \"title\": \"Async I/O\", \"text\": \"event loops\\nand tasks\"}\n"
      "\n"
      "{\"text\": \"Testing with pytest\\nfixtures\", \"tags\": [1, 2.5e3, -0.5, true, false, null, "
      "{\"deep\": [[{}]]}], \"speaker\": {\"name\": \"Ann\"}}\r\n"
      "  {\"id\": 7, \"text\": \"caf\\u00e9 \\ud83d\\ude00 \\ud800 \\\"q\\\" \\\\ \\/ \\t tab\\u0000end\"}  \n"
      "{\"text\": \"\", \"title\": null}\n"
      "{\"text\": \"中文的講題：網頁爬蟲\\r\\nsecond\\rthird\"}";
  rs_sink k;
  size_t bad;
  size_t n = run(data, sizeof data - 1, &k, &bad);
  CHECK(n == 5 && bad == 0);
  if (n == 5) {
    CHECK_STREQ(k.t[0].id, "pycon-42");
    CHECK_STREQ(k.t[0].title, "Async I/O");
    CHECK(k.t[0].line == 1);
    /* the title field comes first, as the talk's first line */
    CHECK_STREQ(rs_text_of(&k, 0), "Async I/O\nevent loops\nand tasks");
    CHECK_STREQ(k.t[1].id, "talks.jsonl#3");
    CHECK_STREQ(k.t[1].title, "Testing with pytest");
    CHECK(k.t[1].line == 3);
    CHECK_STREQ(k.t[1].path, "talks.jsonl");
    CHECK_STREQ(k.t[2].id, "7");
    CHECK_STREQ(rs_text_of(&k, 2),
                "caf\xC3\xA9 \xF0\x9F\x98\x80 \xEF\xBF\xBD \"q\" \\ / \t tab end");
    CHECK_STREQ(k.t[3].title, "talks.jsonl#5");
    CHECK(k.t[3].pieces == 0);
    CHECK_STREQ(k.t[4].title, "中文的講題：網頁爬蟲");
    CHECK_STREQ(rs_text_of(&k, 4), "中文的講題：網頁爬蟲\nsecond\nthird");
  }
  CHECK(log_text && log_text[0] == '\0');
  rs_free(&k);
}

/* Titles: the first non-blank line of the text when short, else the id. */
static void test_titles(void) {
  char data[600];
  size_t o = (size_t)snprintf(data, sizeof data, "{\"text\": \"\\n  \\n  Real title \\nbody\"}\n{\"text\": \"");
  for (int i = 0; i < 130; i++) data[o++] = 'x';
  o += (size_t)snprintf(data + o, sizeof data - o, "\", \"id\": \"long-one\"}\n");
  rs_sink k;
  size_t bad;
  size_t n = run(data, o, &k, &bad);
  CHECK(n == 2);
  if (n == 2) {
    CHECK_STREQ(k.t[0].title, "Real title");
    CHECK_STREQ(k.t[1].title, "long-one");
  }
  rs_free(&k);
}

static void test_malformed(void) {
  char deep[400], ok_deep[400];
  size_t o = (size_t)snprintf(deep, sizeof deep, "{\"text\": \"x\", \"a\": ");
  size_t p = (size_t)snprintf(ok_deep, sizeof ok_deep, "{\"text\": \"deep ok\", \"a\": ");
  for (int i = 0; i < 64; i++) deep[o++] = '[';
  for (int i = 0; i < 64; i++) deep[o++] = ']';
  for (int i = 0; i < 63; i++) ok_deep[p++] = '[';
  for (int i = 0; i < 63; i++) ok_deep[p++] = ']';
  deep[o++] = '}';
  deep[o] = '\0';
  ok_deep[p++] = '}';
  ok_deep[p] = '\0';
  char data[4096];
  size_t n = (size_t)snprintf(data, sizeof data,
      "this is not json\n"                            /* 1 */
      "[\"an\", \"array\"]\n"                         /* 2 */
      "{\"id\": \"x\"}\n"                             /* 3 */
      "{\"text\": 12}\n"                              /* 4 */
      "{\"text\": \"a\"} trailing\n"                  /* 5 */
      "%s\n"                                          /* 6 */
      "{\"text\": \"unterminated\n"                   /* 7 */
      "{\"text\": \"bad \\x escape\"}\n"              /* 8 */
      "{\"text\": \"n\", \"v\": 01}\n"                /* 9 */
      "{\"text\": \"tab\there\"}\n"                   /* 10 */
      "{\"text\": \"good one\"}\n"                    /* 11 */
      "{\"text\": \"x\", \"title\": 5}\n"             /* 12 */
      "{\"text\": \"x\",}\n"                          /* 13 */
      "%s\n"                                          /* 14 */
      "{\"text\": \"last\"",                          /* 15: cut at the end of the file */
      deep, ok_deep);
  rs_sink k;
  size_t bad;
  size_t got = run(data, n, &k, &bad);
  CHECK_MSG(got == 2, "%zu talks", got);
  CHECK(bad == 13);
  if (got == 2) {
    CHECK_STREQ(k.t[0].id, "talks.jsonl#11");
    CHECK_STREQ(rs_text_of(&k, 0), "good one");
    CHECK_STREQ(k.t[1].id, "talks.jsonl#14");
  }
  CHECK(logged("talks.jsonl:1: malformed JSON Lines record skipped: not a JSON object"));
  CHECK(logged("talks.jsonl:2: malformed JSON Lines record skipped: not a JSON object"));
  CHECK(logged("talks.jsonl:3: malformed JSON Lines record skipped: no \"text\" field"));
  CHECK(logged("talks.jsonl:4: malformed JSON Lines record skipped: \"text\" is not a string"));
  CHECK(logged("talks.jsonl:5: malformed JSON Lines record skipped: trailing characters"));
  CHECK(logged("talks.jsonl:6: malformed JSON Lines record skipped: nested deeper than 64"));
  CHECK(logged("talks.jsonl:7: malformed JSON Lines record skipped: unterminated string"));
  CHECK(logged("talks.jsonl:8: malformed JSON Lines record skipped: invalid escape"));
  CHECK(logged("talks.jsonl:9: malformed JSON Lines record skipped: expected ',' or '}'"));
  CHECK(logged("talks.jsonl:10: malformed JSON Lines record skipped: control character"));
  CHECK(logged("talks.jsonl:12: malformed JSON Lines record skipped: \"title\" is not a string"));
  CHECK(logged("talks.jsonl:13: malformed JSON Lines record skipped: expected a string key"));
  CHECK(logged("talks.jsonl:15: malformed JSON Lines record skipped:"));
  CHECK(!logged("talks.jsonl:11:") && !logged("talks.jsonl:14:"));
  rs_free(&k);
}

static void test_repair(void) {
  const char data[] = "{\"text\": \"ok\"}\n{\"id\": \"b\xFF\", \"text\": \"over\xC0\xAFlong \xED\xA0\x80\"}\n";
  rs_sink k;
  size_t bad;
  size_t n = run(data, sizeof data - 1, &k, &bad);
  CHECK(n == 2);
  if (n == 2) {
    CHECK_STREQ(rs_text_of(&k, 1), "over\xEF\xBF\xBD\xEF\xBF\xBDlong \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
    CHECK_STREQ(k.t[1].id, "b\xEF\xBF\xBD");
  }
  CHECK(logged("talks.jsonl:2: invalid UTF-8 replaced with U+FFFD"));
  CHECK(!logged("talks.jsonl:1:"));
  rs_free(&k);
}

/* A 3 MB text field: pieces of at most ~1 MiB, cut at line ends, all of it delivered. */
static void test_long(void) {
  size_t body = (size_t)3 << 20;
  char *data = malloc(body + 64);
  CHECK(data != NULL);
  if (!data) return;
  size_t o = (size_t)snprintf(data, 64, "{\"title\": \"big\", \"text\": \"");
  size_t start = o;
  while (o - start + 12 < body) {
    memcpy(data + o, "ab 資料\\n", 11);
    o += 11;
  }
  memcpy(data + o, "\"}\n", 3);
  o += 3;
  rs_sink k;
  size_t bad;
  size_t n = run(data, o, &k, &bad);
  CHECK(n == 1);
  if (n == 1) {
    CHECK(k.t[0].pieces >= 3);
    CHECK(k.t[0].max_piece <= ((size_t)1 << 20));
    size_t records = (o - 3 - start) / 11;
    CHECK(k.t[0].len == 4 + records * 10); /* "big\n" first */
    CHECK(strncmp(k.t[0].text, "big\nab 資料\nab 資料\n", 24) == 0);
    CHECK(k.t[0].text[k.t[0].len - 1] == '\n');
  }
  rs_free(&k);
  free(data);
}

/* A 3 MB text field with no line end or escape in it, Han and ASCII mixed: one plain run that
 * crosses the piece length several times. The pieces are cut between characters (no U+FFFD
 * appears), none is over a piece's length, and the text arrives whole and in order. */
static void test_long_plain(void) {
  const char unit[] = "data 資料分析 ";
  size_t ul = sizeof unit - 1, reps = ((size_t)3 << 20) / ul;
  char *data = malloc(reps * ul + 64), *want = malloc(reps * ul + 8);
  CHECK(data != NULL && want != NULL);
  if (!data || !want) {
    free(data);
    free(want);
    return;
  }
  size_t o = (size_t)snprintf(data, 64, "{\"title\": \"t\", \"text\": \"");
  size_t w = (size_t)snprintf(want, 8, "t\n");
  for (size_t r = 0; r < reps; r++, o += ul, w += ul) {
    memcpy(data + o, unit, ul);
    memcpy(want + w, unit, ul);
  }
  memcpy(data + o, "\"}\n", 3);
  o += 3;
  rs_sink k;
  size_t bad;
  size_t n = run(data, o, &k, &bad);
  CHECK(n == 1 && bad == 0);
  if (n == 1) {
    CHECK(k.t[0].pieces >= 3);
    CHECK(k.t[0].max_piece <= ((size_t)1 << 20));
    CHECK(k.t[0].len == w && memcmp(k.t[0].text, want, w) == 0);
  }
  rs_free(&k);
  free(data);
  free(want);
}

/* An escaped quote, and separately a raw tab (a control byte, which makes the record bad), at
 * every offset of a string around two 8-byte blocks: the plain runs stop exactly there. */
static void test_special_offsets(void) {
  for (size_t k = 0; k <= 17; k++) {
    char data[128], want[64];
    size_t o = (size_t)snprintf(data, sizeof data, "{\"text\": \"");
    size_t w = 0;
    for (size_t i = 0; i < 17; i++) {
      if (i == k) {
        memcpy(data + o, "\\\"", 2);
        o += 2;
        want[w++] = '"';
      }
      data[o++] = (char)('a' + i);
      want[w++] = (char)('a' + i);
    }
    o += (size_t)snprintf(data + o, sizeof data - o, "\"}\n{\"text\": \"%.*s\t.\"}\n", (int)k,
                          "abcdefghijklmnopq");
    rs_sink ks;
    size_t bad;
    size_t n = run(data, o, &ks, &bad);
    CHECK_MSG(n == 1, "offset %zu: %zu talks, want 1 (the tab's record is bad)", k, n);
    if (n == 1) {
      const char *t = rs_text_of(&ks, 0);
      CHECK_MSG(strlen(t) == w && memcmp(t, want, w) == 0, "offset %zu: text '%s'", k, t);
    }
    rs_free(&ks);
  }
}

int main(void) {
  test_good();
  test_special_offsets();
  test_long_plain();
  test_titles();
  test_malformed();
  test_repair();
  test_long();
  free(log_text);
  return check_done();
}
