/* The corpus phrase pass, through the ingest API on generated corpora: planted collocations are
 * found and shown as written, chance neighbours of frequent words are not; no phrase crosses
 * punctuation, a line end or a stopword; a Han compound that ICU splits (特 异性) becomes one
 * term shown joined while single characters stay no terms; fragments of a longer phrase are not
 * left behind; the result is the same for 1 and 2 threads; with phrases off the terms and token
 * sequences are those of plain tok_terms. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "test_util.h"
#include "models/dtm.h"
#include "pipeline/ingest.h"
#include "tokenize/lexicon.h"
#include "tokenize/tokenizer.h"

/* ---- generated text ---- */

static uint64_t rng_state;

static uint32_t rnd(uint32_t n) {
  rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
  return (uint32_t)((rng_state >> 33) % n);
}

typedef struct text {
  char *s;
  size_t n, cap;
} text;

static void put(text *t, const char *s) {
  size_t l = strlen(s);
  if (t->n + l + 1 > t->cap) {
    t->cap = (t->n + l + 1) * 2;
    t->s = realloc(t->s, t->cap);
    if (!t->s) abort();
  }
  memcpy(t->s + t->n, s, l + 1);
  t->n += l;
}

/* Filler words: made-up syllable words (no stopword, no English word), drawn with a skewed
 * distribution so that some are frequent. */
static char filler[300][12];

static void make_filler(void) {
  static const char *con = "bdfgklmnprstvz", *vow = "aeiou";
  for (int i = 0; i < 300; i++) {
    int n = 0;
    uint32_t x = (uint32_t)i * 2654435761u;
    for (int s = 0; s < 3; s++) {
      filler[i][n++] = con[x % 14];
      x /= 14;
      filler[i][n++] = vow[x % 5];
      x /= 5;
    }
    filler[i][n++] = "xq"[i & 1]; /* words of 7 letters ending in x or q: stems are the words */
    filler[i][n] = '\0';
  }
}

static const char *any_filler(void) {
  uint32_t r = rnd(300);
  return filler[rnd(r + 1)]; /* low indexes come more often */
}

/* ---- running ingest ---- */

typedef struct doc_src {
  char **docs;
  size_t n;
} doc_src;

/* The dtm of the documents, ingested with nthreads threads, phrases on or off. */
static dtm *ingest_docs_dtm(const doc_src *src, uint32_t nthreads, int phrases) {
  topics_status st;
  lex *lx = lex_new(&st);
  CHECK(lx != NULL);
  tok_options to = tok_default_options();
  ingest *g = ingest_new(lx, &to, nthreads, NULL, &st);
  CHECK(g != NULL);
  ingest_set_phrases(g, phrases);
  const rd_sink *sk = ingest_sink(g);
  for (size_t d = 0; d < src->n; d++) {
    char id[32];
    snprintf(id, sizeof id, "doc#%zu", d + 1);
    rd_talk_info info = {.id = id, .path = "gen", .title = id, .line = 1};
    CHECK(sk->begin(sk->ud, &info) == TOPICS_OK);
    /* Hand the text over line by line, as the reader does. */
    const char *p = src->docs[d];
    while (*p) {
      const char *e = strchr(p, '\n');
      size_t len = e ? (size_t)(e - p) + 1 : strlen(p);
      CHECK(sk->text(sk->ud, p, len) == TOPICS_OK);
      p += len;
    }
    CHECK(sk->end(sk->ud) == TOPICS_OK);
  }
  CHECK(ingest_finish(g) == TOPICS_OK);
  dtm_options o = dtm_default_options();
  dtm *m = NULL;
  CHECK(dtm_build(ingest_builder(g), &o, &m) == TOPICS_OK);
  ingest_free(g);
  lex_free(lx);
  return m;
}

static uint32_t find_word(const dtm *m, const char *w) {
  for (uint32_t t = 0; t < dtm_nterms(m); t++)
    if (strcmp(dtm_term_word(m, t), w) == 0) return t;
  return UINT32_MAX;
}

/* 1 when some term's display word is w. */
static int has_word(const dtm *m, const char *w) { return find_word(m, w) != UINT32_MAX; }

static void free_src(doc_src *s) {
  for (size_t i = 0; i < s->n; i++) free(s->docs[i]);
  free(s->docs);
}

/* ---- an English corpus with planted collocations and traps ---- */

/* 120 talks of filler sentences. Planted in some of them: collocations in varied surroundings
 * ("machine learning", "Event Loop", "pull request", a three-word "graph neural network"); the
 * frequent words "python" and "data" thrown in at random (so they often meet by chance); pairs
 * always written across a comma, a line end or a stopword; and a control pair written just as
 * often, adjacent. */
