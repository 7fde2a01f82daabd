/* The term matrix: surface interning, min_df / max_df (the default rule below and at 20
 * documents, and an explicit fraction), term numbering, display words (corpus-wide and per
 * document), per-document arrays, the
 * CSR matrix, empty documents and dtm_from_ids. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "models/dtm.h"

/* Adds one document given as space-separated "key/surface" tokens (surface = key when no '/'). */
static void add_doc(dtm_builder *b, const char *text) {
  uint32_t sids[64];
  size_t n = 0;
  CHECK(dtm_builder_begin_doc(b) == TOPICS_OK);
  const char *p = text;
  while (*p) {
    while (*p == ' ') p++;
    if (!*p) break;
    const char *e = p;
    while (*e && *e != ' ') e++;
    const char *slash = memchr(p, '/', (size_t)(e - p));
    const char *key = p, *surf = slash ? slash + 1 : p;
    size_t klen = (size_t)((slash ? slash : e) - p), slen = (size_t)(e - surf);
    CHECK(dtm_builder_surface(b, key, klen, surf, slen, &sids[n]) == TOPICS_OK);
    n++;
    p = e;
  }
  CHECK(dtm_builder_add(b, sids, n) == TOPICS_OK);
}

static uint32_t find_term(const dtm *m, const char *key) {
  for (uint32_t t = 0; t < dtm_nterms(m); t++)
    if (strcmp(dtm_term_key(m, t), key) == 0) return t;
  return UINT32_MAX;
}

static void check_csr(const dtm *m) {
  const uint64_t *rows = dtm_csr_rows(m);
  const uint32_t *cols = dtm_csr_cols(m), *vals = dtm_csr_vals(m);
  CHECK(rows[0] == 0);
  uint32_t *count = calloc(dtm_nterms(m) + 1, sizeof *count);
  uint64_t total = 0;
  for (uint32_t d = 0; d < dtm_ndocs(m); d++) {
    uint32_t len;
    const uint32_t *ids = dtm_doc(m, d, &len);
    total += len;
    for (uint32_t i = 0; i < len; i++) {
      CHECK(ids[i] < dtm_nterms(m));
      count[ids[i]]++;
    }
    for (uint64_t j = rows[d]; j < rows[d + 1]; j++) {
      if (j > rows[d]) CHECK(cols[j] > cols[j - 1]); /* ascending, no duplicates */
      CHECK(vals[j] > 0 && vals[j] == count[cols[j]]);
      count[cols[j]] = 0;
    }
    for (uint32_t t = 0; t < dtm_nterms(m); t++) CHECK(count[t] == 0);
  }
  CHECK(total == dtm_ntokens(m));
  free(count);
}

