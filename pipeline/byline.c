/* Speaker bylines (see byline.h). Every search is bounded (a label's length, BL_NAME_MAX bytes of
 * name), so the time is linear in the text. */
#include "pipeline/byline.h"

#include <string.h>

/* Labels, longest first where one starts another; Latin ones in lower case. */
static const char *const LATIN[] = {"speaker(s)", "speakers", "speaker",   "presenters",
                                    "presenter",  "presented by", "given by"};
static const char *const HAN[] = {"主講人", "主讲人", "演講者", "演讲者", "分享者", "分享人",
                                  "講者",   "讲者",   "主講",   "主讲",   "講師",   "讲师"};

#define FW_COLON "\xef\xbc\x9a"     /* ： */
#define FW_SEMI "\xef\xbc\x9b"      /* ； */
#define FW_OPEN "\xef\xbc\x88"      /* （ */
#define FW_CLOSE "\xef\xbc\x89"     /* ） */
#define IDEO_STOP "\xe3\x80\x82"    /* 。 */

static int is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static char lower(char c) { return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c; }
static int at(const char *s, size_t p, size_t e, const char *lit) {
  size_t k = strlen(lit);
  return p + k <= e && memcmp(s + p, lit, k) == 0;
}

/* The length of a label at s[p..e) with its colon and the blanks and emphasis marks around the
 * colon; 0 when there is none. */
static size_t label_len(const char *s, size_t p, size_t e) {
  size_t q = 0;
  for (size_t i = 0; !q && i < sizeof LATIN / sizeof *LATIN; i++) {
    size_t k = strlen(LATIN[i]), j = 0;
    while (j < k && p + j < e && lower(s[p + j]) == LATIN[i][j]) j++;
    if (j == k && (p + k == e || !is_alpha(s[p + k]))) q = p + k;
  }
  for (size_t i = 0; !q && i < sizeof HAN / sizeof *HAN; i++)
    if (at(s, p, e, HAN[i])) q = p + strlen(HAN[i]);
  if (!q) return 0;
  /* Emphasis may close before or after the colon: **Speaker**: and **Speaker:** */
  while (q < e && (s[q] == ' ' || s[q] == '\t' || s[q] == '*' || s[q] == '_')) q++;
  if (q < e && s[q] == ':') q++;
  else if (at(s, q, e, FW_COLON)) q += 3;
  else return 0;
  while (q < e && (s[q] == ' ' || s[q] == '\t' || s[q] == '*' || s[q] == '_')) q++;
  return q - p;
}

/* Whether the '.' at s[q] ends a sentence: it is followed by a blank or the line end, and the word
 * before it is neither an initial ("J.") nor a title ("Dr."). a: where the name starts. */
static int full_stop(const char *s, size_t a, size_t q, size_t e) {
  if (q + 1 < e && s[q + 1] != ' ' && s[q + 1] != '\t' && s[q + 1] != '\r') return 0;
  size_t b = q;
  while (b > a && is_alpha(s[b - 1])) b--;
  size_t k = q - b;
  if (k <= 1) return 0;
  static const char *const TITLES[] = {"dr", "mr", "mrs", "ms", "prof", "jr", "sr", "st"};
  for (size_t i = 0; i < sizeof TITLES / sizeof *TITLES; i++)
    if (strlen(TITLES[i]) == k) {
      size_t j = 0;
      while (j < k && lower(s[b + j]) == TITLES[i][j]) j++;
      if (j == k) return 0;
    }
  return 1;
}

/* Where the name starting at s[a] ends (past its terminator), within the line s[..e); 0 when it
 * does not end within BL_NAME_MAX bytes. bracketed: the byline opened a bracket, which alone
 * ends it (a line end does not). */
static size_t name_end(const char *s, size_t a, size_t e, int bracketed) {
  size_t cap = a + BL_NAME_MAX < e ? a + BL_NAME_MAX : e;
  for (size_t q = a; q < cap; q++) {
    if (bracketed) {
      if (s[q] == ')') return q + 1;
      if (at(s, q, e, FW_CLOSE)) return q + 3;
      continue;
    }
    if (s[q] == '|' || s[q] == ';') return q + 1;
    if (at(s, q, e, IDEO_STOP) || at(s, q, e, FW_SEMI)) return q + 3;
    if (s[q] == '.' && full_stop(s, a, q, e)) return q + 1;
  }
  return !bracketed && cap == e ? e : 0;
}