static doc_src english_corpus(void) {
  doc_src s = {calloc(120, sizeof(char *)), 120};
  rng_state = 42;
  for (size_t d = 0; d < s.n; d++) {
    text t = {0};
    int sentences = 8 + (int)rnd(8);
    for (int k = 0; k < sentences; k++) {
      int words = 6 + (int)rnd(8);
      for (int w = 0; w < words; w++) {
        uint32_t r = rnd(1000);
        if (w) put(&t, " ");
        if (r < 40) put(&t, "python");
        else if (r < 80) put(&t, "data");
        else if (r < 85) put(&t, "machine"); /* the parts also occur alone */
        else if (r < 90) put(&t, "learning");
        else put(&t, any_filler());
      }
      uint32_t plant = rnd(40); /* each in about a quarter of the talks */
      if (plant == 0) put(&t, d % 2 ? " machine learning " : " Machine Learning ");
      else if (plant == 1) put(&t, " Event Loop ");
      else if (plant == 2) put(&t, " pull request ");
      else if (plant == 3) put(&t, " graph neural network ");
      else if (plant == 4) put(&t, " zebulon, quartzite "); /* comma: never a phrase */
      else if (plant == 5) put(&t, " fennimore\nyarrowby "); /* line end */
      else if (plant == 6) put(&t, " marlowe the vintner "); /* stopword */
      else if (plant == 7) put(&t, " oberon tiberius ");     /* control: adjacent */
      put(&t, any_filler());
      put(&t, k % 3 == 2 ? ".\n" : ". ");
    }
    s.docs[d] = t.s;
  }
  return s;
}

static void test_english(void) {
  make_filler();
  doc_src src = english_corpus();
  dtm *m = ingest_docs_dtm(&src, 1, 1);
  /* Found, shown as written (most common case, spaces kept). */
  uint32_t ml = find_word(m, "machine learning");
  CHECK_MSG(ml != UINT32_MAX, "machine learning not found");
  CHECK(has_word(m, "event loop"));
  CHECK(has_word(m, "pull request"));
  CHECK(has_word(m, "oberon tiberius"));
  uint32_t gnn = find_word(m, "graph neural network");
  CHECK_MSG(gnn != UINT32_MAX, "graph neural network not found");
  /* Its fragments are not left behind as terms. */
  CHECK(!has_word(m, "graph neural"));
  CHECK(!has_word(m, "neural network"));
  if (gnn != UINT32_MAX) CHECK(dtm_term_nwords(m, gnn) == 3);
  /* The parts of machine learning stay terms of their own, and the phrase knows them. */
  if (ml != UINT32_MAX) {
    uint32_t n;
    const uint32_t *parts = dtm_term_parts(m, ml, &n);
    CHECK(n == 2 && dtm_term_nwords(m, ml) == 2);
    CHECK(parts && parts[0] == find_word(m, "machine") && parts[1] == find_word(m, "learning"));
    CHECK(parts && parts[0] != UINT32_MAX);
  }
  uint32_t one, zeb = find_word(m, "zebulon");
  CHECK(zeb != UINT32_MAX && dtm_term_parts(m, zeb, &one) == NULL && one == 1);
  /* Frequent words that meet by chance are no phrase. */
  CHECK(!has_word(m, "python data"));
  CHECK(!has_word(m, "data python"));
  CHECK(!has_word(m, "python python"));
  /* Nothing across punctuation, a line end or a stopword. */
  CHECK(!has_word(m, "zebulon quartzite"));
  CHECK(!has_word(m, "fennimore yarrowby"));
  CHECK(!has_word(m, "marlowe vintner"));
  CHECK(has_word(m, "zebulon") && has_word(m, "yarrowby") && has_word(m, "vintner"));
  /* No phrase of filler words: they were thrown together at random. */
  for (uint32_t t = 0; t < dtm_nterms(m); t++) {
    const char *w = dtm_term_word(m, t);
    if (dtm_term_nwords(m, t) > 1)
      CHECK_MSG(strstr(w, "machine") || strstr(w, "event") || strstr(w, "pull") ||
                    strstr(w, "graph") || strstr(w, "oberon"),
                "unexpected phrase \"%s\"", w);
  }
  dtm_free(m);
  free_src(&src);
}

/* ---- determinism and phrases off ---- */

static int same_dtm(const dtm *a, const dtm *b) {
  if (dtm_nterms(a) != dtm_nterms(b) || dtm_ndocs(a) != dtm_ndocs(b)) return 0;
  for (uint32_t t = 0; t < dtm_nterms(a); t++)
    if (strcmp(dtm_term_word(a, t), dtm_term_word(b, t)) != 0 ||
        strcmp(dtm_term_key(a, t), dtm_term_key(b, t)) != 0 ||
        dtm_term_nwords(a, t) != dtm_term_nwords(b, t))
      return 0;
  for (uint32_t d = 0; d < dtm_ndocs(a); d++) {
    uint32_t la, lb;
    const uint32_t *x = dtm_doc(a, d, &la), *y = dtm_doc(b, d, &lb);
    if (la != lb || (la && memcmp(x, y, la * sizeof *x) != 0)) return 0;
    for (uint32_t i = 0; i < la; i++)
      if (strcmp(dtm_doc_word(a, d, x[i]), dtm_doc_word(b, d, y[i])) != 0) return 0;
  }
  return 1;
}

