/* One sweep of a worker: exact collapsed Gibbs sampling in word-major order, after F+LDA (Yu et
 * al. 2015). Each token of term w in document d is drawn from the full conditional
 *     p(k) ∝ (n_dk¬i + α_k)(n_wk¬i + β) / (n_k¬i + Vβ),
 * split into two parts:
 *     document part  n_dk (n_wk + β) / (n_k + Vβ)   - non-zero only for the document's topics in
 *                                                    use, summed over its short topic list;
 *     smoothing part α_k (n_wk + β) / (n_k + Vβ)   - dense over K, kept in a Fenwick tree that is
 *                                                    built once per term (its counts are gathered
 *                                                    into a dense K array) and updated in
 *                                                    O(log K) when a token changes topic.
 * A draw costs O(topics of the document + log K); no V x K matrix is read. The counts are the
 * current ones at every draw, so one worker samples exactly the collapsed posterior. The token
 * is left out of the counts only in the arithmetic of its draw (its topic's factor with one token
 * less, 1 / (n_k - 1 + Vβ), is kept ready), and its own entry of the document part is tried
 * first: once the chain has settled about two tokens in three keep their topic, and for them
 * nothing is written. A term with
 * few tokens would spend more on its O(K) tree than on its draws; it takes sweep_rare's path,
 * which splits the smoothing part once more.
 *
 * With P workers a sweep is P rounds. Worker p owns a block of documents and, in round r, samples
 * only the terms of class (p + r) mod P (term w is of class w mod P), so no two workers touch the
 * same document or the same term at once: the term counts and document lists a worker reads are
 * the current ones, as on one worker. Only the topic totals are a worker's own copy (the round's
 * starting totals plus its own moves), merged by lda.c after each round; totals are large, so a
 * round's moves by the others barely change the conditional. The result depends only on the seed
 * and the worker count, never on scheduling. */
#include <assert.h>
#include <gsl/gsl_rng.h>
#include <string.h>

#include "models/lda_int.h"

#define ZMASK 0xffffu
/* By default a term with fewer than K / LDA_RARE_DIV tokens takes sweep_rare's path.
 * (Overridable for measuring.) */
#ifndef LDA_RARE_DIV
#define LDA_RARE_DIV 4
#endif
/* Tokens ahead whose document topic lists are prefetched: the lists are the sweep's only random
 * memory accesses. */
#define PREFETCH_AHEAD 16
/* A raw output r in [0, 2^32) times this is a uniform in [0, 1). */
#define U32 0x1p-32

/* Refills the worker's buffer of raw outputs; returns the new read position (0). */
__attribute__((noinline, cold)) static uint32_t rnd_refill(lda_worker *wk) {
  unsigned long (*get)(void *) = wk->rng->type->get;
  void *state = wk->rng->state;
  uint32_t *rnd = wk->rnd;
  for (uint32_t i = 0; i < LDA_RND_N; i++) rnd[i] = (uint32_t)get(state);
  return 0;
}

static inline uint32_t rnd_next(lda_worker *wk, uint32_t *rp) {
  if (*rp == LDA_RND_N) *rp = rnd_refill(wk);
  return wk->rnd[(*rp)++];
}

/* Moves a token of document head from its topic's entry js to topic t, whose entry is jt
 * (UINT32_MAX: not looked up yet). */
static inline void doc_move(lda_dk *head, uint32_t js, uint32_t jt, uint32_t t) {
  lda_dk *ent = head + 1;
  uint32_t nd = head->c;
  if (jt == UINT32_MAX)
    for (jt = 0; jt < nd && ent[jt].t != t; jt++) {
    }
  /* Out first, so the list never holds more than min(length, K) entries. */
  if (--ent[js].c == 0) {
    ent[js] = ent[--nd];
    if (jt == nd) jt = js;     /* t's entry was the last one, now moved */
    else if (jt > nd) jt = nd; /* t was not listed: append */
  }
  if (jt < nd) ent[jt].c++;
  else ent[nd++] = (lda_dk){t, 1};
  head->c = nd;
}

/* Sets topic k's smoothing-only weight α_k β / (n_k + Vβ) in the worker's tree g. */
static inline void g_set(lda_worker *wk, uint32_t K, uint32_t k, double v) {
  lda_fen_add_(wk->gtree, K, k, v - wk->g[k]);
  wk->gtot += v - wk->g[k];
  wk->g[k] = v;
}

/* A term with few tokens: rather than an O(K) tree of its own, its smoothing part is split as
 *     α_k (n_wk + β) / (n_k + Vβ) = α_k β / (n_k + Vβ)  +  α_k n_wk / (n_k + Vβ),
 * the first the same for every term (the worker's tree g, kept current through the round), the
 * second over the term's topics only; so the term costs O(its tokens) to set up. Draws are from
 * the same exact conditional as lda_sweep_'s. */
