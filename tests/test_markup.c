/* Markup read as a person reads it: each construct of Markdown and HTML on its own (tags,
 * attributes, comments, entities, links, images, script/style, code fences, indented code, inline
 * code, link definitions, autolinks, escapes), plain text that only looks like HTML, line ends kept,
 * constructs open across calls, titles; then the talk filter on a Markdown pad with front matter
 * and on JSON Lines, and the `topics` command on a realistic organisers' notes folder. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/diag.h"
#include "common/utf8.h"
#include "pipeline/jsonl.h"
#include "pipeline/markup.h"
#include "pipeline/talk_filter.h"
#include "pipeline/talks.h"
#include "tests/check.h"
#include "tests/reader_sink.h"
#include "tests/test_util.h"

/* Cleans `in` in one call; the caller frees the result. */
static char *clean(mk_kind kind, int keep, const char *in) {
  size_t n = strlen(in);
  char *s = malloc(n + 1);
  memcpy(s, in, n + 1);
  mk_reader *m = mk_new(kind, keep);
  size_t w = mk_clean(m, s, n);
  mk_free(m);
  CHECK(w <= n);
  s[w] = '\0';
  return s;
}

/* The cleaned text with white space runs collapsed, for comparing words. */
static char *words(mk_kind kind, int keep, const char *in) {
  char *s = clean(kind, keep, in);
  size_t w = 0;
  for (size_t i = 0; s[i]; i++) {
    char c = s[i] == '\n' || s[i] == '\t' ? ' ' : s[i];
    if (c == ' ' && (w == 0 || s[w - 1] == ' ')) continue;
    s[w++] = c;
  }
  while (w && s[w - 1] == ' ') w--;
  s[w] = '\0';
  return s;
}

#define EXPECT(kind, in, want)                   \
  do {                                           \
    char *got_ = words(kind, 0, in);             \
    CHECK_STREQ(got_, want);                     \
    free(got_);                                  \
  } while (0)

static size_t count_nl(const char *s) {
  size_t n = 0;
  for (; *s; s++) n += *s == '\n';
  return n;
}

static void test_html(void) {
  EXPECT(MK_TEXT, "one<br>two<br/>three<BR />four", "one two three four");
  EXPECT(MK_TEXT, "<iframe width=\"560\" height=\"315\" src=\"https://www.youtube.com/embed/x\" "
                  "allowfullscreen></iframe>Video above",
         "Video above");
  EXPECT(MK_TEXT, "<p align=center>Centered</p>", "Centered");
  /* inline elements join their neighbours, block elements separate them */
  EXPECT(MK_TEXT, "<b>Py</b>thon and <span class='x'>spans</span>", "Python and spans");
  EXPECT(MK_TEXT, "cell<td>next</td>", "cell next");
  /* an attribute that spans lines */
  EXPECT(MK_TEXT, "<div\n  style=\"background: url(bg.png)\">inside</div>", "inside");
  EXPECT(MK_TEXT, "before <!-- TODO: fill in --> after", "before after");
  EXPECT(MK_TEXT, "<!DOCTYPE html><?xml version=\"1.0\"?>text", "text");
  EXPECT(MK_TEXT, "a<script>var width = 560; document.write('<br>');</script>b", "a b");
  EXPECT(MK_TEXT, "<style>.logo { background: #fff }</style>Styled", "Styled");
  EXPECT(MK_TEXT, "<img src=\"logo.png\" alt=\"Conference logo\" width=\"100\">", "Conference logo");
  EXPECT(MK_TEXT, "<img src=\"logo.png\">after", "after");
  EXPECT(MK_TEXT, "mail <organisers@example.org> or <https://example.org/form>", "mail or");
}

static void test_not_html(void) {
  /* plain text that only looks like HTML stays */
  EXPECT(MK_TEXT, "a < b and c > d", "a < b and c > d");
  EXPECT(MK_TEXT, "x<y and y>z", "x<y and y>z");
  EXPECT(MK_TEXT, "if a<b and c>d then", "if a<b and c>d then");
  EXPECT(MK_MARKDOWN, "if a<b and c>d then", "if a<b and c>d then");
  EXPECT(MK_TEXT, "List<String> and Map<K, V>", "List<String> and Map<K, V>");
  EXPECT(MK_TEXT, "<unknown-tag>", "<unknown-tag>");
  EXPECT(MK_TEXT, "3 <= 4 and <-- arrow <!- not", "3 <= 4 and <-- arrow <!- not");
  EXPECT(MK_TEXT, "AT&T and R&D; Q&A", "AT&T and R&D; Q&A");
  EXPECT(MK_TEXT, "[not a link] and (aside)", "[not a link] and (aside)");
}

