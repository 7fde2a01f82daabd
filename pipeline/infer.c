/* `topics infer`: loads model.topics, rebuilds the lexicon and tokenizer settings the model was
 * trained with, reads the new talks with the same reader, maps each talk's terms to the model's
 * vocabulary (re-joining the model's phrases), samples their topic mixes against the frozen
 * topics and computes their tags. Terms the model never saw are counted and left out. */
#include "pipeline/infer.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/diag.h"
#include "common/mem.h"
#include "pipeline/infer_int.h"
#include "pipeline/infer_tags.h"
#include "pipeline/talk_filter.h"
#include "tokenize/lexicon.h"
#include "tokenize/tokenizer.h"

static volatile sig_atomic_t infer_stop;

static void on_signal(int sig) {
  (void)sig;
  infer_stop = 1;
}

typedef struct infer_opts {
  const char *model;
  int json, quiet;
  uint64_t seed;
  uint32_t threads, ntags, top_words;
  rd_split split;
  int code;               /* -1: as the model was trained, 0: drop, 1: keep */
  char **paths;
  size_t npaths;
} infer_opts;

static const char USAGE[] =
    "Usage: topics infer --model DIR [OPTIONS] PATH...\n"
    "Topic mixes and tags of new talks under a model saved by 'topics -o DIR'.\n"
    "  -m, --model DIR      the folder holding model.topics (or the file itself)\n"
    "  -f, --format F       text or json [text]\n"
    "  -s, --seed N         random seed of the sampler [1]\n"
    "  -t, --threads N      threads [all cores]\n"
    "  -n, --top-words N    words shown per topic [10]\n"
    "      --tags N         tags per talk [5]\n"
    "      --split MODE     auto, file, heading or time: how files divide into talks [auto]\n"
    "      --code MODE      drop or keep code blocks of Markdown notes [as trained]\n"
    "  -q, --quiet          no progress messages\n"
    "  -h, --help           this text\n";

/* An unsigned number in [lo, hi]; 0 when malformed. */
static int parse_u64(const char *s, uint64_t lo, uint64_t hi, uint64_t *out) {
  if (!s || !*s || *s == '-') return 0;
  char *end;
  errno = 0;
  unsigned long long v = strtoull(s, &end, 10);
  if (errno || *end || v < lo || v > hi) return 0;
  *out = v;
  return 1;
}

