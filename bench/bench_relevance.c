/* Choosing the relevance weight λ of the topic-word ranking (models/summary.h) by measurement.
 *
 *   bench_relevance [--data FILE.jsonl] [--k K] [--iters N] [--seed N]
 *
 * Reads the talks through the project's reader and tokenizer, builds the term matrix as the main
 * command does (min_df 2, default max_df rule), trains one model (alpha optimised) and prints, for
 * λ from 1 (rank by p(word | topic) alone) down to 0 (lift alone): the mean NPMI of every topic's
 * top 10 words (models/coherence.h), how many distinct words the top 10s use over all topics (a
 * word repeated across topics lowers it), and the mean share of talks that contain a top word
 * (generic words are in many talks). The same model is used for every λ, so only the ranking
 * differs. BENCH_LDA_TEMPER=N|auto trains with a tempered start, as bench_lda does;
 * BENCH_LDA_ALPHA=F with α fixed at F per topic, not optimised, as the race against MALLET. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/bench_load.h"
#include "common/mem.h"
#include "models/coherence.h"
#include "models/dtm.h"
#include "models/lda.h"
#include "models/summary.h"
#include "tokenize/lexicon.h"
#include "tokenize/tokenizer.h"

#define TOPN 10

/* Appends the tokenizer's terms of one talk to b as surface ids; ent_sid caches entry -> sid + 1. */
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

static dtm *load(const char *path) {
  corpus c;
  memset(&c, 0, sizeof c);
  if (load_jsonl(path, NULL, &c)) {
    fprintf(stderr, "bench_relevance: %s: cannot read talks\n", path);
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
  for (size_t d = 0; ok && d < c.ndocs; d++)
    ok = dtm_builder_begin_doc(b) == TOPICS_OK &&
         add_terms(tk, b, c.buf + c.off[d], c.dlen[d], &tids, &tidcap, &ent_sid, &ecap) == 0;
  tok_free(tk);
  lex_free(lx);
  free(tids);
  free(ent_sid);
  corpus_free(&c);
  dtm *m = NULL;
  dtm_options o = dtm_default_options();
  if (ok) dtm_build(b, &o, &m);
  dtm_builder_free(b);
  return m;
}

static void report(const lda *md, const dtm *m, double lambda, int show) {
  summary *s = NULL;
  if (sum_compute_rel(md, m, TOPN, 0, lambda, &s) != TOPICS_OK) {
    fprintf(stderr, "bench_relevance: summary failed\n");
    return;
  }
  uint32_t K = s->k, V = dtm_nterms(m), D = dtm_ndocs(m);
  uint32_t *top = malloc((size_t)K * TOPN * sizeof *top);
  uint8_t *seen = calloc(V ? V : 1, 1);
  if (!top || !seen) {
    free(top);
    free(seen);
    sum_free(s);
    return;
  }
  uint32_t distinct = 0;
  double dfshare = 0;
  for (uint32_t t = 0; t < K; t++)
    for (uint32_t i = 0; i < TOPN; i++) {
      uint32_t w = i < s->topics[t].nwords ? s->topics[t].words[i] : UINT32_MAX;
      top[(size_t)t * TOPN + i] = w;
      if (w == UINT32_MAX) continue;
      if (!seen[w]) distinct++;
      seen[w] = 1;
      dfshare += (double)dtm_term_df(m, w) / D;
    }
  printf("%6.2f %10.4f %10u %12.4f\n", lambda, coh_npmi_mean(m, top, K, TOPN), distinct,
         dfshare / ((double)K * TOPN));
  for (uint32_t t = 0; show && t < 3 && t < K; t++) {
    printf("        topic %u:", t);
    for (uint32_t i = 0; i < s->topics[t].nwords; i++)
      printf(" %s", dtm_term_word(m, s->topics[t].words[i]));
    putchar('\n');
  }
  free(top);
  free(seen);
  sum_free(s);
}

int main(int argc, char **argv) {
  const char *data = "../shared/data/talks-pyvideo.jsonl";
  unsigned long k = 50, iters = 500, seed = 1;
  int show = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    char *e = NULL;
    if (!strcmp(a, "--show")) {
      show = 1;
      continue;
    }
    if (i + 1 >= argc) goto usage;
    if (!strcmp(a, "--data")) data = argv[++i];
    else if (!strcmp(a, "--k")) k = strtoul(argv[++i], &e, 10);
    else if (!strcmp(a, "--iters")) iters = strtoul(argv[++i], &e, 10);
    else if (!strcmp(a, "--seed")) seed = strtoul(argv[++i], &e, 10);
    else goto usage;
    if (e && (*e || k == 0 || k > 65535 || iters == 0 || iters > 1000000)) goto usage;
  }
  dtm *m = load(data);
  if (!m) return 1;
  lda_options o = lda_default_options();
  o.k = (uint32_t)k;
  o.iterations = (uint32_t)iters;
  o.seed = seed;
  o.threads = 1;
  if (bench_temper_env(&o, "bench_relevance")) {
    dtm_free(m);
    return 2;
  }
  const char *fixed = getenv("BENCH_LDA_ALPHA"); /* a fixed α per topic, as the race samples */
  if (fixed) {
    char *end;
    o.alpha = strtod(fixed, &end);
    o.optimize_interval = 0;
    if (end == fixed || *end || !(o.alpha > 0)) {
      fprintf(stderr, "bench_relevance: BENCH_LDA_ALPHA must be a positive number\n");
      dtm_free(m);
      return 2;
    }
  }
  topics_status st;
  lda *md = lda_new(m, &o, &st);
  if (!md || lda_train(md) != TOPICS_OK) {
    fprintf(stderr, "bench_relevance: training failed\n");
    lda_free(md);
    dtm_free(m);
    return 1;
  }
  printf("%u talks, %u terms, K=%lu, %lu iterations, seed %lu\n", dtm_ndocs(m), dtm_nterms(m), k,
         iters, seed);
  printf("%6s %10s %10s %12s\n", "lambda", "NPMI@10", "distinct", "mean df/D");
  static const double lambdas[] = {1.0, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.0};
  for (size_t i = 0; i < sizeof lambdas / sizeof *lambdas; i++) report(md, m, lambdas[i], show);
  lda_free(md);
  dtm_free(m);
  return 0;
usage:
  fprintf(stderr, "usage: bench_relevance [--data FILE.jsonl] [--k K] [--iters N] [--seed N] [--show]\n");
  return 2;
}
