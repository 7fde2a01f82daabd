/* The LDA model's layout, shared by the files that implement it (lda.c: life cycle, threads and
 * the stopping rule, lda_sampler.c: one sweep of a worker, lda_alpha.c: alpha optimisation,
 * lda_ll.c: log-likelihood). Nothing outside models/ includes this. */
#ifndef TOPICS_LDA_INT_H
#define TOPICS_LDA_INT_H

#include <gsl/gsl_rng.h>
#include <stdint.h>

#include "common/mix.h"
#include "common/pool.h"
#include "models/lda.h"

/* Raw 32-bit generator outputs are drawn this many at a time (see lda_worker.rnd). */
#define LDA_RND_N 1024u

/* One topic of a document with its count (a document's topics in use form a short list). */
typedef struct lda_dk {
  uint32_t t, c;
} lda_dk;

/* One worker: a fixed block of documents (about n / workers tokens), its generator and its
 * private copies of what a sweep reads and writes besides its own documents' counts. */
typedef struct lda_worker {
  struct lda *model;
  uint32_t d0, d1;  /* documents [d0, d1) */
  /* Within each term's run of word-major tokens (ordered by document), the worker's tokens are
   * [w_off[w] + lo[w], w_off[w] + hi[w]). */
  uint32_t *lo, *hi;
  gsl_rng *rng;
  uint32_t *nk;     /* topic totals: the round's starting totals plus this worker's moves */
  double *inv;      /* 1 / (nk + Vβ) */
  double *im;       /* 1 / (nk - 1 + Vβ) where nk > 0: inv once a token leaves (no division) */
  uint32_t *cnt;    /* K: the current term's topic counts */
  double *wq;       /* K: the term's factor (n_wk + β) / (n_k + Vβ) */
  double *val;      /* K: the term's smoothing part α_k wq[k] */
  double *tree;     /* K + 1: Fenwick tree over val */
  double *cum;      /* K: running sums of the document part while drawing a rare term's token */
  /* For terms with few tokens (lda_sampler.c): g[k] = α_k β / (n_k + Vβ) in a Fenwick tree
   * gtree (K + 1) with total gtot, stale once a frequent term moved the totals without it; tl
   * (K) lists the term's topics. */
  double *g, *gtree, gtot;
  int g_stale;
  uint32_t *tl;
  /* Raw 32-bit GSL outputs, refilled LDA_RND_N at a time by one tight loop instead of a call
   * per number; rnd_at is the next unused one. */
  uint32_t *rnd;
  uint32_t rnd_at;
  int stopped;      /* set when opt.stop fired during its sweep */
} lda_worker;

/* Tokens live in word-major order (each term's occurrences contiguous, in document order):
 * zp holds each token's topic (in the low 16 bits) and wdoc its document; documents reach their
 * tokens through dpos. Each document keeps the topics it uses with their counts (dk), so a sweep
 * never touches a V x K or D x K matrix; nwk is filled after training for the read-out
 * functions. */
struct lda {
  const dtm *m;
  lda_options opt;
  uint32_t k, v, d;
  uint64_t n;
  const uint64_t *doc_off; /* the dtm's: ndocs + 1 offsets into dpos */
  uint32_t *zp;            /* word-major topics */
  uint32_t *wdoc;          /* word-major: the document of each token */
  uint32_t *wdk;           /* word-major: dk_off of each token's document (one load, no chain) */
  uint64_t *w_off;         /* v + 1 offsets into zp */
  uint32_t *dpos;          /* document-major: position of each token in zp */
  /* Document d's topics in use: a header dk[dk_off[d]] whose c is their number n, then the n
   * entries; d has room for min(length, K) of them. The count sits beside the entries so that
   * reaching a document's topics costs one random access. */
  lda_dk *dk;
  uint64_t *dk_off;        /* d + 1 offsets */
  uint32_t *nk;            /* tokens per topic */
  uint32_t *nwk;           /* v x k counts, rebuilt after training (read-out only) */
  const uint32_t *remote;  /* with opt.sync: v x k counts of the other processes' tokens */
  uint32_t maxlen;         /* longest document */
  double *alpha, alpha_sum, beta;
  /* The tempered start (lda.c): its first temper sweeps sample with α and β times
   * LDA_TEMPER_SCALE; alpha_hot holds the scaled α while alpha holds the true one, and the two
   * are swapped around each such sweep (with beta_true, alpha_sum_true for the scalars). */
  uint32_t temper;
  double *alpha_hot, alpha_sum_true, beta_true;
  uint32_t nworkers;
  uint32_t round;          /* the sweep's current round (see lda_sampler.c) */
  lda_worker *workers;
  uint32_t sweeps_done;
  uint32_t iterations;     /* sweeps configured, or the sweeps used once the stopping rule fired */
  int autostop;            /* opt.iterations was 0: stop when the likelihood levels off */
  int progress_no_ll;      /* the progress callback gets NaN, not the likelihood (warm start) */
  pool *pool;              /* with several workers: runs their sweeps (common/pool.h) */
};

