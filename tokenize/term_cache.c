/* The term cache (term_cache.h): the lock-free table of short raw forms, the locked side tables,
 * chunked entries and records, and the first-sighting work. */
#include "tokenize/term_cache.h"

#include <stdlib.h>
#include <sys/mman.h>

#include "common/mem.h"
#include "common/utf8.h"
#include "tokenize/lexicon_int.h"

#define TC_START 1024                   /* initial slots (a power of two) */
#define TC_NCHUNKS ((size_t)1 << (32 - TC_CSHIFT)) /* chunk pointers: room for 2^32 ids */
#define TC_BIG ((size_t)2 << 20)

/* ---- the table ---- */

/* A zeroed table of n slots, its pages written at once. Large ones come straight from mmap, asking
 * for huge pages: lookups land all over the table, and 4 KiB pages would cost a TLB miss apiece.
 * Writing the zeros now matters with several threads: a page first read by a lookup maps the
 * shared zero page, and the first insert into it then costs a fault and a TLB shootdown that
 * stops every thread. */
static tc_table *table_alloc(size_t n) {
  size_t bytes = sizeof(tc_table) + n * sizeof(tc_slot);
  tc_table *t;
#if defined(MAP_ANONYMOUS) && defined(MADV_HUGEPAGE)
  if (bytes >= TC_BIG) {
    void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return NULL;
    madvise(p, bytes, MADV_HUGEPAGE); /* only a hint: no matter if refused */
    t = p;
  } else
#endif
  {
    t = malloc(bytes);
    if (!t) return NULL;
  }
  memset(t, 0, bytes);
  t->mask = n - 1;
  t->older = NULL;
  return t;
}

static void table_free(tc_table *t) {
  if (!t) return;
  size_t bytes = sizeof(tc_table) + (t->mask + 1) * sizeof(tc_slot);
#if defined(MAP_ANONYMOUS) && defined(MADV_HUGEPAGE)
  if (bytes >= TC_BIG) {
    munmap(t, bytes);
    return;
  }
#endif
  free(t);
}

/* The slot of t holding short key (w, len), or the empty slot where it would go. Under mu (or on
 * a table nobody else sees yet). */
static tc_slot *probe_locked(tc_table *t, const uint64_t w[2], size_t len, uint64_t h) {
  size_t i = h & t->mask;
  for (;;) {
    tc_slot *sl = &t->s[i];
    if (!sl->v1 || (sl->w[0] == w[0] && sl->w[1] == w[1] && sl->len == len)) return sl;
    i = (i + 1) & t->mask;
  }
}

/* Doubles the table: the new one is filled, then published; readers still on the old one find
 * fewer words, and the slow path finds the rest under the lock. */
static topics_status grow_locked(tok_cache *c) {
  tc_table *old = c->cur;
  size_t n;
  if (mem_mul(old->mask + 1, 2, &n) != TOPICS_OK) return TOPICS_ENOMEM;
  tc_table *t = c->spare && c->spare->mask + 1 == n ? c->spare : table_alloc(n);
  if (!t) return TOPICS_ENOMEM;
  if (t == c->spare) c->spare = NULL;
  for (size_t i = 0; i <= old->mask; i++)
    if (old->s[i].v1) *probe_locked(t, old->s[i].w, old->s[i].len, tc_hash(old->s[i].w, old->s[i].len)) = old->s[i];
  if (c->shared) {
    t->older = old;
  } else {
    table_free(old);
  }
  __atomic_store_n(&c->cur, t, __ATOMIC_RELEASE);
  return TOPICS_OK;
}

/* Under mu: 1 and *id set when raw[0..rlen) has an entry. */
static int find_locked(tok_cache *c, const char *raw, size_t rlen, uint32_t *id) {
  if (rlen - 1 < TC_SHORT) {
    uint64_t w[2];
    tc_load16(raw, rlen, rlen, w);
    const tc_slot *sl = probe_locked(c->cur, w, rlen, tc_hash(w, rlen));
    if (!sl->v1) return 0;
    *id = sl->v1 - 1;
    return 1;
  }
  uint32_t k;
  if (!strmap_find(c->longs, raw, rlen, &k)) return 0;
  *id = c->long_e[k];
  return 1;
}

/* ---- entries and records ---- */

/* Copies of a record's strings, made outside the lock in the calling thread's arena: the surface,
 * the match form and the term key, each sharing the previous one's copy when equal. */
