/* Chunked string storage: 64 KiB chunks, or one string's size when it is larger. */
#include "common/arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_CHUNK_BYTES 65536

struct arena_chunk {
  struct arena_chunk *next;
  size_t used, size;
  _Alignas(8) char data[]; /* after three 8-byte fields on LP64: no padding there */
};

/* Room for size bytes at an offset rounded up to align (a power of two, at most 8: chunk data
 * starts 8-aligned), taken from the head chunk or a new one. */
static char *reserve(arena *a, size_t size, size_t align) {
  arena_chunk *c = a->head;
  if (size >= SIZE_MAX - sizeof *c - 8) return NULL;
  size_t at = c ? (c->used + align - 1) & ~(align - 1) : 0;
  if (!c || at > c->size || c->size - at < size) {
    size_t csize = size > ARENA_CHUNK_BYTES ? size : ARENA_CHUNK_BYTES;
    c = malloc(sizeof *c + csize);
    if (!c) return NULL;
    c->next = a->head;
    c->used = 0;
    c->size = csize;
    a->head = c;
    at = 0;
  }
  c->used = at + size;
  return c->data + at;
}

const char *arena_copy(arena *a, const char *s, size_t len) {
  if (len == SIZE_MAX) return NULL;
  char *d = reserve(a, len + 1, 1);
  if (!d) return NULL;
  if (len) memcpy(d, s, len);
  d[len] = '\0';
  return d;
}

void *arena_alloc(arena *a, size_t size) { return reserve(a, size ? size : 1, 8); }

void arena_adopt(arena *dst, arena *src) {
  arena_chunk *c = src->head;
  if (!c) return;
  while (c->next) c = c->next;
  c->next = dst->head;
  dst->head = src->head;
  src->head = NULL;
}

void arena_free(arena *a) {
  arena_chunk *c = a->head;
  while (c) {
    arena_chunk *n = c->next;
    free(c);
    c = n;
  }
  a->head = NULL;
}
