/* The joinable word sets and the join itself (seg_words.h). */
#include "tokenize/seg_words.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/mem.h"
#include "common/mix.h"
#include "common/strmap.h"
#include "common/utf8.h"
#include "tokenize/han_fold.h"

/* A word of 1 to 4 BMP code points packs into 64 bits, 16 per code point (none is 0), so the
 * word list (2 to 4 Han characters a word) is a set of integers: no string is copied or compared.
 * Words that do not pack (a learned compound of rarer characters) go to a string map. */
struct seg_words {
  uint64_t *keys; /* open addressing, linear probing; 0 marks an empty slot */
  uint32_t mask;  /* slot count - 1 */
  uint32_t count; /* packed words held */
  strmap *other;  /* words that do not pack, or NULL */
};

seg_words *seg_words_new(void) {
  seg_words *w = calloc(1, sizeof *w);
  if (!w) return NULL;
  if (!(w->keys = calloc(1024, sizeof *w->keys))) {
    free(w);
    return NULL;
  }
  w->mask = 1023;
  return w;
}

void seg_words_free(seg_words *w) {
  if (!w) return;
  free(w->keys);
  strmap_free(w->other);
  free(w);
}

/* Packs s[0..len) into *key when it is 1 to 4 code points of U+0001..U+FFFF; 0 when it is not. */
static int pack(const char *s, size_t len, uint64_t *key) {
  uint64_t k = 0;
  unsigned shift = 0;
  for (size_t i = 0; i < len; shift += 16) {
    if (shift == 64) return 0;
    unsigned cp;
    i += utf8_decode((const unsigned char *)s + i, len - i, &cp);
    if (cp == 0 || cp > 0xFFFF || cp == 0xFFFD) return 0;
    k |= (uint64_t)cp << shift;
  }
  *key = k;
  return k != 0;
}

/* A key's slot value: a bijection, so the table holds it in place of the key (never 0 for a key
 * that is not) and its low bits pick the slot. */
static uint64_t key_hash(uint64_t k) { return mix_fin64(k); }

/* Rehashes the table into nsize slots (a power of two above twice the count). */
static topics_status resize(seg_words *w, uint32_t nsize) {
  uint64_t *nk = mem_huge_calloc(nsize, sizeof *nk); /* a word list's table: megabytes */
  if (!nk) return TOPICS_ENOMEM;
  for (uint32_t i = 0; i <= w->mask; i++) {
    if (!w->keys[i]) continue;
    uint32_t j = (uint32_t)w->keys[i] & (nsize - 1);
    while (nk[j]) j = (j + 1) & (nsize - 1);
    nk[j] = w->keys[i];
  }
  free(w->keys);
  w->keys = nk;
  w->mask = nsize - 1;
  return TOPICS_OK;
}

static void put_hash(seg_words *w, uint64_t h) {
  uint32_t i = (uint32_t)h & w->mask;
  for (; w->keys[i]; i = (i + 1) & w->mask)
    if (w->keys[i] == h) return;
  w->keys[i] = h;
  w->count++;
}

static topics_status add_key(seg_words *w, uint64_t k) {
  put_hash(w, key_hash(k));
  /* Keep the load factor under 1/2 so probes stay short. */
  if ((uint64_t)w->count * 2 <= w->mask) return TOPICS_OK;
  return w->mask < UINT32_MAX / 2 ? resize(w, (w->mask + 1) * 2) : TOPICS_ELIMIT;
}

static int has_key(const seg_words *w, uint64_t k) {
  uint64_t h = key_hash(k);
  for (uint32_t i = (uint32_t)h & w->mask; w->keys[i]; i = (i + 1) & w->mask)
    if (w->keys[i] == h) return 1;
  return 0;
}

/* Adds the hashed keys h[0..n) at once. A table of a word list is larger than the caches, so the
 * keys are first sorted by slot (radix sort on the slot bits) and the inserts then walk the table
 * in order instead of missing the cache on every one. */
