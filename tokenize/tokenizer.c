/* Text to terms: segmentation (segmenter.h), then the term cache. Each distinct raw word form is
 * normalised, stop-checked and stemmed once, on its first sighting; every later occurrence costs
 * one probe of an open-addressing table that keeps the word's bytes in the slot (words of up to 16
 * bytes: nearly all), so a hit reads one slot and compares two 64-bit words. Case variants share
 * the work: a second table, keyed by normalised form, lets "Testing" reuse what was worked out for
 * "testing". Strings (surfaces, match forms, term keys) live in an arena and never move. User-
 * dictionary phrases are merged here, by longest match over the span sequence, comparing the
 * spans' normalised (and Han-folded) forms.
 *
 * Without a dictionary, tok_terms fuses the ASCII fast path of the segmenter with the lookups (no
 * span array for plain English), and looks words up a few words behind the scan so that their
 * slots can be prefetched. Long texts are segmented in windows of about WINDOW bytes cut at white
 * space, so the span array stays small and in cache whatever the size of the input. */
#include "tokenize/tokenizer.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "common/arena.h"
#include "common/mem.h"
#include "common/strmap.h"
#include "common/utf8.h"
#include "tokenize/lexicon_int.h"
#include "tokenize/normalize.h"
#include "tokenize/seg_int.h"
#include "tokenize/segmenter.h"
#include "tokenize/stem.h"

#define WINDOW ((size_t)1 << 16)
#define SHORT_MAX 16      /* longest key kept in a table slot */
#define KT_START 1024     /* initial slots of a key table (a power of two) */
#define LAG 8             /* words between a lookup's prefetch and the lookup */
#define QCAP 64           /* the fused path's queue of words (a power of two, > LAG) */

enum {
  F_KEEP = 1,      /* a term when its span is a word (not for numbers, punctuation, ...) */
  F_DICT = 2,      /* a whole dictionary key: always a term, never stemmed */
  F_DSTART = 4,    /* its form starts some dictionary key */
  F_CJK_FIRST = 8, /* first / last code point is CJK: no space when joining parts of a key */
  F_CJK_LAST = 16,
  F_KNOWN = 128    /* n_flags only: this normalised form has been worked out */
};

/* A key table: byte strings -> uint32 values (and 8 bits of flags). Keys of 1..SHORT_MAX bytes sit
 * in the slots themselves (open addressing, linear probing, load under 1/2); other keys (longer,
 * or empty) go to a strmap whose ids index long_v. */
typedef struct kslot {
  uint64_t w[2]; /* the key's bytes, zero padded */
  uint32_t v1;   /* value + 1; 0 marks an empty slot (then len and w are 0 too) */
  uint8_t len;
  uint8_t flags;
} kslot;

typedef struct ktab {
  kslot *s;
  size_t mask, count; /* slot count - 1; keys in slots */
  strmap *longs;
  uint32_t *long_v, *long_f; /* by strmap id: value, flags */
  size_t lcap;
} ktab;

struct tok {
  const lex *lx;
  int fold;     /* Han fold for term keys and dictionary matching */
  int has_dict; /* the lexicon has dictionary entries */
  segmenter *seg;
  norm_han *han;
  stem *stm;
  ktab raw;       /* raw word form -> entry id (flags: the entry's flags) */
  ktab vnorm;     /* normalised forms first met through a different raw form ("testing" after
                   * "Testing") -> index in the n_* arrays; other forms are found in raw */
  arena strings; /* every string below */
  /* By entry, ids 0 .. nent-1 in order of first sighting: index in the n_* arrays, flags. */
  uint32_t *e_n;
  uint8_t *e_flags;
  uint32_t nent;
  size_t ecap;
  /* By normalised form (and by dictionary phrase): its surface (normalised, not folded), match
   * form (Han-folded unless --no-fold-han), term key (the form, stemmed), their lengths, flags
   * (F_KNOWN once worked out). */
  const char **n_surf, **n_form, **n_term;
  uint32_t *n_slen, *n_flen, *n_tlen;
  uint8_t *n_flags;
  uint32_t nn;
  size_t ncap;
  seg_span *spans;
  size_t nspans, scap;
  char *kb; /* dictionary key being matched */
  size_t kcap;
  char *sb; /* surface of a phrase being built */
  size_t sbcap;
  char *nb; /* normalised form of a new word (the common case needs no malloc) */
  size_t nbcap;
};

