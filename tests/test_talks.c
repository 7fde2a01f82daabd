/* Talk splitting on hand-written samples of each notes format: a Markdown blog (### per talk,
 * ## sections, front matter, a code fence), setext headings, a pad with [H:MM][Rn] lines in mixed
 * Chinese and English, prose; the --split overrides; ids, titles and start lines; line ends,
 * repair warnings and long lines through the in-memory entry point; front matter dates. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/diag.h"
#include "pipeline/talks.h"
#include "tests/check.h"
#include "tests/test_util.h"
#include "tests/reader_sink.h"

static size_t split(const char *text, size_t len, rd_split mode, rs_sink *k, topics_status *st) {
  rd_sink s = rs_make(k);
  talk_file f = {"notes/x.md", "notes/x.md", "x.md", mode};
  size_t n = 0;
  *st = talk_split_mem(text, len, &f, &s, &n);
  CHECK(k->violations == 0);
  CHECK(k->open == 0);
  CHECK(n == k->n);
  return n;
}

static const char blog[] =
    "---\n"
    "title: \"Notes from PyCon Lisbon 2019\"\n"
    "tags: [python]\n"
    "---\n"
    "\n"
    "# PyCon Lisbon 2019\n"
    "\n"
    "We went to Lisbon.\n"
    "\n"
    "## Day one\n"
    "\n"
    "### Search engines with Elasticsearch\n"
    "\n"
    "Inverted indexes, analyzers and relevance scoring.\n"
    "\n"
    "```python\n"
    "# not a heading\n"
    "### not a heading either\n"
    "```\n"
    "\n"
    "### Testing with pytest ###\n"
    "Fixtures and parametrize make tests short.\n"
    "#### Mocking\n"
    "Patch only at the boundary.\n"
    "\n"
    "## Day two\n"
    "\n"
    "### Deploying with containers\n"
    "Docker images, small and reproducible.\n"
    "\n"
    "### Profiling with py-spy\n"
    "Flame graphs of a running process.\n"
    "\n"
    "## Closing\n"
    "Thanks to the organisers.\n";

static void test_blog(void) {
  rs_sink k;
  topics_status st;
  size_t n = split(blog, strlen(blog), RD_SPLIT_AUTO, &k, &st);
  CHECK(st == TOPICS_OK);
  /* four ### against three ##: the talks are the ### headings */
  CHECK(n == 4);
  if (n == 4) {
    CHECK_STREQ(k.t[0].id, "notes/x.md#1");
    CHECK_STREQ(k.t[0].title, "Search engines with Elasticsearch");
    CHECK(k.t[0].line == 12);
    CHECK_STREQ(k.t[0].path, "notes/x.md");
    CHECK(strstr(rs_text_of(&k, 0), "Search engines with Elasticsearch\n") == rs_text_of(&k, 0));
    CHECK(strstr(rs_text_of(&k, 0), "### not a heading either") != NULL);
    CHECK(strstr(rs_text_of(&k, 0), "Fixtures") == NULL);
    CHECK_STREQ(k.t[1].title, "Testing with pytest");
    CHECK(k.t[1].line == 21);
    CHECK(strstr(rs_text_of(&k, 1), "Mocking\nPatch only") != NULL);
    CHECK(strstr(rs_text_of(&k, 1), "####") == NULL);
    /* "## Day two" ends the talk before it: its short text is not part of any talk */
    CHECK(strstr(rs_text_of(&k, 1), "Day two") == NULL);
    CHECK_STREQ(k.t[2].id, "notes/x.md#3");
    CHECK_STREQ(k.t[2].title, "Deploying with containers");
    CHECK(k.t[2].line == 28);
    CHECK(strstr(rs_text_of(&k, 2), "Profiling") == NULL);
    CHECK_STREQ(k.t[3].id, "notes/x.md#4");
    CHECK(k.t[3].line == 31);
    CHECK_STREQ(rs_text_of(&k, 3), "Profiling with py-spy\nFlame graphs of a running process.\n\n");
    CHECK(strstr(rs_text_of(&k, 2), "title:") == NULL);
  }
  rs_free(&k);

  /* --split file: one talk, titled from the front matter, front matter not in the text */
  n = split(blog, strlen(blog), RD_SPLIT_FILE, &k, &st);
  CHECK(n == 1);
  if (n == 1) {
    CHECK_STREQ(k.t[0].id, "notes/x.md");
    CHECK_STREQ(k.t[0].title, "Notes from PyCon Lisbon 2019");
    CHECK(k.t[0].line == 6);
    CHECK(strstr(rs_text_of(&k, 0), "Thanks to the organisers.") != NULL);
    CHECK(strstr(rs_text_of(&k, 0), "tags:") == NULL);
    /* the front matter title is the talk's first line, as a heading would be */
    CHECK(strstr(rs_text_of(&k, 0), "Notes from PyCon Lisbon 2019\n") == rs_text_of(&k, 0));
  }
  rs_free(&k);

  /* --split time on a file without time lines: the whole file */
  n = split(blog, strlen(blog), RD_SPLIT_TIME, &k, &st);
  CHECK(n == 1);
  rs_free(&k);
}

