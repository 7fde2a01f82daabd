/* Inference against frozen topics (see lda_infer.h). With φ fixed, the weight of topic k for a
 * token of word w in document d splits into
 *   α_k β / (n_k + Vβ)            the smoothing part, the same for every token (S in total),
 *   n_dk β / (n_k + Vβ)           the document part, over the document's topics in use (R),
 *   (n_dk + α_k) n_kw / (n_k + Vβ) the word part, over the word's topics (Q),
 * and a draw walks only the part its uniform number falls in. */
#include "models/lda_infer.h"

#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "common/mem.h"
#include "common/mix.h"
#include "common/pool.h"

struct lif {
  uint32_t k, v;
  double *alpha, alpha_sum, beta;
  double *inv;      /* k: 1 / (n_k + Vβ) */
  double *s;        /* k: α_k β inv_k */
  double s_sum;
  uint64_t *w_off;  /* v + 1: word w's topics are wt/wq[w_off[w] .. w_off[w + 1]) */
  uint32_t *wt;     /* topic ids, ascending */
  uint32_t *wn;     /* n_kw */
  double *wq;       /* n_kw inv_k */
};

lif_options lif_default_options(void) {
  lif_options o = {30, 30, 1, 1, NULL};
  return o;
}

void lif_free(lif *f) {
  if (!f) return;
  free(f->alpha);
  free(f->inv);
  free(f->s);
  free(f->w_off);
  free(f->wt);
  free(f->wn);
  free(f->wq);
  free(f);
}

static void *alloc_n(size_t n, size_t elem) {
  size_t bytes;
  if (mem_mul(n ? n : 1, elem, &bytes) != TOPICS_OK) return NULL;
  return calloc(1, bytes);
}

lif *lif_new(const lif_counts *c, topics_status *st) {
  *st = TOPICS_EINVAL;
  if (!c || c->k == 0 || c->v == 0 || !(c->beta > 0) || !isfinite(c->beta)) return NULL;
  uint64_t nnz = c->row_off[c->k];
  for (uint32_t t = 0; t < c->k; t++)
    if (!(c->alpha[t] > 0) || c->row_off[t] > c->row_off[t + 1]) return NULL;
  for (uint64_t i = 0; i < nnz; i++)
    if (c->terms[i] >= c->v) return NULL;
  *st = TOPICS_ENOMEM;
  lif *f = calloc(1, sizeof *f);
  if (!f) return NULL;
  f->k = c->k;
  f->v = c->v;
  f->beta = c->beta;
  f->alpha = alloc_n(c->k, sizeof *f->alpha);
  f->inv = alloc_n(c->k, sizeof *f->inv);
  f->s = alloc_n(c->k, sizeof *f->s);
  f->w_off = alloc_n((size_t)c->v + 1, sizeof *f->w_off);
  f->wt = alloc_n(nnz, sizeof *f->wt);
  f->wn = alloc_n(nnz, sizeof *f->wn);
  f->wq = alloc_n(nnz, sizeof *f->wq);
  if (!f->alpha || !f->inv || !f->s || !f->w_off || !f->wt || !f->wn || !f->wq) {
    lif_free(f);
    return NULL;
  }
  double vb = (double)c->v * c->beta;
  for (uint32_t t = 0; t < c->k; t++) {
    uint64_t nk = 0;
    for (uint64_t i = c->row_off[t]; i < c->row_off[t + 1]; i++) nk += c->counts[i];
    f->alpha[t] = c->alpha[t];
    f->alpha_sum += c->alpha[t];
    f->inv[t] = 1.0 / ((double)nk + vb);
    f->s[t] = c->alpha[t] * c->beta * f->inv[t];
    f->s_sum += f->s[t];
  }
  /* Transpose topic-major counts into word-major lists (topics ascending: topic order). */
  for (uint64_t i = 0; i < nnz; i++) f->w_off[c->terms[i] + 1]++;
  for (uint32_t w = 0; w < c->v; w++) f->w_off[w + 1] += f->w_off[w];
  uint64_t *fill = alloc_n(c->v, sizeof *fill);
  if (!fill) {
    lif_free(f);
    return NULL;
  }
  for (uint32_t t = 0; t < c->k; t++)
    for (uint64_t i = c->row_off[t]; i < c->row_off[t + 1]; i++) {
      uint32_t w = c->terms[i];
      uint64_t at = f->w_off[w] + fill[w]++;
      f->wt[at] = t;
      f->wn[at] = c->counts[i];
      f->wq[at] = (double)c->counts[i] * f->inv[t];
    }
  free(fill);
  *st = TOPICS_OK;
  return f;
}

