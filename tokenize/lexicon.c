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

/* Adds key and its code-point prefixes to the dictionary sets of one script form. */
static topics_status dict_insert(lex *lx, int folded, const char *key, size_t klen) {
  uint32_t id;
  topics_status st = strmap_intern(lx->dict_full[folded], key, klen, &id, NULL);
  size_t parts = 0;
  for (size_t i = 0; st == TOPICS_OK && i < klen;) {
    unsigned cp;
    i += utf8_decode((const unsigned char *)key + i, klen - i, &cp);
    if (cp != ' ') parts++;
    st = strmap_intern(lx->dict_pre[folded], key, i, &id, NULL);
  }
  if (parts > lx->dict_max_parts) lx->dict_max_parts = parts;
  return st;
}

topics_status lex_add_dict_entry(lex *lx, const char *s, size_t len) {
  char *key;
  size_t klen;
  topics_status st = entry_key(s, len, &key, &klen);
  if (st != TOPICS_OK || !key) return st;
  st = dict_insert(lx, 0, key, klen);
  const char *f;
  size_t flen;
  if (st == TOPICS_OK) st = norm_han_fold(lx->han, key, klen, &f, &flen);
  if (st == TOPICS_OK) st = dict_insert(lx, 1, f, flen);
  free(key);
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

/* Feeds every line of buf[0..len) to fn. name labels messages; NULL for built-in lists, whose
 * problems are programming errors. */
static topics_status load_lines(lex *lx, const char *name, const char *buf, size_t len,
                                line_fn fn) {
  size_t i = 0;
  long line = 0;
  if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) i = 3; /* byte order mark */
  while (i < len) {
    line++;
    size_t e = i;
    while (e < len && buf[e] != '\n' && buf[e] != '\r' && buf[e] != '\0') e++;
    if (e < len && buf[e] == '\0') {
      diag_error(name, line, "NUL byte in a text file");
      return TOPICS_EPARSE;
    }
    if (e - i > LEX_MAX_LINE) {
      diag_error(name, line, "line longer than %d bytes", LEX_MAX_LINE);
      return TOPICS_EPARSE;
    }
    if (utf8_valid_prefix(buf + i, e - i) != e - i) {
      diag_error(name, line, "invalid UTF-8");
      return TOPICS_EPARSE;
    }
    const char *s = buf + i;
    size_t n = e - i;
    trim_line(&s, &n);
    if (n > 0) {
      topics_status st = fn(lx, s, n);
      if (st != TOPICS_OK) {
        diag_error(name, line, "%s", topics_strerror(st));
        return st;
      }
    }
    if (e < len && buf[e] == '\r' && e + 1 < len && buf[e + 1] == '\n') e++;
    i = e + 1;
  }
  return TOPICS_OK;
}

/* Reads a whole file into a malloc'd buffer; TOPICS_EIO with a message naming it on failure. */
static topics_status read_file(const char *path, char **buf, size_t *len) {
  *buf = NULL;
  FILE *f = fopen(path, "rb");
  if (!f) {
    diag_error(path, 0, "cannot open: %s", strerror(errno));
    return TOPICS_EIO;
  }
  char *b = NULL;
  size_t n = 0, cap = 0;
  topics_status st = TOPICS_OK;
  for (;;) {
    if (MEM_RESERVE(b, cap, n + 65536) != TOPICS_OK) {
      st = TOPICS_ENOMEM;
      break;
    }
    size_t got = fread(b + n, 1, cap - n, f);
    n += got;
    if (got == 0) {
      if (ferror(f)) {
        diag_error(path, 0, "cannot read: %s", strerror(errno));
        st = TOPICS_EIO;
      }
      break;
    }
  }
  fclose(f);
  if (st != TOPICS_OK) {
    free(b);
    return st;
  }
  *buf = b;
  *len = n;
  return TOPICS_OK;
}

static topics_status load_file(lex *lx, const char *path, line_fn fn) {
  char *buf;
  size_t len;
  topics_status st = read_file(path, &buf, &len);
  if (st != TOPICS_OK) return st;
  st = load_lines(lx, path, buf, len, fn);
  free(buf);
  return st;
}

topics_status lex_add_stopwords_file(lex *lx, const char *path) {
  return load_file(lx, path, lex_add_stopword);
}

topics_status lex_add_dict_file(lex *lx, const char *path) {
  return load_file(lx, path, lex_add_dict_entry);
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
  for (int f = 0; f < 2; f++) {
    lx->dict_full[f] = strmap_new();
    lx->dict_pre[f] = strmap_new();
  }
  if (!lx->stop || !lx->dict_full[0] || !lx->dict_full[1] || !lx->dict_pre[0] ||
      !lx->dict_pre[1]) {
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
  for (int f = 0; f < 2; f++) {
    strmap_free(lx->dict_full[f]);
    strmap_free(lx->dict_pre[f]);
  }
  free(lx);
}
