/* Compounds learned from the text being segmented. Two adjacent Han pieces of ICU's segmentation
 * become one word when the text itself says so: the joined string recurs (at least
 * SEG_LEARN_MIN_COUNT times), its parts occur together far more often than chance (normalised
 * pointwise mutual information of the pair of pieces), and what stands before and after it varies
 * (branching entropy of its left and right neighbours). The statistics are gathered in two scans
 * of the same segmented lines: seg_learn_count over all of them, seg_learn_select, then
 * seg_learn_context over all of them again (only candidates are looked at), and seg_learn_decide.
 * Counts and candidates carry over to later rounds, so a stream may be learned block by block.
 * Results depend only on the lines and their order. One thread at a time. */
#ifndef TOPICS_SEG_LEARN_H
#define TOPICS_SEG_LEARN_H

#include <stddef.h>

#include "common/status.h"
#include "tokenize/seg_words.h"
#include "tokenize/segmenter.h"

/* A pair is one piece of a single character and one of one or two: two words of two characters
 * make a phrase (体育 用品) that segmentation standards keep apart. */
#define SEG_LEARN_MAX_CHARS 3
#define SEG_LEARN_MIN_COUNT 3
#define SEG_LEARN_MIN_NPMI 0.40
#define SEG_LEARN_MIN_ENTROPY 1.0 /* bits, on both sides */

typedef struct seg_learn seg_learn;

/* NULL when out of memory. seg_learn_free(NULL) does nothing. */
seg_learn *seg_learn_new(void);
void seg_learn_free(seg_learn *l);

/* First scan: counts the Han pieces of one segmented line text (spans sp[0..n) of it). */
topics_status seg_learn_count(seg_learn *l, const char *text, const seg_span *sp, size_t n);

/* Between the scans: the pairs that recur and cohere become candidates. */
topics_status seg_learn_select(seg_learn *l);

/* Second scan: records the neighbours of the candidates in one line. */
topics_status seg_learn_context(seg_learn *l, const char *text, const seg_span *sp, size_t n);

/* Adds the candidates whose neighbours vary enough to out. */
topics_status seg_learn_decide(seg_learn *l, seg_words *out);

#endif
