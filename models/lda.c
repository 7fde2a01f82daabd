/* The LDA model's life cycle: defaults, set-up (word-major index, worker blocks, random start),
 * the training loop with its deterministic multi-threaded sweeps (on worker threads that live as
 * long as the model) and its stopping rule, and the read-out functions. */
#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "common/mem.h"
#include "common/pool.h"
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
  o.temper_sweeps = 0; /* tempering buys likelihood at the cost of coherence (see below) */
  return o;
}

/* The default run length: with iterations 0 the model samples until the log-likelihood levels
 * off. The likelihood per token is evaluated every LDA_AUTO_EVERY sweeps; after at least
 * LDA_AUTO_MIN sweeps, training stops once the mean of the last LDA_AUTO_WINDOW evaluations
 * exceeds the mean of the LDA_AUTO_WINDOW before them by less than LDA_AUTO_GAIN nats per token
 * (comparing means of windows keeps sweep-to-sweep noise from stopping a run that still
 * improves), and at LDA_AUTO_MAX sweeps in any case. Only evaluations after the tempered start
 * count, so the rule compares states of the true posterior. */
#define LDA_AUTO_EVERY 10
#define LDA_AUTO_WINDOW 5
#define LDA_AUTO_MIN 100
#define LDA_AUTO_MAX 1000
#ifndef LDA_AUTO_GAIN /* (overridable for measuring) */
#define LDA_AUTO_GAIN 0.001
#endif



/* One pool task: worker i's share of the current round (lda_sampler.c). A worker's result
 * depends on its own state alone, so it does not matter which thread runs it. */
static void sweep_task(void *ctx, uint32_t i, uint32_t thread) {
  (void)thread;
  lda *md = ctx;
  lda_sweep_(&md->workers[i], (i + md->round) % md->nworkers, md->nworkers);
}

