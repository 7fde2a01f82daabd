/* The LDA model's life cycle: defaults, set-up (word-major index, worker blocks, random start),
 * the training loop with its deterministic multi-threaded sweeps (on worker threads that live as
 * long as the model), and the read-out functions. */
#include <assert.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/mem.h"
#include "models/dtm_int.h"
#include "models/lda_int.h"

/* α: we start from 0.1 per topic rather than 50/K. Talks are short (tens to a few hundred
 * terms) and usually about one or two themes. 50/K puts 5 pseudo-tokens on every topic at K = 10
 * (a prior mass of 50, half of a typical talk), which blurs each talk over all topics; even
 * MALLET's default total of 5 (0.5 per topic at K = 10) is heavy for notes this short. 0.1 per
 * topic keeps talk mixtures sparse at any K, and the asymmetric optimisation that follows the
 * burn-in then learns how common each topic really is. β = 0.01 (Griffiths & Steyvers). */
#define LDA_DEFAULT_ALPHA 0.1
#define LDA_DEFAULT_BETA 0.01
/* Optimise alpha every 10 sweeps once 50 sweeps have mixed the random start (MALLET uses 10 and
 * 200 for long runs; our runs are shorter). */
#define LDA_DEFAULT_INTERVAL 10
#define LDA_DEFAULT_BURN_IN 50

lda_options lda_default_options(void) {
  lda_options o;
  memset(&o, 0, sizeof o);
  o.k = 10;
  o.iterations = 0;
  o.seed = 1;
  o.threads = 1;
  o.alpha = 0;
  o.beta = LDA_DEFAULT_BETA;
  o.optimize_interval = LDA_DEFAULT_INTERVAL;
  o.burn_in = LDA_DEFAULT_BURN_IN;
  return o;
}

/* Default sweeps: a budget of 8 million token visits, at most 1000 and at least 200 sweeps. On
 * ~300 real talks (10k tokens) the log-likelihood still improves up to ~1000 sweeps, so small
 * corpora get 1000; a ~60-talk, 20k-token corpus gets 400 (about half a second on one core, a
 * quarter on two); a million-token corpus gets 200, enough there because every sweep moves many
 * more tokens per topic. */
static uint32_t default_iterations(uint64_t ntokens) {
  uint64_t it = ntokens ? 8000000ull / ntokens : 1000;
  if (it < 200) it = 200;
  if (it > 1000) it = 1000;
  return (uint32_t)it;
}

static uint64_t splitmix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

/* Pool threads: wait for a new generation, run their worker's half of the phase, report done. */
static void run_worker(lda_worker *w, int word) {
  if (word) lda_word_phase_(w);
  else lda_doc_phase_(w);
}

/* A waiter polls before it sleeps: a few pauses, then yields of the core (cheap when nothing else
 * wants it, and it lets our other thread run when both share one core on a busy machine). Sleeping
 * and waking through the kernel costs tens of µs on a virtual machine, which matters when a phase
 * on a small corpus takes a fraction of a millisecond. */
#define POOL_PAUSES 64
#define POOL_YIELDS 200

/* Polls until (*x == v) == equal, or quit; returns whether that happened. */
static int pool_poll(lda *md, _Atomic uint64_t *x, uint64_t v, int equal) {
  for (int i = 0; i < POOL_PAUSES + POOL_YIELDS; i++) {
    if ((atomic_load_explicit(x, memory_order_acquire) == v) == equal) return 1;
    if (atomic_load(&md->quit)) return 0;
#if defined(__x86_64__) || defined(__i386__)
    if (i < POOL_PAUSES) __builtin_ia32_pause();
    else
#endif
      sched_yield();
  }
  return (atomic_load_explicit(x, memory_order_acquire) == v) == equal;
}

