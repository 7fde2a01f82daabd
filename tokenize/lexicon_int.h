/* The lexicon's body, shared by lexicon.c and tokenizer.c only (and unit tests). Everything here is
 * read-only once the lexicon is built, so any number of tok threads may read it at once. */
#ifndef TOPICS_LEXICON_INT_H
#define TOPICS_LEXICON_INT_H

#include <stddef.h>

#include "common/strmap.h"
#include "tokenize/lexicon.h"
#include "tokenize/normalize.h"

#include "common/arena.h"

/* Longest accepted line of a stopword or dictionary file, in bytes; also the longest dictionary
 * key once normalised (NFKC may lengthen a line). */
#define LEX_MAX_LINE 1024

/* One script form of the user dictionary: distinct keys sorted bytewise (a key before any longer
 * key it starts), so that the keys starting with a given string sit together and one binary search
 * answers both "is it a key" and "does it start one". Memory is linear in the keys. */
typedef struct lex_key {
  const char *s; /* in the lexicon's arena */
  size_t len;
} lex_key;

typedef struct lex_keys {
  lex_key *k;
  size_t n, cap;
} lex_keys;

struct lex {
  norm_han *han; /* folds entries while the lexicon is built */
  strmap *stop;  /* stopwords: normalised form and its Han fold */
  arena keybytes; /* the dictionary keys' bytes */
  /* User dictionary keys, [0] as normalised, [1] Han-folded as well; sorted whenever a public
   * lex_ function returns. */
  lex_keys dict[2];
  size_t dict_max_parts; /* most code points of any key: a bound on the spans a match covers */
};

/* 1 when s[0..len) is a whole dictionary key in script form folded (0: as normalised, 1:
 * Han-folded as well). */
int lex_dict_has(const lex *lx, int folded, const char *s, size_t len);

/* 1 when s[0..len) starts some dictionary key (a whole key included) in script form folded. */
int lex_dict_starts(const lex *lx, int folded, const char *s, size_t len);

/* Number of distinct dictionary keys (as normalised). */
size_t lex_dict_count(const lex *lx);

/* Joins the white-space separated parts of normalised text s[0..len) into a dictionary key: one
 * space between parts, none where either side of the gap is CJK (norm_is_cjk). *out is malloc'd
 * (caller frees); empty when s is all white space. TOPICS_ENOMEM on failure. */
topics_status lex_join_key(const char *s, size_t len, char **out, size_t *outlen);

/* 1 when s[0..len) (normalised, or its Han fold) is a stopword. */
int lex_is_stopword(const lex *lx, const char *s, size_t len);

#endif