void lda_free(lda *md) {
  if (!md) return;
  pool_free(md->pool);
  for (uint32_t i = 0; md->workers && i < md->nworkers; i++) {
    lda_worker *w = &md->workers[i];
    gsl_rng_free(w->rng);
    free(w->lo), free(w->hi);
    free(w->nk), free(w->inv), free(w->im), free(w->cnt), free(w->wq), free(w->val);
    free(w->tree), free(w->cum);
    free(w->g), free(w->gtree), free(w->tl);
    free(w->rnd);
  }
  free(md->workers);
  free(md->zp);
  free(md->wdoc);
  free(md->w_off);
  free(md->dpos);
  free(md->wdk);
  free(md->dk), free(md->dk_off);
  free(md->nk);
  free(md->nwk);
  free(md->alpha);
  free(md->alpha_hot);
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
 * d a header and room for min(length, K) entries, all it can ever use; wdk gives each token its
 * document's dk_off (TOPICS_ELIMIT when that does not fit 32 bits). */
static topics_status build_doc_topics(lda *md) {
  uint64_t room = 0;
  md->dk_off = malloc(((size_t)md->d + 1) * sizeof *md->dk_off);
  md->wdk = malloc((md->n ? (size_t)md->n : 1) * sizeof *md->wdk);
  if (!md->dk_off || !md->wdk) return TOPICS_ENOMEM;
  for (uint32_t d = 0; d < md->d; d++) {
    uint64_t len = md->doc_off[d + 1] - md->doc_off[d];
    md->dk_off[d] = room;
    room += 1 + (len < md->k ? len : md->k);
  }
  md->dk_off[md->d] = room;
  if (room >= UINT32_MAX) return TOPICS_ELIMIT;
  for (uint64_t i = 0; i < md->n; i++) md->wdk[i] = (uint32_t)md->dk_off[md->wdoc[i]];
  /* Read at random during a sweep: in huge pages where the system allows. */
  md->dk = mem_huge_alloc((room ? (size_t)room : 1) * sizeof *md->dk);
  if (!md->dk) return TOPICS_ENOMEM;
  fill_doc_topics(md);
  return TOPICS_OK;
}

/* Document topic lists from the token topics (into the room build_doc_topics made). */
static void fill_doc_topics(lda *md) {
  for (uint32_t d = 0; d < md->d; d++) {
    lda_dk *ent = md->dk + md->dk_off[d] + 1;
    uint32_t nd = 0;
    for (uint64_t i = md->doc_off[d]; i < md->doc_off[d + 1]; i++) {
      uint32_t t = md->zp[md->dpos[i]] & 0xffffu, j = 0;
      while (j < nd && ent[j].t != t) j++;
      if (j < nd) ent[j].c++;
      else ent[nd++] = (lda_dk){t, 1};
    }
    ent[-1] = (lda_dk){0, nd};
  }
}

/* Threads pay for themselves only with enough tokens per sweep: handing a sweep to a thread and
 * collecting the result costs a few µs when the thread is still polling and tens of µs when it
 * has to be woken (more on a busy machine), and a sweep is as many rounds as workers.
 * So the model uses at most one worker per LDA_MIN_WORKER_TOKENS tokens: the sample corpus (4k
 * tokens) runs on one worker whatever --threads says. The choice depends only on the corpus and
 * the thread count, so results stay deterministic for a given seed and thread count. */
#ifndef LDA_MIN_WORKER_TOKENS /* (overridable for measuring) */
#define LDA_MIN_WORKER_TOKENS 8192
#endif

static uint32_t worker_count(uint32_t threads, uint32_t min_tokens, uint64_t ntokens) {
  uint64_t cap = ntokens / (min_tokens ? min_tokens : LDA_MIN_WORKER_TOKENS);
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
  w->im = malloc(k * sizeof *w->im);
  w->cnt = calloc(k, sizeof *w->cnt);
  w->wq = malloc(k * sizeof *w->wq);
  w->val = malloc(k * sizeof *w->val);
  w->tree = malloc((k + 1) * sizeof *w->tree);
  w->cum = malloc(k * sizeof *w->cum);
  w->g = calloc(k, sizeof *w->g);
  w->gtree = malloc((k + 1) * sizeof *w->gtree);
  w->tl = malloc(k * sizeof *w->tl);
  w->g_stale = 1;
  w->rnd = malloc(LDA_RND_N * sizeof *w->rnd);
  w->rnd_at = LDA_RND_N; /* empty: the first draw refills it */
  if (!w->rng || !w->lo || !w->hi || !w->nk || !w->inv || !w->im || !w->cnt || !w->wq || !w->val ||
      !w->tree || !w->cum || !w->g || !w->gtree || !w->tl || !w->rnd)
    return TOPICS_ENOMEM;
  /* The sampler takes raw outputs as 32-bit uniforms (lda_sampler.c). */
  if (gsl_rng_min(w->rng) != 0 || gsl_rng_max(w->rng) != 0xffffffffUL) return TOPICS_EINVAL;
  /* Each worker's stream depends only on (seed, worker index). */
  gsl_rng_set(w->rng, (unsigned long)(lda_mix64_(md->opt.seed ^ lda_mix64_(i + 1)) & 0xffffffffu));
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

/* The tempered start. A chain falls into one of the posterior's many modes within its first
 * hundred sweeps and may stay there for hundreds more; modes differ by 0.01-0.02 nats per token.
 * Sampled first with α and β three times larger, where the posterior is smoother, and then with
 * the true ones, chains settle sooner and in better modes. Only the start changes: after the
 * tempered sweeps the sampler is the same exact one. A chain from a random start (the warm
 * start's sample model among them) tempers its first LDA_TEMPER_SWEEPS; one from a warm start
 * inherits a tempered sample's topics and tempers LDA_TEMPER_WARM_SWEEPS more. Each is at most
 * half the sweeps. Measured on the pyvideo talks, K = 50, one thread (bench_lda --trace, α = 0.1,
 * β = 0.01, fixed): the sweep at which each chain first reached MALLET's plateau (-7.8353), and
 * how many chains were still above it at the last sweep run:
 *     sample 100, chain 100, seeds 1-6   110 for all;                      4 of 6 at sweep 700
 *     sample 100, chain 70, seeds 1-6    80, 80, never, never, 80, 80;     4 of 6 at 300
 *     sample 100, chain 50, seeds 1-12   60, 70, never, never, 120, 60,
 *                                        150, never, never, 60, 60, never; 7 of 12 at 300
 *     sample and chain 200, seeds 1-6    210 for all;                      6 of 6 at 400
 * Untempered chains (seeds 1-7) first reached -7.8371 at sweeps never, never, 310, 530, 260, 160
 * and 660 of 800. Each tempered sweep holds the true likelihood back (-8.02 at sweep 50), so
 * MALLET's 200-sweep likelihood (-7.8737) comes only after them: with a chain of 50, in 6.1 s
 * against 8.7 s with 100 (medians), where MALLET takes 19.2 s. At K = 200, seeds 1-3, sample and
 * chain 100 ended at -8.001 to -7.991, against -8.020 to -8.012 untempered. Tempering the sample
 * model alone, or a random start alone, did not help, and neither did a linear return from the
 * scale to 1, nor a smaller α and β (x0.1: median -7.845 at sweep 700).
 * With a chain of 25 (the sample model still tempering 100 of its 200), the race
 * (bench/race.sh, 7 chains a side at K = 50, 3 at K = 200) reached MALLET's plateau and its
 * 200-sweep likelihood at least 3.5 times sooner in every case (README), where a chain of 50 was
 * 2.8 times sooner to the 200-sweep likelihood on one thread.
 * It is off by default: the modes it finds have a higher likelihood but less coherent topics.
 * NPMI of the top 10 words (bench_relevance --k 50 --iters 500, α optimised as by default),
 * seeds 1-20, chain 25: 0.2903 mean tempered against 0.2979 at λ = 0.7 (lower on 14 of 20,
 * paired t = -1.95), 0.2761 against 0.2824 at λ = 1 (15 of 20, t = -2.62); a chain of 50 costs
 * about the same (-0.0064, -0.0062). The seeds' own spread is 0.014. On the sample corpus
 * (seeds 1-24, 100 tempered sweeps from a random start) the mean topic coherence of the JSON
 * output fell by 0.010, lower on 16 of 24. And with α optimised, as the command runs, the
 * default run gains neither likelihood nor time (pyvideo, K = 50, seeds 1-3, bench_lda --trace
 * IDS 50 0 1 0.1 0.01 S): final LL -7.698, -7.669, -7.665 in 34, 46, 51 s tempered, against
 * -7.649, -7.668, -7.719 in 49, 41, 27 s untempered. */
#define LDA_TEMPER_SWEEPS 100
#define LDA_TEMPER_WARM_SWEEPS 25
#define LDA_TEMPER_SCALE 3.0

/* The tempered sweeps of a run of the given sweeps, from a warm start or not. */
static uint32_t temper_sweeps(const lda_options *o, uint32_t iterations, int warm) {
  if (o->temper_sweeps != LDA_TEMPER_AUTO)
    return o->temper_sweeps < iterations ? o->temper_sweeps : iterations;
  const uint32_t want = warm ? LDA_TEMPER_WARM_SWEEPS : LDA_TEMPER_SWEEPS;
  return iterations / 2 < want ? iterations / 2 : want;
}

/* Swaps the true α and β with the tempered ones (or back): the sampler reads md's. */
static void temper_swap(lda *md, int on) {
  if (on) {
    for (uint32_t t = 0; t < md->k; t++) md->alpha_hot[t] = md->alpha[t] * LDA_TEMPER_SCALE;
    md->beta_true = md->beta;
    md->alpha_sum_true = md->alpha_sum;
    md->beta *= LDA_TEMPER_SCALE;
    md->alpha_sum *= LDA_TEMPER_SCALE;
  } else {
    md->beta = md->beta_true;
    md->alpha_sum = md->alpha_sum_true;
  }
  double *a = md->alpha;
  md->alpha = md->alpha_hot;
  md->alpha_hot = a;
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
  if (o.temper_sweeps && !(md->alpha_hot = malloc(k * sizeof *md->alpha_hot))) goto fail;
  if (build_index(md) != TOPICS_OK) goto fail;

  md->nworkers = worker_count(o.threads, o.min_worker_tokens, md->n);
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
  split_terms(md);
  topics_status bs = build_doc_topics(md);
  if (bs != TOPICS_OK) {
    *st = bs;
    goto fail;
  }
  rebuild_nwk(md);
  /* The pool's threads live as long as the model: a sweep hands out work in microseconds. */
  if (md->nworkers > 1 && !(md->pool = pool_new(md->nworkers, st))) goto fail;
  *st = TOPICS_OK;
  return md;
fail:
  lda_free(md);
  return NULL;
}

/* One sweep: as many rounds as workers (lda_sampler.c). Each round starts every worker from the
 * same topic totals; after it the totals become the start plus every worker's moves. */
static topics_status run_sweep(lda *md) {
  const uint32_t nw = md->nworkers, K = md->k;
  const double vb = md->v * md->beta;
  topics_status st = TOPICS_OK;
  for (md->round = 0; md->round < nw; md->round++) {
    for (uint32_t i = 0; i < nw; i++) {
      lda_worker *w = &md->workers[i];
      memcpy(w->nk, md->nk, K * sizeof *md->nk);
      for (uint32_t t = 0; t < K; t++) {
        w->inv[t] = 1.0 / (md->nk[t] + vb);
        w->im[t] = lda_inv_less_(md->nk[t], vb);
      }
    }
    /* Workers whose thread could not be started run on the caller: same result, just slower. */
    pool_run(md->pool, nw, sweep_task, md);
    for (uint32_t i = 0; i < nw; i++) {
      if (md->workers[i].stopped) st = TOPICS_EINTR;
      md->workers[i].stopped = 0;
    }
    for (uint32_t t = 0; t < K; t++) {
      uint64_t sum = md->nk[t];
      for (uint32_t i = 0; i < nw; i++) sum += md->workers[i].nk[t] - (uint64_t)md->nk[t];
      md->nk[t] = (uint32_t)sum; /* the wrap-around of the unsigned differences cancels */
    }
    if (st != TOPICS_OK) break;
  }
  return st;
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
  if (o->sync && (st = o->sync->counts(o->sync->ud, md)) != TOPICS_OK) return st;
  /* The warm start's time counts as the first sweep's, for the progress rates. */
  double t_warm = clock_seconds();
  if (md->sweeps_done == 0) { /* not on a run resumed after an interruption */
    const int warm = md->iterations && lda_warm_wanted_(md);
    if (warm && (st = lda_warm_start_(md)) != TOPICS_OK) {
      rebuild_nwk(md);
      return st;
    }
    md->temper = temper_sweeps(o, o->iterations, warm);
  }
  t_warm = clock_seconds() - t_warm;
  while (md->sweeps_done < md->iterations) {
    if (o->stop && *o->stop) {
      st = TOPICS_EINTR;
      break;
    }
    double t0 = clock_seconds() - t_warm;
    t_warm = 0;
    const int hot = md->sweeps_done < md->temper;
    if (hot) temper_swap(md, 1);
    st = run_sweep(md);
    if (hot) temper_swap(md, 0);
    if (st == TOPICS_OK && o->sync) st = o->sync->counts(o->sync->ud, md);
    double dt = clock_seconds() - t0;
    if (st != TOPICS_OK) break;
#ifndef NDEBUG
    uint64_t total = 0;
    for (uint32_t t = 0; t < md->k; t++) total += md->nk[t];
    assert(o->sync || total == md->n); /* with sync the totals are global */
#endif
    md->sweeps_done++;
    uint32_t s = md->sweeps_done;
    if (o->optimize_interval && s > o->burn_in && s > md->temper &&
        (s - o->burn_in) % o->optimize_interval == 0) {
      if ((st = lda_optimize_alpha_(md)) != TOPICS_OK) break;
    }
    /* The likelihood costs about a sweep; it is evaluated every LDA_AUTO_EVERY sweeps (and at
     * the first and last) when the stopping rule or the progress callback needs it. */
    int stop_now = 0;
    if (md->autostop && s > md->temper && s % LDA_AUTO_EVERY == 0) {
      ll = lda_log_likelihood_per_token(md);
      if (nh < sizeof hist / sizeof *hist) hist[nh++] = ll;
      stop_now = leveled_off(hist, nh, s);
      if (stop_now) md->iterations = s;
    }
    if (o->progress) {
      if (md->progress_no_ll)
        ll = NAN;
      else if (!md->autostop && (s == 1 || s % 10 == 0 || s == md->iterations))
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

void lda_recount_(lda *md) {
  memset(md->nk, 0, md->k * sizeof *md->nk);
  for (uint64_t i = 0; i < md->n; i++) md->nk[md->zp[i] & 0xffffu]++;
  fill_doc_topics(md);
  rebuild_nwk(md);
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
