/* Growable arrays with overflow-checked sizes. */
#include "common/mem.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

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

void *mem_huge_alloc(size_t bytes) {
#ifdef MADV_HUGEPAGE
  const size_t huge = (size_t)2 << 20;
  if (bytes >= huge) {
    void *p = NULL;
    size_t round = (bytes + huge - 1) / huge * huge;
    if (round >= bytes && posix_memalign(&p, huge, round) == 0) {
      (void)madvise(p, round, MADV_HUGEPAGE); /* only advice: fine if refused */
      return p;
    }
  }
#endif
  return malloc(bytes ? bytes : 1);
}

void *mem_huge_calloc(size_t n, size_t elem) {
  size_t bytes;
  if (mem_mul(n, elem, &bytes) != TOPICS_OK) return NULL;
  void *p = mem_huge_alloc(bytes);
  if (p) memset(p, 0, bytes);
  return p;
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
