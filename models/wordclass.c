/* English word classes from WordNet's dictionary files (see wordclass.h). */
#include "models/wordclass.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/mem.h"
#include "common/strmap.h"

#define WC_MIN 3
#define WC_MAX 40
#define WC_EXC 128u /* internal: verb.exc lists the word as a form of some verb */

typedef struct wc_word {
  uint32_t verbs; /* SemCor's count of the word's verb senses */
  uint32_t base;  /* verb.exc's base of the word (its index), UINT32_MAX for none */
  uint8_t bits;   /* WC_NOUN .. WC_ADV, WC_EXC */
} wc_word;

struct wc_map {
  strmap *words; /* lower-case word -> index into w */
  wc_word *w;
  size_t cap;
  /* Bit n of lens[c - 'a']: some word asked for starts with c and has n letters. Most lines of
   * the files name no such word and are passed over without a lookup. */
  uint64_t lens[26];
};

/* 0 when no word asked for can be w[0..len). */
static int may_want(const wc_map *m, const char *w, size_t len) {
  return len >= WC_MIN && len <= WC_MAX && w[0] >= 'a' && w[0] <= 'z' &&
         (m->lens[w[0] - 'a'] >> len & 1u);
}

wc_map *wc_new(void) {
  wc_map *m = calloc(1, sizeof *m);
  if (m && !(m->words = strmap_new())) {
    free(m);
    m = NULL;
  }
  return m;
}

void wc_free(wc_map *m) {
  if (!m) return;
  strmap_free(m->words);
  free(m->w);
  free(m);
}

/* w[0..len) in lower case into out (WC_MAX + 2 bytes); 0 when it is no word wc_want takes. */
static int lower_word(const char *w, size_t len, char *out) {
  if (len < WC_MIN || len > WC_MAX) return 0;
  for (size_t i = 0; i < len; i++) {
    char c = w[i];
    if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
    if (c < 'a' || c > 'z') return 0;
    out[i] = c;
  }
  return 1;
}

