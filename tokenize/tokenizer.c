/* Text to terms: segmentation (segmenter.h), then the term cache. Each distinct raw word form is
 * normalised, stop-checked and stemmed once, on its first sighting; every later occurrence costs
 * one hash lookup of its raw bytes and a flag test. User-dictionary phrases are merged here, by
 * longest match over the span sequence, comparing the spans' normalised (and Han-folded) forms.
 *
 * Long texts are segmented in windows of about WINDOW bytes cut at white space, so the span array
 * stays small and in cache whatever the size of the input. */
#include "tokenize/tokenizer.h"

#include <stdlib.h>
#include <string.h>

#include "common/mem.h"
#include "common/strmap.h"
#include "common/utf8.h"
#include "tokenize/lexicon_int.h"
#include "tokenize/normalize.h"
#include "tokenize/seg_int.h"
#include "tokenize/segmenter.h"
#include "tokenize/stem.h"

#define WINDOW ((size_t)1 << 16)
#define FRONT_BITS 16 /* 65536 slots of 24 bytes */
#define PREFETCH 8    /* spans ahead */

/* A direct-mapped front cache for words of up to 16 bytes (most words): the bytes are kept in the
 * slot, so a hit costs one cache line and no string comparison. Misses fall back to the strmap. */
typedef struct front_slot {
  uint64_t w[2]; /* the word's bytes, zero padded */
  uint32_t id;
  uint8_t len;   /* 0: empty */
  uint8_t flags;
} front_slot;

enum {
  F_KEEP = 1,      /* a term when its span is a word (not for numbers, punctuation, ...) */
  F_DICT = 2,      /* a whole dictionary key: always a term, never stemmed */
  F_DSTART = 4,    /* its form starts some dictionary key */
  F_CJK_FIRST = 8, /* first / last code point is CJK: no space when joining parts of a key */
  F_CJK_LAST = 16,
  F_KNOWN = 128    /* n_flags only: this normalised form has been worked out */
};

struct tok {
  const lex *lx;
  int fold;      /* Han fold for term keys and dictionary matching */
  int has_dict;  /* the lexicon has dictionary entries */
  segmenter *seg;
  norm_han *han;
  stem *stm;
  strmap *cache; /* raw bytes of a word -> entry id */
  strmap *strs;  /* interned term keys, surfaces and match forms (they often coincide) */
  uint32_t *e_term, *e_surf, *e_form; /* by entry: ids in strs */
  const char **e_tptr; /* by entry: the term key itself (strs never moves its strings), so */
  uint32_t *e_tlen;    /* printing a term costs one array access, not two */
  uint8_t *e_flags;
  size_t ecap;
  seg_span *spans;
  size_t nspans, scap;
  char *kb; /* dictionary key being matched */
  size_t kcap;
  char *sb; /* surface of a phrase being built */
  size_t sbcap;
  front_slot *front;
  /* By id in strs, for normalised forms already worked out (F_KNOWN set): the term key id, the
   * match form id and the flags, so "Testing" reuses the work done for "testing". */
  uint32_t *n_term, *n_form;
  uint8_t *n_flags;
  size_t ncap;
};

tok_options tok_default_options(void) {
  tok_options o = {1};
  return o;
}

tok *tok_new(const lex *lx, const tok_options *opt, topics_status *st) {
  tok *t = calloc(1, sizeof *t);
  if (!t) {
    *st = TOPICS_ENOMEM;
    return NULL;
  }
  t->lx = lx;
  t->fold = opt ? opt->fold_han != 0 : 1;
  t->has_dict = strmap_count(lx->dict_full[0]) > 0;
  t->seg = seg_new(st);
  if (t->seg) t->han = norm_han_new(st);
  if (t->han) t->stm = stem_new(st);
  if (!t->stm) {
    tok_free(t);
    return NULL;
  }
  t->cache = strmap_new();
  t->strs = strmap_new();
  t->front = calloc((size_t)1 << FRONT_BITS, sizeof *t->front);
  if (!t->cache || !t->strs || !t->front) {
    tok_free(t);
    *st = TOPICS_ENOMEM;
    return NULL;
  }
  *st = TOPICS_OK;
  return t;
}

