/* Internals of the segmenter shared by its source files (segmenter.c, seg_ascii.c, seg_protect.c,
 * seg_merge.c) and by the segmenter tests, which compare the ASCII fast path with ICU. Not for use
 * outside tokenize/ and tests/. */
#ifndef TOPICS_SEG_INT_H
#define TOPICS_SEG_INT_H

#include <stddef.h>
#include <stdint.h>

#include "common/mem.h"
#include "common/status.h"
#include "tokenize/segmenter.h"

/* Appends one span, growing the array; glued is worked out from the previous span (base is the
 * first span of this seg_run call, so the first span of a call is never glued). Inline: it runs
 * once per word. */
static inline topics_status seg_push(seg_span **spans, size_t *n, size_t *cap, size_t base,
                                     size_t start, size_t len, int kind) {
  if (*n >= *cap && MEM_RESERVE(*spans, *cap, *n + 1) != TOPICS_OK) return TOPICS_ENOMEM;
  seg_span *sp = &(*spans)[*n];
  sp->start = start;
  sp->len = len;
  sp->kind = (uint8_t)kind;
  sp->glued = (uint8_t)(*n > base && sp[-1].start + sp[-1].len == start);
  (*n)++;
  return TOPICS_OK;
}

/* ICU's segmentation (UBRK_WORD over UTF-8) of text[start..end), no protected spans, no merges:
 * word segments by rule status, everything else as SEG_PUNCT spans with white space left out. */
topics_status seg_icu_spans(segmenter *s, const char *text, size_t start, size_t end,
                            seg_span **spans, size_t *n, size_t *cap, size_t base);

/* The ASCII fast path over text[start..end), which must be pure ASCII (white space allowed): the
 * same spans and kinds ICU gives for that stretch. */
topics_status seg_ascii_spans(const char *text, size_t start, size_t end, seg_span **spans,
                              size_t *n, size_t *cap, size_t base);

/* The fast path as seg_run uses it: from text[start] on, up to the first white-space-delimited
 * chunk that is not plain ASCII or may hold a protected span; that chunk's spans are taken back
 * and *stop gets its start (len when all was done). */
topics_status seg_ascii_scan(const char *text, size_t start, size_t len, seg_span **spans,
                             size_t *n, size_t *cap, size_t base, size_t *stop);

/* Finds the first protected span (URL, e-mail address, @handle, #hashtag) in text[start..end), a
 * stretch without ASCII white space. Returns 1 and sets *ps, *pe (its bounds), or 0 when none. */
int seg_protect_find(const char *text, size_t start, size_t end, size_t *ps, size_t *pe);

/* Applies the merges (numerals with units, ordinals, percentages, letters glued to digits, runs
 * of the same punctuation) to spans[base..*n) in place; *n shrinks accordingly. */
void seg_merge(const char *text, size_t len, seg_span *spans, size_t base, size_t *n);

/* 1 when text[0..len) looks written in Traditional Chinese: it holds more characters found only
 * in Traditional script than characters found only in Simplified script (among common ones). */
int seg_looks_traditional(const char *text, size_t len);

#endif