typedef struct rec_strings {
  const char *surf, *form, *term;
  size_t slen, flen, tlen;
} rec_strings;

static topics_status rec_copy(arena *a, const char *surf, size_t slen, const char *form, size_t flen,
                              const char *term, size_t tlen, rec_strings *o) {
  o->surf = arena_copy(a, surf, slen);
  o->form = (o->surf && flen == slen && memcmp(form, surf, slen) == 0) ? o->surf
                                                                       : arena_copy(a, form, flen);
  o->term = (o->form && tlen == flen && memcmp(term, form, flen) == 0) ? o->form
                                                                       : arena_copy(a, term, tlen);
  o->slen = slen;
  o->flen = flen;
  o->tlen = tlen;
  return o->surf && o->form && o->term ? TOPICS_OK : TOPICS_ENOMEM;
}

/* Under mu: a new record for strings rs (which must outlive the cache) and flags; *nid gets its
 * index. */
static topics_status rec_new_locked(tok_cache *c, const rec_strings *rs, uint8_t flags,
                                    uint32_t *nid) {
  uint32_t r = c->nrec;
  if (r >= UINT32_MAX - 2) return TOPICS_ELIMIT;
  tc_rec **chunk = &c->rec[r >> TC_CSHIFT];
  if (!*chunk && !(*chunk = malloc(sizeof(tc_rec) << TC_CSHIFT))) return TOPICS_ENOMEM;
  tc_rec *rc = &(*chunk)[r & TC_CMASK];
  rc->surf = rs->surf;
  rc->form = rs->form;
  rc->term = rs->term;
  rc->slen = (uint32_t)rs->slen;
  rc->flen = (uint32_t)rs->flen;
  rc->tlen = (uint32_t)rs->tlen;
  rc->flags = flags;
  c->nrec = r + 1;
  *nid = r;
  return TOPICS_OK;
}

/* Under mu: a new entry for raw form raw[0..rlen) (not in the cache yet) with record nid. The
 * entry is complete before its slot is published. */
static topics_status ent_new_locked(tok_cache *c, const char *raw, size_t rlen, uint32_t nid,
                                    uint32_t *id) {
  uint32_t e = c->nent;
  if (e >= UINT32_MAX - 2) return TOPICS_ELIMIT;
  tc_entry **chunk = &c->ent[e >> TC_CSHIFT];
  if (!*chunk && !(*chunk = malloc(sizeof(tc_entry) << TC_CSHIFT))) return TOPICS_ENOMEM;
  uint8_t flags = c->rec[nid >> TC_CSHIFT][nid & TC_CMASK].flags;
  tc_entry *en = &c->ent[e >> TC_CSHIFT][e & TC_CMASK];
  en->rec = nid;
  en->flags = flags;
  if (rlen - 1 < TC_SHORT) {
    if ((c->count + 1) * 2 > c->cur->mask + 1 && grow_locked(c) != TOPICS_OK) return TOPICS_ENOMEM;
    uint64_t w[2];
    tc_load16(raw, rlen, rlen, w);
    tc_slot *sl = probe_locked(c->cur, w, rlen, tc_hash(w, rlen));
    sl->w[0] = w[0];
    sl->w[1] = w[1];
    sl->len = (uint8_t)rlen;
    sl->flags = flags;
    __atomic_store_n(&sl->v1, e + 1, __ATOMIC_RELEASE);
    c->count++;
    /* At 3/8 full, ask for the next table: a thread allocates and zeroes it outside the lock, so
     * growing at 1/2 only rehashes while the others wait. */
    if (c->shared && !c->spare && c->count * 8 >= (c->cur->mask + 1) * 3)
      __atomic_store_n(&c->spare_state, 1, __ATOMIC_RELAXED);
  } else {
    uint32_t k;
    if (MEM_RESERVE(c->long_e, c->lcap, (size_t)strmap_count(c->longs) + 1) != TOPICS_OK)
      return TOPICS_ENOMEM;
    topics_status st = strmap_intern(c->longs, raw, rlen, &k, NULL);
    if (st != TOPICS_OK) return st;
    c->long_e[k] = e;
  }
  __atomic_store_n(&c->nent, e + 1, __ATOMIC_RELEASE);
  *id = e;
  return TOPICS_OK;
}