void tok_free(tok *t) {
  if (!t) return;
  seg_free(t->seg);
  norm_han_free(t->han);
  stem_free(t->stm);
  strmap_free(t->cache);
  strmap_free(t->strs);
  free(t->e_term);
  free(t->e_surf);
  free(t->e_form);
  free(t->e_flags);
  free(t->e_tptr);
  free(t->e_tlen);
  free(t->spans);
  free(t->kb);
  free(t->sb);
  free(t->front);
  free(t->n_term);
  free(t->n_form);
  free(t->n_flags);
  free(t);
}

uint32_t tok_entry_count(const tok *t) { return strmap_count(t->cache); }

const char *tok_entry_term(const tok *t, uint32_t id, size_t *len) {
  if (len) *len = t->e_tlen[id];
  return t->e_tptr[id];
}

const char *tok_entry_surface(const tok *t, uint32_t id, size_t *len) {
  return strmap_str(t->strs, t->e_surf[id], len);
}

static const char *entry_form(const tok *t, uint32_t id, size_t *len) {
  return strmap_str(t->strs, t->e_form[id], len);
}

/* One code point of a Latin (or other alphabetic, non-CJK) script: "a", "x", "é". */
static int single_letter(const char *s, size_t len) {
  if (len == 0) return 0;
  unsigned cp;
  if (utf8_decode((const unsigned char *)s, len, &cp) != len) return 0;
  if ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z') return 1;
  return cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7;
}

static int sep_needed(uint8_t prev_flags, uint8_t next_flags, int glued) {
  return !glued && !(prev_flags & F_CJK_LAST) && !(next_flags & F_CJK_FIRST);
}

/* Records a new entry for cache key raw[0..rlen) whose strings are already interned in strs. */
static topics_status add_entry_ids(tok *t, const char *raw, size_t rlen, uint32_t term,
                                   uint32_t surf, uint32_t form, uint8_t flags, uint32_t *id) {
  uint32_t n = strmap_count(t->cache);
  if (n >= t->ecap) {
    size_t c1 = t->ecap, c2 = t->ecap, c3 = t->ecap, c4 = t->ecap, c5 = t->ecap, c6 = t->ecap;
    if (MEM_RESERVE(t->e_term, c1, (size_t)n + 1) != TOPICS_OK ||
        MEM_RESERVE(t->e_surf, c2, (size_t)n + 1) != TOPICS_OK ||
        MEM_RESERVE(t->e_form, c3, (size_t)n + 1) != TOPICS_OK ||
        MEM_RESERVE(t->e_flags, c4, (size_t)n + 1) != TOPICS_OK ||
        MEM_RESERVE(t->e_tptr, c5, (size_t)n + 1) != TOPICS_OK ||
        MEM_RESERVE(t->e_tlen, c6, (size_t)n + 1) != TOPICS_OK)
      return TOPICS_ENOMEM;
    size_t c = c1 < c2 ? c1 : c2;
    c = c < c3 ? c : c3;
    c = c < c4 ? c : c4;
    c = c < c5 ? c : c5;
    t->ecap = c < c6 ? c : c6;
  }
  int added;
  topics_status st = strmap_intern(t->cache, raw, rlen, id, &added);
  if (st != TOPICS_OK) return st;
  size_t tlen;
  t->e_tptr[*id] = strmap_str(t->strs, term, &tlen);
  t->e_tlen[*id] = (uint32_t)tlen;
  t->e_term[*id] = term;
  t->e_surf[*id] = surf;
  t->e_form[*id] = form;
  t->e_flags[*id] = flags;
  return TOPICS_OK;
}

/* Flags that follow from the match form alone: dictionary prefix, CJK edges. */
static uint8_t form_flags(const tok *t, const char *form, size_t flen) {
  uint8_t flags = 0;
  uint32_t dummy;
  if (t->has_dict && strmap_find(t->lx->dict_pre[t->fold], form, flen, &dummy)) flags |= F_DSTART;
  if (norm_is_cjk(norm_first_cp(form, flen))) flags |= F_CJK_FIRST;
  if (norm_is_cjk(norm_last_cp(form, flen))) flags |= F_CJK_LAST;
  return flags;
}

