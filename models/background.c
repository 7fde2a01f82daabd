/* Background word frequencies for the terms of a term matrix.
 *
 * Only the terms of the matrix are wanted, so the list is streamed once against a small map of
 * the terms' folded keys instead of being loaded whole (313,000 words for rime-essay). Both sides
 * go through the tokenizer's Traditional → Simplified fold: the list is written in Traditional
 * script and term keys are Simplified (or, with the fold off, as the talk wrote them). Several
 * Traditional spellings that fold to one Simplified word add their counts.
 *
 * The English list (WordNet's sense counts) is streamed the same way against the keys without
 * Han; its lemmas are stemmed first, since English term keys are Snowball stems. */
#include "models/background.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/diag.h"
#include "common/mem.h"
#include "common/strmap.h"
#include "tokenize/han_fold.h"
#include "tokenize/normalize.h"
#include "tokenize/stem.h"

void bg_freq_clear(bg_freq *out) {
  free(out->rel);
  memset(out, 0, sizeof *out);
}

typedef struct bg_terms {
  strmap *keys;   /* folded key -> slot */
  uint32_t *head; /* slot -> first term with that folded key */
  uint32_t *next; /* term -> next term with the same folded key, UINT32_MAX ends */
} bg_terms;

static void bg_terms_free(bg_terms *k) {
  strmap_free(k->keys);
  free(k->head);
  free(k->next);
}

/* The map of the keys the list can judge (with Han when hf is set, else without): by folded key
 * for Han, as they are for English; rel[t] becomes 0 for them and −1 for the others. */
static topics_status bg_terms_build(uint32_t V, bg_key_fn keyf, void *ud, const han_fold *hf,
                                    double *rel, bg_terms *k, char **buf, size_t *cap) {
  k->keys = strmap_new();
  k->head = malloc((V ? V : 1) * sizeof *k->head);
  k->next = malloc((V ? V : 1) * sizeof *k->next);
  if (!k->keys || !k->head || !k->next) return TOPICS_ENOMEM;
  for (uint32_t t = 0; t < V; t++) {
    size_t len, flen;
    const char *key = keyf(ud, t, &len);
    if (!key) return TOPICS_ENOMEM;
    k->next[t] = UINT32_MAX;
    rel[t] = -1.0;
    if (norm_has_han(key, len) != (hf != NULL)) continue;
    rel[t] = 0.0;
    topics_status st = TOPICS_OK;
    if (hf) st = han_fold_apply(hf, key, len, buf, cap, &flen);
    if (st != TOPICS_OK) return st;
    uint32_t slot;
    int added;
    st = strmap_intern(k->keys, hf ? *buf : key, hf ? flen : len, &slot, &added);
    if (st != TOPICS_OK) return st;
    if (added) k->head[slot] = t;
    else {
      k->next[t] = k->head[slot];
      k->head[slot] = t;
    }
  }
  return TOPICS_OK;
}

/* Parses the decimal count at [p, e), which ends at e, at `sep` or at a CR: 1 with *count set,
 * 0 when there is no digit, a stray byte or an absurd value. */
static int parse_count(const char *p, const char *e, char sep, unsigned long long *count) {
  if (p == e || *p < '0' || *p > '9') return 0;
  unsigned long long v = 0;
  for (; p < e && *p >= '0' && *p <= '9'; p++) {
    if (v > (~0ull - 9) / 10) return 0; /* absurd count */
    v = v * 10 + (unsigned)(*p - '0');
  }
  if (p < e && *p != sep && *p != '\r') return 0;
  *count = v;
  return 1;
}

/* Parses "word<TAB>count" at line[0..len): 1 with *wlen and *count set, 0 when malformed. */
static int parse_line(const char *line, size_t len, size_t *wlen, unsigned long long *count) {
  const char *tab = memchr(line, '\t', len);
  if (!tab || tab == line) return 0;
  *wlen = (size_t)(tab - line);
  return parse_count(tab + 1, line + len, '\t', count);
}

/* Ends a parse with status st: counts become relative frequencies, or out is cleared. */
static topics_status bg_finish(const char *name, uint32_t V, topics_status st, bg_freq *out) {
  if (st == TOPICS_OK && out->total <= 0) {
    diag_warn(name, 0, "the word-frequency list holds no counts");
    st = TOPICS_EINVAL;
  }
  if (st != TOPICS_OK) {
    bg_freq_clear(out);
    return st;
  }
  for (uint32_t t = 0; t < V; t++)
    if (out->rel[t] > 0) {
      out->rel[t] /= out->total;
      out->nfound++;
    }
  return TOPICS_OK;
}

