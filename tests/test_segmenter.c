/* Unit tests of the segmenter: mixed lines, full-width forms, numbers and dates, protected spans,
 * emoji, merges, ill-formed UTF-8, empty and huge input; and the proof that the fast path gives
 * exactly ICU's spans (ASCII) and the general route's (ASCII and the non-ASCII characters of
 * seg_latin.c), on every short string over covering alphabets, on every character it knows in
 * many contexts, and on real talk text (../shared/data/talks-pyvideo.jsonl, when present); and
 * that packed spans (seg_pack.h) come back unchanged, at about a byte each for Chinese text. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>

#include "check.h"
#include "seg_reference.h"
#include "common/utf8.h"
#include "tokenize/seg_int.h"
#include "tokenize/seg_pack.h"
#include "tokenize/segmenter.h"

static segmenter *g_seg;
static seg_span *g_sp;
static size_t g_n, g_cap;

static int is_ws_byte(unsigned char c) { return c == ' ' || (c >= 9 && c <= 13); }

/* The contract: spans in order, not overlapping, inside the text, never empty, never starting or
 * ending in ASCII white space, and every non-white-space byte in some span. */
static int invariant_ok(const char *text, size_t len, const seg_span *sp, size_t n) {
  size_t pos = 0;
  for (size_t i = 0; i < n; i++) {
    if (sp[i].len == 0 || sp[i].start < pos || sp[i].start + sp[i].len > len) return 0;
    for (size_t k = pos; k < sp[i].start; k++) {
      unsigned cp;
      size_t m = utf8_decode((const unsigned char *)text + k, sp[i].start - k, &cp);
      /* Bytes between spans must be white space (ASCII or Unicode). */
      if (!(cp == ' ' || (cp >= 9 && cp <= 13) || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
            (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F ||
            cp == 0x205F || cp == 0x3000))
        return 0;
      k += m - 1;
    }
    if (is_ws_byte((unsigned char)text[sp[i].start]) ||
        is_ws_byte((unsigned char)text[sp[i].start + sp[i].len - 1]))
      return 0;
    pos = sp[i].start + sp[i].len;
  }
  for (size_t k = pos; k < len; k++)
    if (!is_ws_byte((unsigned char)text[k]) && (unsigned char)text[k] < 0x80) return 0;
  return 1;
}

/* Segments s and returns the spans joined by single spaces (static buffer). */
static const char *seg(const char *s) {
  static char out[4096];
  size_t len = strlen(s);
  g_n = 0;
  topics_status st = seg_run(g_seg, s, len, &g_sp, &g_n, &g_cap);
  CHECK_MSG(st == TOPICS_OK, "seg_run failed on %s", s);
  CHECK_MSG(invariant_ok(s, len, g_sp, g_n), "invariant broken on %s", s);
  size_t o = 0;
  for (size_t i = 0; i < g_n && o + g_sp[i].len + 2 < sizeof out; i++) {
    if (i) out[o++] = ' ';
    memcpy(out + o, s + g_sp[i].start, g_sp[i].len);
    o += g_sp[i].len;
  }
  out[o] = '\0';
  return out;
}

/* Kind of the span whose text is w in the last segmentation, or -1. */
static int kind_of(const char *text, const char *w) {
  size_t wl = strlen(w);
  for (size_t i = 0; i < g_n; i++)
    if (g_sp[i].len == wl && memcmp(text + g_sp[i].start, w, wl) == 0) return g_sp[i].kind;
  return -1;
}

static void test_mixed(void) {
  const char *t = "Ansible 是個很美妙的tool both for deployment and management";
  CHECK_STREQ(seg(t), "Ansible 是個 很 美妙 的 tool both for deployment and management");
  CHECK(kind_of(t, "Ansible") == SEG_WORD);
  CHECK(kind_of(t, "美妙") == SEG_IDEO);
  CHECK(kind_of(t, "tool") == SEG_WORD);
  /* glued: "tool" follows "的" with no space; "both" follows a space. */
  for (size_t i = 0; i < g_n; i++) {
    if (g_sp[i].len == 4 && memcmp(t + g_sp[i].start, "tool", 4) == 0) CHECK(g_sp[i].glued == 1);
    if (g_sp[i].len == 4 && memcmp(t + g_sp[i].start, "both", 4) == 0) CHECK(g_sp[i].glued == 0);
  }
  CHECK_STREQ(seg("[10:00][R1] When programming functionally in Python (Apua Juan)"),
              "[ 10 : 00 ] [ R1 ] When programming functionally in Python ( Apua Juan )");
  CHECK_STREQ(seg("日本語のテキストとEnglish"), "日本語 の テキスト と English");
  CHECK_STREQ(seg("Don't split it's or 1,000.50 or e.g. or U.S.A."),
              "Don't split it's or 1,000.50 or e.g . or U.S.A .");
}

static void test_fullwidth(void) {
  /* Full-width letters and digits hold together; U+3000 IDEOGRAPHIC SPACE is white space. */
  const char *t = "ＰｙＣｏｎ　ＡＰＡＣ　２０１５年，Ｐｙｔｈｏｎ３";
  CHECK_STREQ(seg(t), "ＰｙＣｏｎ ＡＰＡＣ ２０１５年 ， Ｐｙｔｈｏｎ３");
  CHECK(kind_of(t, "ＰｙＣｏｎ") == SEG_WORD);
  CHECK(kind_of(t, "２０１５年") == SEG_NUMBER);
  CHECK(kind_of(t, "，") == SEG_PUNCT);
  CHECK_STREQ(seg("１．５亿元，增长３５．６％"), "１．５亿元 ， 增长 ３５．６％");
}

static void test_numbers_dates(void) {
  CHECK_STREQ(seg("2024年3月15日发布"), "2024年 3月 15日 发布");
  CHECK_STREQ(seg("二○○一年十二月三十一日"), "二○○一年 十二月 三十一日");
  CHECK_STREQ(seg("去年增长了50%，今年是百分之五十"), "去年 增长 了 50% ， 今年 是 百分之五十");
  CHECK_STREQ(seg("第三季度和第21届"), "第三 季度 和 第21 届");
  /* ICU cuts these numbers in two (第十 五届, 三 十五岁); the numerals go back to the number */
  CHECK_STREQ(seg("第十五届运动会"), "第十五 届 运动 会");
  CHECK_STREQ(seg("他今年三十五岁"), "他 今年 三十五 岁");
  CHECK_STREQ(seg("一九九八年"), "一九九八年");
  CHECK_STREQ(seg("他来了3次"), "他 来 了 3次");
  CHECK(kind_of("他来了3次", "3次") == SEG_NUMBER);
  CHECK_STREQ(seg("Python3 H200 ICU72 3.14 v2.0"), "Python3 H200 ICU72 3.14 v2.0");
  CHECK(kind_of("Python3 H200 ICU72 3.14 v2.0", "Python3") == SEG_WORD);
  CHECK(kind_of("Python3 H200 ICU72 3.14 v2.0", "3.14") == SEG_NUMBER);
  /* A number with a typographic apostrophe and underscores is a number on both routes: alone (the
   * fast path) and glued to Chinese (ICU, whose status for it is "letter"; fuzz_fastpath). */
  const char *apos = "1\xE2\x80\x99" "0__ 中1\xE2\x80\x99" "0__";
  CHECK_STREQ(seg(apos), "1\xE2\x80\x99" "0__ 中 1\xE2\x80\x99" "0__");
  CHECK(g_n == 3 && g_sp[0].kind == SEG_NUMBER && g_sp[2].kind == SEG_NUMBER);
  /* Words of ICU's dictionary that begin with a numeral stay as they are. */
  CHECK_STREQ(seg("结果一样，一些人万一不来"), "结果 一样 ， 一些 人 万一 不 来");
  /* Traditional text follows the Taiwan/UD convention: numeral and unit apart ... */
  CHECK_STREQ(seg("這個國家在2009年5月成立"), "這個 國家 在 2009 年 5 月 成立");
  /* ... but magnitudes, percentages and ordinals are one word in every convention. */
  CHECK_STREQ(seg("這個國家人口20萬，佔12.3%，排第6"), "這個 國家 人口 20萬 ， 佔 12.3% ， 排 第6");
}

static void test_punct_runs(void) {
  CHECK_STREQ(seg("他说——好吧……走了..."), "他 说 —— 好吧 …… 走了 ...");
  CHECK(kind_of("他说——好吧……走了...", "——") == SEG_PUNCT);
  CHECK_STREQ(seg("wow!!! really??"), "wow !!! really ??");
  /* Brackets and quotes never merge. */
  CHECK_STREQ(seg("f(g(x)) 「「引」」"), "f ( g ( x ) ) 「 「 引 」 」");
}

/* One unit written reps times in a malloc'd buffer (caller frees); *len gets its length. */
static char *repeat(const char *unit, size_t reps, size_t *len) {
  size_t ul = strlen(unit);
  char *buf = malloc(ul * reps + 1);
  if (!buf) return NULL;
  for (size_t i = 0; i < reps; i++) memcpy(buf + i * ul, unit, ul);
  buf[ul * reps] = '\0';
  *len = ul * reps;
  return buf;
}

/* About 100 KB of one symbol: a mark that may not run together stays one span per character, one
 * that may becomes a single span, and the scan for runs looks at each span a bounded number of
 * times (it used to rescan the rest of the run from every span: quadratic). */
static void test_degenerate_runs(void) {
  static const struct {
    const char *unit;
    int merges;
  } cases[] = {{"#", 0}, {"（", 0}, {"「", 0}, {"€", 0}, {"★", 0}, {"■", 0}, {"😀", 0},
               {"¥", 0}, {"👩‍💻", 0}, {"○", 0}, {"-", 1}, {".", 1}, {"。", 1}, {"…", 1},
               {"!", 1}, {"_", 1}};
  for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
    size_t ul = strlen(cases[c].unit), reps = 100000 / ul, len;
    char *buf = repeat(cases[c].unit, reps, &len);
    CHECK(buf != NULL);
    if (!buf) return;
    g_n = 0;
    size_t work0 = seg_scan_work;
    CHECK(seg_run(g_seg, buf, len, &g_sp, &g_n, &g_cap) == TOPICS_OK);
    size_t work = seg_scan_work - work0;
    CHECK_MSG(invariant_ok(buf, len, g_sp, g_n), "invariant broken on a run of %s",
              cases[c].unit);
    size_t want_n = cases[c].merges ? 1 : reps, bad = 0;
    for (size_t i = 0; i < g_n; i++) {
      size_t want_len = cases[c].merges ? len : ul;
      if (g_sp[i].len != want_len || g_sp[i].kind != SEG_PUNCT) bad++;
    }
    CHECK_MSG(g_n == want_n && bad == 0, "%zu spans (%zu wrong) for %zu of %s", g_n, bad, reps,
              cases[c].unit);
    CHECK_MSG(work <= 2 * reps, "run scan looked at %zu spans for a run of %zu %s", work, reps,
              cases[c].unit);
    free(buf);
  }
  /* A URL followed by 100000 closing brackets: the URL loses every unmatched one, each checked
   * once rather than by recounting the URL's brackets. */
  size_t len;
  char *tail = repeat(")", 100000, &len);
  char *buf = tail ? malloc(len + 9) : NULL;
  CHECK(buf != NULL);
  if (!buf) {
    free(tail);
    return;
  }
  memcpy(buf, "http://a", 8);
  memcpy(buf + 8, tail, len + 1);
  g_n = 0;
  size_t work0 = seg_scan_work;
  CHECK(seg_run(g_seg, buf, len + 8, &g_sp, &g_n, &g_cap) == TOPICS_OK);
  size_t work = seg_scan_work - work0;
  CHECK(g_n == len + 1 && g_sp[0].kind == SEG_PROTECTED && g_sp[0].len == 8);
  CHECK(g_n > 1 && g_sp[g_n - 1].len == 1 && buf[g_sp[g_n - 1].start] == ')');
  CHECK_MSG(work <= 4 * (len + 8), "URL end scan looked at %zu bytes for %zu", work, len + 8);
  free(buf);
  free(tail);
}

