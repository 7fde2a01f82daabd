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
 *   model.topics    the model for `topics infer` (docs/model-format.md)
 *
 * `topics tags` (no model) writes all but topic-keys.tsv and doc-topics.tsv, and removes those two
 * when an earlier model run left them, so the folder never mixes two runs. Tabs and newlines inside
 * titles and words become spaces in every TSV and text file.
 *
 * The hidden file .topics-output (RD_OUTPUT_MARKER) marks the folder as topics output, listing the
 * file names above, so that the reader does not take them for notes when the folder sits inside
 * an input folder. It is also the lock: a run holds flock(LOCK_EX) on it from the first temporary
 * file to the last rename, so two runs into one folder never interleave. A second run waits (with a
 * message) rather than fails: the lock is held only while writing, seconds at most, and failing
 * would throw away a whole training run for that overlap. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/diag.h"
#include "common/mem.h"
#include "models/model_file.h"
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
    for (uint64_t i = rows[d]; i < rows[d + 1]; i++) {
      char line[64], *p = jw_put_uint(line, (uint64_t)d + 1);
      *p++ = ' ';
      p = jw_put_uint(p, (uint64_t)cols[i] + 1);
      *p++ = ' ';
      p = jw_put_uint(p, vals[i]);
      *p++ = '\n';
      fwrite(line, 1, (size_t)(p - line), f);
    }
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
      out_put_clean(f, td->words[i], OUT_CLEAN_COMMA);
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

/* model.topics: the model and the settings that shaped its terms, for `topics infer`. */
static topics_status fill_model(FILE *f, void *ud, volatile sig_atomic_t *stop) {
  const dir_ctx *c = ud;
  mf_save_info in = {.fold_han = 1, .phrases = 1};
  if (c->r->save) in = *c->r->save;
  in.model = c->r->model;
  in.m = c->r->m;
  in.seed = c->r->seed;
  return mf_write_fill(f, &in, stop);
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
    {"report.html", fill_html, 0},          {"model.topics", fill_model, 1},
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

/* Writes the marker's content (the names of the files topics writes here) when it is empty. */
static void write_marker(int fd) {
  struct stat sb;
  if (fstat(fd, &sb) != 0 || sb.st_size > 0) return;
  char buf[512];
  size_t n = 0;
  int w = snprintf(buf, sizeof buf, "%s", "# written by topics: the files of its -o folder\n");
  if (w > 0) n = (size_t)w;
  for (size_t i = 0; i < sizeof FILES / sizeof FILES[0]; i++) {
    w = snprintf(buf + n, sizeof buf - n, "%s\n", FILES[i].name);
    if (w < 0 || (size_t)w >= sizeof buf - n) break;
    n += (size_t)w;
  }
  /* best effort: a marker the reader cannot parse only means the folder is read as notes */
  if (write(fd, buf, n) < 0) return;
}

/* Opens (creating) the marker in dir and takes its lock, waiting while another run holds it.
 * Returns the fd to close when done, or -1: TOPICS_EINTR in *st when stopped while waiting,
 * else TOPICS_EIO after reporting. */
static int lock_dir(const char *dir, volatile sig_atomic_t *stop, topics_status *st) {
  char *path = join_path(dir, RD_OUTPUT_MARKER);
  if (!path) {
    diag_error(dir, 0, "%s", topics_strerror(TOPICS_ENOMEM));
    *st = TOPICS_ENOMEM;
    return -1;
  }
  int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0666);
  if (fd < 0) {
    diag_error(path, 0, "cannot create the folder's lock file: %s", strerror(errno));
    free(path);
    *st = TOPICS_EIO;
    return -1;
  }
  int said = 0;
  while (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK && errno != EINTR) {
      diag_error(path, 0, "cannot lock the output folder: %s", strerror(errno));
      *st = TOPICS_EIO;
      break;
    }
    if (stop && *stop) {
      *st = TOPICS_EINTR;
      break;
    }
    if (!said) {
      diag_warn(dir, 0, "another topics run is writing to this folder; waiting for it to finish");
      said = 1;
    }
    /* polled rather than a blocking flock, so that SIGINT is seen at once */
    struct timespec ts = {0, 50 * 1000 * 1000};
    nanosleep(&ts, NULL);
  }
  free(path);
  if (*st != TOPICS_OK) {
    close(fd);
    return -1;
  }
  write_marker(fd);
  return fd;
}

/* Prepares every file of this run under a temporary name and commits them all together, removing
 * the model files when this run has none. */
static topics_status write_all(const char *dir, const out_run *r, volatile sig_atomic_t *stop) {
  enum { NFILES = sizeof FILES / sizeof FILES[0] };
  char *paths[NFILES] = {NULL};
  char *removes[NFILES];
  size_t nremove = 0;
  topics_status st = TOPICS_OK;
  for (size_t i = 0; i < NFILES && st == TOPICS_OK; i++) {
    paths[i] = join_path(dir, FILES[i].name);
    if (!paths[i]) {
      diag_error(dir, 0, "%s", topics_strerror(TOPICS_ENOMEM));
      st = TOPICS_ENOMEM;
    } else {
      /* Everything a rename could trip over is checked before any file is written. */
      st = atomic_check_target(paths[i]);
      if (FILES[i].needs_model && !r->model) removes[nremove++] = paths[i];
    }
  }
  /* All files are written under temporary names first and renamed only when every one is
   * complete: a full disk or a signal halfway leaves the previous results whole, never a mix. */
  dir_ctx c = {r};
  atomic_file done[NFILES];
  size_t ndone = 0;
  for (size_t i = 0; i < NFILES && st == TOPICS_OK; i++) {
    if (FILES[i].needs_model && !r->model) continue;
    st = atomic_prepare(paths[i], FILES[i].fill, &c, stop, &done[ndone]);
    if (st == TOPICS_OK) ndone++;
  }
  if (st == TOPICS_OK && stop && *stop) st = TOPICS_EINTR;
  if (st == TOPICS_OK) {
    st = atomic_commit_all(done, ndone, removes, nremove);
  } else {
    for (size_t i = 0; i < ndone; i++) atomic_discard(&done[i]);
  }
  for (size_t i = 0; i < NFILES; i++) free(paths[i]);
  return st;
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
  if (stop && *stop) return TOPICS_EINTR; /* not even the marker */
  int lock = lock_dir(dir, stop, &st);
  if (lock < 0) return st;
  st = write_all(dir, r, stop);
  close(lock); /* releases the lock */
  return st;
}
