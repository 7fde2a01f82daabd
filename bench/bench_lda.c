/* LDA sampling throughput and topic quality on the pyvideo talks.
 *
 *   bench_lda [--data FILE.jsonl] [--iters N] [--uci DIR] [--score FILE] [--quality-k K]
 *             [--quality-iters N] [--only-k K [--threads N]] [--ids F] [--save-ids F]
 *             [--seed N] [--quality-only]
 *   bench_lda --trace IDS K ITERS THREADS ALPHA BETA SEED
 *
 * Reads every talk of the JSON Lines file through the project's reader (bench/bench_load.h),
 * turns it into terms with the project tokenizer (tokenize/tokenizer.h), builds a
 * dtm (min_df 2, default max_df rule) and prints, for K = 10, 50, 200 on 1 thread and
 * K = 50 on 2 threads, tokens x iterations / sampling seconds, plus the K=200/K=50 cost ratio.
 * --uci DIR writes vocab.txt and docword.txt (UCI bag of words) for bench/gensim_baseline.py;
 * --score FILE reads topics as lines of 0-based term ids and prints their mean NPMI, so both
 * models are scored by the same code (coh_npmi). Without --score it trains a quality model at
 * --quality-k topics and prints its NPMI. --save-ids F writes the corpus as term ids and --ids F
 * reads such a file instead of --data (the same corpus for every run of a comparison, and no
 * tokenizer start-up under valgrind); --only-k K times a single configuration; --seed N [1]
 * seeds every model; --quality-only skips the throughput table. --trace trains one model on an
 * ids file with fixed alpha per topic and beta (no optimisation) and prints "sweep seconds
 * ll_per_token" at sweep 1, every 10th sweep and the last, seconds counting sampling only (the
 * input of /work/shared/tools/lda_race.py); ITERS 0 runs the default instead (stopping rule, alpha
 * optimised from ALPHA) and ends with a "final:" line. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/mem.h"
#include "models/coherence.h"
#include "models/dtm.h"
#include "models/lda.h"
#include "tokenize/lexicon.h"
#include "tokenize/tokenizer.h"
#include "bench/bench_load.h"

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static double cpu_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* The project tokenizer's terms of text as surface ids; ent_sid caches entry -> sid + 1. */
static int add_terms(tok *tk, dtm_builder *b, const char *text, size_t len, uint32_t **ids,
                     size_t *cap, uint32_t **ent_sid, size_t *ecap) {
  size_t n = 0;
  if (tok_terms(tk, text, len, ids, &n, cap) != TOPICS_OK) return -1;
  size_t have = *ecap, need = tok_entry_count(tk);
  if (MEM_RESERVE(*ent_sid, *ecap, need ? need : 1) != TOPICS_OK) return -1;
  if (*ecap > have) memset(*ent_sid + have, 0, (*ecap - have) * sizeof **ent_sid);
  for (size_t i = 0; i < n; i++) {
    uint32_t e = (*ids)[i];
    if (!(*ent_sid)[e]) {
      size_t tl, sl;
      const char *term = tok_entry_term(tk, e, &tl), *surf = tok_entry_surface(tk, e, &sl);
      uint32_t sid;
      if (dtm_builder_surface(b, term, tl, surf, sl, &sid) != TOPICS_OK) return -1;
      (*ent_sid)[e] = sid + 1;
    }
    (*ids)[i] = (*ent_sid)[e] - 1;
  }
  return dtm_builder_add(b, *ids, n) == TOPICS_OK ? 0 : -1;
}

