/* Growable arrays with overflow-checked sizes. */
#include "common/mem.h"

#include <stdlib.h>
#include <string.h>

topics_status mem_reserve(void **p, size_t *cap, size_t need, size_t elem) {
  if (need <= *cap) return TOPICS_OK;
  size_t ncap = *cap ? *cap : 8;
  while (ncap < need) {
    if (ncap > SIZE_MAX / 2) return TOPICS_ENOMEM;
    ncap *= 2;
  }
  size_t bytes;
  if (mem_mul(ncap, elem, &bytes) != TOPICS_OK) return TOPICS_ENOMEM;
  void *q = realloc(*p, bytes);
  if (!q) return TOPICS_ENOMEM;
  *p = q;
  *cap = ncap;
  return TOPICS_OK;
}

char *mem_strndup(const char *s, size_t len) {
  if (len == SIZE_MAX) return NULL;
  char *d = malloc(len + 1);
  if (!d) return NULL;
  if (len) memcpy(d, s, len);
  d[len] = '\0';
  return d;
}

void mem_buf_put(mem_buf *b, const void *s, size_t n) {
  size_t need;
  if (b->st != TOPICS_OK) return;
  if ((b->st = mem_add(b->len, n, &need)) != TOPICS_OK) return;
  if ((b->st = MEM_RESERVE(b->p, b->cap, need)) != TOPICS_OK) return;
  if (n) memcpy(b->p + b->len, s, n);
  b->len = need;
}
