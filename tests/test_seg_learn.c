/* Compounds learned from the input (seg_learn) and the joins (seg_words, seg_join), on generated
 * text whose segmentation is given piece by piece, so ICU's dictionary plays no part:
 *  - planted compounds (a single character and a one- or two-character piece, always adjacent, in
 *    varied surroundings) must be learned and joined;
 *  - neighbours by chance (pieces drawn at random) must not;
 *  - a pair that always stands in the same frame (its neighbours never vary) must not;
 *  - a pair with a function character (的) must not, however often it recurs;
 *  - the same lines in another order give the same compounds;
 *  - a word list file: words of enough frequency made of single characters are joined, in their
 *    own script and folded to Simplified; a missing list joins nothing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "tokenize/seg_learn.h"
#include "tokenize/seg_words.h"

/* A generated line: its text and its pieces as spans. */
typedef struct gline {
  char text[512];
  size_t len;
  seg_span sp[64];
  size_t n;
} gline;

static void put(gline *g, const char *piece, int glued) {
  size_t l = strlen(piece);
  g->sp[g->n] = (seg_span){g->len, l, SEG_IDEO, (uint8_t)(glued && g->n > 0)};
  memcpy(g->text + g->len, piece, l);
  g->len += l;
  g->n++;
}

static void put_punct(gline *g) {
  memcpy(g->text + g->len, "，", 3);
  g->sp[g->n] = (seg_span){g->len, 3, SEG_PUNCT, 1};
  g->len += 3;
  g->n++;
}

static unsigned long rng = 12345;
static size_t pick(size_t n) {
  rng = rng * 6364136223846793005UL + 1442695040888963407UL;
  return (size_t)((rng >> 33) % n);
}

/* Filler pieces (drawn at random, so any two of them meet by chance only). */
static const char *const filler[] = {"研究", "结果", "人员", "数据", "发现", "报告", "公司", "市场",
                                     "城市", "学校", "医院", "工程", "农民", "政府", "地区", "方面",
                                     "水", "山", "风", "车", "书", "路", "门", "花"};
#define NFILL (sizeof filler / sizeof filler[0])
/* Planted compounds as their pieces. */
static const char *const planted[][2] = {{"特", "异性"}, {"钟", "声"}, {"现代", "化"}, {"敲", "响"}};
#define NPLANT (sizeof planted / sizeof planted[0])

#define NLINES 400

static gline lines[NLINES];

static void generate(void) {
  for (size_t i = 0; i < NLINES; i++) {
    gline *g = &lines[i];
    g->len = g->n = 0;
    size_t words = 4 + pick(5);
    for (size_t w = 0; w < words; w++) {
      size_t r = pick(10);
      if (r == 0) {
        const char *const *p = planted[pick(NPLANT)];
        put(g, p[0], 1);
        put(g, p[1], 1);
      } else if (r == 1) { /* a frozen frame: 甲 乙 always between 丙 and 丁 */
        put(g, "丙", 1);
        put(g, "甲", 1);
        put(g, "乙", 1);
        put(g, "丁", 1);
      } else if (r == 2) {
        put(g, "的", 1);
        put(g, filler[pick(NFILL)], 1);
      } else if (r == 3) {
        put_punct(g);
      } else {
        put(g, filler[pick(NFILL)], 1);
      }
    }
  }
}

/* Learns from the lines taken in the order idx[0..NLINES). */
static seg_words *learn(const size_t *idx) {
  seg_learn *l = seg_learn_new();
  seg_words *w = seg_words_new();
  CHECK(l && w);
  for (size_t i = 0; i < NLINES; i++)
    CHECK(seg_learn_count(l, lines[idx[i]].text, lines[idx[i]].sp, lines[idx[i]].n) == TOPICS_OK);
  CHECK(seg_learn_select(l) == TOPICS_OK);
  for (size_t i = 0; i < NLINES; i++)
    CHECK(seg_learn_context(l, lines[idx[i]].text, lines[idx[i]].sp, lines[idx[i]].n) == TOPICS_OK);
  CHECK(seg_learn_decide(l, w) == TOPICS_OK);
  seg_learn_free(l);
  return w;
}

static int has(const seg_words *w, const char *a, const char *b) {
  char buf[64];
  snprintf(buf, sizeof buf, "%s%s", a, b);
  return seg_words_has(w, buf, strlen(buf));
}

