/* Han words that the segmenter may join from adjacent pieces ICU left apart: a word list read at
 * run time (Debian's rime-essay, "word<TAB>frequency" per line, Traditional script, each entry
 * also kept folded to Simplified with the project's Hant->Hans fold) and the compounds learned
 * from the input (seg_learn.h). seg_join applies them to a segmentation. Read-only once built, so
 * any number of threads may share one. */
#ifndef TOPICS_SEG_WORDS_H
#define TOPICS_SEG_WORDS_H

#include <stddef.h>

#include "common/status.h"
#include "tokenize/segmenter.h"

/* Where Debian installs the rime-essay word list. */
#define SEG_WORDS_ESSAY "/usr/share/rime-data/essay.txt"
/* Entries below this frequency are left out (chosen on UD GSD dev). */
#define SEG_WORDS_MIN_FREQ 100
/* Longest word joined, in characters. */
#define SEG_WORDS_MAX_CHARS 4

typedef struct seg_words seg_words;

/* An empty set; NULL when out of memory. Free with seg_words_free (NULL does nothing). */
seg_words *seg_words_new(void);
void seg_words_free(seg_words *w);

/* Adds the entries of a word list file ("word<TAB>frequency" lines; lines of another shape, words
 * that are not 2 to SEG_WORDS_MAX_CHARS Han characters, and words under min_freq are skipped) in
 * their own script and folded to Simplified. TOPICS_EIO when the file cannot be read (nothing is
 * printed: the caller decides whether a missing list matters), TOPICS_ENOMEM. */
topics_status seg_words_load(seg_words *w, const char *path, long min_freq);

/* Adds one word as given (no fold). */
topics_status seg_words_add(seg_words *w, const char *s, size_t len);

/* 1 when s[0..len) is in the set. */
int seg_words_has(const seg_words *w, const char *s, size_t len);

/* Number of words held. */
size_t seg_words_count(const seg_words *w);

/* 1 when s[0..len) is a single character that glues to anything (a particle, preposition,
 * pronoun, conjunction, measure word or small numeral): pairs with it recur for grammar's sake, so
 * it never takes part in a join. */
int seg_words_function_piece(const char *s, size_t len);

/* The joins, two sets consulted in turn (either may be NULL). */
typedef struct seg_joiner {
  const seg_words *lexicon; /* a word list */
  const seg_words *learned; /* compounds learned from the input */
} seg_joiner;

/* Joins runs of adjacent Han spans (SEG_IDEO, glued, no white space between) of spans[base..*n)
 * whose text is a word of j, longest first (up to SEG_WORDS_MAX_CHARS characters), left to right;
 * a joined span keeps kind SEG_IDEO. *n shrinks accordingly. */
void seg_join(const seg_joiner *j, const char *text, seg_span *spans, size_t base, size_t *n);

#endif
