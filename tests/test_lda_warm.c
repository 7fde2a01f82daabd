/* The warm start at high K (models/lda_warm.c), where a sample of 4,096 tokens per topic would
 * take more than a quarter of the documents: a corpus of 40 planted topics learned with K = 48.
 * Just above the size at which the capped quarter sample is allowed, the default start is warm and
 * recovers the planted topics; just below it, the default start is the random one, draw for draw. */
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "topic_match.h"
#include "models/dtm.h"
#include "models/lda.h"

#define HK 40           /* planted topics */
#define OWN 100         /* own words of each */
#define HV (HK * OWN)   /* vocabulary */
#define HL 48           /* learned topics */

static double phi[HK * HV];

/* nd documents of 50-150 tokens, topic mixes from a symmetric Dirichlet(0.05); each topic puts
 * 99% of its mass on its own words and 1% on all words. *n gets the token count. */
static dtm *plant(uint32_t nd, uint64_t *n) {
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(r, 7);
  for (int k = 0; k < HK; k++) {
    double own[OWN], ones[OWN];
    for (int i = 0; i < OWN; i++) ones[i] = 1.0;
    gsl_ran_dirichlet(r, OWN, ones, own);
    for (int w = 0; w < HV; w++) phi[k * HV + w] = 0.01 / HV;
    for (int i = 0; i < OWN; i++) phi[k * HV + k * OWN + i] += 0.99 * own[i];
  }
  double alpha[HK];
  for (int k = 0; k < HK; k++) alpha[k] = 0.05;
  gsl_ran_discrete_t *wd[HK];
  for (int k = 0; k < HK; k++) wd[k] = gsl_ran_discrete_preproc(HV, phi + k * HV);
  uint32_t **docs = malloc(nd * sizeof *docs), *lens = malloc(nd * sizeof *lens);
  CHECK(docs && lens);
  *n = 0;
  for (uint32_t d = 0; docs && lens && d < nd; d++) {
    double theta[HK];
    gsl_ran_dirichlet(r, HK, alpha, theta);
    gsl_ran_discrete_t *td = gsl_ran_discrete_preproc(HK, theta);
    lens[d] = 50 + (uint32_t)gsl_rng_uniform_int(r, 101);
    docs[d] = malloc(lens[d] * sizeof(uint32_t));
    CHECK(docs[d] != NULL);
    for (uint32_t i = 0; docs[d] && i < lens[d]; i++)
      docs[d][i] = (uint32_t)gsl_ran_discrete(r, wd[gsl_ran_discrete(r, td)]);
    *n += lens[d];
    gsl_ran_discrete_free(td);
  }
  dtm *m = NULL;
  if (docs && lens)
    CHECK(dtm_from_ids(nd, (const uint32_t *const *)docs, lens, HV, NULL, &m) == TOPICS_OK);
  for (uint32_t d = 0; docs && d < nd; d++) free(docs[d]);
  free(docs), free(lens);
  for (int k = 0; k < HK; k++) gsl_ran_discrete_free(wd[k]);
  gsl_rng_free(r);
  return m;
}

/* What the progress callbacks saw: the LL after the first sweep, and the warm start's calls. */
typedef struct seen {
  double first;
  uint32_t warm_calls, warm_last, warm_of, warm_ll_nan;
} seen;

static void on_progress(void *ud, uint32_t it, uint32_t its, double tps, double ll) {
  if (it == 1) ((seen *)ud)->first = ll;
  (void)its;
  (void)tps;
}

static void on_warm(void *ud, uint32_t it, uint32_t its, double tps, double ll) {
  seen *s = ud;
  s->warm_calls++;
  s->warm_last = it;
  s->warm_of = its;
  s->warm_ll_nan += isnan(ll) != 0;
  (void)tps;
}

/* Trains K = 48 for `sweeps` sweeps from `start` with seed `seed`; *sn gets what the progress
 * callbacks saw and, when lost is not NULL, *lost the planted topics whose matched learned topic
 * has cosine < 0.9. */
