/* The LDA model's layout, shared by the files that implement it (lda.c: life cycle and threads,
 * lda_sampler.c: the two phases of a sweep, lda_alpha.c: alpha optimisation, lda_ll.c:
 * log-likelihood, lda_alias.c: alias tables). Nothing outside models/ includes this. */
#ifndef TOPICS_LDA_INT_H
#define TOPICS_LDA_INT_H

#include <gsl/gsl_rng.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "models/lda.h"

/* Walker's alias table: draws k with probability w[k] / sum(w) in O(1). Draw: v = uniform * n,
 * slot a = floor(v); k = (v - a) < prob[a] ? a : other[a]. */
typedef struct lda_alias {
  uint32_t n;
  double *prob;    /* acceptance threshold of slot j */
  uint32_t *other; /* the alternative of slot j */
} lda_alias;

/* The same table in integer form for the hot loops, one 8-byte slot each, holding the outcomes
 * themselves. A 32-bit uniform r draws: m = r * n (64-bit), slot a = m >> 32, and with the
 * fraction f = m mod 2^32 the outcome is f < thr ? lo : hi. Outcomes are topics (< 65535), so
 * they fit 16 bits; 0xffff can mark a special outcome. */
typedef struct lda_slot {
  uint32_t thr;
  uint16_t lo, hi;
} lda_slot;

/* Replaces a's table with one for w[0..n); TOPICS_ENOMEM leaves a unchanged. */
topics_status lda_alias_build(lda_alias *a, const double *w, uint32_t n);
/* The same into caller-owned arrays of n entries (small and large are scratch). */
void lda_alias_fill(double *prob, uint32_t *other, const double *w, uint32_t n, uint32_t *small,
                    uint32_t *large);
/* Integer slots for w[0..n) with outcome ids[i] for weight i (ids NULL: i itself); prob, other,
 * small and large are scratch of n entries. */
void lda_alias_slots(lda_slot *tab, const double *w, const uint32_t *ids, uint32_t n,
                     double *prob, uint32_t *other, uint32_t *small, uint32_t *large);
/* Frees a's arrays (a itself belongs to the caller). */
void lda_alias_free(lda_alias *a);

/* Raw 32-bit generator outputs are drawn this many at a time (see lda_worker.rnd). */
#define LDA_RND_N 1024u

/* One worker: a fixed block of documents and a fixed block of words (each about n / workers
 * tokens), its generator and scratch counts. Workers write only their own tokens. */
typedef struct lda_worker {
  struct lda *model;
  uint32_t d0, d1;  /* documents [d0, d1) */
  uint32_t w0, w1;  /* terms [w0, w1) */
  gsl_rng *rng;
  uint32_t *cnt;    /* dense K scratch (document or word counts), all zero between uses */
  /* Topic totals over the worker's documents or terms, summed as the phase visits them; lda.c
   * adds up the workers' into nk after the phase and zeroes them. */
  uint32_t *tot;
  uint32_t *buf;    /* a document's tokens, gathered */
  /* Word phase scratch, K + 1 entries each: the term's topics in use (and the β bucket), their
   * weights, the alias construction's scratch and the resulting slots. */
  uint32_t *nz, *aother, *small, *large;
  double *wts, *aprob;
  lda_slot *slots;
  uint8_t *seen;    /* K flags: topic already listed in nz */
  /* Raw 32-bit GSL outputs, refilled LDA_RND_N at a time by one tight loop instead of a call
   * per number at each use; rnd_at is the next unused one. */
  uint32_t *rnd;
  uint32_t rnd_at;
  /* The 32-bit uniform each token's proposal will use, left over from its acceptance test
   * (lda_sampler.c); max(longest document, most frequent term) entries. */
  uint32_t *ubuf;
  int stopped;      /* set when opt.stop fired during its phase */
} lda_worker;

/* Tokens live in word-major order (each term's occurrences contiguous) as zp = z | proposal << 16;
 * documents reach their tokens through dpos. The topic-word matrix is never needed while
 * sampling; nwk is filled after training for the read-out functions. */
struct lda {
  const dtm *m;
  lda_options opt;
  uint32_t k, v, d;
  uint64_t n;
  const uint64_t *doc_off; /* the dtm's: ndocs + 1 offsets into dpos */
  uint32_t *zp;            /* word-major: topic in the low 16 bits, pending proposal in the high */
  uint64_t *w_off;         /* v + 1 offsets into zp */
  uint32_t *dpos;          /* document-major: position of each token in zp */
  uint32_t *nk;            /* tokens per topic */
  uint32_t *nwk;           /* v x k counts, rebuilt after training (read-out only) */
  uint32_t maxlen;         /* longest document */
  uint32_t maxcw;          /* most frequent term's count */
  double *alpha, alpha_sum, beta;
  lda_alias alpha_alias;
  /* Frozen at the start of each word phase and used by the proposals it draws: n_k + Vβ, and the
   * alias slots of β / (n_k + Vβ) with their total mass. */
  double *nkq, beta_mass;
  lda_slot *beta_slots;
  /* Per-phase factors of the acceptance ratio, computed from the frozen totals before each phase
   * so that the inner loops only multiply (see lda_sampler.c): ft for the proposed topic, fs for
   * the current one; inq = 1 / nkq for the word proposal's weights. */
  double *ft, *fs, *inq;
  double *tmpw, *tmp_prob; /* K scratch for building the β slots */
  uint32_t *tmp_small, *tmp_large, *tmp_other;
  uint32_t nworkers;
  lda_worker *workers;
  uint32_t sweeps_done;
  /* Workers 1 .. nworkers - 1 run on threads that live as long as the model (worker 0 runs on
   * the caller, as does any worker whose thread could not be started). A phase: the caller sets
   * phase_word and pending, then bumps generation; each thread runs its worker and decrements
   * pending. Waiters spin briefly on these atomics (a phase on a small corpus takes well under a
   * millisecond) and then sleep on go / done under mu. */
  pthread_t *threads;
  uint32_t nthreads;       /* threads started: they serve workers 1 .. nthreads */
  int pool_ready;          /* mu and the conditions are initialised */
  pthread_mutex_t mu;
  pthread_cond_t go, done;
  _Atomic uint64_t generation;
  _Atomic uint64_t pending;
  _Atomic int phase_word, quit;
};

/* The two halves of a sweep over the worker's block (see lda_sampler.c). */
void lda_doc_phase_(lda_worker *w);
void lda_word_phase_(lda_worker *w);

/* Minka's fixed-point update of the asymmetric alpha from document-topic count histograms. */
topics_status lda_optimize_alpha_(struct lda *model);

#endif
