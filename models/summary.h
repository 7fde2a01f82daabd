/* What a trained model means to a reader: each topic's share, top words and most representative
 * documents; each document's topic mix. */
#ifndef TOPICS_SUMMARY_H
#define TOPICS_SUMMARY_H

#include <stdint.h>

#include "common/status.h"
#include "models/dtm.h"
#include "models/lda.h"

typedef struct sum_topic {
  double share;      /* fraction of all tokens assigned to the topic */
  uint32_t nwords;
  uint32_t *words;   /* term ids, most relevant first (see sum_compute_rel) */
  double *weights;   /* p(word | topic) of each; not monotone, since the order is by relevance */
  uint32_t ndocs;
  uint32_t *docs;    /* most representative documents, best first */
} sum_topic;

typedef struct sum_doc {
  double *theta;     /* k values: p(topic | doc) */
  uint32_t ntop;
  uint32_t *top;     /* topics by descending weight, at most 3, each >= 0.05 */
} sum_doc;

typedef struct summary {
  uint32_t k, ndocs;
  sum_topic *topics; /* k of them, in topic id order */
  sum_doc *docs;     /* ndocs of them */
} summary;

/* The weight of p(word | topic) against lift in the word ranking; chosen by measurement
 * (summary.c explains). */
#define SUM_LAMBDA 0.7

/* Summarises model over m with nwords top words and ndocs representative documents per topic,
 * the words ranked by relevance with lambda SUM_LAMBDA.
 * *out is malloc'd; free with sum_free. Ties are broken by id, so the result is deterministic. */
topics_status sum_compute(const lda *model, const dtm *m, uint32_t nwords, uint32_t ndocs,
                          summary **out);
/* The same with the relevance weight lambda in [0, 1]: words are ranked by
 *   lambda · log φ_tw + (1 − lambda) · log(φ_tw / p_w),  p_w = corpus frequency of w / tokens.
 * lambda = 1 ranks by φ alone. */
topics_status sum_compute_rel(const lda *model, const dtm *m, uint32_t nwords, uint32_t ndocs,
                              double lambda, summary **out);
/* sum_free(NULL) does nothing. */
void sum_free(summary *s);

#endif
