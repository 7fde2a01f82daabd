/* A sink for the reader tests: records every talk (id, title, line, whole text) and checks the
 * piece contract on the way (well-formed UTF-8, no NUL, size bound, begin/end pairing). */
#ifndef TOPICS_TEST_READER_SINK_H
#define TOPICS_TEST_READER_SINK_H

#include <stdlib.h>
#include <string.h>

#include "common/utf8.h"
#include "pipeline/reader.h"

typedef struct rs_talk {
  char *id, *path, *title;
  long line;
  char *text;
  size_t len, cap;
  size_t pieces, max_piece;
} rs_talk;

typedef struct rs_sink {
  rs_talk *t;
  size_t n, cap;
  int open;        /* between begin and end */
  int violations;  /* pieces that broke the contract, unmatched begin/end */
  int keep_text;   /* 0: only count bytes (huge inputs) */
} rs_sink;

static char *rs_dup(const char *s) {
  size_t n = strlen(s) + 1;
  char *p = malloc(n);
  if (p) memcpy(p, s, n);
  return p;
}

static topics_status rs_begin(void *ud, const rd_talk_info *ti) {
  rs_sink *k = ud;
  if (k->open) k->violations++;
  if (k->n == k->cap) {
    size_t cap = k->cap ? 2 * k->cap : 8;
    rs_talk *t = realloc(k->t, cap * sizeof *t);
    if (!t) return TOPICS_ENOMEM;
    k->t = t;
    k->cap = cap;
  }
  rs_talk *t = &k->t[k->n++];
  memset(t, 0, sizeof *t);
  t->id = rs_dup(ti->id);
  t->path = rs_dup(ti->path);
  t->title = rs_dup(ti->title);
  t->line = ti->line;
  k->open = 1;
  return TOPICS_OK;
}

static topics_status rs_text(void *ud, const char *s, size_t len) {
  rs_sink *k = ud;
  if (!k->open || k->n == 0) {
    k->violations++;
    return TOPICS_OK;
  }
  rs_talk *t = &k->t[k->n - 1];
  if (utf8_valid_prefix(s, len) != len || memchr(s, 0, len)) k->violations++;
  t->pieces++;
  if (len > t->max_piece) t->max_piece = len;
  if (k->keep_text) {
    if (t->len + len + 1 > t->cap) {
      size_t cap = (t->len + len + 1) * 2;
      char *p = realloc(t->text, cap);
      if (!p) return TOPICS_ENOMEM;
      t->text = p;
      t->cap = cap;
    }
    memcpy(t->text + t->len, s, len);
    t->text[t->len + len] = '\0';
  }
  t->len += len;
  return TOPICS_OK;
}

static topics_status rs_end(void *ud) {
  rs_sink *k = ud;
  if (!k->open) k->violations++;
  k->open = 0;
  return TOPICS_OK;
}

static rd_sink rs_make(rs_sink *k) {
  memset(k, 0, sizeof *k);
  k->keep_text = 1;
  rd_sink s = {rs_begin, rs_text, rs_end, k};
  return s;
}

/* The text of talk i ("" when it has none), for strstr checks. */
static const char *rs_text_of(const rs_sink *k, size_t i) {
  return i < k->n && k->t[i].text ? k->t[i].text : "";
}

static void rs_free(rs_sink *k) {
  for (size_t i = 0; i < k->n; i++) {
    free(k->t[i].id);
    free(k->t[i].path);
    free(k->t[i].title);
    free(k->t[i].text);
  }
  free(k->t);
  memset(k, 0, sizeof *k);
}

#endif
