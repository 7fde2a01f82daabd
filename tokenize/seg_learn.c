/* Compounds learned from the input (seg_learn.h). Pieces are interned as ids; pairs of adjacent
 * pieces and the neighbours of candidate pairs are counted in open-addressing tables keyed by
 * 64-bit integers. */
#include "tokenize/seg_learn.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/mem.h"
#include "common/strmap.h"
#include "common/utf8.h"

/* A table from non-zero 64-bit keys to 32-bit values (keys are stored plus one, so 0 is free). */
typedef struct u64map {
  uint64_t *key;
  uint32_t *val;
  size_t cap, n; /* cap: a power of two, or 0 */
} u64map;

static size_t mix(uint64_t k) {
  k ^= k >> 33;
  k *= 0xff51afd7ed558ccdULL;
  k ^= k >> 33;
  return (size_t)k;
}

static topics_status map_grow(u64map *m) {
  size_t ncap = m->cap ? m->cap * 2 : 1024;
  uint64_t *nk = calloc(ncap, sizeof *nk);
  uint32_t *nv = malloc(ncap * sizeof *nv);
  if (!nk || !nv) {
    free(nk);
    free(nv);
    return TOPICS_ENOMEM;
  }
  for (size_t i = 0; i < m->cap; i++) {
    if (!m->key[i]) continue;
    size_t j = mix(m->key[i]) & (ncap - 1);
    while (nk[j]) j = (j + 1) & (ncap - 1);
    nk[j] = m->key[i];
    nv[j] = m->val[i];
  }
  free(m->key);
  free(m->val);
  m->key = nk;
  m->val = nv;
  m->cap = ncap;
  return TOPICS_OK;
}

/* The slot of key k (k + 1 stored), or NULL when absent. */
static uint32_t *map_find(const u64map *m, uint64_t k) {
  if (!m->cap) return NULL;
  uint64_t s = k + 1;
  for (size_t j = mix(s) & (m->cap - 1); m->key[j]; j = (j + 1) & (m->cap - 1))
    if (m->key[j] == s) return &m->val[j];
  return NULL;
}

/* The slot of key k, added with value v0 when absent (*added set to 1 then). */
static topics_status map_put(u64map *m, uint64_t k, uint32_t v0, uint32_t **slot, int *added) {
  if ((m->n + 1) * 2 > m->cap && map_grow(m) != TOPICS_OK) return TOPICS_ENOMEM;
  uint64_t s = k + 1;
  size_t j = mix(s) & (m->cap - 1);
  for (; m->key[j]; j = (j + 1) & (m->cap - 1)) {
    if (m->key[j] == s) {
      *slot = &m->val[j];
      *added = 0;
      return TOPICS_OK;
    }
  }
  m->key[j] = s;
  m->val[j] = v0;
  m->n++;
  *slot = &m->val[j];
  *added = 1;
  return TOPICS_OK;
}

static void map_free(u64map *m) {
  free(m->key);
  free(m->val);
}

#define NO_CAND UINT32_MAX
#define EDGE UINT32_MAX /* a neighbour that is no Han piece: punctuation, space, line start/end */

typedef struct cand {
  uint32_t a, b;
  uint64_t side_n[2]; /* occurrences seen in the second scan, left and right */
} cand;

struct seg_learn {
  strmap *units;
  uint32_t *ucount;
  size_t ucap;
  uint64_t nunits, npairs;
  u64map pairs; /* (a << 32 | b) -> pair index */
  uint32_t *pcount, *pcand;
  size_t pn, pcap, pcandcap;
  cand *cands;
  size_t ncand, candcap;
  u64map ctx; /* (cand << 33 | side << 32 | neighbour) -> count */
};

seg_learn *seg_learn_new(void) {
  seg_learn *l = calloc(1, sizeof *l);
  if (!l) return NULL;
  if (!(l->units = strmap_new())) {
    free(l);
    return NULL;
  }
  return l;
}

void seg_learn_free(seg_learn *l) {
  if (!l) return;
  strmap_free(l->units);
  free(l->ucount);
  map_free(&l->pairs);
  free(l->pcount);
  free(l->pcand);
  free(l->cands);
  map_free(&l->ctx);
  free(l);
}