static void sweep_rare(lda_worker *wk, uint32_t w, uint32_t top, uint32_t *rp) {
  struct lda *md = wk->model;
  const uint32_t K = md->k;
  const double beta = md->beta, vb = md->v * md->beta;
  const double *alpha = md->alpha;
  const uint32_t *wdk = md->wdk;
  uint32_t *zp = md->zp, *nk = wk->nk, *cnt = wk->cnt, *tl = wk->tl;
  lda_dk *dk = md->dk;
  double *inv = wk->inv, *im = wk->im, *cum = wk->cum;
  if (wk->g_stale) {
    for (uint32_t k = 0; k < K; k++) wk->g[k] = alpha[k] * beta * inv[k];
    lda_fen_build_(wk->gtree, wk->g, K);
    wk->gtot = lda_fen_total_(wk->gtree, K);
    wk->g_stale = 0;
  }
  uint32_t nl = 0;
  for (uint64_t i = md->w_off[w]; i < md->w_off[w + 1]; i++) {
    const uint32_t k = zp[i] & ZMASK;
    if (cnt[k]++ == 0) tl[nl++] = k;
  }
  /* q: the term part's total, kept as tokens move; walked only when a draw falls in it. */
  double q = 0;
  for (uint32_t l = 0; l < nl; l++) q += alpha[tl[l]] * cnt[tl[l]] * inv[tl[l]];
  const uint64_t b = md->w_off[w] + wk->lo[w], e = md->w_off[w] + wk->hi[w];
  for (uint64_t i = b; i < e; i++) {
    const uint32_t s = zp[i] & ZMASK;
    lda_dk *head = dk + wdk[i], *ent = head + 1;
    const uint32_t nd = head->c;
    uint32_t js = 0;
    q -= alpha[s] * cnt[s] * inv[s];
    cnt[s]--, nk[s]--;
    inv[s] = im[s];
    im[s] = lda_inv_less_(nk[s], vb);
    q += alpha[s] * cnt[s] * inv[s];
    g_set(wk, K, s, alpha[s] * beta * inv[s]);
    double r = 0;
    for (uint32_t j = 0; j < nd; j++) {
      const uint32_t k = ent[j].t, own = k == s;
      js = own ? j : js;
      r += (ent[j].c - own) * (cnt[k] + beta) * inv[k];
      cum[j] = r;
    }
    const double u = rnd_next(wk, rp) * U32 * (r + q + wk->gtot);
    uint32_t t, jt = UINT32_MAX;
    if (u < r) {
      jt = 0;
      while (jt + 1 < nd && cum[jt] <= u) jt++;
      t = ent[jt].t;
    } else if (u < r + q) {
      double acc = 0;
      uint32_t l = 0;
      for (; l + 1 < nl; l++) {
        acc += alpha[tl[l]] * cnt[tl[l]] * inv[tl[l]];
        if (acc > u - r) break;
      }
      t = tl[l];
    } else {
      t = lda_fen_find_(wk->gtree, K, top, u - r - q);
    }
    if (t != s) doc_move(head, js, jt, t);
    q -= alpha[t] * cnt[t] * inv[t];
    if (cnt[t]++ == 0) {
      uint32_t l = 0;
      while (l < nl && tl[l] != t) l++;
      if (l == nl) tl[nl++] = t;
    }
    nk[t]++;
    im[t] = inv[t];
    inv[t] = 1.0 / (nk[t] + vb);
    q += alpha[t] * cnt[t] * inv[t];
    g_set(wk, K, t, alpha[t] * beta * inv[t]);
    zp[i] = t;
  }
  for (uint32_t l = 0; l < nl; l++) cnt[tl[l]] = 0;
}

