/* The vocabulary and the document-term matrix. The pipeline feeds a dtm_builder talk by talk
 * (tokens as surface ids, in text order); dtm_build applies --min-df/--max-df, picks each term's
 * display word and freezes the result. Documents keep their index even when filtering empties them. */
#ifndef TOPICS_DTM_H
#define TOPICS_DTM_H

#include <stddef.h>
#include <stdint.h>

#include "common/status.h"

typedef struct dtm_builder dtm_builder;
typedef struct dtm dtm;

/* An empty builder, or NULL when out of memory. Free with dtm_builder_free. */
dtm_builder *dtm_builder_new(void);
/* dtm_builder_free(NULL) does nothing. */
void dtm_builder_free(dtm_builder *b);

/* Interns a surface form (display spelling) together with the term key it belongs to; *sid gets
 * the surface id. The same surface always belongs to the same key within one run. */
topics_status dtm_builder_surface(dtm_builder *b, const char *term, size_t tlen, const char *surface,
                                  size_t slen, uint32_t *sid);

/* Surface flags for the phrase pass (dtm_builder_surface_marked). */
enum {
  DTM_PIECE = 1,     /* not a term by itself, only as part of a phrase (a single Han character) */
  DTM_CJK_FIRST = 2, /* the surface starts / ends with a CJK character: phrase parts that meet */
  DTM_CJK_LAST = 4   /* at CJK edges are joined without a space */
};

/* As dtm_builder_surface, with DTM_* flags, given on the surface's first interning. */
topics_status dtm_builder_surface_marked(dtm_builder *b, const char *term, size_t tlen,
                                         const char *surface, size_t slen, unsigned flags,
                                         uint32_t *sid);

/* In the token stream of dtm_builder_add: a break no phrase crosses (punctuation, a line end, a
 * stopword, a number). */
#define DTM_GAP UINT32_MAX
/* In the same stream: a hyphen inside a compound (AC-TEM, semi-classical). The builder stores it as
 * a DTM_GAP, so the phrase pass and the term matrix see a break as before, and remembers where it
 * stood, for the keyphrase candidates (models/keycand.h), which read a compound as one name. */
#define DTM_HYPHEN (UINT32_MAX - 1)

/* Starts the next document (documents are numbered 0, 1, ... in call order). */
topics_status dtm_builder_begin_doc(dtm_builder *b);

/* Appends n tokens, given as surface ids (or DTM_GAP, DTM_HYPHEN), to the current document. */
topics_status dtm_builder_add(dtm_builder *b, const uint32_t *sids, size_t n);

/* The corpus phrase pass (models/phrases.c): statistics of adjacent terms across the corpus. */
typedef struct dtm_phrase_options {
  uint32_t max_words; /* longest phrase, in parts [4]; <= 1: no phrases, only drop gaps/pieces */
  uint32_t min_count; /* occurrences a phrase needs [3] */
  uint32_t min_docs;  /* documents a phrase needs [2] */
  double min_npmi;    /* normalised pointwise mutual information of its two halves [0.35] */
  double signif;      /* significance level of Dunning's log-likelihood ratio of its two halves,
                       * divided by the number of pairs tested (Bonferroni) [0.01] */
  double min_entropy; /* branching entropy, in bits, of what precedes and of what follows [1] */
} dtm_phrase_options;

dtm_phrase_options dtm_phrase_default_options(void);

/* Finds the phrases of the corpus in the builder's token stream and makes each occurrence one
 * token of a new term (display: parts joined by a space, or without one between CJK edges); then
 * drops the gaps and the pieces no phrase took. Call once, after the last dtm_builder_add and
 * before dtm_build. Deterministic: depends only on the stream. opt NULL: the defaults. */
topics_status dtm_builder_phrases(dtm_builder *b, const dtm_phrase_options *opt);

typedef struct dtm_options {
  uint32_t min_df; /* keep terms found in at least this many documents [2] */
  double max_df;   /* drop terms in more than this fraction of documents; < 0: the default rule
                      (0.5, applied only when there are at least 20 documents) [-1] */
} dtm_options;

/* Defaults: min_df 2, max_df -1 (the default rule). */
dtm_options dtm_default_options(void);

/* Freezes the builder into *out (the builder may be freed afterwards). Terms are numbered by
 * descending corpus frequency, ties by key bytes, so ids are stable. Free with dtm_free.
 * TOPICS_EINVAL when the stream still holds gaps or pieces (run dtm_builder_phrases first). */
topics_status dtm_build(const dtm_builder *b, const dtm_options *opt, dtm **out);
/* dtm_free(NULL) does nothing. */
void dtm_free(dtm *m);

uint32_t dtm_ndocs(const dtm *m);
uint32_t dtm_nterms(const dtm *m);
/* Tokens kept after filtering, over all documents. */
uint64_t dtm_ntokens(const dtm *m);
/* Tokens seen before filtering. */
uint64_t dtm_ntokens_raw(const dtm *m);

/* Document d's kept tokens as term ids in text order; *len gets the count. Valid until dtm_free. */
const uint32_t *dtm_doc(const dtm *m, uint32_t d, uint32_t *len);

/* The CSR count matrix: row d spans cols/vals[rows[d] .. rows[d+1]), columns ascending.
 * Valid until dtm_free. */
const uint64_t *dtm_csr_rows(const dtm *m);
const uint32_t *dtm_csr_cols(const dtm *m);
const uint32_t *dtm_csr_vals(const dtm *m);

/* Term t's key (normalised, folded, stemmed) and display word (its most frequent surface form,
 * ties by bytes). Valid until dtm_free. */
const char *dtm_term_key(const dtm *m, uint32_t t);
const char *dtm_term_word(const dtm *m, uint32_t t);
/* Term t's display word in document d: the surface d uses most often, ties going to the corpus-wide
 * display word, then by bytes. A talk written in Traditional script shows 測試 even where the
 * corpus mostly writes 测试, and a talk about one test shows "test" where the corpus says
 * "tests". Valid until dtm_free. */
const char *dtm_doc_word(const dtm *m, uint32_t d, uint32_t t);
/* Number of words (parts) joined into term t: 1 for a single word or a --dict entry, 2 or more
 * for a phrase found by dtm_builder_phrases. */
uint32_t dtm_term_nwords(const dtm *m, uint32_t t);
/* The parts of phrase t in text order as term ids, UINT32_MAX for a part that is no term by itself
 * (a single Han character, or a word --min-df/--max-df cut); *n gets dtm_term_nwords(m, t). NULL
 * (and *n = 1) for a single word. Valid until dtm_free. */
const uint32_t *dtm_term_parts(const dtm *m, uint32_t t, uint32_t *n);
/* Documents containing term t, and its total count. */
uint32_t dtm_term_df(const dtm *m, uint32_t t);
uint64_t dtm_term_cf(const dtm *m, uint32_t t);

/* Builds a dtm directly from term-id documents (tests, benchmarks, synthetic corpora): docs[d] has
 * lens[d] ids below nterms; words[t] (may be NULL) names term t. No filtering is applied. */
topics_status dtm_from_ids(uint32_t ndocs, const uint32_t *const *docs, const uint32_t *lens,
                           uint32_t nterms, const char *const *words, dtm **out);

#endif
