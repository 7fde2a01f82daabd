/* The frozen term matrix's layout, shared by the files of models/ that build it (dtm_build,
 * dtm_from_ids) and read it; nothing outside models/ includes this. */
#ifndef TOPICS_DTM_INT_H
#define TOPICS_DTM_INT_H

#include <stdint.h>

#include "models/dtm.h"

struct dtm {
  uint32_t ndocs, nterms;
  uint64_t ntokens, ntokens_raw;
  uint64_t *doc_off;  /* ndocs + 1 offsets into ids */
  uint32_t *ids;      /* every kept token as a term id, document after document */
  uint64_t *rows;     /* CSR: ndocs + 1 */
  uint32_t *cols, *vals;
  char **keys, **words; /* nterms each; words[t] may alias keys[t] (see words_owned) */
  uint8_t *words_owned; /* 1 when words[t] is its own allocation */
  uint32_t *df;
  uint64_t *cf;
  /* Per-document display words that differ from words[t], sorted by document then term: document
   * d's are xterm/xword[xoff[d] .. xoff[d+1]). xoff is NULL when no document differs. xword indexes
   * xstr (nxstr strings, owned). */
  uint64_t *xoff;
  uint32_t *xterm, *xword;
  char **xstr;
  uint32_t nxstr;
};

/* Allocates a zeroed dtm; NULL when out of memory. */
dtm *dtm_alloc_(void);
/* Fills doc_off/ids are set: computes df, cf and the CSR matrix from them. */
topics_status dtm_finish_(dtm *m);

#endif
