/* One sweep of the sampler, in the style of WarpLDA (Chen et al. 2016) with LightLDA's word
 * proposal (Yuan et al. 2015). Every token takes two Metropolis-Hastings steps towards the
 * collapsed Gibbs conditional
 *     p(k) ∝ (n_dk¬i + α_k)(n_wk¬i + β) / (n_k¬i + Vβ),
 * one in a document phase and one in a word phase.
 *   - The word phase visits each term's tokens (contiguous in memory) with the term's counts in a
 *     dense K array. It accepts or rejects the document proposals, then draws a word proposal for
 *     each token from q(k) ∝ (n_wk¬i + β) / (n_k + Vβ): an alias table over the topics the term
 *     uses (built in O(its tokens)) plus a shared alias table for the β part. The 1/(n_k + Vβ)
 *     factor matters: without it, small topics are hardly ever proposed and merged topics never
 *     split again.
 *   - The document phase gathers a document's tokens, accepts or rejects their word proposals,
 *     then draws document proposals q(k) ∝ n_dk¬i + α_k: the topic of a random *other* token of
 *     the document, or a draw from alpha's alias table.
 * Each proposal carries exactly the factor of its own phase, so that factor cancels and a phase
 * needs only its own counts (in L1) and the topic totals, which are frozen during a phase as in
 * WarpLDA (so workers can run in parallel and deterministically). Every step is O(1) per token:
 * the cost does not grow with K, and no V x K matrix is touched.
 *
 * Speed notes: random numbers come from the worker's buffer of raw GSL outputs (lda_int.h); the
 * ratios of frozen totals are folded into per-topic factors before each phase (lda.c), so the
 * acceptance tests only multiply; loops whose outcome is a coin flip (topic seen yet? proposal
 * equals the current topic?) compute their result with selects instead of branches. */
#include <assert.h>
#include <gsl/gsl_rng.h>

#include "models/lda_int.h"

#define ZMASK 0xffffu
#define MAX_REDRAWS 64
/* A raw output r in [0, 2^32) times this is a uniform in [0, 1), exactly gsl_rng_uniform for a
 * generator whose range is [0, 2^32 - 1] (lda_new checks). */
#define U32 0x1p-32

/* Refills the worker's buffer of raw outputs; returns the new read position (0). The function
 * pointer is loaded once, so the loop is a plain call per number with no other overhead. */
static uint32_t rnd_refill(lda_worker *wk) {
  const gsl_rng_type *type = wk->rng->type;
  unsigned long (*get)(void *) = type->get;
  void *state = wk->rng->state;
  uint32_t *rnd = wk->rnd;
  for (uint32_t i = 0; i < LDA_RND_N; i++) rnd[i] = (uint32_t)get(state);
  return 0;
}

void lda_doc_phase_(lda_worker *wk) {
  struct lda *md = wk->model;
  const uint32_t K = md->k;
  const double asum = md->alpha_sum, ascale = K / md->alpha_sum;
  const double *alpha = md->alpha, *aprob = md->alpha_alias.prob, *ft = md->ft, *fs = md->fs;
  const uint32_t *aother = md->alpha_alias.other, *dpos = md->dpos;
  const uint64_t *doc_off = md->doc_off;
  uint32_t *zp = md->zp, *cnt = wk->cnt, *buf = wk->buf;
  int64_t *dnk = wk->dnk;
  const uint32_t *rnd = wk->rnd;
  uint32_t rp = wk->rnd_at;
  volatile sig_atomic_t *stop = md->opt.stop;

  for (uint32_t d = wk->d0; d < wk->d1; d++) {
    if (stop && ((d - wk->d0) & 1023) == 0 && *stop) {
      wk->stopped = 1;
      break;
    }
    const uint32_t *pos = dpos + doc_off[d];
    const uint32_t len = (uint32_t)(doc_off[d + 1] - doc_off[d]);
    if (len == 0) continue;
    for (uint32_t j = 0; j < len; j++) buf[j] = zp[pos[j]];
    for (uint32_t j = 0; j < len; j++) cnt[buf[j] & ZMASK]++;
    /* The gather above is the phase's only random memory access; start fetching the next
     * document's tokens now so that their cache misses overlap this document's work. */
    if (d + 1 < wk->d1) {
      const uint32_t *npos = dpos + doc_off[d + 1];
      const uint32_t nlen = (uint32_t)(doc_off[d + 2] - doc_off[d + 1]);
      for (uint32_t j = 0; j < nlen; j++) __builtin_prefetch(zp + npos[j], 1, 3);
    }
    /* Accept or reject the word proposals: the term factor cancels; the topic totals the
     * proposal used (nkq) and the current ones do not, which ft and fs carry:
     *   ratio = (n_dt + α_t) / (n_ds - 1 + α_s) · ft[t] · fs[s]. */
    for (uint32_t j = 0; j < len; j++) {
      const uint32_t s = buf[j] & ZMASK, t = buf[j] >> 16;
      if (t == s) continue;
      if (rp == LDA_RND_N) rp = rnd_refill(wk);
      const double num = (cnt[t] + alpha[t]) * ft[t] * fs[s];
      const double den = cnt[s] - 1 + alpha[s];
      if (num >= den || rnd[rp++] * U32 * den < num) {
        cnt[s]--, cnt[t]++;
        dnk[s]--, dnk[t]++;
        buf[j] = t;
      }
    }
    /* Draw document proposals from the other tokens' updated topics. */
    const double mass = (len - 1) + asum, umass = mass * U32;
    for (uint32_t j = 0; j < len; j++) {
      if (rp == LDA_RND_N) rp = rnd_refill(wk);
      const double u = rnd[rp++] * umass;
      uint32_t t;
      if (u < len - 1) {
        uint32_t o = (uint32_t)u;
        t = buf[o + (o >= j)] & ZMASK;
      } else {
        double v = (u - (len - 1)) * ascale;
        uint32_t a = (uint32_t)v;
        if (a >= K) a = K - 1;
        t = (v - a) < aprob[a] ? a : aother[a];
      }
      buf[j] = (buf[j] & ZMASK) | t << 16;
    }
    /* Write back, and clear the counts in O(len); debug builds check they summed to len. */
    uint64_t total = 0;
    for (uint32_t j = 0; j < len; j++) {
      zp[pos[j]] = buf[j];
      total += cnt[buf[j] & ZMASK];
      cnt[buf[j] & ZMASK] = 0;
    }
    assert(total == len);
    (void)total;
  }
  wk->rnd_at = rp;
}