/* The record an entry of raw form n leads to, when it has surface n itself: then it is the record
 * of normalised form n. Without the lock for short n (an entry is complete once visible). */
static int norm_record(tok_cache *c, const char *n, size_t nlen, int locked, uint32_t *nid) {
  uint32_t id;
  if (!(locked ? find_locked(c, n, nlen, &id) : tc_find(c, n, nlen, &id))) return 0;
  uint32_t r = tc_ent(c, id)->rec;
  const tc_rec *rc = &c->rec[r >> TC_CSHIFT][r & TC_CMASK];
  if (rc->slen != nlen || memcmp(rc->surf, n, nlen) != 0) return 0;
  *nid = r;
  return 1;
}

/* ---- first sightings ---- */

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

/* Flags that follow from the match form alone: dictionary prefix, CJK edges. */
static uint8_t form_flags(const tok_cache *c, const char *form, size_t flen) {
  uint8_t flags = 0;
  uint32_t dummy;
  if (c->has_dict && strmap_find(c->lx->dict_pre[c->fold], form, flen, &dummy)) flags |= TC_DSTART;
  if (norm_is_cjk(norm_first_cp(form, flen))) flags |= TC_CJK_FIRST;
  if (norm_is_cjk(norm_last_cp(form, flen))) flags |= TC_CJK_LAST;
  return flags;
}

/* What a normalised form works out to. form and term may point into the scratch's tools: valid
 * until their next use. */
typedef struct worked {
  const char *form, *term;
  size_t flen, tlen;
  uint8_t flags;
} worked;

/* Works out normalised form n[0..nlen): Han fold, stopword check, dictionary membership, stem.
 * Touches nothing shared but the read-only lexicon. */
static topics_status work_out(const tok_cache *c, tc_scratch *x, const char *n, size_t nlen,
                              worked *o) {
  const char *f;
  size_t flen;
  topics_status st = norm_han_fold(x->han, n, nlen, &f, &flen);
  if (st != TOPICS_OK) return st;
  o->form = c->fold ? f : n;
  o->flen = c->fold ? flen : nlen;
  o->flags = 0;
  o->term = o->form;
  o->tlen = o->flen;
  uint32_t dummy;
  if (c->has_dict && strmap_find(c->lx->dict_full[c->fold], o->form, o->flen, &dummy)) {
    o->flags = TC_KEEP | TC_DICT; /* the user asked for this word as it is */
  } else {
    int stop = lex_is_stopword(c->lx, n, nlen) || (f != n && lex_is_stopword(c->lx, f, flen));
    if (!stop && nlen > 0 && !single_letter(n, nlen)) o->flags = TC_KEEP;
    /* Dropped words never show their key, so they skip the stemmer (the costliest step). */
    if ((o->flags & TC_KEEP) && stem_applies(o->form, o->flen)) {
      o->term = stem_word(x->stm, o->form, o->flen, &o->tlen);
      if (!o->term) return TOPICS_ENOMEM;
    }
  }
  o->flags |= form_flags(c, o->form, o->flen);
  return TOPICS_OK;
}

/* 1 when normalising n[0..nlen) gives n again, as it does for all but odd strings: then raw form n
 * can have an entry leading to the record of n. */
static int norm_fixed(tc_scratch *x, const char *n, size_t nlen) {
  if (MEM_RESERVE(x->nb2, x->nb2cap, nlen + 1) != TOPICS_OK) return 0;
  if (norm_text_simple(n, nlen, x->nb2)) return memcmp(x->nb2, n, nlen) == 0;
  char *again = NULL;
  size_t alen;
  int same = norm_text(n, nlen, &again, &alen) == TOPICS_OK && alen == nlen &&
             memcmp(again, n, nlen) == 0;
  free(again);
  return same;
}

/* Allocates the next table when one was asked for and no other thread is at it (outside the
 * lock). Failing to is no error: growing allocates then. */
static void make_spare(tok_cache *c) {
  int want = 1;
  if (__atomic_load_n(&c->spare_state, __ATOMIC_RELAXED) != 1 ||
      !__atomic_compare_exchange_n(&c->spare_state, &want, 2, 0, __ATOMIC_ACQ_REL,
                                   __ATOMIC_RELAXED))
    return;
  size_t n = (tc_table_now(c)->mask + 1) * 2;
  tc_table *t = table_alloc(n);
  pthread_spin_lock(&c->mu);
  if (t && !c->spare && c->cur->mask + 1 == n / 2) {
    c->spare = t;
    t = NULL;
  }
  __atomic_store_n(&c->spare_state, 0, __ATOMIC_RELAXED);
  pthread_spin_unlock(&c->mu);
  table_free(t);
}