static void test_small(void) {
  dtm_builder *b = dtm_builder_new();
  CHECK(b != NULL);
  /* "test" is spelled Testing x3, tests x2, test x1 -> shown as Testing. "tie" has two surfaces
   * seen twice each: the byte-smaller one ("Tie" < "tie") wins. "once" is in one document. */
  add_doc(b, "test/Testing test/tests python once tie/tie");
  add_doc(b, "test/Testing python python tie/Tie");
  add_doc(b, "");
  add_doc(b, "test/Testing test/tests test/test tie/tie tie/Tie python");
  add_doc(b, "once2 once2");
  dtm *m = NULL;
  dtm_options o = dtm_default_options();
  CHECK(o.min_df == 2 && o.max_df < 0);
  CHECK(dtm_build(b, &o, &m) == TOPICS_OK);
  dtm_builder_free(b);
  if (!m) return;
  CHECK(dtm_ndocs(m) == 5);
  /* Under 20 documents nothing is too common: python (3 of 5 docs) stays. */
  CHECK(dtm_nterms(m) == 3);
  CHECK_STREQ(dtm_term_key(m, 0), "test"); /* cf 6 */
  CHECK_STREQ(dtm_term_key(m, 1), "python"); /* cf 4, "python" < "tie" */
  CHECK_STREQ(dtm_term_key(m, 2), "tie");    /* cf 4 */
  CHECK_STREQ(dtm_term_word(m, 0), "Testing");
  CHECK_STREQ(dtm_term_word(m, 1), "python");
  CHECK_STREQ(dtm_term_word(m, 2), "Tie");
  CHECK(find_term(m, "once") == UINT32_MAX && find_term(m, "once2") == UINT32_MAX);
  CHECK(dtm_term_df(m, 0) == 3 && dtm_term_cf(m, 0) == 6);
  CHECK(dtm_term_df(m, 1) == 3 && dtm_term_cf(m, 1) == 4);
  CHECK(dtm_ntokens_raw(m) == 17);
  CHECK(dtm_ntokens(m) == 14);
  uint32_t len;
  const uint32_t *ids = dtm_doc(m, 0, &len);
  CHECK(len == 4 && ids[0] == 0 && ids[1] == 0 && ids[2] == 1 && ids[3] == 2); /* text order */
  dtm_doc(m, 2, &len);
  CHECK(len == 0); /* empty documents keep their index */
  dtm_doc(m, 4, &len);
  CHECK(len == 0); /* emptied by filtering */
  check_csr(m);
  /* Per document: doc 0 spells "tie" only as "tie"; its Testing/tests tie goes to the corpus's
   * word; doc 3's tie/Tie tie too. */
  CHECK_STREQ(dtm_doc_word(m, 0, 2), "tie");
  CHECK_STREQ(dtm_doc_word(m, 0, 0), "Testing");
  CHECK_STREQ(dtm_doc_word(m, 1, 2), "Tie");
  CHECK_STREQ(dtm_doc_word(m, 3, 0), "Testing");
  CHECK_STREQ(dtm_doc_word(m, 3, 2), "Tie");
  CHECK_STREQ(dtm_doc_word(m, 2, 1), "python"); /* an empty document */
  dtm_free(m);
  dtm_free(NULL);
  dtm_builder_free(NULL);
}

/* A corpus mostly in Simplified script with one talk in Traditional: that talk's tags must read
 * 測試 and 數據, the others 测试 and 数据; a talk using both spellings equally shows the corpus's. */
static void test_doc_words(void) {
  dtm_builder *b = dtm_builder_new();
  add_doc(b, "测试/测试 测试/测试 数据/数据 数据/数据");
  add_doc(b, "测试/测试 数据/数据 测试/测试");
  add_doc(b, "测试/測試 测试/測試 数据/數據 测试/测试 python");
  add_doc(b, "测试/測試 测试/测试 python 数据/数据");
  dtm *m = NULL;
  CHECK(dtm_build(b, NULL, &m) == TOPICS_OK);
  dtm_builder_free(b);
  if (!m) return;
  uint32_t ts = find_term(m, "测试"), sj = find_term(m, "数据"), py = find_term(m, "python");
  CHECK(ts != UINT32_MAX && sj != UINT32_MAX && py != UINT32_MAX);
  if (ts == UINT32_MAX || sj == UINT32_MAX || py == UINT32_MAX) {
    dtm_free(m);
    return;
  }
  CHECK_STREQ(dtm_term_word(m, ts), "测试");
  CHECK_STREQ(dtm_doc_word(m, 0, ts), "测试");
  CHECK_STREQ(dtm_doc_word(m, 2, ts), "測試");
  CHECK_STREQ(dtm_doc_word(m, 2, sj), "數據");
  CHECK_STREQ(dtm_doc_word(m, 2, py), "python");
  CHECK_STREQ(dtm_doc_word(m, 3, ts), "测试");
  CHECK_STREQ(dtm_doc_word(m, 3, sj), "数据");
  CHECK_STREQ(dtm_doc_word(m, 99, ts), "测试"); /* no such document: the corpus's word */
  dtm_free(m);
}

