/* The term cache (term_cache.h): the lock-free table of short raw forms, the locked side tables,
 * chunked entries and records, and the first-sighting work. */
#include "tokenize/term_cache.h"

#include <math.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "common/mem.h"
#include "common/utf8.h"
#include "tokenize/lexicon_int.h"

#define TC_START 1024                   /* initial slots (a power of two) */
#define TC_NCHUNKS ((size_t)1 << (32 - TC_CSHIFT)) /* chunk pointers: room for 2^32 ids */
#define TC_BIG ((size_t)2 << 20)

/* ---- the table ---- */

/* A zeroed table of n slots, its pages faulted in at once. Large ones come straight from mmap,
 * asking for huge pages: lookups land all over the table, and 4 KiB pages would cost a TLB miss
 * apiece. Faulting the pages in now matters with several threads: a page first read by a lookup
 * maps the shared zero page, and the first insert into it then costs a fault and a TLB shootdown
 * that stops every thread. */
static tc_table *table_alloc(size_t n) {
  size_t bytes = sizeof(tc_table) + n * sizeof(tc_slot);
  tc_table *t;
#if defined(MAP_ANONYMOUS) && defined(MADV_HUGEPAGE)
  if (bytes >= TC_BIG) {
    void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return NULL;
    madvise(p, bytes, MADV_HUGEPAGE); /* only a hint: no matter if refused */
    /* Fresh anonymous memory reads as zeros already: fault it in without writing it twice. */
#ifdef MADV_POPULATE_WRITE
    if (madvise(p, bytes, MADV_POPULATE_WRITE) != 0)
#endif
      for (size_t i = 0; i < bytes; i += 4096) ((volatile char *)p)[i] = 0;
    t = p;
  } else
#endif
  {
    t = malloc(bytes);
    if (!t) return NULL;
    memset(t, 0, bytes);
  }
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

/* Puts published slot sl into table t (private to the caller, or under mu); a key already there is
 * the same entry, written again (a long key's slot matches only itself: same copy, same hash). */
static void copy_slot(tc_table *t, const tc_slot *sl) {
  uint64_t h = sl->len ? tc_hash(sl->w, sl->len) : sl->w[1];
  *probe_locked(t, sl->w, sl->len, h) = *sl;
}

/* Doubles the table: the new one is filled, then published; readers still on the old one find
 * fewer words, and the slow path finds the rest under the lock. The spare holds a copy of the
 * table made outside the lock (make_spares), so unless the log overflowed only the keys added
 * since the copy began are put in here, which keeps the other threads' wait short. */
static topics_status grow_locked(tok_cache *c) {
  tc_table *old = c->cur;
  size_t n;
  if (mem_mul(old->mask + 1, 2, &n) != TOPICS_OK) return TOPICS_ENOMEM;
  tc_table *t = c->spare && c->spare->mask + 1 == n ? c->spare : table_alloc(n);
  if (!t) return TOPICS_ENOMEM;
  int copied = t == c->spare && c->logging == 1; /* a spare always holds a copy */
  if (t == c->spare) c->spare = NULL;
  if (copied) {
    for (size_t i = 0; i < c->nlog; i++) copy_slot(t, &old->s[c->log[i]]);
  } else {
    for (size_t i = 0; i <= old->mask; i++)
      if (old->s[i].v1) copy_slot(t, &old->s[i]);
  }
  c->logging = 0;
  c->nlog = 0;
  c->grows++;
  if (c->shared) {
    t->older = old;
  } else {
    table_free(old);
  }
  __atomic_store_n(&c->cur, t, __ATOMIC_RELEASE);
  return TOPICS_OK;
}

/* A raw form as the cache looks it up, with its hash worked out before taking the lock; for short
 * forms the key words, for others (once key_keep made it) the copy a slot will point to. */
typedef struct tc_key {
  const char *raw;
  size_t len;
  uint64_t w[2], h;
  const char *copy;
} tc_key;

static int key_short(const tc_key *k) { return k->len - 1 < TC_SHORT; }

static void key_of(const char *raw, size_t len, tc_key *k) {
  k->raw = raw;
  k->len = len;
  k->w[0] = k->w[1] = 0;
  k->copy = NULL;
  if (key_short(k)) {
    tc_load16(raw, len, len, k->w);
    k->h = tc_hash(k->w, len);
  } else {
    k->h = tc_hash_long(raw, len);
  }
}

/* Outside the lock: the copy of a long key that its slot will point to, in the thread's arena (its
 * length, then its bytes). */
static topics_status key_keep(arena *a, tc_key *k) {
  if (key_short(k) || k->copy) return TOPICS_OK;
  size_t n;
  if (mem_add(k->len, sizeof n, &n) != TOPICS_OK) return TOPICS_ENOMEM;
  char *p = arena_alloc(a, n);
  if (!p) return TOPICS_ENOMEM;
  memcpy(p, &k->len, sizeof k->len);
  if (k->len) memcpy(p + sizeof k->len, k->raw, k->len);
  k->copy = p;
  return TOPICS_OK;
}

/* Under mu (or on a table nobody else sees yet): the slot of t holding long key k, or the empty
 * slot where it would go. */
static tc_slot *probe_long_locked(tc_table *t, const tc_key *k) {
  size_t i = k->h & t->mask;
  for (;;) {
    tc_slot *sl = &t->s[i];
    if (!sl->v1 || (sl->len == 0 && sl->w[1] == k->h && tc_long_key_is(sl, k->raw, k->len)))
      return sl;
    i = (i + 1) & t->mask;
  }
}

/* Without the lock: 1 and *id set when k has an entry in the current table (see tc_find). */
static int find_key(const tok_cache *c, const tc_key *k, uint32_t *id) {
  uint8_t fl;
  const tc_table *t = tc_table_now(c);
  return key_short(k) ? tc_find_short(t, k->w, k->len, k->h, id, &fl)
                      : tc_find_long(t, k->raw, k->len, k->h, id, &fl);
}

static tc_slot *probe_key_locked(tc_table *t, const tc_key *k) {
  return key_short(k) ? probe_locked(t, k->w, k->len, k->h) : probe_long_locked(t, k);
}

/* Under mu: 1 and *id set when k has an entry; else 0, and *at (when not NULL) gets the slot of
 * cur where k would go, for ent_new_locked, so that a new word costs one probe. */
static int find_locked(tok_cache *c, const tc_key *k, uint32_t *id, tc_slot **at) {
  tc_slot *sl = probe_key_locked(c->cur, k);
  if (at) *at = sl->v1 ? NULL : sl;
  if (!sl->v1) return 0;
  *id = sl->v1 - 1;
  return 1;
}

/* ---- entries and records ---- */

/* A new record, made outside the lock in the calling thread's arena along with copies of its
 * strings: the surface, the match form and the term key, each sharing the previous one's copy when
 * equal. NULL when out of memory. Records that lose a race to another thread stay unused. */
static const tc_rec *rec_make(arena *a, const char *surf, size_t slen, const char *form,
                              size_t flen, const char *term, size_t tlen, uint8_t flags) {
  tc_rec *r = arena_alloc(a, sizeof *r);
  if (!r || !(r->surf = arena_copy(a, surf, slen))) return NULL;
  r->form = flen == slen && memcmp(form, surf, slen) == 0 ? r->surf : arena_copy(a, form, flen);
  if (!r->form) return NULL;
  r->term = tlen == flen && memcmp(term, form, flen) == 0 ? r->form : arena_copy(a, term, tlen);
  if (!r->term) return NULL;
  r->slen = (uint32_t)slen;
  r->flen = (uint32_t)flen;
  r->tlen = (uint32_t)tlen;
  r->flags = flags;
  return r;
}

/* Under mu: asks for the job state stands for (0: none, 1: wanted, 2: taken), unless a thread is
 * at it already. Storing 1 over a 2 would let a second thread start the same job, whose result
 * is then thrown away: with 2 threads that wasted up to a dozen zeroed tables per pass. */
static void want_job(int *state) {
  int none = 0;
  __atomic_compare_exchange_n(state, &none, 1, 0, __ATOMIC_RELAXED, __ATOMIC_RELAXED);
}

/* Under mu: the chunk entry e goes in, allocated when it is the first of its chunk (taking the
 * spare made ahead when there is one: its pages are written already). At the middle of a chunk,
 * asks for the next one. */
static tc_entry *ent_slot_locked(tok_cache *c, uint32_t e) {
  tc_entry **chunk = &c->ent[e >> TC_CSHIFT];
  if (!*chunk) {
    *chunk = c->ent_spare ? c->ent_spare : malloc(sizeof(tc_entry) << TC_CSHIFT);
    c->ent_spare = NULL;
    if (!*chunk) return NULL;
  }
  if (c->shared && (e & TC_CMASK) == TC_CMASK / 2 && !c->ent_spare) want_job(&c->ent_spare_state);
  return &(*chunk)[e & TC_CMASK];
}

/* Under mu: a new entry for k (not in the cache yet; a long k kept by key_keep) leading to record
 * rec. at: k's slot from find_locked, or NULL when the table may have changed since. The entry is
 * complete before its slot is published. */
static topics_status ent_new_locked(tok_cache *c, const tc_key *k, tc_slot *at, const tc_rec *rec,
                                    uint32_t *id) {
  uint32_t e = c->nent;
  if (e >= UINT32_MAX - 2) return TOPICS_ELIMIT;
  if (!key_short(k) && !k->copy) return TOPICS_EINVAL;
  tc_entry *en = ent_slot_locked(c, e);
  if (!en) return TOPICS_ENOMEM;
  en->rec = rec;
  en->flags = rec->flags;
  if ((c->count + 1) * 2 > c->cur->mask + 1) {
    if (grow_locked(c) != TOPICS_OK) return TOPICS_ENOMEM;
    at = NULL;
  }
  tc_slot *sl = at ? at : probe_key_locked(c->cur, k);
  if (key_short(k)) {
    sl->w[0] = k->w[0];
    sl->w[1] = k->w[1];
    sl->len = (uint8_t)k->len;
  } else {
    sl->w[0] = (uint64_t)(uintptr_t)k->copy;
    sl->w[1] = k->h;
    sl->len = 0;
  }
  sl->flags = rec->flags;
  __atomic_store_n(&sl->v1, e + 1, __ATOMIC_RELEASE);
  c->count++;
  if (c->logging == 1) { /* a copy of cur is being made: growing must add this key itself */
    if (c->nlog < c->logcap)
      c->log[c->nlog++] = (size_t)(sl - c->cur->s);
    else
      c->logging = 2;
  }
  /* At 3/8 full, ask for the next table: a thread allocates and zeroes it outside the lock, so
   * growing at 1/2 only rehashes while the others wait. */
  if (c->shared && !c->spare && c->count * 8 >= (c->cur->mask + 1) * 3) want_job(&c->spare_state);
  __atomic_store_n(&c->nent, e + 1, __ATOMIC_RELEASE);
  *id = e;
  return TOPICS_OK;
}

/* The record an entry of raw form n leads to, when it has surface n itself: then it is the record
 * of normalised form n. Without the lock for short n (an entry is complete once visible). */
static int norm_record(tok_cache *c, const tc_key *n, int locked, const tc_rec **rec) {
  uint32_t id;
  if (!(locked ? find_locked(c, n, &id, NULL) : find_key(c, n, &id))) return 0;
  const tc_rec *rc = tc_ent(c, id)->rec;
  if (rc->slen != n->len || memcmp(rc->surf, n->raw, n->len) != 0) return 0;
  *rec = rc;
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

/* 1 when s[0..len) has more than TC_MAX_WORD_CPS code points (counted as bytes that start one). */
static int too_long(const char *s, size_t len) {
  if (len <= TC_MAX_WORD_CPS) return 0;
  size_t cps = 0;
  for (size_t i = 0; i < len; i++)
    if (((unsigned char)s[i] & 0xC0) != 0x80 && ++cps > TC_MAX_WORD_CPS) return 1;
  return 0;
}

/* Flags that follow from the match form alone: dictionary prefix, CJK edges. */
static uint8_t form_flags(const tok_cache *c, const char *form, size_t flen) {
  uint8_t flags = 0;
  if (c->has_dict && lex_dict_starts(c->lx, c->fold, form, flen)) flags |= TC_DSTART;
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
  if (c->has_dict && lex_dict_has(c->lx, c->fold, o->form, o->flen)) {
    o->flags = TC_KEEP | TC_DICT; /* the user asked for this word as it is */
  } else {
    int stop = lex_is_stopword(c->lx, n, nlen) || (f != n && lex_is_stopword(c->lx, f, flen)) ||
               norm_is_quantity(n, nlen);
    if (!stop && nlen > 0 && !single_letter(n, nlen) && !too_long(n, nlen)) o->flags = TC_KEEP;
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

/* 1 when this thread takes the job state stands for (1: wanted, 2: taken). */
static int take_job(int *state) {
  int want = 1;
  return __atomic_load_n(state, __ATOMIC_RELAXED) == 1 &&
         __atomic_compare_exchange_n(state, &want, 2, 0, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED);
}

/* Makes the next table and the next chunk of entries when they were asked for and no other thread
 * is at it, outside the lock, so that the faults of fresh memory stall no other thread. Failing to
 * is no error: growing allocates then. */
static void make_spares(tok_cache *c) {
  if (take_job(&c->spare_state)) {
    /* The next table, filled with a copy of the current one. Keys added meanwhile go to the log,
     * which has room for all that can come before the table is half full (1/8 of it). */
    size_t n = (tc_table_now(c)->mask + 1) * 2, cap = n / 16 + 64;
    tc_table *t = table_alloc(n);
    size_t *log = malloc(cap * sizeof *log);
    if (log) memset(log, 0, cap * sizeof *log); /* its pages are faulted in here, not under the lock */
    const tc_table *src = NULL;
    pthread_spin_lock(&c->mu);
    if (t && log && !c->spare && !c->logging && c->cur->mask + 1 == n / 2) {
      src = c->cur;
      size_t *unused = c->log; /* the last copy's log, freed below: not under the lock */
      c->log = log;
      c->logcap = cap;
      c->nlog = 0;
      c->logging = 1;
      log = unused;
    }
    pthread_spin_unlock(&c->mu);
    free(log);
    /* Slots are never changed once published, and a published value means a complete slot. */
    for (size_t i = 0; src && i <= src->mask; i++)
      if (__atomic_load_n(&src->s[i].v1, __ATOMIC_ACQUIRE)) copy_slot(t, &src->s[i]);
    pthread_spin_lock(&c->mu);
    if (src && c->cur == src && !c->spare) { /* else the table grew without it */
      c->spare = t;
      t = NULL;
    }
    if (t) c->spares_lost++;
    __atomic_store_n(&c->spare_state, 0, __ATOMIC_RELAXED);
    pthread_spin_unlock(&c->mu);
    table_free(t);
  }
  if (take_job(&c->ent_spare_state)) {
    size_t bytes = sizeof(tc_entry) << TC_CSHIFT;
    tc_entry *ch = malloc(bytes);
    if (ch) memset(ch, 0, bytes); /* fault the pages in here */
    pthread_spin_lock(&c->mu);
    if (ch && !c->ent_spare) {
      c->ent_spare = ch;
      ch = NULL;
    }
    __atomic_store_n(&c->ent_spare_state, 0, __ATOMIC_RELAXED);
    pthread_spin_unlock(&c->mu);
    free(ch);
  }
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
   * the word (and callers send forms that are not short straight here): look before any work. */
  tc_key k;
  key_of(raw, rlen, &k);
  if (find_key(c, &k, id)) {
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
  tc_key kn = {0}; /* n as a key: needed only when it differs from raw */
  if (!self) key_of(n, nlen, &kn);
  const tc_rec *rec = NULL, *mine = NULL;
  topics_status st = TOPICS_OK;
  int have = !self && norm_record(c, &kn, 0, &rec), add_n = 0;
  if (!have) {
    /* The costly part, outside the lock. Now and then it is wasted, when another thread adds the
     * word meanwhile. */
    worked wk;
    st = work_out(c, x, n, nlen, &wk);
    if (st == TOPICS_OK &&
        !(mine = rec_make(&x->strings, n, nlen, wk.form, wk.flen, wk.term, wk.tlen, wk.flags)))
      st = TOPICS_ENOMEM;
    add_n = !self && norm_fixed(x, n, nlen);
    if (st == TOPICS_OK && add_n) st = key_keep(&x->strings, &kn);
  }
  if (st == TOPICS_OK) st = key_keep(&x->strings, &k);
  if (st == TOPICS_OK) {
    tc_slot *at;
    pthread_spin_lock(&c->mu);
    if (!find_locked(c, &k, id, &at)) { /* else another thread was first */
      if (!have && !(!self && norm_record(c, &kn, 1, &rec))) {
        rec = mine;
        uint32_t nent;
        if (add_n && !find_locked(c, &kn, &nent, NULL)) {
          st = ent_new_locked(c, &kn, NULL, rec, &nent);
          at = NULL; /* n may have taken raw's slot, or grown the table */
        }
      }
      if (st == TOPICS_OK) st = ent_new_locked(c, &k, at, rec, id);
    }
    pthread_spin_unlock(&c->mu);
  }
  free(heap);
  if (st != TOPICS_OK) return st;
  make_spares(c);
  *flags = tc_ent(c, *id)->flags;
  return TOPICS_OK;
}

int tc_find(tok_cache *c, const char *raw, size_t rlen, uint32_t *id) {
  tc_key k;
  key_of(raw, rlen, &k);
  return find_key(c, &k, id);
}

topics_status tc_add_phrase(tok_cache *c, tc_scratch *x, const char *raw, size_t rlen, const char *key,
                            size_t klen, const char *surf, size_t slen, uint32_t *id) {
  uint8_t flags = (uint8_t)(TC_KEEP | TC_DICT | form_flags(c, key, klen));
  const tc_rec *rec = rec_make(&x->strings, surf, slen, key, klen, key, klen, flags);
  if (!rec) return TOPICS_ENOMEM;
  tc_key k;
  key_of(raw, rlen, &k);
  tc_slot *at;
  topics_status st = key_keep(&x->strings, &k);
  if (st != TOPICS_OK) return st;
  pthread_spin_lock(&c->mu);
  if (!find_locked(c, &k, id, &at)) st = ent_new_locked(c, &k, at, rec, id);
  pthread_spin_unlock(&c->mu);
  make_spares(c);
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
  c->has_dict = lex_dict_count(lx) > 0;
  c->shared = shared;
  if (pthread_spin_init(&c->mu, PTHREAD_PROCESS_PRIVATE) != 0) {
    free(c);
    *st = TOPICS_ENOMEM;
    return NULL;
  }
  c->cur = table_alloc(TC_START);
  /* The chunk pointers take 2 MiB of address space, touched only as ids grow. */
  c->ent = calloc(TC_NCHUNKS, sizeof *c->ent);
  if (!c->cur || !c->ent) {
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

/* Most slots tok_cache_expect asks for (the table of a gigabyte of talks grows to this much). */
#define TC_EXPECT_MAX ((size_t)1 << 19)

void tok_cache_expect(tok_cache *c, uint64_t bytes) {
  /* Heaps' law fitted to the English talks: 14 MB of text hold 113,000 distinct raw forms. The
   * table is kept at most half full. */
  double forms = 30.0 * sqrt((double)bytes);
  size_t n = TC_START;
  while (n < TC_EXPECT_MAX && (double)n < 2.0 * forms) n *= 2;
  pthread_spin_lock(&c->mu);
  int fresh = c->count == 0 && !c->spare && n > c->cur->mask + 1;
  pthread_spin_unlock(&c->mu);
  tc_table *t = fresh ? table_alloc(n) : NULL;
  if (!t) return;
  pthread_spin_lock(&c->mu);
  if (c->count == 0 && !c->spare) {
    tc_table *old = c->cur;
    t->older = c->shared ? old : NULL; /* a shared one goes with tok_cache_reclaim, as when grown */
    __atomic_store_n(&c->cur, t, __ATOMIC_RELEASE);
    t = c->shared ? NULL : old;
  }
  pthread_spin_unlock(&c->mu);
  table_free(t);
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
  arena_free(&c->strings);
  for (size_t i = 0; c->ent && i < TC_NCHUNKS && c->ent[i]; i++) free(c->ent[i]);
  free(c->ent_spare);
  free(c->log);
  free(c->ent);
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
