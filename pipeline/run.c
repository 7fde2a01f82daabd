/* The run from paths to outputs. Results reach stdout and -o only when everything before them
 * succeeded; SIGINT/SIGTERM set a flag that every long stage polls, so an interrupted run stops
 * cleanly and leaves earlier results in -o untouched. */
#include "pipeline/run.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/diag.h"
#include "models/dtm.h"
#include "models/lda.h"
#include "models/summary.h"
#include "models/tags.h"
#include "pipeline/ingest.h"
#include "pipeline/model_run.h"
#include "pipeline/output.h"
#include "pipeline/progress.h"
#include "pipeline/reader.h"
#include "pipeline/talk_filter.h"
#ifdef TOPICS_MPI
#include "pipeline/run_mpi.h"
#endif

static volatile sig_atomic_t run_stop;

static void on_signal(int sig) {
  (void)sig;
  run_stop = 1;
}

static void install_signals(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
}

static uint32_t default_threads(void) {
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  if (n < 1) return 1;
  if (n > 64) return 64;
  return (uint32_t)n;
}

/* -o must name a directory we can write; create it when only its last part is missing. */
static int check_output_dir(const char *dir) {
  struct stat sb;
  if (stat(dir, &sb) != 0) {
    if (errno == ENOENT && mkdir(dir, 0777) == 0) return 1;
    diag_error(dir, 0, "cannot use as output directory: %s", strerror(errno));
    return 0;
  }
  if (!S_ISDIR(sb.st_mode)) {
    diag_error(dir, 0, "cannot use as output directory: not a directory");
    return 0;
  }
  if (access(dir, W_OK | X_OK) != 0) {
    diag_error(dir, 0, "cannot write to output directory: %s", strerror(errno));
    return 0;
  }
  return 1;
}

static int report(topics_status st, const char *what) {
  if (st == TOPICS_EINTR)
    diag_error(NULL, 0, "interrupted; no output was written");
  else
    diag_error(NULL, 0, "%s: %s", what, topics_strerror(st));
  return 1;
}

typedef struct run_state {
  lex *lx;
  ingest *g;
  talk_filter *tf;
  dtm *m;
  lda *model;
  summary *sum;
  tags_doc *tags;
  uint32_t ntag_docs; /* entries of tags */
  rd_stats stats;
  dtm *train;        /* --holdout: m with the held-out talks emptied */
  uint8_t *held;
  mf_save_info *save;
  double *coherence;
  double diversity, holdout_perplexity;
} run_state;

static void run_state_free(run_state *s) {
  tags_free(s->tags, s->ntag_docs);
  sum_free(s->sum);
  lda_free(s->model);
  dtm_free(s->m);
  tfl_free(s->tf);
  ingest_free(s->g);
  lex_free(s->lx);
  rd_stats_clear(&s->stats);
  dtm_free(s->train);
  free(s->held);
  mrun_save_free(s->save);
  free(s->coherence);
}

static int write_stdout(const cli_options *o, const out_run *r) {
  topics_status st = o->format == CLI_FORMAT_JSON ? out_json(stdout, r) : out_text(stdout, r);
  if (st == TOPICS_OK && fflush(stdout) != 0) st = TOPICS_EIO;
  if (st == TOPICS_OK && ferror(stdout)) st = TOPICS_EIO;
  if (st != TOPICS_OK) {
    diag_error("standard output", 0, "writing the results failed: %s", strerror(errno));
    return 1;
  }
  return 0;
}

/* Tags are taken from each talk's own word stretches, which only the whole token stream still
 * shows (before the phrase pass joins and drops tokens), so they are computed as the stream ends. */
typedef struct tag_hook {
  const cli_options *o;
  run_state *s;
} tag_hook;

static topics_status tags_on_stream(void *ud, const dtm_builder *b) {
  tag_hook *h = ud;
  return tags_from_stream(b, h->o->phrases, h->o->ntags, &h->s->tags, &h->s->ntag_docs);
}