topics_status bg_parse_keys(const char *name, const char *buf, size_t len, uint32_t V,
                            bg_key_fn keyf, void *ud, bg_freq *out) {
  memset(out, 0, sizeof *out);
  const han_fold *hf;
  topics_status st = han_fold_get(&hf);
  if (st != TOPICS_OK) return st;
  out->rel = malloc((V ? V : 1) * sizeof *out->rel);
  if (!out->rel) return TOPICS_ENOMEM;
  bg_terms k = {0};
  char *fb = NULL;
  size_t fcap = 0;
  st = bg_terms_build(V, keyf, ud, hf, out->rel, &k, &fb, &fcap);
  long lineno = 0;
  for (size_t pos = 0; st == TOPICS_OK && pos < len;) {
    const char *line = buf + pos;
    const char *nl = memchr(line, '\n', len - pos);
    size_t ll = nl ? (size_t)(nl - line) : len - pos;
    pos += ll + (nl != NULL);
    lineno++;
    if (ll == 0 || (ll == 1 && line[0] == '\r')) continue;
    size_t wlen;
    unsigned long long count;
    if (!parse_line(line, ll, &wlen, &count)) {
      diag_warn(name, lineno, "not a word-frequency line (word, tab, count)");
      st = TOPICS_EINVAL;
      break;
    }
    out->total += (double)count;
    if (count == 0 || strmap_count(k.keys) == 0 || !norm_has_han(line, wlen)) continue;
    size_t flen;
    st = han_fold_apply(hf, line, wlen, &fb, &fcap, &flen);
    uint32_t slot;
    if (st == TOPICS_OK && strmap_find(k.keys, fb, flen, &slot))
      for (uint32_t t = k.head[slot]; t != UINT32_MAX; t = k.next[t]) out->rel[t] += (double)count;
  }
  free(fb);
  bg_terms_free(&k);
  return bg_finish(name, V, st, out);
}

/* Parses "lemma%rest sense-number count" at line[0..len): 1 with *wlen (the lemma's length) and
 * *count set, 0 when malformed. */
static int parse_en_line(const char *line, size_t len, size_t *wlen, unsigned long long *count) {
  const char *sp = memchr(line, ' ', len);
  if (!sp) return 0;
  const char *pct = memchr(line, '%', (size_t)(sp - line));
  if (!pct || pct == line) return 0;
  *wlen = (size_t)(pct - line);
  const char *p = sp + 1, *e = line + len;
  while (p < e && *p >= '0' && *p <= '9') p++;
  if (p == sp + 1 || p == e || *p != ' ') return 0;
  return parse_count(p + 1, e, ' ', count);
}

/* The key of lemma w[0..len): its words (split at `_` and `-`) stemmed where the tokenizer stems
 * them, joined by a space, in *buf. */
static topics_status en_key(stem *sm, const char *w, size_t len, char **buf, size_t *cap,
                            size_t *klen) {
  size_t n = 0;
  for (size_t i = 0; i < len;) {
    size_t j = i;
    while (j < len && w[j] != '_' && w[j] != '-') j++;
    if (j > i) {
      size_t slen = j - i;
      const char *st = w + i;
      if (stem_applies(st, slen) && !(st = stem_word(sm, st, slen, &slen))) return TOPICS_ENOMEM;
      size_t need;
      topics_status rs = mem_add(n, slen + 2, &need);
      if (rs == TOPICS_OK) rs = MEM_RESERVE(*buf, *cap, need);
      if (rs != TOPICS_OK) return rs;
      if (n) (*buf)[n++] = ' ';
      memcpy(*buf + n, st, slen);
      n += slen;
    }
    i = j + 1;
  }
  *klen = n;
  return TOPICS_OK;
}

