/* Term normalisation, internal to tokenize/: Unicode NFKC with case folding (utf8proc) and the
 * Traditional -> Simplified Han fold (ICU's "Hant-Hans" transliterator). Both are slow compared
 * with a hash lookup, so callers run them once per distinct word form (the term cache). */
#ifndef TOPICS_NORMALIZE_H
#define TOPICS_NORMALIZE_H

#include <stddef.h>

#include "common/status.h"

/* NFKC + case fold + removal of default-ignorable code points of s[0..len), with U+2019 (right
 * single quote) mapped to an ASCII apostrophe so "don’t" and "don't" are one form. Ill-formed
 * UTF-8 is repaired to U+FFFD first. *out is a new malloc'd NUL-terminated string (caller frees),
 * *outlen its length; TOPICS_ENOMEM on failure (then *out is NULL). */
topics_status norm_text(const char *s, size_t len, char **out, size_t *outlen);

/* norm_text for the common case, without allocating: when s[0..len) holds only ASCII and Han
 * ideographs U+3400..U+9FFF (which NFKC, case folding and the removal of ignorables all leave
 * unchanged), writes its normalised form -- the same bytes with ASCII letters lowercased, len
 * bytes, no NUL -- to out and returns 1. Otherwise returns 0 (out then holds garbage) and the
 * caller uses norm_text. */
int norm_text_simple(const char *s, size_t len, char *out);

/* 1 when s[0..len) holds at least one Han ideograph (the only text the Han fold changes). */
int norm_has_han(const char *s, size_t len);

/* 1 when code point cp is written without spaces between words (Han, kana, bopomofo, CJK symbols
 * and punctuation): such text joins dictionary parts without a space. */
int norm_is_cjk(unsigned cp);

/* 1 when s[0..len) is a Chinese count, amount or date and nothing else: numerals (Han or
 * digits), then at most one classifier or unit (次, 個, 年, 天...), then at most one of 前, 後,
 * 多, 來 (一次, 十個, 兩年前, 1998年, 三天). Such words say how much, not what about. */
int norm_is_quantity(const char *s, size_t len);

/* The first and last code points of s[0..len) (0 when empty). */
unsigned norm_first_cp(const char *s, size_t len);
unsigned norm_last_cp(const char *s, size_t len);

typedef struct norm_han norm_han;

/* A Traditional -> Simplified folder (owns one ICU transliterator, opened on the first text that
 * holds Han; not thread-safe, one per thread); NULL and *st = TOPICS_ENOMEM on failure. Free with
 * norm_han_free. */
norm_han *norm_han_new(topics_status *st);
/* norm_han_free(NULL) does nothing. */
void norm_han_free(norm_han *h);

/* Folds well-formed UTF-8 s[0..len) to Simplified Han; TOPICS_EICU when the transliterator cannot
 * be opened. *out points into h's scratch buffer (valid
 * until the next call on h), or at s itself when s holds no Han; *outlen is its length. */
topics_status norm_han_fold(norm_han *h, const char *s, size_t len, const char **out,
                            size_t *outlen);

#endif