static void test_entities(void) {
  EXPECT(MK_TEXT, "fish &amp; chips", "fish & chips");
  EXPECT(MK_TEXT, "a&nbsp;b&nbsp;&nbsp;c", "a b c");
  /* Markup escaped once more (pads and HTML exports do it) shows markup, not words. */
  EXPECT(MK_TEXT, "&lt;br&gt; is a tag", "is a tag");
  EXPECT(MK_TEXT, "see &lt;iframe width=&quot;560&quot; src=&quot;x&quot;&gt;&lt;/iframe&gt; here", "see here");
  EXPECT(MK_TEXT, "a&amp;nbsp;b &amp;#160; c", "a b c");
  /* Not an element, or no end on the line: shown as text. */
  EXPECT(MK_TEXT, "x &lt;y and z&gt;w", "x <y and z>w");
  EXPECT(MK_TEXT, "&lt;br no end", "<br no end");
  EXPECT(MK_TEXT, "fish &amp;chips; ok", "fish &chips; ok");
  EXPECT(MK_TEXT, "caf&eacute; caf&#233; caf&#xE9; &#x4E2D;&#25991;", "caf\xC3\xA9 caf\xC3\xA9 caf\xC3\xA9 \xE4\xB8\xAD\xE6\x96\x87");
  EXPECT(MK_TEXT, "wait&hellip; &mdash; &rsquo;", "wait\xE2\x80\xA6 \xE2\x80\x94 \xE2\x80\x99");
  EXPECT(MK_TEXT, "&unknownentity; word", "word");
  EXPECT(MK_TEXT, "&amp fish &nbsp chips", "& fish chips");
  /* control characters, surrogates and out-of-range numbers never become line ends or NULs */
  char *s = clean(MK_TEXT, 0, "a&#10;b&#0;c&#xD800;d&#1114112;e&#128512;");
  CHECK(count_nl(s) == 0 && strlen(s) > 0);
  CHECK(strstr(s, "\xF0\x9F\x98\x80") != NULL);
  CHECK(utf8_valid_prefix(s, strlen(s)) == strlen(s));
  free(s);
}

static void test_links(void) {
  EXPECT(MK_TEXT, "see [the schedule](https://example.org/schedule \"Schedule\") now",
         "see the schedule now");
  EXPECT(MK_TEXT, "![logo](logo.png) ![Speaker photo](img/speaker.jpg) ![](x.gif)", "Speaker photo");
  EXPECT(MK_TEXT, "![Team Photo](/img/team-photo.JPG \"t\") ![team](img/Team.png)", "Team Photo");
  EXPECT(MK_TEXT, "[![Build status](https://ci.example.org/badge.svg)](https://ci.example.org)",
         "Build status");
  EXPECT(MK_TEXT, "a [reference link][1] and [another][]", "a reference link and another");
  EXPECT(MK_TEXT, "[1]: https://example.org/ref\ntext", "text");
  EXPECT(MK_TEXT, "[Wiki](https://en.wikipedia.org/wiki/Python_(programming_language)) end",
         "Wiki end");
  EXPECT(MK_TEXT, "\\[escaped\\] \\*stars\\*", "[escaped] *stars*");
}

static void test_code(void) {
  const char *md =
      "Intro paragraph.\n"
      "\n"
      "```python\n"
      "def foo(self): return self.bar\n"
      "```\n"
      "\n"
      "~~~\n"
      "tilde_fence_code()\n"
      "~~~\n"
      "\n"
      "    indented_code = 1\n"
      "    more_indented()\n"
      "\n"
      "Use `pip install topics` and ``a `tick` inside``.\n"
      "- item\n"
      "\n"
      "    list continuation paragraph\n";
  char *d = words(MK_MARKDOWN, 0, md);
  CHECK(strstr(d, "foo") == NULL && strstr(d, "python") == NULL && strstr(d, "tilde_fence") == NULL);
  CHECK(strstr(d, "indented_code") == NULL && strstr(d, "more_indented") == NULL);
  CHECK(strstr(d, "pip install topics") != NULL && strstr(d, "a `tick` inside") != NULL);
  CHECK(strstr(d, "`pip") == NULL);
  CHECK(strstr(d, "list continuation paragraph") != NULL); /* indented, but inside a list */
  CHECK(strstr(d, "Intro paragraph.") != NULL);
  free(d);
  char *k = words(MK_MARKDOWN, 1, md);
  CHECK(strstr(k, "def foo(self): return self.bar") != NULL);
  CHECK(strstr(k, "tilde_fence_code()") != NULL && strstr(k, "indented_code = 1") != NULL);
  CHECK(strstr(k, "```") == NULL && strstr(k, "python") == NULL); /* the fence lines still go */
  free(k);
  /* plain text has no indented code blocks: indentation is layout there */
  char *t = words(MK_TEXT, 0, "Para.\n\n    indented prose in a pad\n");
  CHECK_STREQ(t, "Para. indented prose in a pad");
  free(t);
  /* an unclosed backtick is text */
  EXPECT(MK_TEXT, "it's a `quote", "it's a `quote");
  /* a code span does not run over a blank line */
  EXPECT(MK_TEXT, "a `b\n\nc` d", "a `b c` d");
}

