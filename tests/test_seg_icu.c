/* The segmenter's ICU routes (tokenize/seg_icu.c) must give the same spans: the UTF-16 copy that
 * seg_icu_spans takes for well-formed stretches up to SEG_U16_MAX bytes (longer ones cut where a
 * break is certain), and the UText over UTF-8 it takes otherwise. Checked on every short string
 * over an alphabet of characters that are one, two, three and four UTF-8 bytes and one or two
 * UTF-16 units, on stretches at and over the size limit, on ill-formed input, on South-East Asian
 * scripts (which keep the UTF-8 route), on real law and talk text (../shared/data, when present) as
 * it is and with its white space taken out, and through seg_run when its grouping of pieces meets
 * the limit or a piece starts with a character ICU would join to the white space before it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/utf16.h>

#include "check.h"
#include "reader_sink.h"
#include "seg_reference.h"
#include "tokenize/seg_int.h"
#include "tokenize/segmenter.h"

static segmenter *g_seg;
static seg_span *g_x, *g_y;
static size_t g_cx, g_cy;
static long g_strings, g_bad;

/* 1 when both routes give the same spans for text[0..len); *nspans gets how many. */
static int routes_agree(const char *text, size_t len, size_t *nspans) {
  size_t nx = 0, ny = 0;
  if (seg_icu_spans(g_seg, text, 0, len, &g_x, &nx, &g_cx, 0) != TOPICS_OK) return 0;
  if (seg_icu_spans_utf8(g_seg, text, 0, len, &g_y, &ny, &g_cy, 0) != TOPICS_OK) return 0;
  if (nspans) *nspans = nx;
  return sr_same(g_x, nx, g_y, ny);
}

static void count_string(void *ud, const char *s, size_t len) {
  (void)ud;
  g_strings++;
  if (!routes_agree(s, len, NULL) && g_bad++ < 5)
    fprintf(stderr, "the routes differ on \"%.*s\"\n", (int)len, s);
}

static void test_short_strings(void) {
  /* Han (also outside the BMP: U+20000, two UTF-16 units), kana, hangul, Latin with a combining
   * mark, digits, full-width and ideographic punctuation and space, an emoji with a skin tone, a
   * ZWJ sequence, a regional-indicator flag, and ASCII letters, digits and punctuation. */
  static const char *const alpha[] = {"中", "國", "資料", "\xF0\xA0\x80\x80", "カ", "한",
                                      "e\xCC\x81", "\xC3\xA9", "7", "a", "。", "\xE3\x80\x80",
                                      "\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD",
                                      "\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9",
                                      "\xF0\x9F\x87\xB9\xF0\x9F\x87\xBC", ".", "-", " ",
                                      "ဃ", "ဦ", "ก"};
  g_strings = g_bad = 0;
  sr_each_string(alpha, (int)(sizeof alpha / sizeof *alpha), 3, count_string, NULL);
  CHECK_MSG(g_bad == 0, "%ld of %ld short strings differ", g_bad, g_strings);
  CHECK(g_strings > 5000);
  printf("the routes agree on %ld short strings\n", g_strings);
}

/* Thai, Lao, Myanmar, Khmer and the other scripts of line-break class SA take the UTF-8 route:
 * ICU's dictionary engines for them break U+1003 U+1026 (ဃဦ) as one word in UTF-16 and as two in
 * UTF-8. The cheap filter must let every such character through, and the routes must agree on
 * text in these scripts, alone and next to Chinese. */
static void test_south_east_asian(void) {
  long missed = 0, sa = 0;
  for (UChar32 c = 0; c <= 0x10FFFF; c++) {
    if (u_getIntPropertyValue(c, UCHAR_LINE_BREAK) != U_LB_COMPLEX_CONTEXT) continue;
    sa++;
    if (!seg_sa_maybe(c <= 0xFFFF ? (unsigned)c : (unsigned)U16_LEAD(c)) && missed++ < 5)
      fprintf(stderr, "the SA filter misses U+%04X\n", (unsigned)c);
  }
  CHECK_MSG(missed == 0 && sa > 700, "%ld of %ld SA characters missed", missed, sa);
  static const char *const text[] = {
      "ဃဦ", "元ဃဦ-", "資料ဃဦ。中文", "ภาษาไทยเป็นภาษาที่มีวรรณยุกต์เช่นเดียวกับภาษาจีน",
      "ພາສາລາວເປັນພາສາທີ່ມີສຽງວັນນະຍຸດ", "ကွန်ပျူတာပရိုဂရမ်ရေးသားခြင်း",
      "ភាសាខ្មែរគឺជាភាសាកំណើតរបស់ជនជាតិខ្មែរ", "機器學習ภาษาไทย😀ကွန်ပျူတာ"};
  for (size_t i = 0; i < sizeof text / sizeof *text; i++)
    CHECK_MSG(routes_agree(text[i], strlen(text[i]), NULL), "%s", text[i]);
}

