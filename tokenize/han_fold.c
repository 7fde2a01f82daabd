/* The Han fold table (han_fold.h): ICU's Hant-Hans rules read once per process, then applied by
 * longest match: a table per BMP code point for single characters, hash lookups for longer
 * sources. */
#include "tokenize/han_fold.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/ures.h>
#include <unicode/ustring.h>
#include <unicode/utrans.h>

#include "common/arena.h"
#include "common/mem.h"
#include "common/strmap.h"
#include "common/utf8.h"

#define MAX_KEY_CPS 8 /* longest source this code applies, in code points */

struct han_fold {
  strmap *keys;  /* rule source -> rule index */
  const char **dst;
  uint32_t *dlen;
  uint32_t *dcp; /* per rule: its target as one BMP code point, or 0 when it is not one */
  size_t nrules, cap;
  strmap *firsts; /* first code point of a source of 2+ code points -> index in maxc */
  uint8_t *maxc;  /* the most code points of a source starting with it */
  size_t nfirst, fcap;
  /* Per BMP code point: 1 + the index of its one-character rule (0: none), and 1 + its index in
   * maxc when a longer source starts with it (0: none). Most characters of Chinese text go
   * through here, so neither case needs a map lookup. */
  uint32_t *single, *first;
  /* The first two code points of every source of 2+ code points, as (a << 21 | b) + 1 in an open
   * addressing set: a pair not in it starts no longer match. */
  uint64_t *pairs;
  size_t pmask, npairs;
  arena strings;
};

static han_fold *the_fold;
static topics_status the_status = TOPICS_EICU;
static int the_route; /* 1: the rules were read from ICU's data, no transliterator opened */
static pthread_once_t the_once = PTHREAD_ONCE_INIT;

static void fold_free(han_fold *f) {
  if (!f) return;
  strmap_free(f->keys);
  strmap_free(f->firsts);
  free(f->dst);
  free(f->dlen);
  free(f->dcp);
  free(f->maxc);
  free(f->single);
  free(f->first);
  free(f->pairs);
  arena_free(&f->strings);
  free(f);
}

/* Code points in s[0..len) (well-formed UTF-8). */
static size_t count_cps(const char *s, size_t len) {
  size_t n = 0;
  for (size_t i = 0; i < len; i++) n += ((unsigned char)s[i] & 0xC0) != 0x80;
  return n;
}

/* Only non-ASCII characters: every piece of rule syntax (spaces, quotes, braces, brackets, '$',
 * '|', ';', '>') is ASCII, so a side made of other characters is a plain literal. */
static int literal(const char *s, size_t len) {
  if (len == 0 || utf8_valid_prefix(s, len) != len) return 0;
  for (size_t i = 0; i < len; i++)
    if ((unsigned char)s[i] < 0x80) return 0;
  return 1;
}

static uint64_t pair_key(unsigned a, unsigned b) { return ((uint64_t)a << 21 | b) + 1; }

static size_t pair_slot(uint64_t k, size_t mask) {
  k *= 0x9E3779B97F4A7C15ULL;
  return (size_t)(k >> 40) & mask;
}

static int has_pair(const han_fold *f, unsigned a, unsigned b) {
  uint64_t k = pair_key(a, b);
  for (size_t i = pair_slot(k, f->pmask); f->pairs[i]; i = (i + 1) & f->pmask)
    if (f->pairs[i] == k) return 1;
  return 0;
}

static topics_status add_pair(han_fold *f, unsigned a, unsigned b) {
  if ((f->npairs + 1) * 2 > f->pmask + 1) { /* at most half full */
    size_t n = (f->pmask + 1) * 2;
    uint64_t *np = calloc(n, sizeof *np);
    if (!np) return TOPICS_ENOMEM;
    for (size_t i = 0; i <= f->pmask; i++) {
      if (!f->pairs[i]) continue;
      size_t j = pair_slot(f->pairs[i], n - 1);
      while (np[j]) j = (j + 1) & (n - 1);
      np[j] = f->pairs[i];
    }
    free(f->pairs);
    f->pairs = np;
    f->pmask = n - 1;
  }
  uint64_t k = pair_key(a, b);
  size_t i = pair_slot(k, f->pmask);
  for (; f->pairs[i]; i = (i + 1) & f->pmask)
    if (f->pairs[i] == k) return TOPICS_OK;
  f->pairs[i] = k;
  f->npairs++;
  return TOPICS_OK;
}