static int is_vowel(char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u'; }

/* The stems an -ed or -s ending of w[0..len) (lower case) suggests, into st[4] (each WC_MAX + 2
 * bytes) with their lengths; returns how many. past: the -ed stems, else the -s ones. */
static int stems(const char *w, size_t len, int past, char st[4][WC_MAX + 2], size_t sl[4]) {
  int n = 0;
  if (past) {
    if (len < 5 || w[len - 2] != 'e' || w[len - 1] != 'd') return 0;
    memcpy(st[n], w, len - 1), sl[n++] = len - 1;       /* compared -> compare */
    memcpy(st[n], w, len - 2), sl[n++] = len - 2;       /* pushed -> push */
    if (w[len - 3] == w[len - 4] && !is_vowel(w[len - 3])) /* stopped -> stop */
      memcpy(st[n], w, len - 3), sl[n++] = len - 3;
    if (w[len - 3] == 'i') { /* verified -> verify */
      memcpy(st[n], w, len - 3);
      st[n][len - 3] = 'y';
      sl[n++] = len - 2;
    }
    return n;
  }
  if (len < 4 || w[len - 1] != 's' || w[len - 2] == 's') return 0;
  memcpy(st[n], w, len - 1), sl[n++] = len - 1; /* deploys -> deploy */
  if (w[len - 2] == 'e') memcpy(st[n], w, len - 2), sl[n++] = len - 2; /* pushes -> push */
  if (len >= 5 && w[len - 3] == 'i' && w[len - 2] == 'e') { /* applies -> apply */
    memcpy(st[n], w, len - 3);
    st[n][len - 3] = 'y';
    sl[n++] = len - 2;
  }
  return n;
}

static topics_status want_one(wc_map *m, const char *w, size_t len, uint32_t *out) {
  uint32_t id;
  if (!out) out = &id;
  int added;
  topics_status st = strmap_intern(m->words, w, len, out, &added);
  if (st != TOPICS_OK || !added) return st;
  id = *out;
  m->lens[w[0] - 'a'] |= (uint64_t)1 << len;
  if ((st = MEM_RESERVE(m->w, m->cap, (size_t)id + 1)) != TOPICS_OK) return st;
  m->w[id] = (wc_word){0, UINT32_MAX, 0};
  return TOPICS_OK;
}

topics_status wc_want(wc_map *m, const char *w, size_t len) {
  char lw[WC_MAX + 2], st[4][WC_MAX + 2];
  size_t sl[4];
  if (!lower_word(w, len, lw)) return TOPICS_OK;
  topics_status s = want_one(m, lw, len, NULL);
  for (int past = 0; past < 2 && s == TOPICS_OK; past++) {
    int n = stems(lw, len, past, st, sl);
    for (int i = 0; i < n && s == TOPICS_OK; i++) s = want_one(m, st[i], sl[i], NULL);
  }
  return s;
}

/* The entry of lower-case w[0..len), NULL when not asked for. */
static const wc_word *word_of(const wc_map *m, const char *w, size_t len) {
  uint32_t id;
  return strmap_find(m->words, w, len, &id) ? &m->w[id] : NULL;
}

static void mark(wc_map *m, const char *w, size_t len, unsigned cls) {
  uint32_t id;
  if (may_want(m, w, len) && strmap_find(m->words, w, len, &id))
    m->w[id].bits = (uint8_t)(m->w[id].bits | cls);
}

/* verb.exc's line "form base ..." at p[0..len): when form is asked for and is no -ing or -s form,
 * marks it and asks for its base (whose counts come later). */
static topics_status exc_line(wc_map *m, const char *p, size_t len) {
  const char *sp = memchr(p, ' ', len);
  if (!sp) return TOPICS_OK;
  size_t fl = (size_t)(sp - p);
  uint32_t id, b;
  if (!may_want(m, p, fl) || !strmap_find(m->words, p, fl, &id)) return TOPICS_OK;
  if ((fl > 3 && memcmp(sp - 3, "ing", 3) == 0) || p[fl - 1] == 's') return TOPICS_OK;
  const char *bs = sp + 1, *be = memchr(bs, ' ', len - fl - 1);
  if (!be) be = p + len;
  size_t bl = (size_t)(be - bs);
  char lb[WC_MAX + 2];
  if (!lower_word(bs, bl, lb)) return TOPICS_OK;
  topics_status st = want_one(m, lb, bl, &b);
  if (st != TOPICS_OK) return st;
  m->w[id].bits = (uint8_t)(m->w[id].bits | WC_EXC);
  m->w[id].base = b;
  return TOPICS_OK;
}

/* Marks the first field of every line of buf[0..len) that does not start with a space with cls,
 * or, for verb.exc (exc set), hands the line to exc_line. */
static topics_status each_line(wc_map *m, const char *buf, size_t len, unsigned cls, int exc) {
  const char *p = buf, *end = buf + len;
  while (p < end) {
    const char *e = memchr(p, '\n', (size_t)(end - p));
    if (!e) e = end;
    if (p < e && *p != ' ') {
      if (exc) {
        topics_status st = exc_line(m, p, (size_t)(e - p));
        if (st != TOPICS_OK) return st;
      } else {
        const char *sp = memchr(p, ' ', (size_t)(e - p));
        mark(m, p, (size_t)((sp ? sp : e) - p), cls);
      }
    }
    p = e + 1;
  }
  return TOPICS_OK;
}

void wc_parse_index(wc_map *m, const char *buf, size_t len, unsigned cls) {
  each_line(m, buf, len, cls & (WC_NOUN | WC_VERB | WC_ADJ | WC_ADV), 0);
}

topics_status wc_parse_exc(wc_map *m, const char *buf, size_t len) {
  return each_line(m, buf, len, 0, 1);
}

void wc_parse_counts(wc_map *m, const char *buf, size_t len) {
  const char *p = buf, *end = buf + len;
  while (p < end) {
    const char *e = memchr(p, '\n', (size_t)(end - p));
    if (!e) e = end;
    const char *pc = memchr(p, '%', (size_t)(e - p));
    uint32_t id;
    int verb = pc && e - pc > 2 && pc[1] == '2' && pc[2] == ':';
    int adj = pc && e - pc > 2 && (pc[1] == '3' || pc[1] == '5') && pc[2] == ':';
    int want = pc && may_want(m, p, (size_t)(pc - p));
    if (want && adj && strmap_find(m->words, p, (size_t)(pc - p), &id))
      m->w[id].bits = (uint8_t)(m->w[id].bits | WC_ADJ);
    if (want && verb && strmap_find(m->words, p, (size_t)(pc - p), &id)) {
      const char *q = e; /* the count is the last field */
      while (q > pc && q[-1] == ' ') q--;
      const char *num = q;
      while (num > pc && num[-1] >= '0' && num[-1] <= '9') num--;
      uint64_t v = 0;
      for (const char *c = num; c < q && v < UINT32_MAX; c++) v = v * 10 + (uint64_t)(*c - '0');
      if (num > pc && num[-1] == ' ' && num < q) {
        uint64_t sum = (uint64_t)m->w[id].verbs + v;
        m->w[id].verbs = sum > UINT32_MAX ? UINT32_MAX : (uint32_t)sum;
      }
    }
    p = e + 1;
  }
}

unsigned wc_class(const wc_map *m, const char *w, size_t len) {
  char lw[WC_MAX + 2], st[4][WC_MAX + 2];
  size_t sl[4];
  if (!lower_word(w, len, lw)) return 0;
  const wc_word *self = word_of(m, lw, len);
  if (!self) return 0;
  unsigned r = self->bits & (WC_NOUN | WC_VERB | WC_ADJ | WC_ADV);
  if (self->bits & WC_EXC) {
    r |= WC_PAST;
    if (m->w[self->base].verbs >= WC_COMMON_MIN) r |= WC_COMMON;
  }
  int n = stems(lw, len, 1, st, sl);
  for (int i = 0; i < n; i++) {
    const wc_word *s = word_of(m, st[i], sl[i]);
    if (!s || !(s->bits & WC_VERB)) continue;
    r |= WC_PAST;
    if (s->verbs >= WC_COMMON_MIN) r |= WC_COMMON;
  }
  n = stems(lw, len, 0, st, sl);
  unsigned verb = 0, noun = self->bits & WC_NOUN;
  for (int i = 0; i < n; i++) {
    const wc_word *s = word_of(m, st[i], sl[i]);
    verb |= s ? s->bits & WC_VERB : 0u;
    noun |= s ? s->bits & WC_NOUN : 0u;
  }
  if (verb && !noun) r |= WC_VERB3;
  return r;
}

/* Most bytes of a file held at once: files are parsed a block of whole lines at a time. */
#define WC_BLOCK ((size_t)1 << 18)

/* Hands buf[0..len) (whole lines) to the parser of kind (0: an index with cls, 1: verb.exc,
 * 2: sense counts). */
static topics_status parse_block(wc_map *m, const char *buf, size_t len, unsigned cls, int kind) {
  if (kind == 1) return wc_parse_exc(m, buf, len);
  if (kind == 2) wc_parse_counts(m, buf, len);
  else wc_parse_index(m, buf, len, cls);
  return TOPICS_OK;
}

/* Streams dir/name (name alone when dir is NULL) through the parser of kind, WC_BLOCK bytes at a
 * time (a line longer than that is skipped: no word asked for is so long); TOPICS_ENOENT when it
 * cannot be opened or read. */
static topics_status read_file(wc_map *m, const char *dir, const char *name, unsigned cls,
                               int kind) {
  char path[4096];
  int pl = dir ? snprintf(path, sizeof path, "%s/%s", dir, name) : snprintf(path, sizeof path, "%s", name);
  if (pl < 0 || (size_t)pl >= sizeof path) return TOPICS_ENOENT;
  FILE *f = fopen(path, "rb");
  if (!f) return TOPICS_ENOENT;
  char *buf = malloc(WC_BLOCK);
  topics_status st = buf ? TOPICS_OK : TOPICS_ENOMEM;
  size_t len = 0;
  int skipping = 0; /* inside a line longer than the block */
  while (st == TOPICS_OK) {
    size_t got = fread(buf + len, 1, WC_BLOCK - len, f);
    len += got;
    if (len == 0) break;
    char *nl = NULL;
    for (size_t i = len; i > 0 && !nl; i--)
      if (buf[i - 1] == '\n') nl = buf + i - 1;
    if (!nl && got > 0 && len < WC_BLOCK) continue; /* more of the line to come */
    size_t whole = nl ? (size_t)(nl - buf) + 1 : len;
    size_t from = 0;
    if (skipping) { /* the rest of a long line */
      char *e = memchr(buf, '\n', whole);
      from = e ? (size_t)(e - buf) + 1 : whole;
      skipping = e == NULL;
    }
    if (!nl && len == WC_BLOCK) skipping = 1, whole = len; /* a line longer than the block */
    else if (from < whole) st = parse_block(m, buf + from, whole - from, cls, kind);
    memmove(buf, buf + whole, len - whole);
    len -= whole;
    if (got == 0 && len == 0) break;
  }
  int bad = ferror(f);
  fclose(f);
  free(buf);
  return st == TOPICS_OK && bad ? TOPICS_ENOENT : st;
}

topics_status wc_read_dir(wc_map *m, const char *dir, const char *counts) {
  if (strmap_count(m->words) == 0) return TOPICS_OK; /* nothing to judge: no file is read */
  static const struct {
    const char *name;
    unsigned cls;
  } files[] = {{"index.noun", WC_NOUN}, {"index.adj", WC_ADJ}, {"index.adv", WC_ADV}};
  topics_status st = read_file(m, dir, "index.verb", WC_VERB, 0);
  if (st != TOPICS_OK) return st;
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
    if ((st = read_file(m, dir, files[i].name, files[i].cls, 0)) == TOPICS_ENOMEM) return st;
  st = read_file(m, dir, "verb.exc", 0, 1);
  if (st != TOPICS_ENOMEM && counts) st = read_file(m, NULL, counts, 0, 2);
  return st == TOPICS_ENOMEM ? st : TOPICS_OK;
}
