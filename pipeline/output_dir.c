/* The files of -o DIR, each replaced atomically through atomic.c:
 *
 *   topics.json     the same document as --format json
 *   topic-keys.tsv  MALLET's layout: topic<TAB>alpha<TAB>word word ... (no header; spaces inside a
 *                   word become '_' so that the list stays space-separated)
 *   doc-topics.tsv  header "#doc<TAB>name<TAB>p0<TAB>p1...", then doc index, talk id and the full
 *                   topic distribution p(topic | doc) of every talk
 *   tags.tsv        header "#id<TAB>title<TAB>tags", then talk id, title and its tags joined by
 *                   ',' (commas inside a tag become spaces)
 *   vocab.txt       one display word per line, line n = term id n-1 (the UCI vocabulary file)
 *   docword.txt     UCI bag of words: D, W and NNZ lines, then "docID wordID count" (1-based),
 *                   sorted by document, then word; talks left empty by filtering have no lines
 *   report.html     the self-contained HTML report
 *
 * `topics tags` (no model) writes all but topic-keys.tsv and doc-topics.tsv, and removes those two
 * when an earlier model run left them, so the folder never mixes two runs. Tabs and newlines inside
 * titles and words become spaces in every TSV and text file. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/diag.h"
#include "common/mem.h"
#include "pipeline/atomic.h"
#include "pipeline/json_write.h"
#include "pipeline/output_int.h"

/* Long writers check the stop flag every this many lines. */
#define STOP_EVERY 4096

typedef struct dir_ctx {
  const out_run *r;
} dir_ctx;

static topics_status fill_json(FILE *f, void *ud, volatile sig_atomic_t *stop) {
  const dir_ctx *c = ud;
  return out_json(f, c->r);
}

static topics_status fill_html(FILE *f, void *ud, volatile sig_atomic_t *stop) {
  const dir_ctx *c = ud;
  return out_html(f, c->r);
}

static topics_status fill_vocab(FILE *f, void *ud, volatile sig_atomic_t *stop) {
  const dir_ctx *c = ud;
  uint32_t w = dtm_nterms(c->r->m);
  for (uint32_t t = 0; t < w; t++) {
    if (stop && *stop && t % STOP_EVERY == 0) return TOPICS_EINTR;
    out_put_clean(f, dtm_term_word(c->r->m, t), 0);
    fputc('\n', f);
  }
  return TOPICS_OK;
}

static topics_status fill_docword(FILE *f, void *ud, volatile sig_atomic_t *stop) {
  const dir_ctx *c = ud;
  const dtm *m = c->r->m;
  uint32_t nd = dtm_ndocs(m);
  const uint64_t *rows = dtm_csr_rows(m);
  const uint32_t *cols = dtm_csr_cols(m), *vals = dtm_csr_vals(m);
  fprintf(f, "%" PRIu32 "\n%" PRIu32 "\n%" PRIu64 "\n", nd, dtm_nterms(m), nd ? rows[nd] : 0);
  for (uint32_t d = 0; d < nd; d++) {
    if (stop && *stop) return TOPICS_EINTR;
    for (uint64_t i = rows[d]; i < rows[d + 1]; i++)
      fprintf(f, "%" PRIu64 " %" PRIu64 " %" PRIu32 "\n", (uint64_t)d + 1, (uint64_t)cols[i] + 1,
              vals[i]);
  }
  return TOPICS_OK;
}

static topics_status fill_tags(FILE *f, void *ud, volatile sig_atomic_t *stop) {
  const dir_ctx *c = ud;
  const out_run *r = c->r;
  uint32_t nd = dtm_ndocs(r->m);
  fputs("#id\ttitle\ttags\n", f);
  for (uint32_t d = 0; d < nd; d++) {
    if (stop && *stop && d % STOP_EVERY == 0) return TOPICS_EINTR;
    out_put_clean(f, r->docs[d].id, 0);
    fputc('\t', f);
    out_put_clean(f, r->docs[d].title, 0);
    fputc('\t', f);
    const tags_doc *td = r->tags ? &r->tags[d] : NULL;
    for (uint32_t i = 0; td && i < td->n; i++) {
      if (i) fputc(',', f);
      out_put_clean(f, dtm_doc_word(r->m, d, td->terms[i]), OUT_CLEAN_COMMA);
    }
    fputc('\n', f);
  }
  return TOPICS_OK;
}

static topics_status fill_topic_keys(FILE *f, void *ud, volatile sig_atomic_t *stop) {
  const dir_ctx *c = ud;
  const out_run *r = c->r;
  const double *alpha = lda_alpha(r->model);
  for (uint32_t t = 0; t < r->sum->k; t++) {
    const sum_topic *tp = &r->sum->topics[t];
    fprintf(f, "%" PRIu32 "\t", t);
    jw_number(f, alpha[t]);
    fputc('\t', f);
    for (uint32_t i = 0; i < tp->nwords; i++) {
      if (i) fputc(' ', f);
      out_put_clean(f, dtm_term_word(r->m, tp->words[i]), OUT_CLEAN_SPACE);
    }
    fputc('\n', f);
  }
  return TOPICS_OK;
}

