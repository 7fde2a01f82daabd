/* The corpus phrase pass: finds the multi-word terms of a corpus from its own statistics and makes
 * each occurrence one token, before the term matrix is built.
 *
 * The builder's stream holds terms, pieces (single Han characters, terms only inside a phrase) and
 * gaps (punctuation, line ends, stopwords, numbers): two tokens with no gap between them were
 * adjacent in the text. Each round counts the adjacent pairs of units (term keys, pieces and the
 * phrases of earlier rounds) and accepts a pair that is frequent (min_count, min_docs), sticks
 * together more than chance says (normalised PMI, Bouma 2009) and surely so: Dunning's
 * log-likelihood ratio must be significant at level `signif` divided by the number of pairs
 * tested (Bonferroni), since with thousands of pairs a few rare words meet several times by chance
 * alone; it then merges accepted pairs left to right, a pair yielding to an
 * overlapping one that scores higher. Rounds repeat while phrases can grow (max_words parts).
 * Last, every phrase must stand on its own: what precedes it and what follows it must vary (the
 * branching entropy of its left and right neighbours, each text edge or gap counting as a
 * neighbour of its own) and it must still be frequent; a fragment such as 单克 of 单克隆抗体,
 * always followed by 隆, fails and is split into its two halves again, until every phrase passes.
 * Then gaps and the pieces no phrase took are dropped.
 *
 * Everything is a function of the stream, walked in order, so the result is the same for any
 * thread count that produced the stream. */
#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/mem.h"
#include "models/dtm_int.h"

#define NONE UINT32_MAX

dtm_phrase_options dtm_phrase_default_options(void) {
  dtm_phrase_options o = {4, 3, 2, 0.35, 0.01, 1.0};
  return o;
}

/* ---- a map from 64-bit keys to dense indexes (open addressing, linear probing) ---- */

typedef struct pmap {
  uint64_t *keys; /* PM_EMPTY when free */
  uint32_t *vals;
  size_t mask, count;
} pmap;

#define PM_EMPTY UINT64_MAX

static uint64_t pm_hash(uint64_t k) {
  k ^= k >> 33;
  k *= 0xff51afd7ed558ccdull;
  k ^= k >> 33;
  return k;
}

static topics_status pm_init(pmap *m, size_t want) {
  size_t n = 64;
  while (n < want * 2) {
    if (n > SIZE_MAX / 4 / sizeof(uint64_t)) return TOPICS_ENOMEM;
    n *= 2;
  }
  m->keys = malloc(n * sizeof *m->keys);
  m->vals = malloc(n * sizeof *m->vals);
  if (!m->keys || !m->vals) return TOPICS_ENOMEM;
  memset(m->keys, 0xff, n * sizeof *m->keys);
  m->mask = n - 1;
  m->count = 0;
  return TOPICS_OK;
}

static void pm_free(pmap *m) {
  free(m->keys);
  free(m->vals);
  memset(m, 0, sizeof *m);
}

/* The slot of k, or the free slot where it would go. */
static size_t pm_slot(const pmap *m, uint64_t k) {
  size_t i = (size_t)pm_hash(k) & m->mask;
  while (m->keys[i] != PM_EMPTY && m->keys[i] != k) i = (i + 1) & m->mask;
  return i;
}

static int pm_find(const pmap *m, uint64_t k, uint32_t *v) {
  size_t i = pm_slot(m, k);
  if (m->keys[i] == PM_EMPTY) return 0;
  *v = m->vals[i];
  return 1;
}

static topics_status pm_grow(pmap *m) {
  pmap n;
  topics_status st = pm_init(&n, m->mask + 1);
  if (st != TOPICS_OK) {
    pm_free(&n);
    return st;
  }
  for (size_t i = 0; i <= m->mask; i++) {
    if (m->keys[i] == PM_EMPTY) continue;
    size_t j = pm_slot(&n, m->keys[i]);
    n.keys[j] = m->keys[i];
    n.vals[j] = m->vals[i];
  }
  n.count = m->count;
  pm_free(m);
  *m = n;
  return TOPICS_OK;
}

