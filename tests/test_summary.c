/* Topic summaries on a small two-theme corpus (shares, top words, representative documents,
 * document mixes, empty documents), relevance ranking (a word shared by both topics ranks below
 * the specific ones), and NPMI coherence on hand-checked co-occurrence patterns. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "models/coherence.h"
#include "models/dtm.h"
#include "models/lda.h"
#include "models/summary.h"

#define ND 40

/* Documents 0..19 use words 0..9, documents 20..39 words 10..19, document 40 is empty, and
 * document 41 mixes both themes evenly. */
static dtm *corpus(void) {
  static uint32_t buf[ND + 2][60];
  const uint32_t *docs[ND + 2];
  uint32_t lens[ND + 2];
  unsigned x = 12345;
  for (uint32_t d = 0; d < ND; d++) {
    lens[d] = 20 + d % 7 * 5;
    for (uint32_t i = 0; i < lens[d]; i++) {
      x = x * 1103515245u + 12345u;
      buf[d][i] = (d < ND / 2 ? 0 : 10) + (x >> 16) % 10;
    }
    docs[d] = buf[d];
  }
  lens[ND] = 0;
  docs[ND] = NULL;
  lens[ND + 1] = 40;
  for (uint32_t i = 0; i < 40; i++) buf[ND + 1][i] = (i % 2 ? 10 : 0) + i / 4;
  docs[ND + 1] = buf[ND + 1];
  dtm *m = NULL;
  CHECK(dtm_from_ids(ND + 2, docs, lens, 20, NULL, &m) == TOPICS_OK);
  return m;
}

static double relevance(const dtm *m, double phi, uint32_t w) {
  double pw = (double)dtm_term_cf(m, w) / (double)dtm_ntokens(m);
  return SUM_LAMBDA * log(phi) + (1 - SUM_LAMBDA) * log(phi / pw);
}

static void test_summary(void) {
  dtm *m = corpus();
  if (!m) return;
  lda_options o = lda_default_options();
  o.k = 2;
  o.iterations = 200;
  topics_status st;
  lda *md = lda_new(m, &o, &st);
  CHECK(md && lda_train(md) == TOPICS_OK);
  summary *s = NULL;
  CHECK(sum_compute(md, m, 5, 3, &s) == TOPICS_OK);
  if (!s) {
    lda_free(md);
    dtm_free(m);
    return;
  }
  CHECK(s->k == 2 && s->ndocs == ND + 2);
  CHECK(fabs(s->topics[0].share + s->topics[1].share - 1.0) < 1e-12);
  /* Which learned topic holds words 0..9? */
  uint32_t a = s->topics[0].words[0] < 10 ? 0 : 1, b = 1 - a;
  for (uint32_t t = 0; t < 2; t++) {
    sum_topic *tp = &s->topics[t];
    CHECK(tp->nwords == 5 && tp->ndocs == 3);
    for (uint32_t i = 0; i < tp->nwords; i++) {
      CHECK((t == a) == (tp->words[i] < 10)); /* each topic is one theme */
      if (i) {
        /* Ordered by relevance; weights are p(word | topic). */
        double r0 = relevance(m, tp->weights[i - 1], tp->words[i - 1]);
        double r1 = relevance(m, tp->weights[i], tp->words[i]);
        CHECK(r1 <= r0 + 1e-12);
        if (r1 == r0) CHECK(tp->words[i] > tp->words[i - 1]);
      }
    }
    for (uint32_t i = 0; i < tp->ndocs; i++) {
      CHECK(tp->docs[i] != ND && tp->docs[i] != ND + 1); /* never the empty or the mixed doc */
      CHECK((t == a) == (tp->docs[i] < ND / 2));
    }
  }
  CHECK(s->topics[a].share > 0.4 && s->topics[b].share > 0.4);
  for (uint32_t d = 0; d < ND + 2; d++) {
    sum_doc *sd = &s->docs[d];
    double sum = 0;
    for (uint32_t t = 0; t < 2; t++) sum += sd->theta[t];
    CHECK(fabs(sum - 1) < 1e-9);
    CHECK(sd->ntop <= 3);
    for (uint32_t i = 0; i < sd->ntop; i++) CHECK(sd->theta[sd->top[i]] >= 0.05);
    if (sd->ntop == 2) CHECK(sd->theta[sd->top[0]] >= sd->theta[sd->top[1]]);
    if (d < ND) CHECK(sd->ntop >= 1 && sd->top[0] == (d < ND / 2 ? a : b));
  }
  CHECK(s->docs[ND].ntop == 0);     /* empty: prior only, no topics of its own */
  CHECK(s->docs[ND + 1].ntop == 2); /* evenly mixed */
  sum_free(s);

  /* More words and documents asked for than exist. */
  CHECK(sum_compute(md, m, 100, 100, &s) == TOPICS_OK);
  if (s) {
    CHECK(s->topics[0].nwords == 20);
    CHECK(s->topics[0].ndocs <= ND + 1);
    sum_free(s);
  }
  sum_free(NULL);
  lda_free(md);
  dtm_free(m);
}