/* A long introduction before the first talk heading is a talk of its own. */
static void test_long_preamble(void) {
  char text[4096];
  size_t o = (size_t)snprintf(text, sizeof text, "title: Conference diary\ndate: 2015-11-19\n---\n\n");
  for (int i = 0; i < 12; i++)
    o += (size_t)snprintf(text + o, sizeof text - o, "The keynote hall was full again today. ");
  o += (size_t)snprintf(text + o, sizeof text - o,
                        "\n\n### Async I/O with asyncio\nEvent loops.\n\n### Web scraping\nParsers.\n");
  rs_sink k;
  topics_status st;
  size_t n = split(text, o, RD_SPLIT_AUTO, &k, &st);
  CHECK(n == 3);
  if (n == 3) {
    /* headless YAML ("key: value" lines closed by ---) is front matter, not a setext heading */
    CHECK_STREQ(k.t[0].title, "Conference diary");
    CHECK(k.t[0].line == 5);
    CHECK(strstr(rs_text_of(&k, 0), "date:") == NULL);
    CHECK(strstr(rs_text_of(&k, 0), "Conference diary\n\nThe keynote") == rs_text_of(&k, 0));
    CHECK_STREQ(k.t[1].title, "Async I/O with asyncio");
    /* a talk under its own heading does not take the front matter title */
    CHECK(strstr(rs_text_of(&k, 1), "Conference diary") == NULL);
    CHECK_STREQ(k.t[2].id, "notes/x.md#3");
  }
  rs_free(&k);
}

/* A rule at the top followed by prose is not front matter: nothing is dropped. */
static void test_rule_not_front_matter(void) {
  const char text[] = "---\nWe arrived late.\n---\nThe talks were good.\n";
  rs_sink k;
  topics_status st;
  size_t n = split(text, strlen(text), RD_SPLIT_AUTO, &k, &st);
  CHECK(n == 1);
  if (n == 1) CHECK(strstr(rs_text_of(&k, 0), "We arrived late.") != NULL);
  rs_free(&k);
}

static void test_setext(void) {
  const char text[] = "Conference notes\n================\n\nTalk one\n--------\n\nAbout tracing.\n\n"
                      "Talk two\n---\nAbout profiling.\n\n- a list item\n---\n";
  rs_sink k;
  topics_status st;
  size_t n = split(text, strlen(text), RD_SPLIT_AUTO, &k, &st);
  CHECK(n == 2);
  if (n == 2) {
    CHECK_STREQ(k.t[0].title, "Talk one");
    CHECK(k.t[0].line == 4);
    CHECK_STREQ(k.t[1].title, "Talk two");
    CHECK(k.t[1].line == 9);
    CHECK(strstr(rs_text_of(&k, 1), "- a list item\n---\n") != NULL);
  }
  rs_free(&k);
}

/* A heading inside an HTML comment is not one: the comment is dropped as markup. */
static void test_commented_heading(void) {
  const char text[] = "# One\n\nAbout tracing.\n<!--\n# Not a talk\n[9:10][R0] nor this\n-->\n"
                      "More on tracing.\n\n# Two <!-- a note -->\n\nAbout profiling.\n"
                      "<!-- one line --> # still text\n\n# Three\n\nAbout logging.\n";
  rs_sink k;
  topics_status st;
  size_t n = split(text, strlen(text), RD_SPLIT_AUTO, &k, &st);
  CHECK(n == 3);
  if (n == 3) {
    CHECK_STREQ(k.t[0].title, "One");
    CHECK(strstr(rs_text_of(&k, 0), "More on tracing.") != NULL);
    CHECK(k.t[1].line == 10);
    CHECK_STREQ(k.t[2].title, "Three");
  }
  rs_free(&k);
}