/* Puts k -> v when k is absent; *v gets the value k has. *added (may be NULL) 1 when new. */
static topics_status pm_put(pmap *m, uint64_t k, uint32_t *v, int *added) {
  size_t i = pm_slot(m, k);
  if (added) *added = m->keys[i] == PM_EMPTY;
  if (m->keys[i] != PM_EMPTY) {
    *v = m->vals[i];
    return TOPICS_OK;
  }
  if ((m->count + 1) * 2 > m->mask + 1) {
    topics_status st = pm_grow(m);
    if (st != TOPICS_OK) return st;
    i = pm_slot(m, k);
  }
  m->keys[i] = k;
  m->vals[i] = *v;
  m->count++;
  return TOPICS_OK;
}

static uint64_t pair_key(uint32_t a, uint32_t b) { return (uint64_t)a << 32 | b; }

/* ---- the pass's state ---- */

typedef struct phr {
  dtm_builder *b;
  const dtm_phrase_options *o;
  uint32_t sid0;    /* surfaces from sid0 on are phrases made here */
  uint64_t *halves; /* sid - sid0 -> (left sid << 32 | right sid) */
  size_t nhalves, halves_cap;
  pmap made; /* (left sid, right sid) -> phrase sid */
  char *buf;
  size_t buf_cap;
} phr;

static uint32_t key_of(const phr *p, uint32_t s) { return p->b->surf_key[s]; }

/* Words in key k: its recorded parts for a phrase key, else 1. */
static uint32_t key_words(const dtm_builder *b, uint32_t k) {
  if (k < b->pkey0 || k - b->pkey0 >= b->npoff || b->poff[k - b->pkey0] == NONE) return 1;
  return b->parts[b->poff[k - b->pkey0]];
}

static int is_phrase_key(const dtm_builder *b, uint32_t k) {
  return k >= b->pkey0 && k - b->pkey0 < b->npoff && b->poff[k - b->pkey0] != NONE;
}

/* Appends the parts of key k (itself when not a phrase) to b->parts. */
static topics_status put_parts(dtm_builder *b, uint32_t k) {
  uint32_t n = key_words(b, k);
  if (MEM_RESERVE(b->parts, b->parts_cap, b->nparts + n) != TOPICS_OK) return TOPICS_ENOMEM;
  if (n == 1 && !is_phrase_key(b, k)) {
    b->parts[b->nparts++] = k;
  } else {
    memcpy(b->parts + b->nparts, b->parts + b->poff[k - b->pkey0] + 1, n * sizeof *b->parts);
    b->nparts += n;
  }
  return TOPICS_OK;
}

/* p->buf = x joined to y: a space between them unless both edges are CJK. */
static topics_status join(phr *p, const char *x, size_t xl, const char *y, size_t yl, int cjk,
                          size_t *len) {
  size_t need = xl + yl + 2;
  if (need < xl || MEM_RESERVE(p->buf, p->buf_cap, need) != TOPICS_OK) return TOPICS_ENOMEM;
  memcpy(p->buf, x, xl);
  size_t at = xl;
  if (!cjk) p->buf[at++] = ' ';
  memcpy(p->buf + at, y, yl);
  *len = at + yl;
  return TOPICS_OK;
}