static topics_status add_bulk(seg_words *w, uint64_t *h, size_t n) {
  if (n > UINT32_MAX / 8) return TOPICS_ELIMIT;
  uint64_t size = (uint64_t)w->mask + 1;
  /* Up to two thirds full: the table of a word list then fits in half the memory, and a probe
   * that goes on mostly stays in the cache line it started in. */
  while (((uint64_t)w->count + n) * 3 > size * 2) size *= 2;
  if (size > (uint64_t)w->mask + 1) {
    topics_status st = resize(w, (uint32_t)size);
    if (st != TOPICS_OK) return st;
  }
  uint64_t *tmp = mem_huge_alloc((n ? n : 1) * sizeof *tmp);
  if (!tmp) return TOPICS_ENOMEM;
  unsigned bits = 0;
  while (bits < 32 && (w->mask >> bits)) bits++;
  for (unsigned shift = 0; shift < bits; shift += 8) {
    size_t cnt[257] = {0};
    for (size_t i = 0; i < n; i++) cnt[((h[i] & w->mask) >> shift & 0xFF) + 1]++;
    for (int b = 0; b < 256; b++) cnt[b + 1] += cnt[b];
    for (size_t i = 0; i < n; i++) tmp[cnt[(h[i] & w->mask) >> shift & 0xFF]++] = h[i];
    memcpy(h, tmp, n * sizeof *h);
  }
  free(tmp);
  for (size_t i = 0; i < n; i++) put_hash(w, h[i]);
  return TOPICS_OK;
}

topics_status seg_words_add(seg_words *w, const char *s, size_t len) {
  uint64_t k;
  if (pack(s, len, &k)) return add_key(w, k);
  if (!w->other && !(w->other = strmap_new())) return TOPICS_ENOMEM;
  uint32_t id;
  return strmap_intern(w->other, s, len, &id, NULL);
}

/* seg_words_has of s[0..len) whose packed key the caller worked out (packs: whether it packs). */
static int has_word(const seg_words *w, const char *s, size_t len, int packs, uint64_t key) {
  if (!w) return 0;
  if (packs) return has_key(w, key);
  uint32_t id;
  return w->other && strmap_find(w->other, s, len, &id);
}

int seg_words_has(const seg_words *w, const char *s, size_t len) {
  if (!w) return 0;
  uint64_t k;
  int packs = pack(s, len, &k);
  return has_word(w, s, len, packs, k);
}

size_t seg_words_count(const seg_words *w) {
  return w ? w->count + (w->other ? strmap_count(w->other) : 0) : 0;
}

/* The code points of s[0..len) into cps when it is 2 to SEG_WORDS_MAX_CHARS CJK unified
 * ideographs (U+3400..U+4DBF, U+4E00..U+9FFF); returns how many, or 0 when it is not such a word.
 * Every such character is three bytes of UTF-8, so each is decoded here without utf8_decode: a
 * word list holds hundreds of thousands of them. */
static size_t han_word(const char *s, size_t len, unsigned cps[SEG_WORDS_MAX_CHARS]) {
  const unsigned char *p = (const unsigned char *)s;
  size_t n = len / 3;
  if (len % 3 || n < 2 || n > SEG_WORDS_MAX_CHARS) return 0;
  for (size_t i = 0; i < n; i++, p += 3) {
    if (p[0] < 0xE3 || p[0] > 0xE9 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80) return 0;
    unsigned cp = (unsigned)(p[0] & 0x0F) << 12 | (unsigned)(p[1] & 0x3F) << 6 | (p[2] & 0x3F);
    if (!((cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF))) return 0;
    cps[i] = cp;
  }
  return n;
}

/* The frequency of a list line, the decimal digits s[0..len); -1 when it is not one. */
static long parse_freq(const char *s, size_t len) {
  if (len == 0 || len > 18) return -1;
  long f = 0;
  for (size_t i = 0; i < len; i++) {
    if (s[i] < '0' || s[i] > '9') return -1;
    f = f * 10 + (s[i] - '0');
  }
  return f;
}

/* The state of one load: the list's words are gathered first and added at once (add_bulk). */
typedef struct loader {
  seg_words *w;
  const han_fold *hf; /* or NULL */
  long min_freq;
  char *fb; /* a folded word */
  size_t fcap;
  uint64_t *h; /* hashed keys gathered */
  size_t nh, hcap;
} loader;

static topics_status gather_key(loader *ld, uint64_t k) {
  if (ld->nh == ld->hcap && MEM_RESERVE(ld->h, ld->hcap, ld->nh + 1) != TOPICS_OK)
    return TOPICS_ENOMEM;
  ld->h[ld->nh++] = key_hash(k);
  return TOPICS_OK;
}

