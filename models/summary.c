/* Topic summaries: each topic's share, top words and most representative documents, and each
 * document's topic mix.
 *
 * Representative documents are ranked by θ_dt · L_d / (L_d + 10): a two-token talk can reach
 * θ ≈ 1 by chance, so a document's weight is discounted until it has a few dozen tokens of
 * evidence. Only documents with at least one token in the topic qualify. Ties go to the lower
 * document index (and, for words, the lower term id).
 *
 * Top words are ranked by relevance (Sievert & Shirley 2014): λ · log φ_tw + (1 − λ) · log lift,
 * lift = φ_tw / p_w. Ranking by φ alone puts the corpus's most frequent words (use, data, work,
 * 使用, 進行) at the top of many topics at once; the lift term divides that popularity out, and
 * λ keeps enough of φ that a rare word seen a few times in one topic does not win on lift alone.
 * λ = SUM_LAMBDA was picked by the NPMI of the top 10 words on the pyvideo talks (README). */
#include "models/summary.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define REP_SHRINK 10.0
#define DOC_TOP_MAX 3
#define DOC_TOP_MIN 0.05

typedef struct ranked {
  double score;
  uint32_t id;
} ranked;

static int cmp_ranked(const void *pa, const void *pb) {
  const ranked *a = pa, *b = pb;
  if (a->score != b->score) return a->score > b->score ? -1 : 1;
  return (a->id > b->id) - (a->id < b->id);
}

void sum_free(summary *s) {
  if (!s) return;
  for (uint32_t t = 0; s->topics && t < s->k; t++) {
    free(s->topics[t].words);
    free(s->topics[t].weights);
    free(s->topics[t].docs);
  }
  for (uint32_t d = 0; s->docs && d < s->ndocs; d++) {
    free(s->docs[d].theta);
    free(s->docs[d].top);
  }
  free(s->topics);
  free(s->docs);
  free(s);
}

topics_status sum_compute(const lda *model, const dtm *m, uint32_t nwords, uint32_t ndocs,
                          summary **out) {
  return sum_compute_rel(model, m, nwords, ndocs, SUM_LAMBDA, out);
}

/* Relevance of every word of a topic into r (V entries), from its φ row and log p_w. */
static void rank_relevance(const double *phi, const double *logp, uint32_t V, double lambda,
                           ranked *r) {
  for (uint32_t w = 0; w < V; w++) {
    double lp = log(phi[w]);
    r[w] = (ranked){lambda * lp + (1.0 - lambda) * (lp - logp[w]), w};
  }
}

topics_status sum_compute_rel(const lda *model, const dtm *m, uint32_t nwords, uint32_t ndocs,
                              double lambda, summary **out) {
  *out = NULL;
  if (!(lambda >= 0.0 && lambda <= 1.0)) return TOPICS_EINVAL;
  const uint32_t K = lda_k(model), V = dtm_nterms(m), D = dtm_ndocs(m);
  const uint64_t N = dtm_ntokens(m);
  summary *s = calloc(1, sizeof *s);
  if (!s) return TOPICS_ENOMEM;
  s->k = K;
  s->ndocs = D;
  s->topics = calloc(K, sizeof *s->topics);
  s->docs = calloc(D ? D : 1, sizeof *s->docs);
  size_t nr = V > D ? V : D;
  ranked *r = malloc((nr ? nr : 1) * sizeof *r);
  double *phi = malloc((V ? V : 1) * sizeof *phi);
  double *logp = malloc((V ? V : 1) * sizeof *logp);
  if (!s->topics || !s->docs || !r || !phi || !logp) goto oom;
  /* p_w from corpus frequency; a word no document kept (only possible with dtm_from_ids) gets
   * half a token so the logarithm stays finite. */
  for (uint32_t w = 0; w < V; w++) {
    uint64_t cf = dtm_term_cf(m, w);
    logp[w] = log((cf ? (double)cf : 0.5) / (double)(N ? N : 1));
  }
  const double *alpha = lda_alpha(model);
  double asum = 0;
  for (uint32_t t = 0; t < K; t++) asum += alpha[t];

  /* Per document: theta and its top topics. */
  for (uint32_t d = 0; d < D; d++) {
    sum_doc *sd = &s->docs[d];
    sd->theta = malloc((size_t)K * sizeof *sd->theta);
    sd->top = malloc(DOC_TOP_MAX * sizeof *sd->top);
    if (!sd->theta || !sd->top) goto oom;
    lda_doc_topic_dist(model, d, sd->theta);
    uint32_t len;
    dtm_doc(m, d, &len);
    if (len == 0) continue; /* an empty talk has no topics of its own, only the prior */
    /* The top three by partial selection: K can be large. */
    for (uint32_t i = 0; i < DOC_TOP_MAX; i++) {
      uint32_t best = UINT32_MAX;
      for (uint32_t t = 0; t < K; t++) {
        int taken = 0;
        for (uint32_t j = 0; j < i; j++) taken |= sd->top[j] == t;
        if (taken || sd->theta[t] < DOC_TOP_MIN) continue;
        if (best == UINT32_MAX || sd->theta[t] > sd->theta[best]) best = t;
      }
      if (best == UINT32_MAX) break;
      sd->top[sd->ntop++] = best;
    }
  }

  for (uint32_t t = 0; t < K; t++) {
    sum_topic *st = &s->topics[t];
    st->share = N ? (double)lda_topic_tokens(model, t) / (double)N : 0.0;
    lda_topic_word_dist(model, t, phi);
    rank_relevance(phi, logp, V, lambda, r);
    qsort(r, V, sizeof *r, cmp_ranked);
    st->nwords = nwords < V ? nwords : V;
    st->words = malloc((st->nwords ? st->nwords : 1) * sizeof *st->words);
    st->weights = malloc((st->nwords ? st->nwords : 1) * sizeof *st->weights);
    if (!st->words || !st->weights) goto oom;
    for (uint32_t i = 0; i < st->nwords; i++) {
      st->words[i] = r[i].id;
      st->weights[i] = phi[r[i].id];
    }
    uint32_t n = 0;
    for (uint32_t d = 0; d < D; d++) {
      uint32_t len;
      dtm_doc(m, d, &len);
      const double *th = s->docs[d].theta;
      /* n_dt recovered from theta = (n_dt + α_t) / (L + Σα); it must be at least one token. */
      double ndt = th[t] * (len + asum) - alpha[t];
      if (len == 0 || ndt < 0.5) continue;
      r[n++] = (ranked){th[t] * len / (len + REP_SHRINK), d};
    }
    qsort(r, n, sizeof *r, cmp_ranked);
    st->ndocs = ndocs < n ? ndocs : n;
    st->docs = malloc((st->ndocs ? st->ndocs : 1) * sizeof *st->docs);
    if (!st->docs) goto oom;
    for (uint32_t i = 0; i < st->ndocs; i++) st->docs[i] = r[i].id;
  }
  free(r);
  free(phi);
  free(logp);
  *out = s;
  return TOPICS_OK;
oom:
  free(r);
  free(phi);
  free(logp);
  sum_free(s);
  return TOPICS_ENOMEM;
}
