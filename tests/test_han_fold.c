/* The Han fold applied by han_fold.c must give exactly what ICU's Hant-Hans transliterator gives:
 * on every rule source alone and between neighbours that could start or continue another rule, on
 * generated strings packed with rule fragments, on the sample corpus and, when ../shared is
 * present, on the law texts and the UD GSD sentences. The table must be the one read from ICU's
 * data (han_fold_from_data). Also: threads fold at once without a race. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/ustring.h>
#include <unicode/utrans.h>

#include "check.h"
#include "common/mem.h"
#include "common/utf8.h"
#include "test_util.h"
#include "tokenize/han_fold.h"

static UTransliterator *icu;
static const han_fold *fold;
static long compared, differ;

/* ICU's fold of s[0..len) as malloc'd UTF-8 (NUL-terminated), or NULL. */
static char *icu_fold(const char *s, size_t len) {
  int32_t cap = (int32_t)len * 2 + 16, ulen = 0, limit, blen = 0;
  UChar *u = malloc((size_t)cap * sizeof *u);
  char *out = malloc((size_t)cap * 3 + 1);
  UErrorCode e = U_ZERO_ERROR;
  u_strFromUTF8(u, cap, &ulen, s, (int32_t)len, &e);
  limit = ulen;
  utrans_transUChars(icu, u, &ulen, cap, 0, &limit, &e);
  u_strToUTF8(out, cap * 3 + 1, &blen, u, ulen, &e);
  free(u);
  if (U_FAILURE(e)) {
    free(out);
    return NULL;
  }
  return out;
}

static long cps_answered, cps_asked, cps_wrong;

/* When s[0..len) is BMP text, han_fold_cps on its code points: where it answers, the answer must
 * be want (ICU's fold of the whole). */
static void compare_cps(const char *s, size_t len, const char *want) {
  unsigned cps[256] = {0}, out[256];
  size_t n = 0;
  for (size_t i = 0; i < len; n++) {
    if (n == 256) return;
    i += utf8_decode((const unsigned char *)s + i, len - i, &cps[n]);
    if (cps[n] > 0xFFFF) return;
  }
  cps_asked++;
  if (!han_fold_cps(fold, cps, n, out)) return;
  cps_answered++;
  char got[256 * 3 + 1];
  size_t g = 0;
  for (size_t i = 0; i < n; i++) g += utf8_encode(out[i], got + g);
  if (g != strlen(want) || memcmp(got, want, g) != 0) {
    if (cps_wrong++ < 5)
      fprintf(stderr, "han_fold_cps of \"%.*s\": \"%.*s\", ICU \"%s\"\n", (int)len, s, (int)g, got,
              want);
  }
}

static void compare(const char *s, size_t len) {
  char *want = icu_fold(s, len), *buf = NULL;
  size_t cap = 0, n = 0;
  CHECK(want != NULL);
  CHECK(han_fold_apply(fold, s, len, &buf, &cap, &n) == TOPICS_OK);
  compared++;
  if (want) compare_cps(s, len, want);
  if (want && (n != strlen(want) || (n && memcmp(buf, want, n) != 0))) {
    if (differ++ < 5)
      fprintf(stderr, "fold of \"%.*s\": got \"%.*s\", ICU \"%s\"\n", (int)len, s, (int)n,
              buf ? buf : "", want);
  }
  free(want);
  free(buf);
}

typedef struct rule_list {
  char **src;
  size_t n;
} rule_list;

/* The sources of ICU's rules (the test reads them itself, as han_fold.c does). */
static rule_list rule_sources(void) {
  rule_list r = {NULL, 0};
  UErrorCode e = U_ZERO_ERROR;
  int32_t n = utrans_toRules(icu, 0, NULL, 0, &e);
  e = U_ZERO_ERROR;
  UChar *u = malloc(((size_t)n + 1) * sizeof *u);
  char *t = malloc((size_t)n * 3 + 1);
  int32_t blen = 0;
  utrans_toRules(icu, 0, u, n + 1, &e);
  u_strToUTF8(t, n * 3 + 1, &blen, u, n, &e);
  free(u);
  if (U_FAILURE(e)) {
    free(t);
    return r;
  }
  r.src = malloc((size_t)blen * sizeof *r.src);
  for (char *p = t, *nl; p < t + blen; p = nl + 1) {
    nl = memchr(p, '\n', (size_t)(t + blen - p));
    if (!nl) nl = t + blen;
    char *arrow = strstr(p, " > ");
    if (!arrow || arrow > nl) continue;
    r.src[r.n++] = mem_strndup(p, (size_t)(arrow - p));
  }
  free(t);
  return r;
}