static void test_protected(void) {
  const char *t = "see https://github.com/foo/bar). and www.example.org/x?y=1, ok";
  CHECK_STREQ(seg(t), "see https://github.com/foo/bar ) . and www.example.org/x?y=1 , ok");
  CHECK(kind_of(t, "https://github.com/foo/bar") == SEG_PROTECTED);
  CHECK(kind_of(t, "www.example.org/x?y=1") == SEG_PROTECTED);
  CHECK_STREQ(seg("(https://en.wikipedia.org/wiki/Foo_(bar))"),
              "( https://en.wikipedia.org/wiki/Foo_(bar) )");
  CHECK_STREQ(seg("請看https://pycon.tw/2015。謝謝"), "請看 https://pycon.tw/2015 。 謝謝");
  CHECK_STREQ(seg("ftp://files.example.net/a.tar.gz."), "ftp://files.example.net/a.tar.gz .");
  const char *m = "mail first.last+tag@mail.example.com. or me@x.org";
  CHECK_STREQ(seg(m), "mail first.last+tag@mail.example.com . or me@x.org");
  CHECK(kind_of(m, "me@x.org") == SEG_PROTECTED);
  const char *h = "thanks @pycon_tw and (@guido)! 感謝@小明 #機器學習 #PyConAPAC2015, #1 C# ### Title";
  CHECK_STREQ(seg(h), "thanks @pycon_tw and ( @guido ) ! 感謝 @ 小明 #機器學習 #PyConAPAC2015 , # 1 C "
                      "# # # # Title");
  CHECK(kind_of(h, "@pycon_tw") == SEG_PROTECTED);
  CHECK(kind_of(h, "#機器學習") == SEG_PROTECTED);
  CHECK(kind_of(h, "#PyConAPAC2015") == SEG_PROTECTED);
  /* Not protected: a scheme alone, "foo@bar" without a domain, a URL-looking word. */
  CHECK_STREQ(seg("http: or http:// or foo@bar or www"), "http : or http : / / or foo@bar or www");
}