/* Interns the strings of a new entry and records it (used for dictionary phrases). */
static topics_status add_entry(tok *t, const char *raw, size_t rlen, const char *term, size_t tlen,
                               const char *surf, size_t slen, const char *form, size_t flen,
                               uint8_t flags, uint32_t *id) {
  uint32_t sid_term, sid_surf, sid_form;
  topics_status st = strmap_intern(t->strs, term, tlen, &sid_term, NULL);
  if (st == TOPICS_OK) st = strmap_intern(t->strs, surf, slen, &sid_surf, NULL);
  if (st == TOPICS_OK) st = strmap_intern(t->strs, form, flen, &sid_form, NULL);
  if (st != TOPICS_OK) return st;
  flags |= form_flags(t, form, flen);
  return add_entry_ids(t, raw, rlen, sid_term, sid_surf, sid_form, flags, id);
}

/* Makes room in the n_* arrays for every id of strs. */
static topics_status grow_known(tok *t) {
  size_t need = strmap_count(t->strs);
  if (need <= t->ncap) return TOPICS_OK;
  size_t c1 = t->ncap, c2 = t->ncap, c3 = t->ncap;
  if (MEM_RESERVE(t->n_term, c1, need) != TOPICS_OK ||
      MEM_RESERVE(t->n_form, c2, need) != TOPICS_OK ||
      MEM_RESERVE(t->n_flags, c3, need) != TOPICS_OK)
    return TOPICS_ENOMEM;
  size_t c = c1 < c2 ? c1 : c2;
  c = c < c3 ? c : c3;
  memset(t->n_flags + t->ncap, 0, c - t->ncap);
  t->ncap = c;
  return TOPICS_OK;
}

/* Works out a normalised form n[0..nlen) (interned as strs id nid): Han fold, stopword check,
 * dictionary membership, stem. */
static topics_status work_out(tok *t, const char *n, size_t nlen, uint32_t nid) {
  const char *f;
  size_t flen;
  topics_status st = norm_han_fold(t->han, n, nlen, &f, &flen);
  if (st != TOPICS_OK) return st;
  const char *form = t->fold ? f : n;
  size_t formlen = t->fold ? flen : nlen;
  uint8_t flags = 0;
  const char *term = form;
  size_t tlen = formlen;
  uint32_t dummy;
  if (t->has_dict && strmap_find(t->lx->dict_full[t->fold], form, formlen, &dummy)) {
    flags = F_KEEP | F_DICT; /* the user asked for this word as it is */
  } else {
    int stop = lex_is_stopword(t->lx, n, nlen) || (f != n && lex_is_stopword(t->lx, f, flen));
    if (!stop && nlen > 0 && !single_letter(n, nlen)) flags = F_KEEP;
    /* Dropped words never show their key, so they skip the stemmer (the costliest step). */
    if ((flags & F_KEEP) && stem_applies(form, formlen)) {
      term = stem_word(t->stm, form, formlen, &tlen);
      if (!term) return TOPICS_ENOMEM;
    }
  }
  flags |= form_flags(t, form, formlen);
  uint32_t sid_term = nid, sid_form = nid;
  if (form != n) st = strmap_intern(t->strs, form, formlen, &sid_form, NULL);
  if (st == TOPICS_OK && term != form) st = strmap_intern(t->strs, term, tlen, &sid_term, NULL);
  else sid_term = sid_form; /* not stemmed: the key is the form */
  if (st == TOPICS_OK) st = grow_known(t);
  if (st != TOPICS_OK) return st;
  t->n_term[nid] = sid_term;
  t->n_form[nid] = sid_form;
  t->n_flags[nid] = flags | F_KNOWN;
  return TOPICS_OK;
}

/* The slow path, once per distinct raw word: normalise, then work the normalised form out unless
 * another raw form ("Testing" for "testing") already did. */
static topics_status new_word(tok *t, const char *raw, size_t rlen, uint32_t *id) {
  char *n;
  size_t nlen;
  topics_status st = norm_text(raw, rlen, &n, &nlen);
  if (st != TOPICS_OK) return st;
  uint32_t nid;
  st = strmap_intern(t->strs, n, nlen, &nid, NULL);
  if (st == TOPICS_OK) st = grow_known(t);
  if (st == TOPICS_OK && !(t->n_flags[nid] & F_KNOWN)) st = work_out(t, n, nlen, nid);
  free(n);
  if (st != TOPICS_OK) return st;
  return add_entry_ids(t, raw, rlen, t->n_term[nid], nid, t->n_form[nid],
                       (uint8_t)(t->n_flags[nid] & ~F_KNOWN), id);
}

