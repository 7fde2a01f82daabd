/* The Snowball English stemmer (libstemmer), internal to tokenize/. One per thread. */
#ifndef TOPICS_STEM_H
#define TOPICS_STEM_H

#include <stddef.h>

#include "common/status.h"

typedef struct stem stem;

/* An English stemmer over UTF-8; NULL and *st = TOPICS_ENOMEM on failure. Free with stem_free. */
stem *stem_new(topics_status *st);
/* stem_free(NULL) does nothing. */
void stem_free(stem *s);

/* 1 when the normalised word w[0..len) should be stemmed: Latin letters only (an inner apostrophe
 * allowed, as in "python's"). Words with digits or other symbols are names and versions ("python3",
 * "node.js") and are left alone. */
int stem_applies(const char *w, size_t len);

/* The stem of w[0..len). Returns a pointer owned by s, valid only until the next stem_word call
 * on s (libstemmer reuses its buffer); NULL when out of memory. *outlen gets its length. */
const char *stem_word(stem *s, const char *w, size_t len, size_t *outlen);

#endif
