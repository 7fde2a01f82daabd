/* Text to words and terms. One tok per thread: it owns its ICU break iterator, transliterator,
 * Snowball stemmer and scratch buffers. Its term cache is its own (tok_new) or shared with the toks
 * of other threads (tok_cache_new, tok_new_shared), so that each distinct word is worked out once
 * per run however many threads tokenise. Input must be well-formed UTF-8 (the
 * reader repairs it first); ill-formed input is still handled without crashing.
 *
 * A "word" is a segment after merges (URLs and other protected spans, numbers with units, Latin
 * letters glued to digits, user-dictionary phrases). An "entry" is a distinct raw word form in this
 * tok's cache, normalised, stop-checked and stemmed once. */
#ifndef TOPICS_TOKENIZER_H
#define TOPICS_TOKENIZER_H

#include <stddef.h>
#include <stdint.h>

#include "common/status.h"
#include "tokenize/lexicon.h"
#include "tokenize/seg_words.h"
#include "tokenize/segmenter.h"

typedef struct tok tok;

typedef struct tok_options {
  int fold_han; /* 1: fold Traditional to Simplified Han (default); 0: --no-fold-han */
} tok_options;

/* Default options (fold_han = 1). */
tok_options tok_default_options(void);

typedef struct tok_cache tok_cache;

/* A term cache for the toks of several threads, all using lx (which must outlive it) and opt;
 * NULL and *st set on failure. Entry ids of a shared cache depend on how the threads interleave:
 * map them to ids of your own in input order (as pipeline/ingest does) for output that does not
 * depend on the thread count. Free with tok_cache_free once its toks are freed. */
tok_cache *tok_cache_new(const lex *lx, const tok_options *opt, topics_status *st);
/* tok_cache_free(NULL) does nothing. */
void tok_cache_free(tok_cache *c);
/* A hint, before c's first word: about `bytes` of text are coming, so the table starts with room
 * for the distinct raw forms such text holds (about 30·√bytes for English; Chinese has fewer) up
 * to half a million slots, instead of growing to it by doublings that copy every key. Does
 * nothing once c holds a word or when the memory is not there. Call only while no tok of c is
 * working. */
void tok_cache_expect(tok_cache *c, uint64_t bytes);
/* Frees the memory of tables the cache has outgrown. Call only while no tok of c is working
 * (between batches). */
void tok_cache_reclaim(tok_cache *c);

/* Number of entries in c; ids are dense and never change. Any thread may ask at any time. */
uint32_t tok_cache_entry_count(const tok_cache *c);
/* As tok_entry_term and tok_entry_surface, for an entry of c. */
const char *tok_cache_term(const tok_cache *c, uint32_t id, size_t *len);
const char *tok_cache_surface(const tok_cache *c, uint32_t id, size_t *len);

/* A tokenizer with its own cache, using lx (which must outlive it); NULL and *st set on failure
 * (TOPICS_EICU, TOPICS_ENOMEM). Free with tok_free. */
tok *tok_new(const lex *lx, const tok_options *opt, topics_status *st);
/* A tokenizer for one thread using cache c (which must outlive it). */
tok *tok_new_shared(tok_cache *c, topics_status *st);
/* tok_free(NULL) does nothing; it frees the tok's cache only when the cache is its own. */
void tok_free(tok *t);

/* Called once per word in order: the word is text[start .. start+len) (it may contain white space
 * when a dictionary phrase spans words). Non-zero return stops the walk. */
typedef int (*tok_word_fn)(void *ud, size_t start, size_t len);

/* The --raw segmentation of text[0..len): every non-white-space character falls in exactly one
 * word, in order; punctuation is kept. */
topics_status tok_raw(tok *t, const char *text, size_t len, tok_word_fn fn, void *ud);

/* Han words this tok joins after segmentation (seg_join), or NULL (the default) for none. j is
 * borrowed: it must stay unchanged and alive while the tok uses it. */
void tok_set_joiner(tok *t, const seg_joiner *j);

/* tok_raw and tok_terms over a segmentation of text[0..len) the caller made with seg_run (spans
 * sp[0..n), not yet joined): the joins, dictionary phrases and terms follow as for the text. The
 * joins are made in sp itself, so its contents are undefined after the call. */
topics_status tok_raw_spans(tok *t, const char *text, size_t len, seg_span *sp, size_t n,
                            tok_word_fn fn, void *ud);
topics_status tok_terms_spans(tok *t, const char *text, size_t len, seg_span *sp, size_t n,
                              uint32_t **ids, size_t *nids, size_t *cap);

/* The terms of text[0..len) the model sees: appends their entry ids to (*ids)[*n...], growing the
 * malloc'd array *ids (capacity *cap) as needed; stopwords, punctuation, protected spans and bare
 * numbers are left out. */
topics_status tok_terms(tok *t, const char *text, size_t len, uint32_t **ids, size_t *n, size_t *cap);

/* In the ids of tok_terms_marked: a break between terms that were not adjacent in the text. */
#define TOK_GAP UINT32_MAX

/* As tok_terms, for the corpus phrase pass: also appends TOK_GAP where a punctuation mark, a line
 * end, a stopword, a number or a protected span stood between two terms (never first, never twice
 * in a row), and the entries of joinable pieces (tok_cache_entry_marks) where they stand. */
topics_status tok_terms_marked(tok *t, const char *text, size_t len, uint32_t **ids, size_t *n,
                               size_t *cap);

/* In the ids of tok_terms_marked after tok_set_hyphens(t, 1): a hyphen inside a word joined the
 * terms on either side (AC-TEM, semi-classical, Fermi–Dirac): they stay adjacent, one compound. */
#define TOK_HYPHEN (UINT32_MAX - 1)
/* on: tok_terms_marked gives TOK_HYPHEN for such a hyphen; off (the default) it is a break like
 * any punctuation mark (TOK_GAP). */
void tok_set_hyphens(tok *t, int on);

/* What tok_cache_entry_marks says of an entry. */
enum {
  TOK_JOINABLE = 1, /* no term by itself, but a phrase may be built from it: a single Han
                     * character that is not a stopword (特 of 特异性, 講 of 講者) */
  TOK_CJK_FIRST = 2, /* its first / last character is CJK (no space between such parts) */
  TOK_CJK_LAST = 4
};
/* TOK_* marks of entry id of c. Any thread may ask at any time. */
unsigned tok_cache_entry_marks(const tok_cache *c, uint32_t id);
/* The same for an entry of this tok's cache. */
unsigned tok_entry_marks(const tok *t, uint32_t id);

/* Number of entries in this tok's cache (shared or not); ids are dense and never change. */
uint32_t tok_entry_count(const tok *t);

/* The vocabulary key of an entry (normalised, Han-folded, stemmed): equal keys are one term.
 * Valid until tok_free. *len may be NULL. */
const char *tok_entry_term(const tok *t, uint32_t id, size_t *len);

/* Before tok_entry_term(t, ids[i]) in a walk over ids[0..n): asks the memory system for what the
 * terms a few places further on will read (their entries, records and strings, each a step in a
 * chain of loads that would otherwise wait on one another). Changes nothing. */
void tok_entry_term_prefetch(const tok *t, const uint32_t *ids, size_t n, size_t i);

/* The display form of an entry: normalised (NFKC, case-folded) but neither stemmed nor Han-folded,
 * e.g. "testing", "資料". Valid until tok_free. *len may be NULL. */
const char *tok_entry_surface(const tok *t, uint32_t id, size_t *len);

#endif
