/* Keyphrase candidates from the builder's stream (see keycand.h).
 *
 * A stretch is identified by its words' key ids, packed as bytes into a string map, so the same
 * words in the same order are one candidate across the corpus however they are spelt. Documents
 * are walked in order and candidates numbered as met, so the set depends only on the stream. */
#include "models/keycand.h"

#include <stdlib.h>
#include <string.h>

#include "common/mem.h"
#include "common/utf8.h"
#include "common/strmap.h"
#include "models/dtm_int.h"
#include "tokenize/normalize.h"

#define KC_MAX_UNITS 8

enum { KC_TAG = 1, KC_HAN = 2 };

struct kc_set {
  const dtm_builder *b;
  strmap *cands;    /* packed key ids -> candidate id */
  uint32_t *df;     /* per candidate */
  uint32_t *unit1;  /* per candidate: offset into units of its words' one-word candidates */
  uint8_t *nunits;  /* per candidate */
  uint8_t *kind;    /* per candidate: KC_TAG, KC_HAN */
  size_t cand_cap, df_cap, u1_cap, nu_cap, tag_cap;
  uint32_t *units;  /* one-word candidate ids, nunits per candidate */
  size_t nunits_all, units_cap;
  uint32_t *best_sid; /* key id -> the surface the corpus uses most for it */
  kc_occ *occ;        /* every document's candidates, document after document */
  size_t nocc, occ_cap;
  uint64_t *doc_off; /* ndocs + 1 offsets into occ */
  uint32_t *doc_len;
  uint32_t ndocs;
};

void kc_free(kc_set *s) {
  if (!s) return;
  strmap_free(s->cands);
  free(s->df);
  free(s->unit1);
  free(s->nunits);
  free(s->kind);
  free(s->units);
  free(s->best_sid);
  free(s->occ);
  free(s->doc_off);
  free(s->doc_len);
  free(s);
}

uint32_t kc_ndocs(const kc_set *s) { return s->ndocs; }
uint32_t kc_ncands(const kc_set *s) { return strmap_count(s->cands); }
uint32_t kc_df(const kc_set *s, uint32_t c) { return s->df[c]; }
uint32_t kc_nunits(const kc_set *s, uint32_t c) { return s->nunits[c]; }
int kc_is_tag(const kc_set *s, uint32_t c) { return s->kind[c] & KC_TAG; }
int kc_is_han(const kc_set *s, uint32_t c) { return (s->kind[c] & KC_HAN) != 0; }
uint32_t kc_unit(const kc_set *s, uint32_t c, uint32_t i) { return s->units[s->unit1[c] + i]; }

const kc_occ *kc_doc(const kc_set *s, uint32_t d, uint32_t *n, uint32_t *len) {
  *n = (uint32_t)(s->doc_off[d + 1] - s->doc_off[d]);
  *len = s->doc_len[d];
  return s->occ + s->doc_off[d];
}

static size_t doc_end(const dtm_builder *b, size_t d) {
  return d + 1 < b->ndocs ? (size_t)b->doc_off[d + 1] : b->ntoks;
}

/* The surface each key is written with most often in the stream (ties: the lower surface id,
 * i.e. the spelling met first). */
static topics_status best_surfaces(kc_set *s) {
  const dtm_builder *b = s->b;
  uint32_t nsurf = strmap_count(b->surfaces), nkeys = strmap_count(b->keys);
  uint64_t *cnt = calloc(nsurf ? nsurf : 1, sizeof *cnt);
  s->best_sid = malloc((nkeys ? nkeys : 1) * sizeof *s->best_sid);
  if (!cnt || !s->best_sid) {
    free(cnt);
    return TOPICS_ENOMEM;
  }
  for (size_t i = 0; i < b->ntoks; i++)
    if (b->toks[i] != DTM_GAP && b->toks[i] < nsurf) cnt[b->toks[i]]++;
  for (uint32_t k = 0; k < nkeys; k++) s->best_sid[k] = UINT32_MAX;
  for (uint32_t sid = 0; sid < nsurf; sid++) {
    uint32_t k = b->surf_key[sid];
    if (k >= nkeys) continue;
    if (s->best_sid[k] == UINT32_MAX || cnt[sid] > cnt[s->best_sid[k]]) s->best_sid[k] = sid;
  }
  free(cnt);
  return TOPICS_OK;
}