lif *lif_from_lda(const lda *model, uint32_t v, topics_status *st) {
  uint32_t k = lda_k(model);
  double beta = lda_beta(model);
  double *phi = alloc_n(v, sizeof *phi);
  uint64_t *row_off = alloc_n((size_t)k + 1, sizeof *row_off);
  uint32_t *terms = NULL, *counts = NULL;
  size_t cap = 0, cap2 = 0, nz = 0;
  lif *f = NULL;
  *st = TOPICS_ENOMEM;
  if (!phi || !row_off) goto done;
  for (uint32_t t = 0; t < k; t++) {
    double den = (double)lda_topic_tokens(model, t) + (double)v * beta;
    lda_topic_word_dist(model, t, phi);
    row_off[t] = nz;
    for (uint32_t w = 0; w < v; w++) {
      long long c = llround(phi[w] * den - beta); /* exact: counts are small integers */
      if (c <= 0) continue;
      if (MEM_RESERVE(terms, cap, nz + 1) != TOPICS_OK || MEM_RESERVE(counts, cap2, nz + 1) != TOPICS_OK)
        goto done;
      terms[nz] = w;
      counts[nz++] = c > (long long)UINT32_MAX ? UINT32_MAX : (uint32_t)c;
    }
  }
  row_off[k] = nz;
  lif_counts lc = {k, v, lda_alpha(model), beta, row_off, terms, counts};
  f = lif_new(&lc, st);
done:
  free(phi);
  free(row_off);
  free(terms);
  free(counts);
  return f;
}

uint32_t lif_k(const lif *f) { return f->k; }
uint32_t lif_v(const lif *f) { return f->v; }

