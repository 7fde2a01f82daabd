/* The term stage: what tok_terms keeps and how it keys terms (normalisation, Han fold, stopwords,
 * stemming), the term cache, user-dictionary merges, tok_raw's covering of the text, and the proof
 * that tok_terms' fused path gives the terms of the general route (seg_reference.h) on short
 * strings over a covering alphabet and on real talk text (../shared, when present). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "seg_reference.h"
#include "tokenize/tokenizer.h"

typedef struct strbuf {
  char *s;
  size_t len, cap;
} strbuf;

static void sb_add(strbuf *b, const char *s, size_t len) {
  if (b->len + len + 1 > b->cap) {
    b->cap = (b->len + len + 1) * 2;
    b->s = realloc(b->s, b->cap);
  }
  memcpy(b->s + b->len, s, len);
  b->len += len;
  b->s[b->len] = '\0';
}

/* The term keys (surface forms when surf) of text, space separated; caller frees. */
static char *terms(tok *t, const char *text, int surf) {
  uint32_t *ids = NULL;
  size_t n = 0, cap = 0;
  strbuf b = {NULL, 0, 0};
  sb_add(&b, "", 0);
  CHECK(tok_terms(t, text, strlen(text), &ids, &n, &cap) == TOPICS_OK);
  for (size_t i = 0; i < n; i++) {
    size_t len;
    const char *s = surf ? tok_entry_surface(t, ids[i], &len) : tok_entry_term(t, ids[i], &len);
    if (i) sb_add(&b, "|", 1);
    sb_add(&b, s, len);
  }
  free(ids);
  return b.s;
}

static void check_terms(tok *t, const char *text, const char *want) {
  char *got = terms(t, text, 0);
  CHECK_MSG(strcmp(got, want) == 0, "terms of \"%s\": got \"%s\", want \"%s\"", text, got, want);
  free(got);
}

static void check_surfaces(tok *t, const char *text, const char *want) {
  char *got = terms(t, text, 1);
  CHECK_MSG(strcmp(got, want) == 0, "surfaces of \"%s\": got \"%s\", want \"%s\"", text, got, want);
  free(got);
}

typedef struct raw_ctx {
  const char *text;
  strbuf out;
  size_t last_end;
  int ordered;
} raw_ctx;

static int on_word(void *ud, size_t start, size_t len) {
  raw_ctx *c = ud;
  if (start < c->last_end || len == 0) c->ordered = 0;
  c->last_end = start + len;
  if (c->out.len) sb_add(&c->out, "|", 1);
  sb_add(&c->out, c->text + start, len);
  return 0;
}

/* The words of tok_raw joined by '|'; also checks that they are in order, do not overlap, and
 * that everything between them is white space. Caller frees. */
static char *raw_words(tok *t, const char *text) {
  raw_ctx c = {text, {NULL, 0, 0}, 0, 1};
  sb_add(&c.out, "", 0);
  CHECK(tok_raw(t, text, strlen(text), on_word, &c) == TOPICS_OK);
  CHECK_MSG(c.ordered, "words of \"%s\" out of order or overlapping", text);
  return c.out.s;
}

/* Only spaces, tabs and ideographic spaces (U+3000). */
static int is_space_text(const char *s, size_t len) {
  for (size_t i = 0; i < len; i++) {
    if (s[i] == ' ' || s[i] == '\t') continue;
    if (i + 3 <= len && memcmp(s + i, "\xE3\x80\x80", 3) == 0) {
      i += 2;
      continue;
    }
    return 0;
  }
  return 1;
}

typedef struct cover_ctx {
  const char *text;
  size_t pos;
  int ok;
} cover_ctx;

static int on_cover(void *ud, size_t start, size_t len) {
  cover_ctx *c = ud;
  if (start < c->pos || !is_space_text(c->text + c->pos, start - c->pos)) c->ok = 0;
  c->pos = start + len;
  return 0;
}