void lda_word_phase_(lda_worker *wk) {
  struct lda *md = wk->model;
  const uint32_t K = md->k;
  const double beta = md->beta, bmass = md->beta_mass;
  const double bscale = K / bmass;
  const double *ft = md->ft, *fs = md->fs, *inq = md->inq, *bprob = md->beta_alias.prob;
  const uint32_t *bother = md->beta_alias.other;
  const uint64_t *w_off = md->w_off;
  uint32_t *zp = md->zp, *cnt = wk->cnt, *nz = wk->nz, *aother = wk->aother;
  double *wts = wk->wts, *aprob = wk->aprob;
  uint8_t *seen = wk->seen;
  int64_t *dnk = wk->dnk;
  const uint32_t *rnd = wk->rnd;
  uint32_t rp = wk->rnd_at;
  volatile sig_atomic_t *stop = md->opt.stop;

  for (uint32_t w = wk->w0; w < wk->w1; w++) {
    if (stop && ((w - wk->w0) & 1023) == 0 && *stop) {
      wk->stopped = 1;
      break;
    }
    uint32_t *tok = zp + w_off[w];
    const uint32_t cw = (uint32_t)(w_off[w + 1] - w_off[w]);
    if (cw == 0) continue;
    /* Count, and list the topics in use (nz, marked in seen) for the proposal table below. */
    uint32_t nnz = 0;
    for (uint32_t j = 0; j < cw; j++) {
      const uint32_t k = tok[j] & ZMASK;
      nz[nnz] = k;
      nnz += !seen[k];
      seen[k] = 1;
      cnt[k]++;
    }
    /* Accept or reject the document proposals: the document factor cancels;
     *   ratio = (n_wt + β) / (n_ws - 1 + β) · (n_s - 1 + Vβ) / (n_t + Vβ) = ... · fs[s] / ft[t]. */
    for (uint32_t j = 0; j < cw; j++) {
      const uint32_t s = tok[j] & ZMASK, t = tok[j] >> 16;
      if (t == s) continue;
      if (rp == LDA_RND_N) rp = rnd_refill(wk);
      const double num = (cnt[t] + beta) * fs[s];
      const double den = (cnt[s] - 1 + beta) * ft[t];
      if (num >= den || rnd[rp++] * U32 * den < num) {
        cnt[s]--, cnt[t]++;
        dnk[s]--, dnk[t]++;
        tok[j] = t;
        nz[nnz] = t;
        nnz += !seen[t];
        seen[t] = 1;
      }
    }
    /* The term's proposal: alias table over the topics it uses, weights n_wk / (n_k + Vβ)
     * (a topic emptied by the step above just gets weight 0). */
    double amass = 0;
    for (uint32_t i = 0; i < nnz; i++) {
      wts[i] = cnt[nz[i]] * inq[nz[i]];
      amass += wts[i];
    }
    lda_alias_fill(aprob, aother, wts, nnz, wk->small, wk->large);
    const double umass = (amass + bmass) * U32, zscale = nnz / amass;
    for (uint32_t j = 0; j < cw; j++) {
      const uint32_t s = tok[j] & ZMASK;
      uint32_t t = s;
      /* Draw from q with the token itself included, and remove it by rejection: a draw of s is
       * kept with probability (n_ws - 1 + β) / (n_ws + β). The keep test needs no new random
       * number: given the outcome, the alias draw's leftover fraction is itself uniform, namely
       * f / p below the threshold p and (f - p) / (1 - p) above it; the test is written without
       * the division. */
      for (int tries = 0; tries < MAX_REDRAWS; tries++) {
        if (rp == LDA_RND_N) rp = rnd_refill(wk);
        const double u = rnd[rp++] * umass;
        double f, p;
        if (u < amass) {
          const double v = u * zscale;
          uint32_t a = (uint32_t)v;
          if (a >= nnz) a = nnz - 1;
          f = v - a, p = aprob[a];
          const uint32_t alt = aother[a]; /* loaded either way, so the choice compiles to a cmov */
          t = nz[f < p ? a : alt];
        } else {
          const double v = (u - amass) * bscale;
          uint32_t a = (uint32_t)v;
          if (a >= K) a = K - 1;
          f = v - a, p = bprob[a];
          const uint32_t alt = bother[a];
          t = f < p ? a : alt;
        }
        const double c = cnt[s];
        const int below = f < p;
        const double rest = below ? f : f - p, span = below ? p : 1.0 - p;
        if ((t != s) | (rest * (c + beta) < (c - 1 + beta) * span)) break;
      }
      tok[j] = (tok[j] & ZMASK) | t << 16;
    }
    uint64_t total = 0;
    for (uint32_t i = 0; i < nnz; i++) {
      total += cnt[nz[i]];
      cnt[nz[i]] = 0;
      seen[nz[i]] = 0;
    }
    assert(total == cw);
    (void)total;
  }
  wk->rnd_at = rp;
}