/* Adds rule "src > dst"; a source already present keeps its first rule (ICU's first match). */
static topics_status add_rule(han_fold *f, const char *src, size_t slen, const char *dst,
                              size_t dlen) {
  uint32_t id;
  int added;
  topics_status st = strmap_intern(f->keys, src, slen, &id, &added);
  if (st != TOPICS_OK || !added) return st;
  size_t c1 = f->cap, c2 = f->cap, c3 = f->cap;
  if (MEM_RESERVE(f->dst, c1, (size_t)id + 1) != TOPICS_OK ||
      MEM_RESERVE(f->dlen, c2, (size_t)id + 1) != TOPICS_OK ||
      MEM_RESERVE(f->dcp, c3, (size_t)id + 1) != TOPICS_OK)
    return TOPICS_ENOMEM;
  f->cap = c1 < c2 ? c1 : c2;
  if (c3 < f->cap) f->cap = c3;
  if (!(f->dst[id] = arena_copy(&f->strings, dst, dlen))) return TOPICS_ENOMEM;
  f->dlen[id] = (uint32_t)dlen;
  unsigned dc; /* decoded once here, not at every fold of the character */
  int one = dlen && utf8_decode((const unsigned char *)dst, dlen, &dc) == dlen;
  f->dcp[id] = one && dc <= 0xFFFF && dc != 0xFFFD ? dc : 0;
  f->nrules = (size_t)id + 1;
  size_t ncp = count_cps(src, slen);
  if (ncp > MAX_KEY_CPS) return TOPICS_EICU;
  unsigned cp;
  size_t n1 = utf8_decode((const unsigned char *)src, slen, &cp);
  if (ncp == 1 && cp <= 0xFFFF) f->single[cp] = id + 1;
  if (ncp > 1) {
    uint32_t k;
    if ((st = strmap_intern(f->firsts, src, n1, &k, &added)) != TOPICS_OK) return st;
    if (added) {
      if (MEM_RESERVE(f->maxc, f->fcap, (size_t)k + 1) != TOPICS_OK) return TOPICS_ENOMEM;
      f->maxc[k] = 0;
      f->nfirst = (size_t)k + 1;
    }
    if (ncp > f->maxc[k]) f->maxc[k] = (uint8_t)ncp;
    if (cp <= 0xFFFF) f->first[cp] = k + 1;
    unsigned cp2;
    utf8_decode((const unsigned char *)src + n1, slen - n1, &cp2);
    if ((st = add_pair(f, cp, cp2)) != TOPICS_OK) return st;
  }
  return TOPICS_OK;
}

/* Parses ICU's rule text: lines "src > dst;", nothing else. */
static topics_status parse_rules(han_fold *f, const char *r, size_t len) {
  size_t i = 0;
  while (i < len) {
    const char *nl = memchr(r + i, '\n', len - i);
    size_t e = nl ? (size_t)(nl - r) : len;
    const char *line = r + i;
    size_t ll = e - i;
    i = e + 1;
    if (ll == 0) continue;
    const char *arrow = NULL;
    for (size_t k = 0; k + 3 <= ll; k++)
      if (memcmp(line + k, " > ", 3) == 0) {
        arrow = line + k;
        break;
      }
    if (!arrow || line[ll - 1] != ';') return TOPICS_EICU;
    size_t slen = (size_t)(arrow - line), dlen = ll - 1 - (slen + 3);
    const char *dst = arrow + 3;
    if (!literal(line, slen) || !literal(dst, dlen)) return TOPICS_EICU;
    topics_status st = add_rule(f, line, slen, dst, dlen);
    if (st != TOPICS_OK) return st;
  }
  return f->nrules ? TOPICS_OK : TOPICS_EICU;
}