static void *pool_main(void *p) {
  lda_worker *w = p;
  lda *md = w->model;
  uint64_t seen = 0;
  for (;;) {
    uint64_t gen;
    if (pool_poll(md, &md->generation, seen, 0)) {
      gen = atomic_load(&md->generation);
    } else {
      pthread_mutex_lock(&md->mu);
      while ((gen = atomic_load(&md->generation)) == seen && !atomic_load(&md->quit))
        pthread_cond_wait(&md->go, &md->mu);
      pthread_mutex_unlock(&md->mu);
    }
    if (atomic_load(&md->quit)) break;
    seen = gen;
    run_worker(w, atomic_load(&md->phase_word));
    if (atomic_fetch_sub(&md->pending, 1) == 1) {
      /* Last one: wake the caller in case it already sleeps (it checks pending under mu). */
      pthread_mutex_lock(&md->mu);
      pthread_cond_signal(&md->done);
      pthread_mutex_unlock(&md->mu);
    }
  }
  return NULL;
}

/* Starts threads for workers 1 .. nworkers - 1; those it cannot start run on the caller. */
static void pool_start(lda *md) {
  if (md->nworkers < 2) return;
  md->threads = malloc((size_t)(md->nworkers - 1) * sizeof *md->threads);
  if (!md->threads) return;
  if (pthread_mutex_init(&md->mu, NULL) != 0) return;
  if (pthread_cond_init(&md->go, NULL) != 0) {
    pthread_mutex_destroy(&md->mu);
    return;
  }
  if (pthread_cond_init(&md->done, NULL) != 0) {
    pthread_cond_destroy(&md->go);
    pthread_mutex_destroy(&md->mu);
    return;
  }
  md->pool_ready = 1;
  while (md->nthreads + 1 < md->nworkers &&
         pthread_create(&md->threads[md->nthreads], NULL, pool_main,
                        &md->workers[md->nthreads + 1]) == 0)
    md->nthreads++;
}

static void pool_stop(lda *md) {
  if (!md->pool_ready) return;
  pthread_mutex_lock(&md->mu);
  atomic_store(&md->quit, 1);
  pthread_cond_broadcast(&md->go);
  pthread_mutex_unlock(&md->mu);
  for (uint32_t i = 0; i < md->nthreads; i++) pthread_join(md->threads[i], NULL);
  pthread_cond_destroy(&md->done);
  pthread_cond_destroy(&md->go);
  pthread_mutex_destroy(&md->mu);
  md->pool_ready = 0;
}

/* Hands the phase to the pool threads (the caller then runs worker 0 itself). */
static void pool_go(lda *md, int word) {
  atomic_store(&md->phase_word, word);
  atomic_store(&md->pending, md->nthreads);
  pthread_mutex_lock(&md->mu);
  atomic_fetch_add_explicit(&md->generation, 1, memory_order_release);
  pthread_cond_broadcast(&md->go);
  pthread_mutex_unlock(&md->mu);
}

/* Waits until every pool thread has finished the phase. */
static void pool_wait(lda *md) {
  if (pool_poll(md, &md->pending, 0, 1)) return;
  pthread_mutex_lock(&md->mu);
  while (atomic_load(&md->pending)) pthread_cond_wait(&md->done, &md->mu);
  pthread_mutex_unlock(&md->mu);
}

void lda_free(lda *md) {
  if (!md) return;
  pool_stop(md);
  free(md->threads);
  for (uint32_t i = 0; md->workers && i < md->nworkers; i++) {
    lda_worker *w = &md->workers[i];
    gsl_rng_free(w->rng);
    free(w->cnt);
    free(w->tot);
    free(w->buf);
    free(w->nz), free(w->aother), free(w->small), free(w->large);
    free(w->wts), free(w->aprob), free(w->slots), free(w->seen);
    free(w->rnd), free(w->ubuf);
  }
  free(md->workers);
  free(md->zp);
  free(md->w_off);
  free(md->dpos);
  free(md->nk);
  free(md->nwk);
  free(md->alpha);
  lda_alias_free(&md->alpha_alias);
  free(md->beta_slots);
  free(md->ft), free(md->fs), free(md->inq);
  free(md->nkq), free(md->tmpw), free(md->tmp_prob);
  free(md->tmp_small), free(md->tmp_large), free(md->tmp_other);
  free(md);
}

