/* Text to terms: segmentation (segmenter.h), then the term cache (term_cache.h), where each
 * distinct raw word form is normalised, stop-checked and stemmed once, on its first sighting in any
 * thread; every later occurrence costs one probe of an open-addressing table that keeps the word's
 * bytes in the slot (words of up to 16 bytes: nearly all), so a hit reads one slot and compares two
 * 64-bit words. User-dictionary phrases are merged here, by longest match over the span sequence,
 * comparing the spans' normalised (and Han-folded) forms.
 *
 * Without a dictionary, tok_terms fuses the segmenter's fast path (ASCII, and the Latin, Greek and
 * Cyrillic letters and quotes of seg_latin.c) with the lookups (no span array for plain text), and looks words up a few words behind the scan so that their
 * slots can be prefetched. Long texts are segmented in windows of about WINDOW bytes cut at white
 * space, so the span array stays small and in cache whatever the size of the input. */
#include "tokenize/tokenizer.h"

#include <stdlib.h>
#include <string.h>

#include "common/mem.h"
#include "common/utf8.h"
#include "tokenize/lexicon_int.h"
#include "tokenize/normalize.h"
#include "tokenize/seg_int.h"
#include "tokenize/segmenter.h"
#include "tokenize/term_cache.h"

#define WINDOW ((size_t)1 << 16)
#define LAG 8             /* words between a lookup's prefetch and the lookup */
#define QCAP 64           /* the fused path's queue of words (a power of two, > LAG) */

struct tok {
  tok_cache *c;
  const tc_table *tab; /* c's table as last seen: one load less per word; refreshed by the slow
                        * path, which finds what an outgrown copy misses */
  int own_cache;
  tc_scratch x;
  segmenter *seg;
  seg_span *spans;
  size_t nspans, scap;
  char *kb; /* dictionary key being matched */
  size_t kcap;
  char *sb; /* surface of a phrase being built */
  size_t sbcap;
  uint8_t *jst; /* entry id -> 1 joinable piece, 2 not, 0 not known yet (tok_terms_marked) */
  size_t jcap;
  const seg_joiner *join; /* Han words to join after segmentation, or NULL */
  int hyphens;            /* tok_set_hyphens */
};

tok_options tok_default_options(void) {
  tok_options o = {1};
  return o;
}

tok *tok_new_shared(tok_cache *c, topics_status *st) {
  tok *t = calloc(1, sizeof *t);
  if (!t) {
    *st = TOPICS_ENOMEM;
    return NULL;
  }
  t->c = c;
  t->tab = tc_table_now(c);
  t->seg = seg_new(st);
  if (!t->seg || !tc_scratch_init(&t->x, st)) {
    tok_free(t);
    return NULL;
  }
  *st = TOPICS_OK;
  return t;
}

tok *tok_new(const lex *lx, const tok_options *opt, topics_status *st) {
  tok_cache *c = tc_private_new(lx, opt, st);
  if (!c) return NULL;
  tok *t = tok_new_shared(c, st);
  if (!t) {
    tok_cache_free(c);
    return NULL;
  }
  t->own_cache = 1;
  return t;
}

void tok_free(tok *t) {
  if (!t) return;
  seg_free(t->seg);
  tc_scratch_free(t->c, &t->x);
  if (t->own_cache) tok_cache_free(t->c);
  free(t->spans);
  free(t->kb);
  free(t->sb);
  free(t->jst);
  free(t);
}

uint32_t tok_entry_count(const tok *t) { return tok_cache_entry_count(t->c); }

const char *tok_entry_term(const tok *t, uint32_t id, size_t *len) {
  return tok_cache_term(t->c, id, len);
}

void tok_entry_term_prefetch(const tok *t, const uint32_t *ids, size_t n, size_t i) {
  enum { ENT_AHEAD = 12, REC_AHEAD = 8, STR_AHEAD = 4 };
  if (i + ENT_AHEAD < n && ids[i + ENT_AHEAD] < TOK_HYPHEN)
    __builtin_prefetch(tc_ent(t->c, ids[i + ENT_AHEAD]));
  if (i + REC_AHEAD < n && ids[i + REC_AHEAD] < TOK_HYPHEN)
    __builtin_prefetch(tc_rec_of(t->c, ids[i + REC_AHEAD]));
  if (i + STR_AHEAD < n && ids[i + STR_AHEAD] < TOK_HYPHEN)
    __builtin_prefetch(tc_rec_of(t->c, ids[i + STR_AHEAD])->term);
}