static void test_rules(const rule_list *r) {
  /* Neighbours: a character no rule starts with, ASCII, a fullwidth mark, and the first and last
   * characters of a few multi-character sources (they could start or end another match). */
  const char *around[16] = {"人", "a", "，", "的"};
  size_t na = 4;
  for (size_t i = 0; i < r->n && na < 16; i++) {
    size_t len = strlen(r->src[i]);
    if (len > 3) {
      around[na++] = r->src[i];            /* a whole multi-character source */
      around[na++] = r->src[i] + len - 3; /* its last character */
    }
  }
  char s[256];
  for (size_t i = 0; i < r->n; i++) {
    compare(r->src[i], strlen(r->src[i]));
    for (size_t a = 0; a < na; a++) {
      int n = snprintf(s, sizeof s, "%s%s", around[a], r->src[i]);
      compare(s, (size_t)n);
      n = snprintf(s, sizeof s, "%s%s", r->src[i], around[a]);
      compare(s, (size_t)n);
    }
  }
  /* Generated strings: 1..8 pieces, each a rule source, a prefix of one, or a neighbour. */
  unsigned long x = 12345;
  for (int k = 0; k < 100000; k++) {
    size_t at = 0, pieces = 1 + k % 8;
    for (size_t p = 0; p < pieces; p++) {
      x = x * 6364136223846793005ul + 1442695040888963407ul;
      const char *piece = (x >> 33) % 4 ? r->src[(x >> 20) % r->n] : around[(x >> 40) % na];
      size_t len = strlen(piece);
      if ((x >> 50) % 3 == 0 && len > 3) len -= 3; /* a proper prefix */
      if (at + len >= sizeof s) break;
      memcpy(s + at, piece, len);
      at += len;
    }
    compare(s, at);
  }
}

/* Every line of a text file (JSON Lines records are folded whole, escapes and all: the fold only
 * looks at Han). At most max lines. */
static void test_file(const char *path, size_t max) {
  size_t len;
  char *text = tu_slurp(path, &len);
  if (!text) return;
  size_t lines = 0;
  for (char *p = text, *nl; p < text + len && lines < max; p = nl + 1, lines++) {
    nl = memchr(p, '\n', (size_t)(text + len - p));
    if (!nl) nl = text + len;
    compare(p, (size_t)(nl - p));
  }
  free(text);
}

/* f's fold of s, compared with want. */
static int folds_to(const han_fold *f, const char *s, const char *want) {
  char *buf = NULL;
  size_t cap = 0, n = 0;
  int ok = han_fold_apply(f, s, strlen(s), &buf, &cap, &n) == TOPICS_OK && n == strlen(want) &&
           memcmp(buf, want, n) == 0;
  free(buf);
  return ok;
}

/* The reading of ICU's rule source (han_fold_from_source) on made-up sources: what it must take,
 * reversed, what it must skip, and the shapes it must refuse, so that a change of ICU's data falls
 * back to the transliterator instead of folding wrongly. */
static void test_source_reading(void) {
  static const char good[] = "$SC = [一二三] ;于飞↔于飛;姜←薑; 后 ↔ 後 ;余→餘;$SC { 余 → 餘;"
                             "干}[杯]→乾;系←係;系←繫;";
  han_fold *f = NULL;
  CHECK(han_fold_from_source(good, strlen(good), &f) == TOPICS_OK && f);
  if (f) {
    CHECK(folds_to(f, "于飛", "于飞"));     /* a↔b: b folds to a */
    CHECK(folds_to(f, "薑片", "姜片"));     /* a←b likewise */
    CHECK(folds_to(f, "以後", "以后"));     /* spaces around the arrow */
    CHECK(folds_to(f, "係繫", "系系"));     /* two sources, one target */
    CHECK(folds_to(f, "餘乾杯", "餘乾杯")); /* forward-only rules are not read in reverse */
    CHECK(folds_to(f, "余", "余"));
  }
  han_fold_free(f);
  static const char *const bad[] = {
      "",                /* no rules */
      "于飞↔于飛",       /* no ';' after the last rule */
      "于飞 > 于飛;",    /* another arrow */
      "于飞↔于飛↔飛;",   /* two arrows */
      "于飞↔于飛←飛;",
      "x}于飞↔于飛;",    /* a context */
      "[于]↔于飛;",      /* a set */
      "'a'↔于飛;",       /* quoting */
      ":: Hant-Hans ;",  /* a transform */
      "# comment\n于飞↔于飛;",
  };
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    han_fold *g = NULL;
    CHECK_MSG(han_fold_from_source(bad[i], strlen(bad[i]), &g) == TOPICS_EICU && !g,
              "rule source %zu was not refused", i);
    han_fold_free(g);
  }
}

/* han_fold_cps on every BMP code point from U+3000 alone: where it answers the answer is ICU's
 * fold of that character, and it answers for most Han characters. */
