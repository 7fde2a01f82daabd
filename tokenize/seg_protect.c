/* Protected spans: URLs (scheme://... and www....), e-mail addresses, @handles and #hashtags are
 * found before segmentation so that ICU never splits them into "https", "github", "com". The
 * stretch given never holds ASCII white space; a URL also stops at non-ASCII text, at <>"` and at
 * an unmatched closing bracket, and loses trailing punctuation such as '.', ',' or ')'. */
#include <stddef.h>
#include <string.h>

#include <unicode/uchar.h>

#include "common/utf8.h"
#include "tokenize/seg_int.h"

static int is_alpha(unsigned char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }
static int is_alnum(unsigned char c) { return is_alpha(c) || (c >= '0' && c <= '9'); }

/* Characters a URL may hold (RFC 3986 unreserved, reserved and '%'), ASCII only. */
static int is_url_char(unsigned char c) {
  if (is_alnum(c)) return 1;
  return c != 0 && strchr("-._~:/?#[]@!$&'()*+,;=%", c) != NULL;
}

/* End of a URL whose body starts at i: stops at the first non-URL byte, then drops trailing
 * punctuation and closing brackets that have no opening partner inside the URL. */
static size_t url_end(const unsigned char *p, size_t i, size_t end) {
  size_t e = i;
  /* Openings minus closings of () and [] in p[i..e), kept up to date as e moves back, so that a
   * long tail of closing brackets costs one pass. */
  long paren = 0, square = 0;
  while (e < end && is_url_char(p[e])) {
    paren += (p[e] == '(') - (p[e] == ')');
    square += (p[e] == '[') - (p[e] == ']');
    e++;
  }
  seg_scan_work += e - i;
  for (;;) {
    seg_scan_work++;
    if (e <= i) return e;
    unsigned char c = p[e - 1];
    if (strchr(".,;:!?'*", c)) {
      e--;
      continue;
    }
    if ((c == ')' && paren < 0) || (c == ']' && square < 0)) {
      if (c == ')') paren++;
      else square++;
      e--;
      continue;
    }
    return e;
  }
}

/* scheme://host...: the scheme is 2-10 letters (also + - . digits after the first) just before ':'. */
static int find_scheme_url(const unsigned char *p, size_t start, size_t end, size_t colon,
                           size_t *ps, size_t *pe) {
  if (colon + 3 >= end || p[colon + 1] != '/' || p[colon + 2] != '/') return 0;
  size_t s = colon;
  while (s > start && (is_alnum(p[s - 1]) || p[s - 1] == '+' || p[s - 1] == '-' || p[s - 1] == '.'))
    s--;
  while (s < colon && !is_alpha(p[s])) s++; /* a scheme begins with a letter */
  if (colon - s < 2 || colon - s > 10) return 0;
  if (!is_alnum(p[colon + 3]) && p[colon + 3] != '[') return 0;
  size_t e = url_end(p, colon + 3, end);
  if (e <= colon + 3) return 0;
  *ps = s;
  *pe = e;
  return 1;
}

/* www.host...: "www." not preceded by a letter or digit, followed by a letter or digit. */
static int find_www_url(const unsigned char *p, size_t start, size_t end, size_t w, size_t *ps,
                        size_t *pe) {
  if (w + 4 >= end || (p[w + 1] | 0x20) != 'w' || (p[w + 2] | 0x20) != 'w' || p[w + 3] != '.')
    return 0;
  if (w > start && (is_alnum(p[w - 1]) || p[w - 1] == '.' || p[w - 1] == '/')) return 0;
  if (!is_alnum(p[w + 4])) return 0;
  size_t e = url_end(p, w, end);
  if (e <= w + 4) return 0;
  *ps = w;
  *pe = e;
  return 1;
}

static int is_local_char(unsigned char c) { return is_alnum(c) || (c && strchr("._%+-", c)); }

/* Domain after '@' (i is just past it): labels of letters, digits and '-' joined by '.', at least
 * one dot, ending in a letter or digit. Returns its end or 0. */