static int run_body(const cli_options *o, run_state *s, progress *pg) {
  double t0 = clock_seconds();
  topics_status st;
  s->lx = lex_new(&st);
  if (!s->lx) return report(st, "loading the stopword lists");
  if (o->stopwords_file && (st = lex_add_stopwords_file(s->lx, o->stopwords_file)) != TOPICS_OK)
    return 1; /* the lexicon reported file and line */
  if (o->dict_file && (st = lex_add_dict_file(s->lx, o->dict_file)) != TOPICS_OK) return 1;
  if (o->output_dir && !check_output_dir(o->output_dir)) return 1;

  uint32_t threads = o->threads ? o->threads : default_threads();
  tok_options topt = tok_default_options();
  topt.fold_han = o->fold_han;
  s->g = ingest_new(s->lx, &topt, threads, &run_stop, &st);
  if (!s->g) return report(st, "starting the tokenizer");
  ingest_set_progress(s->g, progress_read, pg);
  ingest_set_phrases(s->g, o->phrases);
  tag_hook hook = {o, s};
  ingest_set_stream_hook(s->g, tags_on_stream, &hook);

  rd_options ropt = {.split = (rd_split)o->split};
  tfl_options fopt = {o->keep_code, o->keep_duplicates, 0};
  if (!(s->tf = tfl_new(ingest_sink(s->g), &fopt))) return report(TOPICS_ENOMEM, "reading the input");
  st = rd_read_until(o->paths, o->npaths, &ropt, &run_stop, tfl_sink(s->tf), &s->stats);
  if (st == TOPICS_OK) st = ingest_finish(s->g);
  if (st == TOPICS_OK) tfl_warn(s->tf);
  if (run_stop) st = TOPICS_EINTR;
  if (st == TOPICS_ENOENT || st == TOPICS_EIO) return 1; /* the reader named the path */
  if (st != TOPICS_OK) return report(st, "reading the input");
  double t_read = clock_seconds();

  uint32_t ndocs;
  const out_doc_meta *docs = ingest_docs(s->g, &ndocs);
  if (ndocs == 0) {
    if (s->stats.files > 0) /* files were found and read, but held nothing (warnings say why) */
      diag_error(o->npaths == 1 ? o->paths[0] : NULL, 0,
                 "no usable text: the %zu file(s) read hold no talk", s->stats.files);
    else
      diag_error(o->npaths == 1 ? o->paths[0] : NULL, 0,
                 "no usable text: no talks found (looked for .txt, .md, .markdown, .rst, .jsonl "
                 "and text files without an extension)");
    return 1;
  }
  dtm_options dopt = dtm_default_options();
  /* With few talks, a term in two of them is already a strong signal; demanding it would leave
   * a handful of notes with no terms at all. */
  dopt.min_df = o->min_df ? o->min_df : (ndocs < 10 ? 1 : 2);
  dopt.max_df = o->max_df;
  st = dtm_build(ingest_builder(s->g), &dopt, &s->m);
  if (st != TOPICS_OK) return report(st, "building the term matrix");
  ingest_drop_builder(s->g);
  if (dtm_ntokens(s->m) == 0) {
    if (dopt.min_df <= 1) /* nothing was left out for being rare */
      diag_error(o->npaths == 1 ? o->paths[0] : NULL, 0,
                 "no usable text: %u talk(s) but no terms left after removing stopwords, numbers "
                 "and punctuation",
                 ndocs);
    else
      diag_error(o->npaths == 1 ? o->paths[0] : NULL, 0,
                 "no usable text: %u talk(s) but no terms left after removing stopwords, numbers, "
                 "punctuation and terms in fewer than %u talks",
                 ndocs, dopt.min_df);
    return 1;
  }
  char note[160];
  snprintf(note, sizeof note, "read %u talks: %llu tokens, %u terms", ndocs,
           (unsigned long long)dtm_ntokens(s->m), dtm_nterms(s->m));
  progress_note(pg, note);

  double t_model0 = clock_seconds();
  if (o->cmd == CLI_TOPICS) {
    lda_options lo = lda_default_options();
    lo.k = o->k;
    lo.iterations = o->iterations;
    lo.seed = o->seed;
    lo.threads = threads;
    if (o->alpha > 0) lo.alpha = o->alpha;
    lo.beta = o->beta;
    if (o->optimize_interval >= 0) lo.optimize_interval = (uint32_t)o->optimize_interval;
    lo.progress = progress_lda;
    lo.warm_progress = progress_warm;
    lo.progress_ud = pg;
    lo.stop = &run_stop;
    if (o->k_choose && (st = mrun_choose_k(o, s->m, threads, &run_stop, &lo.k)) != TOPICS_OK)
      return report(st, "choosing the number of topics");
    if (o->holdout > 0 &&
        (st = mrun_holdout_split(s->m, o->holdout, o->seed, &s->held, &s->train)) != TOPICS_OK)
      return report(st, "holding out talks");
    const dtm *tm = s->train ? s->train : s->m;
    s->model = lda_new(tm, &lo, &st);
    if (!s->model) return report(st, "setting up the topic model");
    st = lda_train(s->model);
    if (st != TOPICS_OK) return report(st, "training the topic model");
    st = sum_compute(s->model, tm, o->top_words, o->top_docs, &s->sum);
    if (st != TOPICS_OK) return report(st, "summarising the topics");
    if (s->held && (st = mrun_holdout_finish(s->model, s->m, s->held, o->seed, threads, &run_stop,
                                             s->sum, &s->holdout_perplexity)) != TOPICS_OK)
      return report(st, "scoring the held-out talks");
    if (!(s->coherence = calloc(lda_k(s->model), sizeof *s->coherence)))
      return report(TOPICS_ENOMEM, "scoring the topics");
    mrun_topic_quality(s->sum, s->m, s->coherence, &s->diversity);
    if (o->output_dir && (st = mrun_save_new(o, &s->save)) != TOPICS_OK)
      return st == TOPICS_ENOMEM ? report(st, "saving the model") : 1;
  }
  double t_end = clock_seconds();

  out_run r;
  memset(&r, 0, sizeof r);
  r.version = TOPICS_VERSION;
  r.m = s->m;
  r.docs = docs;
  r.skipped = s->stats.skipped;
  r.nskipped = s->stats.nskipped;
  r.tags = s->tags;
  r.dups = tfl_duplicates(s->tf, &r.ndups);
  r.model = s->model;
  r.sum = s->sum;
  r.seed = o->seed;
  r.save = s->save;
  r.holdout_perplexity = s->holdout_perplexity;
  r.coherence = s->coherence;
  r.diversity = s->diversity;
  mrun_timing(&r, ingest_tokenize_seconds(s->g), t0, t_read, t_model0, t_end);

  if (o->output_dir) {
    st = out_write_dir(o->output_dir, &r, &run_stop);
    if (st == TOPICS_EINTR) return report(st, "writing");
    if (st != TOPICS_OK) return 1; /* the writer named the file */
  }
  if (run_stop) return report(TOPICS_EINTR, "writing");
  return write_stdout(o, &r);
}

int run_command(const cli_options *o) {
#ifdef TOPICS_MPI
  if (rmpi_launched()) return rmpi_command(o); /* started by mpirun */
#endif
  install_signals();
  progress pg;
  progress_init(&pg, o->quiet);
  run_state s;
  memset(&s, 0, sizeof s);
  int rc = run_body(o, &s, &pg);
  run_state_free(&s);
  return rc;
}
