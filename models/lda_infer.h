/* Topic mixes of new documents under frozen topics: Gibbs sampling of each token's topic with the
 * topic-word distributions fixed, p(z = k) ∝ (n_dk + α_k) φ_kw, φ_kw = (n_kw + β) / (n_k + Vβ),
 * split into a smoothing, a document and a word part (as in SparseLDA) so that a draw costs the
 * word's and the document's topics in use, not K. After a burn-in the document's smoothed mix is
 * averaged over the remaining sweeps. Each document has a generator seeded from the seed and its
 * index, so the result does not depend on the thread count. */
#ifndef TOPICS_LDA_INFER_H
#define TOPICS_LDA_INFER_H

#include <signal.h>
#include <stdint.h>

#include "common/status.h"
#include "models/lda.h"

/* Frozen topics given as sparse topic-word counts (borrowed for the duration of lif_new). */
typedef struct lif_counts {
  uint32_t k, v;
  const double *alpha;     /* k values */
  double beta;
  const uint64_t *row_off; /* k + 1 offsets into terms/counts */
  const uint32_t *terms;   /* term ids below v */
  const uint32_t *counts;
} lif_counts;

typedef struct lif lif;

/* Prepares the frozen topics (copies what it needs). NULL and *st set on failure (TOPICS_EINVAL
 * for k or v 0 or an id out of range, TOPICS_ENOMEM). Free with lif_free. */
lif *lif_new(const lif_counts *c, topics_status *st);
/* The frozen topics of a trained model over v terms, through lda.h's public read-out. */
lif *lif_from_lda(const lda *model, uint32_t v, topics_status *st);
/* lif_free(NULL) does nothing. */
void lif_free(lif *f);

uint32_t lif_k(const lif *f);
uint32_t lif_v(const lif *f);
/* φ_tw = p(w | topic t), smoothed. */
double lif_phi(const lif *f, uint32_t t, uint32_t w);

typedef struct lif_options {
  uint32_t burn_in;  /* sweeps before averaging [30] */
  uint32_t samples;  /* sweeps averaged [30] */
  uint64_t seed;     /* [1] */
  uint32_t threads;  /* [1] */
  volatile sig_atomic_t *stop; /* when set: TOPICS_EINTR */
} lif_options;

lif_options lif_default_options(void);

/* theta[d * k + t] = p(topic t | document d) for the ndocs documents docs[d] (lens[d] term ids;
 * ids >= v are skipped). An empty document gets α / Σα. */
topics_status lif_infer(const lif *f, uint32_t ndocs, const uint32_t *const *docs,
                        const uint32_t *lens, const lif_options *o, double *theta);

#endif
