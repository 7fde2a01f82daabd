/* Model evaluation (see eval.h). The choice of K: every candidate is trained on the same talks
 * (those not held out) and scored three ways: held-out perplexity by document completion (fit
 * to unseen text), the mean NPMI of its topics' top words over the whole corpus (do the words of
 * a topic occur together), and diversity (do topics differ). Perplexity alone keeps falling as K
 * grows on most real corpora, and too many topics split one theme into near-copies, which
 * lowers diversity; so the candidates whose perplexity is within EV_PERP_SLACK of the best are
 * kept, and among them the one with the highest NPMI + diversity wins (ties: the smaller K).
 * The candidates run EV_CANDIDATE_SWEEPS sweeps each rather than until the likelihood levels off:
 * on the pyvideo talks their order by held-out perplexity, and the choice, are those of full-length
 * runs, for a fraction of the time. They train side by side, one thread each, largest K first;
 * each one's result depends only on the seed, so the choice is the same for any thread count. */
#include "models/eval.h"

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "common/mem.h"
#include "common/pool.h"
#include "models/coherence.h"

#define EV_PERP_SLACK 0.02 /* relative perplexity a candidate may lose to the best */
#define EV_TOP 10          /* top words per topic for NPMI and diversity */
#define EV_GRID 6          /* grid points */

uint32_t ev_holdout_pick(uint32_t ndocs, double frac, uint64_t seed, uint8_t *held) {
  memset(held, 0, ndocs);
  if (!(frac > 0) || ndocs < 2) return 0;
  double want = floor(frac * ndocs + 0.5);
  uint32_t n = want < 1 ? 1 : want > ndocs - 1 ? ndocs - 1 : (uint32_t)want;
  uint32_t *idx = malloc((size_t)ndocs * sizeof *idx);
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  if (!idx || !r) { /* out of memory: hold out none rather than fail the run */
    free(idx);
    if (r) gsl_rng_free(r);
    return 0;
  }
  gsl_rng_set(r, (unsigned long)(seed ^ 0x5bd1e995u));
  for (uint32_t d = 0; d < ndocs; d++) idx[d] = d;
  for (uint32_t i = 0; i < n; i++) { /* partial Fisher–Yates */
    uint32_t j = i + (uint32_t)gsl_rng_uniform_int(r, ndocs - i);
    uint32_t t = idx[i];
    idx[i] = idx[j];
    idx[j] = t;
    held[idx[i]] = 1;
  }
  free(idx);
  gsl_rng_free(r);
  return n;
}

/* The ids of doc below v, into out; returns how many. */
static uint32_t known(const uint32_t *doc, uint32_t len, uint32_t v, uint32_t *out) {
  uint32_t n = 0;
  for (uint32_t i = 0; i < len; i++)
    if (doc[i] < v) out[n++] = doc[i];
  return n;
}

topics_status ev_doc_completion(const lif *f, uint32_t ndocs, const uint32_t *const *docs,
                                const uint32_t *lens, const lif_options *o, double *perplexity) {
  *perplexity = 0;
  uint32_t k = lif_k(f), v = lif_v(f);
  uint64_t total = 0;
  for (uint32_t d = 0; d < ndocs; d++) total += lens[d];
  size_t bytes, tb;
  if (mem_mul((size_t)total + 1, sizeof(uint32_t), &bytes) != TOPICS_OK ||
      mem_mul((size_t)ndocs + 1, (size_t)k * sizeof(double), &tb) != TOPICS_OK)
    return TOPICS_ENOMEM;
  uint32_t *ids = malloc(bytes), *first = malloc(((size_t)ndocs + 1) * sizeof *first);
  const uint32_t **heads = malloc(((size_t)ndocs + 1) * sizeof *heads);
  uint32_t *full = malloc(((size_t)ndocs + 1) * sizeof *full);
  double *theta = malloc(tb);
  topics_status st = TOPICS_ENOMEM;
  if (!ids || !first || !heads || !full || !theta) goto done;
  uint64_t at = 0;
  for (uint32_t d = 0; d < ndocs; d++) {
    full[d] = known(docs[d], lens[d], v, ids + at);
    heads[d] = ids + at;
    first[d] = full[d] / 2;
    at += full[d];
  }
  st = lif_infer(f, ndocs, heads, first, o, theta);
  if (st != TOPICS_OK) goto done;
  double ll = 0;
  uint64_t n = 0;
  for (uint32_t d = 0; d < ndocs; d++) {
    if (first[d] == 0) continue; /* nothing to estimate the mix from */
    const double *th = theta + (size_t)d * k;
    for (uint32_t i = first[d]; i < full[d]; i++) {
      double p = 0;
      for (uint32_t t = 0; t < k; t++) p += th[t] * lif_phi(f, t, heads[d][i]);
      ll += log(p);
      n++;
    }
  }
  if (n) *perplexity = exp(-ll / (double)n);
done:
  free(ids);
  free(first);
  free(heads);
  free(full);
  free(theta);
  return st;
}

