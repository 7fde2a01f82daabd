/* Chunked string storage: 64 KiB chunks, or one string's size when it is larger. */
#include "common/arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_CHUNK_BYTES 65536

struct arena_chunk {
  struct arena_chunk *next;
  size_t used, size;
  char data[];
};

const char *arena_copy(arena *a, const char *s, size_t len) {
  arena_chunk *c = a->head;
  if (len >= SIZE_MAX - sizeof *c - 1) return NULL;
  if (!c || c->size - c->used < len + 1) {
    size_t size = len + 1 > ARENA_CHUNK_BYTES ? len + 1 : ARENA_CHUNK_BYTES;
    c = malloc(sizeof *c + size);
    if (!c) return NULL;
    c->next = a->head;
    c->used = 0;
    c->size = size;
    a->head = c;
  }
  char *d = c->data + c->used;
  if (len) memcpy(d, s, len);
  d[len] = '\0';
  c->used += len + 1;
  return d;
}

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
