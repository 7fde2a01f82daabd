/* Near-duplicate talks: MinHash estimates against exact Jaccard similarities of generated texts,
 * the index (exact copies, near copies, texts that only share a long quote, the earliest kept),
 * and the talk filter: copies of Markdown notes saved twice, grouping, short talks, the
 * --keep-duplicates switch and determinism. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/diag.h"
#include "pipeline/dedup.h"
#include "pipeline/talk_filter.h"
#include "tests/check.h"
#include "tests/reader_sink.h"

static const char *const VOCAB[] = {
    "python", "async", "event", "loop", "coroutine", "await", "task", "scheduler", "thread", "lock",
    "queue", "worker", "database", "index", "query", "cache", "latency", "request", "server",
    "client", "socket", "protocol", "deploy", "container", "docker", "cluster", "node", "pod",
    "test", "fixture", "mock", "coverage", "type", "hint", "mypy", "module", "package", "import",
    "data", "frame", "column", "model", "train", "feature", "vector", "matrix", "speaker",
    "slides", "demo", "question", "community", "sprint", "volunteer", "sponsor", "keynote",
    "workshop", "tutorial", "library", "framework", "release", "version", "bug", "patch",
    "review", "merge", "branch", "commit", "pipeline", "build", "graph", "plot", "notebook",
    "kernel", "memory", "profile", "benchmark", "compile", "runtime", "parser", "token"};
#define NV (sizeof VOCAB / sizeof VOCAB[0])

static uint64_t rng = 88172645463325252ULL;
static uint32_t next_rand(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return (uint32_t)(rng >> 11);
}

/* n random words into buf (space separated); returns the length. */
static size_t gen(char *buf, size_t cap, size_t n) {
  size_t o = 0;
  for (size_t i = 0; i < n && o + 20 < cap; i++)
    o += (size_t)snprintf(buf + o, cap - o, "%s%s", i ? " " : "", VOCAB[next_rand() % NV]);
  buf[o] = '\0';
  return o;
}

static void sketch_of(const char *s, dd_sketch *k) {
  dd_sketch_init(k);
  dd_sketch_feed(k, s, strlen(s));
  dd_sketch_finish(k);
}

/* Exact Jaccard similarity of the 5-word shingle sets of two space-separated texts. */
static double exact_jaccard(const char *a, const char *b) {
  char **sa = NULL, **sb = NULL;
  size_t na = 0, nb = 0;
  for (int t = 0; t < 2; t++) {
    const char *s = t ? b : a;
    const char *w[4096];
    size_t nw = 0;
    char *copy = rs_dup(s);
    for (char *p = copy; *p && nw < 4096;) {
      while (*p == ' ') *p++ = '\0';
      if (*p) w[nw++] = p;
      while (*p && *p != ' ') p++;
    }
    char **out = calloc(nw + 1, sizeof *out);
    size_t no = 0;
    for (size_t i = 0; i + 5 <= nw; i++) {
      char sh[256];
      snprintf(sh, sizeof sh, "%s %s %s %s %s", w[i], w[i + 1], w[i + 2], w[i + 3], w[i + 4]);
      int dup = 0;
      for (size_t j = 0; j < no && !dup; j++) dup = strcmp(out[j], sh) == 0;
      if (!dup) out[no++] = rs_dup(sh);
    }
    free(copy);
    if (t) sb = out, nb = no;
    else sa = out, na = no;
  }
  size_t inter = 0;
  for (size_t i = 0; i < na; i++)
    for (size_t j = 0; j < nb; j++)
      if (strcmp(sa[i], sb[j]) == 0) {
        inter++;
        break;
      }
  double jac = na + nb - inter ? (double)inter / (double)(na + nb - inter) : 0;
  for (size_t i = 0; i < na; i++) free(sa[i]);
  for (size_t i = 0; i < nb; i++) free(sb[i]);
  free(sa);
  free(sb);
  return jac;
}

/* Replaces `changes` words of a text at random positions with a word not in the vocabulary. */
static void mutate(char *s, int changes) {
  size_t len = strlen(s);
  for (int c = 0; c < changes; c++) {
    size_t p = next_rand() % len;
    while (p > 0 && s[p - 1] != ' ') p--;
    /* overwrite the word's letters with 'x' (same length, a new word) */
    for (size_t q = p; q < len && s[q] != ' '; q++) s[q] = 'x';
  }
}