/* The rules of ICU's Hant-Hans transliterator as UTF-8; *out malloc'd (caller frees). */
static topics_status icu_rules(char **out, size_t *len) {
  static const UChar id[] = {'H', 'a', 'n', 't', '-', 'H', 'a', 'n', 's', 0};
  UErrorCode e = U_ZERO_ERROR;
  UTransliterator *tr = utrans_openU(id, -1, UTRANS_FORWARD, NULL, 0, NULL, &e);
  if (U_FAILURE(e) || !tr) return TOPICS_EICU;
  int32_t n = utrans_toRules(tr, 0, NULL, 0, &e);
  topics_status st = TOPICS_EICU;
  UChar *u = NULL;
  if (e == U_BUFFER_OVERFLOW_ERROR && n > 0 && n < INT32_MAX / 4) {
    e = U_ZERO_ERROR;
    u = malloc(((size_t)n + 1) * sizeof *u);
    *out = malloc((size_t)n * 3 + 1);
    int32_t blen = 0;
    if (!u || !*out) {
      st = TOPICS_ENOMEM;
    } else {
      utrans_toRules(tr, 0, u, n + 1, &e);
      if (U_SUCCESS(e)) u_strToUTF8(*out, n * 3 + 1, &blen, u, n, &e);
      if (U_SUCCESS(e)) {
        *len = (size_t)blen;
        st = TOPICS_OK;
      }
    }
  }
  free(u);
  if (st != TOPICS_OK) {
    free(*out);
    *out = NULL;
  }
  utrans_close(tr);
  return st;
}

static void trim(const char **s, size_t *len) {
  while (*len && **s == ' ') (*s)++, (*len)--;
  while (*len && (*s)[*len - 1] == ' ') (*len)--;
}

/* The next rule of ICU's rule source r[*i..len), cut at ';' and trimmed of ASCII spaces: *rule,
 * *rlen. 0 at the end; -1 for text after the last ';'. */
static int next_rule(const char *r, size_t len, size_t *i, const char **rule, size_t *rlen) {
  while (*i < len) {
    const char *semi = memchr(r + *i, ';', len - *i);
    size_t e = semi ? (size_t)(semi - r) : len;
    *rule = r + *i;
    *rlen = e - *i;
    *i = e + 1;
    trim(rule, rlen);
    if (*rlen) return semi ? 1 : -1;
  }
  return 0;
}

/* The last place arrow (3 bytes of UTF-8) is in s[0..len), or NULL; *count gets how often it is
 * there. */
static const char *find_arrow(const char *s, size_t len, const char *arrow, int *count) {
  const char *at = NULL;
  *count = 0;
  for (size_t k = 0; k + 3 <= len; k++)
    if (memcmp(s + k, arrow, 3) == 0) {
      at = s + k;
      (*count)++;
    }
  return at;
}

/* Parses the source of ICU's Hans-Hant rules for use in reverse: "a ↔ b;" and "a ← b;" give
 * "b > a", "a → b;" is forward only, and "$v = ...;" defines a variable (forward rules use them).
 * Any other shape is TOPICS_EICU. */
static topics_status parse_source(han_fold *f, const char *r, size_t len) {
  static const char both[] = "\xe2\x86\x94", back[] = "\xe2\x86\x90", fwd[] = "\xe2\x86\x92";
  size_t i = 0, ll;
  const char *line;
  int k;
  while ((k = next_rule(r, len, &i, &line, &ll)) != 0) {
    if (k < 0) return TOPICS_EICU;
    int nb, nk, nf;
    const char *ab = find_arrow(line, ll, both, &nb), *ak = find_arrow(line, ll, back, &nk);
    find_arrow(line, ll, fwd, &nf);
    if (nb + nk == 0) {
      if (nf > 0 || (line[0] == '$' && memchr(line, '=', ll))) continue;
      return TOPICS_EICU;
    }
    if (nb + nk + nf != 1) return TOPICS_EICU;
    const char *arrow = ab ? ab : ak, *src = arrow + 3, *dst = line;
    size_t slen = (size_t)(line + ll - src), dlen = (size_t)(arrow - line);
    trim(&src, &slen);
    trim(&dst, &dlen);
    if (!literal(src, slen) || !literal(dst, dlen)) return TOPICS_EICU;
    topics_status st = add_rule(f, src, slen, dst, dlen);
    if (st != TOPICS_OK) return st;
  }
  return f->nrules ? TOPICS_OK : TOPICS_EICU;
}

