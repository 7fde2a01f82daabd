/* A strict JSON parser (RFC 8259) building a tree, shared by the tests that check JSON output.
 * Header-only (static functions) so each test program gets its own copy. */
#ifndef TOPICS_TESTS_JSON_CHECK_H
#define TOPICS_TESTS_JSON_CHECK_H

#include <stdlib.h>
#include <string.h>

#include "common/utf8.h"


typedef enum { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ } jtype;

typedef struct jval {
  jtype t;
  double num;
  char *str;          /* J_STR: decoded UTF-8 */
  size_t n;           /* J_ARR / J_OBJ: items */
  struct jval *items;
  char **keys;        /* J_OBJ */
} jval;

typedef struct jparser {
  const char *s;
  size_t len, pos;
  const char *err;
} jparser;

static void jfree(jval *v) {
  if (!v) return;
  free(v->str);
  for (size_t i = 0; i < v->n; i++) {
    jfree(&v->items[i]);
    if (v->keys) free(v->keys[i]);
  }
  free(v->items);
  free(v->keys);
  memset(v, 0, sizeof *v);
}

static void jws(jparser *p) {
  while (p->pos < p->len && strchr(" \t\r\n", p->s[p->pos]) && p->s[p->pos]) p->pos++;
}

static int jfail(jparser *p, const char *msg) {
  if (!p->err) p->err = msg;
  return 0;
}

