/* The main command across MPI processes (see run_mpi.h): share of the talks, vocabulary
 * agreement, AD-LDA training, outputs on rank 0. Each stage ends with every process reporting
 * whether it succeeded, so that one failure stops all of them at the same point instead of
 * leaving the others waiting in a collective call. */
#include "pipeline/run_mpi.h"

#include <errno.h>
#include <mpi.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/diag.h"
#include "common/mem.h"
#include "models/dtm.h"
#include "models/dtm_pack.h"
#include "models/lda.h"
#include "models/lda_mpi.h"
#include "models/summary.h"
#include "models/tags.h"
#include "pipeline/ingest.h"
#include "pipeline/model_run.h"
#include "pipeline/mpi_talks.h"
#include "pipeline/output.h"
#include "pipeline/progress.h"
#include "pipeline/reader.h"
#include "pipeline/talk_filter.h"

#define RMPI_BLOCK 16

static volatile sig_atomic_t rmpi_stop;

static void on_signal(int sig) {
  (void)sig;
  rmpi_stop = 1;
}

int rmpi_launched(void) {
  return getenv("OMPI_COMM_WORLD_SIZE") != NULL || getenv("PMIX_RANK") != NULL;
}

typedef struct rmpi {
  int rank, size;
  /* The sink between the talk filter and the ingest: it keeps the metadata of the talks this
   * process reads (its share of the input) and passes them on. */
  rd_sink sink;
  const rd_sink *next;
  out_doc_meta *docs;
  uint32_t *file;
  size_t docs_cap, file_cap;
  uint32_t ntalks; /* read by this process */
  mpi_talks all;   /* every process's talks in input order, once gathered */
  /* The process that samples each talk kept: blocks of RMPI_BLOCK talks dealt out in turn, so
   * that every process samples talks from all over the input (a process reads one stretch of
   * it, often of one conference or one subject), and AD-LDA's stale counts stay alike. */
  uint32_t *sampler;
  /* This process's builder, packed by the ingest's stream hook (before the phrase pass). */
  uint8_t *pack;
  size_t pack_len;
} rmpi;

static topics_status share_begin(void *ud, const rd_talk_info *t) {
  rmpi *mp = ud;
  if (mp->ntalks >= UINT32_MAX - 1) return TOPICS_ELIMIT;
  if (MEM_RESERVE(mp->docs, mp->docs_cap, (size_t)mp->ntalks + 1) != TOPICS_OK ||
      MEM_RESERVE(mp->file, mp->file_cap, (size_t)mp->ntalks + 1) != TOPICS_OK)
    return TOPICS_ENOMEM;
  out_doc_meta *d = &mp->docs[mp->ntalks];
  memset(d, 0, sizeof *d);
  mp->file[mp->ntalks++] = t->file;
  d->id = mem_strndup(t->id, strlen(t->id));
  d->path = mem_strndup(t->path, strlen(t->path));
  d->title = mem_strndup(t->title, strlen(t->title));
  d->line = t->line;
  d->date = t->date ? mem_strndup(t->date, strlen(t->date)) : NULL;
  if (!d->id || !d->path || !d->title || (t->date && !d->date)) return TOPICS_ENOMEM;
  return mp->next->begin(mp->next->ud, t);
}

static topics_status share_text(void *ud, const char *s, size_t len) {
  rmpi *mp = ud;
  return mp->next->text(mp->next->ud, s, len);
}

static topics_status share_end(void *ud) {
  rmpi *mp = ud;
  return mp->next->end(mp->next->ud);
}

/* The ingest hands over its whole token stream before its phrase pass: packed for the merge. */
static topics_status on_stream(void *ud, const dtm_builder *b) {
  rmpi *mp = ud;
  free(mp->pack);
  mp->pack = NULL;
  return dtm_pack(b, &mp->pack, &mp->pack_len);
}

static void rmpi_free(rmpi *mp) {
  for (uint32_t i = 0; i < mp->ntalks; i++) {
    free((char *)mp->docs[i].id);
    free((char *)mp->docs[i].path);
    free((char *)mp->docs[i].title);
    free((char *)mp->docs[i].date);
  }
  free(mp->docs);
  free(mp->file);
  free(mp->sampler);
  mt_free(&mp->all);
  free(mp->pack);
}