/* Characters of a piece (every Han character of the Basic Multilingual Plane is 3 bytes; others
 * count as one each, which only errs towards shorter). */
static size_t piece_chars(const seg_span *sp) { return sp->len / 3 ? sp->len / 3 : 1; }

/* The id of a Han piece, or EDGE when the span is no piece that may join. */
static topics_status piece_id(seg_learn *l, const char *text, const seg_span *sp, int add,
                              uint32_t *id) {
  *id = EDGE;
  if (sp->kind != SEG_IDEO || piece_chars(sp) >= SEG_WORDS_MAX_CHARS ||
      seg_words_function_piece(text + sp->start, sp->len))
    return TOPICS_OK;
  if (!add) {
    if (!strmap_find(l->units, text + sp->start, sp->len, id)) *id = EDGE;
    return TOPICS_OK;
  }
  int added;
  topics_status st = strmap_intern(l->units, text + sp->start, sp->len, id, &added);
  if (st != TOPICS_OK) return st;
  if (added && MEM_RESERVE(l->ucount, l->ucap, (size_t)*id + 1) != TOPICS_OK) return TOPICS_ENOMEM;
  if (added) l->ucount[*id] = 0;
  return TOPICS_OK;
}

/* 1 when spans x and y (x right before y) may form a pair. */
static int pairable(const seg_span *x, const seg_span *y) {
  size_t a = piece_chars(x), b = piece_chars(y);
  return y->glued && (a == 1 || b == 1) && a + b <= SEG_LEARN_MAX_CHARS;
}

topics_status seg_learn_count(seg_learn *l, const char *text, const seg_span *sp, size_t n) {
  uint32_t prev = EDGE;
  topics_status st;
  for (size_t i = 0; i < n; i++) {
    uint32_t id;
    if ((st = piece_id(l, text, &sp[i], 1, &id)) != TOPICS_OK) return st;
    if (id == EDGE) {
      prev = EDGE;
      continue;
    }
    l->ucount[id]++;
    l->nunits++;
    if (prev != EDGE && pairable(&sp[i - 1], &sp[i])) {
      uint32_t *slot;
      int added;
      if ((st = map_put(&l->pairs, (uint64_t)prev << 32 | id, (uint32_t)l->pn, &slot, &added)) !=
          TOPICS_OK)
        return st;
      if (added) {
        if (MEM_RESERVE(l->pcount, l->pcap, l->pn + 1) != TOPICS_OK ||
            MEM_RESERVE(l->pcand, l->pcandcap, l->pn + 1) != TOPICS_OK)
          return TOPICS_ENOMEM;
        l->pcount[l->pn] = 0;
        l->pcand[l->pn] = NO_CAND;
        l->pn++;
      }
      l->pcount[*slot]++;
      l->npairs++;
    }
    prev = id;
  }
  return TOPICS_OK;
}

/* Normalised PMI of a pair seen c times whose parts were seen ca and cb times, in [-1, 1]. */
static double npmi(const seg_learn *l, double c, double ca, double cb) {
  double pab = c / (double)l->npairs, pa = ca / (double)l->nunits, pb = cb / (double)l->nunits;
  if (pab >= 1.0) return 1.0;
  return log(pab / (pa * pb)) / -log(pab);
}

topics_status seg_learn_select(seg_learn *l) {
  for (size_t j = 0; j < l->pairs.cap; j++) {
    if (!l->pairs.key[j]) continue;
    uint64_t k = l->pairs.key[j] - 1;
    uint32_t p = l->pairs.val[j];
    if (l->pcount[p] < SEG_LEARN_MIN_COUNT || l->pcand[p] != NO_CAND) continue;
    uint32_t a = (uint32_t)(k >> 32), b = (uint32_t)k;
    if (npmi(l, l->pcount[p], l->ucount[a], l->ucount[b]) < SEG_LEARN_MIN_NPMI) continue;
    if (MEM_RESERVE(l->cands, l->candcap, l->ncand + 1) != TOPICS_OK) return TOPICS_ENOMEM;
    l->cands[l->ncand] = (cand){a, b, {0, 0}};
    l->pcand[p] = (uint32_t)l->ncand++;
  }
  return TOPICS_OK;
}

