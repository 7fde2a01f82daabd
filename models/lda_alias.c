/* Walker's alias method (Vose's construction): O(n) to build, O(1) per draw. The sampler uses it
 * for alpha, for the smoothing part of the word proposal and, per term, for its topic counts
 * (the last two as integer slots, lda_int.h). */
#include <stdlib.h>

#include "models/lda_int.h"

void lda_alias_free(lda_alias *a) {
  free(a->prob);
  free(a->other);
  a->prob = NULL;
  a->other = NULL;
  a->n = 0;
}

void lda_alias_fill(double *prob, uint32_t *other, const double *w, uint32_t n, uint32_t *small,
                    uint32_t *large) {
  double sum = 0;
  for (uint32_t i = 0; i < n; i++) sum += w[i];
  const double scale = sum > 0 ? n / sum : 0;
  uint32_t ns = 0, nl = 0;
  for (uint32_t i = 0; i < n; i++) {
    prob[i] = sum > 0 ? w[i] * scale : 1.0; /* scaled weight until the slot is settled */
    other[i] = i;
    if (prob[i] < 1.0) small[ns++] = i;
    else large[nl++] = i;
  }
  while (ns && nl) {
    uint32_t s = small[--ns], l = large[nl - 1];
    other[s] = l;
    prob[l] -= 1.0 - prob[s];
    if (prob[l] < 1.0) {
      nl--;
      small[ns++] = l;
    }
  }
  /* Leftovers are 1 up to rounding. */
  while (nl) prob[large[--nl]] = 1.0;
  while (ns) prob[small[--ns]] = 1.0;
}

void lda_alias_slots(lda_slot *tab, const double *w, const uint32_t *ids, uint32_t n,
                     double *prob, uint32_t *other, uint32_t *small, uint32_t *large) {
  if (n == 2 && w[0] + w[1] > 0) {
    /* The common case of a term whose tokens share one topic (plus the β bucket), without the
     * general construction's branches: the lighter outcome's slot keeps it below its scaled
     * weight and gives the rest to the heavier one, whose slot is settled. */
    const uint32_t light = w[1] < w[0], heavy = 1 - light;
    const double p = 2 * w[light] / (w[0] + w[1]); /* <= 1 */
    const uint16_t idl = (uint16_t)(ids ? ids[light] : light), idh = (uint16_t)(ids ? ids[heavy] : heavy);
    tab[light].thr = p < 1.0 ? (uint32_t)(p * 0x1p32) : UINT32_MAX;
    tab[light].lo = idl;
    tab[light].hi = idh;
    tab[heavy].thr = UINT32_MAX;
    tab[heavy].lo = tab[heavy].hi = idh;
    return;
  }
  lda_alias_fill(prob, other, w, n, small, large);
  for (uint32_t i = 0; i < n; i++) {
    /* prob < 1 scales to below 2^32; a settled slot (prob 1) keeps lo for every fraction but
     * the largest, and other[i] == i there, so hi is the same outcome. */
    tab[i].thr = prob[i] < 1.0 ? (uint32_t)(prob[i] * 0x1p32) : UINT32_MAX;
    tab[i].lo = (uint16_t)(ids ? ids[i] : i);
    tab[i].hi = (uint16_t)(ids ? ids[other[i]] : other[i]);
  }
}

topics_status lda_alias_build(lda_alias *a, const double *w, uint32_t n) {
  double *prob = malloc((size_t)(n ? n : 1) * sizeof *prob);
  uint32_t *other = malloc((size_t)(n ? n : 1) * sizeof *other);
  uint32_t *small = malloc((size_t)(n ? n : 1) * sizeof *small);
  uint32_t *large = malloc((size_t)(n ? n : 1) * sizeof *large);
  if (!prob || !other || !small || !large) {
    free(prob), free(other), free(small), free(large);
    return TOPICS_ENOMEM;
  }
  lda_alias_fill(prob, other, w, n, small, large);
  free(small), free(large);
  lda_alias_free(a);
  a->n = n;
  a->prob = prob;
  a->other = other;
  return TOPICS_OK;
}