/* Lines are kept: the cleaned text has the same line ends, so line numbers stay right. */
static void test_lines_kept(void) {
  const char *in =
      "<div class=\"header\"\n     id=\"top\">\n"
      "<!-- a comment\nover three\nlines -->\n"
      "```\ncode\n```\n"
      "<script>\nvar a;\n</script>\n"
      "[link](http://x)\n"
      "last line";
  char *s = clean(MK_MARKDOWN, 0, in);
  CHECK(count_nl(s) == count_nl(in));
  CHECK(strstr(s, "last line") != NULL);
  const char *last = strrchr(s, '\n');
  CHECK(last && strcmp(last + 1, "last line") == 0);
  free(s);
}

/* A comment or <script> left open at the end of one call goes on in the next. */
static void test_across_calls(void) {
  const char *a = "kept one <!-- hidden\n", *b = "still hidden --> kept two\n";
  mk_reader *m = mk_new(MK_TEXT, 0);
  char buf[128];
  size_t n = strlen(a);
  memcpy(buf, a, n);
  n = mk_clean(m, buf, n);
  buf[n] = '\0';
  CHECK(strstr(buf, "kept one") && !strstr(buf, "hidden"));
  n = strlen(b);
  memcpy(buf, b, n);
  n = mk_clean(m, buf, n);
  buf[n] = '\0';
  CHECK(!strstr(buf, "hidden") && strstr(buf, "kept two"));
  /* a fence open at the end of a talk does not leak into the next one */
  mk_reset(m, MK_MARKDOWN);
  memcpy(buf, "```\n", 5);
  (void)mk_clean(m, buf, 4);
  mk_reset(m, MK_MARKDOWN);
  memcpy(buf, "plain words\n", 13);
  n = mk_clean(m, buf, 12);
  CHECK(n == 12 && memcmp(buf, "plain words\n", 12) == 0);
  mk_free(m);
}

static void test_titles(void) {
  char t1[] = "[Async IO](https://example.org/async) with <em>Python</em>&nbsp;3";
  size_t n = mk_clean_title(t1, strlen(t1), MK_MARKDOWN);
  t1[n] = '\0';
  CHECK_STREQ(t1, "Async IO with Python 3");
  char t2[] = "<br>";
  CHECK(mk_clean_title(t2, strlen(t2), MK_TEXT) == 0);
  CHECK(mk_kind_for_path("notes/pad.MD") == MK_MARKDOWN && mk_kind_for_path("a.markdown") == MK_MARKDOWN);
  CHECK(mk_kind_for_path("notes.md/pad.txt") == MK_TEXT && mk_kind_for_path("-") == MK_TEXT);
}

/* ---- the filter on split talks ----------------------------------------------------------- */

typedef struct date_sink {
  rs_sink rs;
  char dates[8][64];
} date_sink;

static topics_status ds_begin(void *ud, const rd_talk_info *ti) {
  date_sink *d = ud;
  if (d->rs.n < 8) snprintf(d->dates[d->rs.n], 64, "%s", ti->date ? ti->date : "(none)");
  return rs_begin(&d->rs, ti);
}
static topics_status ds_text(void *ud, const char *s, size_t n) { return rs_text(&((date_sink *)ud)->rs, s, n); }
static topics_status ds_end(void *ud) { return rs_end(&((date_sink *)ud)->rs); }

static const char pad[] =
    "---\n"
    "title: PyCon organisers, day 1\n"
    "date: 2023-09-02\n"
    "thumbnail: put a URL here\n"
    "---\n"
    "<!-- template: do not edit above -->\n"
    "\n"
    "## [Opening](https://example.org/opening) <br>\n"
    "\n"
    "![logo](logo.png)\n"
    "Welcome&nbsp;words from the chair, the sponsors and the volunteers who ran registration.\n"
    "<iframe width=\"560\" src=\"https://www.youtube.com/embed/abc\"></iframe>\n"
    "\n"
    "## Volunteers &amp; rooms\n"
    "\n"
    "```\n"
    "## not a heading: inside a fence\n"
    "def foo(self): return self.bar\n"
    "```\n"
    "Room captains need the <b>schedule</b> printed.\n";

