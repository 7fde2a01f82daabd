/* MinHash by one permutation hashing with densification (one 64-bit hash per shingle);
 * DD_BANDS bands of DD_ROWS rows: two texts of similarity 0.9 share a band with probability
 * 1 - (1 - 0.9^8)^16 > 0.9998, texts of similarity 0.5 with about 0.06 (those are then compared
 * in full and rejected). */
#include "pipeline/dedup.h"

#include <stdlib.h>
#include <string.h>

#include "common/mem.h"
#include "common/mix.h"

#define DD_BANDS 16
#define DD_ROWS (DD_K / DD_BANDS)
#define CHAIN_MAX 512 /* candidates looked at per band: bounds the cost of a common band */

void dd_sketch_init(dd_sketch *k) {
  memset(k, 0, sizeof *k);
  for (int i = 0; i < DD_K; i++) k->min[i] = UINT32_MAX;
}

/* One permutation hashing: the top bits of a shingle's hash pick its bin, the low bits are its
 * value, and each bin keeps its minimum; one hash per shingle instead of DD_K. */
static void add_shingle(dd_sketch *k, uint64_t h) {
  h = mix_fin64(h);
  uint32_t bin = (uint32_t)(h >> 57), v = (uint32_t)h;
  if (v == UINT32_MAX) v--; /* UINT32_MAX marks an empty bin */
  if (v < k->min[bin]) k->min[bin] = v;
}

static uint64_t shingle_hash(const dd_sketch *k, size_t n) {
  uint64_t h = 0;
  for (size_t j = 0; j < n; j++) h = mix_fin64(h ^ k->win[(k->words - n + j) % DD_SHINGLE]) + j;
  return h;
}

static void end_word(dd_sketch *k) {
  k->win[k->words % DD_SHINGLE] = k->word;
  k->words++;
  k->word = 0;
  k->in_word = 0;
  if (k->words >= DD_SHINGLE) add_shingle(k, shingle_hash(k, DD_SHINGLE));
}

static int is_cjk(unsigned cp) {
  return (cp >= 0x2E80 && cp <= 0x9FFF) || (cp >= 0xAC00 && cp <= 0xD7AF) ||
         (cp >= 0xF900 && cp <= 0xFAFF) || cp >= 0x20000;
}

void dd_sketch_feed(dd_sketch *k, const char *s, size_t n) {
  const unsigned char *u = (const unsigned char *)s;
  for (size_t i = 0; i < n;) {
    unsigned c = u[i];
    if (c < 0x80) {
      int alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
      if (alnum) {
        if (c >= 'A' && c <= 'Z') c += 'a' - 'A';
        k->word = (k->word ^ c) * 0x100000001b3ULL;
        k->in_word = 1;
      } else if (k->in_word) {
        end_word(k);
      }
      i++;
      continue;
    }
    size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    if (i + len > n) len = n - i;
    unsigned cp = len == 4 ? ((c & 7u) << 18) | ((u[i + 1] & 63u) << 12) | ((u[i + 2] & 63u) << 6) | (u[i + 3] & 63u)
                  : len == 3 ? ((c & 15u) << 12) | ((u[i + 1] & 63u) << 6) | (u[i + 2] & 63u)
                  : 0;
    int cjk = is_cjk(cp);
    int space = cp == 0x3000 || (cp >= 0x2000 && cp <= 0x206F); /* wide spaces, punctuation */
    if ((cjk || space) && k->in_word) end_word(k);
    if (!space) {
      for (size_t j = 0; j < len; j++) k->word = (k->word ^ u[i + j]) * 0x100000001b3ULL;
      k->in_word = 1;
      if (cjk) end_word(k);
    }
    i += len;
  }
}

/* Fills empty bins from the next full bin to the right, mixed with the distance, so that two
 * texts with the same shingles still agree bin for bin (rotation densification, Shrivastava and
 * Li 2014). */
static void densify(dd_sketch *k) {
  uint32_t v[DD_K];
  memcpy(v, k->min, sizeof v);
  for (int i = 0; i < DD_K; i++) {
    if (v[i] != UINT32_MAX) continue;
    for (int d = 1; d < DD_K; d++) {
      uint32_t u = v[(i + d) % DD_K];
      if (u != UINT32_MAX) {
        k->min[i] = (uint32_t)mix_fin64(((uint64_t)u << 8) | (uint64_t)d);
        break;
      }
    }
  }
}

void dd_sketch_finish(dd_sketch *k) {
  if (k->in_word) end_word(k);
  if (k->words > 0 && k->words < DD_SHINGLE) add_shingle(k, shingle_hash(k, k->words));
  if (k->words > 0) densify(k);
}

static int empty(const dd_sketch *k) { return k->words == 0; }

