/* Keyphrase candidates of every talk, taken from the talk's own word sequence before the phrase
 * pass: each maximal run of content words (no punctuation, line end, number or stopword inside;
 * the builder's stream marks these as gaps) and every stretch of 1 to max_units consecutive words
 * of such a run. The hyphen of a compound (DTM_HYPHEN: AC-TEM, semi-classical) is no break: its
 * words stand side by side in a stretch, which shows them joined by '-'. A single Han character
 * (a piece) is a candidate only as part of a longer stretch, a stretch mixing Han and other words
 * is none, and neither is a lone letter outside Han (a variable: x, ε).
 * Counts, first positions and document frequencies are kept per stretch, so a tagger can score
 * `lattice field theories` or 循环肿瘤细胞 whether or not the phrase pass made it a term. */
#ifndef TOPICS_KEYCAND_H
#define TOPICS_KEYCAND_H

#include <stddef.h>
#include <stdint.h>

#include "common/status.h"
#include "models/dtm.h"

typedef struct kc_set kc_set;

/* One candidate of one document. */
typedef struct kc_occ {
  uint32_t cand;  /* candidate id (corpus-wide) */
  uint32_t tf;    /* occurrences in the document */
  uint32_t first; /* stream position of the first occurrence, 0-based */
  uint8_t whole;  /* 1 when some occurrence is a whole run (a break or the document's edge on
                   * both sides), not a cut from a longer one */
  uint8_t cut;    /* 1 when every occurrence is a cut from a hyphenated compound (`classical`
                   * of `semi-classical`) */
} kc_occ;

/* Collects the candidates of every document of b (its stream must still hold gaps and pieces:
 * call before dtm_builder_phrases). max_units: longest stretch in words, 1..8 (1 when the stream
 * has no gaps, e.g. with the phrase pass off). b must outlive the set only for kc_display.
 * Deterministic: a function of the stream. Free with kc_free. */
topics_status kc_collect(const dtm_builder *b, uint32_t max_units, kc_set **out);
/* kc_free(NULL) does nothing. */
void kc_free(kc_set *s);

uint32_t kc_ndocs(const kc_set *s);
uint32_t kc_ncands(const kc_set *s);
/* Document d's candidates in order of first occurrence; *n gets their number and *len the
 * length of d's stream (tokens and gaps). Valid until kc_free. */
const kc_occ *kc_doc(const kc_set *s, uint32_t d, uint32_t *n, uint32_t *len);
/* Documents holding candidate c, its number of words, and whether it is a tag candidate (a piece
 * alone is not). */
uint32_t kc_df(const kc_set *s, uint32_t c);
uint32_t kc_nunits(const kc_set *s, uint32_t c);
int kc_is_tag(const kc_set *s, uint32_t c);
/* 1 when candidate c holds a CJK word (Chinese runs are clause-long: see tags.c). */
int kc_is_han(const kc_set *s, uint32_t c);
/* The candidate of the one-word stretch of candidate c's i-th word (i < kc_nunits). */
uint32_t kc_unit(const kc_set *s, uint32_t c, uint32_t i);
/* Candidate c's key: its words' keys joined by a space, or without one where a CJK edge meets a
 * CJK edge (so 循环肿瘤细胞, `machin learn`). Written to *buf (grown as needed, NUL-terminated);
 * *len gets its length. Needs the builder. */
topics_status kc_key(const kc_set *s, uint32_t c, char **buf, size_t *cap, size_t *len);
/* Candidate occ (of document d) as the reader should see it: each word as the document first
 * writes it there, in the letter case the corpus uses most for that spelling (`machine learning`
 * at a sentence start too); joined like the key. Written to *buf as kc_key. Needs the builder. */
topics_status kc_display(const kc_set *s, uint32_t d, const kc_occ *occ, char **buf, size_t *cap,
                         size_t *len);
/* Word i (< kc_nunits) of occurrence occ of document d as the document first writes it there
 * (borrowed from the builder; *len gets its length); *hyphen gets 1 when a compound's hyphen
 * joins it to the word before (`stokes` of `navier-stokes`). Needs the builder. */
const char *kc_occ_word(const kc_set *s, uint32_t d, const kc_occ *occ, uint32_t i, size_t *len,
                        int *hyphen);
/* The distinct spellings of the stream's words, numbered from 0 (borrowed; needs the builder). */
uint32_t kc_nspellings(const kc_set *s);
const char *kc_spelling(const kc_set *s, uint32_t i, size_t *len);

#endif
