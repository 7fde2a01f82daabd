/* Warm start: a chain started from random topics spends its first hundred or so sweeps of the
 * whole corpus finding topics that a sample of the documents would show as well. So on a large
 * corpus the model first trains a smaller model on a sample of the documents (itself warm started
 * when it is large enough), keeps the sample's topics, and places every other token by
 * one pass of sequential sampling against the sample's topic counts and the topics its document
 * has received so far. Only the starting state changes: the sweeps that follow are the same
 * exact sampler, so the chain's stationary distribution is the collapsed posterior as before.
 * The placement is split by the workers' document blocks and uses each worker's generator, so
 * it depends only on the seed and the worker count. */
#include <stdlib.h>
#include <string.h>

#include "common/pool.h"
#include "models/dtm_int.h"
#include "models/lda_int.h"

/* The sample holds LDA_WARM_SHARE_MIN of the documents, or more so that it has LDA_WARM_PER_TOPIC
 * tokens per topic and LDA_WARM_MIN_TOKENS in all. When that would take more than
 * LDA_WARM_SHARE_MAX of them, the capped sample is used if it still holds LDA_WARM_MIN_TOKENS
 * tokens and LDA_WARM_CAPPED_PER_TOPIC per topic; otherwise the chain starts at random. A small
 * sample risks telling too few topics apart, and the whole chain then inherits its merged ones.
 * Measured on planted corpora (100 own words a topic, 200 sweeps, 8 seeds a start, a planted topic
 * lost when its one-to-one best cosine is below 0.9), samples of a quarter against random starts:
 *     planted, K    sample tokens (per topic)    topics lost: warm, random
 *     6, 8           7,700 (960)                  6, 3 of 48
 *     6, 8          25,000 (3,100)                1, 0
 *     16, 20        33,000 (1,660)                5, 0 of 128
 *     16, 20        51,000 (2,540)                0, 2
 *     40, 48        16,000 (340)                 15, 37 of 320
 *     40, 48        33,000 (690)                 10, 14
 *     40, 48        65,000 (1,360)                0, 10
 *     40, 48        68,000 (1,420)                2, 4
 * On the pyvideo talks at K = 50 (three seeds, against MALLET's one-thread chains), a sample of
 * 2,048 tokens per topic (1/8 of the talks) reached MALLET's 200-sweep likelihood in 5.1 s and
 * its plateau in 24.4 s (medians), one of 4,096 (about 1/5) in 7.1 s and 29.3 s. The sample model
 * runs LDA_WARM_SWEEPS sweeps; with 100 instead of 200, K = 200 on the pyvideo talks needed twice
 * the sweeps after it to reach the same likelihood. (Overridable for measuring.) */
#ifndef LDA_WARM_PER_TOPIC
#define LDA_WARM_PER_TOPIC 2048
#endif
#ifndef LDA_WARM_MIN_TOKENS
#define LDA_WARM_MIN_TOKENS 65536
#endif
#ifndef LDA_WARM_SHARE_MIN
#define LDA_WARM_SHARE_MIN 0.125
#endif
#ifndef LDA_WARM_SHARE_MAX
#define LDA_WARM_SHARE_MAX 0.25
#endif
#ifndef LDA_WARM_CAPPED_PER_TOPIC
#define LDA_WARM_CAPPED_PER_TOPIC 1024
#endif
#ifndef LDA_WARM_SWEEPS
#define LDA_WARM_SWEEPS 200
#endif

#define ZMASK 0xffffu
#define U32 0x1p-32

/* The share of the documents to sample (see LDA_WARM_*); 0 for a random start. */
static double warm_share(const lda *md) {
  if (md->opt.sync || md->sweeps_done || md->opt.start == LDA_START_RANDOM || md->d < 2) return 0;
  double want = (double)LDA_WARM_PER_TOPIC * md->k;
  if (want < LDA_WARM_MIN_TOKENS) want = LDA_WARM_MIN_TOKENS;
  double share = md->n ? want / (double)md->n : 1;
  if (share < LDA_WARM_SHARE_MIN) share = LDA_WARM_SHARE_MIN;
  if (share <= LDA_WARM_SHARE_MAX) return share;
  const double capped = LDA_WARM_SHARE_MAX * (double)md->n;
  if (md->opt.start == LDA_START_WARM ||
      (capped >= LDA_WARM_MIN_TOKENS && capped >= (double)LDA_WARM_CAPPED_PER_TOPIC * md->k))
    return LDA_WARM_SHARE_MAX;
  return 0;
}

int lda_warm_wanted_(const lda *md) { return warm_share(md) > 0; }

/* What the placement reads: the sample model and which documents it holds. */
typedef struct warm {
  lda *md;
  const lda *sub;
  const uint8_t *in;        /* per document: 1 if it is in the sample */
} warm;

/* Places worker i's tokens outside the sample, term by term: the smoothing part α_k (n_wk + β) /
 * (n_k + Vβ) uses the sample's counts, and the document part adds the topics the document has
 * received so far (its list in dk, started empty). */