/* Fenwick tree over val[0 .. K): tree[i] (1-based) sums val over (i - lowbit(i), i]. */
static inline void lda_fen_build_(double *tree, const double *val, uint32_t K) {
  tree[0] = 0;
  for (uint32_t i = 1; i <= K; i++) tree[i] = val[i - 1];
  for (uint32_t i = 1; i <= K; i++) {
    uint32_t j = i + (i & -i);
    if (j <= K) tree[j] += tree[i];
  }
}

/* The sum of all of val: the tree's nodes along K's binary digits. */
static inline double lda_fen_total_(const double *tree, uint32_t K) {
  double t = 0;
  for (uint32_t i = K; i; i &= i - 1) t += tree[i];
  return t;
}

static inline void lda_fen_add_(double *tree, uint32_t K, uint32_t k, double delta) {
  for (uint32_t i = k + 1; i <= K; i += i & -i) tree[i] += delta;
}

/* The topic whose interval holds u in [0, total): the first k with val[0] + ... + val[k] > u.
 * top is the largest power of two <= K. Rounding can leave u at or past the tree's own total;
 * then the last topic is returned (every topic has positive weight, so it is a valid draw). */
static inline uint32_t lda_fen_find_(const double *tree, uint32_t K, uint32_t top, double u) {
  uint32_t pos = 0;
  for (uint32_t step = top; step; step >>= 1) {
    if (pos + step <= K && tree[pos + step] <= u) {
      pos += step;
      u -= tree[pos];
    }
  }
  return pos < K ? pos : K - 1;
}

/* 1 / (n - 1 + Vβ), the factor of a topic with n tokens once one leaves; 0 when it has none. */
static inline double lda_inv_less_(uint32_t n, double vb) { return n ? 1.0 / (n - 1 + vb) : 0.0; }

/* As lda_fen_find_, over the tree as if val[s] were val[s] + ds: a node covering s is read with
 * ds added, so a draw can leave a token out without two updates of the tree. */
static inline uint32_t lda_fen_find_less_(const double *tree, uint32_t K, uint32_t top, double u,
                                          uint32_t s, double ds) {
  uint32_t pos = 0;
  for (uint32_t step = top; step; step >>= 1) {
    if (pos + step > K) continue;
    /* Node pos + step sums val over [pos, pos + step). */
    const double v = tree[pos + step] + (s >= pos && s < pos + step ? ds : 0.0);
    if (v <= u) {
      pos += step;
      u -= v;
    }
  }
  return pos < K ? pos : K - 1;
}

/* A 64-bit mix (splitmix64's finaliser) for deriving seeds and picks from the seed. */
static inline uint64_t lda_mix64_(uint64_t x) { return mix_fin64(x + MIX_GOLDEN); }

/* One round of a sweep over the worker's documents: the terms first, first + step, ... (see
 * lda_sampler.c). */
void lda_sweep_(lda_worker *w, uint32_t first, uint32_t step);

/* Whether lda_train starts with lda_warm_start_ (see lda_warm.c). */
int lda_warm_wanted_(const struct lda *md);
/* Replaces the random start by a warm one: topics of a model of a sample of the documents. */
topics_status lda_warm_start_(struct lda *md);

/* Recounts the topic totals, document topic lists and nwk from zp (after zp was set whole). */
void lda_recount_(struct lda *md);

/* Minka's fixed-point update of the asymmetric alpha from document-topic count histograms. */
topics_status lda_optimize_alpha_(struct lda *model);

#endif