/* Ill-formed UTF-8 goes the UTF-8 route; the spans are still ICU's, and cover every byte that is
 * not white space. */
static void test_ill_formed(void) {
  static const char *const bad[] = {"中\x80文", "資料\xC3", "\xED\xA0\x80測試", "a\xF5\x80\x80\x80\x62",
                                    "\xC0\xAF中", "中文\xF0\x9F\x98"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    size_t n = 0, len = strlen(bad[i]);
    CHECK_MSG(routes_agree(bad[i], len, &n), "case %zu", i);
    size_t covered = 0;
    for (size_t k = 0; k < n; k++) covered += g_x[k].len;
    CHECK_MSG(covered == len, "case %zu: %zu of %zu bytes in spans", i, covered, len);
  }
}

/* Fills buf[0..len) with a repeating pattern of Han, four-byte characters, Latin and punctuation,
 * padded with ASCII letters to exactly len bytes; returns len. */
static size_t fill_pattern(char *buf, size_t len) {
  static const char *const part[] = {"我們討論", "機器學習", "\xF0\xA0\x80\x80", "，", "Python3",
                                     "的", "資料", "😀", "。"};
  size_t o = 0, k = 0;
  for (;;) {
    const char *p = part[k++ % (sizeof part / sizeof *part)];
    size_t l = strlen(p);
    if (o + l > len) break;
    memcpy(buf + o, p, l);
    o += l;
  }
  while (o < len) buf[o++] = 'x'; /* pad with ASCII to the exact length */
  return o;
}

static void test_size_limit(void) {
  size_t sizes[] = {SEG_U16_MAX - 1, SEG_U16_MAX, SEG_U16_MAX + 1, 3 * SEG_U16_MAX + 7};
  char *buf = malloc(3 * SEG_U16_MAX + 16);
  CHECK(buf != NULL);
  if (!buf) return;
  for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
    size_t len = fill_pattern(buf, sizes[i]), n = 0;
    CHECK_MSG(len == sizes[i] && routes_agree(buf, len, &n), "%zu bytes", sizes[i]);
    CHECK(n > len / 8);
  }
  /* A four-byte character as the very last one of a stretch of exactly the limit. */
  size_t len = fill_pattern(buf, SEG_U16_MAX - 4);
  memcpy(buf + len, "\xF0\xA0\x80\x81", 4);
  CHECK(routes_agree(buf, len + 4, NULL));
  free(buf);
}

/* seg_run groups the non-ASCII pieces between white space into one ICU call while they stay
 * within the limit: lines of Han separated by spaces and newlines, several times the limit in all,
 * and one piece longer than the limit on its own. */
static void test_grouping(void) {
  size_t cap = 4 * SEG_U16_MAX;
  char *buf = malloc(cap + 64);
  CHECK(buf != NULL);
  if (!buf) return;
  size_t o = 0;
  for (unsigned k = 0; o + 64 < cap; k++) {
    const char *w = k % 3 == 0 ? "中華民國之主權屬於國民全體。" : k % 3 == 1 ? "資料科學" : "第三章";
    size_t l = strlen(w);
    memcpy(buf + o, w, l);
    o += l;
    buf[o++] = k % 7 == 6 ? '\n' : ' ';
  }
  size_t nx = 0, ny = 0;
  CHECK(seg_run(g_seg, buf, o, &g_x, &nx, &g_cx) == TOPICS_OK);
  CHECK(sr_reference_run(g_seg, buf, o, &g_y, &ny, &g_cy) == TOPICS_OK);
  CHECK_MSG(sr_same(g_x, nx, g_y, ny), "spaced Han text of %zu bytes", o);
  size_t len = fill_pattern(buf, 2 * SEG_U16_MAX + 5);
  nx = ny = 0;
  CHECK(seg_run(g_seg, buf, len, &g_x, &nx, &g_cx) == TOPICS_OK);
  CHECK(sr_reference_run(g_seg, buf, len, &g_y, &ny, &g_cy) == TOPICS_OK);
  CHECK_MSG(sr_same(g_x, nx, g_y, ny), "one piece of %zu bytes", len);
  free(buf);
}

/* 1 when seg_run gives the reference's spans for text[0..len), none of them holding white space. */
static int run_clean(const char *text, size_t len) {
  size_t nx = 0, ny = 0;
  if (seg_run(g_seg, text, len, &g_x, &nx, &g_cx) != TOPICS_OK) return 0;
  if (sr_reference_run(g_seg, text, len, &g_y, &ny, &g_cy) != TOPICS_OK) return 0;
  if (!sr_same(g_x, nx, g_y, ny)) return 0;
  for (size_t i = 0; i < nx; i++)
    for (size_t b = g_x[i].start; b < g_x[i].start + g_x[i].len; b++)
      if (sr_is_ws((unsigned char)text[b])) return 0;
  return 1;
}

/* A piece that starts with a character ICU attaches to the white space before it (Extend, Format,
 * ZWJ) is not grouped with the piece before. seg_icu_attaches must say so for every such code
 * point, its shortcut for U+4000..U+9FFF included, and seg_run must then give the reference's
 * spans. Grouped, U+16FE4 after a tab made the tab part of an ideographic word (fuzz_fastpath
 * found it). */
