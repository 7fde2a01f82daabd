/* The term cache, internal to tokenize/ (tokenizer.h has its public face, tok_cache). It maps each
 * distinct raw word form to an entry (a dense id) and each entry to a record: the normalised
 * surface, the match form (Han-folded unless --no-fold-han), the term key (the form, stemmed) and
 * flags. Case variants share a record ("Testing" and "testing"), and so do all phrases and words
 * with the same normalised form.
 *
 * One cache serves the toks of every thread, so a word worked out by one thread is a hit for the
 * others and the costly first sightings (normalising, folding, stemming) happen once per run, not
 * once per thread.
 * - Lookups read the table without a lock: short raw forms (1..TC_SHORT bytes, nearly all words)
 *   compare the key in the slot, other forms their copy, which the slot points to.
 *   A slot is published by storing its value last, with release order; a grown table replaces the
 *   old one through an atomic pointer, and the old one stays readable until tok_cache_reclaim.
 * - New entries take the cache's lock, for one probe and a few stores: the lock
 *   is what bounds the speed-up of a second thread, so everything else runs outside it. The slow
 *   work -- normalising, folding, stemming -- and the new record with its strings are made on the
 *   calling thread's scratch, whose arena the cache adopts when it is freed; the key's hash, the
 *   next table and the next chunk of entries are made ahead, outside the lock too.
 * - Entries live in chunks that never move, and records in arenas, so a published id is read
 *   without a lock.
 * Entry ids depend on how the threads interleave; callers that need ids independent of the thread
 * count (pipeline/ingest) map them to their own ids in input order. */
#ifndef TOPICS_TERM_CACHE_H
#define TOPICS_TERM_CACHE_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "common/arena.h"
#include "common/status.h"
#include "common/strmap.h"
#include "tokenize/lexicon.h"
#include "tokenize/normalize.h"
#include "tokenize/stem.h"
#include "tokenize/tokenizer.h"

#define TC_SHORT 16 /* longest raw form kept in a table slot */
/* Most code points a word may have and still be a term. The longest words of real text stay well
 * under it: 45 letters in English dictionaries, 63 in the longest German statutory compound,
 * a dozen or so characters in ICU's Chinese and Japanese dictionaries. A longer run of letters
 * with no break is a hash, an encoded blob or keyboard noise, and would show as a topic word. */
#define TC_MAX_WORD_CPS 64

/* Entry flags. */
enum {
  TC_KEEP = 1,      /* a term when its span is a word (not for numbers, punctuation, ...) */
  TC_DICT = 2,      /* a whole dictionary key: always a term, never stemmed */
  TC_DSTART = 4,    /* its form starts some dictionary key */
  TC_CJK_FIRST = 8, /* first / last code point is CJK: no space when joining parts of a key */
  TC_CJK_LAST = 16
};

/* A slot of the lock-free table: value + 1 (0: empty), the entry's flags, and the key. A short key
 * (1..TC_SHORT bytes) is held in w, zero padded, with its length in len. Any other key has len 0,
 * w[0] the address of its copy (tc_long_key) and w[1] its hash (tc_hash_long). */
typedef struct tc_slot {
  uint64_t w[2];
  uint32_t v1;
  uint8_t len;
  uint8_t flags;
} tc_slot;

typedef struct tc_table {
  size_t mask;            /* slot count - 1 */
  struct tc_table *older; /* tables this one replaced, freed by tok_cache_reclaim */
  tc_slot s[];
} tc_table;

typedef struct tc_rec {
  const char *surf, *form, *term;
  uint32_t slen, flen, tlen;
  uint8_t flags;
} tc_rec;

typedef struct tc_entry {
  const tc_rec *rec; /* in the arena of the thread that made it, which the cache adopts */
  uint8_t flags;
} tc_entry;

