/* Interns byte strings as dense ids 0,1,2,... in insertion order. The term cache and the vocabulary
 * are built on it, so a token costs one hash lookup. Not thread-safe: one map per thread, or lock. */
#ifndef TOPICS_STRMAP_H
#define TOPICS_STRMAP_H

#include <stddef.h>
#include <stdint.h>

#include "common/status.h"

typedef struct strmap strmap;

/* A new empty map, or NULL when out of memory. Free with strmap_free. */
strmap *strmap_new(void);
/* Frees the map and every string it holds; strmap_free(NULL) does nothing. */
void strmap_free(strmap *m);

/* Looks s[0..len) up; adds it when absent. *id gets its id; *added (may be NULL) 1 when new.
 * TOPICS_ENOMEM on allocation failure, TOPICS_ELIMIT past 2^32-2 strings. */
topics_status strmap_intern(strmap *m, const char *s, size_t len, uint32_t *id, int *added);

/* 1 and *id set when s[0..len) is present, else 0. */
int strmap_find(const strmap *m, const char *s, size_t len, uint32_t *id);

/* The string with this id, NUL-terminated; *len (may be NULL) gets its length. The pointer stays
 * valid until strmap_free (strings never move). id must be < strmap_count(m). */
const char *strmap_str(const strmap *m, uint32_t id, size_t *len);

/* Number of strings held. */
uint32_t strmap_count(const strmap *m);

/* The hash function the map uses; exposed for callers that shard by it. */
uint64_t strmap_hash(const char *s, size_t len);

#endif