/* The phrase surface made of sids a and b, interned on first use (with its key and parts). */
static topics_status phrase_sid(phr *p, uint32_t a, uint32_t c, uint32_t *out) {
  dtm_builder *b = p->b;
  uint64_t pk = pair_key(a, c);
  if (pm_find(&p->made, pk, out)) return TOPICS_OK;
  uint8_t fa = b->surf_flags[a], fc = b->surf_flags[c];
  int cjk = (fa & DTM_CJK_LAST) && (fc & DTM_CJK_FIRST);
  size_t al, cl, len;
  const char *as = strmap_str(b->surfaces, a, &al), *cs = strmap_str(b->surfaces, c, &cl);
  topics_status st = join(p, as, al, cs, cl, cjk, &len);
  int added;
  uint32_t sid;
  if (st == TOPICS_OK) st = strmap_intern(b->surfaces, p->buf, len, &sid, &added);
  if (st != TOPICS_OK) return st;
  if (added) {
    uint32_t ka = key_of(p, a), kc = key_of(p, c), kid;
    const char *ks = strmap_str(b->keys, ka, &al), *kcs = strmap_str(b->keys, kc, &cl);
    int kadded;
    if ((st = join(p, ks, al, kcs, cl, cjk, &len)) != TOPICS_OK) return st;
    if ((st = strmap_intern(b->keys, p->buf, len, &kid, &kadded)) != TOPICS_OK) return st;
    if (kadded) { /* a new key: record its parts */
      size_t at = (size_t)(kid - b->pkey0);
      if (MEM_RESERVE(b->poff, b->poff_cap, at + 1) != TOPICS_OK) return TOPICS_ENOMEM;
      while (b->npoff <= at) b->poff[b->npoff++] = NONE;
      if (b->nparts >= UINT32_MAX - 8) return TOPICS_ELIMIT;
      if (MEM_RESERVE(b->parts, b->parts_cap, b->nparts + 1) != TOPICS_OK) return TOPICS_ENOMEM;
      uint32_t off = (uint32_t)b->nparts++;
      if ((st = put_parts(b, ka)) != TOPICS_OK || (st = put_parts(b, kc)) != TOPICS_OK) return st;
      b->parts[off] = (uint32_t)(b->nparts - off - 1);
      b->poff[at] = off;
    }
    if (MEM_RESERVE(b->surf_key, b->surf_cap, (size_t)sid + 1) != TOPICS_OK ||
        MEM_RESERVE(b->surf_flags, b->flags_cap, (size_t)sid + 1) != TOPICS_OK ||
        MEM_RESERVE(p->halves, p->halves_cap, (size_t)(sid - p->sid0) + 1) != TOPICS_OK)
      return TOPICS_ENOMEM;
    b->surf_key[sid] = kid;
    b->surf_flags[sid] = (uint8_t)((fa & DTM_CJK_FIRST) | (fc & DTM_CJK_LAST));
    p->halves[sid - p->sid0] = pk;
    p->nhalves = (size_t)(sid - p->sid0) + 1;
  }
  *out = sid;
  return pm_put(&p->made, pk, out, NULL);
}

/* ---- one round: count, score, merge ---- */

/* Scores of the accepted pairs of one round. */
typedef struct pairs {
  pmap idx;        /* (key a, key b) -> index */
  uint32_t *count; /* occurrences of the pair */
  uint32_t *df;    /* documents */
  uint32_t *last;  /* last document seen + 1 */
  float *score;    /* NPMI when accepted, else -1 */
  size_t n, cap;
} pairs;

static void pairs_free(pairs *q) {
  pm_free(&q->idx);
  free(q->count);
  free(q->df);
  free(q->last);
  free(q->score);
  memset(q, 0, sizeof *q);
}

static size_t doc_end(const dtm_builder *b, size_t d) {
  return d + 1 < b->ndocs ? (size_t)b->doc_off[d + 1] : b->ntoks;
}

/* x ln x, 0 at 0. */
static double xlx(double x) { return x > 0 ? x * log(x) : 0; }

/* Dunning's G^2 of the 2x2 table of a pair: k11 together, k12 a without b, k21 b without a. */
static double llr(double k11, double k12, double k21, double k22) {
  double n = k11 + k12 + k21 + k22;
  return 2 * (xlx(k11) + xlx(k12) + xlx(k21) + xlx(k22) - xlx(k11 + k12) - xlx(k21 + k22) -
              xlx(k11 + k21) - xlx(k12 + k22) + xlx(n));
}