/* Interns the stretch toks[0..n) (surface ids) as a candidate; *c gets its id. */
static topics_status intern(kc_set *s, const uint32_t *toks, uint32_t n, uint32_t *c) {
  const dtm_builder *b = s->b;
  uint32_t keys[KC_MAX_UNITS];
  for (uint32_t i = 0; i < n; i++) keys[i] = b->surf_key[toks[i]];
  int added;
  topics_status st = strmap_intern(s->cands, (const char *)keys, n * sizeof *keys, c, &added);
  if (st != TOPICS_OK || !added) return st;
  size_t need = (size_t)*c + 1;
  if ((st = MEM_RESERVE(s->df, s->df_cap, need)) != TOPICS_OK ||
      (st = MEM_RESERVE(s->unit1, s->u1_cap, need)) != TOPICS_OK ||
      (st = MEM_RESERVE(s->nunits, s->nu_cap, need)) != TOPICS_OK ||
      (st = MEM_RESERVE(s->kind, s->tag_cap, need)) != TOPICS_OK)
    return st;
  s->df[*c] = 0;
  s->nunits[*c] = (uint8_t)n;
  /* Chinese text may or may not space a Latin word off, and where it does not the boundary is
   * mostly a clause's (轉成TWD97, 加print): a stretch mixing Han and other words is no tag. */
  unsigned cjk = 0, other = 0;
  for (uint32_t i = 0; i < n; i++) {
    unsigned f = b->surf_flags[toks[i]] & (DTM_CJK_FIRST | DTM_CJK_LAST | DTM_PIECE);
    cjk |= f != 0;
    other |= f == 0;
  }
  /* A lone letter outside Han (a variable: x, ε, χ) names no subject either. */
  size_t l0;
  const char *w0 = strmap_str(b->keys, b->surf_key[toks[0]], &l0);
  unsigned cp0;
  int letter = n == 1 && !cjk && l0 > 0 && utf8_decode((const unsigned char *)w0, l0, &cp0) == l0;
  s->kind[*c] = (uint8_t)(((n > 1 || !(b->surf_flags[toks[0]] & DTM_PIECE)) && !(cjk && other) &&
                           !letter
                               ? KC_TAG
                               : 0) |
                          (cjk ? KC_HAN : 0));
  s->unit1[*c] = (uint32_t)s->nunits_all;
  if (n == 1) {
    if ((st = MEM_RESERVE(s->units, s->units_cap, s->nunits_all + 1)) != TOPICS_OK) return st;
    s->units[s->nunits_all++] = *c;
    return TOPICS_OK;
  }
  /* Its words' one-word candidates (interned first when new, so a stretch's words always are). */
  uint32_t u[KC_MAX_UNITS], at = *c;
  for (uint32_t i = 0; i < n; i++)
    if ((st = intern(s, toks + i, 1, &u[i])) != TOPICS_OK) return st;
  if ((st = MEM_RESERVE(s->units, s->units_cap, s->nunits_all + n)) != TOPICS_OK) return st;
  s->unit1[at] = (uint32_t)s->nunits_all;
  for (uint32_t i = 0; i < n; i++) s->units[s->nunits_all++] = u[i];
  return TOPICS_OK;
}

/* Per-document lookup of candidates already met: stamp[c] is the document (+1) that last met c,
 * slot[c] where its entry is in occ. */
typedef struct seen {
  uint32_t *stamp, *slot;
  size_t n, stamp_cap, slot_cap;
} seen;

static topics_status seen_cover(seen *v, uint32_t c) {
  if (c < v->n) return TOPICS_OK;
  topics_status st;
  if ((st = MEM_RESERVE(v->stamp, v->stamp_cap, (size_t)c + 1)) != TOPICS_OK ||
      (st = MEM_RESERVE(v->slot, v->slot_cap, (size_t)c + 1)) != TOPICS_OK)
    return st;
  for (; v->n <= c; v->n++) v->stamp[v->n] = 0;
  return TOPICS_OK;
}

