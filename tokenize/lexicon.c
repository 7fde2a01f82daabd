/* The lexicon: built-in stopword lists (compiled in from tokenize/stopwords/), extra stopwords and
 * the user dictionary. Entries are normalised exactly like words in text (normalize.h) and stored
 * both as written and Han-folded, so one entry matches either script. */
#include "tokenize/lexicon.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "common/diag.h"
#include "common/mem.h"
#include "common/utf8.h"
#include "tokenize/lexicon_int.h"
#include "tokenize/stopwords/stopwords.h"

typedef topics_status (*line_fn)(lex *lx, const char *s, size_t len);

/* Length of the white-space code point at s[0..len), or 0 when it is something else. */
static size_t space_len(const char *s, size_t len) {
  unsigned char c = (unsigned char)s[0];
  if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f') return 1;
  if (c < 0x80) return 0;
  unsigned cp;
  size_t n = utf8_decode((const unsigned char *)s, len, &cp);
  utf8proc_category_t cat = utf8proc_category((utf8proc_int32_t)cp);
  if (cat == UTF8PROC_CATEGORY_ZS || cat == UTF8PROC_CATEGORY_ZL || cat == UTF8PROC_CATEGORY_ZP ||
      cp == 0x85)
    return n;
  return 0;
}

topics_status lex_join_key(const char *s, size_t len, char **out, size_t *outlen) {
  char *d = malloc(len + 1);
  if (!d) return TOPICS_ENOMEM;
  size_t o = 0, i = 0;
  int gap = 0;
  while (i < len) {
    size_t n = space_len(s + i, len - i);
    if (n) {
      gap = 1;
      i += n;
      continue;
    }
    if (gap && o > 0) {
      unsigned before = norm_last_cp(d, o), after = norm_first_cp(s + i, len - i);
      if (!norm_is_cjk(before) && !norm_is_cjk(after)) d[o++] = ' ';
    }
    gap = 0;
    d[o++] = s[i++];
  }
  d[o] = '\0';
  *out = d;
  *outlen = o;
  return TOPICS_OK;
}

int lex_is_stopword(const lex *lx, const char *s, size_t len) {
  uint32_t id;
  return strmap_find(lx->stop, s, len, &id);
}

/* Normalises and joins one entry; *key NULL when it is empty. */
static topics_status entry_key(const char *s, size_t len, char **key, size_t *klen) {
  char *n;
  size_t nlen;
  *key = NULL;
  topics_status st = norm_text(s, len, &n, &nlen);
  if (st != TOPICS_OK) return st;
  st = lex_join_key(n, nlen, key, klen);
  free(n);
  if (st == TOPICS_OK && *klen == 0) {
    free(*key);
    *key = NULL;
  }
  return st;
}

static topics_status add_stop(lex *lx, const char *s, size_t len, int fold) {
  char *key;
  size_t klen;
  topics_status st = entry_key(s, len, &key, &klen);
  if (st != TOPICS_OK || !key) return st;
  uint32_t id;
  st = strmap_intern(lx->stop, key, klen, &id, NULL);
  const char *f;
  size_t flen;
  if (st == TOPICS_OK && fold) {
    st = norm_han_fold(lx->han, key, klen, &f, &flen);
    if (st == TOPICS_OK) st = strmap_intern(lx->stop, f, flen, &id, NULL);
  }
  free(key);
  return st;
}

topics_status lex_add_stopword(lex *lx, const char *s, size_t len) {
  return add_stop(lx, s, len, 1);
}

/* The built-in lists already hold the Simplified form of every Traditional entry (a unit test
 * checks it), so they skip the fold and English-only runs never open the transliterator. */
static topics_status add_builtin_stop(lex *lx, const char *s, size_t len) {
  return add_stop(lx, s, len, 0);
}

/* Bytewise order, a string before every longer string it starts. */
static int key_cmp(const char *a, size_t alen, const char *b, size_t blen) {
  int c = memcmp(a, b, alen < blen ? alen : blen);
  return c ? c : (alen > blen) - (alen < blen);
}

static int key_sort_cmp(const void *x, const void *y) {
  const lex_key *a = x, *b = y;
  return key_cmp(a->s, a->len, b->s, b->len);
}