struct tok_cache {
  /* Read by every lookup: kept off the cache lines the writers change. */
  const lex *lx;
  int fold;     /* Han fold for term keys and dictionary matching */
  int has_dict; /* the lexicon has dictionary entries */
  int shared;   /* other threads may read: retire grown-out tables instead of freeing them */
  tc_table *cur; /* read with tc_table_now */
  /* The lock: held for a probe and a few stores at a time, so threads spin rather than sleep.
   * Everything below is under it; the counters share its cache line. */
  _Alignas(64) pthread_spinlock_t mu;
  uint32_t nent;   /* entries; also read without the lock, atomically */
  size_t count;    /* keys in cur */
  tc_table *spare; /* the next table, made ahead with a copy of cur (shared caches) */
  int logging;      /* 1: keys added to cur go to log too; 2: log overflowed */
  size_t *log;      /* slots of cur added since a copy for the spare began */
  size_t nlog, logcap;
  tc_entry *ent_spare; /* the next chunk of entries, likewise */
  int spare_state;     /* atomic: 1 when a spare table is wanted, 2 while a thread makes it */
  int ent_spare_state; /* the same for ent_spare */
  size_t grows;        /* times cur was replaced */
  size_t spares_lost;  /* spare tables made and thrown away (the table grew first): never more
                        * than grows, as one spare is made at a time; tests check it */
  arena strings;   /* the arenas of freed scratches, whose records and strings entries point to */
  /* Chunked: entry i is ent[i >> TC_CSHIFT][i & TC_CMASK]. */
  tc_entry **ent;
};

#define TC_CSHIFT 14
#define TC_CMASK ((1u << TC_CSHIFT) - 1)

/* The slow path's per-thread tools. */
typedef struct tc_scratch {
  norm_han *han;
  stem *stm;
  char *nb; /* normalised form of a new word (the common case needs no malloc) */
  size_t nbcap;
  char *nb2; /* that form normalised again */
  size_t nb2cap;
  arena strings; /* the records this thread made and their strings, made outside the lock */
} tc_scratch;

static inline const tc_table *tc_table_now(const tok_cache *c) {
  return __atomic_load_n(&c->cur, __ATOMIC_ACQUIRE);
}