/* Parses argv into *o; 0 with a reason in err when the command line is wrong, 2 for --help. */
static int parse_args(int argc, char **argv, infer_opts *o, char *err, size_t errlen) {
  memset(o, 0, sizeof *o);
  o->seed = 1;
  o->ntags = 5;
  o->top_words = 10;
  o->split = RD_SPLIT_AUTO;
  o->code = -1;
  /* Paths are gathered in place at the front of argv[1..], options may come after them. */
  char **paths = argv + 1;
  size_t npaths = 0;
  int only_paths = 0;
  for (int i = 1; i < argc; i++) {
    char *a = argv[i];
    if (only_paths || a[0] != '-' || strcmp(a, "-") == 0) {
      paths[npaths++] = a;
      continue;
    }
    if (strcmp(a, "--") == 0) {
      only_paths = 1;
      continue;
    }
    const char *val = NULL;
    size_t nl = strcspn(a, "=");
    char name[32];
    if (nl >= sizeof name) nl = sizeof name - 1;
    memcpy(name, a, nl);
    name[nl] = '\0';
    if (a[nl] == '=') val = a + nl + 1;
    int flag = !strcmp(name, "-q") || !strcmp(name, "--quiet") || !strcmp(name, "-h") ||
               !strcmp(name, "--help");
    if (!flag && !val) {
      if (i + 1 >= argc) {
        snprintf(err, errlen, "option '%s' needs a value", name);
        return 0;
      }
      val = argv[++i];
    }
    uint64_t n;
    if (!strcmp(name, "-h") || !strcmp(name, "--help")) return 2;
    if (!strcmp(name, "-q") || !strcmp(name, "--quiet")) o->quiet = 1;
    else if (!strcmp(name, "-m") || !strcmp(name, "--model")) o->model = val;
    else if (!strcmp(name, "-f") || !strcmp(name, "--format")) {
      if (!strcmp(val, "json")) o->json = 1;
      else if (!strcmp(val, "text")) o->json = 0;
      else {
        snprintf(err, errlen, "--format must be text or json");
        return 0;
      }
    } else if (!strcmp(name, "-s") || !strcmp(name, "--seed")) {
      if (!parse_u64(val, 0, UINT64_MAX, &o->seed)) {
        snprintf(err, errlen, "--seed needs a whole number");
        return 0;
      }
    } else if (!strcmp(name, "-t") || !strcmp(name, "--threads")) {
      if (!parse_u64(val, 1, 64, &n)) {
        snprintf(err, errlen, "--threads must be 1 to 64");
        return 0;
      }
      o->threads = (uint32_t)n;
    } else if (!strcmp(name, "--tags")) {
      if (!parse_u64(val, 0, 100, &n)) {
        snprintf(err, errlen, "--tags must be 0 to 100");
        return 0;
      }
      o->ntags = (uint32_t)n;
    } else if (!strcmp(name, "-n") || !strcmp(name, "--top-words")) {
      if (!parse_u64(val, 1, 1000, &n)) {
        snprintf(err, errlen, "--top-words must be 1 to 1000");
        return 0;
      }
      o->top_words = (uint32_t)n;
    } else if (!strcmp(name, "--split")) {
      if (rd_split_parse(val, &o->split) != TOPICS_OK) {
        snprintf(err, errlen, "--split must be auto, file, heading or time");
        return 0;
      }
    } else if (!strcmp(name, "--code")) {
      if (!strcmp(val, "drop")) o->code = 0;
      else if (!strcmp(val, "keep")) o->code = 1;
      else {
        snprintf(err, errlen, "--code must be drop or keep");
        return 0;
      }
    } else {
      snprintf(err, errlen, "unknown option '%s'", name);
      return 0;
    }
  }
  o->paths = paths;
  o->npaths = npaths;
  if (!o->model) {
    snprintf(err, errlen, "--model DIR is required");
    return 0;
  }
  if (!o->npaths) {
    snprintf(err, errlen, "no input: give files or folders of talks");
    return 0;
  }
  return 1;
}

/* ---- reading talks into model term ids ---- */

typedef struct infer_reader {
  rd_sink sink;
  const mf_model *md;
  tok_cache *cache;
  tok *t;
  uint32_t maxw;          /* longest phrase of the model, in parts */
  char *text;             /* the current talk */
  size_t tlen, tcap;
  uint32_t *ents;         /* its entries (tok_terms_marked) */
  size_t nents, ecap;
  char *key;              /* a joined phrase key being tried */
  size_t kcap;
  out_doc_meta *docs;
  uint32_t **ids, *lens;
  size_t ndocs, dcap, icap, lcap;
  size_t nids;            /* talks whose ids are set */
  uint64_t tokens, unknown;
} infer_reader;

static topics_status rdr_begin(void *ud, const rd_talk_info *t) {
  infer_reader *r = ud;
  if (MEM_RESERVE(r->docs, r->dcap, r->ndocs + 1) != TOPICS_OK) return TOPICS_ENOMEM;
  out_doc_meta *d = &r->docs[r->ndocs];
  memset(d, 0, sizeof *d);
  d->id = mem_strndup(t->id, strlen(t->id));
  d->path = mem_strndup(t->path, strlen(t->path));
  d->title = mem_strndup(t->title, strlen(t->title));
  d->date = t->date ? mem_strndup(t->date, strlen(t->date)) : NULL;
  d->line = t->line;
  r->ndocs++;
  if (!d->id || !d->path || !d->title || (t->date && !d->date)) return TOPICS_ENOMEM;
  r->tlen = 0;
  return TOPICS_OK;
}