static topics_status fill_doc_topics(FILE *f, void *ud, volatile sig_atomic_t *stop) {
  const dir_ctx *c = ud;
  const out_run *r = c->r;
  uint32_t nd = dtm_ndocs(r->m), k = lda_k(r->model);
  fputs("#doc\tname", f);
  for (uint32_t t = 0; t < k; t++) fprintf(f, "\tp%" PRIu32, t);
  fputc('\n', f);
  for (uint32_t d = 0; d < nd; d++) {
    if (stop && *stop && d % STOP_EVERY == 0) return TOPICS_EINTR;
    /* the summary's theta is what the JSON and the report show, so the numbers agree */
    const double *theta = r->sum->docs[d].theta;
    fprintf(f, "%" PRIu32 "\t", d);
    out_put_clean(f, r->docs[d].id, 0);
    for (uint32_t t = 0; t < k; t++) {
      fputc('\t', f);
      jw_number(f, theta[t]);
    }
    fputc('\n', f);
  }
  return TOPICS_OK;
}

typedef struct dir_file {
  const char *name;
  atomic_fill_fn fill;
  int needs_model;
} dir_file;

/* Data tables first, so an interrupted run keeps the most basic results. */
static const dir_file FILES[] = {
    {"vocab.txt", fill_vocab, 0},          {"docword.txt", fill_docword, 0},
    {"tags.tsv", fill_tags, 0},            {"topic-keys.tsv", fill_topic_keys, 1},
    {"doc-topics.tsv", fill_doc_topics, 1}, {"topics.json", fill_json, 0},
    {"report.html", fill_html, 0},
};

/* dir + "/" + name, malloc'd; NULL when out of memory. */
static char *join_path(const char *dir, const char *name) {
  size_t dl = strlen(dir), nl = strlen(name), n;
  if (mem_add(dl, nl, &n) != TOPICS_OK || mem_add(n, 2, &n) != TOPICS_OK) return NULL;
  char *p = malloc(n);
  if (!p) return NULL;
  memcpy(p, dir, dl);
  size_t at = dl;
  if (!dl || dir[dl - 1] != '/') p[at++] = '/';
  memcpy(p + at, name, nl + 1);
  return p;
}

topics_status out_write_dir(const char *dir, const out_run *r, volatile sig_atomic_t *stop) {
  topics_status st = out_check_run(r);
  if (st != TOPICS_OK) return st;
  struct stat sb;
  if (stat(dir, &sb) != 0) {
    int err = errno;
    diag_error(dir, 0, "%s", strerror(err));
    return TOPICS_EIO;
  }
  if (!S_ISDIR(sb.st_mode)) {
    diag_error(dir, 0, "%s", strerror(ENOTDIR));
    return TOPICS_EIO;
  }
  if (access(dir, W_OK | X_OK) != 0) {
    int err = errno;
    diag_error(dir, 0, "%s", strerror(err));
    return TOPICS_EIO;
  }
  /* All files are written under temporary names first and renamed only when every one is
   * complete: a full disk or a signal halfway leaves the previous results whole, never a mix. */
  dir_ctx c = {r};
  enum { NFILES = sizeof FILES / sizeof FILES[0] };
  atomic_file done[NFILES];
  size_t ndone = 0;
  for (size_t i = 0; i < NFILES && st == TOPICS_OK; i++) {
    if (FILES[i].needs_model && !r->model) continue;
    char *path = join_path(dir, FILES[i].name);
    if (!path) {
      diag_error(dir, 0, "%s", topics_strerror(TOPICS_ENOMEM));
      st = TOPICS_ENOMEM;
      break;
    }
    st = atomic_prepare(path, FILES[i].fill, &c, stop, &done[ndone]);
    free(path);
    if (st == TOPICS_OK) ndone++;
  }
  if (st == TOPICS_OK && stop && *stop) st = TOPICS_EINTR;
  for (size_t i = 0; i < ndone; i++) {
    if (st == TOPICS_OK) st = atomic_commit(&done[i]);
    else atomic_discard(&done[i]);
  }
  /* Only once this run's files are all in place: a failed run leaves the folder as it was. */
  for (size_t i = 0; i < NFILES && st == TOPICS_OK && !r->model; i++) {
    if (!FILES[i].needs_model) continue;
    char *path = join_path(dir, FILES[i].name);
    if (!path) return TOPICS_ENOMEM;
    if (unlink(path) != 0 && errno != ENOENT)
      diag_warn(path, 0, "cannot remove this file of an earlier model run: %s", strerror(errno));
    free(path);
  }
  return st;
}