static void test_grouping_attach(void) {
  long wrong = 0, differ = 0, attaching = 0;
  char buf[32];
  for (unsigned cp = 0x80; cp < 0x110000; cp++) {
    if (cp >= 0xD800 && cp < 0xE000) continue;
    int wb = u_getIntPropertyValue((UChar32)cp, UCHAR_WORD_BREAK);
    int want = wb == U_WB_EXTEND || wb == U_WB_FORMAT || wb == U_WB_ZWJ;
    size_t l = sr_put_utf8(cp, buf);
    if (seg_icu_attaches(buf, 0, l) != want && wrong++ < 5)
      fprintf(stderr, "seg_icu_attaches is wrong on U+%04X\n", cp);
    if (!want) continue;
    attaching++;
    for (int w = 0; w < 2; w++) {
      size_t o = sr_put_utf8(0x4E2D, buf); /* 中, white space, the character, 文 */
      buf[o++] = w ? '\t' : ' ';
      o += sr_put_utf8(cp, buf + o);
      o += sr_put_utf8(0x6587, buf + o);
      if (!run_clean(buf, o) && differ++ < 5)
        fprintf(stderr, "seg_run is wrong on U+%04X after white space\n", cp);
    }
  }
  CHECK_MSG(wrong == 0, "seg_icu_attaches is wrong on %ld code points", wrong);
  CHECK_MSG(differ == 0, "seg_run is wrong on %ld strings", differ);
  CHECK(attaching > 2000);
  printf("%ld code points attach to the white space before them; seg_run keeps them apart\n",
         attaching);
}

/* Every talk of a JSON Lines file, decoded by the project's reader, up to max_bytes of text. */
static void test_real(const char *path, size_t max_bytes) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "skipping the real-text check of the ICU routes: %s is absent\n", path);
    return;
  }
  fclose(f);
  rs_sink k;
  rd_sink sink = rs_make(&k);
  rd_options opt = {.split = RD_SPLIT_FILE};
  rd_stats stats;
  memset(&stats, 0, sizeof stats);
  char *paths[] = {(char *)path};
  CHECK(rd_read(paths, 1, &opt, &sink, &stats) == TOPICS_OK);
  rd_stats_clear(&stats);
  size_t bytes = 0, spans = 0, talks = 0;
  long bad = 0;
  for (size_t i = 0; i < k.n && bytes < max_bytes; i++) {
    const char *text = rs_text_of(&k, i);
    size_t n = 0;
    talks++;
    bytes += k.t[i].len;
    if (!routes_agree(text, k.t[i].len, &n) && bad++ < 5)
      fprintf(stderr, "the routes differ on talk %s\n", k.t[i].id);
    spans += n;
  }
  /* The same text with its white space taken out: one piece of Chinese far longer than the
   * limit, which seg_icu_spans cuts where a break is certain. seg_run must still give the spans of
   * the reference route, which sends the whole piece to ICU over UTF-8. */
  char *joined = NULL;
  size_t jl = 0, jcap = 0, nx = 0, ny = 0;
  for (size_t i = 0; i < k.n && jl < max_bytes / 4; i++) {
    const char *text = rs_text_of(&k, i);
    if (MEM_RESERVE(joined, jcap, jl + k.t[i].len) != TOPICS_OK) break;
    for (size_t b = 0; b < k.t[i].len; b++)
      if (!sr_is_ws((unsigned char)text[b])) joined[jl++] = text[b];
  }
  CHECK(joined && seg_run(g_seg, joined, jl, &g_x, &nx, &g_cx) == TOPICS_OK);
  CHECK(joined && sr_reference_run(g_seg, joined, jl, &g_y, &ny, &g_cy) == TOPICS_OK);
  CHECK_MSG(sr_same(g_x, nx, g_y, ny), "%s without white space (%zu bytes, %zu spans)", path, jl,
            nx);
  free(joined);
  rs_free(&k);
  CHECK_MSG(bad == 0, "%ld of %zu talks of %s differ", bad, talks, path);
  CHECK(talks > 100);
  printf("the routes agree on %zu talks (%zu bytes, %zu spans) of %s\n", talks, bytes, spans, path);
}

int main(void) {
  topics_status st;
  g_seg = seg_new(&st);
  CHECK(g_seg != NULL && st == TOPICS_OK);
  if (!g_seg) return check_done();
  test_short_strings();
  test_ill_formed();
  test_south_east_asian();
  test_size_limit();
  test_grouping();
  test_grouping_attach();
  test_real(TOPICS_SHARED_DIR "/data/zh-law-texts.jsonl", 4u << 20);
  test_real(TOPICS_SHARED_DIR "/data/talks-pyvideo.jsonl", 4u << 20);
  free(g_x);
  free(g_y);
  seg_free(g_seg);
  return check_done();
}
