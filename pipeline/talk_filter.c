/* The talk filter: copies a talk's metadata at begin, gathers its text, cleans it with the markup
 * reader in whole lines, drops its bylines and hides the speakers' names where the text mentions
 * them, sketches the cleaned text, and at the end either passes the talk on or
 * records it as a copy of the earliest similar talk kept so far. */
#include "pipeline/talk_filter.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/diag.h"
#include "common/mem.h"
#include "pipeline/byline.h"
#include "pipeline/dedup.h"
#include "pipeline/markup.h"

#define PIECE_OUT ((size_t)1 << 20) /* longest piece handed on */
#define WARN_LIST 10                /* copies named in the warning */

typedef struct group {
  uint32_t kept; /* sketch number of the kept talk */
  char **dropped;
  size_t n, cap;
} group;

struct talk_filter {
  rd_sink sink;
  const rd_sink *next;
  tfl_options o;
  mk_reader *mk;
  dd_index *dx;
  /* the current talk */
  int in_talk, passed;
  char *id, *path, *title, *date;
  long line;
  char *buf;
  size_t len, cap;
  dd_sketch sk;
  /* kept talks (sketch number -> id, group) and the copies */
  char **kept_ids;
  uint32_t *group_of;
  size_t nkept, keptcap, gofcap;
  group *groups;
  size_t ngroups, groupcap, ndropped;
  out_dup *outs;
  size_t nouts;
  uint32_t file; /* the current talk's file number */
  bl_names names; /* the current talk's speakers, from its bylines */
  tfl_mark *marks; /* defer: one per talk handed on */
  size_t nmarks, markcap;
};

static void talk_clear(talk_filter *f) {
  free(f->id);
  free(f->path);
  free(f->title);
  free(f->date);
  f->id = f->path = f->title = f->date = NULL;
  f->len = 0;
  f->in_talk = f->passed = 0;
}

static char *dup_str(const char *s) { return s ? mem_strndup(s, strlen(s)) : NULL; }

/* Hands s[0..n) on in pieces of at most PIECE_OUT bytes cut at a line end, else after white
 * space, else between two characters. */
static topics_status send(talk_filter *f, const char *s, size_t n) {
  while (n > 0) {
    size_t k = n;
    if (k > PIECE_OUT) {
      k = PIECE_OUT;
      size_t c = k;
      while (c > 0 && s[c - 1] != '\n') c--;
      if (c == 0) {
        c = k;
        while (c > 0 && s[c - 1] != ' ' && s[c - 1] != '\t') c--;
      }
      if (c == 0) {
        c = k;
        while (c > 0 && ((unsigned char)s[c] & 0xC0) == 0x80) c--;
      }
      k = c;
    }
    topics_status st = f->next->text(f->next->ud, s, k);
    if (st != TOPICS_OK) return st;
    s += k;
    n -= k;
  }
  return TOPICS_OK;
}

static topics_status pass_begin(talk_filter *f) {
  rd_talk_info ti = {f->id, f->path, f->title, f->line, f->date, f->file};
  f->passed = 1;
  return f->next->begin(f->next->ud, &ti);
}

/* Cleans and hands on buf[0..upto), keeping the rest (a line not yet ended) for later. */
static topics_status pass_prefix(talk_filter *f, size_t upto) {
  topics_status st;
  if (!f->passed && (st = pass_begin(f)) != TOPICS_OK) return st;
  size_t n = bl_strip(f->buf, mk_clean(f->mk, f->buf, upto), &f->names);
  bl_hide_names(f->buf, n, &f->names);
  if (!f->o.keep_duplicates) dd_sketch_feed(&f->sk, f->buf, n);
  st = send(f, f->buf, n);
  memmove(f->buf, f->buf + upto, f->len - upto);
  f->len -= upto;
  return st;
}

static topics_status f_begin(void *ud, const rd_talk_info *t) {
  talk_filter *f = ud;
  talk_clear(f);
  f->id = dup_str(t->id);
  f->path = dup_str(t->path);
  f->title = dup_str(t->title);
  f->date = t->date ? dup_str(t->date) : NULL;
  f->line = t->line;
  f->file = t->file;
  f->names.len = 0;
  if (!f->id || !f->path || !f->title || (t->date && !f->date)) return TOPICS_ENOMEM;
  mk_kind kind = mk_kind_for_path(f->path);
  size_t tl = mk_clean_title(f->title, strlen(f->title), kind);
  f->title[tl] = '\0';
  if (tl == 0) { /* a title that was all markup: the file name instead */
    const char *slash = strrchr(f->path, '/');
    const char *base = slash && slash[1] ? slash + 1 : f->path[0] ? f->path : f->id;
    free(f->title);
    if (!(f->title = dup_str(base))) return TOPICS_ENOMEM;
  }
  mk_reset(f->mk, kind);
  dd_sketch_init(&f->sk);
  if (!f->o.keep_duplicates) {
    dd_sketch_feed(&f->sk, f->title, strlen(f->title));
    dd_sketch_feed(&f->sk, "\n", 1);
  }
  f->in_talk = 1;
  return f->o.keep_duplicates ? pass_begin(f) : TOPICS_OK;
}