/* A byte that continues a word of a Latin-script name: an ASCII letter, a hyphen, or a byte of a
 * two-byte UTF-8 letter of the Latin ranges (U+00C0 to U+02FF: lead bytes C3 to CB). */
static int name_byte(unsigned char c) {
  return is_alpha((char)c) || c == '-' || (c >= 0xC3 && c <= 0xCB) || (c >= 0x80 && c <= 0xBF);
}

/* Whether the word s[a..b) can be a name's word: it starts with a capital (or an accented
 * letter), has at least two bytes, and is no title. */
static int name_word(const char *s, size_t a, size_t b) {
  unsigned char c = (unsigned char)s[a];
  if (b - a < 2 || !((c >= 'A' && c <= 'Z') || (c >= 0xC3 && c <= 0xCB))) return 0;
  static const char *const TITLES[] = {"dr", "mr", "mrs", "ms", "prof", "jr", "sr", "st"};
  for (size_t i = 0; i < sizeof TITLES / sizeof *TITLES; i++) {
    size_t k = strlen(TITLES[i]), j = 0;
    while (k == b - a && j < k && lower(s[a + j]) == TITLES[i][j]) j++;
    if (k == b - a && j == k) return 0;
  }
  return 1;
}

/* Adds the words of the name s[a..b) to names. */
static void add_names(bl_names *names, const char *s, size_t a, size_t b) {
  if (!names) return;
  for (size_t i = a; i < b;) {
    if (!name_byte((unsigned char)s[i]) || (((unsigned char)s[i] & 0xC0) == 0x80)) {
      i++;
      continue;
    }
    size_t j = i;
    while (j < b && name_byte((unsigned char)s[j])) j++;
    if (name_word(s, i, j) && names->len + (j - i) + 1 <= BL_NAMES_MAX) {
      memcpy(names->buf + names->len, s + i, j - i);
      names->len += j - i;
      names->buf[names->len++] = '\0';
    }
    i = j;
  }
}

/* Moves s[a..b) to s[*w..) and advances *w. */
static void keep(char *s, size_t *w, size_t a, size_t b) {
  if (*w != a) memmove(s + *w, s + a, b - a);
  *w += b - a;
}

/* Strips the line s[p..e) into s[*w..), adding the names to names. */
static void strip_line(char *s, size_t *w, size_t p, size_t e, bl_names *names) {
  size_t q = p;
  while (q < e && s[q] && strchr(" \t-*+>#", s[q])) q++;
  size_t cur = p, l = label_len(s, q, e), end = l ? name_end(s, q + l, e, 0) : 0;
  if (end) {
    add_names(names, s, q + l, end);
    keep(s, w, p, q);
    cur = end;
    while (cur < e && (s[cur] == ' ' || s[cur] == '\t')) cur++;
  }
  for (size_t i = cur; i < e; i++) {
    size_t open = s[i] == '(' ? 1 : at(s, i, e, FW_OPEN) ? 3 : 0;
    if (!open || !(l = label_len(s, i + open, e))) continue;
    if (!(end = name_end(s, i + open + l, e, 1))) continue;
    add_names(names, s, i + open + l, end);
    keep(s, w, cur, i);
    cur = i = end;
    i--; /* the loop's i++ */
  }
  keep(s, w, cur, e);
}

size_t bl_strip(char *s, size_t n, bl_names *names) {
  size_t w = 0, p = 0;
  while (p < n) {
    const char *nl = memchr(s + p, '\n', n - p);
    size_t e = nl ? (size_t)(nl - s) : n;
    strip_line(s, &w, p, e, names);
    if (e < n) s[w++] = '\n';
    p = e + 1;
  }
  return w;
}

/* Whether s[a..b) is one of the words of names. */
static int is_name(const bl_names *names, const char *s, size_t a, size_t b) {
  for (size_t i = 0; i < names->len;) {
    size_t k = strlen(names->buf + i);
    if (k == b - a && memcmp(names->buf + i, s + a, k) == 0) return 1;
    i += k + 1;
  }
  return 0;
}

void bl_hide_names(char *s, size_t n, const bl_names *names) {
  if (!names || !names->len) return;
  for (size_t i = 0; i < n;) {
    unsigned char c = (unsigned char)s[i];
    if (!name_byte(c) || (c & 0xC0) == 0x80) {
      i++;
      continue;
    }
    size_t j = i;
    while (j < n && name_byte((unsigned char)s[j])) j++;
    if (is_name(names, s, i, j)) {
      s[i] = '.';
      memset(s + i + 1, ' ', j - i - 1);
    }
    i = j;
  }
}