/* The packed key of Han code points cps[0..n) (n <= 4, all BMP and not 0). */
static uint64_t pack_cps(const unsigned *cps, size_t n) {
  uint64_t k = 0;
  for (size_t i = 0; i < n; i++) k |= (uint64_t)cps[i] << (16 * i);
  return k;
}

/* The word as folded to Simplified, cps[0..n) as written, unless it folds as written. Most words
 * fold a character at a time; the others go through the whole-text fold. */
static topics_status take_folded(loader *ld, const char *s, size_t len, const unsigned *cps,
                                 size_t n, uint64_t key) {
  unsigned fc[SEG_WORDS_MAX_CHARS];
  if (han_fold_cps(ld->hf, cps, n, fc)) {
    uint64_t fk = pack_cps(fc, n);
    return fk == key ? TOPICS_OK : gather_key(ld, fk);
  }
  size_t flen;
  if (han_fold_apply(ld->hf, s, len, &ld->fb, &ld->fcap, &flen) != TOPICS_OK ||
      (flen == len && memcmp(ld->fb, s, len) == 0))
    return TOPICS_OK;
  uint64_t k;
  return pack(ld->fb, flen, &k) ? gather_key(ld, k) : seg_words_add(ld->w, ld->fb, flen);
}

/* Takes one "word<TAB>frequency" line (no line end) when it qualifies. */
static topics_status take_entry(loader *ld, const char *s, size_t len) {
  const char *tab = memchr(s, '\t', len);
  if (!tab || tab == s) return TOPICS_OK;
  size_t wl = (size_t)(tab - s);
  long f = parse_freq(tab + 1, len - wl - 1);
  unsigned cps[SEG_WORDS_MAX_CHARS];
  size_t nc = f < ld->min_freq ? 0 : han_word(s, wl, cps);
  if (nc == 0) return TOPICS_OK;
  uint64_t key = pack_cps(cps, nc);
  topics_status st = gather_key(ld, key);
  return st == TOPICS_OK && ld->hf ? take_folded(ld, s, wl, cps, nc, key) : st;
}

/* Longest list line looked at; longer ones (no word of the list is) are skipped. */
#define LINE_MAX_BYTES 255

/* Takes every line of f. */
static topics_status read_lines(loader *ld, FILE *f) {
  /* About 12 bytes a line and a word or two kept from each (as written and folded). */
  if (fseek(f, 0, SEEK_END) == 0) {
    long size = ftell(f);
    if (size > 0 && !ld->h) {
      if (!(ld->h = mem_huge_alloc((size_t)size / 12 * sizeof *ld->h))) return TOPICS_ENOMEM;
      ld->hcap = (size_t)size / 12;
    }
    rewind(f);
  }
  enum { CHUNK = 1 << 16 };
  char *buf = malloc(CHUNK);
  size_t have = 0;
  int skipping = 0; /* inside an overlong line */
  topics_status st = buf ? TOPICS_OK : TOPICS_ENOMEM;
  while (st == TOPICS_OK) {
    size_t got = fread(buf + have, 1, CHUNK - have, f);
    have += got;
    int eof = got == 0;
    if (eof && have == 0) break;
    size_t p = 0;
    for (;;) {
      char *nl = memchr(buf + p, '\n', have - p);
      if (!nl && !eof) break;
      size_t e = nl ? (size_t)(nl - buf) : have, len = e - p;
      if (!skipping) {
        while (len > 0 && buf[p + len - 1] == '\r') len--;
        if (len <= LINE_MAX_BYTES) st = take_entry(ld, buf + p, len);
      }
      skipping = 0;
      p = nl ? e + 1 : have;
      if (st != TOPICS_OK || p == have) break;
    }
    /* Keep the start of a line that goes on; of an overlong one, nothing. */
    memmove(buf, buf + p, have - p);
    have -= p;
    if (have > LINE_MAX_BYTES + 1) {
      have = 0;
      skipping = 1;
    }
    if (eof) break;
  }
  if (st == TOPICS_OK && ferror(f)) st = TOPICS_EIO;
  free(buf);
  return st;
}