static topics_status rdr_text(void *ud, const char *s, size_t len) {
  infer_reader *r = ud;
  size_t need;
  if (mem_add(r->tlen, len, &need) != TOPICS_OK || MEM_RESERVE(r->text, r->tcap, need + 1) != TOPICS_OK)
    return TOPICS_ENOMEM;
  memcpy(r->text + r->tlen, s, len);
  r->tlen = need;
  return TOPICS_OK;
}

/* The key of entries e[0..n) joined as the phrase pass joins them: a space between two parts
 * unless both edges are CJK. Returns its length, or SIZE_MAX when out of memory. */
static size_t joined_key(infer_reader *r, const uint32_t *e, uint32_t n) {
  size_t len = 0;
  for (uint32_t i = 0; i < n; i++) {
    size_t kl;
    const char *k = tok_entry_term(r->t, e[i], &kl);
    int space = i > 0 && !((tok_cache_entry_marks(r->cache, e[i - 1]) & TOK_CJK_LAST) &&
                           (tok_cache_entry_marks(r->cache, e[i]) & TOK_CJK_FIRST));
    size_t need = len + kl + 2;
    if (MEM_RESERVE(r->key, r->kcap, need) != TOPICS_OK) return SIZE_MAX;
    if (space) r->key[len++] = ' ';
    memcpy(r->key + len, k, kl);
    len += kl;
  }
  return len;
}

/* Maps the talk's entries to model terms: at each place the longest model phrase that starts
 * there (parts adjacent, no gap between), else the single term. */
static topics_status map_talk(infer_reader *r, uint32_t *out, uint32_t *nout) {
  const mf_model *md = r->md;
  size_t n = r->nents;
  uint32_t m = 0;
  for (size_t i = 0; i < n;) {
    uint32_t e = r->ents[i];
    if (e == TOK_GAP) {
      i++;
      continue;
    }
    size_t run = 1;
    while (run < r->maxw && i + run < n && r->ents[i + run] != TOK_GAP) run++;
    uint32_t t, took = 0;
    for (size_t w = run; w >= 2 && !took; w--) {
      size_t kl = joined_key(r, r->ents + i, (uint32_t)w);
      if (kl == SIZE_MAX) return TOPICS_ENOMEM;
      if (mf_find(md, r->key, kl, &t) && md->nwords[t] == w) {
        out[m++] = t;
        took = (uint32_t)w;
      }
    }
    if (took) {
      r->tokens++;
      i += took;
      continue;
    }
    i++;
    if (tok_cache_entry_marks(r->cache, e) & TOK_JOINABLE) continue; /* a piece, no term alone */
    size_t kl;
    const char *k = tok_entry_term(r->t, e, &kl);
    if (mf_find(md, k, kl, &t)) {
      out[m++] = t;
      r->tokens++;
    } else {
      r->unknown++;
    }
  }
  *nout = m;
  return TOPICS_OK;
}

static topics_status rdr_end(void *ud) {
  infer_reader *r = ud;
  r->nents = 0;
  topics_status st = r->md->phrases
                         ? tok_terms_marked(r->t, r->text ? r->text : "", r->tlen, &r->ents, &r->nents, &r->ecap)
                         : tok_terms(r->t, r->text ? r->text : "", r->tlen, &r->ents, &r->nents, &r->ecap);
  if (st != TOPICS_OK) return st;
  if (MEM_RESERVE(r->ids, r->icap, r->ndocs) != TOPICS_OK ||
      MEM_RESERVE(r->lens, r->lcap, r->ndocs) != TOPICS_OK)
    return TOPICS_ENOMEM;
  uint32_t *ids = malloc((r->nents + 1) * sizeof *ids), n = 0;
  if (!ids) return TOPICS_ENOMEM;
  st = map_talk(r, ids, &n);
  r->ids[r->ndocs - 1] = ids;
  r->lens[r->ndocs - 1] = n;
  r->nids = r->ndocs;
  return st;
}

static void reader_free(infer_reader *r) {
  tok_free(r->t);
  tok_cache_free(r->cache);
  free(r->text);
  free(r->ents);
  free(r->key);
  for (size_t d = 0; d < r->ndocs; d++) {
    free((char *)r->docs[d].id);
    free((char *)r->docs[d].path);
    free((char *)r->docs[d].title);
    free((char *)r->docs[d].date);
    if (d < r->nids) free(r->ids[d]);
  }
  free(r->docs);
  free(r->ids);
  free(r->lens);
}