/* Every non-white-space byte of text lies in exactly one word. */
static void check_cover(tok *t, const char *text) {
  cover_ctx c = {text, 0, 1};
  CHECK(tok_raw(t, text, strlen(text), on_cover, &c) == TOPICS_OK);
  size_t len = strlen(text);
  CHECK_MSG(c.ok && c.pos <= len && is_space_text(text + c.pos, len - c.pos),
            "tok_raw does not cover \"%s\"", text);
}

static void check_raw(tok *t, const char *text, const char *want) {
  char *got = raw_words(t, text);
  CHECK_MSG(strcmp(got, want) == 0, "raw of \"%s\": got \"%s\", want \"%s\"", text, got, want);
  free(got);
  check_cover(t, text);
}

static int stop_after_two(void *ud, size_t start, size_t len) {
  (void)start;
  (void)len;
  return ++*(int *)ud == 2;
}

static uint32_t first_id(tok *t, const char *text) {
  uint32_t *ids = NULL;
  size_t n = 0, cap = 0;
  uint32_t id = UINT32_MAX;
  if (tok_terms(t, text, strlen(text), &ids, &n, &cap) == TOPICS_OK && n > 0) id = ids[0];
  free(ids);
  return id;
}

static void test_terms(tok *t) {
  /* The mixed line from the design: Chinese function words and English stopwords out, stems in. */
  check_terms(t, "Ansible 是個很美妙的tool both for deployment and management",
              "ansibl|美妙|tool|deploy|manag");
  check_surfaces(t, "Ansible 是個很美妙的tool both for deployment and management",
                 "ansible|美妙|tool|deployment|management");
  /* Normalisation: full width and case. */
  check_terms(t, "ＰｙＣｏｎ PYCON PyCon", "pycon|pycon|pycon");
  /* Stemming: one key, the surface keeps the word. */
  check_terms(t, "testing tests tested Testing", "test|test|test|test");
  check_surfaces(t, "testing tests tested Testing", "testing|tests|tested|testing");
  /* Words with digits or dots are not stemmed. */
  check_terms(t, "Python3 node.js H200 ICU72 runs", "python3|node.js|h200|icu72|run");
  /* Content words stay; English and Chinese function words go in both scripts. */
  check_terms(t, "The system has a data problem", "system|data|problem");
  check_terms(t, "我們會讓這個系統與資料一起", "系统|资料");
  check_terms(t, "我们会让这个系统与资料一起", "系统|资料");
  /* Han fold: 資料 and 资料 are one key; the surface keeps the script. */
  check_terms(t, "資料 资料", "资料|资料");
  check_surfaces(t, "資料 资料", "資料|资料");
  CHECK(strcmp(tok_entry_term(t, first_id(t, "資料"), NULL),
               tok_entry_term(t, first_id(t, "资料"), NULL)) == 0);
  /* Left out: punctuation, numbers and dates, URLs, handles, single letters, emoji. */
  check_terms(t, "[10:00][R1] a talk on 2015年12月 3.14 50% https://github.com/pycon/x "
                 "@pyconapac #python x y 😀 — Docker",
              "r1|docker");
  check_terms(t, "", "");
  check_terms(t, "   \t  ", "");
}

static void test_cache(tok *t) {
  uint32_t before = tok_entry_count(t);
  uint32_t a = first_id(t, "kubernetes");
  CHECK(a != UINT32_MAX && tok_entry_count(t) == before + 1);
  CHECK(first_id(t, "kubernetes") == a);
  CHECK(tok_entry_count(t) == before + 1);
  /* A new raw form is a new entry even when the key is the same. */
  uint32_t b = first_id(t, "Kubernetes");
  CHECK(b != a && tok_entry_count(t) == before + 2);
  CHECK_STREQ(tok_entry_term(t, a, NULL), tok_entry_term(t, b, NULL));
  /* Ids are dense and stable; stopwords and punctuation cost no id to the caller. */
  size_t len;
  const char *k = tok_entry_term(t, a, &len);
  CHECK(len == strlen(k));
  CHECK(first_id(t, "the and of") == UINT32_MAX);
  CHECK(first_id(t, "kubernetes") == a);
  /* Words longer than the front cache holds take the slow road to the same answer. */
  uint32_t c = first_id(t, "internationalization");
  CHECK(c != UINT32_MAX && first_id(t, "internationalization") == c);
  CHECK_STREQ(tok_entry_term(t, c, NULL), "internation");
}