/* The word raw[0..rlen), rlen <= 16, as two zero-padded words. avail: bytes readable at raw. */
static inline void load16(const char *raw, size_t rlen, size_t avail, uint64_t w[2]) {
  if (avail >= 16) { /* one unaligned load, then mask: no variable-length copy */
    memcpy(w, raw, 16);
    if (rlen < 8) {
      w[0] &= rlen ? ~0ull >> (64 - 8 * rlen) : 0;
      w[1] = 0;
    } else if (rlen < 16) {
      w[1] &= rlen > 8 ? ~0ull >> (64 - 8 * (rlen - 8)) : 0;
    }
  } else {
    w[0] = w[1] = 0;
    memcpy(w, raw, rlen);
  }
}

static inline size_t front_index(const uint64_t w[2], size_t rlen) {
  uint64_t h = (w[0] * 0x9e3779b97f4a7c15ull) ^ ((w[1] + rlen) * 0xc2b2ae3d27d4eb4full);
  return (size_t)((h ^ (h >> 29)) >> (64 - FRONT_BITS));
}

/* Starts loading the front-cache slot of a word that comes a few spans later, so that the
 * slot is in cache by the time its turn comes (the table is larger than L1). */
static inline void front_prefetch(const tok *t, const char *raw, size_t rlen, size_t avail) {
  if (rlen == 0 || rlen > 16) return;
  uint64_t w[2];
  load16(raw, rlen, avail, w);
  __builtin_prefetch(&t->front[front_index(w, rlen)]);
}

/* The entry of raw[0..rlen) (avail bytes readable from raw), created on first sight; *flags gets
 * its flags. The hot path of the whole tokenizer. */
static inline topics_status lookup_fast(tok *t, const char *raw, size_t rlen, size_t avail,
                                        uint32_t *id, uint8_t *flags) {
  front_slot *sl = NULL;
  uint64_t w[2];
  if (rlen <= 16 && rlen > 0) {
    load16(raw, rlen, avail, w);
    sl = &t->front[front_index(w, rlen)];
    if (sl->len == rlen && sl->w[0] == w[0] && sl->w[1] == w[1]) {
      *id = sl->id;
      *flags = sl->flags;
      return TOPICS_OK;
    }
  }
  if (!strmap_find(t->cache, raw, rlen, id)) {
    topics_status st = new_word(t, raw, rlen, id);
    if (st != TOPICS_OK) return st;
  }
  *flags = t->e_flags[*id];
  if (sl) {
    sl->w[0] = w[0];
    sl->w[1] = w[1];
    sl->len = (uint8_t)rlen;
    sl->id = *id;
    sl->flags = *flags;
  }
  return TOPICS_OK;
}

static inline topics_status lookup(tok *t, const char *raw, size_t rlen, uint32_t *id) {
  if (strmap_find(t->cache, raw, rlen, id)) return TOPICS_OK;
  return new_word(t, raw, rlen, id);
}

static topics_status buf_put(char **b, size_t *cap, size_t at, const char *s, size_t len) {
  size_t need;
  if (mem_add(at, len + 1, &need) != TOPICS_OK || MEM_RESERVE(*b, *cap, need) != TOPICS_OK)
    return TOPICS_ENOMEM;
  memcpy(*b + at, s, len);
  return TOPICS_OK;
}

/* Longest dictionary match starting at span i of spans[0..n) (text is the window's text): returns
 * the index of its last span in *last (i itself when only the single word is a key, (size_t)-1
 * when there is no match) and the entry of the merged phrase in *pid when it spans several. */