static void test_threads(void) {
  doc_src src = english_corpus();
  dtm *one = ingest_docs_dtm(&src, 1, 1), *two = ingest_docs_dtm(&src, 2, 1);
  CHECK(same_dtm(one, two));
  int phrases = 0;
  for (uint32_t t = 0; t < dtm_nterms(one); t++) phrases += dtm_term_nwords(one, t) > 1;
  CHECK(phrases >= 4);
  dtm_free(one);
  dtm_free(two);
  free_src(&src);
}

/* With phrases off, the matrix is the one plain tok_terms gives, built the way ingest built it
 * before phrases: every term a single word, the same terms, the same token sequences. */
static void test_off(void) {
  doc_src src = english_corpus();
  dtm *off = ingest_docs_dtm(&src, 2, 0);
  topics_status st;
  lex *lx = lex_new(&st);
  tok_options to = tok_default_options();
  tok *t = tok_new(lx, &to, &st);
  dtm_builder *b = dtm_builder_new();
  uint32_t *ids = NULL;
  size_t cap = 0;
  for (size_t d = 0; d < src.n; d++) {
    size_t n = 0;
    CHECK(dtm_builder_begin_doc(b) == TOPICS_OK);
    CHECK(tok_terms(t, src.docs[d], strlen(src.docs[d]), &ids, &n, &cap) == TOPICS_OK);
    for (size_t i = 0; i < n; i++) {
      size_t tl, sl;
      const char *term = tok_entry_term(t, ids[i], &tl), *surf = tok_entry_surface(t, ids[i], &sl);
      CHECK(dtm_builder_surface(b, term, tl, surf, sl, &ids[i]) == TOPICS_OK);
    }
    CHECK(dtm_builder_add(b, ids, n) == TOPICS_OK);
  }
  dtm_options o = dtm_default_options();
  dtm *ref = NULL;
  CHECK(dtm_build(b, &o, &ref) == TOPICS_OK);
  CHECK(ref && same_dtm(off, ref));
  CHECK(ref && dtm_ntokens_raw(off) == dtm_ntokens_raw(ref));
  for (uint32_t i = 0; i < dtm_nterms(off); i++) CHECK(dtm_term_nwords(off, i) == 1);
  CHECK(!has_word(off, "machine learning"));
  free(ids);
  dtm_free(ref);
  dtm_free(off);
  dtm_builder_free(b);
  tok_free(t);
  lex_free(lx);
  free_src(&src);
}

/* ---- a Chinese corpus ---- */

/* 60 talks of sentences made of common words, with 特异性 (which ICU splits as 特 异性 after
 * these words) and 循环肿瘤细胞 (three words) in varied surroundings, and 异性 also on its own;
 * each in about a third of the talks. */
static void test_chinese(void) {
  static const char *words[] = {"我们", "研究", "发现", "这种", "方法", "具有", "结果", "表明",
                                "实验", "样本", "分析", "检测", "模型", "系统", "数据", "临床",
                                "患者", "治疗", "技术", "应用", "评估", "显著", "提高", "准确"};
  const size_t nw = sizeof words / sizeof words[0];
  doc_src src = {calloc(60, sizeof(char *)), 60};
  rng_state = 7;
  for (size_t d = 0; d < src.n; d++) {
    text t = {0};
    for (int k = 0; k < 10; k++) {
      int n = 4 + (int)rnd(6);
      for (int w = 0; w < n; w++) put(&t, words[rnd((uint32_t)nw)]);
      uint32_t plant = rnd(24);
      if (plant == 0) put(&t, "特异性");
      else if (plant == 1) put(&t, "循环肿瘤细胞");
      else if (plant == 2) put(&t, "异性");
      put(&t, words[rnd((uint32_t)nw)]);
      put(&t, "。");
    }
    put(&t, "\n");
    src.docs[d] = t.s;
  }
  dtm *m = ingest_docs_dtm(&src, 2, 1);
  uint32_t ts = find_word(m, "特异性");
  CHECK_MSG(ts != UINT32_MAX, "特异性 not found");
  if (ts != UINT32_MAX) {
    uint32_t n;
    const uint32_t *parts = dtm_term_parts(m, ts, &n);
    CHECK(n == 2 && parts && parts[0] == UINT32_MAX); /* 特 is no term by itself */
    CHECK(parts && parts[1] == find_word(m, "异性"));
  }
  CHECK(has_word(m, "循环肿瘤细胞"));
  CHECK(!has_word(m, "特"));
  CHECK(!has_word(m, "高"));
  for (uint32_t t = 0; t < dtm_nterms(m); t++) CHECK(strchr(dtm_term_word(m, t), ' ') == NULL);
  dtm *off = ingest_docs_dtm(&src, 2, 0);
  CHECK(!has_word(off, "特异性") && !has_word(off, "特"));
  dtm_free(off);
  dtm_free(m);
  free_src(&src);
}

