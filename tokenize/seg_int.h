/* Internals of the segmenter shared by its source files (segmenter.c, seg_ascii.c, seg_latin.c,
 * seg_protect.c, seg_merge.c), by the tokenizer's fused path and by the segmenter tests, which
 * compare the fast path with ICU and the general route. Not for use outside tokenize/ and
 * tests/. */
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

/* The text a segmentation belongs to. The mainland merges depend on whether the whole text looks
 * Traditional, so a caller that segments it in parts (seg_run_part) passes the same context to
 * every part; trad is -1 until a merge first needs it, then 0 or 1. */
typedef struct seg_ctx {
  const char *text;
  size_t len;
  int trad;
} seg_ctx;

/* seg_run over the chunks text[a..b) of ctx->text only: a and b must be chunk boundaries (0, len,
 * or next to ASCII white space). The spans appended are exactly those seg_run over the whole text
 * gives for these chunks. With stop not NULL, the chunk at a is one the fast path hands back (or
 * one seg_fast_may_take refuses), and the call ends before the first later chunk that
 * seg_fast_may_take accepts; *stop gets that chunk's start (b when there is none). */
topics_status seg_run_part(segmenter *s, seg_ctx *ctx, size_t a, size_t b, seg_span **spans,
                           size_t *n, size_t *cap, size_t *stop);

/* Byte classes of the fast path (seg_ascii.c). SEG_B_AL (ALetter, '@' included), SEG_B_NUM and
 * SEG_B_ENL ('_') hold a word together; SEG_B_LETTER marks real letters (for the kind);
 * SEG_B_MIDLET joins letter to letter ('.' '\''), SEG_B_MIDNUM digit to digit ('.' '\'' ',' ';');
 * SEG_B_STOP: a byte above 0x7F (seg_latin_char tells what character it starts), or '@' '#' ':'
 * (a protected span may start). seg_latin_char gives the same classes to the non-ASCII characters
 * it knows, and SEG_B_STOP alone to the others. SEG_B_LOOK is never in the table: a word scan
 * sets it in its union of classes when "www." may follow a middle or non-ASCII character. */
enum {
  SEG_B_AL = 1, SEG_B_NUM = 2, SEG_B_ENL = 4, SEG_B_LETTER = 8, SEG_B_MIDLET = 16,
  SEG_B_MIDNUM = 32, SEG_B_WS = 64, SEG_B_STOP = 128, SEG_B_LOOK = 256
};
#define SEG_B_WORD (SEG_B_AL | SEG_B_NUM | SEG_B_ENL)
extern const unsigned char seg_ascii_class[256];

/* Class of the character at p[i] (i < end) and its length in bytes (*len): ASCII from the table,
 * a few non-ASCII letters and marks (seg_latin.c), SEG_B_STOP alone for any other character and
 * for ill-formed UTF-8. */
unsigned seg_latin_char(const unsigned char *p, size_t i, size_t end, size_t *len);

/* Continues a word segment from p[j] (prev: the class of the character before p[j]; *acc: the
 * union of classes so far) over ASCII and non-ASCII characters alike; returns its end and adds
 * the classes of its characters to *acc (SEG_B_STOP when it meets a character seg_latin_char does
 * not know: the chunk goes to the general route). Out of line: reached only at a non-ASCII byte. */
size_t seg_latin_word(const unsigned char *p, size_t j, size_t end, unsigned prev, unsigned *acc);

/* The end of the word segment that starts at p[i] (whose class holds SEG_B_WORD), scanning no
 * further than end; *acc gets the union of the classes of its characters. Inline: it is the inner
 * loop of the fast path and of the tokenizer's fused path. The loop runs over ASCII word bytes;
 * a middle character, a byte above 0x7F or '#' ':' after them leave it for the checks below. */
static inline size_t seg_ascii_word(const unsigned char *p, size_t i, size_t end, unsigned *acc) {
  const unsigned char *cls = seg_ascii_class;
  unsigned a = cls[p[i]];
  size_t j = i + 1;
  for (;;) {
    unsigned d;
    while (j < end && ((d = cls[p[j]]) & SEG_B_WORD)) {
      a |= d;
      j++;
    }
    if (j >= end) break;
    unsigned mid = cls[p[j]];
    if (!(mid & (SEG_B_MIDLET | SEG_B_MIDNUM | SEG_B_STOP))) break; /* white space, punctuation */
    unsigned nx = j + 1 < end ? cls[p[j + 1]] : 0;
    if ((mid | nx) & SEG_B_STOP) { /* non-ASCII (or '#' ':' '@') next: the general scan */
      unsigned la = a; /* a local copy, so that the caller's acc can stay in a register */
      j = seg_latin_word(p, j, end, cls[p[j - 1]], &la);
      a = la;
      break;
    }
    if (((mid & SEG_B_MIDLET) && (cls[p[j - 1]] & SEG_B_AL) && (nx & SEG_B_AL)) ||
        ((mid & SEG_B_MIDNUM) && (cls[p[j - 1]] & SEG_B_NUM) && (nx & SEG_B_NUM))) {
      a |= nx | ((p[j + 1] | 0x20) == 'w' ? SEG_B_LOOK : 0u); /* "a'www.x": see seg_fast_bail */
      j += 2;
      continue;
    }
    break;
  }
  *acc = a;
  return j;
}