double lif_phi(const lif *f, uint32_t t, uint32_t w) {
  uint64_t lo = f->w_off[w], hi = f->w_off[w + 1];
  while (lo < hi) { /* binary search: the word's topics are ascending */
    uint64_t mid = lo + (hi - lo) / 2;
    if (f->wt[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  double n = lo < f->w_off[w + 1] && f->wt[lo] == t ? (double)f->wn[lo] : 0.0;
  return (n + f->beta) * f->inv[t];
}

/* One worker's scratch space. */
typedef struct lif_scratch {
  uint32_t *ndk;  /* k */
  uint32_t *nz;   /* the document's topics in use */
  uint32_t *pos;  /* k: index in nz */
  uint32_t nnz;
  uint32_t *z;    /* the document's token topics */
  size_t zcap;
  double *acc;    /* k */
  gsl_rng *rng;
} lif_scratch;

static void dk_add(lif_scratch *s, uint32_t t) {
  if (s->ndk[t]++ == 0) {
    s->pos[t] = s->nnz;
    s->nz[s->nnz++] = t;
  }
}

static void dk_remove(lif_scratch *s, uint32_t t) {
  if (--s->ndk[t] == 0) {
    uint32_t last = s->nz[--s->nnz];
    s->nz[s->pos[t]] = last;
    s->pos[last] = s->pos[t];
  }
}

/* Draws a topic for word w given the document counts in s (the token itself removed). */
static uint32_t draw(const lif *f, lif_scratch *s, uint32_t w) {
  uint64_t b = f->w_off[w], e = f->w_off[w + 1];
  double q = 0;
  for (uint64_t i = b; i < e; i++) q += ((double)s->ndk[f->wt[i]] + f->alpha[f->wt[i]]) * f->wq[i];
  double r = 0;
  for (uint32_t i = 0; i < s->nnz; i++) r += (double)s->ndk[s->nz[i]] * f->beta * f->inv[s->nz[i]];
  double u = gsl_rng_uniform(s->rng) * (q + r + f->s_sum);
  if (u < q) {
    for (uint64_t i = b; i < e; i++) {
      u -= ((double)s->ndk[f->wt[i]] + f->alpha[f->wt[i]]) * f->wq[i];
      if (u < 0) return f->wt[i];
    }
    return f->wt[e - 1];
  }
  u -= q;
  if (u < r) {
    for (uint32_t i = 0; i < s->nnz; i++) {
      u -= (double)s->ndk[s->nz[i]] * f->beta * f->inv[s->nz[i]];
      if (u < 0) return s->nz[i];
    }
    return s->nz[s->nnz - 1];
  }
  u -= r;
  for (uint32_t t = 0; t < f->k; t++) {
    u -= f->s[t];
    if (u < 0) return t;
  }
  return f->k - 1;
}

/* A per-document seed: the run's seed and the index mixed by splitmix64's finaliser. */
static unsigned long doc_seed(uint64_t seed, uint32_t d) {
  uint64_t x = mix_fin64(seed + MIX_GOLDEN * ((uint64_t)d + 1));
  return (unsigned long)(x ? x : 1);
}

static topics_status infer_doc(const lif *f, lif_scratch *s, const uint32_t *doc, uint32_t len,
                               const lif_options *o, uint32_t d, double *theta) {
  uint32_t k = f->k;
  size_t n = 0;
  if (MEM_RESERVE(s->z, s->zcap, (size_t)len + 1) != TOPICS_OK) return TOPICS_ENOMEM;
  gsl_rng_set(s->rng, doc_seed(o->seed, d));
  for (uint32_t i = 0; i < len; i++) { /* sequential start: each token sees those before it */
    if (doc[i] >= f->v) continue;
    uint32_t t = draw(f, s, doc[i]);
    s->z[i] = t;
    dk_add(s, t);
    n++;
  }
  memset(s->acc, 0, k * sizeof *s->acc);
  uint32_t sweeps = o->burn_in + o->samples;
  for (uint32_t it = 0; it < sweeps; it++) {
    for (uint32_t i = 0; i < len && n; i++) {
      if (doc[i] >= f->v) continue;
      dk_remove(s, s->z[i]);
      uint32_t t = draw(f, s, doc[i]);
      s->z[i] = t;
      dk_add(s, t);
    }
    if (it >= o->burn_in)
      for (uint32_t i = 0; i < s->nnz; i++) s->acc[s->nz[i]] += s->ndk[s->nz[i]];
  }
  double den = (double)n + f->alpha_sum, ns = o->samples ? (double)o->samples : 1.0;
  for (uint32_t t = 0; t < k; t++) {
    double c = o->samples ? s->acc[t] / ns : s->ndk[t];
    theta[t] = (c + f->alpha[t]) / den;
  }
  while (s->nnz) { /* reset for the next document */
    uint32_t t = s->nz[--s->nnz];
    s->ndk[t] = 0;
  }
  return TOPICS_OK;
}

/* Frees what scratch_init allocated (fields it never reached are NULL). */
static void scratch_free(lif_scratch *s) {
  free(s->ndk);
  free(s->nz);
  free(s->pos);
  free(s->acc);
  free(s->z);
  if (s->rng) gsl_rng_free(s->rng);
}

static topics_status scratch_init(lif_scratch *s, uint32_t k) {
  memset(s, 0, sizeof *s);
  s->ndk = alloc_n(k, sizeof *s->ndk);
  s->nz = alloc_n(k, sizeof *s->nz);
  s->pos = alloc_n(k, sizeof *s->pos);
  s->acc = alloc_n(k, sizeof *s->acc);
  s->rng = gsl_rng_alloc(gsl_rng_mt19937);
  return s->ndk && s->nz && s->pos && s->acc && s->rng ? TOPICS_OK : TOPICS_ENOMEM;
}

typedef struct lif_job {
  const lif *f;
  const uint32_t *const *docs;
  const uint32_t *lens;
  const lif_options *o;
  double *theta;
  lif_scratch *scratch; /* one per worker */
  _Atomic int status;   /* the first failure; later documents are then skipped */
} lif_job;

/* One pool task: document d, on the worker's scratch space. Its seed depends on d alone, so the
 * result does not depend on which worker runs it. */
static void infer_task(void *ctx, uint32_t d, uint32_t worker) {
  lif_job *j = ctx;
  if (atomic_load(&j->status) != TOPICS_OK) return;
  topics_status st = TOPICS_EINTR;
  if (!(j->o->stop && *j->o->stop))
    st = infer_doc(j->f, &j->scratch[worker], j->docs[d], j->lens[d], j->o, d,
                   j->theta + (size_t)d * j->f->k);
  if (st != TOPICS_OK) {
    int ok = TOPICS_OK;
    atomic_compare_exchange_strong(&j->status, &ok, (int)st);
  }
}

topics_status lif_infer(const lif *f, uint32_t ndocs, const uint32_t *const *docs,
                        const uint32_t *lens, const lif_options *o, double *theta) {
  lif_options def = lif_default_options();
  if (!o) o = &def;
  uint32_t nt = o->threads ? o->threads : 1;
  if (nt > ndocs) nt = ndocs ? ndocs : 1;
  if (nt > 64) nt = 64;
  topics_status st;
  pool *p = nt > 1 ? pool_new(nt, &st) : NULL;
  if (nt > 1 && !p) return st;
  lif_job j = {f, docs, lens, o, theta, calloc(nt, sizeof(lif_scratch)), TOPICS_OK};
  st = j.scratch ? TOPICS_OK : TOPICS_ENOMEM;
  for (uint32_t i = 0; i < nt && st == TOPICS_OK && j.scratch; i++)
    st = scratch_init(&j.scratch[i], f->k);
  if (st == TOPICS_OK) {
    pool_run(p, ndocs, infer_task, &j);
    st = (topics_status)atomic_load(&j.status);
  }
  for (uint32_t i = 0; i < nt && j.scratch; i++) scratch_free(&j.scratch[i]);
  free(j.scratch);
  pool_free(p);
  return st;
}
