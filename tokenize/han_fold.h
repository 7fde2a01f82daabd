/* The Traditional -> Simplified Han fold, internal to tokenize/: ICU's own "Hant-Hans" rules,
 * applied by this code instead of by the ICU transliterator.
 *
 * Why: ICU runs every rule-based transliteration in the process behind one global mutex when the
 * compiled rules are shared between transliterators (as they are for all opened by name), so toks
 * folding new words on several threads waited for each other; and each call converts to UTF-16 and
 * back. The rules themselves come from ICU at run time, never from a copy here.
 *
 * ICU 72's Hant-Hans rules are plain "source > target;" pairs (1 to 5 characters each). ICU applies
 * them at each position in rule order, first match wins, and rejects rule sets where an earlier rule
 * would hide a later one whose source it prefixes; so the first match is the longest, and that is
 * what han_fold_apply takes. Text no rule matches is kept, one code point at a time. Rules of any
 * other shape (contexts, variables, filters: a future ICU) make han_fold_get report TOPICS_EICU,
 * and the caller keeps using the transliterator. tests/test_han_fold.c compares the two.
 *
 * The rules are read from ICU's data, where Hant-Hans is listed as Hans-Hant reversed, without
 * opening a transliterator: that spares each run ICU's transliterator registry (about 40 ms).
 * When the data has another layout, they come from the transliterator's utrans_toRules. */
#ifndef TOPICS_HAN_FOLD_H
#define TOPICS_HAN_FOLD_H

#include <stddef.h>

#include "common/status.h"

typedef struct han_fold han_fold;

/* The process-wide fold table, built on the first call (any thread; later calls wait for it and
 * then return at once). It lives until the process ends. TOPICS_EICU when the transliterator cannot
 * be opened or its rules have a shape this code does not apply; TOPICS_ENOMEM. */
topics_status han_fold_get(const han_fold **out);

/* 1 when the fold table was read from ICU's data directly (no transliterator opened), 0 when it
 * came from the transliterator or could not be built. Builds the table as han_fold_get does. */
int han_fold_from_data(void);

/* A fold table of its own (not the process-wide one) from rule source rules[0..len) in the syntax
 * of ICU's transliterator data, read in reverse as Hant-Hans reads Hans-Hant: "a↔b;" and "a←b;"
 * fold b to a, "a→b;" and variable definitions "$v = ...;" are skipped, and any other shape gives
 * TOPICS_EICU (so does a source without rules). For tests of that reading; free with
 * han_fold_free. */
topics_status han_fold_from_source(const char *rules, size_t len, han_fold **out);
void han_fold_free(han_fold *f);

/* Folds well-formed UTF-8 s[0..len) into *buf (malloc'd, grown as needed, capacity *cap; the
 * caller frees it); *outlen gets the length (not NUL-terminated). Thread-safe: f is read-only. */
topics_status han_fold_apply(const han_fold *f, const char *s, size_t len, char **buf, size_t *cap,
                             size_t *outlen);

/* The fold of code points cps[0..n) a character at a time, for callers that hold them decoded:
 * into out[0..n) with 1 when no source of 2+ code points can start among them and each
 * character's own rule (if any) gives one BMP code point, so the fold is one for one; 0 otherwise
 * (or for a code point above U+FFFF), and then han_fold_apply on the text is the answer. */
int han_fold_cps(const han_fold *f, const unsigned *cps, size_t n, unsigned *out);

#endif