static topics_status match_dict(tok *t, const char *text, size_t i, size_t n, uint32_t first,
                                size_t *last, uint32_t *pid) {
  const seg_span *sp = t->spans;
  size_t flen, klen;
  const char *form = entry_form(t, first, &flen);
  topics_status st = buf_put(&t->kb, &t->kcap, 0, form, flen);
  if (st != TOPICS_OK) return st;
  klen = flen;
  *last = (t->e_flags[first] & F_DICT) ? i : (size_t)-1;
  size_t best_klen = klen;
  uint8_t prev = t->e_flags[first];
  size_t end = n;
  if (end - i > t->lx->dict_max_parts) end = i + t->lx->dict_max_parts;
  const strmap *pre = t->lx->dict_pre[t->fold], *full = t->lx->dict_full[t->fold];
  uint32_t dummy;
  for (size_t j = i + 1; j < end; j++) {
    if (sp[j].kind == SEG_PROTECTED) break;
    uint32_t id;
    st = lookup(t, text + sp[j].start, sp[j].len, &id);
    if (st != TOPICS_OK) return st;
    uint8_t fl = t->e_flags[id];
    if (sep_needed(prev, fl, sp[j].glued)) {
      if ((st = buf_put(&t->kb, &t->kcap, klen, " ", 1)) != TOPICS_OK) return st;
      klen++;
    }
    form = entry_form(t, id, &flen);
    if ((st = buf_put(&t->kb, &t->kcap, klen, form, flen)) != TOPICS_OK) return st;
    klen += flen;
    if (!strmap_find(pre, t->kb, klen, &dummy)) break;
    if (strmap_find(full, t->kb, klen, &dummy)) {
      *last = j;
      best_klen = klen;
    }
    prev = fl;
  }
  if (*last == (size_t)-1 || *last == i) return TOPICS_OK;
  /* A phrase: its cache key is the raw text it covers (white space included). */
  const char *raw = text + sp[i].start;
  size_t rlen = sp[*last].start + sp[*last].len - sp[i].start;
  if (strmap_find(t->cache, raw, rlen, pid)) return TOPICS_OK;
  size_t slen = 0;
  prev = 0;
  for (size_t j = i; j <= *last; j++) {
    uint32_t id;
    if ((st = lookup(t, text + sp[j].start, sp[j].len, &id)) != TOPICS_OK) return st;
    uint8_t fl = t->e_flags[id];
    if (j > i && sep_needed(prev, fl, sp[j].glued)) {
      if ((st = buf_put(&t->sb, &t->sbcap, slen, " ", 1)) != TOPICS_OK) return st;
      slen++;
    }
    size_t ulen;
    const char *surf = tok_entry_surface(t, id, &ulen);
    if ((st = buf_put(&t->sb, &t->sbcap, slen, surf, ulen)) != TOPICS_OK) return st;
    slen += ulen;
    prev = fl;
  }
  return add_entry(t, raw, rlen, t->kb, best_klen, t->sb, slen, t->kb, best_klen, F_KEEP | F_DICT,
                   pid);
}

/* Where the window starting at pos ends: at white space near pos + WINDOW, else after a CJK
 * sentence mark, else at a code point boundary (text with no break for 64 KiB). */
static size_t window_end(const char *text, size_t pos, size_t len) {
  if (len - pos <= WINDOW) return len;
  size_t lim = pos + WINDOW, lo = pos + WINDOW / 2;
  for (size_t e = lim; e > lo; e--) {
    char c = text[e - 1];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') return e;
  }
  for (size_t e = lim; e > lo + 3; e--) {
    const unsigned char *p = (const unsigned char *)text + e - 3;
    if ((p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x82) || /* 。 */
        (p[0] == 0xEF && p[1] == 0xBC && (p[2] == 0x8C || p[2] == 0x9B || p[2] == 0x81 ||
                                          p[2] == 0x9F))) /* ，；！？ */
      return e;
  }
  size_t e = lim;
  while (e > lo && ((unsigned char)text[e] & 0xC0) == 0x80) e--;
  return e;
}

typedef struct walk {
  tok_word_fn fn; /* raw mode: called per word */
  void *ud;
  uint32_t **ids; /* terms mode: kept entry ids appended here */
  size_t *n, *cap;
} walk;

static inline topics_status put_id(walk *w, uint32_t id) {
  if (*w->n >= *w->cap && MEM_RESERVE(*w->ids, *w->cap, *w->n + 1) != TOPICS_OK)
    return TOPICS_ENOMEM;
  (*w->ids)[(*w->n)++] = id;
  return TOPICS_OK;
}

/* Handles spans[0..limit) of the window at text + base (a dictionary match may run past limit);
 * *next gets the index of the first span not handled. Returns 1 through *stop when fn asked. */