static void test_fold_cp(void) {
  long answered = 0, wrong = 0, han = 0;
  for (unsigned cp = 0x3000; cp <= 0xFFFF; cp++) {
    if (cp >= 0xD800 && cp <= 0xDFFF) continue;
    unsigned got = 0;
    if (!han_fold_cps(fold, &cp, 1, &got)) got = 0;
    int is_han = cp >= 0x4E00 && cp <= 0x9FFF;
    han += is_han;
    if (!got) continue;
    answered += is_han;
    char s[4], w[4];
    size_t ns = utf8_encode(cp, s), nw = utf8_encode(got, w);
    char *want = icu_fold(s, ns);
    if (!want || strlen(want) != nw || memcmp(want, w, nw) != 0) {
      if (wrong++ < 5) fprintf(stderr, "han_fold_cps(U+%04X) = U+%04X, ICU \"%s\"\n", cp, got,
                               want ? want : "");
    }
    free(want);
  }
  CHECK_MSG(wrong == 0, "%ld code points fold otherwise than ICU", wrong);
  CHECK_MSG(answered * 10 > han * 9, "han_fold_cps answered for %ld of %ld Han characters",
            answered, han);
}

static void *fold_many(void *arg) {
  const rule_list *r = arg;
  long bad = 0;
  char *buf = NULL;
  size_t cap = 0;
  for (int round = 0; round < 20; round++)
    for (size_t i = 0; i < r->n; i++) {
      size_t n;
      const han_fold *f;
      if (han_fold_get(&f) != TOPICS_OK || han_fold_apply(f, r->src[i], strlen(r->src[i]), &buf,
                                                          &cap, &n) != TOPICS_OK)
        bad++;
    }
  free(buf);
  return (void *)bad;
}

int main(void) {
  UErrorCode e = U_ZERO_ERROR;
  static const UChar id[] = {'H', 'a', 'n', 't', '-', 'H', 'a', 'n', 's', 0};
  icu = utrans_openU(id, -1, UTRANS_FORWARD, NULL, 0, NULL, &e);
  CHECK(U_SUCCESS(e) && icu);
  CHECK(han_fold_get(&fold) == TOPICS_OK && fold != NULL);
  if (!icu || !fold) return check_done();
  /* The table is read from ICU's data, not from a transliterator (han_fold.h): this is what spares
   * each run ICU's transliterator registry, so a change of ICU's data layout must show here. */
  CHECK_MSG(han_fold_from_data(), "the fold table came from the transliterator, not ICU's data");
  test_source_reading();
  test_fold_cp();
  rule_list r = rule_sources();
  CHECK_MSG(r.n > 3000, "%zu rules", r.n);
  test_rules(&r);
  char path[4096];
  static const char *const corpus[] = {"pad-day1.txt", "travelogue.txt", "zh-hans-notes.md",
                                       "meetup.jsonl"};
  for (size_t i = 0; i < sizeof corpus / sizeof *corpus; i++) {
    snprintf(path, sizeof path, "%s/corpus/%s", TOPICS_SOURCE_DIR, corpus[i]);
    test_file(path, (size_t)-1);
  }
  snprintf(path, sizeof path, "%s/data/zh-law-texts.jsonl", TOPICS_SHARED_DIR);
  FILE *probe = fopen(path, "rb");
  if (probe) {
    fclose(probe);
    test_file(path, 400); /* whole laws: about 3 MB */
    snprintf(path, sizeof path, "%s/data/ud-zh-gsd-zh_gsd-ud-dev.conllu", TOPICS_SHARED_DIR);
    test_file(path, (size_t)-1);
  } else {
    printf("note: %s is absent; the law-text and GSD comparisons were skipped\n", path);
  }
  CHECK_MSG(differ == 0, "%ld of %ld strings differ from ICU", differ, compared);
  CHECK_MSG(cps_wrong == 0, "han_fold_cps: %ld of %ld answers differ from ICU", cps_wrong,
            cps_answered);
  /* Rule sources and strings packed with them: it must leave many to han_fold_apply, yet answer. */
  CHECK_MSG(cps_answered > 1000 && cps_answered < cps_asked, "han_fold_cps answered %ld of %ld",
            cps_answered, cps_asked);
  printf("han_fold = ICU Hant-Hans on %ld strings (%zu rules)\n", compared, r.n);

  pthread_t th[4];
  for (int k = 0; k < 4; k++) CHECK(pthread_create(&th[k], NULL, fold_many, &r) == 0);
  for (int k = 0; k < 4; k++) {
    void *bad;
    pthread_join(th[k], &bad);
    CHECK(bad == NULL);
  }
  for (size_t i = 0; i < r.n; i++) free(r.src[i]);
  free(r.src);
  utrans_close(icu);
  return check_done();
}