/* Every process says whether its stage succeeded; on any failure rank 0 names the processes that
 * failed and every process returns 0. why (may be NULL) is this process's reason, told to rank 0
 * so that its message says it. */
static int agree(const rmpi *mp, int ok, const char *stage, const char *why) {
  char mine[96], *all = NULL;
  snprintf(mine, sizeof mine, "%s", ok ? "" : why ? why : "see its message above");
  if (mp->rank == 0) all = malloc((size_t)mp->size * sizeof mine);
  MPI_Gather(mine, (int)sizeof mine, MPI_CHAR, all, (int)sizeof mine, MPI_CHAR, 0, MPI_COMM_WORLD);
  int all_ok = ok;
  MPI_Allreduce(&ok, &all_ok, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
  if (!all_ok && mp->rank == 0) {
    for (int r = 0; all && r < mp->size; r++)
      if (all[(size_t)r * sizeof mine])
        diag_error(NULL, 0, "process %d of %d failed while %s (%s); nothing was written", r,
                   mp->size, stage, all + (size_t)r * sizeof mine);
    if (!all) diag_error(NULL, 0, "a process failed while %s; nothing was written", stage);
  }
  free(all);
  return all_ok;
}

/* Every process's packed builder (allgather of sizes, then of bytes) merged in input order into
 * one builder, then tags (when tags is not NULL), phrases and filtering as in run.c. */
static topics_status merge_vocabulary(const rmpi *mp, const cli_options *o, dtm **out,
                                      tags_doc **tags, uint32_t *ntag_docs) {
  *out = NULL;
  long long mylen = (long long)mp->pack_len;
  long long *lens = calloc((size_t)mp->size, sizeof *lens);
  int *counts = calloc((size_t)mp->size, sizeof *counts), *displs = calloc((size_t)mp->size, sizeof *displs);
  dtm_unpack **rd = calloc((size_t)mp->size, sizeof *rd);
  uint32_t *next = calloc((size_t)mp->size, sizeof *next);
  uint8_t *all = NULL;
  dtm_builder *b = NULL;
  topics_status st = lens && counts && displs && rd && next ? TOPICS_OK : TOPICS_ENOMEM;
  /* (The sizes are exchanged whatever happened, so that every process takes the same path.) */
  if (MPI_Allgather(&mylen, 1, MPI_LONG_LONG, lens ? lens : &mylen, 1, MPI_LONG_LONG,
                    MPI_COMM_WORLD) != MPI_SUCCESS)
    st = TOPICS_EIO;
  long long total = 0;
  for (int r = 0; st == TOPICS_OK && r < mp->size; r++) {
    if (lens[r] > INT32_MAX || total + lens[r] > INT32_MAX) st = TOPICS_ELIMIT; /* MPI counts */
    else counts[r] = (int)lens[r], displs[r] = (int)total, total += lens[r];
  }
  if (st == TOPICS_OK && !(all = malloc(total ? (size_t)total : 1))) st = TOPICS_ENOMEM;
  int ok = st == TOPICS_OK, all_ok = 0;
  MPI_Allreduce(&ok, &all_ok, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
  if (all_ok && MPI_Allgatherv(mp->pack, counts[mp->rank], MPI_BYTE, all, counts, displs, MPI_BYTE,
                               MPI_COMM_WORLD) != MPI_SUCCESS)
    st = TOPICS_EIO;
  else if (!all_ok && st == TOPICS_OK)
    st = TOPICS_ENOMEM; /* another process failed */
  for (int r = 0; st == TOPICS_OK && r < mp->size; r++)
    rd[r] = dtm_unpack_new(all + displs[r], (size_t)counts[r], &st);
  if (st == TOPICS_OK && !(b = dtm_builder_new())) st = TOPICS_ENOMEM;
  for (uint32_t i = 0; st == TOPICS_OK && i < mp->all.nall; i++) {
    uint32_t r = mp->all.owner_all[i], j = next[r]++;
    if (mp->all.drop[i]) continue; /* a copy left out */
    st = dtm_builder_begin_doc(b);
    /* A talk with no text has no document in its builder when it came last. */
    if (st == TOPICS_OK && j < dtm_unpack_ndocs(rd[r])) st = dtm_unpack_doc(rd[r], j, b);
  }
  for (int r = 0; rd && r < mp->size; r++) dtm_unpack_free(rd[r]);
  free(all);
  if (st == TOPICS_OK && tags) st = tags_from_stream(b, o->phrases, o->ntags, tags, ntag_docs);
  if (st == TOPICS_OK && o->phrases) st = dtm_builder_phrases(b, NULL);
  if (st == TOPICS_OK) {
    dtm_options dopt = dtm_default_options();
    dopt.min_df = o->min_df ? o->min_df : (mp->all.nkept < 10 ? 1 : 2);
    dopt.max_df = o->max_df;
    st = dtm_build(b, &dopt, out);
  }
  dtm_builder_free(b);
  free(lens), free(counts), free(displs), free(rd), free(next);
  return st;
}

/* This process's share of m to sample: its documents, the others' left empty (same numbering). */
static topics_status share_of(rmpi *mp, const dtm *m, dtm **out) {
  uint32_t nd = dtm_ndocs(m);
  if (!(mp->sampler = malloc(((size_t)nd + 1) * sizeof *mp->sampler))) return TOPICS_ENOMEM;
  for (uint32_t d = 0; d < nd; d++) mp->sampler[d] = (d / RMPI_BLOCK) % (uint32_t)mp->size;
  const uint32_t **docs = malloc(((size_t)nd + 1) * sizeof *docs);
  uint32_t *lens = malloc(((size_t)nd + 1) * sizeof *lens);
  topics_status st = TOPICS_ENOMEM;
  if (docs && lens) {
    for (uint32_t d = 0; d < nd; d++) {
      docs[d] = dtm_doc(m, d, &lens[d]);
      if (mp->sampler[d] != (uint32_t)mp->rank) lens[d] = 0;
    }
    st = dtm_from_ids(nd, docs, lens, dtm_nterms(m), NULL, out);
  }
  free(docs);
  free(lens);
  return st;
}

/* With TOPICS_MPI_STATS set in the environment: one line per process on standard error with what
 * it trained and sent (bench/mpi.sh reads these). */
static void print_stats(const rmpi *mp, const lda_mpi *lm, const dtm *share, const lda *model,
                        double read_s, double train_s) {
  if (!getenv("TOPICS_MPI_STATS")) return;
  uint32_t red;
  uint64_t changed, bytes;
  double comm_s;
  lda_mpi_stats(lm, &red, &changed, &bytes, &comm_s);
  uint32_t sweeps = lda_iterations(model);
  double sampled = (double)dtm_ntokens(share) * sweeps;
  fprintf(stderr,
          "topics-mpi-stats rank=%d size=%d talks_read=%u read_s=%.3f tokens=%llu terms=%u k=%u "
          "sweeps=%u train_s=%.3f "
          "comm_s=%.3f tokens_per_s=%.0f reductions=%u changed_per_reduction=%.0f bytes=%llu "
          "bytes_per_reduction=%.0f\n",
          mp->rank, mp->size, mp->ntalks, read_s, (unsigned long long)dtm_ntokens(share),
          dtm_nterms(share),
          lda_k(model), sweeps, train_s, comm_s, train_s > 0 ? sampled / train_s : 0.0, red,
          red ? (double)changed / red : 0.0, (unsigned long long)bytes, red ? (double)bytes / red : 0.0);
}

typedef struct rmpi_state {
  rmpi mp;
  lex *lx;
  ingest *g;
  talk_filter *tf;
  rd_stats stats;
  dtm *m, *share;
  lda *local, *model;
  lda_mpi *lm;
  uint16_t *z;
  double *alpha;
  summary *sum;
  tags_doc *tags;
  uint32_t ntag_docs; /* entries of tags */
  mf_save_info *save;
  double *coherence;
  double diversity;
  int keep_duplicates;
  double read_s; /* reading this process's share and gathering the talks */
} rmpi_state;

static void state_free(rmpi_state *s) {
  tags_free(s->tags, s->ntag_docs);
  sum_free(s->sum);
  lda_free(s->model);
  lda_free(s->local);
  lda_mpi_free(s->lm);
  free(s->z);
  free(s->alpha);
  dtm_free(s->share);
  dtm_free(s->m);
  tfl_free(s->tf);
  ingest_free(s->g);
  lex_free(s->lx);
  rd_stats_clear(&s->stats);
  mrun_save_free(s->save);
  free(s->coherence);
  rmpi_free(&s->mp);
}

/* Reading and tokenising this process's share; returns whether it succeeded (the reader, the
 * lexicon and the ingest name the file on failure). */
static int read_share(rmpi_state *s, const cli_options *o, progress *pg, uint32_t threads,
                      const char **why) {
  rmpi *mp = &s->mp;
  topics_status st;
  *why = NULL;
  if (!(s->lx = lex_new(&st))) return *why = topics_strerror(st), 0;
  if (o->stopwords_file && lex_add_stopwords_file(s->lx, o->stopwords_file) != TOPICS_OK) return 0;
  if (o->dict_file && lex_add_dict_file(s->lx, o->dict_file) != TOPICS_OK) return 0;
  tok_options topt = tok_default_options();
  topt.fold_han = o->fold_han;
  if (!(s->g = ingest_new(s->lx, &topt, threads, &rmpi_stop, &st))) return *why = topics_strerror(st), 0;
  /* Phrases are found after the merge; the stream must still carry their marks. */
  ingest_set_phrases(s->g, o->phrases);
  ingest_set_progress(s->g, progress_read, pg);
  ingest_set_stream_hook(s->g, on_stream, mp);
  mp->next = ingest_sink(s->g);
  mp->sink = (rd_sink){share_begin, share_text, share_end, mp};
  rd_options ropt = {.split = (rd_split)o->split,
                     .share_index = (uint32_t)mp->rank,
                     .share_count = (uint32_t)mp->size};
  /* Copies are judged once every process's talks are in (mpi_talks.h). */
  tfl_options fopt = {o->keep_code, o->keep_duplicates, 1};
  if (!(s->tf = tfl_new(&mp->sink, &fopt))) return *why = topics_strerror(TOPICS_ENOMEM), 0;
  st = rd_read_until(o->paths, o->npaths, &ropt, &rmpi_stop, tfl_sink(s->tf), &s->stats);
  if (st == TOPICS_OK) st = ingest_finish(s->g);
  if (rmpi_stop) st = TOPICS_EINTR;
  if (st == TOPICS_ENOENT || st == TOPICS_EIO) return *why = "cannot read its input", 0;
  if (st != TOPICS_OK) return *why = topics_strerror(st), 0;
  return 1;
}

/* Every process's talks in input order, and the copies left out (warned about by rank 0). */
static int gather_talks(rmpi_state *s) {
  rmpi *mp = &s->mp;
  size_t nmarks;
  const tfl_mark *marks = tfl_marks(s->tf, &nmarks);
  mt_local mine = {mp->docs, mp->file, marks, mp->ntalks, &s->stats};
  tfl_options fopt = {0, s->keep_duplicates, 0};
  topics_status st = nmarks == mp->ntalks ? mt_gather(MPI_COMM_WORLD, &mine, &fopt, &mp->all)
                                          : TOPICS_EINVAL;
  if (!agree(mp, st == TOPICS_OK, "gathering the talks", topics_strerror(st))) return 0;
  if (mp->rank == 0) tfl_warn(mp->all.judge);
  return 1;
}

/* Trains on this process's share and leaves the trained model in s->model on rank 0. */
static int train(rmpi_state *s, const cli_options *o, progress *pg, uint32_t threads) {
  rmpi *mp = &s->mp;
  topics_status st = share_of(mp, s->m, &s->share);
  if (!agree(mp, st == TOPICS_OK, "setting up the topic model", topics_strerror(st))) return 0;
  lda_options lo = lda_default_options();
  lo.k = o->k;
  lo.iterations = o->iterations;
  /* Each process's generators differ; rank 0's are those of a single-process run. */
  lo.seed = o->seed + (uint64_t)mp->rank * 0x9e3779b97f4a7c15ull;
  lo.threads = threads;
  if (o->alpha > 0) lo.alpha = o->alpha;
  lo.beta = o->beta;
  if (o->optimize_interval >= 0) lo.optimize_interval = (uint32_t)o->optimize_interval;
  /* Every process reports progress (it evaluates the likelihood, a collective call, at the same
   * sweeps); only rank 0's is drawn. */
  lo.progress = progress_lda;
  lo.progress_ud = pg;
  s->lm = lda_mpi_new(MPI_COMM_WORLD, &rmpi_stop);
  if (s->lm) {
    lo.sync = lda_mpi_sync(s->lm);
    s->local = lda_new(s->share, &lo, &st);
  } else {
    st = TOPICS_ENOMEM;
  }
  if (!agree(mp, s->local != NULL, "setting up the topic model", topics_strerror(st))) return 0;
  double t0 = clock_seconds();
  st = lda_train(s->local);
  double train_s = clock_seconds() - t0;
  if (st == TOPICS_EINTR) {
    if (mp->rank == 0) diag_error(NULL, 0, "interrupted; no output was written");
    return 0;
  }
  if (!agree(mp, st == TOPICS_OK, "training the topic model", topics_strerror(st))) return 0;
  print_stats(mp, s->lm, s->share, s->local, s->read_s, train_s);
  st = lda_mpi_gather(s->lm, s->local, s->m, mp->sampler, &s->z);
  if (!agree(mp, st == TOPICS_OK, "gathering the topics", topics_strerror(st))) return 0;
  if (mp->rank != 0) return 1;
  uint32_t k = lda_k(s->local), iterations = lda_iterations(s->local);
  if (!(s->alpha = malloc(k * sizeof *s->alpha))) return diag_error(NULL, 0, "out of memory"), 0;
  memcpy(s->alpha, lda_alpha(s->local), k * sizeof *s->alpha);
  lda_free(s->local);
  s->local = NULL;
  lda_mpi_free(s->lm);
  s->lm = NULL;
  lo.sync = NULL;
  lo.seed = o->seed;
  lo.progress = NULL;
  if (!(s->model = lda_new(s->m, &lo, &st))) {
    diag_error(NULL, 0, "setting up the topic model: %s", topics_strerror(st));
    return 0;
  }
  lda_mpi_adopt(s->model, s->z, s->alpha, iterations);
  return 1;
}

static int write_results(rmpi_state *s, const cli_options *o, double t0, double t_read,
                         double t_model0) {
  topics_status st;
  if ((st = sum_compute(s->model, s->m, o->top_words, o->top_docs, &s->sum)) != TOPICS_OK ||
      !(s->coherence = calloc(lda_k(s->model), sizeof *s->coherence))) {
    diag_error(NULL, 0, "summarising the topics: %s",
               topics_strerror(st != TOPICS_OK ? st : TOPICS_ENOMEM));
    return 1;
  }
  mrun_topic_quality(s->sum, s->m, s->coherence, &s->diversity);
  if (o->output_dir && (st = mrun_save_new(o, &s->save)) != TOPICS_OK) return 1;
  double t_end = clock_seconds();
  out_run r;
  memset(&r, 0, sizeof r);
  r.version = TOPICS_VERSION;
  r.m = s->m;
  r.docs = s->mp.all.docs;
  r.skipped = s->mp.all.skipped;
  r.nskipped = s->mp.all.nskipped;
  r.tags = s->tags;
  r.dups = tfl_duplicates(s->mp.all.judge, &r.ndups);
  r.model = s->model;
  r.sum = s->sum;
  r.seed = o->seed;
  r.save = s->save;
  r.coherence = s->coherence;
  r.diversity = s->diversity;
  mrun_timing(&r, ingest_tokenize_seconds(s->g), t0, t_read, t_model0, t_end);
  if (o->output_dir) {
    st = out_write_dir(o->output_dir, &r, &rmpi_stop);
    if (st == TOPICS_EINTR) diag_error(NULL, 0, "interrupted; no output was written");
    if (st != TOPICS_OK) return 1;
  }
  st = o->format == CLI_FORMAT_JSON ? out_json(stdout, &r) : out_text(stdout, &r);
  if (st == TOPICS_OK && (fflush(stdout) != 0 || ferror(stdout))) st = TOPICS_EIO;
  if (st != TOPICS_OK) {
    diag_error("standard output", 0, "writing the results failed: %s", strerror(errno));
    return 1;
  }
  return 0;
}

/* -o must name a directory rank 0 can write; checked before any work. */
static int output_dir_ok(const char *dir) {
  struct stat sb;
  if (stat(dir, &sb) != 0 && !(errno == ENOENT && mkdir(dir, 0777) == 0)) {
    diag_error(dir, 0, "cannot use as output directory: %s", strerror(errno));
    return 0;
  }
  if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode) || access(dir, W_OK | X_OK) != 0) {
    diag_error(dir, 0, "cannot write to output directory");
    return 0;
  }
  return 1;
}