static size_t domain_end(const unsigned char *p, size_t i, size_t end) {
  size_t e = i, last_good = 0;
  int dots = 0;
  while (e < end && (is_alnum(p[e]) || p[e] == '-' || p[e] == '.')) {
    if (p[e] == '.') {
      if (e == i || p[e - 1] == '.') break;
      dots++;
    }
    e++;
    if (is_alnum(p[e - 1]) && dots > 0) last_good = e;
  }
  return last_good;
}

static int find_at(const unsigned char *p, size_t start, size_t end, size_t at, size_t *ps,
                   size_t *pe) {
  /* E-mail address: local part right before '@'. */
  size_t s = at;
  while (s > start && is_local_char(p[s - 1])) s--;
  while (s < at && p[s] == '.') s++;
  if (s < at) {
    size_t e = domain_end(p, at + 1, end);
    if (e) {
      *ps = s;
      *pe = e;
      return 1;
    }
    return 0; /* "foo@bar" glued to a word is neither an address nor a handle */
  }
  /* @handle: letters, digits, '_' and inner '-' or '.' (GitHub, Mastodon-style names). */
  if (at > start && (is_alnum(p[at - 1]) || p[at - 1] == '@')) return 0;
  size_t e = at + 1;
  while (e < end && (is_alnum(p[e]) || p[e] == '_' ||
                     ((p[e] == '-' || p[e] == '.') && e + 1 < end &&
                      (is_alnum(p[e + 1]) || p[e + 1] == '_'))))
    e++;
  if (e == at + 1) return 0;
  *ps = at;
  *pe = e;
  return 1;
}

/* A hashtag character: ASCII letter, digit or '_', or a non-ASCII letter, digit or mark (so that
 * #機器學習 holds together); returns its byte length or 0. *digit tells whether it was a digit. */
static size_t tag_char(const unsigned char *p, size_t i, size_t end, int *digit) {
  if (p[i] < 0x80) {
    *digit = p[i] >= '0' && p[i] <= '9';
    return (is_alnum(p[i]) || p[i] == '_') ? 1 : 0;
  }
  unsigned cp;
  size_t k = utf8_decode(p + i, end - i, &cp);
  if (cp == 0xFFFD) return 0;
  int8_t t = (int8_t)u_charType((UChar32)cp);
  *digit = t == U_DECIMAL_DIGIT_NUMBER;
  if (u_isalnum((UChar32)cp) || t == U_NON_SPACING_MARK || t == U_COMBINING_SPACING_MARK)
    return k;
  return 0;
}

static int find_hash(const unsigned char *p, size_t start, size_t end, size_t h, size_t *ps,
                     size_t *pe) {
  /* Not after an ASCII letter, digit or '_' (C#, F#, a#b), nor in "##" or an entity "&#..";
   * after Chinese text it may start a tag (感謝#PyCon). */
  if (h > start) {
    unsigned char b = p[h - 1];
    if (is_alnum(b) || b == '#' || b == '&' || b == '_') return 0;
  }
  size_t e = h + 1;
  int letters = 0, digit;
  size_t k;
  /* A tag begun in ASCII stops at non-ASCII text: "#G及" in Chinese prose is a label, then a word. */
  int ascii_tag = h + 1 < end && p[h + 1] < 0x80;
  while (e < end && !(ascii_tag && p[e] >= 0x80) && (k = tag_char(p, e, end, &digit)) > 0) {
    letters |= !digit;
    e += k;
  }
  if (e == h + 1 || !letters) return 0;
  *ps = h;
  *pe = e;
  return 1;
}

int seg_protect_find(const char *text, size_t start, size_t end, size_t *ps, size_t *pe) {
  const unsigned char *p = (const unsigned char *)text;
  for (size_t i = start; i < end; i++) {
    switch (p[i]) {
      case ':':
        if (find_scheme_url(p, start, end, i, ps, pe)) return 1;
        break;
      case 'w':
      case 'W':
        if (find_www_url(p, start, end, i, ps, pe)) return 1;
        break;
      case '@':
        if (find_at(p, start, end, i, ps, pe)) return 1;
        break;
      case '#':
        if (find_hash(p, start, end, i, ps, pe)) return 1;
        break;
      default:
        break;
    }
  }
  return 0;
}
