/* English word classes for the keyphrase filter, from WordNet's dictionary files where Debian's
 * wordnet-base installs them beside the sense counts the tags already read (index.noun,
 * index.verb, index.adj, index.adv: one lemma a line, its first field; verb.exc: "form base"
 * lines naming irregular verb forms). Only the words a corpus asks for are kept: the files are
 * streamed against them, as the background lists are.
 *
 * Beyond the classes a lemma has, a word form is judged by its ending: a past form (`compared`,
 * `stopped`, `verified`, `wrote`) is one whose stem (or verb.exc's base) is a verb, and a verb's
 * third person (`deploys`) one whose stem is a verb and no noun, so that the -s is no plural. */
#ifndef TOPICS_WORDCLASS_H
#define TOPICS_WORDCLASS_H

#include <stddef.h>

#include "common/status.h"

enum {
  WC_NOUN = 1u,  /* the word is a noun lemma */
  WC_VERB = 2u,  /* a verb lemma */
  WC_ADJ = 4u,   /* an adjective lemma */
  WC_ADV = 8u,   /* an adverb lemma */
  WC_PAST = 16u, /* a past form or participle of a verb (regular -ed, or verb.exc) */
  WC_VERB3 = 32u, /* a verb's -s form whose stem is no noun */
  WC_COMMON = 64u /* with WC_PAST: the verb is a common one (SemCor tags its verb senses
                   * WC_COMMON_MIN times or more), as narrative verbs are: `explained`, `gave` */
};

#define WC_COMMON_MIN 40

typedef struct wc_map wc_map;

/* An empty map; NULL when out of memory. Free with wc_free. */
wc_map *wc_new(void);
/* wc_free(NULL) does nothing. */
void wc_free(wc_map *m);

/* Asks for word w[0..len): letters A-Z and a-z only (case is ignored) and 3 to 40 of them;
 * anything else is ignored (wc_class gives it 0). Asks for the stems its ending suggests too. */
topics_status wc_want(wc_map *m, const char *w, size_t len);

/* Reads the dictionary files of directory dir into m, and the sense counts of file counts
 * (cntlist.rev's format; NULL for none); files that are absent are skipped. Returns TOPICS_OK
 * when index.verb was read (without it no form can be judged) or no word was asked for (then
 * nothing is read), TOPICS_ENOENT when it is absent, TOPICS_ENOMEM. */
topics_status wc_read_dir(wc_map *m, const char *dir, const char *counts);

/* Marks the lemmas of an index file's text buf[0..len) with class (WC_NOUN .. WC_ADV): every line
 * that does not start with a space names one in its first field (underscores join the words of a
 * collocation, which no single word asks for). Never fails: a malformed line names no lemma a
 * word asks for, or is skipped. */
void wc_parse_index(wc_map *m, const char *buf, size_t len, unsigned cls);
/* Marks the forms asked for in verb.exc's text buf[0..len) ("form base" lines) that do not end
 * in -ing or -s as past forms of their base, which is asked for (read the sense counts after
 * this). Lines of any other shape are skipped. TOPICS_OK or TOPICS_ENOMEM. */
topics_status wc_parse_exc(wc_map *m, const char *buf, size_t len);

/* Adds the verb senses' counts of sense-count text buf[0..len) ("lemma%2:... sense count" lines,
 * as cntlist.rev; other lines skipped) to the lemmas asked for, and marks those with an
 * adjective sense (%3 or %5) WC_ADJ: SemCor tags some (`named`) that index.adj lacks. */
void wc_parse_counts(wc_map *m, const char *buf, size_t len);

/* The classes of w[0..len) (WC_* bits), 0 for a word not asked for or not known. */
unsigned wc_class(const wc_map *m, const char *w, size_t len);

#endif
