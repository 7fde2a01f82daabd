/* The LDA model's life cycle: defaults, set-up (word-major index, worker blocks, random start),
 * the training loop with its deterministic multi-threaded sweeps (on worker threads that live as
 * long as the model) and its stopping rule, and the read-out functions. */
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

/* The default run length: with iterations 0 the model samples until the log-likelihood levels
 * off. The likelihood per token is evaluated every LDA_AUTO_EVERY sweeps; after at least
 * LDA_AUTO_MIN sweeps, training stops once the mean of the last LDA_AUTO_WINDOW evaluations
 * exceeds the mean of the LDA_AUTO_WINDOW before them by less than LDA_AUTO_GAIN nats per token
 * (comparing means of windows keeps sweep-to-sweep noise from stopping a run that still
 * improves), and at LDA_AUTO_MAX sweeps in any case. */
#define LDA_AUTO_EVERY 10
#define LDA_AUTO_WINDOW 5
#define LDA_AUTO_MIN 100
#define LDA_AUTO_MAX 1000
#ifndef LDA_AUTO_GAIN /* (overridable for measuring) */
#define LDA_AUTO_GAIN 0.001
#endif

static uint64_t splitmix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}


/* A waiter polls before it sleeps: a few pauses, then yields of the core (cheap when nothing else
 * wants it, and it lets our other thread run when both share one core on a busy machine). Sleeping
 * and waking through the kernel costs tens of µs on a virtual machine, which matters when a sweep
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
    lda_sweep_(w);
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

/* Hands the sweep to the pool threads (the caller then runs worker 0 itself). */
static void pool_go(lda *md) {
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
    free(w->lo), free(w->hi);
    free(w->nk), free(w->inv), free(w->cnt), free(w->wq), free(w->val), free(w->tree), free(w->cum);
    free(w->rnd);
  }
  free(md->workers);
  free(md->zp);
  free(md->zsnap);
  free(md->wdoc);
  free(md->w_off);
  free(md->dpos);
  free(md->dk), free(md->dk_off), free(md->dk_n);
  free(md->nk);
  free(md->nwk);
  free(md->alpha);
  free(md);
}

/* Word-major positions: w_off by counting, dpos[i] = where document-major token i lives, and
 * each word-major token's document (a term's tokens come out in document order). */
static topics_status build_index(lda *md) {
  const uint32_t *ids = md->m->ids;
  const size_t n1 = md->n ? (size_t)md->n : 1;
  md->w_off = calloc((size_t)md->v + 1, sizeof *md->w_off);
  md->dpos = malloc(n1 * sizeof *md->dpos);
  md->wdoc = malloc(n1 * sizeof *md->wdoc);
  uint64_t *fill = malloc(((size_t)md->v + 1) * sizeof *fill);
  if (!md->w_off || !md->dpos || !md->wdoc || !fill) {
    free(fill);
    return TOPICS_ENOMEM;
  }
  for (uint64_t i = 0; i < md->n; i++) md->w_off[ids[i] + 1]++;
  for (uint32_t w = 0; w < md->v; w++) md->w_off[w + 1] += md->w_off[w];
  memcpy(fill, md->w_off, ((size_t)md->v + 1) * sizeof *fill);
  for (uint32_t d = 0; d < md->d; d++)
    for (uint64_t i = md->doc_off[d]; i < md->doc_off[d + 1]; i++) {
      uint32_t p = (uint32_t)fill[ids[i]]++;
      md->dpos[i] = p;
      md->wdoc[p] = d;
    }
  free(fill);
  return TOPICS_OK;
}

/* Contiguous blocks of documents, about n / workers tokens each. */
static void split_blocks(lda *md) {
  uint32_t nw = md->nworkers, d = 0;
  for (uint32_t i = 0; i < nw; i++) {
    uint64_t goal = md->n * (i + 1) / nw;
    md->workers[i].d0 = d;
    if (i + 1 == nw) d = md->d;
    else
      while (d < md->d && md->doc_off[d + 1] <= goal) d++;
    md->workers[i].d1 = d;
  }
}