/* ICU's transliterator index gives Hant-Hans as the rules of Hans-Hant read in reverse, and holds
 * their source. Read from there, no transliterator is opened, which spares the process ICU's
 * transliterator registry (about 40 ms, most of the start-up of a run on Chinese text). A layout
 * other than ICU 72's, or rules of another shape, give TOPICS_EICU: then build asks the
 * transliterator (icu_rules), and tests/test_han_fold.c fails, as the route taken is checked. */
static topics_status data_rules(han_fold *f) {
  static const UChar reverse[] = {'R', 'E', 'V', 'E', 'R', 'S', 'E'};
  UErrorCode e = U_ZERO_ERROR;
  UResourceBundle *root = ures_openDirect(U_ICUDATA_NAME "-translit", "root", &e);
  UResourceBundle *ids = ures_getByKey(root, "RuleBasedTransliteratorIDs", NULL, &e);
  UResourceBundle *id = ures_getByKey(ids, "Hant-Hans", NULL, &e);
  UResourceBundle *file = ures_getByKey(id, "file", NULL, &e);
  int32_t dn = 0, rn = 0;
  const UChar *dir = ures_getStringByKey(file, "direction", &dn, &e);
  const UChar *src = ures_getStringByKey(file, "resource", &rn, &e);
  topics_status st = TOPICS_EICU;
  if (U_SUCCESS(e) && dn == 7 && memcmp(dir, reverse, sizeof reverse) == 0 && rn > 0 &&
      rn < INT32_MAX / 4) {
    char *u8 = malloc((size_t)rn * 3 + 1);
    int32_t blen = 0;
    if (!u8) {
      st = TOPICS_ENOMEM;
    } else {
      u_strToUTF8(u8, rn * 3 + 1, &blen, src, rn, &e);
      if (U_SUCCESS(e)) st = parse_source(f, u8, (size_t)blen);
    }
    free(u8);
  }
  ures_close(file);
  ures_close(id);
  ures_close(ids);
  ures_close(root);
  return st;
}

static han_fold *fold_new(void) {
  han_fold *f = calloc(1, sizeof *f);
  if (f) f->pmask = 1023;
  if (f && (!(f->keys = strmap_new()) || !(f->firsts = strmap_new()) ||
            !(f->single = calloc(0x10000, sizeof *f->single)) ||
            !(f->first = calloc(0x10000, sizeof *f->first)) ||
            !(f->pairs = calloc(1024, sizeof *f->pairs)))) {
    fold_free(f);
    f = NULL;
  }
  return f;
}

static void build(void) {
  han_fold *f = fold_new();
  topics_status st = f ? data_rules(f) : TOPICS_ENOMEM;
  the_route = st == TOPICS_OK;
  if (st == TOPICS_EICU) { /* another ICU: ask its transliterator */
    char *rules = NULL;
    size_t len = 0;
    fold_free(f);
    f = fold_new();
    st = f ? icu_rules(&rules, &len) : TOPICS_ENOMEM;
    if (st == TOPICS_OK) st = parse_rules(f, rules, len);
    free(rules);
  }
  if (st != TOPICS_OK) {
    fold_free(f);
    f = NULL;
  }
  the_fold = f;
  the_status = st;
}

topics_status han_fold_from_source(const char *rules, size_t len, han_fold **out) {
  han_fold *f = fold_new();
  topics_status st = f ? parse_source(f, rules, len) : TOPICS_ENOMEM;
  if (st != TOPICS_OK) {
    fold_free(f);
    f = NULL;
  }
  *out = f;
  return st;
}

void han_fold_free(han_fold *f) { fold_free(f); }

int han_fold_from_data(void) {
  const han_fold *f;
  han_fold_get(&f);
  return the_route;
}

topics_status han_fold_get(const han_fold **out) {
  pthread_once(&the_once, build);
  *out = the_fold;
  return the_status;
}

