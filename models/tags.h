/* Per-talk keyword tags: a TF-IDF score whose document frequencies are smoothed by general-language
 * statistics, with a prior for early and title terms, and no tag that is a part of a better one
 * (see tags.c). Works without a topic model (`topics tags`). */
#ifndef TOPICS_TAGS_H
#define TOPICS_TAGS_H

#include <stdint.h>

#include "common/status.h"
#include "models/dtm.h"
#include "models/keycand.h"

typedef struct tags_doc {
  uint32_t n;        /* how many tags (<= the number asked for) */
  uint32_t *terms;   /* term ids (candidate ids for tags_from_cands), best first */
  double *scores;    /* their scores */
  char **words;      /* how each is shown (owned) */
} tags_doc;

typedef struct tags_options {
  uint32_t ntags;         /* tags per document [5] */
  /* A word-frequency list of general language ("word<TAB>count" lines, models/background.h), or
   * NULL for none. A list that is absent is silently not used; a malformed one is reported with
   * a warning and not used. [BG_ESSAY_PATH] */
  const char *background;
  /* Per document, the term ids of its title (a JSON Lines "title", a Markdown heading), or NULL
   * for none; title_terms[d] may be NULL with title_lens[d] 0. Terms of the title score more. */
  const uint32_t *const *title_terms;
  const uint32_t *title_lens;
} tags_options;

/* Defaults as marked above. */
tags_options tags_default_options(void);

/* Computes up to o->ntags tags for every document of m: *out gets a malloc'd array of
 * dtm_ndocs(m) entries; free it with tags_free. Ties are broken by term id. */
topics_status tags_compute_opts(const dtm *m, const tags_options *o, tags_doc **out);
/* tags_compute_opts with the defaults and ntags tags. */
topics_status tags_compute(const dtm *m, uint32_t ntags, tags_doc **out);
/* Tags from the talks' own word stretches (models/keycand.h) rather than the terms of a matrix:
 * *out gets kc_ndocs(s) entries. title_terms are not used. Needs the builder s was made from. */
topics_status tags_from_cands(const kc_set *s, const tags_options *o, tags_doc **out);
/* Up to ntags tags a document from a whole token stream, taken before the phrase pass (the
 * stretches of up to 4 words with phrases, single words without): *out gets *ndocs entries. */
topics_status tags_from_stream(const dtm_builder *b, int phrases, uint32_t ntags, tags_doc **out,
                               uint32_t *ndocs);
/* Frees what tags_compute returned; tags_free(NULL, n) does nothing. */
void tags_free(tags_doc *docs, uint32_t ndocs);

#endif