/* Each worker's share of each term's tokens: documents are in blocks and a term's tokens are in
 * document order, so the share is one run. */
static void split_terms(lda *md) {
  for (uint32_t p = 0; p < md->nworkers; p++) {
    lda_worker *w = &md->workers[p];
    for (uint32_t t = 0; t < md->v; t++) {
      uint64_t i = md->w_off[t], e = md->w_off[t + 1];
      while (i < e && md->wdoc[i] < w->d0) i++;
      w->lo[t] = (uint32_t)(i - md->w_off[t]);
      while (i < e && md->wdoc[i] < w->d1) i++;
      w->hi[t] = (uint32_t)(i - md->w_off[t]);
    }
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

static void fill_doc_topics(lda *md);

/* Each document's topics in use with their counts, from the token topics; dk_off gives document
 * d room for min(length, K) entries, all it can ever use. */
static topics_status build_doc_topics(lda *md) {
  uint64_t room = 0;
  md->dk_off = malloc(((size_t)md->d + 1) * sizeof *md->dk_off);
  md->dk_n = calloc(md->d ? md->d : 1, sizeof *md->dk_n);
  if (!md->dk_off || !md->dk_n) return TOPICS_ENOMEM;
  for (uint32_t d = 0; d < md->d; d++) {
    uint64_t len = md->doc_off[d + 1] - md->doc_off[d];
    md->dk_off[d] = room;
    room += len < md->k ? len : md->k;
  }
  md->dk_off[md->d] = room;
  md->dk = malloc((room ? (size_t)room : 1) * sizeof *md->dk);
  if (!md->dk) return TOPICS_ENOMEM;
  fill_doc_topics(md);
  return TOPICS_OK;
}

/* Document topic lists from the token topics (into the room build_doc_topics made). */
static void fill_doc_topics(lda *md) {
  for (uint32_t d = 0; d < md->d; d++) {
    lda_dk *ent = md->dk + md->dk_off[d];
    uint32_t nd = 0;
    for (uint64_t i = md->doc_off[d]; i < md->doc_off[d + 1]; i++) {
      uint32_t t = md->zp[md->dpos[i]] & 0xffffu, j = 0;
      while (j < nd && ent[j].t != t) j++;
      if (j < nd) ent[j].c++;
      else ent[nd++] = (lda_dk){t, 1};
    }
    md->dk_n[d] = nd;
  }
}

/* Threads pay for themselves only with enough tokens per sweep: handing a sweep to a thread and
 * collecting the result costs a few µs when the thread is still polling and tens of µs when it
 * has to be woken (more on a busy machine), and each worker samples against counts a sweep old.
 * So the model uses at most one worker per LDA_MIN_WORKER_TOKENS tokens: the sample corpus (4k
 * tokens) runs on one worker whatever --threads says. The choice depends only on the corpus and
 * the thread count, so results stay deterministic for a given seed and thread count. */
/* LDA_FRESH_START 1 makes the first sweep place every token anew instead of sampling from the
 * random start (lda_sampler.c). Off: in word-major order that start often merged planted topics
 * into a local optimum (10 of 12 runs of test_lda's planted corpus against 2 of 12 from the
 * random start). */
#ifndef LDA_FRESH_START /* (overridable for measuring) */
#define LDA_FRESH_START 0
#endif
#ifndef LDA_MIN_WORKER_TOKENS /* (overridable for measuring) */
#define LDA_MIN_WORKER_TOKENS 8192
#endif

static uint32_t worker_count(uint32_t threads, uint64_t ntokens) {
  uint64_t cap = ntokens / LDA_MIN_WORKER_TOKENS;
  if (cap < 1) cap = 1;
  return threads < cap ? threads : (uint32_t)cap;
}

static topics_status init_worker(lda *md, uint32_t i) {
  const size_t k = md->k, v1 = md->v ? md->v : 1;
  lda_worker *w = &md->workers[i];
  w->model = md;
  w->rng = gsl_rng_alloc(gsl_rng_taus2);
  w->lo = malloc(v1 * sizeof *w->lo);
  w->hi = malloc(v1 * sizeof *w->hi);
  w->nk = malloc(k * sizeof *w->nk);
  w->inv = malloc(k * sizeof *w->inv);
  w->cnt = calloc(k, sizeof *w->cnt);
  w->wq = malloc(k * sizeof *w->wq);
  w->val = malloc(k * sizeof *w->val);
  w->tree = malloc((k + 1) * sizeof *w->tree);
  w->cum = malloc(k * sizeof *w->cum);
  w->rnd = malloc(LDA_RND_N * sizeof *w->rnd);
  w->rnd_at = LDA_RND_N; /* empty: the first draw refills it */
  if (!w->rng || !w->lo || !w->hi || !w->nk || !w->inv || !w->cnt || !w->wq || !w->val || !w->tree ||
      !w->cum || !w->rnd)
    return TOPICS_ENOMEM;
  /* The sampler takes raw outputs as 32-bit uniforms (lda_sampler.c). */
  if (gsl_rng_min(w->rng) != 0 || gsl_rng_max(w->rng) != 0xffffffffUL) return TOPICS_EINVAL;
  /* Each worker's stream depends only on (seed, worker index). */
  gsl_rng_set(w->rng, (unsigned long)(splitmix64(md->opt.seed ^ splitmix64(i + 1)) & 0xffffffffu));
  /* Random start, drawn by the worker that owns the documents. */
  for (uint32_t d = w->d0; d < w->d1; d++) {
    for (uint64_t j = md->doc_off[d]; j < md->doc_off[d + 1]; j++) {
      uint32_t t = (uint32_t)gsl_rng_uniform_int(w->rng, md->k);
      md->zp[md->dpos[j]] = t;
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
  md->autostop = o.iterations == 0;
  if (md->autostop) o.iterations = LDA_AUTO_MAX;
  md->iterations = o.iterations;
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
  const size_t k = md->k, n1 = md->n ? (size_t)md->n : 1;
  if (mem_mul(md->v ? md->v : 1, md->k, &vk) != TOPICS_OK) goto fail;
  md->nwk = calloc(vk, sizeof *md->nwk);
  md->nk = calloc(k, sizeof *md->nk);
  md->alpha = malloc(k * sizeof *md->alpha);
  md->zp = malloc(n1 * sizeof *md->zp);
  if (!md->nwk || !md->nk || !md->alpha || !md->zp) goto fail;
  for (uint32_t t = 0; t < md->k; t++) md->alpha[t] = o.alpha;
  md->alpha_sum = o.alpha * md->k;
  if (build_index(md) != TOPICS_OK) goto fail;

  md->nworkers = worker_count(o.threads, md->n);
  md->workers = calloc(md->nworkers, sizeof *md->workers);
  if (!md->workers) goto fail;
  if (md->nworkers > 1 && !(md->zsnap = malloc(n1 * sizeof *md->zsnap))) goto fail;
  split_blocks(md);
  for (uint32_t i = 0; i < md->nworkers; i++) {
    topics_status ws = init_worker(md, i);
    if (ws != TOPICS_OK) {
      *st = ws;
      goto fail;
    }
  }
  split_terms(md);
  if (build_doc_topics(md) != TOPICS_OK) goto fail;
  rebuild_nwk(md);
  pool_start(md);
  *st = TOPICS_OK;
  return md;
fail:
  lda_free(md);
  return NULL;
}

/* One sweep on every worker: each starts from the same topic totals (and, with several, the
 * same snapshot of the topics), then the totals become the start plus every worker's moves,
 * added in worker order. */
static topics_status run_sweep(lda *md) {
  const uint32_t nw = md->nworkers, K = md->k;
  const double vb = md->v * md->beta;
  if (nw > 1) memcpy(md->zsnap, md->zp, (size_t)md->n * sizeof *md->zp);
  /* The first sweep places every token from scratch (see lda_sampler.c): no counts yet. */
  md->fresh = LDA_FRESH_START && md->sweeps_done == 0;
  if (md->fresh) {
    memset(md->nk, 0, K * sizeof *md->nk);
    memset(md->dk_n, 0, (md->d ? md->d : 1) * sizeof *md->dk_n);
  }
  for (uint32_t i = 0; i < nw; i++) {
    lda_worker *w = &md->workers[i];
    memcpy(w->nk, md->nk, K * sizeof *md->nk);
    for (uint32_t t = 0; t < K; t++) w->inv[t] = 1.0 / (md->nk[t] + vb);
  }
  if (md->nthreads) pool_go(md);
  lda_sweep_(&md->workers[0]);
  /* Workers that could not get a thread run here: same result, just slower. */
  for (uint32_t i = md->nthreads + 1; i < nw; i++) lda_sweep_(&md->workers[i]);
  if (md->nthreads) pool_wait(md);
  topics_status st = TOPICS_OK;
  for (uint32_t i = 0; i < nw; i++) {
    if (md->workers[i].stopped) st = TOPICS_EINTR;
    md->workers[i].stopped = 0;
  }
  if (st != TOPICS_OK && md->fresh) {
    /* An interrupted first sweep placed only some tokens: count the state as it stands. */
    memset(md->nk, 0, K * sizeof *md->nk);
    for (uint64_t i = 0; i < md->n; i++) md->nk[md->zp[i] & 0xffffu]++;
    fill_doc_topics(md);
    return st;
  }
  for (uint32_t t = 0; t < K; t++) {
    uint64_t sum = md->nk[t];
    for (uint32_t i = 0; i < nw; i++) sum += md->workers[i].nk[t] - (uint64_t)md->nk[t];
    md->nk[t] = (uint32_t)sum; /* the wrap-around of the unsigned differences cancels */
  }
  return st;
}

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* The stopping rule (see LDA_AUTO_*): hist holds the likelihoods evaluated so far, nh of them. */
static int leveled_off(const double *hist, uint32_t nh, uint32_t sweeps) {
  if (sweeps < LDA_AUTO_MIN || nh < 2 * LDA_AUTO_WINDOW) return 0;
  double recent = 0, before = 0;
  for (uint32_t i = 0; i < LDA_AUTO_WINDOW; i++) {
    recent += hist[nh - 1 - i];
    before += hist[nh - 1 - LDA_AUTO_WINDOW - i];
  }
  return (recent - before) / LDA_AUTO_WINDOW < LDA_AUTO_GAIN;
}

topics_status lda_train(lda *md) {
  const lda_options *o = &md->opt;
  double ll = 0, hist[LDA_AUTO_MAX / LDA_AUTO_EVERY + 1];
  uint32_t nh = 0;
  topics_status st = TOPICS_OK;
  while (md->sweeps_done < md->iterations) {
    if (o->stop && *o->stop) {
      st = TOPICS_EINTR;
      break;
    }
    double t0 = now_s();
    st = run_sweep(md);
    double dt = now_s() - t0;
    if (st != TOPICS_OK) break;
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
    /* The likelihood costs about a sweep; it is evaluated every LDA_AUTO_EVERY sweeps (and at
     * the first and last) when the stopping rule or the progress callback needs it. */
    int stop_now = 0;
    if (md->autostop && s % LDA_AUTO_EVERY == 0) {
      ll = lda_log_likelihood_per_token(md);
      if (nh < sizeof hist / sizeof *hist) hist[nh++] = ll;
      stop_now = leveled_off(hist, nh, s);
      if (stop_now) md->iterations = s;
    }
    if (o->progress) {
      if (!md->autostop && (s == 1 || s % 10 == 0 || s == md->iterations))
        ll = lda_log_likelihood_per_token(md);
      else if (md->autostop && s == 1)
        ll = lda_log_likelihood_per_token(md);
      o->progress(o->progress_ud, s, md->iterations, dt > 0 ? (double)md->n / dt : 0.0, ll);
    }
    if (stop_now) break;
  }
  rebuild_nwk(md); /* the state stays consistent even when interrupted */
  return st;
}

uint32_t lda_k(const lda *md) { return md->k; }
uint32_t lda_iterations(const lda *md) { return md->iterations; }
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