/* Index of the first key of d that is not below s[0..len) (d->n when there is none). */
static size_t key_lower(const lex_keys *d, const char *s, size_t len) {
  size_t lo = 0, hi = d->n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (key_cmp(d->k[mid].s, d->k[mid].len, s, len) < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

int lex_dict_has(const lex *lx, int folded, const char *s, size_t len) {
  const lex_keys *d = &lx->dict[folded != 0];
  size_t i = key_lower(d, s, len);
  return i < d->n && d->k[i].len == len && (len == 0 || memcmp(d->k[i].s, s, len) == 0);
}

int lex_dict_starts(const lex *lx, int folded, const char *s, size_t len) {
  /* Every key starting with s sorts at or after s and before anything else that does not. */
  const lex_keys *d = &lx->dict[folded != 0];
  size_t i = key_lower(d, s, len);
  return i < d->n && d->k[i].len >= len && (len == 0 || memcmp(d->k[i].s, s, len) == 0);
}

size_t lex_dict_count(const lex *lx) { return lx->dict[0].n; }

/* Sorts the keys of both script forms and drops repeats, so lookups may binary-search. */
static void dict_settle(lex *lx) {
  for (int f = 0; f < 2; f++) {
    lex_keys *d = &lx->dict[f];
    if (d->n < 2) continue;
    qsort(d->k, d->n, sizeof *d->k, key_sort_cmp);
    size_t w = 1;
    for (size_t i = 1; i < d->n; i++)
      if (key_cmp(d->k[i].s, d->k[i].len, d->k[w - 1].s, d->k[w - 1].len) != 0) d->k[w++] = d->k[i];
    d->n = w;
  }
}

/* Adds key (a copy in the lexicon's arena) to the keys of one script form, unsorted. */
static topics_status dict_insert(lex *lx, int folded, const char *key, size_t klen) {
  lex_keys *d = &lx->dict[folded];
  if (MEM_RESERVE(d->k, d->cap, d->n + 1) != TOPICS_OK) return TOPICS_ENOMEM;
  d->k[d->n].s = key;
  d->k[d->n].len = klen;
  d->n++;
  size_t parts = 0;
  for (size_t i = 0; i < klen;) {
    unsigned cp;
    i += utf8_decode((const unsigned char *)key + i, klen - i, &cp);
    if (cp != ' ') parts++;
  }
  if (parts > lx->dict_max_parts) lx->dict_max_parts = parts;
  return TOPICS_OK;
}

/* lex_add_dict_entry without the sort: the file loader sorts once at the end. TOPICS_ELIMIT when
 * the normalised key is longer than LEX_MAX_LINE bytes. */
static topics_status add_dict_entry(lex *lx, const char *s, size_t len) {
  char *key;
  size_t klen;
  topics_status st = entry_key(s, len, &key, &klen);
  if (st != TOPICS_OK || !key) return st;
  const char *k = NULL, *f = NULL;
  size_t flen = 0;
  if (klen > LEX_MAX_LINE) st = TOPICS_ELIMIT;
  if (st == TOPICS_OK && !(k = arena_copy(&lx->keybytes, key, klen))) st = TOPICS_ENOMEM;
  if (st == TOPICS_OK) st = dict_insert(lx, 0, k, klen);
  if (st == TOPICS_OK) st = norm_han_fold(lx->han, k, klen, &f, &flen);
  if (st == TOPICS_OK && flen > LEX_MAX_LINE) st = TOPICS_ELIMIT;
  if (st == TOPICS_OK) {
    /* Most keys hold no Traditional character: then the folded form shares the bytes. */
    if (flen == klen && memcmp(f, k, klen) == 0)
      f = k;
    else if (!(f = arena_copy(&lx->keybytes, f, flen)))
      st = TOPICS_ENOMEM;
  }
  if (st == TOPICS_OK) st = dict_insert(lx, 1, f, flen);
  free(key);
  return st;
}

topics_status lex_add_dict_entry(lex *lx, const char *s, size_t len) {
  topics_status st = add_dict_entry(lx, s, len);
  dict_settle(lx);
  return st;
}

/* Strips a comment and surrounding white space from one line. A '#' starts a comment only at the
 * start of the line or after white space, so entries such as "C#" and "F#" survive. */
static void trim_line(const char **s, size_t *len) {
  const char *p = *s;
  size_t n = *len;
  for (size_t i = 0; i < n; i++) {
    if (p[i] == '#' && (i == 0 || p[i - 1] == ' ' || p[i - 1] == '\t')) {
      n = i;
      break;
    }
  }
  while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t')) n--;
  while (n > 0 && (p[0] == ' ' || p[0] == '\t')) {
    p++;
    n--;
  }
  *s = p;
  *len = n;
}

/* Checks one line (without its end) and feeds it to fn unless it is empty once trimmed. name
 * labels messages; NULL for built-in lists, whose problems are programming errors. */
static topics_status take_line(lex *lx, const char *name, long line, const char *s, size_t n,
                               line_fn fn) {
  if (n > LEX_MAX_LINE) {
    diag_error(name, line, "line longer than %d bytes", LEX_MAX_LINE);
    return TOPICS_EPARSE;
  }
  if (utf8_valid_prefix(s, n) != n) {
    diag_error(name, line, "invalid UTF-8");
    return TOPICS_EPARSE;
  }
  trim_line(&s, &n);
  if (n == 0) return TOPICS_OK;
  topics_status st = fn(lx, s, n);
  if (st == TOPICS_ELIMIT)
    diag_error(name, line, "entry longer than %d bytes once normalised", LEX_MAX_LINE);
  else if (st != TOPICS_OK)
    diag_error(name, line, "%s", topics_strerror(st));
  return st;
}

/* Feeds every line of the built-in list buf[0..len) to fn. */
static topics_status load_lines(lex *lx, const char *name, const char *buf, size_t len,
                                line_fn fn) {
  size_t i = 0;
  long line = 0;
  while (i < len) {
    line++;
    size_t e = i;
    while (e < len && buf[e] != '\n' && buf[e] != '\r') e++;
    topics_status st = take_line(lx, name, line, buf + i, e - i, fn);
    if (st != TOPICS_OK) return st;
    i = e + 1;
  }
  return TOPICS_OK;
}

/* Feeds every line of an open file to fn, reading it a line at a time into a buffer of
 * LEX_MAX_LINE bytes and a few more: a huge file, a FIFO or /dev/zero is never read whole, and
 * stops at its first bad line. Lines end at "\n", "\r\n" or "\r"; a byte order mark may open the
 * file. */
static topics_status stream_lines(lex *lx, const char *path, FILE *f, line_fn fn) {
  char buf[LEX_MAX_LINE + 1]; /* room for one byte too many */
  long line = 0;
  int bom = 0;
  for (int c = getc(f); c != EOF;) {
    line++;
    size_t n = 0;
    while (c != EOF && c != '\n' && c != '\r') {
      if (c == '\0') {
        diag_error(path, line, "NUL byte in a text file");
        return TOPICS_EPARSE;
      }
      buf[n++] = (char)c;
      if (line == 1 && n == 3 && !bom && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) {
        n = 0;
        bom = 1;
      }
      if (n > LEX_MAX_LINE) break; /* take_line reports it */
      c = getc(f);
    }
    if (c == EOF && ferror(f)) break;
    if (n > LEX_MAX_LINE) return take_line(lx, path, line, buf, n, fn);
    if (c == '\r') {
      c = getc(f);
      if (c == '\n') c = getc(f);
    } else if (c == '\n') {
      c = getc(f);
    }
    topics_status st = take_line(lx, path, line, buf, n, fn);
    if (st != TOPICS_OK) return st;
  }
  if (ferror(f)) {
    diag_error(path, line > 0 ? line : 0, "cannot read: %s", strerror(errno));
    return TOPICS_EIO;
  }
  return TOPICS_OK;
}

static topics_status load_file(lex *lx, const char *path, line_fn fn) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    diag_error(path, 0, "cannot open: %s", strerror(errno));
    return TOPICS_EIO;
  }
  topics_status st = stream_lines(lx, path, f, fn);
  fclose(f);
  return st;
}