static void test_raw(tok *t) {
  check_raw(t, "Ansible 是個很美妙的tool both", "Ansible|是個|很|美妙|的|tool|both");
  check_raw(t, "[10:00][R1] When (Apua)", "[|10|:|00|]|[|R1|]|When|(|Apua|)");
  check_raw(t, "see https://pycon.org/2015 now", "see|https://pycon.org/2015|now");
  check_cover(t, "ＰｙＣｏｎ　ＡＰＡＣ，２０１５年！😀👍🏽 done\t\tok  ");
  check_cover(t, "  leading and trailing   ");
  check_cover(t, "");
  /* Ill-formed bytes are still covered without a crash. */
  check_cover(t, "bad \xFF\xFE bytes \xC3 end");
  int calls = 0;
  CHECK(tok_raw(t, "one two three four", 18, stop_after_two, &calls) == TOPICS_OK && calls == 2);
}

static void test_dict(void) {
  topics_status st;
  lex *lx = lex_new(&st);
  CHECK(lx != NULL);
  const char *entries[] = {"machine learning", "machine learning systems", "機器學習", "PyCon APAC",
                           "C++", "pandas", "深度學習框架"};
  for (size_t i = 0; i < sizeof entries / sizeof *entries; i++)
    CHECK(lex_add_dict_entry(lx, entries[i], strlen(entries[i])) == TOPICS_OK);
  tok_options o = tok_default_options();
  tok *t = tok_new(lx, &o, &st);
  CHECK(t != NULL);
  if (!t) return;
  /* Longest match wins; across several spaces; case and full width do not matter. */
  check_terms(t, "Machine   Learning systems for ＰｙＣｏｎ apac",
              "machine learning systems|pycon apac");
  check_terms(t, "machine learning for fun", "machine learning|fun");
  check_surfaces(t, "Machine Learning rocks", "machine learning|rocks");
  check_terms(t, "machine translation", "machin|translat");
  check_raw(t, "Machine   Learning systems for ＰｙＣｏｎ apac",
            "Machine   Learning systems|for|ＰｙＣｏｎ apac");
  /* In Han, in either script (the fold is on), merged whole. */
  check_terms(t, "用機器學習做分析", "机器学习|分析");
  check_terms(t, "用机器学习做分析", "机器学习|分析");
  check_surfaces(t, "用机器学习做分析", "机器学习|分析");
  check_raw(t, "用機器學習做分析", "用|機器學習|做|分析");
  /* Glued punctuation and dictionary single words: kept whole and unstemmed. */
  check_terms(t, "C++ and pandas", "c++|pandas");
  check_raw(t, "C++ and pandas", "C++|and|pandas");
  /* A phrase whose end is missing is no match: its words are terms of their own. */
  check_terms(t, "深度學習", "深度|学习");
  tok_free(t);

  /* Without the fold, only the script as written in the dictionary matches. */
  o.fold_han = 0;
  t = tok_new(lx, &o, &st);
  CHECK(t != NULL);
  if (t) {
    check_terms(t, "用機器學習做分析", "機器學習|分析");
    check_terms(t, "资料 資料", "资料|資料");
    char *a = terms(t, "用机器学习做分析", 0);
    CHECK(strstr(a, "机器学习") == NULL);
    free(a);
  }
  tok_free(t);

  /* Long texts are worked in windows; results must match those of the short pieces, phrases
   * across window edges included. */
  o.fold_han = 1;
  t = tok_new(lx, &o, &st);
  if (t) {
    const char *piece = "machine learning systems and C++ with pandas. ";
    size_t plen = strlen(piece), reps = 6000;
    char *big = malloc(plen * reps + 1);
    for (size_t i = 0; i < reps; i++) memcpy(big + i * plen, piece, plen);
    big[plen * reps] = '\0';
    uint32_t *ids = NULL;
    size_t n = 0, cap = 0;
    CHECK(tok_terms(t, big, plen * reps, &ids, &n, &cap) == TOPICS_OK);
    CHECK_MSG(n == 3 * reps, "%zu terms, want %zu", n, 3 * reps);
    int ok = 1;
    for (size_t i = 0; i + 2 < n; i += 3)
      ok &= strcmp(tok_entry_term(t, ids[i], NULL), "machine learning systems") == 0 &&
            strcmp(tok_entry_term(t, ids[i + 2], NULL), "pandas") == 0;
    CHECK(ok);
    free(ids);
    free(big);

    /* Chinese without white space: windows end after a full stop. */
    const char *zh = "我們用機器學習做資料分析。";
    plen = strlen(zh);
    big = malloc(plen * reps + 1);
    for (size_t i = 0; i < reps; i++) memcpy(big + i * plen, zh, plen);
    big[plen * reps] = '\0';
    ids = NULL;
    n = cap = 0;
    CHECK(tok_terms(t, big, plen * reps, &ids, &n, &cap) == TOPICS_OK);
    CHECK_MSG(n == 3 * reps, "%zu terms, want %zu", n, 3 * reps);
    free(ids);
    free(big);
  }
  tok_free(t);
  lex_free(lx);
}

