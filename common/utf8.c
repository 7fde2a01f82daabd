/* Table-free UTF-8 decoding following the well-formed byte sequences of Unicode table 3-7. */
#include "common/utf8.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/mem.h"

size_t utf8_encode(unsigned cp, char *out) {
  if (cp < 0x80) {
    out[0] = (char)cp;
    return 1;
  }
  if (cp < 0x800) {
    out[0] = (char)(0xC0 | (cp >> 6));
    out[1] = (char)(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    out[0] = (char)(0xE0 | (cp >> 12));
    out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
  }
  out[0] = (char)(0xF0 | (cp >> 18));
  out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
  out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
  out[3] = (char)(0x80 | (cp & 0x3F));
  return 4;
}

size_t utf8_decode_any(const unsigned char *s, size_t len, unsigned *cp) {
  unsigned c = s[0];
  if (c < 0x80) {
    *cp = c;
    return 1;
  }
  size_t need;
  unsigned lo = 0x80, hi = 0xBF, v;
  if (c >= 0xC2 && c <= 0xDF) {
    need = 1;
    v = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    need = 2;
    v = c & 0x0F;
    if (c == 0xE0) lo = 0xA0;       /* no overlong forms */
    else if (c == 0xED) hi = 0x9F;  /* no surrogates */
  } else if (c >= 0xF0 && c <= 0xF4) {
    need = 3;
    v = c & 0x07;
    if (c == 0xF0) lo = 0x90;
    else if (c == 0xF4) hi = 0x8F;  /* nothing above U+10FFFF */
  } else {
    *cp = 0xFFFD;
    return 1;
  }
  size_t i = 1;
  for (; i <= need; i++) {
    if (i >= len) break;
    unsigned b = s[i];
    if (b < lo || b > hi) break;
    v = (v << 6) | (b & 0x3F);
    lo = 0x80;
    hi = 0xBF;
  }
  if (i <= need) {
    *cp = 0xFFFD; /* the maximal subpart s[0..i) is replaced as one */
    return i;
  }
  *cp = v;
  return need + 1;
}

size_t utf8_valid_prefix(const char *s, size_t len) {
  const unsigned char *p = (const unsigned char *)s;
  size_t i = 0;
  while (i < len) {
    /* Skip ASCII eight bytes at a time: most notes are mostly ASCII. */
    while (i + 8 <= len) {
      uint64_t w;
      memcpy(&w, p + i, 8);
      if (w & 0x8080808080808080ull) break;
      i += 8;
    }
    if (i >= len) break;
    if (p[i] < 0x80) {
      i++;
      continue;
    }
    unsigned cp;
    size_t n = utf8_decode(p + i, len - i, &cp);
    if (cp == 0xFFFD && !(n == 3 && p[i] == 0xEF && p[i + 1] == 0xBF && p[i + 2] == 0xBD)) return i;
    i += n;
  }
  return len;
}

size_t utf8_repair_into(const char *s, size_t len, char *out, size_t *nbad) {
  size_t o = 0, bad = 0, i = 0;
  const unsigned char *p = (const unsigned char *)s;
  while (i < len) {
    size_t ok = utf8_valid_prefix(s + i, len - i);
    memcpy(out + o, s + i, ok);
    o += ok;
    i += ok;
    if (i >= len) break;
    unsigned cp;
    i += utf8_decode(p + i, len - i, &cp);
    memcpy(out + o, "\xEF\xBF\xBD", 3);
    o += 3;
    bad++;
  }
  if (nbad) *nbad = bad;
  return o;
}

topics_status utf8_repair(const char *s, size_t len, char **out, size_t *outlen, size_t *nbad) {
  size_t cap;
  *out = NULL;
  if (mem_mul(len, 3, &cap) != TOPICS_OK || mem_add(cap, 1, &cap) != TOPICS_OK) return TOPICS_ENOMEM;
  char *d = malloc(cap);
  if (!d) return TOPICS_ENOMEM;
  size_t o = utf8_repair_into(s, len, d, nbad);
  d[o] = '\0';
  *out = d;
  *outlen = o;
  return TOPICS_OK;
}

int utf8_may_hold_cjk(const char *s, size_t len) {
  const unsigned char *p = (const unsigned char *)s;
  size_t i = 0;
  /* 64 bytes at a time without an early exit: the compiler makes the largest byte of each block
   * in a few vector instructions, where a test per byte would run at a byte a cycle. */
  for (; i + 64 <= len; i += 64) {
    unsigned char mx = 0;
    for (size_t k = 0; k < 64; k++) mx = p[i + k] > mx ? p[i + k] : mx;
    if (mx >= 0xE3) return 1;
  }
  for (; i < len; i++)
    if (p[i] >= 0xE3) return 1;
  return 0;
}
