/* The lexicon: what every tokenizer thread shares read-only once built: the built-in English and
 * Chinese stopword lists, extra stopwords (--stopwords) and the user dictionary (--dict). Build it
 * on one thread, then hand it to any number of tok objects. */
#ifndef TOPICS_LEXICON_H
#define TOPICS_LEXICON_H

#include <stddef.h>

#include "common/status.h"

typedef struct lex lex;

/* A lexicon holding the built-in stopword lists; NULL and *st set on failure. Free with lex_free. */
lex *lex_new(topics_status *st);
/* lex_free(NULL) does nothing. Free only after every tok using it is freed. */
void lex_free(lex *lx);

/* Adds the stopwords of a file (one word per line, '#' starts a comment). Problems are reported
 * with diag_* naming path and line; TOPICS_EIO when unreadable, TOPICS_EPARSE when malformed. */
topics_status lex_add_stopwords_file(lex *lx, const char *path);

/* Adds the words and phrases of a user dictionary file (one per line, '#' comments). Same errors,
 * and TOPICS_ELIMIT for an entry longer than LEX_MAX_LINE bytes once normalised. Files are read a
 * line at a time: a line over the limit, a NUL byte or bad UTF-8 stops the load at once. */
topics_status lex_add_dict_file(lex *lx, const char *path);

/* Adds one dictionary entry given as UTF-8 (used by tests). Each call sorts the dictionary again,
 * so load many entries with lex_add_dict_file. TOPICS_ELIMIT as above. */
topics_status lex_add_dict_entry(lex *lx, const char *s, size_t len);

/* Adds one stopword given as UTF-8 (normalised the same way terms are). */
topics_status lex_add_stopword(lex *lx, const char *s, size_t len);

#endif