/* Letters c repeated n times, then " end" (static buffer, n * strlen(c) < 400000). */
static const char *letters(const char *c, size_t n) {
  static char buf[400008];
  size_t cl = strlen(c), o = 0;
  for (size_t i = 0; i < n && o + cl < sizeof buf - 8; i++, o += cl) memcpy(buf + o, c, cl);
  memcpy(buf + o, " end", 5);
  return buf;
}

/* A run of letters longer than TC_MAX_WORD_CPS code points is no term, however the segmenter cuts
 * it; words up to that length (counted in code points, not bytes) stay terms. */
static void test_long_words(const lex *lx) {
  tok_options o = tok_default_options();
  topics_status st;
  tok *t = tok_new(lx, &o, &st);
  CHECK(t != NULL);
  if (!t) return;
  check_surfaces(t, "pneumonoultramicroscopicsilicovolcanoconiosis",
                 "pneumonoultramicroscopicsilicovolcanoconiosis");
  check_surfaces(t, "Rindfleischetikettierungsüberwachungsaufgabenübertragungsgesetz",
                 "rindfleischetikettierungsüberwachungsaufgabenübertragungsgesetz");
  char *want = strdup(letters("q", 64));
  CHECK(want != NULL);
  if (!want) {
    tok_free(t);
    return;
  }
  want[64] = '|';
  check_terms(t, letters("q", 64), want);
  free(want);
  want = strdup(letters("ж", 64)); /* 128 bytes, 64 letters */
  CHECK(want != NULL);
  if (!want) {
    tok_free(t);
    return;
  }
  want[128] = '|';
  check_surfaces(t, letters("ж", 64), want);
  free(want);
  check_terms(t, letters("q", 65), "end");
  check_terms(t, letters("ж", 65), "end");
  /* 300000 letters: the tokenizer works them in windows, and no piece of them is a term. */
  check_terms(t, letters("q", 300000), "end");
  check_terms(t, letters("abcdefghij", 30000), "end");
  tok_free(t);
}

static void test_no_fold(const lex *lx) {
  tok_options o = {0};
  topics_status st;
  tok *t = tok_new(lx, &o, &st);
  CHECK(t != NULL);
  if (!t) return;
  check_terms(t, "資料 资料", "資料|资料");
  /* Stopwords still match in either script. */
  check_terms(t, "我們 我们 什麼 什么 系統", "系統");
  tok_free(t);
}

/* The fused path of tok_terms against the general route. ref is a tok with a user dictionary
 * that matches nothing: with one, tok_terms never takes the fused path but looks up the spans of
 * seg_run one by one; and seg_run is checked here against the general route (seg_reference.h).
 * So equal terms and surfaces, in order, mean the fused path keeps the general route's words. */
typedef struct fused_check {
  tok *fused, *ref;
  segmenter *seg;
  seg_span *x, *y;
  size_t nx, ny, cx, cy;
  uint32_t *a, *b;
  size_t ca, cb;
  long texts, bad, terms;
} fused_check;