/* The key s[0..len), 1 <= len <= TC_SHORT, as two zero-padded words. avail: bytes readable at s. */
static inline void tc_load16(const char *s, size_t len, size_t avail, uint64_t w[2]) {
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
static inline uint64_t tc_hash(const uint64_t w[2], size_t len) {
  __uint128_t r = (__uint128_t)(w[0] ^ 0x9e3779b97f4a7c15ull) *
                  (w[1] ^ (len * 0xff51afd7ed558ccdull) ^ 0xc2b2ae3d27d4eb4full);
  return (uint64_t)r ^ (uint64_t)(r >> 64);
}

/* Starts loading the slot of table t where a short key with hash h would be (it may straddle two
 * lines). */
static inline void tc_prefetch(const tc_table *t, uint64_t h) {
  const tc_slot *sl = &t->s[h & t->mask];
  __builtin_prefetch(sl);
  __builtin_prefetch((const char *)(sl + 1) - 1);
}

/* Without a lock: 1 and *id, *flags set when the short key (w, len), hash h, has an entry in table
 * t (tc_table_now, or an older copy of it). A miss may be a word another thread is adding right
 * now, or one added since t was replaced: the slow path settles that under the lock. */
static inline int tc_find_short(const tc_table *t, const uint64_t w[2], size_t len, uint64_t h,
                                uint32_t *id, uint8_t *flags) {
  size_t i = h & t->mask;
  for (;;) {
    const tc_slot *sl = &t->s[i];
    uint32_t v1 = __atomic_load_n(&sl->v1, __ATOMIC_ACQUIRE);
    if (!v1) return 0;
    if (sl->w[0] == w[0] && sl->w[1] == w[1] && sl->len == len) {
      *id = v1 - 1;
      *flags = sl->flags;
      return 1;
    }
    i = (i + 1) & t->mask;
  }
}

/* Hash of a key of any length (for keys that are not short): 8 bytes at a time, each multiplied in
 * and folded, then a final mix with the length. */
static inline uint64_t tc_hash_long(const char *s, size_t len) {
  uint64_t h = 0x243f6a8885a308d3ull ^ (len * 0x9e3779b97f4a7c15ull);
  size_t i = 0;
  for (; i + 8 <= len; i += 8) {
    uint64_t v;
    memcpy(&v, s + i, 8);
    __uint128_t r = (__uint128_t)(h ^ v) * 0xff51afd7ed558ccdull;
    h = (uint64_t)r ^ (uint64_t)(r >> 64);
  }
  uint64_t v = 0;
  if (len > i) memcpy(&v, s + i, len - i);
  __uint128_t r = (__uint128_t)(h ^ v ^ 0xc2b2ae3d27d4eb4full) * 0x9e3779b97f4a7c15ull;
  return (uint64_t)r ^ (uint64_t)(r >> 64);
}

/* The copy of a long key a slot points to: its length, then its bytes. */
static inline int tc_long_key_is(const tc_slot *sl, const char *s, size_t len) {
  const char *p = (const char *)(uintptr_t)sl->w[0];
  size_t plen;
  memcpy(&plen, p, sizeof plen);
  return plen == len && memcmp(p + sizeof plen, s, len) == 0;
}

/* Without a lock: 1 and *id, *flags set when the key s[0..len) that is not short, hash h
 * (tc_hash_long), has an entry in table t. Misses as tc_find_short does. The same walk as
 * tc_find_short, kept apart so that the hot short lookup stays a plain compare of two words. */
static inline int tc_find_long(const tc_table *t, const char *s, size_t len, uint64_t h,
                               uint32_t *id, uint8_t *flags) {
  size_t i = h & t->mask;
  for (;;) {
    const tc_slot *sl = &t->s[i];
    uint32_t v1 = __atomic_load_n(&sl->v1, __ATOMIC_ACQUIRE);
    if (!v1) return 0;
    if (sl->len == 0 && sl->w[1] == h && tc_long_key_is(sl, s, len)) {
      *id = v1 - 1;
      *flags = sl->flags;
      return 1;
    }
    i = (i + 1) & t->mask;
  }
}

static inline const tc_entry *tc_ent(const tok_cache *c, uint32_t id) {
  return &c->ent[id >> TC_CSHIFT][id & TC_CMASK];
}

static inline const tc_rec *tc_rec_of(const tok_cache *c, uint32_t id) {
  return tc_ent(c, id)->rec;
}

/* Tools for one thread's slow path; 0 on failure (*st set). tc_scratch_free on a zeroed or
 * initialised scratch frees what it holds, but hands its strings to c (which records point to). */
int tc_scratch_init(tc_scratch *x, topics_status *st);
void tc_scratch_free(tok_cache *c, tc_scratch *x);

/* A cache only one tok uses (tok_new's): grown-out tables are freed at once. */
tok_cache *tc_private_new(const lex *lx, const tok_options *opt, topics_status *st);

/* The entry of raw[0..rlen) (any length), created and worked out on first sight; *flags gets its
 * flags. The one way entries for words are made. */
topics_status tc_lookup_slow(tok_cache *c, tc_scratch *x, const char *raw, size_t rlen,
                             uint32_t *id, uint8_t *flags);

/* 1 and *id set when raw[0..rlen) (any length) has an entry. Looked up without the lock, so an
 * entry another thread is adding right now may be missed. */
int tc_find(tok_cache *c, const char *raw, size_t rlen, uint32_t *id);

/* The entry of a dictionary phrase whose raw text is raw[0..rlen) (white space included): its
 * record has term key and match form key[0..klen) and surface surf[0..slen); made when new. */
topics_status tc_add_phrase(tok_cache *c, tc_scratch *x, const char *raw, size_t rlen, const char *key,
                            size_t klen, const char *surf, size_t slen, uint32_t *id);

#endif