static topics_status f_text(void *ud, const char *s, size_t n) {
  talk_filter *f = ud;
  if (!f->in_talk || n == 0) return TOPICS_OK;
  size_t need;
  if (mem_add(f->len, n, &need) != TOPICS_OK || MEM_RESERVE(f->buf, f->cap, need) != TOPICS_OK)
    return TOPICS_ENOMEM;
  memcpy(f->buf + f->len, s, n);
  f->len = need;
  if (!f->passed && f->len <= TFL_HOLD_MAX) return TOPICS_OK;
  /* passing on as it comes: whole lines now, a line longer than the hold limit in part */
  size_t upto = f->len;
  while (upto > 0 && f->buf[upto - 1] != '\n') upto--;
  if (upto == 0 && f->len > TFL_HOLD_MAX) upto = f->len;
  return upto ? pass_prefix(f, upto) : TOPICS_OK;
}

/* Records talk id as a copy of kept talk number k. */
static topics_status add_copy(talk_filter *f, uint32_t k, const char *id) {
  uint32_t g = f->group_of[k];
  if (g == DD_NONE) {
    if (MEM_RESERVE(f->groups, f->groupcap, f->ngroups + 1) != TOPICS_OK) return TOPICS_ENOMEM;
    g = (uint32_t)f->ngroups++;
    memset(&f->groups[g], 0, sizeof f->groups[g]);
    f->groups[g].kept = k;
    f->group_of[k] = g;
  }
  group *gr = &f->groups[g];
  char *copy = dup_str(id);
  if (!copy || MEM_RESERVE(gr->dropped, gr->cap, gr->n + 1) != TOPICS_OK) {
    free(copy);
    return TOPICS_ENOMEM;
  }
  gr->dropped[gr->n++] = copy;
  f->ndropped++;
  return TOPICS_OK;
}

/* Remembers talk id, sketch f->sk, as kept. */
static topics_status remember_kept(talk_filter *f, const char *id) {
  uint32_t no;
  char *copy = dup_str(id);
  if (!copy || MEM_RESERVE(f->kept_ids, f->keptcap, f->nkept + 1) != TOPICS_OK ||
      MEM_RESERVE(f->group_of, f->gofcap, f->nkept + 1) != TOPICS_OK) {
    free(copy);
    return TOPICS_ENOMEM;
  }
  topics_status st = dd_add(f->dx, &f->sk, &no);
  if (st != TOPICS_OK) {
    free(copy);
    return st;
  }
  f->kept_ids[no] = copy;
  f->group_of[no] = DD_NONE;
  f->nkept++;
  return TOPICS_OK;
}

/* The decision for talk id, whose finished sketch is f->sk: *drop when it is a copy of an earlier
 * talk kept (and recorded as such), else it is remembered as kept when judged at all. A talk
 * passed on before its end (passed) cannot be dropped. */
static topics_status decide(talk_filter *f, const char *id, int judge, int passed, int *drop) {
  *drop = 0;
  if (judge && !passed) {
    uint32_t k = dd_find(f->dx, &f->sk);
    if (k != DD_NONE) {
      *drop = 1;
      return add_copy(f, k, id);
    }
  }
  return judge ? remember_kept(f, id) : TOPICS_OK;
}

/* Keeps the mark of the current talk (defer). */
static topics_status add_mark(talk_filter *f, int judge, int passed) {
  if (MEM_RESERVE(f->marks, f->markcap, f->nmarks + 1) != TOPICS_OK) return TOPICS_ENOMEM;
  tfl_mark *m = &f->marks[f->nmarks++];
  memcpy(m->min, f->sk.min, sizeof m->min);
  m->judge = (uint8_t)judge;
  m->passed = (uint8_t)passed;
  return TOPICS_OK;
}

