/* Comparing learned topics with planted ones, for the model tests: the cosine of two vectors and a
 * greedy one-to-one matching by cosine. Header-only (static functions): each test is its own
 * program. */
#ifndef TOPICS_TOPIC_MATCH_H
#define TOPICS_TOPIC_MATCH_H

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

static inline double tm_cosine(const double *a, const double *b, uint32_t n) {
  double ab = 0, aa = 0, bb = 0;
  for (uint32_t i = 0; i < n; i++) {
    ab += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  return ab / sqrt(aa * bb);
}

/* Matches each of the kt planted topics truth[kt x v] to its own learned topic of learned[kl x v]
 * (kt <= kl), best pair first; match[planted] gets the learned topic when match is not NULL.
 * Returns the worst cosine of a planted topic (0 when out of memory). */
static inline double tm_match(const double *truth, uint32_t kt, const double *learned, uint32_t kl,
                              uint32_t v, int *match) {
  double *cs = malloc((size_t)kt * kl * sizeof *cs);
  char *used_a = calloc(kt, 1), *used_b = calloc(kl, 1);
  double worst = cs && used_a && used_b ? 1 : 0;
  for (uint32_t a = 0; worst > 0 && a < kt; a++)
    for (uint32_t b = 0; b < kl; b++)
      cs[(size_t)a * kl + b] = tm_cosine(truth + (size_t)a * v, learned + (size_t)b * v, v);
  for (uint32_t step = 0; worst > 0 && step < kt; step++) {
    uint32_t ba = 0, bb = 0;
    int found = 0;
    for (uint32_t a = 0; a < kt; a++)
      for (uint32_t b = 0; b < kl; b++)
        if (!used_a[a] && !used_b[b] &&
            (!found || cs[(size_t)a * kl + b] > cs[(size_t)ba * kl + bb])) {
          ba = a, bb = b;
          found = 1;
        }
    used_a[ba] = used_b[bb] = 1;
    if (match) match[ba] = (int)bb;
    if (cs[(size_t)ba * kl + bb] < worst) worst = cs[(size_t)ba * kl + bb];
  }
  free(cs);
  free(used_a);
  free(used_b);
  return worst;
}

#endif
