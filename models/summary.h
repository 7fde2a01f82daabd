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
  uint32_t *words;   /* term ids, best first */
  double *weights;   /* p(word | topic) */
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

/* Summarises model over m with nwords top words and ndocs representative documents per topic.
 * *out is malloc'd; free with sum_free. Ties are broken by id, so the result is deterministic. */
topics_status sum_compute(const lda *model, const dtm *m, uint32_t nwords, uint32_t ndocs,
                          summary **out);
/* sum_free(NULL) does nothing. */
void sum_free(summary *s);

#endif