static dtm *load(const char *path, double *secs) {
  double t0 = now_s();
  corpus c;
  memset(&c, 0, sizeof c);
  if (load_jsonl(path, NULL, &c)) {
    fprintf(stderr, "bench_lda: %s: cannot read talks\n", path);
    corpus_free(&c);
    return NULL;
  }
  topics_status st = TOPICS_OK;
  dtm_builder *b = dtm_builder_new();
  lex *lx = lex_new(&st);
  tok_options to = tok_default_options();
  tok *tk = lx ? tok_new(lx, &to, &st) : NULL;
  uint32_t *tids = NULL, *ent_sid = NULL;
  size_t tidcap = 0, ecap = 0;
  int ok = b && tk;
  if (!tk) fprintf(stderr, "bench_lda: tokenizer: %s\n", topics_strerror(st));
  for (size_t d = 0; ok && d < c.ndocs; d++) {
    ok = dtm_builder_begin_doc(b) == TOPICS_OK &&
         add_terms(tk, b, c.buf + c.off[d], c.dlen[d], &tids, &tidcap, &ent_sid, &ecap) == 0;
  }
  tok_free(tk);
  lex_free(lx);
  free(tids);
  free(ent_sid);
  corpus_free(&c);
  dtm *m = NULL;
  dtm_options o = dtm_default_options();
  if (ok) dtm_build(b, &o, &m);
  dtm_builder_free(b);
  *secs = now_s() - t0;
  return m;
}

/* --save-ids / --ids: the documents as lines of term ids in text order, so runs before and after
 * a sampler change (or under valgrind) see exactly the same corpus without tokenizing again. */
static int save_ids(const dtm *m, const char *path) {
  FILE *f = fopen(path, "w");
  if (!f) return -1;
  fprintf(f, "%u\n", dtm_nterms(m));
  for (uint32_t d = 0; d < dtm_ndocs(m); d++) {
    uint32_t len;
    const uint32_t *ids = dtm_doc(m, d, &len);
    for (uint32_t i = 0; i < len; i++) fprintf(f, i ? " %u" : "%u", ids[i]);
    fputc('\n', f);
  }
  return fclose(f) == 0 ? 0 : -1;
}

static dtm *load_ids(const char *path, double *secs) {
  FILE *f = fopen(path, "r");
  if (!f) {
    fprintf(stderr, "bench_lda: %s: %s\n", path, strerror(errno));
    return NULL;
  }
  double t0 = now_s();
  char *line = NULL;
  size_t lcap = 0, dcap = 0, nd = 0;
  uint32_t **docs = NULL, *lens = NULL, nterms = 0;
  size_t lencap = 0;
  int ok = getline(&line, &lcap, f) > 0;
  if (ok) nterms = (uint32_t)strtoul(line, NULL, 10);
  while (ok && getline(&line, &lcap, f) > 0) {
    if (MEM_RESERVE(docs, dcap, nd + 1) != TOPICS_OK || MEM_RESERVE(lens, lencap, nd + 1) != TOPICS_OK) {
      ok = 0;
      break;
    }
    uint32_t *ids = NULL;
    size_t icap = 0, n = 0;
    char *p = line, *e;
    for (;;) {
      unsigned long v = strtoul(p, &e, 10);
      if (e == p) break;
      if (v >= nterms || MEM_RESERVE(ids, icap, n + 1) != TOPICS_OK) {
        ok = 0;
        break;
      }
      ids[n++] = (uint32_t)v;
      p = e;
    }
    docs[nd] = ids;
    lens[nd++] = (uint32_t)n;
  }
  fclose(f);
  free(line);
  dtm *m = NULL;
  if (ok && dtm_from_ids((uint32_t)nd, (const uint32_t *const *)docs, lens, nterms, NULL, &m) != TOPICS_OK)
    m = NULL;
  for (size_t d = 0; d < nd; d++) free(docs[d]);
  free(docs);
  free(lens);
  *secs = now_s() - t0;
  return m;
}

static int write_uci(const dtm *m, const char *dir) {
  char p[4096];
  snprintf(p, sizeof p, "%s/vocab.txt", dir);
  FILE *f = fopen(p, "w");
  if (!f) return -1;
  for (uint32_t t = 0; t < dtm_nterms(m); t++) fprintf(f, "%s\n", dtm_term_word(m, t));
  fclose(f);
  snprintf(p, sizeof p, "%s/docword.txt", dir);
  if (!(f = fopen(p, "w"))) return -1;
  const uint64_t *rows = dtm_csr_rows(m);
  const uint32_t *cols = dtm_csr_cols(m), *vals = dtm_csr_vals(m);
  fprintf(f, "%u\n%u\n%llu\n", dtm_ndocs(m), dtm_nterms(m), (unsigned long long)rows[dtm_ndocs(m)]);
  for (uint32_t d = 0; d < dtm_ndocs(m); d++)
    for (uint64_t j = rows[d]; j < rows[d + 1]; j++)
      fprintf(f, "%u %u %u\n", d + 1, cols[j] + 1, vals[j]);
  fclose(f);
  return 0;
}