static void test_emoji(void) {
  const char *t = "讚😀👍🏽 👨‍👩‍👧 🇹🇼🇯🇵 ok";
  CHECK_STREQ(seg(t), "讚 😀 👍🏽 👨‍👩‍👧 🇹🇼 🇯🇵 ok");
  CHECK(kind_of(t, "👨‍👩‍👧") == SEG_PUNCT);
  CHECK(kind_of(t, "🇹🇼") == SEG_PUNCT);
}

static void test_odd_input(void) {
  CHECK_STREQ(seg(""), "");
  CHECK(g_n == 0);
  CHECK_STREQ(seg("  \t\r\n \xe3\x80\x80 \xc2\xa0 "), "");
  CHECK(g_n == 0);
  /* Ill-formed UTF-8 passed straight in: no crash, every byte covered, bad bytes in spans. */
  const char bad[] = "abc\xff\xfe中文\xc3 \xe4\xb8 x\xed\xa0\x80y \xf4\x90\x80\x80";
  g_n = 0;
  CHECK(seg_run(g_seg, bad, sizeof bad - 1, &g_sp, &g_n, &g_cap) == TOPICS_OK);
  CHECK(invariant_ok(bad, sizeof bad - 1, g_sp, g_n));
  size_t covered = 0;
  for (size_t i = 0; i < g_n; i++) covered += g_sp[i].len;
  CHECK(covered == sizeof bad - 1 - 3); /* all but the three spaces */
  /* NUL bytes are characters like any other. */
  const char nul[] = "a\0b";
  g_n = 0;
  CHECK(seg_run(g_seg, nul, 3, &g_sp, &g_n, &g_cap) == TOPICS_OK);
  CHECK(invariant_ok(nul, 3, g_sp, g_n) && g_n == 3);
  /* Appending: spans of a second call follow the first call's, and the first of them is not
   * glued to the earlier text. */
  g_n = 0;
  CHECK(seg_run(g_seg, "ab", 2, &g_sp, &g_n, &g_cap) == TOPICS_OK);
  CHECK(seg_run(g_seg, "cd", 2, &g_sp, &g_n, &g_cap) == TOPICS_OK);
  CHECK(g_n == 2 && g_sp[1].glued == 0);
  CHECK(seg_run(g_seg, NULL, 0, &g_sp, &g_n, &g_cap) == TOPICS_OK);
  seg_free(NULL);
}