static const char pad[] =
    "PyCon Taipei 2016 - Day 1\n"
    "\n"
    "共筆網址在這裡\n"
    "\n"
    "[9:10][R0] Keynote: 開源社群的未來 (Jane Doe)\n"
    "主要是討論 open source 的 community 如何維持\n"
    "#!/usr/bin/env python\n"
    "\n"
    "[10:00][R1]  非同步 I/O with asyncio (李小明)\n"
    "event loop 和 coroutine 的差別\n"
    "---------------- Break ----------------\n"
    "[R2][10:40] Web scraping 爬蟲實戰 (Wang)\n"
    "requests + lxml\n"
    "[15:50][R2] ...\n";

static void test_pad(void) {
  rs_sink k;
  topics_status st;
  size_t n = split(pad, strlen(pad), RD_SPLIT_AUTO, &k, &st);
  CHECK(n == 4);
  if (n == 4) {
    CHECK_STREQ(k.t[0].title, "Keynote: 開源社群的未來 (Jane Doe)");
    CHECK(k.t[0].line == 5);
    CHECK_STREQ(k.t[0].id, "notes/x.md#1");
    CHECK(strstr(rs_text_of(&k, 0), "#!/usr/bin/env python") != NULL);
    CHECK(strstr(rs_text_of(&k, 0), "[9:10]") == NULL);
    CHECK_STREQ(k.t[1].title, "非同步 I/O with asyncio (李小明)");
    CHECK(k.t[1].line == 9);
    CHECK_STREQ(k.t[2].title, "Web scraping 爬蟲實戰 (Wang)");
    CHECK(k.t[2].line == 12);
    CHECK_STREQ(k.t[3].title, "...");
    CHECK(strstr(rs_text_of(&k, 0), "共筆") == NULL); /* short preamble dropped */
  }
  rs_free(&k);
  /* forced heading split on a pad without headings: the whole file */
  n = split(pad, strlen(pad), RD_SPLIT_HEADING, &k, &st);
  CHECK(n == 1);
  if (n == 1) {
    CHECK_STREQ(k.t[0].title, "PyCon Taipei 2016 - Day 1");
    CHECK_STREQ(k.t[0].id, "notes/x.md");
    CHECK(strstr(rs_text_of(&k, 0), "Keynote: 開源社群的未來") != NULL);
  }
  rs_free(&k);
}

static void test_prose(void) {
  const char text[] = "\n\nA week in Bangalore\n\nThe train was late. We met the speakers at the "
                      "venue and talked about security tools.\n";
  rs_sink k;
  topics_status st;
  size_t n = split(text, strlen(text), RD_SPLIT_AUTO, &k, &st);
  CHECK(n == 1);
  if (n == 1) {
    CHECK_STREQ(k.t[0].id, "notes/x.md");
    CHECK_STREQ(k.t[0].title, "A week in Bangalore");
    CHECK(k.t[0].line == 3);
  }
  rs_free(&k);
  /* a first line longer than 120 characters is no title: the file name is */
  char longl[400];
  memset(longl, 'w', 300);
  memcpy(longl + 300, "\nmore\n", 7);
  for (int i = 5; i < 300; i += 6) longl[i] = ' ';
  n = split(longl, strlen(longl), RD_SPLIT_AUTO, &k, &st);
  CHECK(n == 1);
  if (n == 1) CHECK_STREQ(k.t[0].title, "x.md");
  rs_free(&k);
  /* empty and blank files have no talks */
  n = split("", 0, RD_SPLIT_AUTO, &k, &st);
  CHECK(n == 0 && st == TOPICS_OK);
  rs_free(&k);
  n = split(" \n\t\n\r\n", 5, RD_SPLIT_FILE, &k, &st);
  CHECK(n == 0 && st == TOPICS_OK);
  rs_free(&k);
}

