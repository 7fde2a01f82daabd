/* Model keeping and measuring around the main command's training (see model_run.h). */
#include "pipeline/model_run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "common/clock.h"
#include "common/mem.h"
#include "models/coherence.h"
#include "models/eval.h"
#include "models/lda_infer.h"
#include "pipeline/json_write.h"

/* The lists are owned through this wrapper so that mrun_save_free can release them. */
typedef struct mrun_save {
  mf_save_info info; /* first: the public view */
  char **stop, **dict;
} mrun_save;

topics_status mrun_save_new(const cli_options *o, mf_save_info **out) {
  *out = NULL;
  mrun_save *s = calloc(1, sizeof *s);
  if (!s) return TOPICS_ENOMEM;
  s->info.fold_han = o->fold_han;
  s->info.phrases = o->phrases;
  s->info.keep_code = o->keep_code;
  s->info.seed = o->seed;
  topics_status st = TOPICS_OK;
  if (o->stopwords_file) st = mf_read_list(o->stopwords_file, &s->stop, &s->info.nstop);
  if (st == TOPICS_OK && o->dict_file) st = mf_read_list(o->dict_file, &s->dict, &s->info.ndict);
  if (st != TOPICS_OK) {
    mrun_save_free(&s->info);
    return st;
  }
  s->info.stop = (const char *const *)s->stop;
  s->info.dict = (const char *const *)s->dict;
  *out = &s->info;
  return TOPICS_OK;
}

void mrun_save_free(mf_save_info *info) {
  if (!info) return;
  mrun_save *s = (mrun_save *)info;
  mf_list_free(s->stop, s->info.nstop);
  mf_list_free(s->dict, s->info.ndict);
  free(s);
}

topics_status mrun_choose_k(const cli_options *o, const dtm *m, uint32_t threads,
                            volatile sig_atomic_t *stop, uint32_t *k) {
  ev_choose_options eo;
  memset(&eo, 0, sizeof eo);
  eo.kmin = o->k_min;
  eo.kmax = o->k_max;
  eo.holdout = o->holdout > 0 ? o->holdout : 0.1;
  eo.seed = o->seed;
  eo.threads = threads;
  /* -i sets the final model's sweeps; the candidates never run longer than their default */
  uint32_t cap = EV_CANDIDATE_SWEEPS;
  eo.iterations = o->iterations && o->iterations < cap ? o->iterations : 0;
  eo.base = lda_default_options();
  if (o->alpha > 0) eo.base.alpha = o->alpha;
  eo.base.beta = o->beta;
  if (o->optimize_interval >= 0) eo.base.optimize_interval = (uint32_t)o->optimize_interval;
  eo.stop = stop;
  uint32_t ks[EV_MAX_CANDIDATES], nk;
  ev_grid(m, o->k_min, o->k_max, ks, &nk);
  if (!o->quiet) {
    fprintf(stderr, "topics: choosing K among");
    for (uint32_t i = 0; i < nk; i++) fprintf(stderr, " %u", ks[i]);
    fprintf(stderr, " on held-out talks\n");
  }
  ev_candidate c[EV_MAX_CANDIDATES];
  uint32_t n = 0;
  topics_status st = ev_choose_k(m, &eo, c, &n, k);
  if (st != TOPICS_OK || o->quiet) return st;
  char a[JW_NUMBUF], b[JW_NUMBUF], d[JW_NUMBUF], e[JW_NUMBUF];
  fprintf(stderr, "%6s %12s %8s %10s %9s\n", "K", "perplexity", "NPMI", "diversity", "seconds");
  for (uint32_t i = 0; i < n; i++)
    fprintf(stderr, "%6u %12s %8s %10s %9s%s\n", c[i].k, jw_format_fixed(a, c[i].perplexity, 2),
            jw_format_fixed(b, c[i].npmi, 3), jw_format_fixed(d, c[i].diversity, 3),
            jw_format_fixed(e, c[i].seconds, 2), c[i].k == *k ? "  <- chosen" : "");
  /* Held-out perplexity of real talks tends to keep falling with K; say so rather than reach
   * further unasked (a wider range costs more and yields less distinct topics). */
  if (n > 1 && *k == c[n - 1].k && c[n - 1].perplexity < c[n - 2].perplexity)
    fprintf(stderr, "topics: K = %u is the top of the range and held-out perplexity was still "
            "falling there; -k %u:%u looks further\n", *k, *k, 3 * *k);
  return TOPICS_OK;
}