/* Counts units (into ucount, one per key) and adjacent pairs, and scores the pairs. */
static topics_status count_round(const phr *p, uint64_t *ucount, pairs *q) {
  const dtm_builder *b = p->b;
  const dtm_phrase_options *o = p->o;
  uint32_t nkeys = strmap_count(b->keys);
  memset(ucount, 0, (size_t)nkeys * sizeof *ucount);
  uint64_t total = 0;
  for (size_t i = 0; i < b->ntoks; i++) {
    uint32_t s = b->toks[i];
    if (s == DTM_GAP) continue;
    ucount[key_of(p, s)]++;
    total++;
  }
  topics_status st = pm_init(&q->idx, 1024);
  if (st != TOPICS_OK) return st;
  for (size_t d = 0; d < b->ndocs; d++) {
    size_t end = doc_end(b, d);
    for (size_t i = (size_t)b->doc_off[d]; i + 1 < end; i++) {
      uint32_t s = b->toks[i], t = b->toks[i + 1];
      if (s == DTM_GAP || t == DTM_GAP) continue;
      uint32_t ka = key_of(p, s), kb = key_of(p, t);
      if (ucount[ka] < o->min_count || ucount[kb] < o->min_count) continue;
      if (key_words(b, ka) + key_words(b, kb) > o->max_words) continue;
      uint32_t v = (uint32_t)q->n;
      int added;
      if ((st = pm_put(&q->idx, pair_key(ka, kb), &v, &added)) != TOPICS_OK) return st;
      if (added) {
        if (q->n >= UINT32_MAX - 1) return TOPICS_ELIMIT;
        if (q->n == q->cap) {
          size_t c1 = q->cap, c2 = q->cap, c3 = q->cap;
          if (MEM_RESERVE(q->count, c1, q->n + 1) != TOPICS_OK ||
              MEM_RESERVE(q->df, c2, q->n + 1) != TOPICS_OK ||
              MEM_RESERVE(q->last, c3, q->n + 1) != TOPICS_OK)
            return TOPICS_ENOMEM;
          size_t c4 = q->cap;
          if (MEM_RESERVE(q->score, c4, q->n + 1) != TOPICS_OK) return TOPICS_ENOMEM;
          q->cap = c1 < c2 ? c1 : c2;
          if (c3 < q->cap) q->cap = c3;
          if (c4 < q->cap) q->cap = c4;
        }
        q->count[v] = q->df[v] = q->last[v] = 0;
        q->n++;
      }
      q->count[v]++;
      if (q->last[v] != d + 1) {
        q->last[v] = (uint32_t)(d + 1);
        q->df[v]++;
      }
    }
  }
  /* Scores, walking the map's slots: each pair's verdict depends on its own counts and on the
   * number of pairs tested only. */
  size_t tested = 0;
  for (size_t v = 0; v < q->n; v++) tested += q->count[v] >= o->min_count && q->df[v] >= o->min_docs;
  double min_llr = gsl_cdf_chisq_Qinv(o->signif / (double)(tested ? tested : 1), 1.0);
  double n = (double)total;
  for (size_t i = 0; i <= q->idx.mask; i++) {
    if (q->idx.keys[i] == PM_EMPTY) continue;
    uint32_t v = q->idx.vals[i];
    q->score[v] = -1;
    if (q->count[v] < o->min_count || q->df[v] < o->min_docs) continue;
    double ab = q->count[v], a = (double)ucount[q->idx.keys[i] >> 32],
           c = (double)ucount[(uint32_t)q->idx.keys[i]];
    double pab = ab / n;
    if (pab >= 1) continue; /* a corpus of one pair: nothing to compare with */
    double npmi = log(pab / ((a / n) * (c / n))) / -log(pab);
    if (npmi < o->min_npmi) continue;
    double k12 = a - ab, k21 = c - ab, k22 = n - a - c + ab;
    if (k12 < 0) k12 = 0;
    if (k21 < 0) k21 = 0;
    if (k22 < 0) k22 = 0;
    if (llr(ab, k12, k21, k22) < min_llr) continue;
    q->score[v] = (float)npmi;
  }
  return TOPICS_OK;
}

/* The score of the pair of tokens s, t (gaps score nothing); -1 when not a phrase. */
static float pair_score(const phr *p, const pairs *q, uint32_t s, uint32_t t) {
  if (s == DTM_GAP || t == DTM_GAP) return -1;
  uint32_t v;
  if (!pm_find(&q->idx, pair_key(key_of(p, s), key_of(p, t)), &v)) return -1;
  return q->score[v];
}

/* Merges the accepted pairs of the stream in place; *merged gets how many. */
static topics_status merge_round(phr *p, const pairs *q, size_t *merged) {
  dtm_builder *b = p->b;
  size_t out = 0;
  *merged = 0;
  for (size_t d = 0; d < b->ndocs; d++) {
    size_t start = (size_t)b->doc_off[d], end = doc_end(b, d);
    b->doc_off[d] = out;
    float next = start + 1 < end ? pair_score(p, q, b->toks[start], b->toks[start + 1]) : -1;
    for (size_t i = start; i < end;) {
      float cur = next;
      next = i + 2 < end ? pair_score(p, q, b->toks[i + 1], b->toks[i + 2]) : -1;
      if (cur >= 0 && cur >= next) {
        uint32_t sid;
        topics_status st = phrase_sid(p, b->toks[i], b->toks[i + 1], &sid);
        if (st != TOPICS_OK) return st;
        b->toks[out++] = sid;
        (*merged)++;
        i += 2;
        next = i + 1 < end ? pair_score(p, q, b->toks[i], b->toks[i + 1]) : -1;
      } else {
        b->toks[out++] = b->toks[i++];
      }
    }
  }
  b->ntoks = out;
  return TOPICS_OK;
}

