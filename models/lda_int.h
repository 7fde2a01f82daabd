/* The LDA model's layout, shared by the files that implement it (lda.c: life cycle, threads and
 * the stopping rule, lda_sampler.c: one sweep of a worker, lda_alpha.c: alpha optimisation,
 * lda_ll.c: log-likelihood). Nothing outside models/ includes this. */
#ifndef TOPICS_LDA_INT_H
#define TOPICS_LDA_INT_H

#include <gsl/gsl_rng.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

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
  uint32_t *nk;     /* topic totals: the sweep's starting totals plus this worker's moves */
  double *inv;      /* 1 / (nk + Vβ) */
  uint32_t *cnt;    /* K: the current term's topic counts (others' as of the sweep start) */
  double *wq;       /* K: the term's factor (n_wk + β) / (n_k + Vβ) */
  double *val;      /* K: the term's smoothing part α_k wq[k] */
  double *tree;     /* K + 1: Fenwick tree over val */
  double *cum;      /* K: running sums of the document part while drawing a token */
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
  uint32_t *zsnap;         /* with several workers: zp as at the start of the sweep */
  uint32_t *wdoc;          /* word-major: the document of each token */
  uint64_t *w_off;         /* v + 1 offsets into zp */
  uint32_t *dpos;          /* document-major: position of each token in zp */
  lda_dk *dk;              /* document d's topics in use: dk[dk_off[d] .. dk_off[d] + dk_n[d]) */
  uint64_t *dk_off;        /* d + 1 offsets; document d has room for min(length, K) entries */
  uint32_t *dk_n;
  uint32_t *nk;            /* tokens per topic */
  uint32_t *nwk;           /* v x k counts, rebuilt after training (read-out only) */
  uint32_t maxlen;         /* longest document */
  double *alpha, alpha_sum, beta;
  uint32_t nworkers;
  lda_worker *workers;
  uint32_t sweeps_done;
  int fresh;               /* the sweep under way places every token anew (lda_sampler.c) */
  uint32_t iterations;     /* sweeps configured, or the sweeps used once the stopping rule fired */
  int autostop;            /* opt.iterations was 0: stop when the likelihood levels off */
  /* Workers 1 .. nworkers - 1 run on threads that live as long as the model (worker 0 runs on
   * the caller, as does any worker whose thread could not be started). A sweep: the caller sets
   * pending, then bumps generation; each thread runs its worker and decrements pending. Waiters
   * spin briefly on these atomics and then sleep on go / done under mu. */
  pthread_t *threads;
  uint32_t nthreads;       /* threads started: they serve workers 1 .. nthreads */
  int pool_ready;          /* mu and the conditions are initialised */
  pthread_mutex_t mu;
  pthread_cond_t go, done;
  _Atomic uint64_t generation;
  _Atomic uint64_t pending;
  _Atomic int quit;
};

/* One sweep of the worker's documents (see lda_sampler.c). */
void lda_sweep_(lda_worker *w);

/* Minka's fixed-point update of the asymmetric alpha from document-topic count histograms. */
topics_status lda_optimize_alpha_(struct lda *model);

#endif