static topics_status f_end(void *ud) {
  talk_filter *f = ud;
  if (!f->in_talk) return TOPICS_OK;
  topics_status st = TOPICS_OK;
  int passed = f->passed, drop = 0;
  size_t n = bl_strip(f->buf, mk_clean(f->mk, f->buf, f->len), &f->names);
  bl_hide_names(f->buf, n, &f->names);
  if (!f->o.keep_duplicates) {
    dd_sketch_feed(&f->sk, f->buf, n);
    dd_sketch_finish(&f->sk);
  }
  f->len = 0;
  int judge = !f->o.keep_duplicates && f->sk.words >= TFL_MIN_WORDS;
  if (f->o.defer) st = add_mark(f, judge, passed);
  else st = decide(f, f->id, judge, passed, &drop);
  if (!drop && (passed || st == TOPICS_OK)) { /* a talk begun is always ended */
    if (!passed) st = pass_begin(f);
    if (st == TOPICS_OK) st = send(f, f->buf, n);
    topics_status st2 = f->next->end(f->next->ud);
    if (st == TOPICS_OK) st = st2;
  }
  talk_clear(f);
  return st;
}

const tfl_mark *tfl_marks(const talk_filter *f, size_t *n) {
  *n = f->nmarks;
  return f->marks;
}

topics_status tfl_judge(talk_filter *f, const tfl_mark *m, const char *id, int *drop) {
  *drop = 0;
  if (!f->dx) return TOPICS_OK;
  memcpy(f->sk.min, m->min, sizeof m->min);
  f->sk.words = m->judge ? TFL_MIN_WORDS : 0; /* only whether it is empty matters now */
  return decide(f, id, m->judge, m->passed, drop);
}

talk_filter *tfl_new(const rd_sink *next, const tfl_options *o) {
  talk_filter *f = calloc(1, sizeof *f);
  if (!f) return NULL;
  f->next = next;
  f->o = *o;
  f->mk = mk_new(MK_TEXT, o->keep_code);
  f->dx = o->keep_duplicates ? NULL : dd_new();
  if (!f->mk || (!o->keep_duplicates && !f->dx)) {
    tfl_free(f);
    return NULL;
  }
  f->sink.begin = f_begin;
  f->sink.text = f_text;
  f->sink.end = f_end;
  f->sink.ud = f;
  return f;
}

void tfl_free(talk_filter *f) {
  if (!f) return;
  talk_clear(f);
  free(f->buf);
  mk_free(f->mk);
  dd_free(f->dx);
  for (size_t i = 0; i < f->nkept; i++) free(f->kept_ids[i]);
  free(f->kept_ids);
  free(f->group_of);
  for (size_t g = 0; g < f->ngroups; g++) {
    for (size_t i = 0; i < f->groups[g].n; i++) free(f->groups[g].dropped[i]);
    free(f->groups[g].dropped);
  }
  free(f->groups);
  free(f->outs);
  free(f->marks);
  free(f);
}

const rd_sink *tfl_sink(talk_filter *f) { return &f->sink; }

static int by_kept(const void *a, const void *b) {
  uint32_t x = ((const group *)a)->kept, y = ((const group *)b)->kept;
  return x < y ? -1 : x > y;
}

const out_dup *tfl_duplicates(talk_filter *f, size_t *n) {
  *n = 0;
  if (!f->ngroups) return NULL;
  if (f->nouts != f->ngroups) {
    /* groups in the kept talks' order: renumber group_of after sorting */
    qsort(f->groups, f->ngroups, sizeof *f->groups, by_kept);
    for (size_t g = 0; g < f->ngroups; g++) f->group_of[f->groups[g].kept] = (uint32_t)g;
    out_dup *o = realloc(f->outs, f->ngroups * sizeof *o);
    if (!o) return NULL;
    f->outs = o;
    f->nouts = f->ngroups;
  }
  for (size_t g = 0; g < f->ngroups; g++) {
    f->outs[g].kept = f->kept_ids[f->groups[g].kept];
    f->outs[g].dropped = (const char *const *)f->groups[g].dropped;
    f->outs[g].ndropped = f->groups[g].n;
  }
  *n = f->nouts;
  return f->outs;
}

void tfl_warn(talk_filter *f) {
  size_t ng;
  const out_dup *d = tfl_duplicates(f, &ng);
  if (!ng) return;
  char list[2048];
  size_t len = 0, named = 0;
  list[0] = '\0';
  for (size_t g = 0; g < ng && named < WARN_LIST; g++)
    for (size_t i = 0; i < d[g].ndropped && named < WARN_LIST; i++, named++) {
      int k = snprintf(list + len, sizeof list - len, "%s%s (copy of %s)", named ? ", " : "",
                       d[g].dropped[i], d[g].kept);
      if (k < 0 || (size_t)k >= sizeof list - len) {
        list[len] = '\0';
        break;
      }
      len += (size_t)k;
    }
  diag_warn(NULL, 0, "%zu talk(s) left out as copies of earlier talks (--keep-duplicates keeps them): %s%s",
            f->ndropped, list, f->ndropped > named ? ", ... (all in corpus.duplicates of -f json)" : "");
}