static void test_long_line(void) {
  /* 5 MB without a newline: a mix, then a stretch of Chinese with no white space at all. */
  const char *pieces[] = {"中文資料處理", "tool ", "2024年3月", "https://x.org/a ", "——", "😀", "a.b "};
  size_t len = 5u << 20, o = 0, k = 0;
  char *buf = malloc(len + 16);
  CHECK(buf != NULL);
  if (!buf) return;
  while (o < len / 2) {
    const char *p = pieces[k++ % 7];
    size_t pl = strlen(p);
    memcpy(buf + o, p, pl);
    o += pl;
  }
  while (o + 30 <= len) {
    memcpy(buf + o, "我們今天討論機器學習", 30);
    o += 30;
  }
  g_n = 0;
  CHECK(seg_run(g_seg, buf, o, &g_sp, &g_n, &g_cap) == TOPICS_OK);
  CHECK(invariant_ok(buf, o, g_sp, g_n));
  CHECK(g_n > o / 16);
  free(buf);
}

/* Compares the fast path with ICU on text[a..b) (pure ASCII, no white space). */
static int same_as_icu(const char *text, size_t a, size_t b) {
  static seg_span *x, *y;
  static size_t cx, cy;
  size_t nx = 0, ny = 0;
  if (!text) {
    free(x);
    free(y);
    x = y = NULL;
    cx = cy = 0;
    return 1;
  }
  if (seg_icu_spans(g_seg, text, a, b, &x, &nx, &cx, 0) != TOPICS_OK) return 0;
  if (seg_ascii_spans(text, a, b, &y, &ny, &cy, 0) != TOPICS_OK) return 0;
  return sr_same(x, nx, y, ny);
}

static void test_fast_path_exhaustive(void) {
  /* Every string up to length 4 over characters of every ASCII word-break class, and every
   * string up to length 2 over all printable ASCII. */
  const char *alpha = "aZ9_.',;:@#-/\"";
  size_t na = strlen(alpha);
  char buf[8];
  long bad = 0, total = 0;
  for (int len = 1; len <= 4; len++) {
    long count = 1;
    for (int k = 0; k < len; k++) count *= (long)na;
    for (long v = 0; v < count; v++) {
      long w = v;
      for (int k = 0; k < len; k++, w /= (long)na) buf[k] = alpha[w % (long)na];
      total++;
      if (!same_as_icu(buf, 0, (size_t)len) && bad++ < 5)
        fprintf(stderr, "fast path differs from ICU on \"%.*s\"\n", len, buf);
    }
  }
  for (int c1 = 33; c1 < 127; c1++)
    for (int c2 = 32; c2 < 127; c2++) {
      buf[0] = (char)c1;
      buf[1] = (char)c2;
      size_t len = c2 == 32 ? 1 : 2;
      total++;
      if (!same_as_icu(buf, 0, len) && bad++ < 5)
        fprintf(stderr, "fast path differs from ICU on \"%.*s\"\n", (int)len, buf);
    }
  CHECK_MSG(bad == 0, "%ld of %ld strings differ", bad, total);
}

/* Real text: every ASCII chunk of the first lines of the talks file; and for whole ASCII lines,
 * ICU over the whole line against the fast path chunk by chunk (white space is a boundary). */
static int test_fast_path_real(void) {
  const char *path = TOPICS_SHARED_DIR "/data/talks-pyvideo.jsonl";
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "skipping the real-text fast path check: %s is absent\n", path);
    return 0;
  }
  char *line = NULL;
  size_t lcap = 0, bytes = 0;
  long chunks = 0, bad = 0, lines = 0;
  ssize_t got;
  seg_span *x = NULL, *y = NULL;
  size_t cx = 0, cy = 0;
  while (bytes < (3u << 20) && (got = getline(&line, &lcap, f)) > 0) {
    size_t len = (size_t)got;
    bytes += len;
    int ascii = 1;
    for (size_t i = 0; i < len; i++) ascii &= (unsigned char)line[i] < 0x80;
    size_t nx = 0, ny = 0;
    if (ascii) {
      lines++;
      if (seg_icu_spans(g_seg, line, 0, len, &x, &nx, &cx, 0) != TOPICS_OK) bad++;
    }
    for (size_t i = 0; i < len;) {
      while (i < len && is_ws_byte((unsigned char)line[i])) i++;
      size_t a = i, hi = 0;
      while (i < len && !is_ws_byte((unsigned char)line[i])) hi |= (unsigned char)line[i++] >= 0x80;
      if (i == a || hi) continue;
      chunks++;
      if (!same_as_icu(line, a, i) && bad++ < 5)
        fprintf(stderr, "fast path differs from ICU on \"%.*s\"\n", (int)(i - a), line + a);
      if (ascii) seg_ascii_spans(line, a, i, &y, &ny, &cy, 0);
    }
    if (ascii) {
      int same = nx == ny;
      for (size_t i = 0; same && i < nx; i++)
        same = x[i].start == y[i].start && x[i].len == y[i].len && x[i].kind == y[i].kind;
      if (!same && bad++ < 5) fprintf(stderr, "whole-line ICU differs on: %.80s\n", line);
    }
  }
  free(line);
  free(x);
  free(y);
  fclose(f);
  CHECK_MSG(chunks > 100000, "only %ld chunks checked", chunks);
  CHECK_MSG(bad == 0, "%ld differences in %ld chunks, %ld lines", bad, chunks, lines);
  printf("fast path = ICU on %ld ASCII chunks and %ld whole ASCII lines of real text\n", chunks,
         lines);
  return 1;
}