static void test_learn(void) {
  generate();
  size_t idx[NLINES];
  for (size_t i = 0; i < NLINES; i++) idx[i] = i;
  seg_words *w = learn(idx);
  for (size_t p = 0; p < NPLANT; p++)
    CHECK_MSG(has(w, planted[p][0], planted[p][1]), "planted %s%s not learned", planted[p][0],
              planted[p][1]);
  for (size_t a = 0; a < NFILL; a++)
    for (size_t b = 0; b < NFILL; b++)
      CHECK_MSG(!has(w, filler[a], filler[b]), "chance pair %s%s learned", filler[a], filler[b]);
  CHECK_MSG(!has(w, "甲", "乙"), "a pair in a frozen frame was learned");
  for (size_t b = 0; b < NFILL; b++) CHECK(!has(w, "的", filler[b]));
  /* Joining: the planted pieces of every line become one span; nothing else changes. */
  seg_joiner j = {NULL, w};
  size_t joined = 0;
  for (size_t i = 0; i < NLINES; i++) {
    gline g = lines[i];
    size_t n = g.n;
    seg_join(&j, g.text, g.sp, 0, &n);
    size_t chars = 0;
    for (size_t k = 0; k < n; k++) chars += g.sp[k].len;
    CHECK(chars == g.len); /* every byte still in one span, in order */
    joined += g.n - n;
  }
  CHECK_MSG(joined > NLINES / 5, "only %zu joins", joined);
  /* Another order of the same lines: the same compounds. */
  for (size_t i = 0; i < NLINES; i++) idx[i] = NLINES - 1 - i;
  seg_words *w2 = learn(idx);
  CHECK(seg_words_count(w2) == seg_words_count(w));
  seg_words_free(w2);
  seg_words_free(w);
}

static void test_word_list(void) {
  char path[] = "/tmp/topics-seg-words-XXXXXX";
  int fd = mkstemp(path);
  CHECK(fd >= 0);
  FILE *f = fdopen(fd, "w");
  CHECK(f != NULL);
  fputs("敲響\t500\n鐘聲\t5\n特異\t300\n一個\t90000\nnot a line\n很長的一句話\t900\n", f);
  fclose(f);
  seg_words *w = seg_words_new();
  CHECK(seg_words_load(w, path, SEG_WORDS_MIN_FREQ) == TOPICS_OK);
  CHECK(seg_words_has(w, "敲響", strlen("敲響")));
  CHECK(seg_words_has(w, "敲响", strlen("敲响"))); /* folded to Simplified */
  CHECK(!seg_words_has(w, "鐘聲", strlen("鐘聲"))); /* too rare */
  CHECK(!seg_words_has(w, "很長的一句話", strlen("很長的一句話"))); /* too long */
  gline g = {.len = 0, .n = 0};
  put(&g, "敲", 1);
  put(&g, "响", 1);
  put(&g, "一", 1);
  put(&g, "个", 1);
  put(&g, "特", 1);
  put(&g, "異性", 1);
  seg_joiner j = {w, NULL};
  size_t n = g.n;
  seg_join(&j, g.text, g.sp, 0, &n);
  CHECK(n == 5 && g.sp[0].len == 6); /* 敲响 joined; 一 个 (function pieces) not; 特 異性 not */
  seg_words_free(w);
  remove(path);
  w = seg_words_new();
  CHECK(seg_words_load(w, path, SEG_WORDS_MIN_FREQ) == TOPICS_EIO);
  CHECK(seg_words_count(w) == 0);
  seg_words_free(w);
}

/* Function characters never join; other Han characters, longer pieces and bytes that only look
 * like a function character's do not count as one. */
static void test_function_pieces(void) {
  static const char *yes[] = {"的", "了", "與", "与", "個", "号", "號", "第"};
  static const char *no[] = {"钟", "声", "特", "異", "的的", "a", ""};
  for (size_t i = 0; i < sizeof yes / sizeof *yes; i++)
    CHECK(seg_words_function_piece(yes[i], strlen(yes[i])) == 1);
  for (size_t i = 0; i < sizeof no / sizeof *no; i++)
    CHECK(seg_words_function_piece(no[i], strlen(no[i])) == 0);
  const char bad[] = {(char)0xE7, 0x1A, (char)0x84}; /* 的 (E7 9A 84) with a broken middle byte */
  CHECK(seg_words_function_piece(bad, 3) == 0);
}

int main(void) {
  test_function_pieces();
  test_learn();
  test_word_list();
  return check_done();
}
