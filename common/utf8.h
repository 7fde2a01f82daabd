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

/* Decodes one well-formed-or-not code point at s[0..len), len > 0: returns the number of bytes
 * consumed (>= 1) and sets *cp, which is 0xFFFD for an ill-formed subsequence. */
size_t utf8_decode(const unsigned char *s, size_t len, unsigned *cp);

/* Writes code point cp (at most U+10FFFF, no surrogate) as UTF-8 into out[0..4); returns the
 * number of bytes written (1 to 4). */
size_t utf8_encode(unsigned cp, char *out);

/* 1 when s[0..len) may hold a character from U+3000 up (CJK punctuation, kana, Han, Hangul and
 * beyond): some byte is 0xE3 or more. Text without one has no ideographs, so nothing to join. */
int utf8_may_hold_cjk(const char *s, size_t len);

#endif