static int cmp_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return x < y ? -1 : x > y;
}

double ev_diversity(const uint32_t *words, uint32_t k, uint32_t n) {
  size_t total = (size_t)k * n;
  if (total == 0) return 0;
  uint32_t *c = malloc(total * sizeof *c);
  if (!c) return 0;
  memcpy(c, words, total * sizeof *c);
  qsort(c, total, sizeof *c, cmp_u32);
  size_t uniq = 0;
  for (size_t i = 0; i < total; i++)
    if (i == 0 || c[i] != c[i - 1]) uniq++;
  free(c);
  return (double)uniq / (double)total;
}

void ev_top_words(const lif *f, uint32_t n, uint32_t *words) {
  uint32_t k = lif_k(f), v = lif_v(f);
  if (n > v) n = v;
  for (uint32_t t = 0; t < k; t++) {
    uint32_t *top = words + (size_t)t * n;
    uint32_t have = 0;
    for (uint32_t w = 0; w < v; w++) { /* keep the n best in descending order */
      double p = lif_phi(f, t, w);
      if (have == n && p <= lif_phi(f, t, top[n - 1])) continue;
      uint32_t j = have < n ? have++ : n - 1;
      while (j > 0 && lif_phi(f, t, top[j - 1]) < p) {
        top[j] = top[j - 1];
        j--;
      }
      top[j] = w;
    }
  }
}

void ev_grid(const dtm *m, uint32_t kmin, uint32_t kmax, uint32_t *ks, uint32_t *n) {
  if (kmin == 0 && kmax == 0) {
    /* 5 to 50, but no more topics than a fifth of the talks (at least 10) */
    uint32_t nd = dtm_ndocs(m);
    kmax = nd / 5 > 50 ? 50 : nd / 5 < 10 ? 10 : nd / 5;
    kmin = 5;
  }
  if (kmin < 2) kmin = 2;
  if (kmax < kmin) kmax = kmin;
  *n = 0;
  for (uint32_t i = 0; i < EV_GRID; i++) {
    double x = kmin * pow((double)kmax / kmin, (double)i / (EV_GRID - 1));
    uint32_t k = (uint32_t)floor(x + 0.5);
    if (*n && ks[*n - 1] >= k) continue;
    ks[(*n)++] = k;
  }
}

/* The documents of m split into training and held-out id lists (pointers into m). */
static topics_status split_docs(const dtm *m, const uint8_t *held, const uint32_t ***tr,
                                uint32_t **trl, uint32_t *ntr, const uint32_t ***ho,
                                uint32_t **hol, uint32_t *nho) {
  uint32_t nd = dtm_ndocs(m);
  *tr = malloc(((size_t)nd + 1) * sizeof **tr);
  *ho = malloc(((size_t)nd + 1) * sizeof **ho);
  *trl = malloc(((size_t)nd + 1) * sizeof **trl);
  *hol = malloc(((size_t)nd + 1) * sizeof **hol);
  if (!*tr || !*ho || !*trl || !*hol) return TOPICS_ENOMEM;
  *ntr = *nho = 0;
  for (uint32_t d = 0; d < nd; d++) {
    uint32_t len;
    const uint32_t *doc = dtm_doc(m, d, &len);
    if (held[d]) {
      (*ho)[*nho] = doc;
      (*hol)[(*nho)++] = len;
    } else {
      (*tr)[*ntr] = doc;
      (*trl)[(*ntr)++] = len;
    }
  }
  return TOPICS_OK;
}

/* Trains K topics on train and fills c's scores. One thread for the sampler and for inference, so
 * that candidates can run side by side and each result depends only on the seed. */
