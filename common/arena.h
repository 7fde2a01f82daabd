/* A string arena: NUL-terminated copies (and small records) that never move until the arena is
 * freed, allocated in large chunks so that millions of short strings cost no per-string malloc. */
#ifndef TOPICS_ARENA_H
#define TOPICS_ARENA_H

#include <stddef.h>

typedef struct arena_chunk arena_chunk;

/* Zero-initialise an arena ({0}) before use; it owns every chunk it hands strings from. */
typedef struct arena {
  arena_chunk *head;
} arena;

/* A NUL-terminated copy of s[0..len) that stays valid until arena_free; NULL when out of memory. */
const char *arena_copy(arena *a, const char *s, size_t len);

/* size bytes (uninitialised), aligned for any object of up to 8-byte alignment, valid until
 * arena_free; NULL when out of memory. For small records that live as long as the strings. */
void *arena_alloc(arena *a, size_t size);

/* Moves every string of src into dst (they stay where they are, now owned by dst); src is empty
 * afterwards. */
void arena_adopt(arena *dst, arena *src);

/* Frees every string of a; a is empty (and reusable) afterwards. */
void arena_free(arena *a);

#endif