static void test_line_ends(void) {
  const char crlf[] = "### Alpha\r\nfirst\r\n\r\n### Beta\r\nsecond\r\n";
  const char cr[] = "### Alpha\rfirst\r\r### Beta\rsecond\r";
  const char *texts[] = {crlf, cr};
  for (int i = 0; i < 2; i++) {
    rs_sink k;
    topics_status st;
    size_t n = split(texts[i], strlen(texts[i]), RD_SPLIT_AUTO, &k, &st);
    CHECK(n == 2);
    if (n == 2) {
      CHECK_STREQ(k.t[0].title, "Alpha");
      CHECK_STREQ(k.t[1].title, "Beta");
      CHECK(k.t[1].line == 4);
      CHECK_STREQ(rs_text_of(&k, 1), "Beta\nsecond\n");
      CHECK(strchr(rs_text_of(&k, 0), '\r') == NULL);
    }
    rs_free(&k);
  }
}


static void test_repairs(void) {
  FILE *log = tmpfile();
  CHECK(log != NULL);
  if (!log) return;
  diag_set_stream(log);
  /* overlong '/', a surrogate, a truncated sequence, NUL bytes */
  const char text[] = "clean line\nover\xC0\xAFlong\nsur\xED\xA0\x80rogate\nfine\ncut \xE8\xB3\n"
                      "nul\0byte\0here\n";
  rs_sink k;
  topics_status st;
  size_t n = split(text, sizeof text - 1, RD_SPLIT_AUTO, &k, &st);
  diag_set_stream(NULL);
  char *msg = tu_take_log(log);
  CHECK(n == 1);
  CHECK(msg && strstr(msg, "notes/x.md:2: invalid UTF-8 replaced with U+FFFD"));
  CHECK(msg && strstr(msg, "notes/x.md:3: invalid UTF-8 replaced with U+FFFD"));
  CHECK(msg && strstr(msg, "notes/x.md:5: invalid UTF-8 replaced with U+FFFD"));
  CHECK(msg && !strstr(msg, "notes/x.md:4:"));
  CHECK(msg && strstr(msg, "notes/x.md:6: NUL bytes replaced with spaces"));
  CHECK(strstr(rs_text_of(&k, 0), "over\xEF\xBF\xBD\xEF\xBF\xBDlong") != NULL);
  CHECK(strstr(rs_text_of(&k, 0), "nul byte here\n") != NULL);
  free(msg);
  rs_free(&k);

  /* many bad lines: at most 10 warnings, then one summary */
  char many[600];
  size_t o = 0;
  for (int i = 0; i < 30; i++) o += (size_t)snprintf(many + o, sizeof many - o, "bad \xFF line\n");
  log = tmpfile();
  diag_set_stream(log);
  n = split(many, o, RD_SPLIT_AUTO, &k, &st);
  diag_set_stream(NULL);
  msg = tu_take_log(log);
  size_t lines = 0;
  for (const char *p = msg; p && (p = strchr(p, '\n')); p++) lines++;
  CHECK_MSG(lines == 11, "%zu warning lines", lines);
  CHECK(msg && strstr(msg, "on 20 more lines"));
  free(msg);
  rs_free(&k);
}

static void test_utf16(void) {
  /* "### 測試\nhi\r\n### B\n" in UTF-16 with a BOM, and an unpaired surrogate */
  const unsigned short units[] = {0xFEFF, '#', '#', '#', ' ', 0x6E2C, 0x8A66, '\n', 'h', 'i',
                                  0xD83D, 0xDE00, 0xD800, '\r', '\n', '#', '#', '#', ' ', 'B', '\n'};
  size_t nu = sizeof units / sizeof units[0];
  unsigned char le[64], be[64];
  for (size_t i = 0; i < nu; i++) {
    le[2 * i] = (unsigned char)(units[i] & 0xFF);
    le[2 * i + 1] = (unsigned char)(units[i] >> 8);
    be[2 * i] = (unsigned char)(units[i] >> 8);
    be[2 * i + 1] = (unsigned char)(units[i] & 0xFF);
  }
  const unsigned char *v[] = {le, be};
  for (int i = 0; i < 2; i++) {
    rs_sink k;
    topics_status st;
    FILE *log = tmpfile();
    diag_set_stream(log);
    size_t n = split((const char *)v[i], 2 * nu, RD_SPLIT_AUTO, &k, &st);
    diag_set_stream(NULL);
    char *msg = tu_take_log(log);
    CHECK(n == 2);
    if (n == 2) {
      CHECK_STREQ(k.t[0].title, "測試");
      CHECK_STREQ(rs_text_of(&k, 0), "測試\nhi\xF0\x9F\x98\x80\xEF\xBF\xBD\n");
      CHECK(k.t[1].line == 3);
    }
    CHECK(msg && strstr(msg, "notes/x.md:2: invalid UTF-16 replaced with U+FFFD"));
    free(msg);
    rs_free(&k);
  }
}

