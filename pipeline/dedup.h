/* Near-duplicate talks by MinHash: a talk's text becomes a sketch of DD_K minimum hashes (one per
 * bin of a single hash function, empty bins filled from their neighbours) over its word
 * DD_SHINGLE-grams, whose agreement estimates the Jaccard similarity of the two sets of
 * shingles; an index with locality-sensitive banding finds earlier sketches that may agree
 * without comparing every pair. Words are ASCII letter and digit runs (case-folded), runs of other
 * letters, and single CJK characters; punctuation and white space do not count. */
#ifndef TOPICS_DEDUP_H
#define TOPICS_DEDUP_H

#include <stddef.h>
#include <stdint.h>

#include "common/status.h"

#define DD_K 128          /* minimum hashes per sketch */
#define DD_SHINGLE 5      /* words per shingle */
#define DD_THRESHOLD 0.9  /* estimated Jaccard similarity at which two texts are copies */
#define DD_NONE UINT32_MAX

/* A sketch being built; a plain value, no resources. */
typedef struct dd_sketch {
  uint32_t min[DD_K];
  uint64_t win[DD_SHINGLE]; /* hashes of the last words */
  size_t words;             /* words seen */
  uint64_t word;            /* hash of the word being read */
  int in_word;
} dd_sketch;

void dd_sketch_init(dd_sketch *k);

/* Adds text; a word may continue into the next call. */
void dd_sketch_feed(dd_sketch *k, const char *s, size_t n);

/* Ends the text (a text shorter than one shingle gives one shingle of all its words). */
void dd_sketch_finish(dd_sketch *k);

/* Estimated Jaccard similarity of two finished sketches, in [0, 1]; 0 when either is empty. */
double dd_similarity(const dd_sketch *a, const dd_sketch *b);

typedef struct dd_index dd_index;

/* An empty index; NULL when out of memory. dd_free(NULL) does nothing. */
dd_index *dd_new(void);
void dd_free(dd_index *x);

/* The earliest added sketch whose similarity to k is at least DD_THRESHOLD (its number: 0 for the
 * first dd_add, 1 for the next...), or DD_NONE. */
uint32_t dd_find(const dd_index *x, const dd_sketch *k);

/* Adds a finished sketch as number *no. TOPICS_ENOMEM, TOPICS_ELIMIT past 2^32 - 2 sketches. */
topics_status dd_add(dd_index *x, const dd_sketch *k, uint32_t *no);

#endif
