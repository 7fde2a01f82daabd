/* Per-talk keyword tags by TF-IDF.
 *
 *   score(t, d) = (1 + ln tf) · ln(N / df)
 *
 * Log-scaled tf keeps one long talk that repeats a word twenty times from drowning everything
 * else; ln(N/df) is zero for a term present in every talk, and such terms are never tags.
 * The noise rule: a term qualifies for a talk only when tf ≥ 2 in that talk OR df ≥ 2 in the
 * corpus. A word seen once, in one talk only, is the typical typo, name fragment or pasted URL
 * piece, and plain idf would rank it highest of all; one repetition or one other talk using it is
 * enough evidence that it is a real word of the talk. With a single talk idf is meaningless, so
 * there every qualifying term has idf 1 and the tags are the talk's most frequent terms.
 * Ties are broken by term id, which is the corpus-frequency order, so results are stable. */
#include "models/tags.h"

#include <math.h>
#include <stdlib.h>

typedef struct cand {
  double score;
  uint32_t term;
} cand;

static int cmp_cand(const void *pa, const void *pb) {
  const cand *a = pa, *b = pb;
  if (a->score != b->score) return a->score > b->score ? -1 : 1;
  return (a->term > b->term) - (a->term < b->term);
}

void tags_free(tags_doc *docs, uint32_t ndocs) {
  if (!docs) return;
  for (uint32_t d = 0; d < ndocs; d++) {
    free(docs[d].terms);
    free(docs[d].scores);
  }
  free(docs);
}

topics_status tags_compute(const dtm *m, uint32_t ntags, tags_doc **out) {
  *out = NULL;
  uint32_t D = dtm_ndocs(m);
  tags_doc *docs = calloc(D ? D : 1, sizeof *docs);
  if (!docs) return TOPICS_ENOMEM;
  const uint64_t *rows = dtm_csr_rows(m);
  const uint32_t *cols = dtm_csr_cols(m), *vals = dtm_csr_vals(m);
  uint64_t maxrow = 0;
  for (uint32_t d = 0; d < D; d++)
    if (rows[d + 1] - rows[d] > maxrow) maxrow = rows[d + 1] - rows[d];
  cand *c = malloc((maxrow ? (size_t)maxrow : 1) * sizeof *c);
  if (!c) {
    free(docs);
    return TOPICS_ENOMEM;
  }
  for (uint32_t d = 0; d < D; d++) {
    size_t n = 0;
    for (uint64_t j = rows[d]; j < rows[d + 1]; j++) {
      uint32_t t = cols[j], tf = vals[j], df = dtm_term_df(m, t);
      if (tf < 2 && df < 2) continue; /* one-off noise */
      double idf = D < 2 ? 1.0 : log((double)D / df);
      double s = (1.0 + log((double)tf)) * idf;
      if (s <= 0) continue; /* in every talk */
      c[n++] = (cand){s, t};
    }
    qsort(c, n, sizeof *c, cmp_cand);
    uint32_t k = n < ntags ? (uint32_t)n : ntags;
    docs[d].n = k;
    if (k) {
      docs[d].terms = malloc(k * sizeof *docs[d].terms);
      docs[d].scores = malloc(k * sizeof *docs[d].scores);
      if (!docs[d].terms || !docs[d].scores) {
        free(c);
        tags_free(docs, D);
        return TOPICS_ENOMEM;
      }
      for (uint32_t i = 0; i < k; i++) {
        docs[d].terms[i] = c[i].term;
        docs[d].scores[i] = c[i].score;
      }
    }
  }
  free(c);
  *out = docs;
  return TOPICS_OK;
}
