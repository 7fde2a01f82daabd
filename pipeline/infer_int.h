/* The parts of `topics infer` (pipeline/infer.c: options, reading and mapping talks to the
 * model's terms; pipeline/infer_out.c: the text and JSON output). Not a public API. */
#ifndef TOPICS_INFER_INT_H
#define TOPICS_INFER_INT_H

#include <stdint.h>
#include <stdio.h>

#include "common/status.h"
#include "models/dtm.h"
#include "models/lda_infer.h"
#include "models/model_file.h"
#include "models/tags.h"
#include "pipeline/output.h"
#include "pipeline/reader.h"

typedef struct infer_result {
  const char *model_path;
  const mf_model *md;
  const lif *f;
  uint64_t seed;
  uint32_t top_words;
  const dtm *m;               /* the new talks over the model's vocabulary */
  const out_doc_meta *docs;   /* dtm_ndocs(m) of them */
  const double *theta;        /* ndocs x k */
  const tags_doc *tags;
  uint64_t tokens, unknown;   /* tokens matched to the model's terms, and those it never saw */
  const rd_skipped *skipped;
  size_t nskipped;
  double read_s, infer_s, total_s;
} infer_result;

/* Topic i of a talk's mix, best first: at most 3, each >= 0.05 (as the main command shows). */
uint32_t infer_top_topics(const double *theta, uint32_t k, uint32_t top[3]);

topics_status infer_out_text(FILE *f, const infer_result *r);
topics_status infer_out_json(FILE *f, const infer_result *r);

#endif