tok_options tok_default_options(void) {
  tok_options o = {1};
  return o;
}

/* ---- key tables ---- */

/* Zeroed slots. Large tables come straight from mmap, asking for huge pages: lookups land all
 * over the table, and 4 KiB pages would cost a TLB miss (and, when fresh, a page fault) apiece. */
#define KT_BIG ((size_t)2 << 20)
static kslot *slots_alloc(size_t n) {
  size_t bytes = n * sizeof(kslot);
#if defined(MAP_ANONYMOUS) && defined(MADV_HUGEPAGE)
  if (bytes >= KT_BIG) {
    void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return NULL;
    madvise(p, bytes, MADV_HUGEPAGE); /* only a hint: no matter if refused */
    return p;
  }
#endif
  return calloc(n, sizeof(kslot));
}

static void slots_free(kslot *s, size_t n) {
  if (!s) return;
#if defined(MAP_ANONYMOUS) && defined(MADV_HUGEPAGE)
  if (n * sizeof(kslot) >= KT_BIG) {
    munmap(s, n * sizeof(kslot));
    return;
  }
#endif
  (void)n;
  free(s);
}

static int kt_init(ktab *k) {
  memset(k, 0, sizeof *k);
  k->s = slots_alloc(KT_START);
  k->mask = KT_START - 1;
  k->longs = strmap_new();
  return k->s && k->longs;
}

static void kt_free(ktab *k) {
  slots_free(k->s, k->mask + 1);
  strmap_free(k->longs);
  free(k->long_v);
  free(k->long_f);
}

/* The key s[0..len), 1 <= len <= 16, as two zero-padded words. avail: bytes readable at s. */
static inline void load16(const char *s, size_t len, size_t avail, uint64_t w[2]) {
  if (avail >= 16) { /* one unaligned load, then mask: no variable-length copy */
    memcpy(w, s, 16);
    if (len < 8) {
      w[0] &= ~0ull >> (64 - 8 * len);
      w[1] = 0;
    } else if (len < 16) {
      w[1] &= len > 8 ? ~0ull >> (64 - 8 * (len - 8)) : 0;
    }
  } else {
    w[0] = w[1] = 0;
    memcpy(w, s, len);
  }
}

/* Hash of a short key: one 64x64->128 multiply, folded. */
static inline uint64_t key_hash(const uint64_t w[2], size_t len) {
  __uint128_t r = (__uint128_t)(w[0] ^ 0x9e3779b97f4a7c15ull) *
                  (w[1] ^ (len * 0xff51afd7ed558ccdull) ^ 0xc2b2ae3d27d4eb4full);
  return (uint64_t)r ^ (uint64_t)(r >> 64);
}

/* Starts loading the slot where a short key with hash h would be (it may straddle two lines). */
static inline void kt_prefetch(const ktab *k, uint64_t h) {
  const kslot *sl = &k->s[h & k->mask];
  __builtin_prefetch(sl);
  __builtin_prefetch((const char *)(sl + 1) - 1);
}

/* The slot holding the short key (w, len), or the empty slot where it would go. */
static inline kslot *kt_probe(const ktab *k, const uint64_t w[2], size_t len, uint64_t h) {
  size_t i = h & k->mask;
  for (;;) {
    kslot *sl = &k->s[i];
    if (sl->w[0] == w[0] && sl->w[1] == w[1] && sl->len == len) return sl;
    if (!sl->v1) return sl;
    i = (i + 1) & k->mask;
  }
}

static topics_status kt_grow(ktab *k) {
  size_t nsize = (k->mask + 1) * 2;
  kslot *ns = slots_alloc(nsize);
  if (!ns) return TOPICS_ENOMEM;
  kslot *old = k->s;
  size_t oldn = k->mask + 1;
  k->s = ns;
  k->mask = nsize - 1;
  for (size_t i = 0; i < oldn; i++)
    if (old[i].v1) *kt_probe(k, old[i].w, old[i].len, key_hash(old[i].w, old[i].len)) = old[i];
  slots_free(old, oldn);
  return TOPICS_OK;
}

