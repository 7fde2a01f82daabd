/* Latent Dirichlet allocation by collapsed Gibbs sampling over a dtm. The sampler's cost per token
 * does not grow linearly with K; threads split the documents and take turns over the terms, and
 * the same seed and thread count give the same result. Random numbers come from GSL generators owned by the model. */
#ifndef TOPICS_LDA_H
#define TOPICS_LDA_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "common/status.h"
#include "models/dtm.h"

typedef struct lda lda;

/* Called on the training thread after each iteration (may be NULL). */
typedef void (*lda_progress_fn)(void *ud, uint32_t iteration, uint32_t iterations,
                                double tokens_per_second, double log_likelihood_per_token);

/* Training across processes (models/lda_mpi.h): the model holds only this process's documents
 * and reconciles its counts with the other processes' through these calls, which every process
 * makes at the same points. */
typedef struct lda_sync {
  void *ud;
  /* After the random start and after each sweep: sets the model's remote term counts and its
   * topic totals to the global ones; TOPICS_EINTR on every process when any was interrupted. */
  topics_status (*counts)(void *ud, lda *model);
  /* Sums x[0 .. n) over the processes, in place (alpha's histograms). */
  topics_status (*sum_u32)(void *ud, uint32_t *x, size_t n);
  /* The log-likelihood per token of the whole corpus. */
  double (*log_likelihood)(void *ud, const lda *model);
} lda_sync;

/* How the chain starts (lda_options.start). */
typedef enum lda_start {
  LDA_START_AUTO = 0, /* warm on a large corpus (models/lda_warm.c), random otherwise */
  LDA_START_RANDOM,   /* every token on a topic drawn uniformly */
  LDA_START_WARM      /* topics of a model of a sample of the documents, whatever the size */
} lda_start;

/* lda_options.temper_sweeps: chosen from the start and the iterations. */
#define LDA_TEMPER_AUTO UINT32_MAX

typedef struct lda_options {
  uint32_t k;                 /* topics [10] */
  uint32_t iterations;        /* Gibbs sweeps; 0 picks the default for the corpus size */
  uint64_t seed;              /* [1] */
  uint32_t threads;           /* worker threads [1] */
  /* Tokens each worker needs at least, so that a small corpus runs on fewer workers than
   * threads; 0: the default (lda.c). Tests set it low to run several workers on a tiny corpus. */
  uint32_t min_worker_tokens;
  /* Terms with fewer tokens than this are sampled by the rare-term path; 0: the default, K / 4
   * (lda_sampler.c). Tests set it high to check that path on a small corpus. */
  uint32_t rare_tokens;
  lda_start start;            /* [LDA_START_AUTO]; ignored with sync */
  double alpha;               /* initial symmetric alpha per topic; <= 0 picks the default */
  double beta;                /* [0.01] */
  uint32_t optimize_interval; /* optimise asymmetric alpha every N sweeps after burn-in; 0: never */
  uint32_t burn_in;           /* sweeps before the first alpha optimisation */
  /* The first sweeps sample with α and β scaled up (a tempered start, lda.c); the chain samples
   * the posterior of the true α and β from then on. [0]: none; LDA_TEMPER_AUTO: 100 sweeps from
   * a random start, 25 from a warm one, at most half the iterations; N: N. */
  uint32_t temper_sweeps;
  lda_progress_fn progress;
  void *progress_ud;
  /* Called after each iteration of the warm start's sample model (may be NULL), with
   * progress_ud; its log-likelihood is not computed and is passed as NaN. */
  lda_progress_fn warm_progress;
  /* When non-NULL and set non-zero (by a signal handler), training stops with TOPICS_EINTR. */
  volatile sig_atomic_t *stop;
  /* NULL: this process holds the whole corpus. */
  const lda_sync *sync;
} lda_options;

/* Defaults as in the brackets above, with the default iterations/alpha/optimisation chosen at
 * lda_new from the corpus. */
lda_options lda_default_options(void);

/* A model over m (which must outlive it), topics assigned at random; NULL and *st set on failure
 * (TOPICS_EINVAL for k == 0 or a bad option, TOPICS_ENOMEM). Free with lda_free. */
lda *lda_new(const dtm *m, const lda_options *opt, topics_status *st);
/* lda_free(NULL) does nothing. */
void lda_free(lda *model);

/* Runs the configured sweeps. TOPICS_EINTR when stopped through opt->stop. */
topics_status lda_train(lda *model);

uint32_t lda_k(const lda *model);
/* The iterations actually configured (after the default was resolved). */
uint32_t lda_iterations(const lda *model);
/* The current alpha vector (k values) and beta. Valid until lda_free. */
const double *lda_alpha(const lda *model);
double lda_beta(const lda *model);
/* Collapsed log-likelihood log p(w, z) divided by the token count, at the current state. */
double lda_log_likelihood_per_token(const lda *model);

/* Tokens assigned to topic t. */
uint64_t lda_topic_tokens(const lda *model, uint32_t t);
/* phi[w] = p(w | topic t) for all terms (smoothed), into phi[0 .. nterms). */
void lda_topic_word_dist(const lda *model, uint32_t t, double *phi);
/* theta[t] = p(topic t | doc d) (smoothed with alpha), into theta[0 .. k). */
void lda_doc_topic_dist(const lda *model, uint32_t d, double *theta);

#endif