/* The reference route for seg_run (seg_reference.h): the general route, chunk by chunk. */
static topics_status reference_run(const char *text, size_t len, seg_span **sp, size_t *n,
                                   size_t *cap) {
  return sr_reference_run(g_seg, text, len, sp, n, cap);
}

/* seg_run against the reference route on the first lines of a file of real text (only lines that
 * hold must_contain, when not NULL). */
static void compare_with_reference(const char *path, size_t max_bytes, const char *must_contain) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "skipping the seg_run/reference check on %s: absent\n", path);
    return;
  }
  char *line = NULL;
  size_t lcap = 0, bytes = 0, nx = 0, ny = 0, cx = 0, cy = 0;
  seg_span *x = NULL, *y = NULL;
  long lines = 0, bad = 0;
  ssize_t got;
  while (bytes < max_bytes && (got = getline(&line, &lcap, f)) > 0) {
    size_t len = (size_t)got;
    if (must_contain && !strstr(line, must_contain)) continue;
    bytes += len;
    lines++;
    nx = ny = 0;
    if (seg_run(g_seg, line, len, &x, &nx, &cx) != TOPICS_OK ||
        reference_run(line, len, &y, &ny, &cy) != TOPICS_OK) {
      bad++;
      continue;
    }
    int same = nx == ny;
    for (size_t i = 0; same && i < nx; i++)
      same = x[i].start == y[i].start && x[i].len == y[i].len && x[i].kind == y[i].kind &&
             x[i].glued == y[i].glued;
    if (!same && bad++ < 5) fprintf(stderr, "seg_run differs from the reference on: %.100s\n", line);
  }
  free(line);
  free(x);
  free(y);
  fclose(f);
  CHECK_MSG(bad == 0, "%ld of %ld lines of %s differ", bad, lines, path);
  printf("seg_run = reference route on %ld lines of %s\n", lines, path);
}

/* Generated ASCII text: random words, numbers, separators and punctuation. */
static void test_fast_path_random(void) {
  static const char *parts[] = {"the", "Python3", "3.14", "1,000", "a.b", "don't", "_x", "x_",
                                "@", "#", ":", ";", ".", ",", "'", "-", "/", "(", ")", "\"",
                                "42", "e.g.", "U.S.", "ICU72", "__init__", "a@b.c", "1'000"};
  unsigned long r = 12345;
  char buf[64];
  long bad = 0;
  for (int t = 0; t < 100000; t++) {
    size_t o = 0;
    int np = 1 + (int)(r % 5);
    for (int k = 0; k < np; k++) {
      r = r * 6364136223846793005UL + 1442695040888963407UL;
      const char *p = parts[(r >> 33) % (sizeof parts / sizeof *parts)];
      size_t pl = strlen(p);
      memcpy(buf + o, p, pl);
      o += pl;
    }
    if (!same_as_icu(buf, 0, o) && bad++ < 5)
      fprintf(stderr, "fast path differs from ICU on \"%.*s\"\n", (int)o, buf);
  }
  CHECK_MSG(bad == 0, "%ld generated strings differ", bad);
}

/* The fast path as seg_run uses it over text[0..len), then the merges: 1 when it takes the whole
 * text (spans in *sp), 0 when it hands a chunk back, -1 on failure. */
static int fast_run(const char *text, size_t len, seg_span **sp, size_t *n, size_t *cap) {
  size_t stop;
  *n = 0;
  if (seg_ascii_scan(text, 0, len, sp, n, cap, 0, &stop) != TOPICS_OK) return -1;
  if (stop != len) return 0;
  seg_merge(text, len, *sp, 0, n);
  return 1;
}

/* Compares seg_run and, when it takes the text, the fast path alone with the general route on
 * text[0..len). Returns 1 when all agree; *taken gets whether the fast path took it all. */
static int same_as_general(const char *text, size_t len, int *taken) {
  static seg_span *r, *x, *y;
  static size_t cr, cx, cy;
  size_t nr = 0, nx = 0, ny = 0;
  if (!text) {
    free(r);
    free(x);
    free(y);
    r = x = y = NULL;
    cr = cx = cy = 0;
    return 1;
  }
  if (reference_run(text, len, &r, &nr, &cr) != TOPICS_OK) return 0;
  if (seg_run(g_seg, text, len, &x, &nx, &cx) != TOPICS_OK || !sr_same(x, nx, r, nr)) return 0;
  int f = fast_run(text, len, &y, &ny, &cy);
  if (taken) *taken = f == 1;
  return f == 0 || (f == 1 && sr_same(y, ny, r, nr));
}