/* ---- the check that every phrase stands on its own ---- */

static int cmp_u64(const void *pa, const void *pb) {
  uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;
  return (a > b) - (a < b);
}

/* 1 when sid s is a phrase made here whose key is a phrase key (not a word the corpus also
 * writes whole, such as 特异性). */
static int made_phrase(const phr *p, uint32_t s) {
  return s != DTM_GAP && s >= p->sid0 && s - p->sid0 < p->nhalves &&
         is_phrase_key(p->b, key_of(p, s));
}

/* Marks in bad[] the phrase keys (index k - pkey0) that fail: too rare, in too few documents, or
 * with too little variety on either side. *nbad gets how many. */
static topics_status find_weak(const phr *p, uint8_t *bad, size_t *nbad) {
  const dtm_builder *b = p->b;
  size_t nk = b->npoff;
  uint32_t *cnt = calloc(nk ? nk : 1, sizeof *cnt), *df = calloc(nk ? nk : 1, sizeof *df);
  uint32_t *last = calloc(nk ? nk : 1, sizeof *last), *edges = calloc(2 * (nk ? nk : 1), sizeof *edges);
  uint64_t *ctx = NULL; /* (phrase index << 33 | side << 32 | neighbour key), sorted */
  size_t nctx = 0, ctx_cap = 0;
  topics_status st = TOPICS_ENOMEM;
  *nbad = 0;
  if (!cnt || !df || !last || !edges) goto done;
  for (size_t d = 0; d < b->ndocs; d++) {
    size_t start = (size_t)b->doc_off[d], end = doc_end(b, d);
    for (size_t i = start; i < end; i++) {
      uint32_t s = b->toks[i];
      if (!made_phrase(p, s)) continue;
      uint32_t k = key_of(p, s) - b->pkey0;
      cnt[k]++;
      if (last[k] != d + 1) {
        last[k] = (uint32_t)(d + 1);
        df[k]++;
      }
      for (int side = 0; side < 2; side++) {
        uint32_t nb = side == 0 ? (i > start ? b->toks[i - 1] : DTM_GAP)
                                : (i + 1 < end ? b->toks[i + 1] : DTM_GAP);
        if (nb == DTM_GAP) {
          edges[2 * k + (size_t)side]++;
          continue;
        }
        if (MEM_RESERVE(ctx, ctx_cap, nctx + 1) != TOPICS_OK) goto done;
        ctx[nctx++] = (uint64_t)k << 33 | (uint64_t)side << 32 | key_of(p, nb);
      }
    }
  }
  if (nctx > 1) qsort(ctx, nctx, sizeof *ctx, cmp_u64);
  /* Entropy of each side: neighbours as counted, each edge a neighbour of its own. */
  double *h = calloc(2 * (nk ? nk : 1), sizeof *h);
  if (!h) goto done;
  for (size_t i = 0; i < nctx;) {
    size_t j = i;
    while (j < nctx && ctx[j] == ctx[i]) j++;
    size_t k = (size_t)(ctx[i] >> 33), side = (size_t)(ctx[i] >> 32) & 1;
    double pr = (double)(j - i) / cnt[k];
    h[2 * k + side] -= pr * log2(pr);
    i = j;
  }
  for (size_t k = 0; k < nk; k++) {
    bad[k] = 0;
    if (cnt[k] == 0) continue;
    double hl = h[2 * k] + (double)edges[2 * k] / cnt[k] * log2((double)cnt[k]);
    double hr = h[2 * k + 1] + (double)edges[2 * k + 1] / cnt[k] * log2((double)cnt[k]);
    if (cnt[k] < p->o->min_count || df[k] < p->o->min_docs || hl < p->o->min_entropy - 1e-9 ||
        hr < p->o->min_entropy - 1e-9) {
      bad[k] = 1;
      (*nbad)++;
    }
  }
  free(h);
  st = TOPICS_OK;
done:
  free(cnt);
  free(df);
  free(last);
  free(edges);
  free(ctx);
  return st;
}

