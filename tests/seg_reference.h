/* The general route of the segmenter, written out plainly for tests to compare against: every
 * white-space-delimited chunk through ICU alone (a UText over the UTF-8; no fast path, no UTF-16
 * copy), protected spans cut out first, then the merges over the whole text. seg_run (fast path, grouping of ICU calls) and the
 * tokenizer's fused path must agree with it. Header-only (static functions): each test is its own
 * program. */
#ifndef TOPICS_SEG_REFERENCE_H
#define TOPICS_SEG_REFERENCE_H

#include <stddef.h>

#include "tokenize/seg_int.h"
#include "tokenize/segmenter.h"

static inline int sr_is_ws(unsigned char c) { return c == ' ' || (c >= 9 && c <= 13); }

/* Writes code point c as UTF-8 at o (room for 4 bytes); returns how many bytes. */
static inline size_t sr_put_utf8(unsigned c, char *o) {
  unsigned char *p = (unsigned char *)o;
  if (c < 0x80) {
    p[0] = (unsigned char)c;
    return 1;
  }
  if (c < 0x800) {
    p[0] = (unsigned char)(0xC0 | c >> 6);
    p[1] = (unsigned char)(0x80 | (c & 0x3F));
    return 2;
  }
  if (c < 0x10000) {
    p[0] = (unsigned char)(0xE0 | c >> 12);
    p[1] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
    p[2] = (unsigned char)(0x80 | (c & 0x3F));
    return 3;
  }
  p[0] = (unsigned char)(0xF0 | c >> 18);
  p[1] = (unsigned char)(0x80 | ((c >> 12) & 0x3F));
  p[2] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
  p[3] = (unsigned char)(0x80 | (c & 0x3F));
  return 4;
}

/* Sets *n to 0 and appends the reference spans of text[0..len) to *sp (capacity *cap). */
static inline topics_status sr_reference_run(segmenter *s, const char *text, size_t len,
                                             seg_span **sp, size_t *n, size_t *cap) {
  *n = 0;
  topics_status st = TOPICS_OK;
  for (size_t i = 0; i < len && st == TOPICS_OK;) {
    while (i < len && sr_is_ws((unsigned char)text[i])) i++;
    size_t a = i;
    while (i < len && !sr_is_ws((unsigned char)text[i])) i++;
    size_t p = a, ps, pe;
    while (st == TOPICS_OK && p < i && seg_protect_find(text, p, i, &ps, &pe)) {
      if (ps > p) st = seg_icu_spans_utf8(s, text, p, ps, sp, n, cap, 0);
      if (st == TOPICS_OK) st = seg_push(sp, n, cap, 0, ps, pe - ps, SEG_PROTECTED);
      p = pe;
    }
    if (st == TOPICS_OK && p < i) st = seg_icu_spans_utf8(s, text, p, i, sp, n, cap, 0);
  }
  if (st == TOPICS_OK) seg_merge(text, len, *sp, 0, n);
  return st;
}

/* 1 when two span arrays are equal: bounds, kinds and glue. */
static inline int sr_same(const seg_span *x, size_t nx, const seg_span *y, size_t ny) {
  if (nx != ny) return 0;
  for (size_t i = 0; i < nx; i++)
    if (x[i].start != y[i].start || x[i].len != y[i].len || x[i].kind != y[i].kind ||
        x[i].glued != y[i].glued)
      return 0;
  return 1;
}

/* Calls fn(ud, s, len) for every string of 1..maxlen pieces drawn from alpha[0..na) (each piece a
 * UTF-8 character or a short string; maxlen * longest piece < 64 bytes). */
static inline void sr_each_string(const char *const *alpha, int na, int maxlen,
                                  void (*fn)(void *ud, const char *s, size_t len), void *ud) {
  char buf[64];
  for (int len = 1; len <= maxlen; len++) {
    long count = 1;
    for (int k = 0; k < len; k++) count *= na;
    for (long v = 0; v < count; v++) {
      long w = v;
      size_t o = 0;
      for (int k = 0; k < len; k++, w /= na) {
        size_t l = strlen(alpha[w % na]);
        memcpy(buf + o, alpha[w % na], l);
        o += l;
      }
      fn(ud, buf, o);
    }
  }
}

#endif