/* The class seg_latin_char gives cp, or SEG_B_STOP. */
static unsigned latin_class(unsigned cp) {
  char b[4];
  size_t n = utf8_encode(cp, b), k;
  unsigned c = seg_latin_char((const unsigned char *)b, 0, n, &k);
  CHECK_MSG(c == SEG_B_STOP || k == n, "U+%04X: length %zu, want %zu", cp, k, n);
  return c;
}

/* Every non-ASCII character the fast path knows has the class ICU's Word_Break property gives it:
 * letters are ALetter (and alphabetic, for the kind), ‘ ’ MidNumLet, · MidLetter, the marks that
 * are segments of their own Other. And the characters the task names are all known. */
static void test_latin_classes(void) {
  long known = 0, bad = 0;
  for (unsigned cp = 0x80; cp < 0x3000; cp++) {
    if (cp == 0x800) cp = 0x2000; /* the three-byte characters known all lie in U+2000..U+2FFF */
    unsigned c = latin_class(cp);
    if (c == SEG_B_STOP) continue;
    known++;
    int wb = u_getIntPropertyValue((UChar32)cp, UCHAR_WORD_BREAK), ok;
    if (c == (SEG_B_AL | SEG_B_LETTER))
      ok = wb == U_WB_ALETTER && u_isalpha((UChar32)cp);
    else if (c == (SEG_B_MIDLET | SEG_B_MIDNUM))
      ok = wb == U_WB_MIDNUMLET;
    else if (c == SEG_B_MIDLET)
      ok = wb == U_WB_MIDLETTER;
    else
      ok = c == 0 && wb == U_WB_OTHER;
    if (!ok && bad++ < 5) fprintf(stderr, "U+%04X: class %u, Word_Break %d\n", cp, c, wb);
  }
  CHECK_MSG(bad == 0, "%ld of %ld known characters disagree with ICU", bad, known);
  for (unsigned cp = 0xC0; cp <= 0x24F; cp++)
    if (cp != 0xD7 && cp != 0xF7) CHECK_MSG(latin_class(cp) & SEG_B_LETTER, "U+%04X", cp);
  for (unsigned cp = 0x400; cp <= 0x4FF; cp++)
    if (cp < 0x482 || cp > 0x489) CHECK_MSG(latin_class(cp) & SEG_B_LETTER, "U+%04X", cp);
  static const unsigned marks[] = {0x2018, 0x2019, 0x201C, 0x201D, 0x2013,
                                   0x2014, 0x2026, 0xAB,   0xBB};
  for (size_t i = 0; i < sizeof marks / sizeof *marks; i++)
    CHECK_MSG(latin_class(marks[i]) != SEG_B_STOP, "U+%04X", marks[i]);
  /* Left to the general route: combining marks, ×, NBSP, soft hyphen, ZWSP, NNBSP, emoji parts. */
  static const unsigned bail[] = {0x301, 0x483, 0x489, 0xD7, 0xF7, 0xA0, 0xAD, 0x200B, 0x202F,
                                  0x2028, 0x200D, 0x2B50, 0x20AC};
  for (size_t i = 0; i < sizeof bail / sizeof *bail; i++)
    CHECK_MSG(latin_class(bail[i]) == SEG_B_STOP, "U+%04X", bail[i]);
  /* Ill-formed UTF-8 is never known. */
  size_t k;
  CHECK(seg_latin_char((const unsigned char *)"\xC3", 0, 1, &k) == SEG_B_STOP);
  CHECK(seg_latin_char((const unsigned char *)"\xC3x", 0, 2, &k) == SEG_B_STOP);
  CHECK(seg_latin_char((const unsigned char *)"\xE2\x80", 0, 2, &k) == SEG_B_STOP);
  CHECK(seg_latin_char((const unsigned char *)"\xC0\xA9", 0, 2, &k) == SEG_B_STOP);
  CHECK(seg_latin_char((const unsigned char *)"\xA9", 0, 1, &k) == SEG_B_STOP);
  printf("%ld non-ASCII characters known to the fast path, all as ICU classes them\n", known);
}