static void test_npmi(void) {
  /* Words 0 and 1 always together (in half the docs); 2 and 3 never together; 4 everywhere. */
  uint32_t d0[] = {0, 1, 2, 4}, d1[] = {0, 1, 2, 4}, d2[] = {3, 4}, d3[] = {3, 4};
  const uint32_t *docs[] = {d0, d1, d2, d3};
  uint32_t lens[] = {4, 4, 2, 2};
  dtm *m;
  CHECK(dtm_from_ids(4, docs, lens, 6, NULL, &m) == TOPICS_OK);
  uint32_t together[] = {0, 1}, apart[] = {2, 3}, indep[] = {0, 4}, unused[] = {0, 5};
  CHECK(fabs(coh_npmi(m, together, 2) - 1.0) < 1e-6);
  CHECK(coh_npmi(m, apart, 2) < -0.9); /* about -0.95 with epsilon 1e-12 */
  CHECK(fabs(coh_npmi(m, indep, 2)) < 1e-6);
  CHECK(coh_npmi(m, unused, 2) == -1.0);
  uint32_t three[] = {0, 1, 2}; /* pairs: 1, 1, 1 (2 is with 0 and 1 in the same docs) */
  CHECK(fabs(coh_npmi(m, three, 3) - 1.0) < 1e-6);
  uint32_t two_topics[] = {0, 1, 2, 3};
  double mean = coh_npmi_mean(m, two_topics, 2, 2), want = (coh_npmi(m, together, 2) + coh_npmi(m, apart, 2)) / 2;
  CHECK_MSG(fabs(mean - want) < 1e-12, "%f vs %f", mean, want);
  CHECK(coh_npmi(m, together, 1) == 0.0);
  dtm_free(m);
}

/* Two themes of 20 talks each, words 0..4 and 5..9 five times per talk, and word 10 in every talk
 * six times: the most probable word of both topics. Ranked by relevance it falls below the words
 * specific to each topic; ranked by p(word | topic) alone (lambda 1) it leads. */
static void test_shared_word(void) {
  static uint32_t buf[40][31];
  const uint32_t *docs[40];
  uint32_t lens[40];
  for (uint32_t d = 0; d < 40; d++) {
    uint32_t n = 0, base = d < 20 ? 0 : 5;
    for (uint32_t r = 0; r < 6; r++) buf[d][n++] = 10;
    for (uint32_t w = 0; w < 5; w++)
      for (uint32_t r = 0; r < 5; r++) buf[d][n++] = base + w;
    docs[d] = buf[d];
    lens[d] = n;
  }
  dtm *m = NULL;
  CHECK(dtm_from_ids(40, docs, lens, 11, NULL, &m) == TOPICS_OK);
  lda_options o = lda_default_options();
  o.k = 2;
  o.iterations = 300;
  topics_status st;
  lda *md = m ? lda_new(m, &o, &st) : NULL;
  CHECK(md && lda_train(md) == TOPICS_OK);
  summary *rel = NULL, *phi = NULL, *bad = NULL;
  CHECK(md && sum_compute(md, m, 6, 0, &rel) == TOPICS_OK);
  CHECK(md && sum_compute_rel(md, m, 6, 0, 1.0, &phi) == TOPICS_OK);
  CHECK(md && sum_compute_rel(md, m, 6, 0, 1.5, &bad) == TOPICS_EINVAL && bad == NULL);
  if (rel && phi)
    for (uint32_t t = 0; t < 2; t++) {
      CHECK(rel->topics[t].nwords == 6 && phi->topics[t].nwords == 6);
      CHECK(rel->topics[t].words[5] == 10); /* shared: last of the six */
      CHECK(phi->topics[t].words[0] == 10); /* by probability alone: first */
      for (uint32_t i = 0; i < 5; i++) CHECK(rel->topics[t].words[i] != 10);
    }
  sum_free(rel);
  sum_free(phi);
  lda_free(md);
  dtm_free(m);
}

int main(void) {
  test_summary();
  test_shared_word();
  test_npmi();
  return check_done();
}