topics_status seg_words_load(seg_words *w, const char *path, long min_freq) {
  FILE *f = fopen(path, "rb");
  if (!f) return TOPICS_EIO;
  loader ld = {.w = w, .min_freq = min_freq};
  if (han_fold_get(&ld.hf) != TOPICS_OK) ld.hf = NULL; /* without the fold: Traditional only */
  topics_status st = read_lines(&ld, f);
  fclose(f);
  if (st == TOPICS_OK) st = add_bulk(w, ld.h, ld.nh);
  free(ld.h);
  free(ld.fb);
  return st;
}

/* Single characters that glue to anything (particles, prepositions, pronouns, conjunctions):
 * their pairs recur for grammar's sake, not because they make a word. */
static const char function_chars[] =
    "的了着著是在和与與及或也都就而但把被将將对對从從向以于於为為之其这這那个個等不很又还還所由"
    "给給让讓吗嗎呢吧啊地得已并並即则則且一二两兩三几幾每各该該此才至到再最更只太没沒会會能要可"
    "第年月日号號";

/* The code point of s[0..3) when it is one well-formed character, else 0 (no function one). */
static unsigned utf8_cp3(const char *s) {
  unsigned cp;
  return utf8_decode((const unsigned char *)s, 3, &cp) == 3 && cp != 0xFFFD ? cp : 0;
}

/* function_chars as a bit per code point of the Basic Multilingual Plane: the test runs for every
 * Han piece the statistics and the joins look at. */
static uint64_t function_bits[1024];
static pthread_once_t function_once = PTHREAD_ONCE_INIT;

static void function_init(void) {
  for (size_t i = 0; i + 3 <= sizeof function_chars - 1; i += 3) {
    unsigned cp = utf8_cp3(function_chars + i);
    function_bits[cp >> 6] |= 1ULL << (cp & 63);
  }
}

int seg_words_function_piece(const char *s, size_t len) {
  if (len != 3) return 0;
  unsigned cp = utf8_cp3(s);
  if (!cp) return 0;
  pthread_once(&function_once, function_init);
  return (int)((function_bits[cp >> 6] >> (cp & 63)) & 1);
}

/* 1 when spans sp[0..k) make a word of j: a learned compound, or a word of the list made of
 * single characters only, none of them a function piece. A list word is joined from single
 * characters only, as ICU's own dictionary words are the ones segmentation standards keep: the
 * list's longer entries (一個, 體育用品) are mostly what they split. */
static int joinable(const seg_joiner *j, const char *text, const seg_span *sp, size_t k) {
  size_t a = sp[0].start, b = sp[k - 1].start + sp[k - 1].len;
  uint64_t key;
  int packs = pack(text + a, b - a, &key); /* once for both sets */
  if (has_word(j->learned, text + a, b - a, packs, key)) return 1;
  if (!j->lexicon) return 0;
  for (size_t i = 0; i < k; i++)
    if (sp[i].len > 4 || seg_words_function_piece(text + sp[i].start, sp[i].len)) return 0;
  return has_word(j->lexicon, text + a, b - a, packs, key);
}

void seg_join(const seg_joiner *j, const char *text, seg_span *sp, size_t base, size_t *n) {
  size_t w = base, i = base, end = *n;
  while (i < end) {
    size_t take = 1;
    if (sp[i].kind == SEG_IDEO && i + 1 < end && sp[i + 1].glued && sp[i + 1].kind == SEG_IDEO) {
      /* The longest run of glued Han spans within the length bound that is a word. */
      size_t k = i + 1, chars = sp[i].len / 3;
      while (k < end && sp[k].glued && sp[k].kind == SEG_IDEO &&
             chars + sp[k].len / 3 <= SEG_WORDS_MAX_CHARS) {
        chars += sp[k].len / 3;
        k++;
      }
      for (size_t m = k; m > i + 1; m--) {
        if (joinable(j, text, sp + i, m - i)) {
          take = m - i;
          break;
        }
      }
    }
    if (take == 1) {
      if (w != i) sp[w] = sp[i];
    } else {
      seg_span out = sp[i];
      out.len = sp[i + take - 1].start + sp[i + take - 1].len - out.start;
      sp[w] = out;
    }
    w++;
    i += take;
  }
  *n = w;
}
