/* Per-talk keyword tags by TF-IDF over the term matrix, with a rule that keeps one-off noise out
 * (see tags.c). Works without a topic model (`topics tags`). */
#ifndef TOPICS_TAGS_H
#define TOPICS_TAGS_H

#include <stdint.h>

#include "common/status.h"
#include "models/dtm.h"

typedef struct tags_doc {
  uint32_t n;        /* how many tags (<= the number asked for) */
  uint32_t *terms;   /* term ids, best first */
  double *scores;    /* their scores */
} tags_doc;

/* Computes up to ntags tags for every document of m: *out gets a malloc'd array of dtm_ndocs(m)
 * entries; free it with tags_free. Ties are broken by term id. */
topics_status tags_compute(const dtm *m, uint32_t ntags, tags_doc **out);
/* Frees what tags_compute returned; tags_free(NULL, n) does nothing. */
void tags_free(tags_doc *docs, uint32_t ndocs);

#endif