static int run_all(rmpi_state *s, const cli_options *o, progress *pg) {
  rmpi *mp = &s->mp;
  double t0 = clock_seconds();
  /* One process per core is the usual placement, so each takes one thread unless -t says. */
  uint32_t threads = o->threads ? o->threads : 1;
  int ok = mp->rank != 0 || !o->output_dir || output_dir_ok(o->output_dir);
  if (!agree(mp, ok, "checking the output directory", "see its message above")) return 1;
  const char *why;
  ok = read_share(s, o, pg, threads, &why);
  if (!agree(mp, ok, "reading the input", why)) return 1;
  s->keep_duplicates = o->keep_duplicates;
  if (!gather_talks(s)) return 1;
  double t_read = clock_seconds();
  s->read_s = t_read - t0;
  if (mp->all.nkept == 0) {
    if (mp->rank == 0) diag_error(o->npaths == 1 ? o->paths[0] : NULL, 0, "no usable text: no talks found");
    return 1;
  }
  topics_status st = merge_vocabulary(mp, o, &s->m, mp->rank == 0 ? &s->tags : NULL, &s->ntag_docs);
  if (!agree(mp, st == TOPICS_OK, "agreeing on the vocabulary", topics_strerror(st))) return 1;
  if (dtm_ntokens(s->m) == 0) {
    if (mp->rank == 0)
      diag_error(o->npaths == 1 ? o->paths[0] : NULL, 0,
                 "no usable text: %u talk(s) but no terms left after filtering", mp->all.nkept);
    return 1;
  }
  if (mp->rank == 0) {
    char note[160];
    snprintf(note, sizeof note, "read %u talks on %d processes: %llu tokens, %u terms", mp->all.nkept,
             mp->size, (unsigned long long)dtm_ntokens(s->m), dtm_nterms(s->m));
    progress_note(pg, note);
  }
  double t_model0 = clock_seconds();
  if (!train(s, o, pg, threads)) return 1;
  if (mp->rank != 0) return 0;
  return write_results(s, o, t0, t_read, t_model0);
}

int rmpi_command(const cli_options *o) {
  if (MPI_Init(NULL, NULL) != MPI_SUCCESS) {
    diag_error(NULL, 0, "cannot start MPI");
    return 1;
  }
  rmpi_state s;
  memset(&s, 0, sizeof s);
  MPI_Comm_rank(MPI_COMM_WORLD, &s.mp.rank);
  MPI_Comm_size(MPI_COMM_WORLD, &s.mp.size);
  int rc;
  if (o->cmd != CLI_TOPICS || o->k_choose || o->holdout > 0) {
    if (s.mp.rank == 0)
      diag_error(NULL, 0, "%s is not available across processes; run it without mpirun",
                 o->cmd != CLI_TOPICS ? "topics tags" : o->k_choose ? "-k auto or -k MIN:MAX" : "--holdout");
    rc = 2;
  } else {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    progress pg;
    progress_init(&pg, o->quiet || s.mp.rank != 0);
    rc = run_all(&s, o, &pg);
  }
  state_free(&s);
  MPI_Finalize();
  return rc;
}
