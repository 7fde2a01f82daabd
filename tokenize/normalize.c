/* Normalisation of word forms: utf8proc for NFKC + case folding, ICU's Hant-Hans rules for the Han
 * fold (applied by han_fold.c; the transliterator itself only if those rules cannot be read). Runs on term-cache misses only, so clarity beats speed here, except for the ASCII
 * shortcut that covers most English words. */
#include "tokenize/normalize.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/ustring.h>
#include <unicode/utrans.h>
#include <utf8proc.h>

#include "common/mem.h"
#include "common/utf8.h"
#include "tokenize/han_fold.h"

static utf8proc_int32_t map_quote(utf8proc_int32_t cp, void *data) {
  (void)data;
  return cp == 0x2019 ? 0x27 : cp; /* typographic apostrophe -> ASCII, before NFKC */
}

topics_status norm_text(const char *s, size_t len, char **out, size_t *outlen) {
  *out = NULL;
  size_t i = 0;
  while (i < len && (unsigned char)s[i] < 0x80) i++;
  if (i == len) { /* ASCII: NFKC is the identity and case folding is tolower */
    char *d = malloc(len + 1);
    if (!d) return TOPICS_ENOMEM;
    for (i = 0; i < len; i++) {
      char c = s[i];
      d[i] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
    }
    d[len] = '\0';
    *out = d;
    *outlen = len;
    return TOPICS_OK;
  }
  char *fixed = NULL;
  if (utf8_valid_prefix(s, len) != len) {
    size_t flen;
    if (utf8_repair(s, len, &fixed, &flen, NULL) != TOPICS_OK) return TOPICS_ENOMEM;
    s = fixed;
    len = flen;
  }
  if (len > (size_t)PTRDIFF_MAX / 8) {
    free(fixed);
    return TOPICS_ENOMEM;
  }
  utf8proc_uint8_t *d = NULL;
  utf8proc_ssize_t n = utf8proc_map_custom((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len, &d,
                                           UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_COMPOSE |
                                               UTF8PROC_CASEFOLD | UTF8PROC_IGNORE,
                                           map_quote, NULL);
  free(fixed);
  if (n < 0) {
    free(d);
    /* After repair the only possible failure is memory. */
    return TOPICS_ENOMEM;
  }
  *out = (char *)d;
  *outlen = (size_t)n;
  return TOPICS_OK;
}

int norm_text_simple(const char *s, size_t len, char *out) {
  const unsigned char *p = (const unsigned char *)s;
  size_t i = 0;
  while (i < len) {
    unsigned char c = p[i];
    if (c < 0x80) {
      out[i++] = (char)((c >= 'A' && c <= 'Z') ? c + 32 : c);
      continue;
    }
    /* U+3400..U+9FFF: lead byte E3 (second byte >= 0x90) to E9, two continuation bytes. */
    if (c < 0xE3 || c > 0xE9 || i + 2 >= len || (p[i + 1] & 0xC0) != 0x80 ||
        (p[i + 2] & 0xC0) != 0x80 || (c == 0xE3 && p[i + 1] < 0x90))
      return 0;
    out[i] = (char)c;
    out[i + 1] = (char)p[i + 1];
    out[i + 2] = (char)p[i + 2];
    i += 3;
  }
  return 1;
}

static int is_han(unsigned cp) {
  return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
         (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x20000 && cp <= 0x3FFFF) || cp == 0x3007;
}

int norm_is_cjk(unsigned cp) {
  return is_han(cp) || (cp >= 0x3000 && cp <= 0x30FF) || (cp >= 0x3100 && cp <= 0x31FF) ||
         (cp >= 0xFF61 && cp <= 0xFF9F);
}

int norm_has_han(const char *s, size_t len) {
  const unsigned char *p = (const unsigned char *)s;
  size_t i = 0;
  while (i < len) {
    if (p[i] < 0xE3) { /* Han starts at U+3400 (lead byte E3) */
      i++;
      continue;
    }
    unsigned cp;
    size_t n = utf8_decode(p + i, len - i, &cp);
    if (is_han(cp)) return 1;
    i += n;
  }
  return 0;
}

/* 1 when cp is one of the code points of set, a UTF-8 string. */
static int cp_in(unsigned cp, const char *set) {
  const unsigned char *p = (const unsigned char *)set;
  size_t n = strlen(set), i = 0;
  while (i < n) {
    unsigned c;
    i += utf8_decode(p + i, n - i, &c);
    if (c == cp) return 1;
  }
  return 0;
}

int norm_is_quantity(const char *s, size_t len) {
  static const char numerals[] = "〇零一二三四五六七八九十百千萬万億亿兩两幾几半";
  /* classifiers and units, Traditional and Simplified */
  static const char units[] = "次個个步年天位種种些點点件本張张台臺條条名組组場场週周月日號号"
                              "歲岁倍層层塊块份頁页章節节輪轮遍趟回成";
  static const char tails[] = "前後后多來来";
  const unsigned char *p = (const unsigned char *)s;
  /* A word of letters, the most common kind by far, is no quantity: no numeral set is searched. */
  if (len == 0 || (p[0] < 0x80 && !(p[0] >= '0' && p[0] <= '9'))) return 0;
  size_t i = 0, nums = 0;
  unsigned cp = 0;
  while (i < len) { /* the numerals */
    size_t n = utf8_decode(p + i, len - i, &cp);
    int digit = (cp >= '0' && cp <= '9') || (cp >= 0xFF10 && cp <= 0xFF19);
    if (!digit && !cp_in(cp, numerals)) break;
    nums++;
    i += n;
  }
  if (nums == 0 || i == len) return nums > 0 && norm_has_han(s, len);
  if (cp_in(cp, units)) { /* one unit */
    i += utf8_decode(p + i, len - i, &cp);
    if (i == len) return 1;
    utf8_decode(p + i, len - i, &cp);
  }
  if (!cp_in(cp, tails)) return 0;
  i += utf8_decode(p + i, len - i, &cp);
  return i == len;
}

unsigned norm_first_cp(const char *s, size_t len) {
  if (!len) return 0;
  unsigned cp;
  utf8_decode((const unsigned char *)s, len, &cp);
  return cp;
}

unsigned norm_last_cp(const char *s, size_t len) {
  if (!len) return 0;
  size_t i = len - 1;
  /* Step back over at most three continuation bytes to the lead byte. */
  while (i > 0 && len - i < 4 && ((unsigned char)s[i] & 0xC0) == 0x80) i--;
  unsigned cp;
  size_t n = utf8_decode((const unsigned char *)s + i, len - i, &cp);
  return i + n == len ? cp : 0xFFFD;
}

struct norm_han {
  UTransliterator *tr;
  UChar *u;     /* UTF-16 scratch */
  int32_t ucap; /* in UChars */
  char *b;      /* UTF-8 result */
  size_t bcap;
};

norm_han *norm_han_new(topics_status *st) {
  norm_han *h = calloc(1, sizeof *h);
  *st = h ? TOPICS_OK : TOPICS_ENOMEM;
  return h;
}

/* Opening the transliterator costs tens of milliseconds (ICU builds its registry and compiles the
 * rules), so it happens on the first text that holds Han, never for English-only input. */
static topics_status open_tr(norm_han *h) {
  static const UChar id[] = {'H', 'a', 'n', 't', '-', 'H', 'a', 'n', 's', 0};
  UErrorCode e = U_ZERO_ERROR;
  h->tr = utrans_openU(id, -1, UTRANS_FORWARD, NULL, 0, NULL, &e);
  if (U_FAILURE(e) || !h->tr) {
    h->tr = NULL;
    return TOPICS_EICU;
  }
  return TOPICS_OK;
}

void norm_han_free(norm_han *h) {
  if (!h) return;
  if (h->tr) utrans_close(h->tr);
  free(h->u);
  free(h->b);
  free(h);
}

static topics_status ensure_u(norm_han *h, size_t need) {
  if (need > INT32_MAX / 2) return TOPICS_ELIMIT;
  if ((size_t)h->ucap >= need) return TOPICS_OK;
  UChar *u = realloc(h->u, need * sizeof *u);
  if (!u) return TOPICS_ENOMEM;
  h->u = u;
  h->ucap = (int32_t)need;
  return TOPICS_OK;
}

topics_status norm_han_fold(norm_han *h, const char *s, size_t len, const char **out,
                            size_t *outlen) {
  if (!norm_has_han(s, len)) {
    *out = s;
    *outlen = len;
    return TOPICS_OK;
  }
  const han_fold *hf;
  if (han_fold_get(&hf) == TOPICS_OK) {
    size_t n;
    if (han_fold_apply(hf, s, len, &h->b, &h->bcap, &n) != TOPICS_OK) return TOPICS_ENOMEM;
    *out = h->b;
    *outlen = n;
    return TOPICS_OK;
  }
  if (!h->tr) {
    topics_status st = open_tr(h);
    if (st != TOPICS_OK) return st;
  }
  /* UTF-16 never needs more units than UTF-8 has bytes; leave room for the fold to grow. */
  size_t cap = len * 2 + 16;
  for (int attempt = 0; attempt < 4; attempt++, cap *= 2) {
    topics_status st = ensure_u(h, cap);
    if (st != TOPICS_OK) return st;
    UErrorCode e = U_ZERO_ERROR;
    int32_t ulen = 0;
    u_strFromUTF8WithSub(h->u, h->ucap, &ulen, s, (int32_t)len, 0xFFFD, NULL, &e);
    if (U_FAILURE(e)) return TOPICS_EICU;
    int32_t limit = ulen;
    utrans_transUChars(h->tr, h->u, &ulen, h->ucap, 0, &limit, &e);
    if (e == U_BUFFER_OVERFLOW_ERROR || (e == U_STRING_NOT_TERMINATED_WARNING) || ulen >= h->ucap)
      continue; /* the result was truncated: start again with more room */
    if (U_FAILURE(e)) return TOPICS_EICU;
    int32_t blen = 0;
    e = U_ZERO_ERROR;
    u_strToUTF8(NULL, 0, &blen, h->u, ulen, &e);
    if (e != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(e)) return TOPICS_EICU;
    if ((size_t)blen + 1 > h->bcap) {
      char *b = realloc(h->b, (size_t)blen + 1);
      if (!b) return TOPICS_ENOMEM;
      h->b = b;
      h->bcap = (size_t)blen + 1;
    }
    e = U_ZERO_ERROR;
    u_strToUTF8(h->b, (int32_t)h->bcap, &blen, h->u, ulen, &e);
    if (U_FAILURE(e)) return TOPICS_EICU;
    *out = h->b;
    *outlen = (size_t)blen;
    return TOPICS_OK;
  }
  return TOPICS_ELIMIT;
}
