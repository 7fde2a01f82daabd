/* UTF-8 validation and repair. Invalid input is never passed on: each maximal ill-formed
 * subsequence (Unicode 15, section 3.9) becomes U+FFFD, so offsets of valid text are kept in order. */
#ifndef TOPICS_UTF8_H
#define TOPICS_UTF8_H

#include <stddef.h>

#include "common/status.h"

/* Length of the longest prefix of s[0..len) that is well-formed UTF-8 (NUL bytes count as valid). */
size_t utf8_valid_prefix(const char *s, size_t len);

/* Copies s[0..len) to a new malloc'd buffer *out (NUL-terminated, length *outlen), replacing every
 * ill-formed subsequence with U+FFFD. *nbad (may be NULL) gets how many were replaced. The caller
 * frees *out. TOPICS_ENOMEM when out of memory (then *out is NULL). */
topics_status utf8_repair(const char *s, size_t len, char **out, size_t *outlen, size_t *nbad);

/* The same into a caller's buffer out, which must hold at least 3 * len bytes; returns the number
 * of bytes written (no NUL is added). *nbad (may be NULL) gets how many were replaced. */
size_t utf8_repair_into(const char *s, size_t len, char *out, size_t *nbad);

/* utf8_decode for any input: every lead byte, ill-formed sequences, truncated ones. */
size_t utf8_decode_any(const unsigned char *s, size_t len, unsigned *cp);

/* Decodes one well-formed-or-not code point at s[0..len), len > 0: returns the number of bytes
 * consumed (>= 1) and sets *cp, which is 0xFFFD for an ill-formed subsequence. Inline for ASCII
 * and for the well-formed two- and three-byte forms whose lead byte admits every continuation
 * byte (all of CJK text), the bulk of what the tokenizer and the segmenter decode. */
static inline size_t utf8_decode(const unsigned char *s, size_t len, unsigned *cp) {
  unsigned c = s[0];
  if (c < 0x80) {
    *cp = c;
    return 1;
  }
  if (c >= 0xE1 && c <= 0xEF && c != 0xED && len >= 3 && (s[1] & 0xC0) == 0x80 &&
      (s[2] & 0xC0) == 0x80) {
    *cp = (c & 0x0Fu) << 12 | (s[1] & 0x3Fu) << 6 | (s[2] & 0x3Fu);
    return 3;
  }
  if (c >= 0xC2 && c <= 0xDF && len >= 2 && (s[1] & 0xC0) == 0x80) {
    *cp = (c & 0x1Fu) << 6 | (s[1] & 0x3Fu);
    return 2;
  }
  return utf8_decode_any(s, len, cp);
}

/* Writes code point cp (at most U+10FFFF, no surrogate) as UTF-8 into out[0..4); returns the
 * number of bytes written (1 to 4). */
size_t utf8_encode(unsigned cp, char *out);

/* 1 when s[0..len) may hold a character from U+3000 up (CJK punctuation, kana, Han, Hangul and
 * beyond): some byte is 0xE3 or more. Text without one has no ideographs, so nothing to join. */
int utf8_may_hold_cjk(const char *s, size_t len);

#endif
