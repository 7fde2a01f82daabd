/* One sweep of the sampler, in the style of WarpLDA (Chen et al. 2016) with LightLDA's word
 * proposal (Yuan et al. 2015). Every token takes two Metropolis-Hastings steps towards the
 * collapsed Gibbs conditional
 *     p(k) ∝ (n_dk¬i + α_k)(n_wk¬i + β) / (n_k¬i + Vβ),
 * one in a document phase and one in a word phase.
 *   - The word phase visits each term's tokens (contiguous in memory) with the term's counts in a
 *     dense K array. It accepts or rejects the document proposals, then draws a word proposal for
 *     each token from q(k) ∝ (n_wk¬i + β) / (n_k + Vβ): an alias table over the topics the term
 *     uses (built in O(its tokens)) plus one bucket that stands for the β part, which has its own
 *     shared table. The 1/(n_k + Vβ) factor matters: without it, small topics are hardly ever
 *     proposed and merged topics never split again.
 *   - The document phase gathers a document's tokens, accepts or rejects their word proposals,
 *     then draws document proposals q(k) ∝ n_dk¬i + α_k: the topic of a random *other* token of
 *     the document, or a draw from alpha's alias table.
 * Each proposal carries exactly the factor of its own phase, so that factor cancels and a phase
 * needs only its own counts (in L1) and the topic totals, which are frozen during a phase as in
 * WarpLDA (so workers can run in parallel and deterministically). Every step is O(1) per token:
 * the cost does not grow with K, and no V x K matrix is touched.
 *
 * Cost per token: random numbers are the largest single cost, so a token takes one generator
 * output per phase: its acceptance test leaves a uniform that is independent of the test's
 * outcome, and that uniform draws the token's next proposal (see accept). Outputs come from a
 * buffer refilled in a tight loop. The ratios of frozen totals are folded into per-topic factors
 * before each phase (lda.c), so the tests only multiply, and the word proposal draws from integer
 * alias slots that hold the topics themselves. */
#include <assert.h>
#include <gsl/gsl_rng.h>

#include "models/lda_int.h"

#define ZMASK 0xffffu
#define MAX_REDRAWS 64
#define BUCKET 0xffffu /* the word proposal's β part (topics are below 65535) */
/* A raw output r in [0, 2^32) times this is a uniform in [0, 1): exactly gsl_rng_uniform for a
 * generator whose outputs span [0, 2^32 - 1] (lda_new checks). */
#define U32 0x1p-32

/* Refills the worker's buffer of raw outputs; returns the new read position (0). The function
 * pointer is loaded once, so the loop is one plain call per number. */
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

/* The MH test for moving a token to another topic (moving) with acceptance ratio num / den (both
 * > 0); returns 1 to accept. It takes one raw number u. When the test needs it (moving and
 * num < den), the outcome leaves u uniform within the accepted part [0, num/den) or within the
 * rejected part, and rescaling that part to [0, 1) gives a uniform independent of the outcome;
 * otherwise u itself is unused. Either way *next receives it for the token's proposal, so a token
 * costs one generator output per phase. A part too narrow to leave 24 bits of resolution (under
 * 1/256 of the range, so rare) is replaced by a fresh output. */
static inline uint32_t accept(lda_worker *wk, uint32_t *rp, int moving, double num, double den,
                              uint32_t *next) {
  const uint32_t r = rnd_next(wk, rp);
  if (!moving || num >= den) {
    *next = r;
    return (uint32_t)moving;
  }
  const double x = r * U32 * den;
  const uint32_t acc = x < num;
  const double lo = acc ? x : x - num, width = acc ? num : den - num;
  if (width < den * 0x1p-8) {
    *next = rnd_next(wk, rp);
  } else {
    const double v = lo / width * 0x1p32; /* in [0, 2^32] (the end only by rounding) */
    *next = v < 0x1p32 ? (uint32_t)v : UINT32_MAX;
  }
  return acc;
}

void lda_doc_phase_(lda_worker *wk) {
  struct lda *md = wk->model;
  const uint32_t K = md->k;
  const double asum = md->alpha_sum, ascale = K / md->alpha_sum;
  const double *alpha = md->alpha, *aprob = md->alpha_alias.prob, *ft = md->ft, *fs = md->fs;
  const uint32_t *aother = md->alpha_alias.other, *dpos = md->dpos;
  const uint64_t *doc_off = md->doc_off;
  uint32_t *zp = md->zp, *cnt = wk->cnt, *buf = wk->buf, *ubuf = wk->ubuf;
  uint32_t *tot = wk->tot;
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
      const double num = (cnt[t] + alpha[t]) * ft[t] * fs[s];
      const double den = cnt[s] - 1 + alpha[s];
      if (accept(wk, &rp, t != s, num, den, &ubuf[j])) {
        cnt[s]--, cnt[t]++;
        buf[j] = t;
      }
    }
    /* Draw document proposals from the other tokens' updated topics. */
    const double umass = ((len - 1) + asum) * U32;
    for (uint32_t j = 0; j < len; j++) {
      const double u = ubuf[j] * umass;
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
    /* Write back; add the counts to the worker's topic totals and clear them in O(len) (a topic
     * is added at its first token and is zero after); debug builds check they summed to len. */
    uint64_t total = 0;
    for (uint32_t j = 0; j < len; j++) {
      const uint32_t k = buf[j] & ZMASK;
      zp[pos[j]] = buf[j];
      tot[k] += cnt[k];
      total += cnt[k];
      cnt[k] = 0;
    }
    assert(total == len);
    (void)total;
  }
  wk->rnd_at = rp;
}