/* ---- the pass on a builder stream ---- */

/* Gaps and pieces given by hand: a piece alone is dropped, a gap never ends up in the matrix, and
 * dtm_build refuses a stream that still holds them. */
static void test_builder_marks(void) {
  dtm_builder *b = dtm_builder_new();
  uint32_t a, p, g = DTM_GAP;
  CHECK(dtm_builder_surface(b, "alpha", 5, "alpha", 5, &a) == TOPICS_OK);
  CHECK(dtm_builder_surface_marked(b, "x", 1, "x", 1, DTM_PIECE, &p) == TOPICS_OK);
  for (int d = 0; d < 3; d++) {
    uint32_t s[] = {a, g, p, a};
    CHECK(dtm_builder_begin_doc(b) == TOPICS_OK);
    CHECK(dtm_builder_add(b, s, 4) == TOPICS_OK);
  }
  dtm *m = NULL;
  dtm_options o = dtm_default_options();
  o.min_df = 1;
  CHECK(dtm_build(b, &o, &m) == TOPICS_EINVAL && m == NULL);
  CHECK(dtm_builder_phrases(b, NULL) == TOPICS_OK);
  CHECK(dtm_build(b, &o, &m) == TOPICS_OK);
  CHECK(m && dtm_nterms(m) == 1 && dtm_ntokens(m) == 6);
  dtm_free(m);
  dtm_builder_free(b);
}

/* tok_terms_marked is tok_terms plus marks: without its gaps and pieces it gives the same ids; a gap
 * is never first, last-before-nothing twice, and pieces are single Han characters. Run on the sample
 * corpus (both languages) and on generated text mixing scripts, punctuation and line ends. */
static void check_marked(tok *t, const char *s, size_t len) {
  uint32_t *a = NULL, *b = NULL;
  size_t na = 0, nb = 0, ca = 0, cb = 0;
  CHECK(tok_terms(t, s, len, &a, &na, &ca) == TOPICS_OK);
  CHECK(tok_terms_marked(t, s, len, &b, &nb, &cb) == TOPICS_OK);
  size_t j = 0;
  int ok = 1;
  for (size_t i = 0; i < nb; i++) {
    if (b[i] == TOK_GAP) {
      if (i == 0 || b[i - 1] == TOK_GAP) ok = 0;
      continue;
    }
    if (tok_entry_marks(t, b[i]) & TOK_JOINABLE) {
      size_t sl;
      const char *sf = tok_entry_surface(t, b[i], &sl);
      if (sl != 3 || (unsigned char)sf[0] < 0xE3) ok = 0; /* one Han character */
      continue;
    }
    if (j >= na || a[j] != b[i]) ok = 0;
    j++;
  }
  CHECK_MSG(ok && j == na, "marked terms differ on \"%.60s\"", s);
  free(a);
  free(b);
}

static void test_marked(void) {
  topics_status st;
  lex *lx = lex_new(&st);
  tok_options to = tok_default_options();
  tok *t = tok_new(lx, &to, &st);
  static const char *files[] = {"pycon-blog.md", "pad-day1.txt", "travelogue.txt",
                                "zh-hans-notes.md", "meetup.jsonl"};
  for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
    char path[512];
    snprintf(path, sizeof path, "%s/corpus/%s", TOPICS_SOURCE_DIR, files[f]);
    size_t len;
    char *s = tu_slurp(path, &len);
    CHECK(s != NULL);
    if (s) check_marked(t, s, len);
    free(s);
  }
  static const char *bits[] = {"machine", "learning", " ", "\n", ", ", "的", "特", "异性", "講",
                               "者", "2024", "the", "API", "https://x.org/a", "。", "非", "同步",
                               "資料", "-", "é", "x", "\r\n", "#tag"};
  rng_state = 3;
  for (int k = 0; k < 300; k++) {
    text x = {0};
    int n = 1 + (int)rnd(40);
    for (int i = 0; i < n; i++) put(&x, bits[rnd(sizeof bits / sizeof bits[0])]);
    check_marked(t, x.s, x.n);
    free(x.s);
  }
  tok_free(t);
  lex_free(lx);
}

int main(void) {
  test_marked();
  test_english();
  test_threads();
  test_off();
  test_chinese();
  test_builder_marks();
  return check_done();
}
