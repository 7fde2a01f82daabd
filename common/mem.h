/* Checked size arithmetic and a growable array helper, so no module rolls its own overflow checks. */
#ifndef TOPICS_MEM_H
#define TOPICS_MEM_H

#include <stddef.h>
#include <stdint.h>

#include "common/status.h"

/* *out = a * b; returns TOPICS_ENOMEM on overflow. */
static inline topics_status mem_mul(size_t a, size_t b, size_t *out) {
  if (b != 0 && a > SIZE_MAX / b) return TOPICS_ENOMEM;
  *out = a * b;
  return TOPICS_OK;
}

/* *out = a + b; returns TOPICS_ENOMEM on overflow. */
static inline topics_status mem_add(size_t a, size_t b, size_t *out) {
  if (a > SIZE_MAX - b) return TOPICS_ENOMEM;
  *out = a + b;
  return TOPICS_OK;
}

/* Makes room for at least `need` elements of size `elem` in *p, whose capacity is *cap elements;
 * grows geometrically. On failure *p and *cap are unchanged. */
topics_status mem_reserve(void **p, size_t *cap, size_t need, size_t elem);

/* Typed wrapper: MEM_RESERVE(arr, cap, need) for `T *arr; size_t cap;`. */
#define MEM_RESERVE(arr, cap, need) mem_reserve((void **)&(arr), &(cap), (need), sizeof *(arr))

/* malloc'd copy of s[0..len) with a NUL after it; NULL when out of memory. Caller frees. */
char *mem_strndup(const char *s, size_t len);

#endif