/* Splits every occurrence of a failing phrase into its two halves (one level; the halves are
 * checked again in the next round of the check). */
static topics_status split_weak(phr *p, const uint8_t *bad) {
  dtm_builder *b = p->b;
  size_t extra = 0;
  for (size_t i = 0; i < b->ntoks; i++)
    if (made_phrase(p, b->toks[i]) && bad[key_of(p, b->toks[i]) - b->pkey0]) extra++;
  size_t n;
  if (mem_add(b->ntoks, extra, &n) != TOPICS_OK) return TOPICS_ENOMEM;
  uint32_t *nt = malloc((n ? n : 1) * sizeof *nt);
  if (!nt) return TOPICS_ENOMEM;
  size_t out = 0;
  for (size_t d = 0; d < b->ndocs; d++) {
    size_t start = (size_t)b->doc_off[d], end = doc_end(b, d);
    b->doc_off[d] = out;
    for (size_t i = start; i < end; i++) {
      uint32_t s = b->toks[i];
      if (made_phrase(p, s) && bad[key_of(p, s) - b->pkey0]) {
        uint64_t hv = p->halves[s - p->sid0];
        nt[out++] = (uint32_t)(hv >> 32);
        nt[out++] = (uint32_t)hv;
      } else {
        nt[out++] = s;
      }
    }
  }
  free(b->toks);
  b->toks = nt;
  b->ntoks = out;
  b->toks_cap = n ? n : 1;
  return TOPICS_OK;
}

/* Drops the gaps and the pieces left alone. */
static void drop_marks(dtm_builder *b) {
  size_t out = 0;
  for (size_t d = 0; d < b->ndocs; d++) {
    size_t start = (size_t)b->doc_off[d], end = doc_end(b, d);
    b->doc_off[d] = out;
    for (size_t i = start; i < end; i++) {
      uint32_t s = b->toks[i];
      if (s != DTM_GAP && !(b->surf_flags[s] & DTM_PIECE)) b->toks[out++] = s;
    }
  }
  b->ntoks = out;
  b->nmarks = 0;
}

topics_status dtm_builder_phrases(dtm_builder *b, const dtm_phrase_options *opt) {
  dtm_phrase_options o = opt ? *opt : dtm_phrase_default_options();
  if (o.min_count < 1) o.min_count = 1;
  if (o.max_words <= 1 || b->ntoks == 0) {
    drop_marks(b);
    return TOPICS_OK;
  }
  phr p;
  memset(&p, 0, sizeof p);
  p.b = b;
  p.o = &o;
  p.sid0 = strmap_count(b->surfaces);
  if (b->npoff == 0) b->pkey0 = strmap_count(b->keys);
  uint64_t *ucount = NULL;
  uint8_t *bad = NULL;
  pairs q;
  memset(&q, 0, sizeof q);
  topics_status st = pm_init(&p.made, 256);
  for (uint32_t round = 0; st == TOPICS_OK && round + 1 < o.max_words; round++) {
    uint32_t nkeys = strmap_count(b->keys);
    uint64_t *u = realloc(ucount, (nkeys ? (size_t)nkeys : 1) * sizeof *u);
    if (!u) {
      st = TOPICS_ENOMEM;
      break;
    }
    ucount = u;
    size_t merged = 0;
    if ((st = count_round(&p, ucount, &q)) == TOPICS_OK) st = merge_round(&p, &q, &merged);
    pairs_free(&q);
    if (merged == 0) break;
  }
  /* Split the phrases that fail until none does; each split shortens a phrase, so this ends. */
  while (st == TOPICS_OK && b->npoff) {
    uint8_t *nb = realloc(bad, b->npoff);
    if (!nb) {
      st = TOPICS_ENOMEM;
      break;
    }
    bad = nb;
    size_t nbad;
    if ((st = find_weak(&p, bad, &nbad)) != TOPICS_OK || nbad == 0) break;
    st = split_weak(&p, bad);
  }
  if (st == TOPICS_OK) drop_marks(b);
  pairs_free(&q);
  pm_free(&p.made);
  free(p.halves);
  free(p.buf);
  free(ucount);
  free(bad);
  return st;
}