static double sim_mins(const uint32_t *a, const uint32_t *b) {
  int same = 0;
  for (int i = 0; i < DD_K; i++) same += a[i] == b[i];
  return (double)same / DD_K;
}

double dd_similarity(const dd_sketch *a, const dd_sketch *b) {
  if (empty(a) || empty(b)) return 0;
  return sim_mins(a->min, b->min);
}

/* ---- the index ----------------------------------------------------------------------------- */

typedef struct slot {
  uint64_t key;
  uint32_t head; /* first entry of the chain, DD_NONE when the slot is free */
} slot;

struct dd_index {
  uint32_t *mins; /* DD_K per sketch */
  size_t n, mincap; /* sketches; capacity of mins in values */
  slot *slots;
  size_t nslots, used;
  uint32_t *next; /* per entry (sketch * DD_BANDS + band): next entry in the chain */
  size_t nextcap;
};

dd_index *dd_new(void) {
  dd_index *x = calloc(1, sizeof *x);
  if (!x) return NULL;
  x->nslots = 1024;
  x->slots = malloc(x->nslots * sizeof *x->slots);
  if (!x->slots) {
    free(x);
    return NULL;
  }
  for (size_t i = 0; i < x->nslots; i++) x->slots[i].head = DD_NONE;
  return x;
}

void dd_free(dd_index *x) {
  if (!x) return;
  free(x->mins);
  free(x->slots);
  free(x->next);
  free(x);
}

static uint64_t band_key(const uint32_t *mins, int b) {
  uint64_t h = (uint64_t)b + 1;
  for (int r = 0; r < DD_ROWS; r++) h = mix_fin64(h ^ mins[b * DD_ROWS + r]) + (uint64_t)r;
  return h;
}

static slot *find_slot(slot *slots, size_t nslots, uint64_t key) {
  size_t i = (size_t)(key & (nslots - 1));
  while (slots[i].head != DD_NONE && slots[i].key != key) i = (i + 1) & (nslots - 1);
  return &slots[i];
}

uint32_t dd_find(const dd_index *x, const dd_sketch *k) {
  if (empty(k)) return DD_NONE;
  uint32_t best = DD_NONE;
  for (int b = 0; b < DD_BANDS; b++) {
    const slot *sl = find_slot(x->slots, x->nslots, band_key(k->min, b));
    int seen = 0;
    for (uint32_t e = sl->head; e != DD_NONE && seen < CHAIN_MAX; e = x->next[e], seen++) {
      uint32_t no = e / DD_BANDS;
      if (no >= best) continue; /* chains run newest first; an earlier match is wanted */
      if (sim_mins(k->min, x->mins + (size_t)no * DD_K) >= DD_THRESHOLD) best = no;
    }
  }
  return best;
}

static topics_status grow_slots(dd_index *x) {
  size_t n2 = x->nslots * 2;
  slot *s2 = malloc(n2 * sizeof *s2);
  if (!s2) return TOPICS_ENOMEM;
  for (size_t i = 0; i < n2; i++) s2[i].head = DD_NONE;
  for (size_t i = 0; i < x->nslots; i++)
    if (x->slots[i].head != DD_NONE) *find_slot(s2, n2, x->slots[i].key) = x->slots[i];
  free(x->slots);
  x->slots = s2;
  x->nslots = n2;
  return TOPICS_OK;
}

topics_status dd_add(dd_index *x, const dd_sketch *k, uint32_t *no) {
  if (x->n >= (UINT32_MAX - 1) / DD_BANDS) return TOPICS_ELIMIT;
  size_t need;
  if (mem_mul(x->n + 1, DD_K, &need) != TOPICS_OK) return TOPICS_ENOMEM;
  if (MEM_RESERVE(x->mins, x->mincap, need) != TOPICS_OK) return TOPICS_ENOMEM;
  size_t ncap = x->nextcap;
  if (mem_reserve((void **)&x->next, &ncap, (x->n + 1) * DD_BANDS, sizeof *x->next) != TOPICS_OK)
    return TOPICS_ENOMEM;
  x->nextcap = ncap;
  while ((x->used + DD_BANDS) * 2 > x->nslots)
    if (grow_slots(x) != TOPICS_OK) return TOPICS_ENOMEM;
  uint32_t id = (uint32_t)x->n;
  memcpy(x->mins + (size_t)id * DD_K, k->min, sizeof k->min);
  for (int b = 0; b < DD_BANDS; b++) {
    uint64_t key = band_key(k->min, b);
    slot *sl = find_slot(x->slots, x->nslots, key);
    uint32_t e = id * DD_BANDS + (uint32_t)b;
    if (sl->head == DD_NONE) {
      sl->key = key;
      x->used++;
    }
    x->next[e] = sl->head;
    sl->head = e;
  }
  x->n++;
  *no = id;
  return TOPICS_OK;
}