static topics_status score_k(const dtm *train, const dtm *full, uint32_t k, const ev_choose_options *o,
                             uint32_t nho, const uint32_t *const *ho, const uint32_t *hol,
                             ev_candidate *c) {
  double t0 = clock_seconds();
  lda_options lo = o->base;
  lo.k = k;
  lo.seed = o->seed;
  lo.threads = 1;
  lo.iterations = o->iterations ? o->iterations : EV_CANDIDATE_SWEEPS;
  lo.progress = NULL;
  lo.warm_progress = NULL;
  lo.stop = o->stop;
  topics_status st;
  lda *model = lda_new(train, &lo, &st);
  if (!model) return st;
  st = lda_train(model);
  lif *f = st == TOPICS_OK ? lif_from_lda(model, dtm_nterms(train), &st) : NULL;
  lda_free(model);
  if (!f) return st;
  lif_options io = lif_default_options();
  io.seed = o->seed;
  io.threads = 1;
  io.stop = o->stop;
  st = ev_doc_completion(f, nho, ho, hol, &io, &c->perplexity);
  uint32_t top = EV_TOP < dtm_nterms(train) ? EV_TOP : dtm_nterms(train);
  uint32_t *words = malloc((size_t)k * top * sizeof *words);
  if (st == TOPICS_OK && !words) st = TOPICS_ENOMEM;
  if (st == TOPICS_OK) {
    ev_top_words(f, top, words);
    c->npmi = coh_npmi_mean(full, words, k, top);
    c->diversity = ev_diversity(words, k, top);
  }
  free(words);
  lif_free(f);
  c->k = k;
  c->seconds = clock_seconds() - t0;
  return st;
}

/* The candidates of one ev_choose_k, shared by the pool's tasks. */
typedef struct ev_batch {
  const dtm *train, *full;
  const ev_choose_options *o;
  const uint32_t *ks;
  uint32_t nk, nho;
  const uint32_t *const *ho;
  const uint32_t *hol;
  ev_candidate *cand;
  topics_status *st; /* per candidate */
} ev_batch;

/* Task i trains the i-th largest K: the longest runs start first, so the last to finish is short
 * and the threads stay busy. Each task writes only its own row. */
static void candidate_task(void *ctx, uint32_t task, uint32_t worker) {
  (void)worker;
  ev_batch *b = ctx;
  uint32_t i = b->nk - 1 - task;
  b->st[i] = score_k(b->train, b->full, b->ks[i], b->o, b->nho, b->ho, b->hol, &b->cand[i]);
}

/* The rule in this file's top comment. */
static uint32_t pick(const ev_candidate *c, uint32_t n) {
  double best = c[0].perplexity;
  for (uint32_t i = 1; i < n; i++)
    if (c[i].perplexity < best) best = c[i].perplexity;
  uint32_t at = n;
  for (uint32_t i = 0; i < n; i++) {
    if (c[i].perplexity > best * (1 + EV_PERP_SLACK)) continue;
    if (at == n || c[i].npmi + c[i].diversity > c[at].npmi + c[at].diversity) at = i;
  }
  return at == n ? 0 : at;
}

topics_status ev_choose_k(const dtm *m, const ev_choose_options *o, ev_candidate *cand,
                          uint32_t *ncand, uint32_t *chosen) {
  *ncand = 0;
  *chosen = 0;
  uint32_t nd = dtm_ndocs(m);
  if (nd < 2) return TOPICS_EINVAL;
  uint32_t ks[EV_GRID];
  uint32_t nk;
  ev_grid(m, o->kmin, o->kmax, ks, &nk);
  uint8_t *held = malloc(nd);
  const uint32_t **tr = NULL, **ho = NULL;
  uint32_t *trl = NULL, *hol = NULL, ntr = 0, nho = 0;
  dtm *train = NULL;
  topics_status st = held ? TOPICS_OK : TOPICS_ENOMEM;
  if (st == TOPICS_OK) {
    ev_holdout_pick(nd, o->holdout > 0 ? o->holdout : 0.1, o->seed, held);
    st = split_docs(m, held, &tr, &trl, &ntr, &ho, &hol, &nho);
  }
  /* The candidates learn the same vocabulary ids as m, so held-out ids need no mapping. */
  if (st == TOPICS_OK) st = dtm_from_ids(ntr, tr, trl, dtm_nterms(m), NULL, &train);
  if (st == TOPICS_OK) {
    topics_status cst[EV_GRID];
    ev_batch b = {train, m, o, ks, nk, nho, (const uint32_t *const *)ho, hol, cand, cst};
    uint32_t threads = o->threads ? o->threads : 1;
    pool *p = nk > 1 && threads > 1 ? pool_new(threads < nk ? threads : nk, &st) : NULL;
    if (st == TOPICS_OK) pool_run(p, nk, candidate_task, &b);
    pool_free(p);
    for (uint32_t i = 0; i < nk && st == TOPICS_OK; i++) st = cst[i];
  }
  if (st == TOPICS_OK) {
    *ncand = nk;
    *chosen = cand[pick(cand, nk)].k;
  }
  dtm_free(train);
  free(held);
  free(tr);
  free(trl);
  free(ho);
  free(hol);
  return st;
}
