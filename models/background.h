/* Background statistics of general language for the terms of a term matrix: how often a word is
 * used in ordinary text, from a word-frequency list read at run time. The tagger turns them into
 * a document-frequency prior, so that a handful of talks still tells 使用 (everywhere in Chinese)
 * from 单克隆抗体 (rare). */
#ifndef TOPICS_BACKGROUND_H
#define TOPICS_BACKGROUND_H

#include <stddef.h>
#include <stdint.h>

#include "common/status.h"
#include "models/dtm.h"

/* Debian's rime-essay word list (Traditional Chinese words with counts, LGPL-3). */
#define BG_ESSAY_PATH "/usr/share/rime-data/essay.txt"

/* Debian's wordnet-base sense counts: WordNet 3.0's cntlist.rev, how often each word sense is
 * tagged in the SemCor corpus (WordNet 3.0 licence, BSD-style). The English list. */
#define BG_WORDNET_PATH "/usr/share/wordnet/cntlist.rev"
/* Names another English list in cntlist.rev format; empty or "none": no English list. */
#define BG_WORDNET_ENV "TOPICS_WORDNET"

typedef struct bg_freq {
  double *rel;   /* dtm_nterms(m) entries: the term's relative frequency in the list (count / all
                    counts), 0 for a word the list covers but does not hold, −1 for a term the list
                    cannot judge (it holds no Han ideograph: the list is Chinese only) */
  double total;  /* all counts of the list */
  size_t nfound; /* terms given a frequency above 0 */
} bg_freq;

/* Reads the word list at path (lines "word<TAB>count[<TAB>...]"; words in Traditional or
 * Simplified script are folded to Simplified, as term keys are) and fills out for the terms of m.
 * out->rel is malloc'd; free with bg_freq_clear. TOPICS_ENOENT when the file cannot be opened
 * (nothing reported: the list is optional); TOPICS_EINVAL, reported with diag_warn naming file and
 * line, when a line has no count; TOPICS_ENOMEM; TOPICS_EICU when the Han fold is unavailable. */
topics_status bg_read(const char *path, const dtm *m, bg_freq *out);

/* The same from a list already in memory, buf[0..len) (the fuzz target; name is for messages). */
topics_status bg_parse(const char *name, const char *buf, size_t len, const dtm *m, bg_freq *out);

/* The same for any n keys: keyf(ud, i, &len) gives key i (it may reuse one buffer; NULL when out
 * of memory). out->rel gets n entries. */
typedef const char *(*bg_key_fn)(void *ud, uint32_t i, size_t *len);
topics_status bg_read_keys(const char *path, uint32_t n, bg_key_fn keyf, void *ud, bg_freq *out);
topics_status bg_parse_keys(const char *name, const char *buf, size_t len, uint32_t n,
                            bg_key_fn keyf, void *ud, bg_freq *out);

/* English word counts from WordNet sense counts (lines "lemma%sense-key sense-number count", as
 * cntlist.rev): a word's count is the sum over its senses; a lemma's words (joined by `_` or `-`)
 * are stemmed as the tokenizer stems English terms and joined by a space, as candidate keys are.
 * out->rel gets n entries: count / all counts, 0 for a key the list does not hold, −1 for a key
 * holding Han (the list is English only). Statuses as bg_read_keys. */
topics_status bg_read_en_keys(const char *path, uint32_t n, bg_key_fn keyf, void *ud, bg_freq *out);
topics_status bg_parse_en_keys(const char *name, const char *buf, size_t len, uint32_t n,
                               bg_key_fn keyf, void *ud, bg_freq *out);

/* The English list to read: what BG_WORDNET_ENV names, else BG_WORDNET_PATH; NULL when the
 * variable is empty or "none". *named gets 1 when the environment named it. */
const char *bg_en_path(int *named);

/* Frees out->rel; bg_freq_clear on a zeroed bg_freq does nothing. */
void bg_freq_clear(bg_freq *out);

#endif