/* 1 when stream position p holds a gap that was a hyphen inside a compound (the builder's noted
 * positions, valid while the stream still has its marks). */
static int is_hyphen(const dtm_builder *b, size_t p) {
  if (!b->nmarks || b->toks[p] != DTM_GAP) return 0;
  size_t lo = 0, hi = b->nhyph;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (b->hyph[mid] < p) lo = mid + 1;
    else hi = mid;
  }
  return lo < b->nhyph && b->hyph[lo] == p;
}

/* Adds document d's candidates to s->occ: from each word on, the stretches of 1 to max_units
 * words that a break does not cut; a hyphen inside a compound is no break, and the words it
 * joins stand side by side in the stretch. */
static topics_status collect_doc(kc_set *s, uint32_t d, uint32_t max_units, seen *v) {
  const dtm_builder *b = s->b;
  size_t from = (size_t)b->doc_off[d], to = doc_end(b, d);
  topics_status st = TOPICS_OK;
  uint32_t w[KC_MAX_UNITS];
  for (size_t i = from; i < to && st == TOPICS_OK; i++) {
    if (b->toks[i] == DTM_GAP) continue;
    /* before: a break (1), a hyphen (2) or the document's start (1) */
    int before = i == from ? 1 : b->toks[i - 1] != DTM_GAP ? 0 : is_hyphen(b, i - 1) ? 2 : 1;
    size_t j = i;
    for (uint32_t n = 1; n <= max_units && j < to; n++, j++) {
      if (b->toks[j] == DTM_GAP) {
        if (!is_hyphen(b, j) || j + 1 >= to || b->toks[j + 1] == DTM_GAP) break;
        j++;
      }
      w[n - 1] = b->toks[j];
      uint32_t c;
      if ((st = intern(s, w, n, &c)) != TOPICS_OK || (st = seen_cover(v, c)) != TOPICS_OK) break;
      int after = j + 1 == to ? 1 : b->toks[j + 1] != DTM_GAP ? 0 : is_hyphen(b, j + 1) ? 2 : 1;
      uint8_t whole = before == 1 && after == 1, cut = before == 2 || after == 2;
      if (v->stamp[c] == d + 1) {
        kc_occ *o = &s->occ[v->slot[c]];
        o->tf++;
        o->whole |= whole;
        o->cut &= cut;
        continue;
      }
      if ((st = MEM_RESERVE(s->occ, s->occ_cap, s->nocc + 1)) != TOPICS_OK) break;
      v->stamp[c] = d + 1;
      v->slot[c] = (uint32_t)s->nocc;
      s->occ[s->nocc++] = (kc_occ){c, 1, (uint32_t)(i - from), whole, cut};
      s->df[c]++;
    }
  }
  return st;
}

topics_status kc_collect(const dtm_builder *b, uint32_t max_units, kc_set **out) {
  *out = NULL;
  if (max_units < 1) max_units = 1;
  if (max_units > KC_MAX_UNITS) max_units = KC_MAX_UNITS;
  if (b->ndocs >= UINT32_MAX || b->ntoks >= UINT32_MAX) return TOPICS_ELIMIT;
  kc_set *s = calloc(1, sizeof *s);
  if (!s) return TOPICS_ENOMEM;
  s->b = b;
  s->ndocs = (uint32_t)b->ndocs;
  s->cands = strmap_new();
  s->doc_off = calloc((size_t)s->ndocs + 1, sizeof *s->doc_off);
  s->doc_len = calloc(s->ndocs ? s->ndocs : 1, sizeof *s->doc_len);
  topics_status st = s->cands && s->doc_off && s->doc_len ? TOPICS_OK : TOPICS_ENOMEM;
  if (st == TOPICS_OK) st = best_surfaces(s);
  seen v = {0};
  for (uint32_t d = 0; st == TOPICS_OK && d < s->ndocs; d++) {
    st = collect_doc(s, d, max_units, &v);
    s->doc_off[d + 1] = s->nocc;
    s->doc_len[d] = (uint32_t)(doc_end(b, d) - (size_t)b->doc_off[d]);
  }
  free(v.stamp);
  free(v.slot);
  if (st != TOPICS_OK) {
    kc_free(s);
    return st;
  }
  *out = s;
  return TOPICS_OK;
}