/* The lexicon the model was trained with: built-in lists plus its saved stopwords and entries. */
static lex *model_lexicon(const mf_model *md, const char *path) {
  topics_status st;
  lex *lx = lex_new(&st);
  if (!lx) {
    diag_error(NULL, 0, "loading the stopword lists: %s", topics_strerror(st));
    return NULL;
  }
  for (uint32_t i = 0; i < md->nstop && st == TOPICS_OK; i++)
    st = lex_add_stopword(lx, md->stop[i], strlen(md->stop[i]));
  for (uint32_t i = 0; i < md->ndict && st == TOPICS_OK; i++)
    st = lex_add_dict_entry(lx, md->dict[i], strlen(md->dict[i]));
  if (st != TOPICS_OK) {
    diag_error(path, 0, "the model's stopwords or dictionary: %s", topics_strerror(st));
    lex_free(lx);
    return NULL;
  }
  return lx;
}

/* DIR/model.topics when path is a folder, else path itself; malloc'd. */
static char *model_file_path(const char *path) {
  struct stat sb;
  if (stat(path, &sb) != 0 || !S_ISDIR(sb.st_mode)) return mem_strndup(path, strlen(path));
  size_t n = strlen(path);
  char *p = malloc(n + sizeof "/model.topics");
  if (!p) return NULL;
  memcpy(p, path, n);
  memcpy(p + n, "/model.topics", sizeof "/model.topics");
  return p;
}

static uint32_t default_threads(void) {
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n < 1 ? 1 : n > 64 ? 64 : (uint32_t)n;
}

typedef struct infer_state {
  char *path;
  mf_model *md;
  lex *lx;
  infer_reader rd;
  talk_filter *tf;
  lif *f;
  dtm *m;
  double *theta;
  infer_tags *itg;    /* the talks' keyphrase tags (a second reader of the same talks) */
  tags_doc *tags;
  uint32_t ntag_docs; /* entries of tags */
  rd_stats stats;
} infer_state;

static void state_free(infer_state *s) {
  tags_free(s->tags, s->ntag_docs);
  itg_free(s->itg);
  free(s->theta);
  dtm_free(s->m);
  lif_free(s->f);
  tfl_free(s->tf);
  reader_free(&s->rd);
  lex_free(s->lx);
  mf_free(s->md);
  free(s->path);
  rd_stats_clear(&s->stats);
}

static int fail(topics_status st, const char *what) {
  if (st == TOPICS_EINTR) diag_error(NULL, 0, "interrupted; no output was written");
  else diag_error(NULL, 0, "%s: %s", what, topics_strerror(st));
  return 1;
}

/* Reads the talks under the paths into s->rd (model term ids per talk). */
static int read_talks(const infer_opts *o, infer_state *s) {
  topics_status st;
  tok_options topt = tok_default_options();
  topt.fold_han = s->md->fold_han;
  infer_reader *r = &s->rd;
  r->md = s->md;
  r->maxw = 1;
  for (uint32_t t = 0; s->md->phrases && t < s->md->v; t++)
    if (s->md->nwords[t] > r->maxw) r->maxw = s->md->nwords[t];
  if (!(r->cache = tok_cache_new(s->lx, &topt, &st)) || !(r->t = tok_new_shared(r->cache, &st)))
    return fail(st, "starting the tokenizer");
  r->sink = (rd_sink){rdr_begin, rdr_text, rdr_end, r};
  /* Every talk given is reported, copies included: the caller asked about each of them. */
  tfl_options fopt = {o->code >= 0 ? o->code : s->md->keep_code, 1, 0};
  uint32_t threads = o->threads ? o->threads : default_threads();
  if (!(s->itg = itg_new(s->lx, &topt, s->md->phrases, threads, &infer_stop, &r->sink, &st)))
    return fail(st, "starting the tokenizer");
  if (!(s->tf = tfl_new(itg_sink(s->itg), &fopt))) return fail(TOPICS_ENOMEM, "reading the input");
  rd_options ropt = {.split = o->split};
  st = rd_read_until(o->paths, o->npaths, &ropt, &infer_stop, tfl_sink(s->tf), &s->stats);
  if (infer_stop) st = TOPICS_EINTR;
  if (st == TOPICS_ENOENT || st == TOPICS_EIO) return 1; /* the reader named the path */
  if (st == TOPICS_OK) st = itg_finish(s->itg, o->ntags, &s->tags, &s->ntag_docs);
  if (st == TOPICS_OK && s->ntag_docs != r->ndocs) st = TOPICS_EINVAL; /* a talk lost on one side */
  if (st != TOPICS_OK) return fail(st, "reading the input");
  if (r->ndocs == 0) {
    diag_error(o->npaths == 1 ? o->paths[0] : NULL, 0, "no usable text: no talks found");
    return 1;
  }
  return 0;
}