/* Word-major positions: w_off by counting, dpos[i] = where document-major token i lives. */
static topics_status build_index(lda *md) {
  const uint32_t *ids = md->m->ids;
  md->w_off = calloc((size_t)md->v + 1, sizeof *md->w_off);
  md->dpos = malloc((md->n ? (size_t)md->n : 1) * sizeof *md->dpos);
  uint64_t *fill = malloc(((size_t)md->v + 1) * sizeof *fill);
  if (!md->w_off || !md->dpos || !fill) {
    free(fill);
    return TOPICS_ENOMEM;
  }
  for (uint64_t i = 0; i < md->n; i++) md->w_off[ids[i] + 1]++;
  for (uint32_t w = 0; w < md->v; w++) md->w_off[w + 1] += md->w_off[w];
  memcpy(fill, md->w_off, ((size_t)md->v + 1) * sizeof *fill);
  for (uint64_t i = 0; i < md->n; i++) md->dpos[i] = (uint32_t)fill[ids[i]]++;
  free(fill);
  for (uint32_t w = 0; w < md->v; w++) {
    uint64_t cw = md->w_off[w + 1] - md->w_off[w];
    if (cw > md->maxcw) md->maxcw = (uint32_t)cw;
  }
  return TOPICS_OK;
}

/* Contiguous blocks of documents and of terms, about n / workers tokens each. */
static void split_blocks(lda *md) {
  uint32_t nw = md->nworkers, d = 0, w = 0;
  for (uint32_t i = 0; i < nw; i++) {
    uint64_t goal = md->n * (i + 1) / nw;
    md->workers[i].d0 = d;
    md->workers[i].w0 = w;
    if (i + 1 == nw) {
      d = md->d;
      w = md->v;
    } else {
      while (d < md->d && md->doc_off[d + 1] <= goal) d++;
      while (w < md->v && md->w_off[w + 1] <= goal) w++;
    }
    md->workers[i].d1 = d;
    md->workers[i].w1 = w;
  }
}

/* Fills the v x k read-out counts from the token topics. */
static void rebuild_nwk(lda *md) {
  size_t vk = (size_t)md->v * md->k;
  memset(md->nwk, 0, (vk ? vk : 1) * sizeof *md->nwk);
  for (uint32_t w = 0; w < md->v; w++)
    for (uint64_t i = md->w_off[w]; i < md->w_off[w + 1]; i++)
      md->nwk[(size_t)w * md->k + (md->zp[i] & 0xffffu)]++;
}

/* Threads pay for themselves only with enough tokens per phase: a phase costs about 50 ns per
 * token, while handing it to a thread and collecting the result costs a few µs when the thread
 * is still polling and tens of µs when it has to be woken (more on a busy machine). Measured on
 * the 2-core development machine, two threads only started to win above roughly 15-20k tokens.
 * So the model uses at most one worker per LDA_MIN_WORKER_TOKENS tokens: the sample corpus (4k
 * tokens) runs on one worker whatever --threads says. The choice depends only on the corpus and
 * the thread count, so results stay deterministic for a given seed and thread count. */
#ifndef LDA_MIN_WORKER_TOKENS /* (overridable for measuring) */
#define LDA_MIN_WORKER_TOKENS 8192
#endif

static uint32_t worker_count(uint32_t threads, uint64_t ntokens) {
  uint64_t cap = ntokens / LDA_MIN_WORKER_TOKENS;
  if (cap < 1) cap = 1;
  return threads < cap ? threads : (uint32_t)cap;
}