static uint64_t bench_seed = 1; /* --seed */

/* Trains and returns tokens x iterations / wall seconds (and, in *per_cpu, / CPU seconds of the
 * whole process, which a busy machine disturbs less); *out keeps the model when non-NULL. */
static double throughput(const dtm *m, uint32_t k, uint32_t threads, uint32_t iters, int optimize,
                         lda **out, double *per_cpu) {
  lda_options o = lda_default_options();
  o.seed = bench_seed;
  o.k = k;
  o.threads = threads;
  o.iterations = iters;
  if (!optimize) o.optimize_interval = 0;
  topics_status st;
  lda *md = lda_new(m, &o, &st);
  if (!md) return 0;
  double t0 = now_s(), c0 = cpu_s();
  lda_train(md);
  double dt = now_s() - t0, dc = cpu_s() - c0;
  if (per_cpu) *per_cpu = (double)dtm_ntokens(m) * iters / dc;
  if (out) *out = md;
  else lda_free(md);
  return (double)dtm_ntokens(m) * iters / dt;
}

/* Mean NPMI of our topics' top-10 words. */
static double our_npmi(const lda *md, const dtm *m) {
  uint32_t k = lda_k(md), v = dtm_nterms(m);
  double *phi = malloc((size_t)v * sizeof *phi);
  uint32_t *top = malloc((size_t)k * 10 * sizeof *top);
  if (!phi || !top) return 0;
  for (uint32_t t = 0; t < k; t++) {
    lda_topic_word_dist(md, t, phi);
    for (uint32_t r = 0; r < 10; r++) {
      uint32_t best = UINT32_MAX;
      for (uint32_t w = 0; w < v; w++) {
        int taken = 0;
        for (uint32_t q = 0; q < r; q++) taken |= top[t * 10 + q] == w;
        if (!taken && (best == UINT32_MAX || phi[w] > phi[best])) best = w;
      }
      top[t * 10 + r] = best;
    }
  }
  double s = coh_npmi_mean(m, top, k, 10);
  free(phi);
  free(top);
  return s;
}

static double score_file(const dtm *m, const char *path, uint32_t *ntopics) {
  FILE *f = fopen(path, "r");
  if (!f) return 0;
  uint32_t *ids = NULL;
  size_t cap = 0, n = 0, per = 0;
  char *line = NULL;
  size_t lcap = 0;
  *ntopics = 0;
  while (getline(&line, &lcap, f) > 0) {
    char *p = line, *e;
    size_t here = 0;
    for (;;) {
      errno = 0;
      long v = strtol(p, &e, 10);
      if (e == p || errno || v < 0 || (unsigned long)v >= dtm_nterms(m)) break;
      if (MEM_RESERVE(ids, cap, n + 1) != TOPICS_OK) break;
      ids[n++] = (uint32_t)v;
      here++;
      p = e;
    }
    if (here) {
      if (per == 0) per = here;
      if (here != per) break; /* every topic must list the same number of words */
      (*ntopics)++;
    }
  }
  fclose(f);
  free(line);
  double s = *ntopics ? coh_npmi_mean(m, ids, *ntopics, (uint32_t)per) : 0;
  free(ids);
  return s;
}

/* --trace: the sampling seconds so far, from each sweep's reported throughput (the model times
 * its sweeps without the likelihood evaluations). */
typedef struct trace_state {
  uint64_t ntokens;
  double secs;
} trace_state;

static void trace_progress(void *ud, uint32_t it, uint32_t iters, double tps, double ll) {
  trace_state *ts = ud;
  if (tps > 0) ts->secs += (double)ts->ntokens / tps;
  if (it == 1 || it % 10 == 0 || it == iters) printf("%u %.4f %.6f\n", it, ts->secs, ll);
}