/* n documents, all with "common", and "half" in the first h of them, "rare" in two. */
static dtm *build_df(uint32_t n, uint32_t h, double max_df) {
  dtm_builder *b = dtm_builder_new();
  for (uint32_t d = 0; d < n; d++) {
    if (d < 2) add_doc(b, d < h ? "common half rare" : "common rare");
    else add_doc(b, d < h ? "common half" : "common");
  }
  dtm_options o = dtm_default_options();
  o.max_df = max_df;
  dtm *m = NULL;
  CHECK(dtm_build(b, &o, &m) == TOPICS_OK);
  dtm_builder_free(b);
  return m;
}

static void test_max_df(void) {
  dtm *m = build_df(19, 9, -1); /* below 20 documents: default rule off */
  if (m) {
    CHECK(find_term(m, "common") != UINT32_MAX && find_term(m, "half") != UINT32_MAX);
    dtm_free(m);
  }
  m = build_df(20, 10, -1); /* 20 documents: drop df > 10 */
  if (m) {
    CHECK(find_term(m, "common") == UINT32_MAX);
    CHECK(find_term(m, "half") != UINT32_MAX); /* exactly half stays */
    CHECK(find_term(m, "rare") != UINT32_MAX);
    check_csr(m);
    dtm_free(m);
  }
  m = build_df(20, 11, -1);
  if (m) {
    CHECK(find_term(m, "half") == UINT32_MAX);
    dtm_free(m);
  }
  m = build_df(10, 5, 0.4); /* an explicit fraction applies at any size */
  if (m) {
    CHECK(find_term(m, "common") == UINT32_MAX && find_term(m, "half") == UINT32_MAX);
    CHECK(find_term(m, "rare") != UINT32_MAX);
    dtm_free(m);
  }
  /* min_df 1 keeps one-document terms. */
  dtm_builder *b = dtm_builder_new();
  add_doc(b, "solo");
  add_doc(b, "pair pair");
  dtm_options o = dtm_default_options();
  o.min_df = 1;
  CHECK(dtm_build(b, &o, &m) == TOPICS_OK);
  if (m) {
    CHECK(dtm_nterms(m) == 2);
    CHECK_STREQ(dtm_term_key(m, 0), "pair");
    dtm_free(m);
  }
  /* Adding before a document exists, and unknown surface ids, are errors. */
  dtm_builder *b2 = dtm_builder_new();
  uint32_t bogus = 0;
  CHECK(dtm_builder_add(b2, &bogus, 1) == TOPICS_EINVAL);
  CHECK(dtm_builder_begin_doc(b2) == TOPICS_OK);
  CHECK(dtm_builder_add(b2, &bogus, 1) == TOPICS_EINVAL);
  dtm_builder_free(b2);
  dtm_builder_free(b);
}

static void test_from_ids(void) {
  uint32_t d0[] = {2, 0, 2}, d2[] = {1};
  const uint32_t *docs[] = {d0, NULL, d2};
  uint32_t lens[] = {3, 0, 1};
  const char *words[] = {"a", NULL, "c", NULL};
  dtm *m;
  CHECK(dtm_from_ids(3, docs, lens, 4, words, &m) == TOPICS_OK);
  CHECK(dtm_nterms(m) == 4 && dtm_ndocs(m) == 3 && dtm_ntokens(m) == 4);
  CHECK_STREQ(dtm_term_word(m, 0), "a");
  CHECK_STREQ(dtm_term_word(m, 1), "w1");
  CHECK(dtm_term_df(m, 2) == 1 && dtm_term_cf(m, 2) == 2 && dtm_term_df(m, 3) == 0);
  const uint64_t *rows = dtm_csr_rows(m);
  CHECK(rows[1] == 2 && rows[2] == 2 && rows[3] == 3);
  CHECK(dtm_csr_cols(m)[0] == 0 && dtm_csr_vals(m)[1] == 2);
  check_csr(m);
  dtm_free(m);
  uint32_t bad[] = {9};
  const uint32_t *bd[] = {bad};
  uint32_t bl[] = {1};
  CHECK(dtm_from_ids(1, bd, bl, 4, NULL, &m) == TOPICS_EINVAL);
}

int main(void) {
  test_small();
  test_doc_words();
  test_max_df();
  test_from_ids();
  return check_done();
}
