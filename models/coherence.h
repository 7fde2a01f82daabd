/* Topic coherence: normalised pointwise mutual information (NPMI) of a topic's top words,
 * estimated from document co-occurrence in a term matrix. Used by the benchmark to compare our
 * topics with gensim's on the same matrix, and available to the pipeline as an evaluation. */
#ifndef TOPICS_COHERENCE_H
#define TOPICS_COHERENCE_H

#include <stdint.h>

#include "models/dtm.h"

/* Mean NPMI over all pairs of the n term ids in words (ids >= dtm_nterms are ignored):
 *   NPMI(a, b) = log((p(a,b) + ε) / (p(a) p(b))) / −log(p(a,b) + ε),  ε = 1e-12,
 * with p = document frequency / documents; a pair never seen together scores about −1.
 * Range [−1, 1]; 0 when fewer than two usable words or no documents. */
double coh_npmi(const dtm *m, const uint32_t *words, uint32_t n);

/* coh_npmi averaged over ntopics topics stored one after another, n words each. */
double coh_npmi_mean(const dtm *m, const uint32_t *words, uint32_t ntopics, uint32_t n);

#endif
