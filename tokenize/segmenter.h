/* Word segmentation, internal to tokenize/: ICU's word break iterator (over a bounded UTF-16 copy
 * of one stretch of the text at a time, never of the whole text), an ASCII fast path that gives the same result as ICU, protected spans (URLs,
 * e-mail addresses, @handles, #hashtags) found before segmentation, and merges after it (numerals
 * with date/quantity units, ordinals, percentages, Latin letters glued to digits, runs of the same
 * punctuation). The user dictionary's phrase merges happen one level up, in tokenizer.c. */
#ifndef TOPICS_SEGMENTER_H
#define TOPICS_SEGMENTER_H

#include <stddef.h>
#include <stdint.h>

#include "common/status.h"

typedef enum seg_kind {
  SEG_WORD = 0,  /* letters (any script but Han/kana), possibly with digits: "tool", "Python3" */
  SEG_IDEO,      /* Han ideographs, kana, hangul: "容器", "資料" */
  SEG_NUMBER,    /* numbers, alone or merged with units: "3.14", "2001年", "第三", "50%" */
  SEG_PUNCT,     /* punctuation, symbols, emoji (and runs of them such as "——") */
  SEG_PROTECTED  /* URL, e-mail address, @handle, #hashtag: one span, never split */
} seg_kind;

typedef struct seg_span {
  size_t start, len; /* bytes of the text */
  uint8_t kind;      /* a seg_kind */
  uint8_t glued;     /* 1 when no white space separates it from the previous span */
} seg_span;

typedef struct segmenter segmenter;

/* A segmenter (owns one ICU break iterator and a UTF-16 buffer of at most 128 KB; one per thread);
 * NULL and *st set on failure. */
segmenter *seg_new(topics_status *st);
/* seg_free(NULL) does nothing. */
void seg_free(segmenter *s);

/* Segments text[0..len) and appends its spans, in order, to the malloc'd array *spans (count *n,
 * capacity *cap; grown as needed). Every non-white-space character of the text lies in exactly one
 * span; white space lies in none. */
topics_status seg_run(segmenter *s, const char *text, size_t len, seg_span **spans, size_t *n,
                      size_t *cap);

#endif