static topics_status do_spans(tok *t, const char *text, size_t base, size_t wtlen, size_t limit,
                              walk *w, size_t *next, int *stop) {
  const char *wt = text + base;
  size_t n = t->nspans;
  size_t i = 0;
  topics_status st = TOPICS_OK;
  while (i < limit) {
    const seg_span *sp = &t->spans[i];
    size_t wstart = sp->start, wlen = sp->len;
    int kept = 0;
    uint32_t id = 0;
    size_t last = i;
    if (sp->kind != SEG_PROTECTED && (t->has_dict || (!w->fn && sp->kind <= SEG_IDEO))) {
      uint8_t fl;
      if ((st = lookup_fast(t, wt + sp->start, sp->len, wtlen - sp->start, &id, &fl)) != TOPICS_OK)
        return st;
      kept = (fl & F_DICT) || ((fl & F_KEEP) && sp->kind <= SEG_IDEO);
      if (fl & F_DSTART) {
        size_t m;
        uint32_t pid;
        if ((st = match_dict(t, wt, i, n, id, &m, &pid)) != TOPICS_OK) return st;
        if (m != (size_t)-1 && m > i) {
          last = m;
          id = pid;
          kept = 1;
          wlen = t->spans[m].start + t->spans[m].len - wstart;
        }
      }
    }
    if (w->fn) {
      if (w->fn(w->ud, base + wstart, wlen)) {
        *stop = 1;
        return TOPICS_OK;
      }
    } else if (kept && (st = put_id(w, id)) != TOPICS_OK) {
      return st;
    }
    i = last + 1;
  }
  *next = i;
  return TOPICS_OK;
}

/* The words of one chunk, held back by the fused ASCII path until the chunk is known to need no
 * general route: only then may first sightings create entries (ids follow first-sighting order). */
#define PEND_MAX 32

/* The fused ASCII path of tok_terms: segments ASCII text from wt[i] on exactly as the segmenter's
 * fast path does, looking each word up as its chunk ends instead of building spans. Numbers and
 * punctuation are never terms and no merge touches an ASCII word, so only the words are kept.
 * Stops at the first chunk that needs the general route (see seg_ascii_scan); *stop gets its start
 * (wlen when the window is done). avail: bytes readable from wt. */
static topics_status ascii_terms(tok *t, const char *wt, size_t i, size_t wlen, size_t avail,
                                 walk *w, size_t *stop) {
  const unsigned char *p = (const unsigned char *)wt;
  uint32_t ps[PEND_MAX], pl[PEND_MAX];
  size_t np = 0, chunk = i;
  topics_status st;
  for (;;) {
    if (i >= wlen || (seg_ascii_class[p[i]] & SEG_B_WS)) {
      for (size_t k = 0; k < np; k++) { /* the chunk is done: its words are final */
        uint32_t id;
        uint8_t fl;
        if ((st = lookup_fast(t, wt + ps[k], pl[k], avail - ps[k], &id, &fl)) != TOPICS_OK)
          return st;
        if ((fl & F_KEEP) && (st = put_id(w, id)) != TOPICS_OK) return st;
      }
      np = 0;
      if (i >= wlen) break;
      i++;
      chunk = i;
      continue;
    }
    unsigned c = seg_ascii_class[p[i]];
    if (c & SEG_B_STOP) {
      if (p[i] != ':' || (i + 2 < wlen && p[i + 1] == '/' && p[i + 2] == '/')) goto bail;
      i++; /* a plain colon */
      continue;
    }
    if (!(c & SEG_B_WORD)) { /* punctuation */
      i++;
      continue;
    }
    unsigned acc;
    size_t j = seg_ascii_word(p, i, wlen, &acc);
    if ((acc & SEG_B_STOP) || seg_ascii_www(p, i, wlen)) goto bail;
    if (acc & SEG_B_LETTER) { /* a word; numbers are no terms */
      if (np == PEND_MAX) goto bail; /* a long run of words: the general route takes it */
      ps[np] = (uint32_t)i;
      pl[np] = (uint32_t)(j - i);
      front_prefetch(t, wt + i, j - i, avail - i);
      np++;
    }
    i = j;
  }
  *stop = wlen;
  return TOPICS_OK;
bail:
  *stop = chunk;
  return TOPICS_OK;
}