static void test_estimates(void) {
  static char a[8192], b[8192];
  for (int changes = 0; changes <= 40; changes += 4) {
    gen(a, sizeof a, 300);
    memcpy(b, a, sizeof a);
    mutate(b, changes);
    dd_sketch ka, kb;
    sketch_of(a, &ka);
    sketch_of(b, &kb);
    double est = dd_similarity(&ka, &kb), ex = exact_jaccard(a, b);
    CHECK_MSG(est > ex - 0.12 && est < ex + 0.12, "%d changes: estimate %.3f, exact %.3f", changes, est, ex);
  }
  dd_sketch e;
  sketch_of("", &e);
  CHECK(e.words == 0 && dd_similarity(&e, &e) == 0);
  /* case, punctuation and white space do not matter */
  dd_sketch x, y;
  sketch_of("Async IO, in Python: the event loop explained!", &x);
  sketch_of("async   io in python\nthe EVENT loop -- explained", &y);
  CHECK(dd_similarity(&x, &y) == 1.0);
  /* CJK characters are words of their own */
  sketch_of("\xE4\xBA\x8B\xE4\xBB\xB6\xE5\xBE\xAA\xE7\x8E\xAF", &x); /* 事件循环 */
  CHECK(x.words == 4);
}

static void test_index(void) {
  static char orig[8192], near[8192], other[8192], q1[12000], q2[12000], quote[4096];
  gen(orig, sizeof orig, 250);
  memcpy(near, orig, sizeof orig);
  mutate(near, 2); /* a couple of typos fixed */
  gen(other, sizeof other, 250);
  /* two different talks that quote the same 120 words */
  gen(quote, sizeof quote, 120);
  char t1[4096], t2[4096];
  gen(t1, sizeof t1, 200);
  gen(t2, sizeof t2, 200);
  snprintf(q1, sizeof q1, "%s %s", t1, quote);
  snprintf(q2, sizeof q2, "%s %s", quote, t2);

  dd_index *x = dd_new();
  CHECK(x != NULL);
  dd_sketch k;
  uint32_t no;
  sketch_of(orig, &k);
  CHECK(dd_find(x, &k) == DD_NONE);
  CHECK(dd_add(x, &k, &no) == TOPICS_OK && no == 0);
  sketch_of(other, &k);
  CHECK(dd_find(x, &k) == DD_NONE);
  CHECK(dd_add(x, &k, &no) == TOPICS_OK && no == 1);
  sketch_of(orig, &k);
  CHECK(dd_find(x, &k) == 0); /* exact copy */
  sketch_of(near, &k);
  CHECK_MSG(dd_find(x, &k) == 0, "near copy, exact Jaccard %.3f", exact_jaccard(orig, near));
  sketch_of(q1, &k);
  CHECK(dd_find(x, &k) == DD_NONE);
  CHECK(dd_add(x, &k, &no) == TOPICS_OK && no == 2);
  sketch_of(q2, &k);
  CHECK_MSG(dd_find(x, &k) == DD_NONE, "shared quote, exact Jaccard %.3f", exact_jaccard(q1, q2));
  /* a second copy of orig added: a later copy still points at the earliest */
  sketch_of(orig, &k);
  CHECK(dd_add(x, &k, &no) == TOPICS_OK && no == 3);
  CHECK(dd_find(x, &k) == 0);
  dd_free(x);

  /* many unrelated texts: none is taken for a copy of another */
  x = dd_new();
  int false_hits = 0;
  for (int i = 0; i < 500; i++) {
    gen(orig, sizeof orig, 40 + (size_t)(next_rand() % 200));
    sketch_of(orig, &k);
    if (dd_find(x, &k) != DD_NONE) false_hits++;
    CHECK(dd_add(x, &k, &no) == TOPICS_OK);
  }
  CHECK(false_hits == 0);
  dd_free(x);
}

/* ---- the filter ------------------------------------------------------------------------- */

typedef struct talk_in {
  const char *id, *path, *text;
} talk_in;

static void feed(talk_filter *f, const talk_in *t, size_t n) {
  const rd_sink *s = tfl_sink(f);
  for (size_t i = 0; i < n; i++) {
    rd_talk_info ti = {t[i].id, t[i].path, t[i].id, 1, NULL, 0};
    CHECK(s->begin(s->ud, &ti) == TOPICS_OK);
    /* in pieces cut at line ends, as the reader does */
    const char *p = t[i].text;
    while (*p) {
      const char *e = strchr(p, '\n');
      size_t len = e ? (size_t)(e - p) + 1 : strlen(p);
      CHECK(s->text(s->ud, p, len) == TOPICS_OK);
      p += len;
    }
    CHECK(s->end(s->ud) == TOPICS_OK);
  }
}