/* 1 and *v, *flags (may be NULL) set when s[0..len) is in k. */
static int kt_find(const ktab *k, const char *s, size_t len, uint32_t *v, uint8_t *flags) {
  if (len - 1 < SHORT_MAX) {
    uint64_t w[2];
    load16(s, len, len, w);
    const kslot *sl = kt_probe(k, w, len, key_hash(w, len));
    if (!sl->v1) return 0;
    *v = sl->v1 - 1;
    if (flags) *flags = sl->flags;
    return 1;
  }
  uint32_t id;
  if (!strmap_find(k->longs, s, len, &id)) return 0;
  *v = k->long_v[id];
  if (flags) *flags = (uint8_t)k->long_f[id];
  return 1;
}

/* Adds s[0..len), which must not be in k yet, with value v and flags. */
static topics_status kt_add(ktab *k, const char *s, size_t len, uint32_t v, uint8_t flags) {
  if (len - 1 < SHORT_MAX) {
    if ((k->count + 1) * 2 > k->mask + 1 && kt_grow(k) != TOPICS_OK) return TOPICS_ENOMEM;
    uint64_t w[2];
    load16(s, len, len, w);
    kslot *sl = kt_probe(k, w, len, key_hash(w, len));
    sl->w[0] = w[0];
    sl->w[1] = w[1];
    sl->len = (uint8_t)len;
    sl->flags = flags;
    sl->v1 = v + 1;
    k->count++;
    return TOPICS_OK;
  }
  uint32_t id;
  size_t c1 = k->lcap, c2 = k->lcap;
  if (MEM_RESERVE(k->long_v, c1, (size_t)strmap_count(k->longs) + 1) != TOPICS_OK ||
      MEM_RESERVE(k->long_f, c2, (size_t)strmap_count(k->longs) + 1) != TOPICS_OK)
    return TOPICS_ENOMEM;
  k->lcap = c1 < c2 ? c1 : c2;
  topics_status st = strmap_intern(k->longs, s, len, &id, NULL);
  if (st != TOPICS_OK) return st;
  k->long_v[id] = v;
  k->long_f[id] = flags;
  return TOPICS_OK;
}

/* ---- strings ---- */

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
  int ok = kt_init(&t->raw);
  ok &= kt_init(&t->vnorm);
  if (!ok) {
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
  kt_free(&t->raw);
  kt_free(&t->vnorm);
  arena_free(&t->strings);
  free(t->e_n);
  free(t->e_flags);
  free(t->n_surf);
  free(t->n_form);
  free(t->n_term);
  free(t->n_slen);
  free(t->n_flen);
  free(t->n_tlen);
  free(t->n_flags);
  free(t->spans);
  free(t->kb);
  free(t->sb);
  free(t->nb);
  free(t);
}

uint32_t tok_entry_count(const tok *t) { return t->nent; }

const char *tok_entry_term(const tok *t, uint32_t id, size_t *len) {
  uint32_t n = t->e_n[id];
  if (len) *len = t->n_tlen[n];
  return t->n_term[n];
}

const char *tok_entry_surface(const tok *t, uint32_t id, size_t *len) {
  uint32_t n = t->e_n[id];
  if (len) *len = t->n_slen[n];
  return t->n_surf[n];
}

static const char *entry_form(const tok *t, uint32_t id, size_t *len) {
  uint32_t n = t->e_n[id];
  *len = t->n_flen[n];
  return t->n_form[n];
}

/* ---- entries and normalised forms ---- */

/* A word of one code point: a Latin letter ("a", "é"), or one Han character, kana or hangul
 * syllable. ICU's dictionary leaves single characters mostly where it could not find a word (講 者,
 * 非 同步, 我 哋): fragments and particles that would crowd real words out of topics, as the common
 * practice of dropping one-character Chinese tokens after jieba also says. A --dict entry keeps
 * any word the user wants. */