static void train(const dtm *m, lda_start start, uint32_t sweeps, uint64_t seed, seen *sn,
                  int *lost) {
  lda_options o = lda_default_options();
  o.k = HL;
  o.iterations = sweeps;
  o.threads = 1;
  o.seed = seed;
  o.start = start;
  o.progress = on_progress;
  o.warm_progress = on_warm;
  o.progress_ud = sn;
  topics_status st;
  lda *md = lda_new(m, &o, &st);
  CHECK(md != NULL);
  if (!md) return;
  CHECK(lda_train(md) == TOPICS_OK);
  if (lost) {
    static double learned[HL * HV];
    for (uint32_t t = 0; t < HL; t++) lda_topic_word_dist(md, t, learned + (size_t)t * HV);
    int match[HK];
    tm_match(phi, HK, learned, HL, HV, match);
    *lost = 0;
    for (int k = 0; k < HK; k++)
      *lost += tm_cosine(phi + k * HV, learned + (size_t)match[k] * HV, HV) < 0.9;
  }
  lda_free(md);
}

/* 2,700 documents (about 272,000 tokens): the quarter sample holds over 65,536 tokens and over
 * 1,024 per topic, so the default start is warm, far above a random start after one sweep, and
 * 100 sweeps recover all but two planted topics on average over WARM_SEEDS chains (one chain may
 * lose three: which topics merge is the luck of its draws). The warm start reports each of its
 * sample model's 200 iterations, without a likelihood. */
#define WARM_SEEDS 4
static void test_capped_warm(void) {
  uint64_t n;
  dtm *m = plant(2700, &n);
  if (!m) return;
  CHECK_MSG(n / 4 >= 65536 && n / 4 >= 1024u * HL, "corpus of %llu tokens too small for the test",
            (unsigned long long)n);
  seen a = {0, 0, 0, 0, 0}, r = {0, 0, 0, 0, 0};
  int lost = 0;
  char each[64] = "";
  train(m, LDA_START_RANDOM, 1, 1, &r, NULL);
  for (uint64_t seed = 1; seed <= WARM_SEEDS; seed++) {
    int l = HK;
    a = (seen){0, 0, 0, 0, 0}; /* the checks below look at the last chain */
    train(m, LDA_START_AUTO, 100, seed, &a, &l);
    lost += l;
    size_t at = strlen(each);
    snprintf(each + at, sizeof each - at, "%s%d", seed > 1 ? ", " : "", l);
  }
  CHECK_MSG(a.first > r.first + 0.5,
            "LL after one sweep %.4f from the default start, %.4f from a random one", a.first,
            r.first);
  CHECK_MSG(lost <= 2 * WARM_SEEDS,
            "default start at K = %d: %d of %d planted topics lost over %d chains (%s)", HL, lost,
            HK * WARM_SEEDS, WARM_SEEDS, each);
  CHECK_MSG(a.warm_calls == 200 && a.warm_last == 200 && a.warm_of == 200 && a.warm_ll_nan == 200,
            "warm start progress: %u calls, last %u of %u, %u without a likelihood", a.warm_calls,
            a.warm_last, a.warm_of, a.warm_ll_nan);
  CHECK_MSG(r.warm_calls == 0, "a random start reported %u warm-start iterations", r.warm_calls);
  dtm_free(m);
}

/* 2,500 documents (about 252,000 tokens): the quarter sample would hold under 65,536 tokens, so
 * the default start is the random one, giving the same likelihood after a sweep. */
static void test_too_small(void) {
  uint64_t n;
  dtm *m = plant(2500, &n);
  if (!m) return;
  CHECK_MSG(n / 4 < 65536, "corpus of %llu tokens too large for the test", (unsigned long long)n);
  seen a = {0, 0, 0, 0, 0}, r = {1, 0, 0, 0, 0};
  train(m, LDA_START_RANDOM, 1, 1, &r, NULL);
  train(m, LDA_START_AUTO, 1, 1, &a, NULL);
  CHECK_MSG(a.first == r.first && a.warm_calls == 0,
            "LL after one sweep %.6f from the default start, %.6f from a random one (%u warm-start "
            "iterations)", a.first, r.first, a.warm_calls);
  dtm_free(m);
}

int main(void) {
  test_capped_warm();
  test_too_small();
  return check_done();
}