static topics_status put(char **buf, size_t *cap, size_t at, const char *s, size_t n) {
  size_t need;
  if (mem_add(at, n, &need) != TOPICS_OK || MEM_RESERVE(*buf, *cap, need) != TOPICS_OK)
    return TOPICS_ENOMEM;
  memcpy(*buf + at, s, n);
  return TOPICS_OK;
}

/* 1 when a source of 2+ code points starts with code point cp (the n bytes at s); *k gets its
 * index in maxc. */
static int first_index(const han_fold *f, const char *s, size_t n, unsigned cp, uint32_t *k) {
  if (cp > 0xFFFF) return strmap_find(f->firsts, s, n, k);
  *k = f->first[cp] - 1;
  return f->first[cp] != 0;
}

/* 0 when BMP code point cp and the one at p[at..len) begin no source of 2+ code points (then no
 * longer match starts at cp); 1 when they may. */
static int starts_pair(const han_fold *f, const unsigned char *p, size_t len, size_t at,
                       unsigned cp) {
  if (cp > 0xFFFF || at >= len) return 1;
  unsigned cp2;
  utf8_decode(p + at, len - at, &cp2);
  return has_pair(f, cp, cp2);
}

/* 1 when code point cp (the n bytes at s) has a rule of its own; *id gets the rule. */
static int single_rule(const han_fold *f, const char *s, size_t n, unsigned cp, uint32_t *id) {
  if (cp > 0xFFFF) return strmap_find(f->keys, s, n, id);
  *id = f->single[cp] - 1;
  return f->single[cp] != 0;
}

/* The code point cp's own rule gives, cp when it has none, 0 when its rule gives anything but one
 * BMP code point. */
static unsigned fold_one(const han_fold *f, unsigned cp) {
  uint32_t id = f->single[cp];
  return id ? f->dcp[id - 1] : cp;
}

int han_fold_cps(const han_fold *f, const unsigned *cps, size_t n, unsigned *out) {
  for (size_t i = 0; i < n; i++) {
    unsigned cp = cps[i];
    if (cp > 0xFFFF || (f->first[cp] && i + 1 < n && has_pair(f, cp, cps[i + 1]))) return 0;
    if (!(out[i] = fold_one(f, cp))) return 0;
  }
  return 1;
}

topics_status han_fold_apply(const han_fold *f, const char *s, size_t len, char **buf, size_t *cap,
                             size_t *outlen) {
  const unsigned char *p = (const unsigned char *)s;
  size_t i = 0, o = 0;
  while (i < len) {
    size_t run = i;
    while (i < len && p[i] < 0x80) i++; /* no rule touches ASCII */
    if (i > run && put(buf, cap, o, s + run, i - run) != TOPICS_OK) return TOPICS_ENOMEM;
    o += i - run;
    if (i >= len) break;
    unsigned cp;
    size_t n1 = utf8_decode(p + i, len - i, &cp);
    size_t take = 0;
    uint32_t id = 0, k = 0;
    if (first_index(f, s + i, n1, cp, &k) && starts_pair(f, p, len, i + n1, cp)) {
      /* Ends of the next maxc[k] code points; try the longest source first. */
      size_t ends[MAX_KEY_CPS + 1], m = 1;
      ends[1] = i + n1;
      while (m < f->maxc[k] && ends[m] < len) {
        size_t e = ends[m] + 1;
        while (e < len && (p[e] & 0xC0) == 0x80) e++;
        ends[++m] = e;
      }
      for (size_t L = m; L >= 2 && !take; L--)
        if (strmap_find(f->keys, s + i, ends[L] - i, &id)) take = ends[L] - i;
    }
    if (!take && single_rule(f, s + i, n1, cp, &id)) take = n1;
    topics_status st = take ? put(buf, cap, o, f->dst[id], f->dlen[id]) : put(buf, cap, o, s + i, n1);
    if (st != TOPICS_OK) return st;
    o += take ? f->dlen[id] : n1;
    i += take ? take : n1;
  }
  *outlen = o;
  return TOPICS_OK;
}
