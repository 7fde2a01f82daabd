/* The shared term cache: toks on several threads, each tokenising every line of the sample corpus
 * (plus case variants and long compounds) in its own order, must give for each line exactly the
 * terms and surfaces a tok with a private cache gives, and the cache must end with exactly one entry
 * per distinct raw form, however the threads raced. With and without a user dictionary; and on
 * generated text of about 100,000 new words, so that the table grows many times while the threads
 * add to it (the copy made outside the lock, and the keys logged meanwhile). */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "test_util.h"
#include "tokenize/term_cache.h"
#include "tokenize/tokenizer.h"

#define NT 4

typedef struct text_lines {
  char **line;
  size_t n, cap;
} text_lines;

static void add_line(text_lines *L, const char *s, size_t len) {
  if (L->n == L->cap) {
    L->cap = L->cap ? 2 * L->cap : 256;
    L->line = realloc(L->line, L->cap * sizeof *L->line);
  }
  char *d = malloc(len + 1);
  memcpy(d, s, len);
  d[len] = '\0';
  L->line[L->n++] = d;
}

/* Lines of the sample corpus, each also in upper case (case variants share records: the race
 * between "Docker" and "docker" must still give one record), and every line's first two words
 * glued into one (forms longer than a slot take the locked route). */
static void load_lines(text_lines *L) {
  static const char *const files[] = {"pad-day1.txt", "pycon-blog.md", "travelogue.txt",
                                      "zh-hans-notes.md", "meetup.jsonl"};
  for (size_t f = 0; f < sizeof files / sizeof *files; f++) {
    char path[4096];
    snprintf(path, sizeof path, "%s/corpus/%s", TOPICS_SOURCE_DIR, files[f]);
    size_t len;
    char *text = tu_slurp(path, &len);
    CHECK_MSG(text != NULL, "cannot read %s", path);
    if (!text) continue;
    for (char *p = text, *e; *p; p = *e ? e + 1 : e) {
      e = strchr(p, '\n');
      if (!e) e = p + strlen(p);
      size_t n = (size_t)(e - p);
      if (n == 0) continue;
      add_line(L, p, n);
      char *up = malloc(n + 1);
      for (size_t i = 0; i < n; i++) up[i] = (p[i] >= 'a' && p[i] <= 'z') ? (char)(p[i] - 32) : p[i];
      add_line(L, up, n);
      const char *sp = memchr(p, ' ', n);
      if (sp) { /* "Docker compose ..." -> "Dockercompose ..." */
        size_t a = (size_t)(sp - p);
        memcpy(up, p, a);
        memcpy(up + a, sp + 1, n - a - 1);
        add_line(L, up, n - 1);
      }
      free(up);
    }
    free(text);
  }
}

/* "term/surface term/surface ..." of one line; caller frees. */
static char *line_terms(tok *t, const char *line) {
  uint32_t *ids = NULL;
  size_t n = 0, cap = 0;
  if (tok_terms(t, line, strlen(line), &ids, &n, &cap) != TOPICS_OK) {
    free(ids);
    return NULL;
  }
  size_t len = 1;
  for (size_t i = 0; i < n; i++) {
    size_t tl, sl;
    tok_entry_term(t, ids[i], &tl);
    tok_entry_surface(t, ids[i], &sl);
    len += tl + sl + 2;
  }
  char *out = malloc(len), *o = out;
  for (size_t i = 0; i < n; i++) {
    size_t tl, sl;
    const char *tm = tok_entry_term(t, ids[i], &tl), *sf = tok_entry_surface(t, ids[i], &sl);
    memcpy(o, tm, tl);
    o += tl;
    *o++ = '/';
    memcpy(o, sf, sl);
    o += sl;
    *o++ = ' ';
  }
  *o = '\0';
  free(ids);
  return out;
}

typedef struct job {
  tok *t;
  const text_lines *L;
  char *const *want;
  size_t first; /* where this thread starts in the lines (it wraps round) */
  size_t wrong, failed;
} job;

static void *run(void *p) {
  job *j = p;
  size_t n = j->L->n;
  for (size_t k = 0; k < n; k++) {
    size_t i = (j->first + k) % n;
    char *got = line_terms(j->t, j->L->line[i]);
    if (!got) {
      j->failed++;
      continue;
    }
    if (strcmp(got, j->want[i]) != 0 && j->wrong++ == 0)
      fprintf(stderr, "line %zu: shared cache gave \"%s\", private \"%s\"\n", i, got, j->want[i]);
    free(got);
  }
  return NULL;
}

/* expect: 0, or the bytes to tell tok_cache_expect before the threads start; the table must then
 * never grow, and a later hint must change nothing. */