static void test_filter_markdown(void) {
  date_sink d;
  memset(&d, 0, sizeof d);
  rd_sink inner = rs_make(&d.rs);
  inner.begin = ds_begin;
  inner.text = ds_text;
  inner.end = ds_end;
  inner.ud = &d;
  tfl_options o = {0, 1, 0};
  talk_filter *f = tfl_new(&inner, &o);
  CHECK(f != NULL);
  talk_file tf = {"notes/day1.md", "notes/day1.md", "day1.md", RD_SPLIT_AUTO};
  size_t n = 0;
  topics_status st = talk_split_mem(pad, strlen(pad), &tf, tfl_sink(f), &n);
  CHECK(st == TOPICS_OK && n == 2 && d.rs.n == 2);
  CHECK(d.rs.violations == 0);
  if (d.rs.n == 2) {
    CHECK_STREQ(d.rs.t[0].title, "Opening");
    CHECK_STREQ(d.rs.t[1].title, "Volunteers & rooms");
    CHECK(d.rs.t[0].line == 8 && d.rs.t[1].line == 14);
    CHECK_STREQ(d.dates[0], "2023-09-02");
    CHECK_STREQ(d.dates[1], "2023-09-02");
    const char *a = rs_text_of(&d.rs, 0), *b = rs_text_of(&d.rs, 1);
    CHECK(strstr(a, "Welcome words from the chair") != NULL);
    CHECK(!strstr(a, "logo") && !strstr(a, "iframe") && !strstr(a, "width") && !strstr(a, "nbsp") &&
          !strstr(a, "br") && !strstr(a, "https"));
    CHECK(!strstr(a, "thumbnail") && !strstr(a, "template"));
    CHECK(strstr(b, "Room captains need the schedule printed.") != NULL);
    CHECK(!strstr(b, "foo") && !strstr(b, "self"));
    /* each talk keeps its number of lines */
    rs_sink raw;
    rd_sink rsk = rs_make(&raw);
    size_t n2 = 0;
    CHECK(talk_split_mem(pad, strlen(pad), &tf, &rsk, &n2) == TOPICS_OK && raw.n == 2);
    CHECK(raw.n == 2 && count_nl(rs_text_of(&raw, 0)) == count_nl(a) &&
          count_nl(rs_text_of(&raw, 1)) == count_nl(b));
    rs_free(&raw);
  }
  tfl_free(f);
  rs_free(&d.rs);
}

static void test_filter_jsonl(void) {
  const char *jl =
      "{\"id\": \"a\", \"text\": \"Fast APIs<br><br>Learn <a href=\\\"https://example.org\\\">FastAPI</a> "
      "&amp; pydantic.\\n<p>Slides: ![slides](slides.png)</p>\"}\n"
      "{\"id\": \"b\", \"title\": \"<b>Typing</b> in practice\", \"text\": \"mypy &gt; nothing; x<y holds\"}\n";
  rs_sink k;
  rd_sink inner = rs_make(&k);
  tfl_options o = {0, 0, 0};
  talk_filter *f = tfl_new(&inner, &o);
  jsonl_file jf = {"talks.jsonl", "talks.jsonl"};
  size_t n = 0;
  CHECK(jsonl_read_mem(jl, strlen(jl), &jf, tfl_sink(f), &n, NULL) == TOPICS_OK);
  CHECK(k.n == 2 && k.violations == 0);
  if (k.n == 2) {
    const char *a = rs_text_of(&k, 0);
    CHECK(strstr(a, "Learn FastAPI & pydantic.") != NULL);
    CHECK(!strstr(a, "br") && !strstr(a, "href") && !strstr(a, "png") && !strstr(a, "<p>"));
    CHECK_STREQ(k.t[1].title, "Typing in practice");
    CHECK(strstr(rs_text_of(&k, 1), "mypy > nothing; x<y holds") != NULL);
  }
  tfl_free(f);
  rs_free(&k);
}

/* ---- the command on a realistic folder of organisers' notes ------------------------------- */

static void write_file(const char *path, const char *text) {
  FILE *fp = fopen(path, "w");
  CHECK(fp != NULL);
  if (!fp) return;
  fputs(text, fp);
  fclose(fp);
}