static int single_letter(const char *s, size_t len) {
  if (len == 0) return 0;
  unsigned cp;
  if (utf8_decode((const unsigned char *)s, len, &cp) != len) return 0;
  if ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z') return 1;
  if (cp >= 0xC0 && cp <= 0x24F) return cp != 0xD7 && cp != 0xF7;
  return (cp >= 0x3040 && cp <= 0x30FF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
         (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xAC00 && cp <= 0xD7A3) ||
         (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x20000 && cp <= 0x3134F);
}

static int sep_needed(uint8_t prev_flags, uint8_t next_flags, int glued) {
  return !glued && !(prev_flags & F_CJK_LAST) && !(next_flags & F_CJK_FIRST);
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

/* A new, not yet worked out record in the n_* arrays; *nid gets its index. */
static topics_status new_norm(tok *t, uint32_t *nid) {
  if (t->nn >= UINT32_MAX - 2) return TOPICS_ELIMIT;
  if (t->nn >= t->ncap) {
    size_t need = (size_t)t->nn + 1, c[7];
    for (int i = 0; i < 7; i++) c[i] = t->ncap;
    if (MEM_RESERVE(t->n_surf, c[0], need) != TOPICS_OK ||
        MEM_RESERVE(t->n_form, c[1], need) != TOPICS_OK ||
        MEM_RESERVE(t->n_term, c[2], need) != TOPICS_OK ||
        MEM_RESERVE(t->n_slen, c[3], need) != TOPICS_OK ||
        MEM_RESERVE(t->n_flen, c[4], need) != TOPICS_OK ||
        MEM_RESERVE(t->n_tlen, c[5], need) != TOPICS_OK ||
        MEM_RESERVE(t->n_flags, c[6], need) != TOPICS_OK)
      return TOPICS_ENOMEM;
    size_t m = c[0];
    for (int i = 1; i < 7; i++) m = c[i] < m ? c[i] : m;
    t->ncap = m;
  }
  *nid = t->nn++;
  t->n_flags[*nid] = 0;
  return TOPICS_OK;
}

/* Stores the strings and flags of record nid: surface surf, match form form, term key term (each
 * shares the previous one's copy when equal). */
static topics_status set_norm(tok *t, uint32_t nid, const char *surf, size_t slen,
                              const char *form, size_t flen, const char *term, size_t tlen,
                              uint8_t flags) {
  const char *s = arena_copy(&t->strings, surf, slen);
  const char *f = (flen == slen && memcmp(form, surf, slen) == 0) ? s : arena_copy(&t->strings, form, flen);
  const char *k = (tlen == flen && memcmp(term, form, flen) == 0) ? f : arena_copy(&t->strings, term, tlen);
  if (!s || !f || !k) return TOPICS_ENOMEM;
  t->n_surf[nid] = s;
  t->n_form[nid] = f;
  t->n_term[nid] = k;
  t->n_slen[nid] = (uint32_t)slen;
  t->n_flen[nid] = (uint32_t)flen;
  t->n_tlen[nid] = (uint32_t)tlen;
  t->n_flags[nid] = flags | F_KNOWN;
  return TOPICS_OK;
}

/* Records a new entry for raw form raw[0..rlen) with record nid. */
static topics_status add_entry(tok *t, const char *raw, size_t rlen, uint32_t nid, uint32_t *id) {
  uint32_t n = t->nent;
  if (n >= UINT32_MAX - 2) return TOPICS_ELIMIT;
  if (n >= t->ecap) {
    size_t c1 = t->ecap, c2 = t->ecap;
    if (MEM_RESERVE(t->e_n, c1, (size_t)n + 1) != TOPICS_OK ||
        MEM_RESERVE(t->e_flags, c2, (size_t)n + 1) != TOPICS_OK)
      return TOPICS_ENOMEM;
    t->ecap = c1 < c2 ? c1 : c2;
  }
  uint8_t flags = (uint8_t)(t->n_flags[nid] & ~F_KNOWN);
  topics_status st = kt_add(&t->raw, raw, rlen, n, flags);
  if (st != TOPICS_OK) return st;
  t->e_n[n] = nid;
  t->e_flags[n] = flags;
  t->nent = n + 1;
  *id = n;
  return TOPICS_OK;
}

/* Records a dictionary phrase (its own record, not keyed by a normalised form). */
static topics_status add_phrase(tok *t, const char *raw, size_t rlen, const char *key, size_t klen,
                                const char *surf, size_t slen, uint32_t *id) {
  uint32_t nid;
  topics_status st = new_norm(t, &nid);
  if (st == TOPICS_OK)
    st = set_norm(t, nid, surf, slen, key, klen, key, klen,
                  (uint8_t)(F_KEEP | F_DICT | form_flags(t, key, klen)));
  if (st != TOPICS_OK) return st;
  return add_entry(t, raw, rlen, nid, id);
}

/* Works out normalised form n[0..nlen) into record nid: Han fold, stopword check, dictionary
 * membership, stem. */
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
  return set_norm(t, nid, n, nlen, form, formlen, term, tlen, flags);
}

/* The record of normalised form n[0..nlen), when some raw form has led to it: either raw form n
 * itself is an entry whose record has surface n, or vnorm has it. */
static int find_norm(const tok *t, const char *n, size_t nlen, uint32_t *nid) {
  uint32_t id;
  if (kt_find(&t->raw, n, nlen, &id, NULL)) {
    uint32_t r = t->e_n[id];
    if (t->n_slen[r] == nlen && memcmp(t->n_surf[r], n, nlen) == 0) {
      *nid = r;
      return 1;
    }
  }
  return kt_find(&t->vnorm, n, nlen, nid, NULL);
}

/* The slow path, once per distinct raw word: normalise, then work the normalised form out unless
 * another raw form ("Testing" for "testing") already did. Most raw forms are their own normalised
 * form; then only vnorm can know it (raw itself is new), a small table. */
static topics_status new_word(tok *t, const char *raw, size_t rlen, uint32_t *id) {
  char *heap = NULL;
  const char *n;
  size_t nlen = rlen;
  if (MEM_RESERVE(t->nb, t->nbcap, rlen + 1) != TOPICS_OK) return TOPICS_ENOMEM;
  topics_status st = TOPICS_OK;
  if (norm_text_simple(raw, rlen, t->nb)) {
    n = t->nb;
  } else {
    if ((st = norm_text(raw, rlen, &heap, &nlen)) != TOPICS_OK) return st;
    n = heap;
  }
  int self = nlen == rlen && memcmp(n, raw, rlen) == 0;
  uint32_t nid;
  int found = self ? kt_find(&t->vnorm, n, nlen, &nid, NULL) : find_norm(t, n, nlen, &nid);
  if (!found) {
    st = new_norm(t, &nid);
    /* A form met through another raw form goes to vnorm; otherwise the entry made below for raw
     * (which is the form) leads to it. */
    if (st == TOPICS_OK && !self) st = kt_add(&t->vnorm, n, nlen, nid, 0);
  }
  if (st == TOPICS_OK && !(t->n_flags[nid] & F_KNOWN)) st = work_out(t, n, nlen, nid);
  free(heap);
  if (st != TOPICS_OK) return st;
  return add_entry(t, raw, rlen, nid, id);
}

/* ---- lookups ---- */

/* 1 and *id set when raw[0..rlen) has an entry. */
static int raw_find(const tok *t, const char *raw, size_t rlen, uint32_t *id) {
  return kt_find(&t->raw, raw, rlen, id, NULL);
}

/* Out of line: the first sighting of a short form, or a form of another length. */
static __attribute__((noinline)) topics_status lookup_slow(tok *t, const char *raw, size_t rlen,
                                                           uint32_t *id, uint8_t *flags) {
  if (!raw_find(t, raw, rlen, id)) {
    topics_status st = new_word(t, raw, rlen, id);
    if (st != TOPICS_OK) return st;
  }
  *flags = t->e_flags[*id];
  return TOPICS_OK;
}

/* The entry of the short form (w, rlen) at raw, hash h, created on first sight; *flags gets its
 * flags. The hot path of the whole tokenizer. */
static inline topics_status lookup_short(tok *t, const char *raw, size_t rlen, const uint64_t w[2],
                                         uint64_t h, uint32_t *id, uint8_t *flags) {
  const kslot *sl = kt_probe(&t->raw, w, rlen, h);
  if (sl->v1) {
    *id = sl->v1 - 1;
    *flags = sl->flags;
    return TOPICS_OK;
  }
  return lookup_slow(t, raw, rlen, id, flags);
}

/* The entry of raw[0..rlen) (avail bytes readable from raw), created on first sight. */
static inline topics_status lookup_fast(tok *t, const char *raw, size_t rlen, size_t avail,
                                        uint32_t *id, uint8_t *flags) {
  if (rlen - 1 < SHORT_MAX) {
    uint64_t w[2];
    load16(raw, rlen, avail, w);
    return lookup_short(t, raw, rlen, w, key_hash(w, rlen), id, flags);
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
  if (raw_find(t, raw, rlen, pid)) return TOPICS_OK;
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
  return add_phrase(t, raw, rlen, t->kb, best_klen, t->sb, slen, pid);
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

/* A word waiting for its lookup: where it is, its bytes as load16 gives them and their hash. */
typedef struct qword {
  uint64_t w[2];
  uint64_t h;
  uint32_t start, len;
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
    if (x->len <= SHORT_MAX)
      st = lookup_short(t, wt + x->start, x->len, x->w, x->h, &id, &fl);
    else
      st = lookup_slow(t, wt + x->start, x->len, &id, &fl);
    if (st != TOPICS_OK) return st;
    if ((fl & F_KEEP) && (st = put_id(w, id)) != TOPICS_OK) return st;
  }
  return TOPICS_OK;
}

/* The fused ASCII path of tok_terms: segments ASCII text from wt[i] on exactly as the segmenter's
 * fast path does (seg_ascii_scan), but queues the words for lookup instead of building spans.
 * Numbers and punctuation are never terms, and no merge changes an ASCII word, so only words
 * (segments with a letter) are queued. Stops at the first chunk that needs the general route;
 * *stop gets its start (wlen when the window is done). avail: bytes readable from wt. */
static topics_status ascii_terms(tok *t, const char *wt, size_t i, size_t wlen, size_t avail,
                                 walk *w, size_t *stop) {
  const unsigned char *p = (const unsigned char *)wt;
  wqueue q;
  q.head = q.cm = q.tl = 0;
  size_t chunk = i;
  topics_status st;
  for (;;) {
    if (i >= wlen) break;
    unsigned c = seg_ascii_class[p[i]];
    if (c & SEG_B_WS) { /* the chunk is done: its words are final */
      q.cm = q.tl;
      if (q.cm - q.head > LAG && (st = drain(t, &q, wt, avail, LAG, w)) != TOPICS_OK) return st;
      chunk = ++i;
      continue;
    }
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
      if (j - i <= SHORT_MAX) {
        load16(wt + i, j - i, avail - i, x->w);
        x->h = key_hash(x->w, j - i);
        kt_prefetch(&t->raw, x->h);
      }
    }
    i = j;
  }
  q.cm = q.tl; /* the window ends: the last chunk is done too */
  *stop = wlen;
  return drain(t, &q, wt, avail, 0, w);
bail:
  *stop = chunk;
  return drain(t, &q, wt, avail, 0, w);
}

/* Looks up the word spans of t->spans[0..nspans) (window text wt, avail bytes readable), each
 * slot prefetched LAG spans ahead. */
static topics_status span_terms(tok *t, const char *wt, size_t avail, walk *w) {
  qword ring[LAG];
  size_t n = t->nspans;
  const seg_span *sp = t->spans;
  topics_status st;
  for (size_t k = 0; k < n + LAG; k++) {
    if (k >= LAG && sp[k - LAG].kind <= SEG_IDEO) { /* look span k - LAG up, from its ring slot */
      size_t m = k - LAG;
      uint32_t id;
      uint8_t fl;
      if (sp[m].len - 1 < SHORT_MAX) {
        const qword *x = &ring[m % LAG];
        st = lookup_short(t, wt + sp[m].start, sp[m].len, x->w, x->h, &id, &fl);
      } else {
        st = lookup_slow(t, wt + sp[m].start, sp[m].len, &id, &fl);
      }
      if (st != TOPICS_OK) return st;
      if ((fl & F_KEEP) && (st = put_id(w, id)) != TOPICS_OK) return st;
    }
    if (k < n && sp[k].kind <= SEG_IDEO && sp[k].len - 1 < SHORT_MAX) { /* then reuse it */
      qword *x = &ring[k % LAG];
      load16(wt + sp[k].start, sp[k].len, avail - sp[k].start, x->w);
      x->h = key_hash(x->w, sp[k].len);
      kt_prefetch(&t->raw, x->h);
    }
  }
  return TOPICS_OK;
}

/* tok_terms without a dictionary, on the window wt[0..wlen) (avail bytes readable from wt): ASCII
 * chunks take the fused path; every other stretch -- a chunk the fast path hands back, then the
 * chunks after it that start with a non-ASCII byte, as seg_run would batch them -- is segmented by
 * seg_run_part with the window as context, which gives exactly the spans seg_run gives there and
 * says where the next ASCII chunk starts. */
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
    t->nspans = 0;
    st = seg_run_part(t->seg, &ctx, i, wlen, &t->spans, &t->nspans, &t->scap, &i);
    if (st != TOPICS_OK) return st;
    if ((st = span_terms(t, wt, avail, w)) != TOPICS_OK) return st;
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