static int same_str(const char *s, size_t sl, const char *t, size_t tl) {
  return sl == tl && memcmp(s, t, sl) == 0;
}

/* 1 when tok_terms on text[0..len) gives the terms the general route gives, 0 when not. */
static int fused_same(fused_check *fc, const char *text, size_t len) {
  if (sr_reference_run(fc->seg, text, len, &fc->x, &fc->nx, &fc->cx) != TOPICS_OK) return 0;
  fc->ny = 0;
  if (seg_run(fc->seg, text, len, &fc->y, &fc->ny, &fc->cy) != TOPICS_OK ||
      !sr_same(fc->x, fc->nx, fc->y, fc->ny))
    return 0;
  size_t na = 0, nb = 0;
  if (tok_terms(fc->fused, text, len, &fc->a, &na, &fc->ca) != TOPICS_OK ||
      tok_terms(fc->ref, text, len, &fc->b, &nb, &fc->cb) != TOPICS_OK || na != nb)
    return 0;
  fc->texts++;
  fc->terms += (long)na;
  for (size_t i = 0; i < na; i++) {
    size_t l1, l2, l3, l4;
    const char *t1 = tok_entry_term(fc->fused, fc->a[i], &l1);
    const char *t2 = tok_entry_term(fc->ref, fc->b[i], &l2);
    const char *s1 = tok_entry_surface(fc->fused, fc->a[i], &l3);
    const char *s2 = tok_entry_surface(fc->ref, fc->b[i], &l4);
    if (!same_str(t1, l1, t2, l2) || !same_str(s1, l3, s2, l4)) return 0;
  }
  return 1;
}

static void fused_report(fused_check *fc, int r, const char *text, size_t len) {
  if (!r && fc->bad++ < 5)
    fprintf(stderr, "tok_terms differs from the general route on \"%.*s\"\n",
            (int)(len < 100 ? len : 100), text);
}

static void fused_one(void *ud, const char *s, size_t len) {
  fused_report(ud, fused_same(ud, s, len), s, len);
}

/* Every string of up to 4 characters over ASCII word-break classes, the kinds of non-ASCII
 * characters the fast path knows, and some it leaves to the general route; then every line of the
 * talks file (all 18 MB). */
static void test_fused_path(const lex *lx) {
  tok_options o = tok_default_options();
  topics_status st;
  fused_check fc = {0};
  lex *dl = lex_new(&st);
  CHECK(dl && lex_add_dict_entry(dl, "qqqzzz xxxjjj", 13) == TOPICS_OK);
  fc.fused = tok_new(lx, &o, &st);
  fc.ref = dl ? tok_new(dl, &o, &st) : NULL;
  fc.seg = seg_new(&st);
  CHECK(fc.fused && fc.ref && fc.seg);
  if (fc.fused && fc.ref && fc.seg) {
    static const char *alpha[] = {"a", "b", "9", "_", ".", "'", ":", "@", "#", " ",
                                  "\xC3\xA9", "\xD0\x96", "\xE2\x80\x99", "\xE2\x80\x9C",
                                  "\xE2\x80\x94", "\xC2\xB7", "\xCC\x81", "\xC3\x97", "\xC2\xA0"};
    enum { NA = sizeof alpha / sizeof *alpha };
    sr_each_string(alpha, NA, 4, fused_one, &fc);
    /* A URL may start inside a word after '_', '\'' or a non-ASCII letter: the fused path must
     * hand such chunks to the general route, which cuts the URL out. */
    static const char *fixed[] = {
        "see _www.example.org now", "a'www.example.org", "caféwww.example.org",
        "José’swww.x.org", "josé@example.com wrote", "@José hi", "#café talk",
        "Привет, мир… Python—fast “naïve” l’été 3’000 a·b"};
    for (size_t i = 0; i < sizeof fixed / sizeof *fixed; i++)
      fused_report(&fc, fused_same(&fc, fixed[i], strlen(fixed[i])), fixed[i], strlen(fixed[i]));
    long strings = fc.texts;
    const char *path = TOPICS_SHARED_DIR "/data/talks-pyvideo.jsonl";
    FILE *f = fopen(path, "rb");
    if (!f) fprintf(stderr, "skipping the fused path check on real text: %s is absent\n", path);
    char *line = NULL;
    size_t lcap = 0;
    ssize_t got;
    while (f && (got = getline(&line, &lcap, f)) > 0)
      fused_report(&fc, fused_same(&fc, line, (size_t)got), line, (size_t)got);
    free(line);
    if (f) fclose(f);
    CHECK_MSG(fc.bad == 0, "%ld of %ld texts differ", fc.bad, fc.texts);
    CHECK(strings > 100000);
    printf("tok_terms = general route's terms on %ld short strings and %ld lines (%ld terms)\n",
           strings, fc.texts - strings, fc.terms);
  }
  free(fc.x);
  free(fc.y);
  free(fc.a);
  free(fc.b);
  seg_free(fc.seg);
  tok_free(fc.fused);
  tok_free(fc.ref);
  lex_free(dl);
}