static void test_filter(void) {
  static char a[8192], a_md[9000], a_near[9000], b[8192], c_short[64];
  gen(a, sizeof a, 200);
  gen(b, sizeof b, 200);
  /* the same notes with different markup are copies too: markup is not text */
  snprintf(a_md, sizeof a_md, "<p>%s</p><br>\n<!-- exported from the pad -->\n", a);
  memcpy(a_near, a, strlen(a) + 1);
  mutate(a_near, 1);
  snprintf(c_short, sizeof c_short, "TBD: slides to come");
  talk_in in[] = {
      {"notes/X (1).md", "notes/X (1).md", a},     {"notes/X.md", "notes/X.md", a_md},
      {"notes/Y.md", "notes/Y.md", b},             {"notes/Z.md", "notes/Z.md", a_near},
      {"notes/short1.md", "notes/short1.md", c_short}, {"notes/short2.md", "notes/short2.md", c_short},
  };
  char first_warning[4096] = "";
  for (int run = 0; run < 2; run++) {
    rs_sink k;
    rd_sink inner = rs_make(&k);
    tfl_options o = {0, 0, 0};
    talk_filter *f = tfl_new(&inner, &o);
    feed(f, in, sizeof in / sizeof in[0]);
    CHECK(k.violations == 0);
    CHECK(k.n == 4);
    if (k.n == 4) {
      CHECK_STREQ(k.t[0].id, "notes/X (1).md"); /* the first in input order is kept */
      CHECK_STREQ(k.t[1].id, "notes/Y.md");
      CHECK_STREQ(k.t[2].id, "notes/short1.md"); /* too short to be judged */
      CHECK_STREQ(k.t[3].id, "notes/short2.md");
      CHECK_STREQ(rs_text_of(&k, 1), b); /* plain words pass unchanged */
    }
    size_t ng;
    const out_dup *d = tfl_duplicates(f, &ng);
    CHECK(ng == 1);
    if (ng == 1) {
      CHECK_STREQ(d[0].kept, "notes/X (1).md");
      CHECK(d[0].ndropped == 2);
      if (d[0].ndropped == 2) {
        CHECK_STREQ(d[0].dropped[0], "notes/X.md");
        CHECK_STREQ(d[0].dropped[1], "notes/Z.md");
      }
    }
    FILE *log = tmpfile();
    diag_set_stream(log);
    tfl_warn(f);
    diag_set_stream(NULL);
    char line[4096] = "";
    rewind(log);
    CHECK(fgets(line, sizeof line, log) != NULL);
    CHECK(fgets(line + strlen(line), (int)(sizeof line - strlen(line)), log) == NULL); /* one line */
    fclose(log);
    CHECK(strstr(line, "2 talk(s) left out") && strstr(line, "notes/X.md (copy of notes/X (1).md)"));
    if (run == 0) snprintf(first_warning, sizeof first_warning, "%s", line);
    else CHECK_STREQ(line, first_warning); /* deterministic */
    tfl_free(f);
    rs_free(&k);
  }
  /* Deferred: two readers (as two cluster processes) hand every talk on and keep its mark; a
   * judge given the marks in input order drops and lists what one filter would. */
  {
    size_t half = 3, n = sizeof in / sizeof in[0];
    rs_sink k1, k2;
    rd_sink i1 = rs_make(&k1), i2 = rs_make(&k2);
    tfl_options od = {0, 0, 1}, oj = {0, 0, 0};
    talk_filter *r1 = tfl_new(&i1, &od), *r2 = tfl_new(&i2, &od), *judge = tfl_new(NULL, &oj);
    feed(r1, in, half);
    feed(r2, in + half, n - half);
    CHECK(k1.n == half && k2.n == n - half); /* nothing is dropped while reading */
    size_t n1, n2;
    const tfl_mark *m1 = tfl_marks(r1, &n1), *m2 = tfl_marks(r2, &n2);
    CHECK(n1 == half && n2 == n - half);
    int dropped[6] = {0};
    for (size_t i = 0; i < n && n1 == half && n2 == n - half; i++)
      CHECK(tfl_judge(judge, i < half ? &m1[i] : &m2[i - half], in[i].id, &dropped[i]) == TOPICS_OK);
    CHECK(!dropped[0] && dropped[1] && !dropped[2] && dropped[3] && !dropped[4] && !dropped[5]);
    size_t ng;
    const out_dup *d = tfl_duplicates(judge, &ng);
    CHECK(ng == 1 && d && d[0].ndropped == 2);
    if (ng == 1 && d[0].ndropped == 2) {
      CHECK_STREQ(d[0].kept, "notes/X (1).md");
      CHECK_STREQ(d[0].dropped[0], "notes/X.md");
      CHECK_STREQ(d[0].dropped[1], "notes/Z.md");
    }
    tfl_free(r1);
    tfl_free(r2);
    tfl_free(judge);
    rs_free(&k1);
    rs_free(&k2);
  }
  /* --keep-duplicates: every talk passes, nothing is listed */
  rs_sink k;
  rd_sink inner = rs_make(&k);
  tfl_options o = {0, 1, 0};
  talk_filter *f = tfl_new(&inner, &o);
  feed(f, in, sizeof in / sizeof in[0]);
  size_t ng;
  CHECK(k.n == 6 && tfl_duplicates(f, &ng) == NULL && ng == 0);
  tfl_free(f);
  rs_free(&k);
}

int main(void) {
  test_estimates();
  test_index();
  test_filter();
  return check_done();
}
