/* Checked size arithmetic, a growable array helper and a growing byte buffer, so no module rolls
 * its own overflow checks. */
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

/* A growing byte buffer for packing records: a failed append sets st and later ones do nothing,
 * so a packer checks st once at the end. Start from {0}; the caller frees p. */
typedef struct mem_buf {
  uint8_t *p;
  size_t len, cap;
  topics_status st;
} mem_buf;

/* Appends s[0..n) to b (TOPICS_ENOMEM into b->st when it cannot). */
void mem_buf_put(mem_buf *b, const void *s, size_t n);

/* A block of `bytes` for a table read or written at random: from 2 MiB on, aligned to 2 MiB and
 * advised into huge pages where the system allows, so that it takes a few page faults instead of
 * one a 4 KiB page, and its random accesses miss the TLB far less. Free with free(); NULL when out
 * of memory. mem_huge_calloc zeroes n * elem bytes (NULL on overflow too). */
void *mem_huge_alloc(size_t bytes);
void *mem_huge_calloc(size_t n, size_t elem);

/* malloc'd copy of s[0..len) with a NUL after it; NULL when out of memory. Caller frees. */
char *mem_strndup(const char *s, size_t len);

#endif