static int trace_main(int argc, char **argv) {
  if (argc != 9) {
    fprintf(stderr, "usage: bench_lda --trace IDS K ITERS THREADS ALPHA BETA SEED\n");
    return 2;
  }
  char *e1, *e2, *e3, *e4, *e5, *e6;
  long k = strtol(argv[3], &e1, 10), iters = strtol(argv[4], &e2, 10);
  long threads = strtol(argv[5], &e3, 10), seed = strtol(argv[8], &e6, 10);
  double alpha = strtod(argv[6], &e4), beta = strtod(argv[7], &e5);
  if (*e1 || *e2 || *e3 || *e4 || *e5 || *e6 || k <= 0 || k > 65535 || iters < 0 ||
      iters > 1000000 || threads <= 0 || threads > 256 || !(alpha > 0) || !(beta > 0) || seed < 0) {
    fprintf(stderr, "bench_lda: bad --trace arguments\n");
    return 2;
  }
  double load_s;
  dtm *m = load_ids(argv[2], &load_s);
  if (!m) return 1;
  trace_state ts = {dtm_ntokens(m), 0};
  lda_options o = lda_default_options();
  o.k = (uint32_t)k;
  o.iterations = (uint32_t)iters;
  o.threads = (uint32_t)threads;
  o.alpha = alpha;
  o.beta = beta;
  o.seed = (uint64_t)seed;
  /* ITERS 0 is the default run: the model's stopping rule and alpha optimisation from ALPHA. */
  if (iters > 0) o.optimize_interval = 0;
  o.progress = trace_progress;
  o.progress_ud = &ts;
  /* BENCH_LDA_START=random|warm overrides the start the model would choose (for measuring). */
  const char *start = getenv("BENCH_LDA_START");
  if (start && !strcmp(start, "random")) o.start = LDA_START_RANDOM;
  if (start && !strcmp(start, "warm")) o.start = LDA_START_WARM;
  if (bench_temper_env(&o, "bench_lda")) {
    dtm_free(m);
    return 2;
  }
  /* BENCH_LDA_RARE=N: terms of fewer than N tokens take the rare-term path (1: none does). */
  const char *rare = getenv("BENCH_LDA_RARE");
  if (rare) {
    char *end;
    unsigned long r = strtoul(rare, &end, 10);
    if (*end || r == 0 || r > UINT32_MAX) {
      fprintf(stderr, "bench_lda: BENCH_LDA_RARE must be a positive count\n");
      dtm_free(m);
      return 2;
    }
    o.rare_tokens = (uint32_t)r;
  }
  topics_status st;
  lda *md = lda_new(m, &o, &st);
  int rc = md && lda_train(md) == TOPICS_OK ? 0 : 1;
  if (md && iters == 0)
    printf("final: %u sweeps, %.4f s, LL/token %.6f\n", lda_iterations(md), ts.secs,
           lda_log_likelihood_per_token(md));
  lda_free(md);
  dtm_free(m);
  return rc;
}