static void place_task(void *ctx, uint32_t i, uint32_t thread) {
  (void)thread;
  const warm *wm = ctx;
  lda *md = wm->md;
  const lda *sub = wm->sub;
  lda_worker *wk = &md->workers[i];
  const uint32_t K = md->k;
  const double beta = md->beta, vb = md->v * md->beta;
  uint32_t top = 1;
  while (top * 2 <= K) top *= 2;
  double *wq = wk->wq, *val = wk->val, *tree = wk->tree, *cum = wk->cum, *inv = wk->inv;
  for (uint32_t k = 0; k < K; k++) inv[k] = 1.0 / (sub->nk[k] + vb);
  for (uint32_t w = 0; w < md->v; w++) {
    const uint64_t b = md->w_off[w] + wk->lo[w], e = md->w_off[w] + wk->hi[w];
    if (b == e) continue;
    const uint32_t *nw = sub->nwk + (size_t)w * K;
    double stot = 0;
    for (uint32_t k = 0; k < K; k++) {
      wq[k] = (nw[k] + beta) * inv[k];
      stot += val[k] = md->alpha[k] * wq[k];
    }
    lda_fen_build_(tree, val, K);
    for (uint64_t p = b; p < e; p++) {
      if (wm->in[md->wdoc[p]]) continue;
      lda_dk *head = md->dk + md->wdk[p], *ent = head + 1;
      uint32_t nd = head->c;
      double r = 0;
      for (uint32_t j = 0; j < nd; j++) cum[j] = r += ent[j].c * wq[ent[j].t];
      if (wk->rnd_at == LDA_RND_N) {
        for (uint32_t j = 0; j < LDA_RND_N; j++) wk->rnd[j] = (uint32_t)gsl_rng_get(wk->rng);
        wk->rnd_at = 0;
      }
      const double u = wk->rnd[wk->rnd_at++] * U32 * (r + stot);
      uint32_t t, j = 0;
      if (u < r) {
        while (j + 1 < nd && cum[j] <= u) j++;
        t = ent[j].t;
      } else {
        t = lda_fen_find_(tree, K, top, u - r);
        while (j < nd && ent[j].t != t) j++;
      }
      if (j < nd) ent[j].c++;
      else ent[nd++] = (lda_dk){t, 1};
      head->c = nd;
      md->zp[p] = t;
    }
  }
}

/* The sample: each document with probability share, chosen by the seed; *nsel of them. */
static uint8_t *pick_sample(const lda *md, double share, uint32_t *nsel) {
  uint8_t *in = malloc(md->d ? md->d : 1);
  if (!in) return NULL;
  *nsel = 0;
  const uint64_t salt = lda_mix64_(md->opt.seed ^ 0x77a12d5eull);
  for (uint32_t d = 0; d < md->d; d++) {
    in[d] = (double)(lda_mix64_(salt ^ d) >> 11) * 0x1p-53 < share;
    *nsel += in[d];
  }
  return in;
}

/* The sample's documents as a corpus of their own, in document order. */
static topics_status sample_dtm(const lda *md, const uint8_t *in, uint32_t nsel, dtm **out) {
  const uint32_t **rows = malloc((size_t)nsel * sizeof *rows);
  uint32_t *lens = malloc((size_t)nsel * sizeof *lens);
  topics_status st = TOPICS_ENOMEM;
  if (rows && lens) {
    uint32_t j = 0;
    for (uint32_t d = 0; d < md->d; d++) {
      if (!in[d]) continue;
      rows[j] = md->m->ids + md->doc_off[d];
      lens[j++] = (uint32_t)(md->doc_off[d + 1] - md->doc_off[d]);
    }
    st = dtm_from_ids(nsel, rows, lens, md->v, NULL, out);
  }
  free(rows);
  free(lens);
  return st;
}

/* Trains the sample model; NULL with *st set on failure. */
static lda *train_sample(const lda *md, const dtm *sm, topics_status *st) {
  lda_options so = md->opt;
  so.iterations = LDA_WARM_SWEEPS;
  so.optimize_interval = 0; /* α stays the starting one: the main run optimises it */
  /* The sample model tempers its own start unless the main run tempers none. */
  so.temper_sweeps = md->opt.temper_sweeps ? LDA_TEMPER_AUTO : 0;
  so.seed = lda_mix64_(md->opt.seed + 0x3779b97full);
  so.progress = md->opt.warm_progress;
  so.sync = NULL;
  so.start = LDA_START_AUTO; /* a sample still large enough is warm started in turn */
  lda *sub = lda_new(sm, &so, st);
  if (sub) sub->progress_no_ll = 1;
  if (sub && (*st = lda_train(sub)) != TOPICS_OK) {
    lda_free(sub);
    sub = NULL;
  }
  return sub;
}

topics_status lda_warm_start_(lda *md) {
  uint32_t nsel = 0;
  uint8_t *in = pick_sample(md, warm_share(md), &nsel);
  if (!in) return TOPICS_ENOMEM;
  if (nsel < 2 || nsel == md->d) { /* nothing to learn from, or nothing to place */
    free(in);
    return TOPICS_OK;
  }
  dtm *sm = NULL;
  topics_status st = sample_dtm(md, in, nsel, &sm);
  lda *sub = st == TOPICS_OK ? train_sample(md, sm, &st) : NULL;
  if (sub) {
    /* The sample's documents keep the topics the sample model gave them. */
    uint32_t j = 0;
    for (uint32_t d = 0; d < md->d; d++) {
      if (!in[d]) continue;
      for (uint64_t r = 0; r < md->doc_off[d + 1] - md->doc_off[d]; r++)
        md->zp[md->dpos[md->doc_off[d] + r]] = sub->zp[sub->dpos[sub->doc_off[j] + r]] & ZMASK;
      j++;
    }
    for (uint32_t d = 0; d < md->d; d++) md->dk[md->dk_off[d]].c = 0;
    warm wm = {md, sub, in};
    pool_run(md->pool, md->nworkers, place_task, &wm);
    lda_recount_(md);
  }
  lda_free(sub);
  dtm_free(sm);
  free(in);
  return st;
}