void lda_sweep_(lda_worker *wk, uint32_t first, uint32_t step) {
  struct lda *md = wk->model;
  const uint32_t K = md->k, V = md->v;
  const double beta = md->beta, vb = md->v * md->beta;
  const double *alpha = md->alpha;
  const uint32_t *wdk = md->wdk, *lo = wk->lo, *hi = wk->hi;
  const uint64_t *w_off = md->w_off;
  uint32_t *zp = md->zp, *nk = wk->nk, *cnt = wk->cnt;
  lda_dk *dk = md->dk;
  double *inv = wk->inv, *im = wk->im, *wq = wk->wq, *val = wk->val, *tree = wk->tree;
  uint32_t rp = wk->rnd_at, top = 1;
  while (top * 2 <= K) top *= 2;
  volatile sig_atomic_t *stop = md->opt.stop;
  wk->g_stale = 1; /* the totals were merged since the last round */
  const uint64_t rare = md->opt.rare_tokens ? md->opt.rare_tokens : K / LDA_RARE_DIV;

  for (uint32_t w = first, seen = 0; w < V; w += step, seen++) {
    if (stop && (seen & 255) == 0 && *stop) {
      wk->stopped = 1;
      break;
    }
    const uint64_t b = w_off[w] + lo[w], e = w_off[w] + hi[w];
    if (b == e) continue;
    if (!md->remote && w_off[w + 1] - w_off[w] < rare) {
      sweep_rare(wk, w, top, &rp);
      continue;
    }
    wk->g_stale = 1; /* the totals now move without the tree g */
    /* The term's counts over all its tokens: no other worker samples this term in this round. */
    for (uint64_t i = w_off[w]; i < w_off[w + 1]; i++) cnt[zp[i] & ZMASK]++;
    /* Across processes: the other processes' tokens of the term, as of the sweep's start. */
    if (md->remote)
      for (uint32_t k = 0; k < K; k++) cnt[k] += md->remote[(size_t)w * K + k];
    double stot = 0;
    for (uint32_t k = 0; k < K; k++) {
      wq[k] = (cnt[k] + beta) * inv[k];
      stot += val[k] = alpha[k] * wq[k];
    }
    lda_fen_build_(tree, val, K);
    for (uint64_t i = b; i < e; i++) {
      if (i + PREFETCH_AHEAD < e) {
        const char *ahead = (const char *)(dk + wdk[i + PREFETCH_AHEAD]);
        __builtin_prefetch(ahead, 1, 3);
        __builtin_prefetch(ahead + 64, 1, 3);
      }
      const uint32_t s = zp[i] & ZMASK;
      lda_dk *head = dk + wdk[i], *ent = head + 1;
      const uint32_t nd = head->c;
      /* The conditional leaves the token out: s's factor and weights as if it were not there.
       * Nothing is stored yet; when the token keeps s (most do once the chain has settled),
       * nothing changes at all. */
      const double invx = im[s];
      const double wqx = (cnt[s] - 1 + beta) * invx, dv = alpha[s] * wqx - val[s];
      /* The document part with the counts as stored, then s's entry corrected: the loop needs
       * nothing from the previous token's move. */
      double r0 = 0, r1 = 0;
      uint32_t j = 0, cs = 0;
      for (; j + 1 < nd; j += 2) {
        r0 += ent[j].c * wq[ent[j].t];
        r1 += ent[j + 1].c * wq[ent[j + 1].t];
        cs = ent[j].t == s ? ent[j].c : cs;
        cs = ent[j + 1].t == s ? ent[j + 1].c : cs;
      }
      if (j < nd) {
        r0 += ent[j].c * wq[ent[j].t];
        cs = ent[j].t == s ? ent[j].c : cs;
      }
      const double ps = (cs - 1) * wqx, r = r0 + r1 + ps - cs * wq[s];
      double u = rnd_next(wk, &rp) * U32 * (r + stot + dv);
      uint32_t t, jt;
      if (u < ps) continue; /* s's own entry comes first: most tokens stay */
      if (u < r) {
        /* The other entries, in list order; rounding past the last one keeps the last. */
        u -= ps;
        for (jt = 0; jt + 1 < nd; jt++) {
          const uint32_t k = ent[jt].t;
          if (k == s) continue;
          const double p = ent[jt].c * wq[k];
          if (u < p) break;
          u -= p;
        }
        t = ent[jt].t;
      } else {
        t = lda_fen_find_less_(tree, K, top, u - r, s, dv);
        jt = UINT32_MAX; /* looked up by doc_move */
      }
      if (t == s) continue;
      uint32_t js = 0;
      while (ent[js].t != s) js++;
      doc_move(head, js, jt, t);
      /* Take the token out of s ... */
      cnt[s]--, nk[s]--;
      inv[s] = invx;
      im[s] = lda_inv_less_(nk[s], vb);
      wq[s] = wqx;
      lda_fen_add_(tree, K, s, dv);
      stot += dv;
      val[s] += dv;
      /* ... and put it under t. */
      cnt[t]++, nk[t]++;
      im[t] = inv[t];
      inv[t] = 1.0 / (nk[t] + vb);
      wq[t] = (cnt[t] + beta) * inv[t];
      const double nv = alpha[t] * wq[t];
      lda_fen_add_(tree, K, t, nv - val[t]);
      stot += nv - val[t];
      val[t] = nv;
      zp[i] = t;
    }
    memset(cnt, 0, K * sizeof *cnt);
  }
  wk->rnd_at = rp;
}