/* 1 when an ASCII word segment at p[i] (i + 3 < end) starts with "www." in any case: the chunk may
 * hold a URL. */
static inline int seg_ascii_www(const unsigned char *p, size_t i, size_t end) {
  return (p[i] | 0x20) == 'w' && i + 3 < end && (p[i + 1] | 0x20) == 'w' &&
         (p[i + 2] | 0x20) == 'w' && p[i + 3] == '.';
}

/* 1 when "www." starts inside the word p[i..j) after '_', '\'' or a non-ASCII character: there
 * the general route may find a URL. */
int seg_fast_www_inside(const unsigned char *p, size_t i, size_t j, size_t end);

/* 1 when the word segment p[i..j), the union of whose classes is acc, sends its chunk to the
 * general route: it holds '@' or a character the fast path does not know, or a protected span may
 * start in it. */
static inline int seg_fast_bail(const unsigned char *p, size_t i, size_t j, size_t end,
                                unsigned acc) {
  if (acc & (SEG_B_STOP | SEG_B_ENL | SEG_B_LOOK))
    return (acc & SEG_B_STOP) || seg_fast_www_inside(p, i, j, end) || seg_ascii_www(p, i, end);
  return seg_ascii_www(p, i, end);
}

/* The segment the fast path finds at a byte above 0x7F, p[i] (i < end): *j gets its end; returns
 * the union of its classes (0: punctuation, SEG_B_LETTER set: a word), or SEG_B_STOP when its chunk
 * goes to the general route. */
unsigned seg_latin_segment(const unsigned char *p, size_t i, size_t end, size_t *j);

/* 1 when the fast path may take the chunk that starts at p[i] (i < end): it starts with an ASCII
 * byte or a character seg_latin_char knows. Others (Han, kana, emoji, ...) go straight to the
 * general route, which sends runs of them to ICU together. */
static inline int seg_fast_may_take(const unsigned char *p, size_t i, size_t end) {
  size_t k;
  return p[i] < 0x80 || seg_latin_char(p, i, end, &k) != SEG_B_STOP;
}

/* ICU's segmentation (UBRK_WORD) of text[start..end), no protected spans, no merges: word
 * segments by rule status, everything else as SEG_PUNCT spans with white space left out. A
 * well-formed stretch of at most SEG_U16_MAX bytes is broken in a UTF-16 copy (seg_icu.c says
 * why), a longer one in parts cut where a break is certain; seg_run groups the pieces it sends
 * here so that they stay under that size. */
#define SEG_U16_MAX ((size_t)1 << 16)
topics_status seg_icu_spans(segmenter *s, const char *text, size_t start, size_t end,
                            seg_span **spans, size_t *n, size_t *cap, size_t base);

/* 1 when the first character of text[a..b) is one that word-break rule WB4 attaches to whatever
 * precedes it (Word_Break Extend, Format or ZWJ), white space included. seg_run does not send such
 * a piece to ICU in one stretch with the piece before it: ICU would join it to the white space
 * between them (U+16FE4 after a tab even makes the tab part of an ideographic word). */
int seg_icu_attaches(const char *text, size_t a, size_t b);

/* The same through a UText over the UTF-8 itself, for any stretch. seg_icu_spans takes this route
 * for ill-formed stretches, stretches in South-East Asian scripts (seg_sa_maybe) and long ones it
 * finds no place to cut; the tests' reference route takes it always, so every comparison with the
 * reference also checks that the routes agree. */
topics_status seg_icu_spans_utf8(segmenter *s, const char *text, size_t start, size_t end,
                                 seg_span **spans, size_t *n, size_t *cap, size_t base);

/* 0 when UTF-16 code unit u is no part of a character of line-break class SA (Thai, Lao, Myanmar,
 * Khmer, Tai scripts, Ahom), which seg_icu_spans sends through the UTF-8 route; 1 for a superset:
 * U+0E00..U+1AAF, U+A9E0..U+AADF and every surrogate. Branch-free, so that a pass over a whole
 * stretch vectorises. tests/test_seg_icu.c checks it against ICU's property data. */
static inline unsigned seg_sa_maybe(unsigned u) {
  return (u - 0x0E00u < 0x0CB0u) | (u - 0xA9E0u < 0x0100u) | ((u & 0xF800u) == 0xD800u);
}

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

/* seg_merge with an explicit context (the text and its script, shared by the parts of a text). */
void seg_merge_ctx(seg_ctx *ctx, seg_span *spans, size_t base, size_t *n);

/* Spans and bytes looked at by the merges' run scan and the URL end scan on this thread: both must
 * stay linear in their input however degenerate it is, and the tests check that with this count. */
extern _Thread_local size_t seg_scan_work;

/* 1 when text[0..len) looks written in Traditional Chinese: it holds more characters found only
 * in Traditional script than characters found only in Simplified script (among common ones). */
int seg_looks_traditional(const char *text, size_t len);

#endif
