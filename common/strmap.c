/* Open addressing with linear probing over (hash, id) slots; strings live in a chunked arena so
 * their addresses never change when the map grows. */
#include "common/strmap.h"

#include <stdlib.h>
#include <string.h>

#include "common/arena.h"
#include "common/mem.h"


typedef struct slot {
  uint32_t hash; /* low 32 bits of the hash; compared before the bytes */
  uint32_t id1;  /* id + 1; 0 marks an empty slot */
} slot;


struct strmap {
  slot *slots;
  uint32_t mask;  /* slot count - 1 (a power of two) */
  uint32_t count;
  const char **strs; /* by id */
  uint32_t *lens;    /* by id */
  size_t cap;        /* capacity of strs and lens */
  arena strings;
};

static inline uint64_t rd64(const unsigned char *p) {
  uint64_t v;
  memcpy(&v, p, 8);
  return v;
}

static inline uint64_t mix(uint64_t a, uint64_t b) {
  __uint128_t r = (__uint128_t)a * b;
  return (uint64_t)r ^ (uint64_t)(r >> 64);
}

uint64_t strmap_hash(const char *s, size_t len) {
  const unsigned char *p = (const unsigned char *)s;
  uint64_t h = 0x9e3779b97f4a7c15ull ^ (len * 0xff51afd7ed558ccdull);
  while (len >= 8) {
    h = mix(h ^ rd64(p), 0xa0761d6478bd642full);
    p += 8;
    len -= 8;
  }
  uint64_t tail = 0;
  for (size_t i = 0; i < len; i++) tail |= (uint64_t)p[i] << (8 * i);
  return mix(h ^ tail, 0xe7037ed1a0b428dbull);
}

strmap *strmap_new(void) {
  strmap *m = calloc(1, sizeof *m);
  if (!m) return NULL;
  m->slots = calloc(64, sizeof *m->slots);
  if (!m->slots) {
    free(m);
    return NULL;
  }
  m->mask = 63;
  return m;
}

void strmap_free(strmap *m) {
  if (!m) return;
  arena_free(&m->strings);
  free(m->slots);
  free(m->strs);
  free(m->lens);
  free(m);
}

static int slot_matches(const strmap *m, const slot *sl, uint32_t h, const char *s, size_t len) {
  if (sl->hash != h) return 0;
  uint32_t id = sl->id1 - 1;
  return m->lens[id] == len && memcmp(m->strs[id], s, len) == 0;
}

static topics_status grow(strmap *m) {
  uint32_t nsize = (m->mask + 1) * 2;
  if (nsize == 0) return TOPICS_ELIMIT;
  slot *ns = calloc(nsize, sizeof *ns);
  if (!ns) return TOPICS_ENOMEM;
  for (uint32_t i = 0; i <= m->mask; i++) {
    if (!m->slots[i].id1) continue;
    uint32_t j = m->slots[i].hash & (nsize - 1);
    while (ns[j].id1) j = (j + 1) & (nsize - 1);
    ns[j] = m->slots[i];
  }
  free(m->slots);
  m->slots = ns;
  m->mask = nsize - 1;
  return TOPICS_OK;
}

int strmap_find(const strmap *m, const char *s, size_t len, uint32_t *id) {
  uint32_t h = (uint32_t)strmap_hash(s, len);
  for (uint32_t i = h & m->mask;; i = (i + 1) & m->mask) {
    const slot *sl = &m->slots[i];
    if (!sl->id1) return 0;
    if (slot_matches(m, sl, h, s, len)) {
      *id = sl->id1 - 1;
      return 1;
    }
  }
}

topics_status strmap_intern(strmap *m, const char *s, size_t len, uint32_t *id, int *added) {
  if (len > UINT32_MAX) return TOPICS_ELIMIT;
  uint32_t h = (uint32_t)strmap_hash(s, len);
  uint32_t i = h & m->mask;
  for (;; i = (i + 1) & m->mask) {
    slot *sl = &m->slots[i];
    if (!sl->id1) break;
    if (slot_matches(m, sl, h, s, len)) {
      *id = sl->id1 - 1;
      if (added) *added = 0;
      return TOPICS_OK;
    }
  }
  if (m->count >= UINT32_MAX - 2) return TOPICS_ELIMIT;
  size_t cap = m->cap;
  if (MEM_RESERVE(m->strs, cap, (size_t)m->count + 1) != TOPICS_OK) return TOPICS_ENOMEM;
  size_t cap2 = m->cap;
  if (MEM_RESERVE(m->lens, cap2, (size_t)m->count + 1) != TOPICS_OK) return TOPICS_ENOMEM;
  m->cap = cap < cap2 ? cap : cap2;
  const char *copy = arena_copy(&m->strings, s, len);
  if (!copy) return TOPICS_ENOMEM;
  uint32_t nid = m->count++;
  m->strs[nid] = copy;
  m->lens[nid] = (uint32_t)len;
  m->slots[i].hash = h;
  m->slots[i].id1 = nid + 1;
  *id = nid;
  if (added) *added = 1;
  /* Keep the load factor under 1/2 so probes stay short. */
  if ((uint64_t)m->count * 2 > m->mask) {
    topics_status st = grow(m);
    if (st != TOPICS_OK) return st;
  }
  return TOPICS_OK;
}

const char *strmap_str(const strmap *m, uint32_t id, size_t *len) {
  if (len) *len = m->lens[id];
  return m->strs[id];
}

uint32_t strmap_count(const strmap *m) { return m->count; }