static topics_status init_worker(lda *md, uint32_t i) {
  const size_t k = md->k, k1 = k + 1;
  const size_t ulen = (size_t)(md->maxlen > md->maxcw ? md->maxlen : md->maxcw) + 1;
  lda_worker *w = &md->workers[i];
  w->model = md;
  w->rng = gsl_rng_alloc(gsl_rng_taus2);
  w->cnt = calloc(k, sizeof *w->cnt);
  w->tot = calloc(k, sizeof *w->tot);
  w->buf = malloc((md->maxlen ? md->maxlen : 1) * sizeof *w->buf);
  /* K + 1: the word's topics plus the β bucket (nz also takes a store past its end). */
  w->nz = malloc(k1 * sizeof *w->nz);
  w->aother = malloc(k1 * sizeof *w->aother);
  w->small = malloc(k1 * sizeof *w->small);
  w->large = malloc(k1 * sizeof *w->large);
  w->wts = malloc(k1 * sizeof *w->wts);
  w->aprob = malloc(k1 * sizeof *w->aprob);
  w->slots = malloc(k1 * sizeof *w->slots);
  w->seen = calloc(k, 1);
  w->rnd = malloc(LDA_RND_N * sizeof *w->rnd);
  w->ubuf = malloc(ulen * sizeof *w->ubuf);
  w->rnd_at = LDA_RND_N; /* empty: the first draw refills it */
  if (!w->rng || !w->cnt || !w->tot || !w->buf || !w->nz || !w->aother || !w->small ||
      !w->large || !w->wts || !w->aprob || !w->slots || !w->seen || !w->rnd || !w->ubuf)
    return TOPICS_ENOMEM;
  /* The sampler takes raw outputs as 32-bit uniforms (lda_sampler.c). */
  if (gsl_rng_min(w->rng) != 0 || gsl_rng_max(w->rng) != 0xffffffffUL) return TOPICS_EINVAL;
  /* Each worker's stream depends only on (seed, worker index). */
  gsl_rng_set(w->rng, (unsigned long)(splitmix64(md->opt.seed ^ splitmix64(i + 1)) & 0xffffffffu));
  /* Random start, drawn by the worker that owns the documents; no proposal pending. */
  for (uint32_t d = w->d0; d < w->d1; d++) {
    for (uint64_t j = md->doc_off[d]; j < md->doc_off[d + 1]; j++) {
      uint32_t t = (uint32_t)gsl_rng_uniform_int(w->rng, md->k);
      md->zp[md->dpos[j]] = t | t << 16;
      md->nk[t]++;
    }
  }
  return TOPICS_OK;
}