/* Counts one neighbour of candidate c on side s (0 left, 1 right); an edge counts as a neighbour
 * never seen before, so it adds to the variety each time. */
static topics_status add_ctx(seg_learn *l, uint32_t c, int s, uint32_t nb) {
  l->cands[c].side_n[s]++;
  if (nb == EDGE) return TOPICS_OK;
  uint32_t *slot;
  int added;
  topics_status st = map_put(&l->ctx, (uint64_t)c << 33 | (uint64_t)s << 32 | nb, 0, &slot, &added);
  if (st == TOPICS_OK) (*slot)++;
  return st;
}

topics_status seg_learn_context(seg_learn *l, const char *text, const seg_span *sp, size_t n) {
  if (!l->ncand) return TOPICS_OK;
  uint32_t prev = EDGE, prev2 = EDGE; /* ids of spans i-1 and i-2 (EDGE when unglued) */
  topics_status st;
  for (size_t i = 0; i < n; i++) {
    uint32_t id;
    if ((st = piece_id(l, text, &sp[i], 0, &id)) != TOPICS_OK) return st;
    if (i > 0 && !sp[i].glued) prev = prev2 = EDGE;
    if (id != EDGE && prev != EDGE && pairable(&sp[i - 1], &sp[i])) {
      uint32_t *p = map_find(&l->pairs, (uint64_t)prev << 32 | id);
      uint32_t c = p ? l->pcand[*p] : NO_CAND;
      if (c != NO_CAND) {
        /* Left: the piece before the pair when glued to it; right: the one after. */
        uint32_t left = (i >= 2 && sp[i - 1].glued) ? prev2 : EDGE, right = EDGE;
        if (i + 1 < n && sp[i + 1].glued &&
            (st = piece_id(l, text, &sp[i + 1], 0, &right)) != TOPICS_OK)
          return st;
        if (i + 1 < n && sp[i + 1].glued && right == EDGE && sp[i + 1].kind == SEG_IDEO)
          right = EDGE - 1; /* a Han neighbour too long or a function character: the same one */
        if ((st = add_ctx(l, c, 0, left)) != TOPICS_OK) return st;
        if ((st = add_ctx(l, c, 1, right)) != TOPICS_OK) return st;
      }
    }
    prev2 = prev;
    prev = id;
  }
  return TOPICS_OK;
}

topics_status seg_learn_decide(seg_learn *l, seg_words *out) {
  if (!l->ncand) return TOPICS_OK;
  double *s = calloc(l->ncand * 2, sizeof *s); /* sum of c ln c per candidate and side */
  if (!s) return TOPICS_ENOMEM;
  for (size_t j = 0; j < l->ctx.cap; j++) {
    if (!l->ctx.key[j]) continue;
    uint64_t k = l->ctx.key[j] - 1;
    double c = l->ctx.val[j];
    s[(k >> 33) * 2 + ((k >> 32) & 1)] += c * log(c);
  }
  topics_status st = TOPICS_OK;
  char buf[SEG_WORDS_MAX_CHARS * 4 + 8];
  for (size_t c = 0; c < l->ncand && st == TOPICS_OK; c++) {
    int ok = 1;
    for (int side = 0; side < 2; side++) {
      double nn = (double)l->cands[c].side_n[side];
      double h = nn > 0 ? (log(nn) - s[c * 2 + side] / nn) / log(2.0) : 0.0;
      if (h < SEG_LEARN_MIN_ENTROPY) ok = 0;
    }
    if (!ok) continue;
    size_t la, lb;
    const char *a = strmap_str(l->units, l->cands[c].a, &la);
    const char *b = strmap_str(l->units, l->cands[c].b, &lb);
    if (la + lb > sizeof buf) continue;
    memcpy(buf, a, la);
    memcpy(buf + la, b, lb);
    st = seg_words_add(out, buf, la + lb);
  }
  free(s);
  return st;
}