const char *tok_entry_surface(const tok *t, uint32_t id, size_t *len) {
  return tok_cache_surface(t->c, id, len);
}

unsigned tok_cache_entry_marks(const tok_cache *c, uint32_t id) {
  const tc_entry *e = tc_ent(c, id);
  const tc_rec *r = e->rec;
  unsigned m = (e->flags & TC_CJK_FIRST ? TOK_CJK_FIRST : 0u) |
               (e->flags & TC_CJK_LAST ? TOK_CJK_LAST : 0u);
  if (e->flags & (TC_KEEP | TC_DICT) || r->slen == 0) return m;
  unsigned cp;
  if (utf8_decode((const unsigned char *)r->surf, r->slen, &cp) != r->slen) return m;
  /* One Han character (not the CJK marks below U+3400 nor the half-width forms). */
  if (!norm_is_cjk(cp) || cp < 0x3400 || (cp >= 0xFF00 && cp < 0x20000)) return m;
  if (lex_is_stopword(c->lx, r->surf, r->slen) || lex_is_stopword(c->lx, r->form, r->flen))
    return m;
  return m | TOK_JOINABLE;
}

unsigned tok_entry_marks(const tok *t, uint32_t id) { return tok_cache_entry_marks(t->c, id); }

/* tok_cache_entry_marks(..) & TOK_JOINABLE, remembered per entry: stopwords come by often. */
static int joinable(tok *t, uint32_t id) {
  if (id < t->jcap && t->jst[id]) return t->jst[id] == 1;
  int j = (tok_cache_entry_marks(t->c, id) & TOK_JOINABLE) != 0;
  size_t old = t->jcap;
  if (id >= old && MEM_RESERVE(t->jst, t->jcap, (size_t)id + 1) == TOPICS_OK)
    memset(t->jst + old, 0, t->jcap - old);
  if (id < t->jcap) t->jst[id] = j ? 1 : 2;
  return j;
}

static inline uint8_t entry_flags(const tok *t, uint32_t id) { return tc_ent(t->c, id)->flags; }

static const char *entry_form(const tok *t, uint32_t id, size_t *len) {
  const tc_rec *r = tc_rec_of(t->c, id);
  *len = r->flen;
  return r->form;
}

static int sep_needed(uint8_t prev_flags, uint8_t next_flags, int glued) {
  return !glued && !(prev_flags & TC_CJK_LAST) && !(next_flags & TC_CJK_FIRST);
}

/* ---- lookups ---- */

/* Out of line: the first sighting of a short form, or a form of another length. */
static __attribute__((noinline)) topics_status lookup_slow(tok *t, const char *raw, size_t rlen,
                                                           uint32_t *id, uint8_t *flags) {
  topics_status st = tc_lookup_slow(t->c, &t->x, raw, rlen, id, flags);
  t->tab = tc_table_now(t->c); /* the table may have grown (a private cache frees the old one) */
  return st;
}

/* The entry of the short form (w, rlen) at raw, hash h, created on first sight; *flags gets its
 * flags. The hot path of the whole tokenizer. */
static inline topics_status lookup_short(tok *t, const char *raw, size_t rlen, const uint64_t w[2],
                                         uint64_t h, uint32_t *id, uint8_t *flags) {
  if (tc_find_short(t->tab, w, rlen, h, id, flags)) return TOPICS_OK;
  return lookup_slow(t, raw, rlen, id, flags);
}

/* The entry of raw[0..rlen) (avail bytes readable from raw), created on first sight. */
static inline topics_status lookup_fast(tok *t, const char *raw, size_t rlen, size_t avail,
                                        uint32_t *id, uint8_t *flags) {
  if (rlen - 1 < TC_SHORT) {
    uint64_t w[2];
    tc_load16(raw, rlen, avail, w);
    return lookup_short(t, raw, rlen, w, tc_hash(w, rlen), id, flags);
  }
  return lookup_slow(t, raw, rlen, id, flags);
}