/* A 6 MB line: pieces of at most ~1 MiB, cut after white space or between characters, every
 * byte delivered once, never a broken UTF-8 sequence. */
static void test_long_line(void) {
  size_t n = (size_t)6 << 20;
  char *text = malloc(n + 1);
  CHECK(text != NULL);
  if (!text) return;
  for (int spaced = 0; spaced < 2; spaced++) {
    const char *unit = spaced ? "資料 data " : "資料科學";
    size_t ul = strlen(unit), o = 0;
    while (o + ul <= n) {
      memcpy(text + o, unit, ul);
      o += ul;
    }
    rs_sink k;
    rd_sink s = rs_make(&k);
    talk_file f = {"big.txt", "big.txt", "big.txt", RD_SPLIT_AUTO};
    size_t nt = 0;
    CHECK(talk_split_mem(text, o, &f, &s, &nt) == TOPICS_OK);
    CHECK(nt == 1 && k.violations == 0);
    if (nt == 1) {
      CHECK(k.t[0].pieces >= 6);
      CHECK(k.t[0].max_piece <= ((size_t)1 << 20) + 1);
      CHECK(k.t[0].len == o + 1);                          /* + the line end */
      CHECK(memcmp(k.t[0].text, text, o) == 0);
      CHECK_STREQ(k.t[0].title, "big.txt");
    }
    rs_free(&k);
  }
  free(text);
}

/* The front matter's `date:` (else `year:`) dates every talk of the file; without front matter,
 * or with a "date:" line in the prose, a talk has no date. */
static char seen_date[4][64];
static size_t seen_n;
static topics_status date_begin(void *ud, const rd_talk_info *ti) {
  if (seen_n < 4) snprintf(seen_date[seen_n], 64, "%s", ti->date ? ti->date : "(none)");
  seen_n++;
  return rs_begin(ud, ti);
}

static void dates_of(const char *text, size_t want) {
  rs_sink k;
  rd_sink s = rs_make(&k);
  s.begin = date_begin;
  talk_file f = {"notes/x.md", "notes/x.md", "x.md", RD_SPLIT_AUTO};
  size_t n = 0;
  seen_n = 0;
  CHECK(talk_split_mem(text, strlen(text), &f, &s, &n) == TOPICS_OK);
  CHECK(n == want && seen_n == want);
  rs_free(&k);
}

static void test_front_matter_date(void) {
  dates_of("---\ntitle: Day 1\ndate: \"2019-05-04\"\ntags: [a]\n---\n## One\ntext\n## Two\ntext\n", 2);
  CHECK_STREQ(seen_date[0], "2019-05-04");
  CHECK_STREQ(seen_date[1], "2019-05-04");
  dates_of("---\nyear: 2017\ntitle: Notes\n---\nSome prose about the conference.\n", 1);
  CHECK_STREQ(seen_date[0], "2017");
  dates_of("---\nyear: 2017\ndate: 2017-10-01\n---\nSome prose.\n", 1);
  CHECK_STREQ(seen_date[0], "2017-10-01"); /* date wins over year */
  dates_of("Prose first.\ndate: 2020-01-01\nmore prose\n", 1);
  CHECK_STREQ(seen_date[0], "(none)");
}

int main(void) {
  test_front_matter_date();
  test_blog();
  test_long_preamble();
  test_setext();
  test_commented_heading();
  test_rule_not_front_matter();
  test_pad();
  test_prose();
  test_line_ends();
  test_repairs();
  test_utf16();
  test_long_line();
  return check_done();
}