/* One draw from integer slots with the 32-bit uniform r; *f and *thr are what the keep test in
 * lda_word_phase_ needs. */
static inline uint32_t slot_draw(const lda_slot *tab, uint32_t n, uint32_t r, uint32_t *f,
                                 uint32_t *thr) {
  const uint64_t m = (uint64_t)r * n;
  const lda_slot e = tab[m >> 32];
  *f = (uint32_t)m;
  *thr = e.thr;
  /* A select, not a branch: which side wins is a coin flip. */
  const uint32_t below = -(uint32_t)(*f < e.thr);
  return e.hi ^ ((e.lo ^ e.hi) & below);
}

void lda_word_phase_(lda_worker *wk) {
  struct lda *md = wk->model;
  const uint32_t K = md->k;
  const double beta = md->beta, bmass = md->beta_mass;
  const double *ft = md->ft, *fs = md->fs, *inq = md->inq;
  const lda_slot *bslots = md->beta_slots;
  const uint64_t *w_off = md->w_off;
  uint32_t *zp = md->zp, *cnt = wk->cnt, *nz = wk->nz, *ubuf = wk->ubuf;
  double *wts = wk->wts;
  lda_slot *slots = wk->slots;
  uint8_t *seen = wk->seen;
  uint32_t *tot = wk->tot;
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
    /* Count, and list the topics in use (nz, marked in seen) for the proposal table below; nz
     * has room for the store past its end. */
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
      const double num = (cnt[t] + beta) * fs[s];
      const double den = (cnt[s] - 1 + beta) * ft[t];
      if (accept(wk, &rp, t != s, num, den, &ubuf[j])) {
        cnt[s]--, cnt[t]++;
        tok[j] = t;
        nz[nnz] = t;
        nnz += !seen[t];
        seen[t] = 1;
      }
    }
    /* The term's proposal: slots over the topics it uses, weights n_wk / (n_k + Vβ) (a topic
     * emptied by the step above just gets weight 0), plus the β bucket with the β part's mass. */
    for (uint32_t i = 0; i < nnz; i++) wts[i] = cnt[nz[i]] * inq[nz[i]];
    wts[nnz] = bmass;
    nz[nnz] = BUCKET;
    const uint32_t nslots = nnz + 1;
    lda_alias_slots(slots, wts, nz, nslots, wk->aprob, wk->aother, wk->small, wk->large);
    for (uint32_t j = 0; j < cw; j++) {
      const uint32_t s = tok[j] & ZMASK;
      uint32_t r = ubuf[j], t = s, f, thr;
      /* Draw from q with the token itself included, and remove it by rejection: a draw of s is
       * kept with probability (n_ws - 1 + β) / (n_ws + β). The keep test needs no new random
       * number: given the outcome, the draw's leftover fraction is itself uniform, namely
       * f / thr below the threshold and (f - thr) / (2^32 - thr) above it; the test is written
       * without the division. The β bucket draws again from the shared slots with its own
       * leftover, rescaled the same way (or a fresh output if that leaves under 24 bits). */
      for (int tries = 0; tries < MAX_REDRAWS; tries++) {
        if (tries) r = rnd_next(wk, &rp);
        t = slot_draw(slots, nslots, r, &f, &thr);
        if (t == BUCKET) {
          const double lo = f < thr ? f : (double)f - thr, width = f < thr ? thr : 0x1p32 - thr;
          const double v = lo / width * 0x1p32;
          r = width < 0x1p24 ? rnd_next(wk, &rp) : v < 0x1p32 ? (uint32_t)v : UINT32_MAX;
          t = slot_draw(bslots, K, r, &f, &thr);
        }
        if (t != s) break;
        const double c = cnt[s];
        const int below = f < thr;
        const double rest = below ? f : (double)f - thr, span = below ? thr : 0x1p32 - thr;
        if (rest * (c + beta) < (c - 1 + beta) * span) break;
      }
      tok[j] = (tok[j] & ZMASK) | t << 16;
    }
    uint64_t total = 0;
    for (uint32_t i = 0; i < nnz; i++) {
      const uint32_t k = nz[i];
      tot[k] += cnt[k];
      total += cnt[k];
      cnt[k] = 0;
      seen[k] = 0;
    }
    assert(total == cw);
    (void)total;
  }
  wk->rnd_at = rp;
}