lda *lda_new(const dtm *m, const lda_options *opt, topics_status *st) {
  lda_options o = opt ? *opt : lda_default_options();
  *st = TOPICS_EINVAL;
  if (o.k == 0 || o.k > 65535 || !(o.beta > 0) || o.alpha != o.alpha) return NULL;
  if (m->ntokens >= UINT32_MAX) { /* token positions are 32-bit */
    *st = TOPICS_ELIMIT;
    return NULL;
  }
  *st = TOPICS_ENOMEM;
  lda *md = calloc(1, sizeof *md);
  if (!md) return NULL;
  md->m = m;
  md->k = o.k;
  md->v = m->nterms;
  md->d = m->ndocs;
  md->n = m->ntokens;
  md->doc_off = m->doc_off;
  if (o.iterations == 0) o.iterations = default_iterations(md->n);
  if (!(o.alpha > 0)) o.alpha = LDA_DEFAULT_ALPHA;
  if (o.threads == 0) o.threads = 1;
  if (o.threads > 256) o.threads = 256;
  md->opt = o;
  md->beta = o.beta;
  for (uint32_t d = 0; d < md->d; d++) {
    uint64_t len = md->doc_off[d + 1] - md->doc_off[d];
    if (len > md->maxlen) md->maxlen = (uint32_t)len;
  }

  size_t vk;
  const size_t k = md->k;
  if (mem_mul(md->v ? md->v : 1, md->k, &vk) != TOPICS_OK) goto fail;
  md->nwk = calloc(vk, sizeof *md->nwk);
  md->nk = calloc(k, sizeof *md->nk);
  md->alpha = malloc(k * sizeof *md->alpha);
  md->zp = malloc((md->n ? (size_t)md->n : 1) * sizeof *md->zp);
  if (!md->nwk || !md->nk || !md->alpha || !md->zp) goto fail;
  for (uint32_t t = 0; t < md->k; t++) md->alpha[t] = o.alpha;
  md->alpha_sum = o.alpha * md->k;
  if (lda_alias_build(&md->alpha_alias, md->alpha, md->k) != TOPICS_OK) goto fail;
  md->nkq = malloc(k * sizeof *md->nkq);
  md->ft = malloc(k * sizeof *md->ft);
  md->fs = malloc(k * sizeof *md->fs);
  md->inq = malloc(k * sizeof *md->inq);
  md->beta_slots = malloc(k * sizeof *md->beta_slots);
  md->tmpw = malloc(k * sizeof *md->tmpw);
  md->tmp_prob = malloc(k * sizeof *md->tmp_prob);
  md->tmp_small = malloc(k * sizeof *md->tmp_small);
  md->tmp_large = malloc(k * sizeof *md->tmp_large);
  md->tmp_other = malloc(k * sizeof *md->tmp_other);
  if (!md->nkq || !md->ft || !md->fs || !md->inq || !md->beta_slots || !md->tmpw ||
      !md->tmp_prob || !md->tmp_small || !md->tmp_large || !md->tmp_other)
    goto fail;
  if (build_index(md) != TOPICS_OK) goto fail;

  md->nworkers = worker_count(o.threads, md->n);
  md->workers = calloc(md->nworkers, sizeof *md->workers);
  if (!md->workers) goto fail;
  split_blocks(md);
  for (uint32_t i = 0; i < md->nworkers; i++) {
    topics_status ws = init_worker(md, i);
    if (ws != TOPICS_OK) {
      *st = ws;
      goto fail;
    }
  }
  rebuild_nwk(md);
  /* No proposal is pending yet (proposal == topic), but nkq must be defined for the first
   * document phase. */
  for (uint32_t t = 0; t < md->k; t++) md->nkq[t] = md->nk[t] + md->v * md->beta;
  pool_start(md);
  *st = TOPICS_OK;
  return md;
fail:
  lda_free(md);
  return NULL;
}

/* Freezes the totals a phase reads: the acceptance factors (lda_sampler.c) and, for the word
 * phase, the totals its proposals use and the β part's slots. */
static void prepare_phase(lda *md, int word) {
  const double vb = md->v * md->beta;
  if (word) {
    double mass = 0;
    for (uint32_t t = 0; t < md->k; t++) {
      md->nkq[t] = md->nk[t] + vb;
      md->inq[t] = 1.0 / md->nkq[t];
      md->tmpw[t] = md->beta * md->inq[t];
      md->ft[t] = md->nkq[t];          /* n_t + Vβ */
      md->fs[t] = md->nk[t] - 1 + vb;  /* n_s - 1 + Vβ */
      mass += md->tmpw[t];
    }
    md->beta_mass = mass;
    lda_alias_slots(md->beta_slots, md->tmpw, NULL, md->k, md->tmp_prob, md->tmp_other,
                    md->tmp_small, md->tmp_large);
  } else {
    /* nkq are the totals the pending word proposals were drawn with. */
    for (uint32_t t = 0; t < md->k; t++) {
      md->ft[t] = md->nkq[t] / (md->nk[t] + vb);
      md->fs[t] = (md->nk[t] - 1 + vb) / md->nkq[t];
    }
  }
}

/* Runs one phase on every worker, then folds their topic-total changes into nk. Each worker
 * writes only its own tokens and reads the frozen totals, so the result depends only on the seed
 * and the worker count, never on scheduling. */