topics_status lex_add_stopwords_file(lex *lx, const char *path) {
  return load_file(lx, path, lex_add_stopword);
}

topics_status lex_add_dict_file(lex *lx, const char *path) {
  topics_status st = load_file(lx, path, add_dict_entry);
  dict_settle(lx);
  return st;
}

lex *lex_new(topics_status *st) {
  lex *lx = calloc(1, sizeof *lx);
  if (!lx) {
    *st = TOPICS_ENOMEM;
    return NULL;
  }
  lx->han = norm_han_new(st);
  if (!lx->han) {
    free(lx);
    return NULL;
  }
  lx->stop = strmap_new();
  if (!lx->stop) {
    lex_free(lx);
    *st = TOPICS_ENOMEM;
    return NULL;
  }
  *st = load_lines(lx, "built-in English stopwords", (const char *)stopwords_en, stopwords_en_len,
                   add_builtin_stop);
  if (*st == TOPICS_OK)
    *st = load_lines(lx, "built-in Chinese stopwords", (const char *)stopwords_zh,
                     stopwords_zh_len, add_builtin_stop);
  if (*st != TOPICS_OK) {
    lex_free(lx);
    return NULL;
  }
  return lx;
}

void lex_free(lex *lx) {
  if (!lx) return;
  norm_han_free(lx->han);
  strmap_free(lx->stop);
  arena_free(&lx->keybytes);
  for (int f = 0; f < 2; f++) free(lx->dict[f].k);
  free(lx);
}
