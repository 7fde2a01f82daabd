/* NPMI coherence from document co-occurrence. For each topic the documents of its top words are
 * marked in one bit set per word (one pass over the CSR matrix), then pairs are counted by AND
 * and popcount. The ε inside the logarithm (as in Röder et al. and gensim's c_npmi) keeps pairs
 * that never co-occur finite: they score ≈ −1 instead of −∞. */
#include "models/coherence.h"

#include <math.h>
#include <stdlib.h>

#define NPMI_EPS 1e-12

double coh_npmi(const dtm *m, const uint32_t *words, uint32_t n) {
  uint32_t D = dtm_ndocs(m), V = dtm_nterms(m);
  if (D == 0 || n < 2) return 0.0;
  size_t nw64 = ((size_t)D + 63) / 64;
  uint64_t *bits = calloc((size_t)n * nw64, sizeof *bits);
  int32_t *slot = malloc((size_t)(V ? V : 1) * sizeof *slot); /* term -> first position in words */
  if (!bits || !slot) {
    free(bits);
    free(slot);
    return 0.0;
  }
  for (uint32_t t = 0; t < V; t++) slot[t] = -1;
  for (uint32_t i = 0; i < n; i++)
    if (words[i] < V && slot[words[i]] < 0) slot[words[i]] = (int32_t)i;
  const uint64_t *rows = dtm_csr_rows(m);
  const uint32_t *cols = dtm_csr_cols(m);
  for (uint32_t d = 0; d < D; d++)
    for (uint64_t j = rows[d]; j < rows[d + 1]; j++)
      if (slot[cols[j]] >= 0) bits[(size_t)slot[cols[j]] * nw64 + d / 64] |= 1ull << (d % 64);
  double sum = 0;
  uint32_t pairs = 0;
  for (uint32_t a = 0; a < n; a++) {
    if (words[a] >= V || slot[words[a]] != (int32_t)a) continue; /* unknown or repeated */
    const uint64_t *ba = bits + (size_t)a * nw64;
    uint64_t ca = 0;
    for (size_t x = 0; x < nw64; x++) ca += (uint64_t)__builtin_popcountll(ba[x]);
    for (uint32_t b = a + 1; b < n; b++) {
      if (words[b] >= V || slot[words[b]] != (int32_t)b) continue;
      const uint64_t *bb = bits + (size_t)b * nw64;
      uint64_t cb = 0, cab = 0;
      for (size_t x = 0; x < nw64; x++) {
        cb += (uint64_t)__builtin_popcountll(bb[x]);
        cab += (uint64_t)__builtin_popcountll(ba[x] & bb[x]);
      }
      double pa = (double)ca / D, pb = (double)cb / D, pab = (double)cab / D + NPMI_EPS;
      double v;
      if (pa <= 0 || pb <= 0) v = -1.0; /* a word in no document: treat as never co-occurring */
      else if (pab >= 1.0) v = 1.0;     /* both in every document */
      else v = log(pab / (pa * pb)) / -log(pab);
      sum += v;
      pairs++;
    }
  }
  free(bits);
  free(slot);
  return pairs ? sum / pairs : 0.0;
}

double coh_npmi_mean(const dtm *m, const uint32_t *words, uint32_t ntopics, uint32_t n) {
  if (ntopics == 0) return 0.0;
  double s = 0;
  for (uint32_t t = 0; t < ntopics; t++) s += coh_npmi(m, words + (size_t)t * n, n);
  return s / ntopics;
}