static void check_shared(const lex *lx, const text_lines *L, const char *what, uint32_t min_entries,
                         uint64_t expect) {
  topics_status st;
  tok_options o = tok_default_options();
  tok *solo = tok_new(lx, &o, &st);
  CHECK(solo != NULL);
  if (!solo) return;
  char **want = calloc(L->n, sizeof *want);
  size_t nterms = 0;
  for (size_t i = 0; i < L->n; i++) {
    want[i] = line_terms(solo, L->line[i]);
    CHECK(want[i] != NULL);
    if (want[i] && want[i][0]) nterms++;
  }
  CHECK_MSG(nterms > L->n / 2, "%s: most lines have terms (%zu of %zu)", what, nterms, L->n);
  tok_cache *c = tok_cache_new(lx, &o, &st);
  CHECK(c != NULL);
  if (expect) tok_cache_expect(c, expect);
  job jobs[NT];
  pthread_t th[NT];
  for (int k = 0; k < NT; k++) {
    jobs[k] = (job){tok_new_shared(c, &st), L, want, (size_t)k * L->n / NT, 0, 0};
    CHECK(jobs[k].t != NULL);
  }
  /* Two rounds, the grown-out tables reclaimed in between: the second round is all hits. */
  for (int round = 0; round < 2; round++) {
    for (int k = 0; k < NT; k++) CHECK(pthread_create(&th[k], NULL, run, &jobs[k]) == 0);
    for (int k = 0; k < NT; k++) pthread_join(th[k], NULL);
    tok_cache_reclaim(c);
    for (int k = 0; k < NT; k++)
      CHECK_MSG(jobs[k].wrong == 0 && jobs[k].failed == 0,
                "%s, round %d, thread %d: %zu lines differ, %zu failed", what, round, k,
                jobs[k].wrong, jobs[k].failed);
    /* Every distinct raw form got exactly one entry, whichever thread met it first. */
    CHECK_MSG(tok_cache_entry_count(c) == tok_entry_count(solo),
              "%s: shared cache has %u entries, private %u", what, tok_cache_entry_count(c),
              tok_entry_count(solo));
    CHECK_MSG(tok_cache_entry_count(c) >= min_entries, "%s: %u entries, expected at least %u", what,
              tok_cache_entry_count(c), min_entries);
    if (expect && round == 0) {
      const tc_table *before = tc_table_now(c);
      tok_cache_expect(c, expect * 4);
      CHECK_MSG(tc_table_now(c) == before, "%s: a hint after the first word replaced the table",
                what);
    }
  }
  if (expect)
    CHECK_MSG(c->grows == 0, "%s: the table grew %zu times after the hint", what, c->grows);
  /* One thread at a time makes the next table, so only a table that grew meanwhile wastes one.
   * (Letting a second thread start the same job threw away twice as many tables as grew.) */
  CHECK_MSG(c->spares_lost <= c->grows, "%s: %zu spare tables thrown away for %zu grows", what,
            c->spares_lost, c->grows);
  for (int k = 0; k < NT; k++) tok_free(jobs[k].t);
  tok_cache_free(c);
  for (size_t i = 0; i < L->n; i++) free(want[i]);
  free(want);
  tok_free(solo);
}

/* Lines of made-up words from syllables: mostly new words, some capitalised (case variants share a
 * record), some longer than a table slot holds. */
static void generated_lines(text_lines *L) {
  static const char *const syl[] = {"ka", "ro", "mi", "tes", "ple", "dun", "gor", "vi", "sha",
                                    "lex", "qua", "bo", "nit", "zer", "fu", "an"};
  uint32_t x = 12345;
  char line[1024];
  for (int l = 0; l < 2500; l++) {
    size_t len = 0;
    for (int w = 0; w < 40; w++) {
      x = x * 1103515245u + 12345u;
      int nsyl = 1 + (int)((x >> 16) % 9);
      for (int k = 0; k < nsyl; k++) {
        x = x * 1103515245u + 12345u;
        const char *sy = syl[(x >> 16) % 16];
        for (size_t i = 0; sy[i]; i++)
          line[len++] = (char)(k == 0 && (x >> 8) % 5 == 0 ? sy[i] - 32 * (i == 0) : sy[i]);
      }
      line[len++] = ' ';
    }
    add_line(L, line, len - 1);
  }
}

int main(void) {
  text_lines L = {NULL, 0, 0};
  load_lines(&L);
  CHECK(L.n > 200);
  topics_status st;
  lex *lx = lex_new(&st);
  CHECK(lx != NULL);
  if (lx) check_shared(lx, &L, "no dictionary", 1000, 0);
  lex_free(lx);
  lx = lex_new(&st);
  static const char *const dict[] = {"machine learning", "PyCon APAC", "機器學習", "Docker compose",
                                     "open source", "中文分詞"};
  for (size_t i = 0; lx && i < sizeof dict / sizeof *dict; i++)
    CHECK(lex_add_dict_entry(lx, dict[i], strlen(dict[i])) == TOPICS_OK);
  if (lx) check_shared(lx, &L, "with a dictionary", 1000, 0);
  lex_free(lx);
  for (size_t i = 0; i < L.n; i++) free(L.line[i]);
  free(L.line);
  text_lines G = {NULL, 0, 0};
  generated_lines(&G);
  lx = lex_new(&st);
  CHECK(lx != NULL);
  if (lx) check_shared(lx, &G, "generated words", 80000, 0);
  /* The hint for 20 MB of text: room for the generated words from the start. */
  if (lx) check_shared(lx, &G, "generated words, size hint", 80000, 20000000);
  lex_free(lx);
  for (size_t i = 0; i < G.n; i++) free(G.line[i]);
  free(G.line);
  return check_done();
}