/* How normalised forms find their records: every record of a normalised form n is reached from an
 * entry for raw form n itself -- the entry of n's own first sighting, or, when a variant ("Testing")
 * came first, an entry for "testing" made with it. So looking n up as a raw form, without a lock,
 * finds its record if there is one, and a word that is its own normalised form (most words) needs
 * no look at all once its raw lookup missed. */
topics_status tc_lookup_slow(tok_cache *c, tc_scratch *x, const char *raw, size_t rlen,
                             uint32_t *id, uint8_t *flags) {
  char *heap = NULL;
  const char *n;
  size_t nlen = rlen;
  /* The caller may have looked in a table since outgrown, or another thread may have just added
   * the word (long forms have no lock-free route at all): look before doing any work. */
  if (tc_find(c, raw, rlen, id)) {
    *flags = tc_ent(c, *id)->flags;
    return TOPICS_OK;
  }
  if (MEM_RESERVE(x->nb, x->nbcap, rlen + 1) != TOPICS_OK) return TOPICS_ENOMEM;
  if (norm_text_simple(raw, rlen, x->nb)) {
    n = x->nb;
  } else {
    topics_status st = norm_text(raw, rlen, &heap, &nlen);
    if (st != TOPICS_OK) return st;
    n = heap;
  }
  int self = nlen == rlen && memcmp(n, raw, rlen) == 0;
  uint32_t nid;
  topics_status st = TOPICS_OK;
  int have = !self && norm_record(c, n, nlen, 0, &nid), add_n = 0;
  rec_strings rs = {NULL, NULL, NULL, 0, 0, 0};
  uint8_t rflags = 0;
  if (!have) {
    /* The costly part, outside the lock. Now and then it is wasted, when another thread adds the
     * word meanwhile. */
    worked wk;
    st = work_out(c, x, n, nlen, &wk);
    if (st == TOPICS_OK)
      st = rec_copy(&x->strings, n, nlen, wk.form, wk.flen, wk.term, wk.tlen, &rs);
    rflags = wk.flags;
    add_n = !self && norm_fixed(x, n, nlen);
  }
  if (st == TOPICS_OK) {
    pthread_spin_lock(&c->mu);
    if (!find_locked(c, raw, rlen, id)) { /* else another thread was first */
      if (!have && !(!self && norm_record(c, n, nlen, 1, &nid))) {
        st = rec_new_locked(c, &rs, rflags, &nid);
        uint32_t nent;
        if (st == TOPICS_OK && add_n && !find_locked(c, n, nlen, &nent))
          st = ent_new_locked(c, n, nlen, nid, &nent);
      }
      if (st == TOPICS_OK) st = ent_new_locked(c, raw, rlen, nid, id);
    }
    pthread_spin_unlock(&c->mu);
  }
  free(heap);
  if (st != TOPICS_OK) return st;
  make_spare(c);
  *flags = tc_ent(c, *id)->flags;
  return TOPICS_OK;
}

int tc_find(tok_cache *c, const char *raw, size_t rlen, uint32_t *id) {
  if (rlen - 1 < TC_SHORT) {
    uint64_t w[2];
    uint8_t fl;
    tc_load16(raw, rlen, rlen, w);
    return tc_find_short(tc_table_now(c), w, rlen, tc_hash(w, rlen), id, &fl);
  }
  pthread_spin_lock(&c->mu);
  int found = find_locked(c, raw, rlen, id);
  pthread_spin_unlock(&c->mu);
  return found;
}

topics_status tc_add_phrase(tok_cache *c, tc_scratch *x, const char *raw, size_t rlen, const char *key,
                            size_t klen, const char *surf, size_t slen, uint32_t *id) {
  uint8_t flags = (uint8_t)(TC_KEEP | TC_DICT | form_flags(c, key, klen));
  rec_strings rs = {NULL, NULL, NULL, 0, 0, 0};
  topics_status st = rec_copy(&x->strings, surf, slen, key, klen, key, klen, &rs);
  if (st != TOPICS_OK) return st;
  pthread_spin_lock(&c->mu);
  if (!find_locked(c, raw, rlen, id)) {
    uint32_t nid;
    st = rec_new_locked(c, &rs, flags, &nid);
    if (st == TOPICS_OK) st = ent_new_locked(c, raw, rlen, nid, id);
  }
  pthread_spin_unlock(&c->mu);
  return st;
}