/* The marks of tok_terms_marked over text: 'w' a term, '-' TOK_HYPHEN, '|' TOK_GAP, into out. */
static void marks(tok *t, const char *text, char *out, size_t cap) {
  uint32_t *ids = NULL;
  size_t n = 0, icap = 0, k = 0;
  CHECK(tok_terms_marked(t, text, strlen(text), &ids, &n, &icap) == TOPICS_OK);
  for (size_t i = 0; i < n && k + 1 < cap; i++)
    out[k++] = ids[i] == TOK_HYPHEN ? '-' : ids[i] == TOK_GAP ? '|' : 'w';
  out[k] = '\0';
  free(ids);
}

/* With tok_set_hyphens, a hyphen inside a word joins the terms around it (TOK_HYPHEN) on the fast
 * path, the general route (non-ASCII text) and the dictionary route alike; a hyphen with white
 * space around it, or next to a number, is a break as before, and so is any hyphen when off. */
static void test_hyphens(const lex *lx) {
  tok_options o = tok_default_options();
  topics_status st;
  lex *dl = lex_new(&st);
  CHECK(dl && lex_add_dict_entry(dl, "qqqzzz xxxjjj", 13) == TOPICS_OK);
  tok *t = tok_new(lx, &o, &st), *d = dl ? tok_new(dl, &o, &st) : NULL;
  CHECK(t && d);
  if (t && d) {
    char m[64];
    tok_set_hyphens(t, 1);
    tok_set_hyphens(d, 1);
    marks(t, "AC-TEM observations", m, sizeof m);
    CHECK_STREQ(m, "w-ww");
    marks(t, "Fermi\xE2\x80\x93" "Dirac statistics", m, sizeof m); /* en dash: general route */
    CHECK_STREQ(m, "w-ww");
    marks(d, "AC-TEM observations", m, sizeof m);                 /* dictionary route */
    CHECK_STREQ(m, "w-ww");
    marks(t, "graph - theory, graph-42 theory", m, sizeof m);
    CHECK_STREQ(m, "w|w|w|w");
    tok_set_hyphens(t, 0);
    marks(t, "AC-TEM observations", m, sizeof m);
    CHECK_STREQ(m, "w|ww");
  }
  tok_free(t);
  tok_free(d);
  lex_free(dl);
}

int main(void) {
  topics_status st;
  lex *lx = lex_new(&st);
  CHECK(lx != NULL);
  if (!lx) return check_done();
  CHECK(tok_default_options().fold_han == 1);
  tok_options o = tok_default_options();
  tok *t = tok_new(lx, &o, &st);
  CHECK(t != NULL && st == TOPICS_OK);
  if (t) {
    test_terms(t);
    test_cache(t);
    test_raw(t);
  }
  tok_free(t);
  tok_free(NULL);
  test_no_fold(lx);
  test_long_words(lx);
  test_dict();
  test_fused_path(lx);
  test_hyphens(lx);
  lex_free(lx);
  return check_done();
}
