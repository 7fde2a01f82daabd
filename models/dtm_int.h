/* The frozen term matrix's layout, shared by the files of models/ that build it (dtm_build,
 * dtm_from_ids) and read it; nothing outside models/ includes this. */
#ifndef TOPICS_DTM_INT_H
#define TOPICS_DTM_INT_H

#include <stddef.h>
#include <stdint.h>

#include "common/strmap.h"
#include "models/dtm.h"

struct dtm_builder {
  strmap *surfaces;   /* surface spelling -> sid */
  strmap *keys;       /* term key -> key id */
  uint32_t *surf_key; /* sid -> key id */
  size_t surf_cap;
  uint8_t *surf_flags; /* sid -> DTM_* flags */
  size_t flags_cap;
  uint32_t *toks; /* every token as a sid, or DTM_GAP */
  size_t ntoks, toks_cap;
  uint64_t nmarks;   /* gaps and pieces in toks */
  /* Positions in toks of the gaps that were a DTM_HYPHEN, ascending. Valid until the phrase pass
   * rewrites toks (dtm_builder_phrases empties the stream's gaps). */
  uint64_t *hyph;
  size_t nhyph, hyph_cap;
  uint64_t *doc_off; /* start of each document in toks */
  size_t ndocs, doc_cap;
  /* Phrase keys (made by dtm_builder_phrases): key id k >= pkey0 has its parts, as key ids, at
   * parts[poff[k - pkey0] + 1 ...], preceded by their count; UINT32_MAX when k is not a phrase. */
  uint32_t pkey0;
  uint32_t *poff;
  size_t npoff, poff_cap;
  uint32_t *parts;
  size_t nparts, parts_cap;
};

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
  /* Phrases: term t's parts are parts[poff[t] + 1 ...] (term ids or UINT32_MAX), preceded by their
   * count; poff[t] is UINT32_MAX for a single word. poff is NULL when no term is a phrase. */
  uint32_t *poff, *parts;
};

/* Allocates a zeroed dtm; NULL when out of memory. */
dtm *dtm_alloc_(void);
/* Fills doc_off/ids are set: computes df, cf and the CSR matrix from them. */
topics_status dtm_finish_(dtm *m);

#endif