topics_status mrun_holdout_split(const dtm *m, double frac, uint64_t seed, uint8_t **held,
                                 dtm **train) {
  uint32_t nd = dtm_ndocs(m);
  *held = malloc(nd ? nd : 1);
  const uint32_t **docs = malloc(((size_t)nd + 1) * sizeof *docs);
  uint32_t *lens = malloc(((size_t)nd + 1) * sizeof *lens);
  topics_status st = TOPICS_ENOMEM;
  if (*held && docs && lens) {
    ev_holdout_pick(nd, frac, seed, *held);
    for (uint32_t d = 0; d < nd; d++) {
      docs[d] = dtm_doc(m, d, &lens[d]);
      if ((*held)[d]) lens[d] = 0; /* kept as an empty talk, so indexes stay those of m */
    }
    st = dtm_from_ids(nd, docs, lens, dtm_nterms(m), NULL, train);
  }
  free(docs);
  free(lens);
  if (st != TOPICS_OK) {
    free(*held);
    *held = NULL;
  }
  return st;
}

/* theta's top topics into sd as summary.c chooses them: at most 3, each >= 0.05. */
static void set_top(sum_doc *sd, uint32_t k) {
  sd->ntop = 0;
  for (uint32_t i = 0; i < 3; i++) {
    uint32_t best = UINT32_MAX;
    for (uint32_t t = 0; t < k; t++) {
      int taken = 0;
      for (uint32_t j = 0; j < i; j++) taken |= sd->top[j] == t;
      if (taken || sd->theta[t] < 0.05) continue;
      if (best == UINT32_MAX || sd->theta[t] > sd->theta[best]) best = t;
    }
    if (best == UINT32_MAX) break;
    sd->top[sd->ntop++] = best;
  }
}

topics_status mrun_holdout_finish(const lda *model, const dtm *m, const uint8_t *held,
                                  uint64_t seed, uint32_t threads, volatile sig_atomic_t *stop,
                                  summary *sum, double *perplexity) {
  *perplexity = 0;
  uint32_t nd = dtm_ndocs(m), k = lda_k(model), nho = 0;
  topics_status st;
  lif *f = lif_from_lda(model, dtm_nterms(m), &st);
  if (!f) return st;
  const uint32_t **docs = malloc(((size_t)nd + 1) * sizeof *docs);
  uint32_t *lens = malloc(((size_t)nd + 1) * sizeof *lens), *which = malloc(((size_t)nd + 1) * sizeof *which);
  double *theta = NULL;
  st = TOPICS_ENOMEM;
  if (docs && lens && which) {
    for (uint32_t d = 0; d < nd; d++)
      if (held[d]) {
        which[nho] = d;
        docs[nho] = dtm_doc(m, d, &lens[nho]);
        nho++;
      }
    lif_options io = lif_default_options();
    io.seed = seed;
    io.threads = threads;
    io.stop = stop;
    st = ev_doc_completion(f, nho, docs, lens, &io, perplexity);
    size_t tb;
    if (st == TOPICS_OK && (mem_mul((size_t)nho + 1, (size_t)k * sizeof *theta, &tb) != TOPICS_OK ||
                            !(theta = malloc(tb))))
      st = TOPICS_ENOMEM;
    if (st == TOPICS_OK) st = lif_infer(f, nho, docs, lens, &io, theta);
    for (uint32_t i = 0; st == TOPICS_OK && i < nho; i++) {
      sum_doc *sd = &sum->docs[which[i]];
      memcpy(sd->theta, theta + (size_t)i * k, k * sizeof *theta);
      if (lens[i]) set_top(sd, k);
    }
  }
  free(docs);
  free(lens);
  free(which);
  free(theta);
  lif_free(f);
  return st;
}

void mrun_topic_quality(const summary *sum, const dtm *m, double *coherence, double *diversity) {
  uint32_t k = sum->k, n = 0;
  for (uint32_t t = 0; t < k; t++) {
    coherence[t] = coh_npmi(m, sum->topics[t].words, sum->topics[t].nwords);
    n = sum->topics[t].nwords > n ? sum->topics[t].nwords : n;
  }
  /* every topic shows the same number of words; diversity counts them all */
  uint32_t *all = malloc(((size_t)k * n + 1) * sizeof *all);
  *diversity = 0;
  if (!all) return;
  size_t at = 0;
  for (uint32_t t = 0; t < k; t++)
    for (uint32_t i = 0; i < sum->topics[t].nwords; i++) all[at++] = sum->topics[t].words[i];
  *diversity = ev_diversity(all, 1, (uint32_t)at);
  free(all);
}

void mrun_timing(out_run *r, double tokenize_s, double t0, double t_read, double t_model0,
                 double t_end) {
  r->tokenize_s = tokenize_s;
  r->read_s = (t_read - t0) - tokenize_s;
  if (r->read_s < 0) r->read_s = 0;
  r->model_s = t_end - t_model0;
  r->total_s = clock_seconds() - t0;
  struct rusage ru;
  if (getrusage(RUSAGE_SELF, &ru) == 0) r->peak_rss_mb = (double)ru.ru_maxrss / 1024.0;
}