static inline topics_status lookup(tok *t, const char *raw, size_t rlen, uint32_t *id) {
  uint8_t fl;
  return lookup_fast(t, raw, rlen, rlen, id, &fl);
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
  *last = (entry_flags(t, first) & TC_DICT) ? i : (size_t)-1;
  size_t best_klen = klen;
  uint8_t prev = entry_flags(t, first);
  size_t end = n;
  if (end - i > t->c->lx->dict_max_parts) end = i + t->c->lx->dict_max_parts;
  const lex *lx = t->c->lx;
  for (size_t j = i + 1; j < end; j++) {
    if (sp[j].kind == SEG_PROTECTED) break;
    uint32_t id;
    st = lookup(t, text + sp[j].start, sp[j].len, &id);
    if (st != TOPICS_OK) return st;
    uint8_t fl = entry_flags(t, id);
    if (sep_needed(prev, fl, sp[j].glued)) {
      if ((st = buf_put(&t->kb, &t->kcap, klen, " ", 1)) != TOPICS_OK) return st;
      klen++;
    }
    form = entry_form(t, id, &flen);
    if ((st = buf_put(&t->kb, &t->kcap, klen, form, flen)) != TOPICS_OK) return st;
    klen += flen;
    if (!lex_dict_starts(lx, t->c->fold, t->kb, klen)) break;
    if (lex_dict_has(lx, t->c->fold, t->kb, klen)) {
      *last = j;
      best_klen = klen;
    }
    prev = fl;
  }
  if (*last == (size_t)-1 || *last == i) return TOPICS_OK;
  /* A phrase: its cache key is the raw text it covers (white space included). */
  const char *raw = text + sp[i].start;
  size_t rlen = sp[*last].start + sp[*last].len - sp[i].start;
  if (tc_find(t->c, raw, rlen, pid)) return TOPICS_OK;
  size_t slen = 0;
  prev = 0;
  for (size_t j = i; j <= *last; j++) {
    uint32_t id;
    if ((st = lookup(t, text + sp[j].start, sp[j].len, &id)) != TOPICS_OK) return st;
    uint8_t fl = entry_flags(t, id);
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
  st = tc_add_phrase(t->c, &t->x, raw, rlen, t->kb, best_klen, t->sb, slen, pid);
  t->tab = tc_table_now(t->c); /* the table may have grown (a private cache frees the old one) */
  return st;
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
  int marked; /* tok_terms_marked: gaps and joinable pieces too */
  int gap;    /* marked: something that breaks adjacency came since the last id */
  size_t n0;  /* *n when the walk began: no gap goes first */
  int hyphens; /* marked, with tok_set_hyphens: TOK_HYPHEN where a hyphen joins two terms */
  int hy;      /* hyphens: a hyphen inside a word came since the last id */
} walk;

static inline topics_status put_raw(walk *w, uint32_t id) {
  if (*w->n >= *w->cap && MEM_RESERVE(*w->ids, *w->cap, *w->n + 1) != TOPICS_OK)
    return TOPICS_ENOMEM;
  (*w->ids)[(*w->n)++] = id;
  return TOPICS_OK;
}

/* Appends a term (or a piece), after a gap when one is pending. */
static inline topics_status put_id(walk *w, uint32_t id) {
  if (w->gap) {
    w->gap = w->hy = 0;
    if (*w->n > w->n0 && (*w->ids)[*w->n - 1] != TOK_GAP) {
      topics_status st = put_raw(w, TOK_GAP);
      if (st != TOPICS_OK) return st;
    }
  } else if (w->hy) {
    w->hy = 0;
    if (*w->n > w->n0 && (*w->ids)[*w->n - 1] < TOK_HYPHEN) {
      topics_status st = put_raw(w, TOK_HYPHEN);
      if (st != TOPICS_OK) return st;
    }
  }
  return put_raw(w, id);
}

/* A word that is no term: a joinable piece goes in (marked walks), anything else breaks
 * adjacency. */
static inline topics_status put_dropped(tok *t, walk *w, uint32_t id) {
  if (!w->marked) return TOPICS_OK;
  if (joinable(t, id)) return put_id(w, id);
  w->gap = 1;
  return TOPICS_OK;
}

/* 1 when text[a..b) holds a line end. */
static inline int has_line_end(const char *text, size_t a, size_t b) {
  for (size_t i = a; i < b; i++)
    if (text[i] == '\n' || text[i] == '\r') return 1;
  return 0;
}

/* 1 when text[a..a+len) is one hyphen: '-', U+2010, U+2011, or the en dash of compound names
 * (Fermi–Dirac). */
static inline int is_hyphen(const char *text, size_t a, size_t len) {
  const unsigned char *p = (const unsigned char *)text + a;
  if (len == 1) return p[0] == '-';
  return len == 3 && p[0] == 0xE2 && p[1] == 0x80 && (p[2] == 0x90 || p[2] == 0x91 || p[2] == 0x93);
}

/* 1 when span m of sp[0..n) is a hyphen inside a word (AC-TEM, semi-classical, Fermi–Dirac). */
static inline int inner_hyphen(const char *text, const seg_span *sp, size_t n, size_t m) {
  return m > 0 && m + 1 < n && sp[m].kind == SEG_PUNCT && sp[m].glued && sp[m + 1].glued &&
         sp[m - 1].kind == SEG_WORD && sp[m + 1].kind == SEG_WORD &&
         is_hyphen(text, sp[m].start, sp[m].len);
}

/* A word waiting for its lookup: where it is, its bytes as load16 gives them and their hash. */
typedef struct qword {
  uint64_t w[2];
  uint64_t h;
  uint32_t start, len;
  int gap; /* marked walks: adjacency is broken before this word */
  int hy;  /* hyphen walks: a hyphen inside a word stands before this word */
} qword;

/* Words queued by the fused path: q[head..cm) belong to finished chunks and may be looked up;
 * q[cm..tl) to the chunk being scanned, which the general route may still take over. Only
 * finished words are looked up, in order, so entries are created in order of first sighting. */
typedef struct wqueue {
  qword q[QCAP];
  size_t head, cm, tl; /* running counts; index with & (QCAP - 1) */
} wqueue;

/* Looks up the finished words until at most keep of them remain queued. */
static inline topics_status drain(tok *t, wqueue *q, const char *wt, size_t avail, size_t keep,
                                  walk *w) {
  while (q->cm - q->head > keep) {
    const qword *x = &q->q[q->head++ & (QCAP - 1)];
    uint32_t id;
    uint8_t fl;
    topics_status st;
    if (x->len <= TC_SHORT)
      st = lookup_short(t, wt + x->start, x->len, x->w, x->h, &id, &fl);
    else
      st = lookup_slow(t, wt + x->start, x->len, &id, &fl);
    if (st != TOPICS_OK) return st;
    if (x->gap) w->gap = 1;
    if (x->hy) w->hy = 1;
    st = (fl & TC_KEEP) ? put_id(w, id) : put_dropped(t, w, id);
    if (st != TOPICS_OK) return st;
  }
  return TOPICS_OK;
}

/* The fused path of tok_terms: segments text from wt[i] on exactly as the segmenter's fast path
 * does (seg_ascii_scan: ASCII and the few non-ASCII characters of seg_latin.c), but queues the
 * words for lookup instead of building spans. Numbers and punctuation are never terms, and no
 * merge changes a word the fast path finds (merges join letters to digits only where ICU left
 * them apart), so only words (segments with a letter) are queued. Stops at the first chunk that
 * needs the general route; *stop gets its start (wlen when the window is done). avail: bytes
 * readable from wt. */
static topics_status ascii_terms(tok *t, const char *wt, size_t i, size_t wlen, size_t avail,
                                 walk *w, size_t *stop) {
  const unsigned char *p = (const unsigned char *)wt;
  wqueue q;
  q.head = q.cm = q.tl = 0;
  size_t chunk = i;
  topics_status st;
  /* Marked walks: g, a gap before the next word to queue; cg, g when the chunk began (a chunk
   * handed to the general route is walked again from there). */
  int g = 0, cg = 0, h = 0; /* h: a hyphen inside a word before the next word to queue */
  for (;;) {
    if (i >= wlen) break;
    unsigned c = seg_ascii_class[p[i]], acc;
    size_t j;
    if (c & SEG_B_WS) { /* the chunk is done: its words are final */
      q.cm = q.tl;
      if (q.cm - q.head > LAG && (st = drain(t, &q, wt, avail, LAG, w)) != TOPICS_OK) return st;
      if (p[i] == '\n' || p[i] == '\r') g = w->marked;
      cg = g;
      chunk = ++i;
      continue;
    }
    if (c & SEG_B_WORD) {
      j = seg_ascii_word(p, i, wlen, &acc);
      if (seg_fast_bail(p, i, j, wlen, acc)) goto bail;
    } else if (!(c & SEG_B_STOP)) { /* punctuation */
      if (w->hyphens && p[i] == '-' && i > 0 && i + 1 < wlen &&
          (seg_ascii_class[p[i - 1]] & SEG_B_WORD) && (seg_ascii_class[p[i + 1]] & SEG_B_WORD))
        h = 1; /* inside a word: the words it joins stay adjacent */
      else
        g = w->marked;
      i++;
      continue;
    } else if (p[i] >= 0x80) { /* a non-ASCII letter starts a word, or a mark is skipped */
      acc = seg_latin_segment(p, i, wlen, &j);
      if (acc & SEG_B_STOP) goto bail;
    } else { /* '#', or ':' which is plain unless "://" follows */
      if (p[i] != ':' || (i + 2 < wlen && p[i + 1] == '/' && p[i + 2] == '/')) goto bail;
      g = w->marked;
      i++;
      continue;
    }
    if (!(acc & SEG_B_LETTER)) { /* a number, or marks: a break, but for a hyphen in a word */
      if (w->hyphens && is_hyphen(wt, i, j - i) && i > 0 && j < wlen &&
          (seg_ascii_class[p[i - 1]] & SEG_B_WORD) && (seg_ascii_class[p[j]] & SEG_B_WORD))
        h = 1;
      else
        g = w->marked;
    }
    if (acc & SEG_B_LETTER) { /* a word */
      if (q.tl - q.head == QCAP) {
        /* Full: make room by looking up finished words, or, when the chunk being scanned fills
         * the queue by itself, hand that chunk to the general route. */
        if (q.cm == q.head) goto bail;
        if ((st = drain(t, &q, wt, avail, q.cm - q.head - 1, w)) != TOPICS_OK) return st;
      }
      qword *x = &q.q[q.tl++ & (QCAP - 1)];
      x->start = (uint32_t)i;
      x->len = (uint32_t)(j - i);
      x->gap = g;
      x->hy = h;
      g = h = 0;
      if (j - i <= TC_SHORT) {
        tc_load16(wt + i, j - i, avail - i, x->w);
        x->h = tc_hash(x->w, j - i);
        tc_prefetch(t->tab, x->h);
      }
    }
    i = j;
  }
  q.cm = q.tl; /* the window ends: the last chunk is done too */
  *stop = wlen;
  st = drain(t, &q, wt, avail, 0, w);
  if (g) w->gap = 1;
  return st;
bail:
  *stop = chunk;
  st = drain(t, &q, wt, avail, 0, w);
  if (cg) w->gap = 1;
  return st;
}

/* Looks up the word spans of t->spans[0..nspans) (window text wt, avail bytes readable), each
 * slot prefetched LAG spans ahead. */
static topics_status span_terms(tok *t, const char *wt, size_t avail, walk *w) {
  qword ring[LAG];
  size_t n = t->nspans;
  const seg_span *sp = t->spans;
  topics_status st;
  for (size_t k = 0; k < n + LAG; k++) {
    if (w->marked && k >= LAG) { /* marks, line ends and numbers break adjacency */
      size_t m = k - LAG;
      if (w->hyphens && inner_hyphen(wt, sp, n, m))
        w->hy = 1;
      else if (sp[m].kind > SEG_IDEO ||
               (m > 0 && has_line_end(wt, sp[m - 1].start + sp[m - 1].len, sp[m].start)))
        w->gap = 1;
    }
    if (k >= LAG && sp[k - LAG].kind <= SEG_IDEO) { /* look span k - LAG up, from its ring slot */
      size_t m = k - LAG;
      uint32_t id;
      uint8_t fl;
      if (sp[m].len - 1 < TC_SHORT) {
        const qword *x = &ring[m % LAG];
        st = lookup_short(t, wt + sp[m].start, sp[m].len, x->w, x->h, &id, &fl);
      } else {
        st = lookup_slow(t, wt + sp[m].start, sp[m].len, &id, &fl);
      }
      if (st != TOPICS_OK) return st;
      st = (fl & TC_KEEP) ? put_id(w, id) : put_dropped(t, w, id);
      if (st != TOPICS_OK) return st;
    }
    if (k < n && sp[k].kind <= SEG_IDEO && sp[k].len - 1 < TC_SHORT) { /* then reuse it */
      qword *x = &ring[k % LAG];
      tc_load16(wt + sp[k].start, sp[k].len, avail - sp[k].start, x->w);
      x->h = tc_hash(x->w, sp[k].len);
      tc_prefetch(t->tab, x->h);
    }
  }
  return TOPICS_OK;
}

/* tok_terms without a dictionary, on the window wt[0..wlen) (avail bytes readable from wt): chunks
 * the fast path may take (seg_fast_may_take) take the fused path; every other stretch -- a chunk
 * the fast path hands back, then the chunks after it that it may not take, as seg_run would batch
 * them -- is segmented by seg_run_part with the window as context, which gives exactly the spans
 * seg_run gives there and says where the next chunk for the fast path starts. */
static topics_status terms_window(tok *t, const char *wt, size_t wlen, size_t avail, walk *w) {
  const unsigned char *p = (const unsigned char *)wt;
  seg_ctx ctx = {wt, wlen, -1};
  size_t i = 0;
  topics_status st;
  while (i < wlen) {
    while (i < wlen && (seg_ascii_class[p[i]] & SEG_B_WS)) {
      if (p[i] == '\n' || p[i] == '\r') w->gap = w->marked;
      i++;
    }
    if (i >= wlen) break;
    if (seg_fast_may_take(p, i, wlen)) {
      if ((st = ascii_terms(t, wt, i, wlen, avail, w, &i)) != TOPICS_OK) return st;
      if (i >= wlen) break;
    }
    t->nspans = 0;
    st = seg_run_part(t->seg, &ctx, i, wlen, &t->spans, &t->nspans, &t->scap, &i);
    if (st != TOPICS_OK) return st;
    if ((st = span_terms(t, wt, avail, w)) != TOPICS_OK) return st;
    if (w->marked && t->nspans) { /* white space after the last span, up to i */
      const seg_span *last = &t->spans[t->nspans - 1];
      if (has_line_end(wt, last->start + last->len, i)) w->gap = 1;
    }
  }
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
    uint32_t id = UINT32_MAX; /* no lookup yet */
    size_t last = i;
    if (sp->kind != SEG_PROTECTED && (t->c->has_dict || (!w->fn && sp->kind <= SEG_IDEO))) {
      uint8_t fl;
      if ((st = lookup_fast(t, wt + sp->start, sp->len, wtlen - sp->start, &id, &fl)) != TOPICS_OK)
        return st;
      kept = (fl & TC_DICT) || ((fl & TC_KEEP) && sp->kind <= SEG_IDEO);
      if (fl & TC_DSTART) {
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
    if (w->marked && i > 0 &&
        has_line_end(wt, t->spans[i - 1].start + t->spans[i - 1].len, wstart))
      w->gap = 1;
    if (w->fn) {
      if (w->fn(w->ud, base + wstart, wlen)) {
        *stop = 1;
        return TOPICS_OK;
      }
    } else if (kept) {
      if ((st = put_id(w, id)) != TOPICS_OK) return st;
    } else if (w->marked) {
      if (sp->kind <= SEG_IDEO && id != UINT32_MAX) st = put_dropped(t, w, id);
      else if (w->hyphens && inner_hyphen(wt, t->spans, n, i)) w->hy = 1;
      else w->gap = 1;
      if (st != TOPICS_OK) return st;
    }
    i = last + 1;
  }
  *next = i;
  return TOPICS_OK;
}

static topics_status walk_text(tok *t, const char *text, size_t len, walk *w) {
  /* Between calls tok_cache_reclaim may have freed the tables this tok last saw. */
  t->tab = tc_table_now(t->c);
  size_t pos = 0;
  int stop = 0;
  while (pos < len && !stop) {
    size_t end = window_end(text, pos, len);
    if (w->marked && pos > 0) { /* a line end in the white space the last window ended with */
      size_t b = pos;
      while (b > 0 && (text[b - 1] == ' ' || text[b - 1] == '\t' || text[b - 1] == '\n' ||
                       text[b - 1] == '\r'))
        b--;
      if (has_line_end(text, b, pos)) w->gap = 1;
    }
    /* Joins need Han spans: a window without CJK characters takes the fast path. */
    if (!t->c->has_dict && !w->fn && (!t->join || !utf8_may_hold_cjk(text + pos, end - pos))) {
      topics_status st = terms_window(t, text + pos, end - pos, len - pos, w);
      if (st != TOPICS_OK) return st;
      pos = end;
      continue;
    }
    t->nspans = 0;
    topics_status st = seg_run(t->seg, text + pos, end - pos, &t->spans, &t->nspans, &t->scap);
    if (st != TOPICS_OK) return st;
    if (t->join) seg_join(t->join, text + pos, t->spans, 0, &t->nspans);
    size_t n = t->nspans, limit = n;
    if (n == 0) {
      pos = end;
      continue;
    }
    if (pos > 0) { /* a window cut inside a run of letters continues the previous word run */
      char c = text[pos - 1];
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') t->spans[0].glued = 1;
    }
    if (t->c->has_dict && end < len && n > t->c->lx->dict_max_parts) {
      /* Hold the last spans back for the next window, so a phrase that would run past the end
       * of this one is matched there whole; restart at a span that follows white space. */
      size_t k = n - t->c->lx->dict_max_parts;
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

void tok_set_joiner(tok *t, const seg_joiner *j) { t->join = j; }

/* The walk of a whole text whose segmentation sp[0..n) the caller gives: the joins, then the
 * dictionary and the terms as walk_text does them. The walk runs on the caller's spans, joined in
 * place, rather than on a copy: they cover a whole line, which may be a megabyte of text. */
static topics_status walk_spans(tok *t, const char *text, size_t len, seg_span *sp, size_t n,
                                walk *w) {
  t->tab = tc_table_now(t->c);
  seg_span *own = t->spans;
  size_t owncap = t->scap;
  t->spans = sp; /* joins only shorten it, and nothing below grows it */
  t->scap = n;
  t->nspans = n;
  if (t->join) seg_join(t->join, text, t->spans, 0, &t->nspans);
  size_t next;
  int stop = 0;
  topics_status st = do_spans(t, text, 0, len, t->nspans, w, &next, &stop);
  t->spans = own;
  t->scap = owncap;
  t->nspans = 0;
  return st;
}

topics_status tok_raw_spans(tok *t, const char *text, size_t len, seg_span *sp, size_t n,
                            tok_word_fn fn, void *ud) {
  walk w = {fn, ud, NULL, NULL, NULL, 0, 0, 0, 0, 0};
  return walk_spans(t, text, len, sp, n, &w);
}

topics_status tok_terms_spans(tok *t, const char *text, size_t len, seg_span *sp, size_t n,
                              uint32_t **ids, size_t *nids, size_t *cap) {
  walk w = {NULL, NULL, ids, nids, cap, 0, 0, *nids, 0, 0};
  return walk_spans(t, text, len, sp, n, &w);
}

topics_status tok_raw(tok *t, const char *text, size_t len, tok_word_fn fn, void *ud) {
  walk w = {fn, ud, NULL, NULL, NULL, 0, 0, 0, 0, 0};
  return walk_text(t, text, len, &w);
}

topics_status tok_terms(tok *t, const char *text, size_t len, uint32_t **ids, size_t *n,
                        size_t *cap) {
  walk w = {NULL, NULL, ids, n, cap, 0, 0, *n, 0, 0};
  return walk_text(t, text, len, &w);
}

topics_status tok_terms_marked(tok *t, const char *text, size_t len, uint32_t **ids, size_t *n,
                               size_t *cap) {
  walk w = {NULL, NULL, ids, n, cap, 1, 0, *n, t->hyphens, 0};
  return walk_text(t, text, len, &w);
}

void tok_set_hyphens(tok *t, int on) { t->hyphens = on != 0; }