static const char *const SUBJECTS[] = {
    "Sponsors and the sponsor booth layout, invoices, logos on the badges, the sponsor dinner",
    "Volunteers rota for registration desk, session chairs, room captains and the cloakroom",
    "Venue catering, coffee breaks, vegetarian lunch counts, the conference dinner booking",
    "Talks selection committee, review scores, the call for proposals and speaker feedback",
    "Video recording crew, microphones, slides upload, streaming and captions for each room",
    "Financial aid grants, travel budget, visa letters and ticket discounts for students",
};

static void test_command(void) {
  char dir[] = "/tmp/topics-markup-XXXXXX";
  if (!mkdtemp(dir)) {
    CHECK(0);
    return;
  }
  char path[700], cmd[2048], notes[64];
  snprintf(notes, sizeof notes, "%s/notes", dir); /* the outputs go beside it, not into it */
  CHECK(mkdir(notes, 0700) == 0);
  for (int i = 0; i < 6; i++) {
    char text[8192];
    size_t o = 0;
    o += (size_t)snprintf(text + o, sizeof text - o,
                          "---\ntitle: Meeting %d\ndate: 2024-0%d-15\nthumbnail: put a URL here\n---\n"
                          "# Organisers meeting %d <br>\n\n"
                          "<iframe width=\"560\" height=\"315\" src=\"https://www.youtube.com/embed/v%d\"></iframe>\n"
                          "![logo](logo.png)<br>\n<!-- agenda template -->\n",
                          i + 1, i + 1, i + 1, i);
    for (int r = 0; r < 8; r++)
      o += (size_t)snprintf(text + o, sizeof text - o,
                            "- %s&nbsp;(round %d) <span style=\"background: yellow\">agreed</span>\n"
                            "  see [the notes](https://pad.example.org/%d/%d)<br>\n",
                            SUBJECTS[(i + r / 3) % 6], r, i, r);
    o += (size_t)snprintf(text + o, sizeof text - o,
                          "\n```python\ndef foo(self): return self.bar\n```\n");
    snprintf(path, sizeof path, "%s/meeting-%d.md", notes, i);
    write_file(path, text);
    if (i < 2) { /* saved twice by the pad's export */
      snprintf(path, sizeof path, "%s/meeting-%d (1).md", notes, i);
      write_file(path, text);
    }
  }
  snprintf(cmd, sizeof cmd, "'%s' '%s' -k 3 -q -f json -i 50 > '%s/out.json' 2> '%s/err.txt'",
           TOPICS_BINARY, notes, dir, dir);
  CHECK(system(cmd) == 0);
  snprintf(path, sizeof path, "%s/out.json", dir);
  size_t len;
  char *js = tu_slurp(path, &len);
  CHECK(js != NULL);
  if (js) {
    static const char *const MARKUP[] = {"\"br\"", "\"nbsp\"", "\"iframe\"", "\"width\"", "\"png\"",
                                         "\"http\"", "\"https\"", "\"logo\"", "\"background\"",
                                         "\"span\"", "\"self\"", "\"foo\"", "\"thumbnail\"", NULL};
    for (int i = 0; MARKUP[i]; i++) CHECK_MSG(strstr(js, MARKUP[i]) == NULL, "%s in the output", MARKUP[i]);
    CHECK(strstr(js, "\"documents\": 6,") != NULL);
    CHECK(strstr(js, "(1).md\", \"dropped\": [") != NULL || strstr(js, ".md\", \"dropped\": [") != NULL);
    CHECK(strstr(js, "\"date\": \"2024-03-15\"") != NULL);
    CHECK(strstr(js, "\"title\": \"Meeting 1\"") != NULL);
    free(js);
  }
  snprintf(path, sizeof path, "%s/err.txt", dir);
  char *err = tu_slurp(path, &len);
  CHECK(err && strstr(err, "2 talk(s) left out as copies") != NULL);
  free(err);
  /* --keep-duplicates keeps all 8 */
  snprintf(cmd, sizeof cmd, "'%s' '%s' -k 3 -q -f json -i 20 --keep-duplicates > '%s/out2.json' 2>/dev/null",
           TOPICS_BINARY, notes, dir);
  CHECK(system(cmd) == 0);
  snprintf(path, sizeof path, "%s/out2.json", dir);
  js = tu_slurp(path, &len);
  CHECK(js && strstr(js, "\"documents\": 8,") && strstr(js, "\"duplicates\": []"));
  free(js);
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  CHECK(system(cmd) == 0);
}

int main(void) {
  diag_set_stream(stderr);
  test_html();
  test_not_html();
  test_entities();
  test_links();
  test_code();
  test_lines_kept();
  test_across_calls();
  test_titles();
  test_filter_markdown();
  test_filter_jsonl();
  test_command();
  return check_done();
}
