/* Asymmetric alpha by Minka's fixed-point iteration, in the histogram form MALLET uses: with
 * h_k[n] = documents where topic k has n tokens and L[n] = documents of length n,
 *     α_k ← α_k Σ_n h_k[n] (ψ(n + α_k) − ψ(α_k)) / Σ_n L[n] (ψ(n + Σα) − ψ(Σα)),
 * where each digamma difference is the running sum Σ_{i<n} 1/(x + i), so no ψ calls are needed.
 * A weak Gamma(1.001, 1) prior keeps an unused topic's α from collapsing to zero. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/mem.h"
#include "models/lda_int.h"

#define ALPHA_FLOOR 1e-6
#define FIXED_POINT_ROUNDS 200

topics_status lda_optimize_alpha_(lda *md) {
  const uint32_t K = md->k;
  const uint32_t maxlen = md->maxlen;
  if (maxlen == 0) return TOPICS_OK;
  size_t cells;
  if (mem_mul((size_t)K, (size_t)maxlen + 1, &cells) != TOPICS_OK) return TOPICS_ENOMEM;
  uint32_t *hist = calloc(cells, sizeof *hist);
  uint32_t *lenhist = calloc((size_t)maxlen + 1, sizeof *lenhist);
  uint32_t *maxn = calloc(K, sizeof *maxn);
  uint32_t *ndk = calloc(K, sizeof *ndk);
  if (!hist || !lenhist || !maxn || !ndk) {
    free(hist), free(lenhist), free(maxn), free(ndk);
    return TOPICS_ENOMEM;
  }
  for (uint32_t d = 0; d < md->d; d++) {
    uint64_t b = md->doc_off[d], e = md->doc_off[d + 1];
    if (b == e) continue;
    lenhist[e - b]++;
    for (uint64_t i = b; i < e; i++) ndk[md->zp[md->dpos[i]] & 0xffffu]++;
    for (uint64_t i = b; i < e; i++) {
      uint32_t t = md->zp[md->dpos[i]] & 0xffffu, c = ndk[t];
      if (!c) continue;
      hist[(size_t)t * (maxlen + 1) + c]++;
      if (c > maxn[t]) maxn[t] = c;
      ndk[t] = 0;
    }
  }
  /* Across processes: the histograms of every process's documents (maxlen is the global one). */
  const lda_sync *sync = md->opt.sync;
  topics_status st = TOPICS_OK;
  if (sync && ((st = sync->sum_u32(sync->ud, hist, cells)) != TOPICS_OK ||
               (st = sync->sum_u32(sync->ud, lenhist, (size_t)maxlen + 1)) != TOPICS_OK)) {
    free(hist), free(lenhist), free(maxn), free(ndk);
    return st;
  }
  for (uint32_t t = 0; sync && t < K; t++) maxn[t] = maxlen;
  double *a = md->alpha, asum = md->alpha_sum;
  for (int round = 0; round < FIXED_POINT_ROUNDS; round++) {
    double den = 0, diff = 0;
    for (uint32_t n = 1; n <= maxlen; n++) {
      diff += 1.0 / (n - 1 + asum);
      den += lenhist[n] * diff;
    }
    double nsum = 0;
    for (uint32_t t = 0; t < K; t++) {
      const uint32_t *h = hist + (size_t)t * (maxlen + 1);
      double num = 0;
      diff = 0;
      for (uint32_t n = 1; n <= maxn[t]; n++) {
        diff += 1.0 / (n - 1 + a[t]);
        num += h[n] * diff;
      }
      a[t] = (a[t] * num + 0.001) / (den + 1.0);
      if (a[t] < ALPHA_FLOOR) a[t] = ALPHA_FLOOR;
      nsum += a[t];
    }
    double change = fabs(nsum - asum);
    asum = nsum;
    if (change < 1e-7 * asum) break;
  }
  md->alpha_sum = asum;
  free(hist), free(lenhist), free(maxn), free(ndk);
  return TOPICS_OK;
}
