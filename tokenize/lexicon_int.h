/* The lexicon's body, shared by lexicon.c and tokenizer.c only (and unit tests). Everything here is
 * read-only once the lexicon is built, so any number of tok threads may read it at once. */
#ifndef TOPICS_LEXICON_INT_H
#define TOPICS_LEXICON_INT_H

#include <stddef.h>

#include "common/strmap.h"
#include "tokenize/lexicon.h"
#include "tokenize/normalize.h"

/* Longest accepted line of a stopword or dictionary file, in bytes. */
#define LEX_MAX_LINE 1024

struct lex {
  norm_han *han;       /* folds entries while the lexicon is built */
  strmap *stop;        /* stopwords: normalised form and its Han fold */
  /* User dictionary keys, [0] as normalised, [1] Han-folded as well. full: whole keys; pre: every
   * prefix of a key that ends on a code point boundary (whole keys included). */
  strmap *dict_full[2];
  strmap *dict_pre[2];
  size_t dict_max_parts; /* most code points of any key: a bound on the spans a match covers */
};

/* Joins the white-space separated parts of normalised text s[0..len) into a dictionary key: one
 * space between parts, none where either side of the gap is CJK (norm_is_cjk). *out is malloc'd
 * (caller frees); empty when s is all white space. TOPICS_ENOMEM on failure. */
topics_status lex_join_key(const char *s, size_t len, char **out, size_t *outlen);

/* 1 when s[0..len) (normalised, or its Han fold) is a stopword. */
int lex_is_stopword(const lex *lx, const char *s, size_t len);

#endif