static topics_status run_phase(lda *md, int word) {
  const uint32_t nw = md->nworkers;
  prepare_phase(md, word);
  if (md->nthreads) pool_go(md, word);
  run_worker(&md->workers[0], word);
  /* Workers that could not get a thread run here: same result, just slower. */
  for (uint32_t i = md->nthreads + 1; i < nw; i++) run_worker(&md->workers[i], word);
  if (md->nthreads) pool_wait(md);
  topics_status st = TOPICS_OK;
  for (uint32_t i = 0; i < nw; i++) {
    if (md->workers[i].stopped) st = TOPICS_EINTR;
    md->workers[i].stopped = 0;
  }
  /* Every token lies in exactly one worker's documents and in one worker's terms, so a complete
   * phase's totals are the sum of the workers'. An interrupted phase skipped some: count again. */
  memset(md->nk, 0, md->k * sizeof *md->nk);
  if (st == TOPICS_OK) {
    for (uint32_t i = 0; i < nw; i++)
      for (uint32_t t = 0; t < md->k; t++) md->nk[t] += md->workers[i].tot[t];
  } else {
    for (uint64_t i = 0; i < md->n; i++) md->nk[md->zp[i] & 0xffffu]++;
  }
  for (uint32_t i = 0; i < nw; i++) memset(md->workers[i].tot, 0, md->k * sizeof *md->workers[i].tot);
  return st;
}

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

topics_status lda_train(lda *md) {
  const lda_options *o = &md->opt;
  double ll = 0;
  topics_status st = TOPICS_OK;
  while (md->sweeps_done < o->iterations) {
    if (o->stop && *o->stop) {
      st = TOPICS_EINTR;
      break;
    }
    double t0 = now_s();
    if ((st = run_phase(md, 0)) != TOPICS_OK || (st = run_phase(md, 1)) != TOPICS_OK) break;
    double dt = now_s() - t0;
#ifndef NDEBUG
    uint64_t total = 0;
    for (uint32_t t = 0; t < md->k; t++) total += md->nk[t];
    assert(total == md->n);
#endif
    md->sweeps_done++;
    uint32_t s = md->sweeps_done;
    if (o->optimize_interval && s > o->burn_in && (s - o->burn_in) % o->optimize_interval == 0) {
      if ((st = lda_optimize_alpha_(md)) != TOPICS_OK) break;
    }
    if (o->progress) {
      /* The likelihood costs about a sweep; refresh it every 10 sweeps and at the end. */
      if (s == 1 || s % 10 == 0 || s == o->iterations) ll = lda_log_likelihood_per_token(md);
      o->progress(o->progress_ud, s, o->iterations, dt > 0 ? (double)md->n / dt : 0.0, ll);
    }
  }
  rebuild_nwk(md); /* the state stays consistent even when interrupted */
  return st;
}

uint32_t lda_k(const lda *md) { return md->k; }
uint32_t lda_iterations(const lda *md) { return md->opt.iterations; }
const double *lda_alpha(const lda *md) { return md->alpha; }
double lda_beta(const lda *md) { return md->beta; }
uint64_t lda_topic_tokens(const lda *md, uint32_t t) { return md->nk[t]; }

void lda_topic_word_dist(const lda *md, uint32_t t, double *phi) {
  double den = md->nk[t] + md->v * md->beta;
  for (uint32_t w = 0; w < md->v; w++) phi[w] = (md->nwk[(size_t)w * md->k + t] + md->beta) / den;
}

void lda_doc_topic_dist(const lda *md, uint32_t d, double *theta) {
  uint64_t b = md->doc_off[d], e = md->doc_off[d + 1];
  for (uint32_t t = 0; t < md->k; t++) theta[t] = md->alpha[t];
  for (uint64_t i = b; i < e; i++) theta[md->zp[md->dpos[i]] & 0xffffu] += 1.0;
  double den = (double)(e - b) + md->alpha_sum;
  for (uint32_t t = 0; t < md->k; t++) theta[t] /= den;
}