/* Appends str[0..len) to *buf at *at, with a space first unless a CJK edge meets the text so far. */
static topics_status append(char **buf, size_t *cap, size_t *at, const char *str, size_t len) {
  int space = *at > 0 && !norm_is_cjk(norm_last_cp(*buf, *at)) && !norm_is_cjk(norm_first_cp(str, len));
  topics_status st = MEM_RESERVE(*buf, *cap, *at + len + 2);
  if (st != TOPICS_OK) return st;
  if (space) (*buf)[(*at)++] = ' ';
  memcpy(*buf + *at, str, len);
  *at += len;
  (*buf)[*at] = '\0';
  return TOPICS_OK;
}

topics_status kc_key(const kc_set *s, uint32_t c, char **buf, size_t *cap, size_t *len) {
  size_t klen;
  const uint32_t *keys = (const uint32_t *)(const void *)strmap_str(s->cands, c, &klen);
  uint32_t n = s->nunits[c], k[KC_MAX_UNITS];
  memcpy(k, keys, n * sizeof *k);
  *len = 0;
  topics_status st = MEM_RESERVE(*buf, *cap, 1);
  if (st == TOPICS_OK) (*buf)[0] = '\0';
  for (uint32_t i = 0; st == TOPICS_OK && i < n; i++) {
    size_t l;
    const char *w = strmap_str(s->b->keys, k[i], &l);
    st = append(buf, cap, len, w, l);
  }
  return st;
}

/* 1 when a[0..n) and b[0..n) differ at most in the case of ASCII letters. */
static int same_but_case(const char *a, const char *b, size_t n) {
  for (size_t i = 0; i < n; i++) {
    unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];
    if (x >= 'A' && x <= 'Z') x = (unsigned char)(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = (unsigned char)(y - 'A' + 'a');
    if (x != y) return 0;
  }
  return 1;
}

topics_status kc_display(const kc_set *s, uint32_t d, const kc_occ *occ, char **buf, size_t *cap,
                         size_t *len) {
  const dtm_builder *b = s->b;
  size_t p = (size_t)b->doc_off[d] + occ->first;
  *len = 0;
  topics_status st = MEM_RESERVE(*buf, *cap, 1);
  if (st == TOPICS_OK) (*buf)[0] = '\0';
  for (uint32_t i = 0; st == TOPICS_OK && i < s->nunits[occ->cand]; i++, p++) {
    int hyphen = b->toks[p] == DTM_GAP; /* the stretch holds no other gap */
    if (hyphen) p++;
    size_t l;
    const char *w = strmap_str(b->surfaces, b->toks[p], &l);
    uint32_t best = s->best_sid[b->surf_key[b->toks[p]]];
    size_t bl;
    const char *bw = best != UINT32_MAX ? strmap_str(b->surfaces, best, &bl) : NULL;
    if (bw && bl == l && !norm_has_han(w, l) && same_but_case(w, bw, l)) w = bw;
    if (hyphen) { /* joined as the talk joins them */
      if ((st = MEM_RESERVE(*buf, *cap, *len + l + 2)) != TOPICS_OK) break;
      (*buf)[(*len)++] = '-';
      memcpy(*buf + *len, w, l);
      *len += l;
      (*buf)[*len] = '\0';
    } else {
      st = append(buf, cap, len, w, l);
    }
  }
  return st;
}

const char *kc_occ_word(const kc_set *s, uint32_t d, const kc_occ *occ, uint32_t i, size_t *len,
                        int *hyphen) {
  const dtm_builder *b = s->b;
  size_t p = (size_t)b->doc_off[d] + occ->first;
  for (uint32_t k = 0;; k++, p++) {
    *hyphen = b->toks[p] == DTM_GAP; /* a compound's hyphen: the stretch holds no other gap */
    if (*hyphen) p++;
    if (k == i) return strmap_str(b->surfaces, b->toks[p], len);
  }
}

uint32_t kc_nspellings(const kc_set *s) { return strmap_count(s->b->surfaces); }

const char *kc_spelling(const kc_set *s, uint32_t i, size_t *len) {
  return strmap_str(s->b->surfaces, i, len);
}
