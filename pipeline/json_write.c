/* JSON string escaping and locale-independent number formatting for the output writers. printf's
 * %g/%f follow LC_NUMERIC (a comma in some locales) and print nan/inf, which JSON forbids, so
 * numbers are rebuilt here from the digits of "%.5e", whose digits and exponent are the same in
 * every locale. */
#include "pipeline/json_write.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/utf8.h"

void jw_string(FILE *f, const char *s) {
  fputc('"', f);
  if (s) {
    size_t len = strlen(s), i = 0;
    while (i < len) {
      unsigned char c = (unsigned char)s[i];
      if (c < 0x80) {
        switch (c) {
          case '"': fputs("\\\"", f); break;
          case '\\': fputs("\\\\", f); break;
          case '\n': fputs("\\n", f); break;
          case '\r': fputs("\\r", f); break;
          case '\t': fputs("\\t", f); break;
          case '\b': fputs("\\b", f); break;
          case '\f': fputs("\\f", f); break;
          default:
            if (c < 0x20 || c == 0x7f) fprintf(f, "\\u%04x", c);
            else putc_unlocked(c, f); /* one writer per file: no lock per byte */
        }
        i++;
        continue;
      }
      unsigned cp;
      size_t n = utf8_decode((const unsigned char *)s + i, len - i, &cp);
      if (cp == 0xFFFD) fputs("\xEF\xBF\xBD", f); /* same bytes whether repaired or genuine */
      else if (cp == 0x2028 || cp == 0x2029) fprintf(f, "\\u%04x", cp);
      else fwrite(s + i, 1, n, f);
      i += n;
    }
  }
  fputc('"', f);
}

char *jw_put_uint(char *p, unsigned long long v) {
  char tmp[24];
  int n = 0;
  do {
    tmp[n++] = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  while (n) *p++ = tmp[--n];
  return p;
}

char *jw_format_number(char *buf, double x) {
  if (!isfinite(x)) {
    memcpy(buf, "null", 5);
    return buf;
  }
  if (x == 0) {
    memcpy(buf, "0", 2);
    return buf;
  }
  char tmp[64];
  snprintf(tmp, sizeof tmp, "%.5e", fabs(x));
  char dig[8];
  int nd = 0;
  const char *e = tmp;
  for (; *e && *e != 'e' && *e != 'E'; e++)
    if (*e >= '0' && *e <= '9' && nd < 6) dig[nd++] = *e;
  long ex = *e ? strtol(e + 1, NULL, 10) : 0;
  while (nd > 1 && dig[nd - 1] == '0') nd--;

  char *p = buf;
  if (x < 0) *p++ = '-';
  if (ex >= -5 && ex < 15) {
    if (ex >= 0) {
      for (long i = 0; i <= ex; i++) *p++ = i < nd ? dig[i] : '0';
      if (nd > ex + 1) {
        *p++ = '.';
        for (long i = ex + 1; i < nd; i++) *p++ = dig[i];
      }
    } else {
      *p++ = '0';
      *p++ = '.';
      for (long i = 0; i < -ex - 1; i++) *p++ = '0';
      for (int i = 0; i < nd; i++) *p++ = dig[i];
    }
  } else {
    *p++ = dig[0];
    if (nd > 1) {
      *p++ = '.';
      for (int i = 1; i < nd; i++) *p++ = dig[i];
    }
    *p++ = 'e';
    if (ex < 0) *p++ = '-';
    p = jw_put_uint(p, (unsigned long long)(ex < 0 ? -ex : ex));
  }
  *p = '\0';
  return buf;
}

char *jw_format_fixed(char *buf, double x, int decimals) {
  if (!isfinite(x)) {
    memcpy(buf, "n/a", 4);
    return buf;
  }
  if (decimals < 0) decimals = 0;
  if (decimals > 9) decimals = 9;
  unsigned long long scale = 1;
  for (int i = 0; i < decimals; i++) scale *= 10;
  double v = fabs(x) * (double)scale;
  if (fabs(x) >= 1e15 || v >= 9e18) return jw_format_number(buf, x); /* llround's range */
  unsigned long long r = (unsigned long long)llround(v);
  char *p = buf;
  if (x < 0 && r != 0) *p++ = '-';
  p = jw_put_uint(p, r / scale);
  if (decimals > 0) {
    *p++ = '.';
    unsigned long long frac = r % scale;
    for (int i = decimals - 1; i >= 0; i--) {
      p[i] = (char)('0' + frac % 10);
      frac /= 10;
    }
    p += decimals;
  }
  *p = '\0';
  return buf;
}

void jw_number(FILE *f, double x) {
  char buf[JW_NUMBUF];
  fputs(jw_format_number(buf, x), f);
}