topics_status bg_parse_en_keys(const char *name, const char *buf, size_t len, uint32_t V,
                               bg_key_fn keyf, void *ud, bg_freq *out) {
  memset(out, 0, sizeof *out);
  out->rel = malloc((V ? V : 1) * sizeof *out->rel);
  if (!out->rel) return TOPICS_ENOMEM;
  topics_status st = TOPICS_OK;
  stem *sm = stem_new(&st);
  bg_terms k = {0};
  char *kb = NULL;
  size_t kcap = 0;
  if (st == TOPICS_OK) st = bg_terms_build(V, keyf, ud, NULL, out->rel, &k, &kb, &kcap);
  long lineno = 0;
  const char *prev = NULL; /* the last lemma stemmed, its length, whether its key is wanted */
  size_t plen = 0;
  int pfound = 0;
  uint32_t pslot = 0;
  for (size_t pos = 0; st == TOPICS_OK && pos < len;) {
    const char *line = buf + pos;
    const char *nl = memchr(line, '\n', len - pos);
    size_t ll = nl ? (size_t)(nl - line) : len - pos;
    pos += ll + (nl != NULL);
    lineno++;
    if (ll == 0 || (ll == 1 && line[0] == '\r')) continue;
    size_t wlen, klen;
    unsigned long long count;
    if (!parse_en_line(line, ll, &wlen, &count)) {
      diag_warn(name, lineno, "not a sense-count line (lemma%%key, sense number, count)");
      st = TOPICS_EINVAL;
      break;
    }
    out->total += (double)count;
    if (count == 0 || strmap_count(k.keys) == 0) continue;
    /* A lemma's senses are on adjacent lines: stem it once. */
    if (!prev || wlen != plen || memcmp(prev, line, wlen) != 0) {
      st = en_key(sm, line, wlen, &kb, &kcap, &klen);
      pfound = st == TOPICS_OK && klen > 0 && strmap_find(k.keys, kb, klen, &pslot);
      prev = line;
      plen = wlen;
    }
    if (pfound)
      for (uint32_t t = k.head[pslot]; t != UINT32_MAX; t = k.next[t]) out->rel[t] += (double)count;
  }
  free(kb);
  bg_terms_free(&k);
  stem_free(sm);
  return bg_finish(name, V, st, out);
}

const char *bg_en_path(int *named) {
  const char *env = getenv(BG_WORDNET_ENV);
  *named = env != NULL;
  if (!env) return BG_WORDNET_PATH;
  return *env && strcmp(env, "none") != 0 ? env : NULL;
}

static const char *dtm_key(void *ud, uint32_t t, size_t *len) {
  const char *k = dtm_term_key(ud, t);
  *len = strlen(k);
  return k;
}

topics_status bg_parse(const char *name, const char *buf, size_t len, const dtm *m, bg_freq *out) {
  return bg_parse_keys(name, buf, len, dtm_nterms(m), dtm_key, (void *)m, out);
}

topics_status bg_read(const char *path, const dtm *m, bg_freq *out) {
  return bg_read_keys(path, dtm_nterms(m), dtm_key, (void *)m, out);
}

typedef topics_status (*bg_parse_fn)(const char *name, const char *buf, size_t len, uint32_t n,
                                     bg_key_fn keyf, void *ud, bg_freq *out);

/* Reads the file at path whole and hands it to parse. */
static topics_status read_with(const char *path, bg_parse_fn parse, uint32_t n, bg_key_fn keyf,
                               void *ud, bg_freq *out) {
  memset(out, 0, sizeof *out);
  FILE *f = fopen(path, "rb");
  if (!f) return TOPICS_ENOENT;
  char *buf = NULL;
  size_t len = 0, cap = 0;
  topics_status st = TOPICS_OK;
  for (;;) {
    if ((st = MEM_RESERVE(buf, cap, len + 65536)) != TOPICS_OK) break;
    size_t got = fread(buf + len, 1, cap - len, f);
    len += got;
    if (got == 0) break;
  }
  if (st == TOPICS_OK && ferror(f)) {
    diag_warn(path, 0, "cannot read the word-frequency list");
    st = TOPICS_EIO;
  }
  fclose(f);
  if (st == TOPICS_OK) st = parse(path, buf, len, n, keyf, ud, out);
  free(buf);
  return st;
}

topics_status bg_read_keys(const char *path, uint32_t n, bg_key_fn keyf, void *ud, bg_freq *out) {
  return read_with(path, bg_parse_keys, n, keyf, ud, out);
}

topics_status bg_read_en_keys(const char *path, uint32_t n, bg_key_fn keyf, void *ud, bg_freq *out) {
  return read_with(path, bg_parse_en_keys, n, keyf, ud, out);
}