int main(int argc, char **argv) {
  const char *data = "../shared/data/talks-pyvideo.jsonl", *uci = NULL, *score = NULL;
  const char *ids_in = NULL, *ids_out = NULL;
  uint32_t iters = 50, qk = 50, qiters = 500, only_k = 0, only_threads = 1;
  int quality_only = 0;
  setvbuf(stdout, NULL, _IOLBF, 0); /* rows appear as they are measured, also through a pipe */
  if (argc > 1 && !strcmp(argv[1], "--trace")) return trace_main(argc, argv);
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    char *e;
    if (!strcmp(a, "--data") && i + 1 < argc) data = argv[++i];
    else if (!strcmp(a, "--quality-only")) quality_only = 1;
    else if (!strcmp(a, "--uci") && i + 1 < argc) uci = argv[++i];
    else if (!strcmp(a, "--score") && i + 1 < argc) score = argv[++i];
    else if (!strcmp(a, "--ids") && i + 1 < argc) ids_in = argv[++i];
    else if (!strcmp(a, "--save-ids") && i + 1 < argc) ids_out = argv[++i];
    else if ((!strcmp(a, "--iters") || !strcmp(a, "--quality-k") || !strcmp(a, "--quality-iters") ||
              !strcmp(a, "--only-k") || !strcmp(a, "--threads") || !strcmp(a, "--seed")) &&
             i + 1 < argc) {
      long v = strtol(argv[++i], &e, 10);
      if (*e || v <= 0 || v > 100000) {
        fprintf(stderr, "bench_lda: bad number for %s\n", a);
        return 2;
      }
      if (!strcmp(a, "--iters")) iters = (uint32_t)v;
      else if (!strcmp(a, "--quality-k")) qk = (uint32_t)v;
      else if (!strcmp(a, "--only-k")) only_k = (uint32_t)v;
      else if (!strcmp(a, "--threads")) only_threads = (uint32_t)v;
      else if (!strcmp(a, "--seed")) bench_seed = (uint64_t)v;
      else qiters = (uint32_t)v;
    } else {
      fprintf(stderr,
              "usage: bench_lda [--data FILE] [--iters N] [--uci DIR] [--score FILE]"
              " [--quality-k K] [--quality-iters N] [--only-k K] [--threads N]"
              " [--ids FILE] [--save-ids FILE] [--seed N] [--quality-only]\n");
      return 2;
    }
  }
  double load_s;
  dtm *m = ids_in ? load_ids(ids_in, &load_s) : load(data, &load_s);
  if (!m) return 1;
  if (ids_out && save_ids(m, ids_out) != 0) fprintf(stderr, "bench_lda: cannot write %s\n", ids_out);
  if (score) {
    uint32_t nt = 0;
    double s = score_file(m, score, &nt);
    printf("%.4f %u\n", s, nt);
    dtm_free(m);
    return 0;
  }
  printf("corpus: %u docs, %llu tokens, %u terms (loaded in %.2f s)\n", dtm_ndocs(m),
         (unsigned long long)dtm_ntokens(m), dtm_nterms(m), load_s);
  if (uci && write_uci(m, uci) != 0) fprintf(stderr, "bench_lda: cannot write %s\n", uci);
  printf("%-28s %10s %12s %16s\n", "LDA sampling", "iterations", "M tokens/s", "M tokens/CPU-s");
  double c;
  if (only_k) { /* one configuration (for profiling), --threads N [1] */
    double r = throughput(m, only_k, only_threads, iters, 0, NULL, &c);
    char name[64];
    snprintf(name, sizeof name, "K=%u, %u thread%s", only_k, only_threads, only_threads > 1 ? "s" : "");
    printf("%-28s %10u %12.2f %16.2f\n", name, iters, r / 1e6, c / 1e6);
    dtm_free(m);
    return 0;
  }
  static const struct { uint32_t k, threads; } runs[] = {{10, 1}, {50, 1}, {200, 1}, {50, 2}};
  double r50 = 0, r200 = 0, c50 = 0, c200 = 0;
  for (size_t i = 0; !quality_only && i < sizeof runs / sizeof *runs; i++) {
    double r = throughput(m, runs[i].k, runs[i].threads, iters, 0, NULL, &c);
    char name[64];
    snprintf(name, sizeof name, "K=%u, %u thread%s", runs[i].k, runs[i].threads,
             runs[i].threads > 1 ? "s" : "");
    printf("%-28s %10u %12.2f %16.2f\n", name, iters, r / 1e6, c / 1e6);
    if (runs[i].threads == 1 && runs[i].k == 50) r50 = r, c50 = c;
    if (runs[i].threads == 1 && runs[i].k == 200) r200 = r, c200 = c;
  }
  if (!quality_only)
    printf("cost per token K=200 / K=50: %.2fx wall, %.2fx CPU\n", r200 > 0 ? r50 / r200 : 0,
         c200 > 0 ? c50 / c200 : 0);
  lda *q = NULL;
  double rq = throughput(m, qk, 1, qiters, 1, &q, &c);
  if (q) {
    printf("quality model K=%u, %u iterations (alpha optimised): %.2f M tokens/s, "
           "LL/token %.4f, NPMI(top 10) %.4f\n",
           qk, qiters, rq / 1e6, lda_log_likelihood_per_token(q), our_npmi(q, m));
    lda_free(q);
  }
  dtm_free(m);
  return 0;
}