static int hex4(jparser *p, unsigned *out) {
  if (p->len - p->pos < 4) return jfail(p, "short \\u");
  unsigned v = 0;
  for (int i = 0; i < 4; i++) {
    char c = p->s[p->pos++];
    v <<= 4;
    if (c >= '0' && c <= '9') v |= (unsigned)(c - '0');
    else if (c >= 'a' && c <= 'f') v |= (unsigned)(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F') v |= (unsigned)(c - 'A' + 10);
    else return jfail(p, "bad hex");
  }
  *out = v;
  return 1;
}

static void put_utf8(char *b, size_t *n, unsigned cp) {
  if (cp < 0x80) b[(*n)++] = (char)cp;
  else if (cp < 0x800) {
    b[(*n)++] = (char)(0xC0 | (cp >> 6));
    b[(*n)++] = (char)(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    b[(*n)++] = (char)(0xE0 | (cp >> 12));
    b[(*n)++] = (char)(0x80 | ((cp >> 6) & 0x3F));
    b[(*n)++] = (char)(0x80 | (cp & 0x3F));
  } else {
    b[(*n)++] = (char)(0xF0 | (cp >> 18));
    b[(*n)++] = (char)(0x80 | ((cp >> 12) & 0x3F));
    b[(*n)++] = (char)(0x80 | ((cp >> 6) & 0x3F));
    b[(*n)++] = (char)(0x80 | (cp & 0x3F));
  }
}

static int jstring(jparser *p, char **out) {
  if (p->pos >= p->len || p->s[p->pos] != '"') return jfail(p, "expected string");
  p->pos++;
  size_t start = p->pos;
  /* decoded text is never longer than the source */
  char *b = malloc(p->len - start + 1);
  size_t n = 0;
  if (!b) return jfail(p, "oom");
  while (1) {
    if (p->pos >= p->len) {
      free(b);
      return jfail(p, "unterminated string");
    }
    unsigned char c = (unsigned char)p->s[p->pos];
    if (c == '"') {
      p->pos++;
      break;
    }
    if (c < 0x20) {
      free(b);
      return jfail(p, "raw control character in string");
    }
    if (c == '\\') {
      p->pos++;
      char e = p->pos < p->len ? p->s[p->pos++] : 0;
      unsigned cp;
      switch (e) {
        case '"': b[n++] = '"'; break;
        case '\\': b[n++] = '\\'; break;
        case '/': b[n++] = '/'; break;
        case 'b': b[n++] = '\b'; break;
        case 'f': b[n++] = '\f'; break;
        case 'n': b[n++] = '\n'; break;
        case 'r': b[n++] = '\r'; break;
        case 't': b[n++] = '\t'; break;
        case 'u':
          if (!hex4(p, &cp)) {
            free(b);
            return 0;
          }
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            unsigned lo;
            if (p->len - p->pos < 6 || p->s[p->pos] != '\\' || p->s[p->pos + 1] != 'u') {
              free(b);
              return jfail(p, "lone high surrogate");
            }
            p->pos += 2;
            if (!hex4(p, &lo) || lo < 0xDC00 || lo > 0xDFFF) {
              free(b);
              return jfail(p, "bad low surrogate");
            }
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            free(b);
            return jfail(p, "lone low surrogate");
          }
          put_utf8(b, &n, cp);
          break;
        default:
          free(b);
          return jfail(p, "bad escape");
      }
      continue;
    }
    if (c < 0x80) {
      b[n++] = (char)c;
      p->pos++;
      continue;
    }
    unsigned cp;
    size_t k = utf8_decode((const unsigned char *)p->s + p->pos, p->len - p->pos, &cp);
    if (cp == 0xFFFD && !(k == 3 && !memcmp(p->s + p->pos, "\xEF\xBF\xBD", 3))) {
      free(b);
      return jfail(p, "ill-formed UTF-8 in string");
    }
    memcpy(b + n, p->s + p->pos, k);
    n += k;
    p->pos += k;
  }
  b[n] = '\0';
  *out = b;
  return 1;
}

static int jnumber(jparser *p, double *out) {
  size_t st = p->pos;
  const char *s = p->s;
  if (p->pos < p->len && s[p->pos] == '-') p->pos++;
  if (p->pos >= p->len) return jfail(p, "bad number");
  if (s[p->pos] == '0') p->pos++;
  else if (s[p->pos] >= '1' && s[p->pos] <= '9')
    while (p->pos < p->len && s[p->pos] >= '0' && s[p->pos] <= '9') p->pos++;
  else return jfail(p, "bad number");
  if (p->pos < p->len && s[p->pos] == '.') {
    p->pos++;
    size_t d = p->pos;
    while (p->pos < p->len && s[p->pos] >= '0' && s[p->pos] <= '9') p->pos++;
    if (d == p->pos) return jfail(p, "no digits after point");
  }
  if (p->pos < p->len && (s[p->pos] == 'e' || s[p->pos] == 'E')) {
    p->pos++;
    if (p->pos < p->len && (s[p->pos] == '+' || s[p->pos] == '-')) p->pos++;
    size_t d = p->pos;
    while (p->pos < p->len && s[p->pos] >= '0' && s[p->pos] <= '9') p->pos++;
    if (d == p->pos) return jfail(p, "no exponent digits");
  }
  char tmp[64];
  size_t n = p->pos - st;
  if (n >= sizeof tmp) return jfail(p, "number too long");
  memcpy(tmp, s + st, n);
  tmp[n] = '\0';
  *out = strtod(tmp, NULL);
  return 1;
}

static int jvalue(jparser *p, jval *v, int depth);

static int jpush(jval *v, jval *item, char *key) {
  jval *ni = realloc(v->items, (v->n + 1) * sizeof *ni);
  if (!ni) return 0;
  v->items = ni;
  if (v->t == J_OBJ) {
    char **nk = realloc(v->keys, (v->n + 1) * sizeof *nk);
    if (!nk) return 0;
    v->keys = nk;
    v->keys[v->n] = key;
  }
  v->items[v->n++] = *item;
  return 1;
}

static int jvalue(jparser *p, jval *v, int depth) {
  memset(v, 0, sizeof *v);
  if (depth > 64) return jfail(p, "too deep");
  jws(p);
  if (p->pos >= p->len) return jfail(p, "unexpected end");
  char c = p->s[p->pos];
  if (c == '{' || c == '[') {
    v->t = c == '{' ? J_OBJ : J_ARR;
    char close = c == '{' ? '}' : ']';
    p->pos++;
    jws(p);
    if (p->pos < p->len && p->s[p->pos] == close) {
      p->pos++;
      return 1;
    }
    while (1) {
      char *key = NULL;
      jws(p);
      if (v->t == J_OBJ) {
        if (!jstring(p, &key)) return 0;
        for (size_t i = 0; i < v->n; i++)
          if (!strcmp(v->keys[i], key)) {
            free(key);
            return jfail(p, "duplicate key");
          }
        jws(p);
        if (p->pos >= p->len || p->s[p->pos] != ':') {
          free(key);
          return jfail(p, "expected ':'");
        }
        p->pos++;
      }
      jval item;
      if (!jvalue(p, &item, depth + 1)) {
        jfree(&item);
        free(key);
        return 0;
      }
      if (!jpush(v, &item, key)) {
        jfree(&item);
        free(key);
        return jfail(p, "oom");
      }
      jws(p);
      if (p->pos < p->len && p->s[p->pos] == ',') {
        p->pos++;
        continue;
      }
      if (p->pos < p->len && p->s[p->pos] == close) {
        p->pos++;
        return 1;
      }
      return jfail(p, "expected ',' or close");
    }
  }
  if (c == '"') {
    v->t = J_STR;
    return jstring(p, &v->str);
  }
  if (c == '-' || (c >= '0' && c <= '9')) {
    v->t = J_NUM;
    return jnumber(p, &v->num);
  }
  static const struct { const char *w; jtype t; } lits[] = {
      {"null", J_NULL}, {"true", J_BOOL}, {"false", J_BOOL}};
  for (size_t i = 0; i < 3; i++) {
    size_t wl = strlen(lits[i].w);
    if (p->len - p->pos >= wl && !memcmp(p->s + p->pos, lits[i].w, wl)) {
      v->t = lits[i].t;
      p->pos += wl;
      return 1;
    }
  }
  return jfail(p, "unexpected character");
}

/* Parses the whole of s; returns 1 and fills *v, or 0 with *err set. */
static int jparse(const char *s, size_t len, jval *v, const char **err) {
  jparser p = {s, len, 0, NULL};
  int ok = jvalue(&p, v, 0);
  if (ok) {
    jws(&p);
    if (p.pos != len) ok = jfail(&p, "trailing data");
  }
  if (!ok) jfree(v);
  *err = p.err;
  return ok;
}

static const jval *jget(const jval *o, const char *key) {
  if (!o || o->t != J_OBJ) return NULL;
  for (size_t i = 0; i < o->n; i++)
    if (!strcmp(o->keys[i], key)) return &o->items[i];
  return NULL;
}

static int jis(const jval *v, jtype t) { return v && v->t == t; }

#endif
