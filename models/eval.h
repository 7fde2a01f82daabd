/* Measuring a topic model: held-out perplexity by document completion, per-topic NPMI coherence,
 * topic diversity, and the choice of K from a range by training a few models and comparing them
 * on held-out talks (the rule is in eval.c and the README). */
#ifndef TOPICS_EVAL_H
#define TOPICS_EVAL_H

#include <signal.h>
#include <stdint.h>

#include "common/status.h"
#include "models/dtm.h"
#include "models/lda.h"
#include "models/lda_infer.h"

/* Marks round(frac * ndocs) documents (at least 1 when frac > 0 and ndocs > 1, never all) as
 * held out: held[d] = 1. The choice depends only on ndocs, frac and seed. Returns the count. */
uint32_t ev_holdout_pick(uint32_t ndocs, double frac, uint64_t seed, uint8_t *held);

/* Document completion: for each document, its first half (of the ids below lif_v) estimates its
 * topic mix under the frozen topics f, and its second half is scored:
 *   perplexity = exp(−Σ log Σ_k θ_k φ_kw / N),  N = tokens in the second halves.
 * *perplexity gets 0 when no document has two tokens. */
topics_status ev_doc_completion(const lif *f, uint32_t ndocs, const uint32_t *const *docs,
                                const uint32_t *lens, const lif_options *o, double *perplexity);

/* Share of distinct ids among the k * n ids of words (k topics' top n words); 0 when empty. */
double ev_diversity(const uint32_t *words, uint32_t k, uint32_t n);

/* The n highest-φ terms of each topic of f into words[t * n ...] (ties by id). */
void ev_top_words(const lif *f, uint32_t n, uint32_t *words);

/* Sweeps per candidate by default: the candidates' order by held-out perplexity is settled long
 * before the likelihood levels off (eval.c). */
#ifndef EV_CANDIDATE_SWEEPS /* (overridable for measuring; 0: the model's own stopping rule) */
#define EV_CANDIDATE_SWEEPS 100
#endif

/* One candidate of ev_choose_k. */
typedef struct ev_candidate {
  uint32_t k;
  double perplexity, npmi, diversity, seconds;
} ev_candidate;

typedef struct ev_choose_options {
  uint32_t kmin, kmax;   /* the range; kmin == kmax == 0: the automatic range (eval.c) */
  double holdout;        /* fraction of documents held out [0.1] */
  uint64_t seed;
  uint32_t threads;      /* candidates trained at once, one thread each */
  uint32_t iterations;   /* sweeps per candidate; 0: EV_CANDIDATE_SWEEPS */
  lda_options base;      /* alpha, beta, optimisation as for the final model */
  volatile sig_atomic_t *stop;
} ev_choose_options;

/* Trains one model per K of a geometric grid over the range on the documents not held out,
 * scores each, and picks K (*chosen). cand gets up to EV_MAX_CANDIDATES rows (*ncand), in grid
 * order. Up to o->threads candidates train at once, one thread each, so the rows depend on the
 * seed and the options, not on the thread count. */
#define EV_MAX_CANDIDATES 8
topics_status ev_choose_k(const dtm *m, const ev_choose_options *o, ev_candidate *cand,
                          uint32_t *ncand, uint32_t *chosen);

/* The grid ev_choose_k uses for [kmin, kmax] (0, 0: automatic for m): *n values into ks. */
void ev_grid(const dtm *m, uint32_t kmin, uint32_t kmax, uint32_t *ks, uint32_t *n);

#endif