/* Every known character in many contexts: seg_run and the fast path against the general route. */
static void test_latin_contexts(void) {
  static const char *ctx[] = {
      "X", "XX", "XXX", "aX", "Xa", "aXb", "1X2", "1X", "X1", "aX1", "1Xa", "a.X", "X.a", "X'a",
      "a'X", "1'X", "X'1", "X,1", "1,X", "_X_", "X_", "_X", "X\xE2\x80\x94", "\xE2\x80\x94X",
      "(X)", "X.", ".X", "X..", "aX.b", "a\xE2\x80\x99X", "X\xE2\x80\x99" "a", "1\xE2\x80\x99X",
      "X\xE2\x80\x99\xE2\x80\x99" "a", "X:", "X://x.org", "X@x.org", "@X", "#X", "X#a",
      "Xwww.x.org", "X_www.x", "X'www.x", "www.X", "X X", "X\xCC\x81", "\xCC\x81X", "X\xC3\x97",
      "X\xC2\xA0" "a", "X\xE4\xB8\xAD", "a\xC2\xB7X", "X\xC2\xB7" "a", "1\xC2\xB7X",
      "X\xE2\x80\xA6\xE2\x80\xA6", "\xE2\x80\x9CX\xE2\x80\x9D", "3X%", "X3%", "Python3X", "X-X",
      "X\xD0\x96", "\xC3\xA9X\xC3\xA9", "X1.5", "1.5X", "a.b.X", "XX.XX", "\xD0\x96'X"};
  char buf[64];
  long total = 0, taken = 0, bad = 0;
  for (unsigned cp = 0x80; cp < 0x3000; cp++) {
    if (cp == 0x800) cp = 0x2000;
    if (latin_class(cp) == SEG_B_STOP) continue;
    char ch[4];
    size_t cl = utf8_encode(cp, ch);
    for (size_t t = 0; t < sizeof ctx / sizeof *ctx; t++) {
      size_t o = 0;
      for (const char *c = ctx[t]; *c; c++) {
        if (*c == 'X') {
          memcpy(buf + o, ch, cl);
          o += cl;
        } else {
          buf[o++] = *c;
        }
      }
      int tk;
      total++;
      if (!same_as_general(buf, o, &tk) && bad++ < 5)
        fprintf(stderr, "differs from the general route on \"%.*s\" (U+%04X)\n", (int)o, buf, cp);
      taken += tk;
    }
  }
  /* A URL may start inside an ASCII word after '_' or '\'': the fast path hands such chunks
   * back. */
  static const char *www[] = {"_www.x.org", "a'www.x.org", "x _www.x y", "a_b'www.c", "__www.x",
                              "a'Www.x", "don't www.x", "1_www.2"};
  for (size_t t = 0; t < sizeof www / sizeof *www; t++) {
    total++;
    if (!same_as_general(www[t], strlen(www[t]), NULL) && bad++ < 5)
      fprintf(stderr, "differs from the general route on \"%s\"\n", www[t]);
  }
  CHECK_MSG(bad == 0, "%ld of %ld strings differ", bad, total);
  CHECK_MSG(taken > total / 2, "the fast path took only %ld of %ld strings", taken, total);
  printf("fast path = general route on %ld strings of known characters in context (%ld taken)\n",
         total, taken);
}

/* Every string of up to 4 characters over one character of each class: ASCII word-break classes,
 * each kind of non-ASCII character the fast path knows, and characters it leaves to the general
 * route (combining acute, ×, NBSP, 中), plus a space. */

typedef struct exhaust_count {
  long total, taken, bad;
} exhaust_count;

static void exhaust_one(void *ud, const char *s, size_t len) {
  exhaust_count *c = ud;
  int tk;
  c->total++;
  if (!same_as_general(s, len, &tk) && c->bad++ < 5)
    fprintf(stderr, "differs from the general route on \"%.*s\"\n", (int)len, s);
  c->taken += tk;
}

static void test_latin_exhaustive(void) {
  static const char *alpha[] = {"a", "9", "_", ".", "'", ",", ":", "@", "#", "-", "/", " ",
                                "\xC3\xA9", "\xD0\x96", "\xE2\x80\x99", "\xE2\x80\x9C",
                                "\xE2\x80\x94", "\xE2\x80\xA6", "\xC2\xB7", "\xCC\x81",
                                "\xC3\x97", "\xC2\xA0", "\xE4\xB8\xAD"};
  enum { NA = sizeof alpha / sizeof *alpha };
  exhaust_count c = {0, 0, 0};
  sr_each_string(alpha, NA, 4, exhaust_one, &c);
  long total = c.total, taken = c.taken, bad = c.bad;
  CHECK_MSG(bad == 0, "%ld of %ld strings differ", bad, total);
  CHECK(taken > total / 10);
  printf("fast path = general route on all %ld strings of up to 4 characters (%ld taken)\n", total,
         taken);
}

/* Real text, the whole talks file: every chunk the fast path takes against the general route on
 * that chunk, and seg_run against the general route on every line holding a non-ASCII byte. */
static void test_latin_real(void) {
  const char *path = TOPICS_SHARED_DIR "/data/talks-pyvideo.jsonl";
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "skipping the real-text fast path check on the whole file: %s is absent\n",
            path);
    return;
  }
  char *line = NULL;
  size_t lcap = 0, cx = 0, cy = 0;
  seg_span *x = NULL, *y = NULL;
  long chunks = 0, hi_chunks = 0, hi_taken = 0, hi_lines = 0, bad = 0;
  ssize_t got;
  while ((got = getline(&line, &lcap, f)) > 0) {
    size_t len = (size_t)got;
    int hi_line = 0;
    for (size_t i = 0; i < len;) {
      while (i < len && is_ws_byte((unsigned char)line[i])) i++;
      size_t a = i;
      int hi = 0;
      while (i < len && !is_ws_byte((unsigned char)line[i])) hi |= (unsigned char)line[i++] >= 0x80;
      if (i == a) continue;
      size_t nx = 0, ny = 0;
      chunks++;
      hi_chunks += hi;
      hi_line |= hi;
      int f1 = fast_run(line + a, i - a, &y, &ny, &cy);
      if (f1 != 1) continue;
      hi_taken += hi;
      if ((reference_run(line + a, i - a, &x, &nx, &cx) != TOPICS_OK || !sr_same(x, nx, y, ny)) &&
          bad++ < 5)
        fprintf(stderr, "fast path differs from the general route on \"%.*s\"\n", (int)(i - a),
                line + a);
    }
    if (hi_line) {
      hi_lines++;
      if (!same_as_general(line, len, NULL) && bad++ < 5)
        fprintf(stderr, "seg_run differs from the general route on: %.100s\n", line);
    }
  }
  free(line);
  free(x);
  free(y);
  fclose(f);
  CHECK_MSG(bad == 0, "%ld differences", bad);
  CHECK_MSG(hi_taken > hi_chunks / 2, "fast path took %ld of %ld non-ASCII chunks", hi_taken,
            hi_chunks);
  printf("fast path = general route on %ld chunks (%ld of %ld non-ASCII chunks taken); seg_run = "
         "general route on %ld non-ASCII lines\n",
         chunks, hi_taken, hi_chunks, hi_lines);
}