/* tok_terms without a dictionary, on the window wt[0..wlen) (avail bytes readable from wt): ASCII
 * chunks take the fused path; every other stretch -- a chunk the fast path hands back, then the
 * chunks after it that start with a non-ASCII byte, as seg_run would batch them -- is segmented by
 * seg_run_part with the window as context, which gives exactly the spans seg_run gives there. */
static topics_status terms_window(tok *t, const char *wt, size_t wlen, size_t avail, walk *w) {
  const unsigned char *p = (const unsigned char *)wt;
  seg_ctx ctx = {wt, wlen, -1};
  size_t i = 0;
  topics_status st;
  while (i < wlen) {
    while (i < wlen && (seg_ascii_class[p[i]] & SEG_B_WS)) i++;
    if (i >= wlen) break;
    if (p[i] < 0x80) {
      if ((st = ascii_terms(t, wt, i, wlen, avail, w, &i)) != TOPICS_OK) return st;
      if (i >= wlen) break;
    }
    size_t a = i, e;
    for (;;) { /* this chunk, and the next ones while they start with a non-ASCII byte */
      while (i < wlen && !(seg_ascii_class[p[i]] & SEG_B_WS)) i++;
      e = i;
      while (i < wlen && (seg_ascii_class[p[i]] & SEG_B_WS)) i++;
      if (i >= wlen || p[i] < 0x80) break;
    }
    t->nspans = 0;
    if ((st = seg_run_part(t->seg, &ctx, a, e, &t->spans, &t->nspans, &t->scap)) != TOPICS_OK)
      return st;
    size_t n = t->nspans;
    for (size_t k = 0; k < n; k++) {
      const seg_span *sp = &t->spans[k];
      if (k + PREFETCH < n) {
        const seg_span *ahead = sp + PREFETCH;
        front_prefetch(t, wt + ahead->start, ahead->len, avail - ahead->start);
      }
      if (sp->kind > SEG_IDEO) continue;
      uint32_t id;
      uint8_t fl;
      if ((st = lookup_fast(t, wt + sp->start, sp->len, avail - sp->start, &id, &fl)) != TOPICS_OK)
        return st;
      if ((fl & F_KEEP) && (st = put_id(w, id)) != TOPICS_OK) return st;
    }
  }
  return TOPICS_OK;
}

static topics_status walk_text(tok *t, const char *text, size_t len, walk *w) {
  size_t pos = 0;
  int stop = 0;
  while (pos < len && !stop) {
    size_t end = window_end(text, pos, len);
    if (!t->has_dict && !w->fn) {
      topics_status st = terms_window(t, text + pos, end - pos, len - pos, w);
      if (st != TOPICS_OK) return st;
      pos = end;
      continue;
    }
    t->nspans = 0;
    topics_status st = seg_run(t->seg, text + pos, end - pos, &t->spans, &t->nspans, &t->scap);
    if (st != TOPICS_OK) return st;
    size_t n = t->nspans, limit = n;
    if (n == 0) {
      pos = end;
      continue;
    }
    if (pos > 0) { /* a window cut inside a run of letters continues the previous word run */
      char c = text[pos - 1];
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') t->spans[0].glued = 1;
    }
    if (t->has_dict && end < len && n > t->lx->dict_max_parts) {
      /* Hold the last spans back for the next window, so a phrase that would run past the end
       * of this one is matched there whole; restart at a span that follows white space. */
      size_t k = n - t->lx->dict_max_parts;
      while (k > 0 && t->spans[k].glued) k--;
      if (k > 0) limit = k;
    }
    size_t next = n;
    st = do_spans(t, text, pos, end - pos, limit, w, &next, &stop);
    if (st != TOPICS_OK) return st;
    pos = next < n ? pos + t->spans[next].start : end;
  }
  return TOPICS_OK;
}

topics_status tok_raw(tok *t, const char *text, size_t len, tok_word_fn fn, void *ud) {
  walk w = {fn, ud, NULL, NULL, NULL};
  return walk_text(t, text, len, &w);
}

topics_status tok_terms(tok *t, const char *text, size_t len, uint32_t **ids, size_t *n,
                        size_t *cap) {
  walk w = {NULL, NULL, ids, n, cap};
  return walk_text(t, text, len, &w);
}
