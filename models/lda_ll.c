/* The collapsed log-likelihood log p(w, z) of the current state (Griffiths & Steyvers' form with
 * an asymmetric alpha), per token, so runs on corpora of different sizes compare. Only non-zero
 * counts contribute, because lnΓ(0 + x) - lnΓ(x) = 0. */
#include <gsl/gsl_sf_gamma.h>
#include <stdlib.h>

#include "models/lda_int.h"

double lda_log_likelihood_per_token(const lda *md) {
  if (md->opt.sync) return md->opt.sync->log_likelihood(md->opt.sync->ud, md);
  if (md->n == 0) return 0.0;
  const uint32_t K = md->k;
  const double vb = md->v * md->beta, lgb = gsl_sf_lngamma(md->beta);
  double ll = 0;
  /* Words given topics. */
  for (uint32_t t = 0; t < K; t++) ll += gsl_sf_lngamma(vb) - gsl_sf_lngamma(md->nk[t] + vb);
  /* Topics given documents; the same scratch counts then serve for each term's topics. */
  uint32_t *ndk = calloc(K, sizeof *ndk);
  double *lga = malloc((size_t)K * sizeof *lga);
  if (!ndk || !lga) {
    free(ndk);
    free(lga);
    return 0.0; /* out of memory: nothing sensible to report */
  }
  for (uint32_t t = 0; t < K; t++) lga[t] = gsl_sf_lngamma(md->alpha[t]);
  const double lgsum = gsl_sf_lngamma(md->alpha_sum);
  for (uint32_t d = 0; d < md->d; d++) {
    uint64_t b = md->doc_off[d], e = md->doc_off[d + 1];
    if (b == e) continue;
    for (uint64_t i = b; i < e; i++) ndk[md->zp[md->dpos[i]] & 0xffffu]++;
    ll += lgsum - gsl_sf_lngamma((double)(e - b) + md->alpha_sum);
    for (uint64_t i = b; i < e; i++) {
      uint32_t t = md->zp[md->dpos[i]] & 0xffffu;
      if (ndk[t]) {
        ll += gsl_sf_lngamma(ndk[t] + md->alpha[t]) - lga[t];
        ndk[t] = 0;
      }
    }
  }
  for (uint32_t w = 0; w < md->v; w++) {
    const uint32_t *tok = md->zp + md->w_off[w];
    uint64_t cw = md->w_off[w + 1] - md->w_off[w];
    for (uint64_t j = 0; j < cw; j++) ndk[tok[j] & 0xffffu]++;
    for (uint64_t j = 0; j < cw; j++) {
      uint32_t t = tok[j] & 0xffffu;
      if (ndk[t]) {
        ll += gsl_sf_lngamma(ndk[t] + md->beta) - lgb;
        ndk[t] = 0;
      }
    }
  }
  free(ndk);
  free(lga);
  return ll / (double)md->n;
}