/* ---- life cycle ---- */

int tc_scratch_init(tc_scratch *x, topics_status *st) {
  memset(x, 0, sizeof *x);
  x->han = norm_han_new(st);
  if (x->han) x->stm = stem_new(st);
  return x->stm != NULL;
}

void tc_scratch_free(tok_cache *c, tc_scratch *x) {
  norm_han_free(x->han);
  stem_free(x->stm);
  free(x->nb);
  free(x->nb2);
  if (c) { /* the cache's records point into the arena: it keeps it */
    pthread_spin_lock(&c->mu);
    arena_adopt(&c->strings, &x->strings);
    pthread_spin_unlock(&c->mu);
  }
  arena_free(&x->strings);
  memset(x, 0, sizeof *x);
}

static tok_cache *cache_new(const lex *lx, const tok_options *opt, int shared, topics_status *st) {
  tok_cache *c = aligned_alloc(_Alignof(tok_cache), sizeof *c); /* the lock has a line of its own */
  if (!c) {
    *st = TOPICS_ENOMEM;
    return NULL;
  }
  memset(c, 0, sizeof *c);
  c->lx = lx;
  c->fold = opt ? opt->fold_han != 0 : 1;
  c->has_dict = strmap_count(lx->dict_full[0]) > 0;
  c->shared = shared;
  if (pthread_spin_init(&c->mu, PTHREAD_PROCESS_PRIVATE) != 0) {
    free(c);
    *st = TOPICS_ENOMEM;
    return NULL;
  }
  c->cur = table_alloc(TC_START);
  c->longs = strmap_new();
  /* The chunk pointers take 2 MiB of address space each, touched only as ids grow. */
  c->ent = calloc(TC_NCHUNKS, sizeof *c->ent);
  c->rec = calloc(TC_NCHUNKS, sizeof *c->rec);
  if (!c->cur || !c->longs || !c->ent || !c->rec) {
    tok_cache_free(c);
    *st = TOPICS_ENOMEM;
    return NULL;
  }
  *st = TOPICS_OK;
  return c;
}

tok_cache *tok_cache_new(const lex *lx, const tok_options *opt, topics_status *st) {
  return cache_new(lx, opt, 1, st);
}

tok_cache *tc_private_new(const lex *lx, const tok_options *opt, topics_status *st) {
  return cache_new(lx, opt, 0, st);
}

void tok_cache_reclaim(tok_cache *c) {
  if (!c) return;
  pthread_spin_lock(&c->mu);
  tc_table *o = c->cur ? c->cur->older : NULL;
  if (c->cur) c->cur->older = NULL;
  pthread_spin_unlock(&c->mu);
  while (o) {
    tc_table *next = o->older;
    table_free(o);
    o = next;
  }
}

void tok_cache_free(tok_cache *c) {
  if (!c) return;
  tok_cache_reclaim(c);
  table_free(c->cur);
  table_free(c->spare);
  strmap_free(c->longs);
  free(c->long_e);
  arena_free(&c->strings);
  for (size_t i = 0; c->ent && i < TC_NCHUNKS && c->ent[i]; i++) free(c->ent[i]);
  for (size_t i = 0; c->rec && i < TC_NCHUNKS && c->rec[i]; i++) free(c->rec[i]);
  free(c->ent);
  free(c->rec);
  pthread_spin_destroy(&c->mu);
  free(c);
}

uint32_t tok_cache_entry_count(const tok_cache *c) {
  return __atomic_load_n(&c->nent, __ATOMIC_ACQUIRE);
}

const char *tok_cache_term(const tok_cache *c, uint32_t id, size_t *len) {
  const tc_rec *r = tc_rec_of(c, id);
  if (len) *len = r->tlen;
  return r->term;
}

const char *tok_cache_surface(const tok_cache *c, uint32_t id, size_t *len) {
  const tc_rec *r = tc_rec_of(c, id);
  if (len) *len = r->slen;
  return r->surf;
}