/* Packs sp[0..n) and checks that it unpacks to the same spans from the bytes seg_pack_size gave;
 * returns the packed size. */
static size_t pack_round_trip(const seg_span *sp, size_t n) {
  size_t bytes = seg_pack_size(sp, n);
  uint8_t *buf = malloc(bytes + 1);
  seg_span *back = malloc((n + 1) * sizeof *back);
  CHECK(buf != NULL && back != NULL);
  if (!buf || !back) {
    free(buf);
    free(back);
    return 0;
  }
  buf[bytes] = 0xA5; /* must stay: nothing is written past the size given */
  seg_pack(sp, n, buf);
  CHECK(buf[bytes] == 0xA5);
  CHECK(seg_unpack(buf, n, back) == bytes);
  CHECK(sr_same(sp, n, back, n));
  free(buf);
  free(back);
  return bytes;
}

static void test_pack(void) {
  /* Lengths and white space on both sides of each varint byte boundary, every kind, both glues. */
  static const size_t lens[] = {1, 6, 7, 8, 127, 128, 16383, 16384, (size_t)1 << 21};
  static const size_t gaps[] = {0, 1, 127, 128, 16384, 300000};
  seg_span sp[64];
  size_t n = 0, pos = 0;
  for (size_t i = 0; i < sizeof lens / sizeof *lens; i++) {
    for (size_t j = 0; j < sizeof gaps / sizeof *gaps; j++) {
      pos += gaps[j];
      sp[n] = (seg_span){pos, lens[i], (uint8_t)(n % 5), (uint8_t)(gaps[j] == 0)};
      pos += lens[i];
      n++;
    }
  }
  pack_round_trip(sp, n);
  CHECK(pack_round_trip(sp, 0) == 0);
  /* Real Chinese and mixed text: about a byte a span. */
  static const char *lines[] = {
      "中華民國基於三民主義，為民有民治民享之民主共和國。人民有選舉、罷免、創制及複決之權。",
      "我们今天讨论容器和机器学习 testing 3.5% 2026年12月7日 https://example.org/a/b  see\t it",
  };
  for (size_t i = 0; i < sizeof lines / sizeof *lines; i++) {
    g_n = 0;
    CHECK(seg_run(g_seg, lines[i], strlen(lines[i]), &g_sp, &g_n, &g_cap) == TOPICS_OK);
    size_t bytes = pack_round_trip(g_sp, g_n);
    if (i == 0) CHECK(g_n > 20 && bytes <= g_n + g_n / 4);
  }
}

int main(void) {
  topics_status st;
  g_seg = seg_new(&st);
  CHECK(g_seg != NULL && st == TOPICS_OK);
  if (!g_seg) return check_done();
  test_mixed();
  test_fullwidth();
  test_numbers_dates();
  test_punct_runs();
  test_degenerate_runs();
  test_protected();
  test_emoji();
  test_odd_input();
  test_long_line();
  test_fast_path_exhaustive();
  test_fast_path_random();
  test_fast_path_real();
  test_latin_classes();
  test_latin_contexts();
  test_latin_exhaustive();
  test_latin_real();
  test_pack();
  same_as_general(NULL, 0, NULL);
  compare_with_reference(TOPICS_SHARED_DIR "/data/talks-pyvideo.jsonl", 2u << 20, NULL);
  compare_with_reference(TOPICS_SHARED_DIR "/data/talks-pyvideo.jsonl", 1u << 20, "\"pycon-tw");
  compare_with_reference(TOPICS_SHARED_DIR "/data/zh-law-texts.jsonl", 1u << 20, NULL);
  compare_with_reference(TOPICS_SOURCE_DIR "/tests/fuzz/corpus_segmenter/protected.txt", 4096, NULL);
  compare_with_reference(TOPICS_SOURCE_DIR "/tests/fuzz/corpus_segmenter/numbers.txt", 4096, NULL);
  compare_with_reference(TOPICS_SOURCE_DIR "/tests/fuzz/corpus_segmenter/mixed.txt", 4096, NULL);
  compare_with_reference(TOPICS_SOURCE_DIR "/tests/fuzz/corpus_fastpath/latin.txt", 4096, NULL);
  same_as_icu(NULL, 0, 0);
  free(g_sp);
  seg_free(g_seg);
  return check_done();
}