static int infer_body(const infer_opts *o, infer_state *s) {
  double t0 = clock_seconds();
  topics_status st;
  if (!(s->path = model_file_path(o->model))) return fail(TOPICS_ENOMEM, "loading the model");
  if (mf_load(s->path, &s->md) != TOPICS_OK) return 1; /* named the file */
  if (!(s->lx = model_lexicon(s->md, s->path))) return 1;
  if (read_talks(o, s)) return 1;
  double t_read = clock_seconds();
  const mf_model *md = s->md;
  uint32_t nd = (uint32_t)s->rd.ndocs;
  if (s->rd.tokens == 0)
    diag_warn(o->npaths == 1 ? o->paths[0] : NULL, 0,
              "none of the words of these talks is in the model's vocabulary");
  lif_counts c = {md->k, md->v, md->alpha, md->beta, md->row_off, md->terms, md->counts};
  if (!(s->f = lif_new(&c, &st))) return fail(st, "preparing the model");
  size_t tb;
  if (mem_mul(nd, (size_t)md->k * sizeof *s->theta, &tb) != TOPICS_OK || !(s->theta = malloc(tb)))
    return fail(TOPICS_ENOMEM, "inferring topic mixes");
  lif_options io = lif_default_options();
  io.seed = o->seed;
  io.threads = o->threads ? o->threads : default_threads();
  io.stop = &infer_stop;
  st = lif_infer(s->f, nd, (const uint32_t *const *)s->rd.ids, s->rd.lens, &io, s->theta);
  if (st != TOPICS_OK) return fail(st, "inferring topic mixes");
  st = dtm_from_ids(nd, (const uint32_t *const *)s->rd.ids, s->rd.lens, md->v,
                    (const char *const *)md->words, &s->m);
  if (st != TOPICS_OK) return fail(st, "inferring topic mixes");
  infer_result res = {s->path, md, s->f, o->seed, o->top_words, s->m, s->rd.docs, s->theta,
                      s->tags, s->rd.tokens, s->rd.unknown, s->stats.skipped, s->stats.nskipped,
                      t_read - t0, clock_seconds() - t_read, clock_seconds() - t0};
  if (infer_stop) return fail(TOPICS_EINTR, "writing");
  st = o->json ? infer_out_json(stdout, &res) : infer_out_text(stdout, &res);
  if (st == TOPICS_OK && (fflush(stdout) != 0 || ferror(stdout))) st = TOPICS_EIO;
  if (st != TOPICS_OK) {
    diag_error("standard output", 0, "writing the results failed: %s", strerror(errno));
    return 1;
  }
  return 0;
}

int infer_main(int argc, char **argv) {
  infer_opts o;
  char err[256];
  int pr = parse_args(argc, argv, &o, err, sizeof err);
  if (pr == 2) {
    fputs(USAGE, stdout);
    return 0;
  }
  if (!pr) {
    diag_error(NULL, 0, "%s. Try 'topics infer --help'.", err);
    return 2;
  }
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  infer_state s;
  memset(&s, 0, sizeof s);
  int rc = infer_body(&o, &s);
  state_free(&s);
  return rc;
}
