/* Evaluation: held-out choice, diversity, document completion on a planted corpus (the true K
 * fits unseen text better than K/3 and 3K), and the choice of K on a corpus drawn with K = 12. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "models/eval.h"
#include "planted.h"

static void test_holdout_pick(void) {
  uint8_t a[200], b[200];
  uint32_t n = ev_holdout_pick(200, 0.1, 5, a);
  CHECK(n == 20);
  uint32_t c = 0;
  for (int i = 0; i < 200; i++) c += a[i];
  CHECK(c == 20);
  CHECK(ev_holdout_pick(200, 0.1, 5, b) == 20 && memcmp(a, b, sizeof a) == 0);
  ev_holdout_pick(200, 0.1, 6, b);
  CHECK(memcmp(a, b, sizeof a) != 0);
  CHECK(ev_holdout_pick(200, 0, 5, a) == 0);
  CHECK(ev_holdout_pick(3, 0.99, 5, a) == 2); /* never every talk */
}

static void test_diversity(void) {
  uint32_t same[] = {1, 2, 3, 1, 2, 3}, apart[] = {1, 2, 3, 4, 5, 6};
  CHECK(fabs(ev_diversity(same, 2, 3) - 0.5) < 1e-12);
  CHECK(fabs(ev_diversity(apart, 2, 3) - 1.0) < 1e-12);
}

/* Held-out perplexity of a model with k topics trained on the talks p does not hold out. */
static double heldout_perplexity(const planted *p, const uint8_t *held, uint32_t k) {
  const uint32_t **tr = malloc(p->ndocs * sizeof *tr), **ho = malloc(p->ndocs * sizeof *ho);
  uint32_t *trl = malloc(p->ndocs * sizeof *trl), *hol = malloc(p->ndocs * sizeof *hol);
  uint32_t ntr = 0, nho = 0;
  for (uint32_t d = 0; d < p->ndocs; d++) {
    if (held[d]) {
      ho[nho] = p->docs[d];
      hol[nho++] = p->lens[d];
    } else {
      tr[ntr] = p->docs[d];
      trl[ntr++] = p->lens[d];
    }
  }
  dtm *train = NULL;
  double perp = -1;
  if (dtm_from_ids(ntr, tr, trl, p->v, NULL, &train) == TOPICS_OK) {
    lda_options o = lda_default_options();
    o.k = k;
    o.iterations = 300;
    o.seed = 1;
    topics_status st;
    lda *model = lda_new(train, &o, &st);
    lif *f = model && lda_train(model) == TOPICS_OK ? lif_from_lda(model, p->v, &st) : NULL;
    lif_options io = lif_default_options();
    if (f && ev_doc_completion(f, nho, ho, hol, &io, &perp) != TOPICS_OK) perp = -1;
    lif_free(f);
    lda_free(model);
  }
  dtm_free(train);
  free(tr);
  free(ho);
  free(trl);
  free(hol);
  return perp;
}

static void test_doc_completion(void) {
  planted p;
  CHECK(planted_make(&p, 12, 600, 700, 11));
  uint8_t *held = malloc(p.ndocs);
  ev_holdout_pick(p.ndocs, 0.15, 1, held);
  double p4 = heldout_perplexity(&p, held, 4), p12 = heldout_perplexity(&p, held, 12),
         p36 = heldout_perplexity(&p, held, 36);
  printf("held-out perplexity: K=4 %.1f, K=12 %.1f, K=36 %.1f (vocabulary %u)\n", p4, p12, p36, p.v);
  CHECK(p12 > 1 && p12 < p.v);
  CHECK_MSG(p12 < p4, "K=12 %.2f vs K=4 %.2f", p12, p4);
  CHECK_MSG(p12 < p36, "K=12 %.2f vs K=36 %.2f", p12, p36);
  free(held);
  planted_free(&p);
}

static void test_choose_k(void) {
  planted p;
  CHECK(planted_make(&p, 12, 600, 700, 21));
  uint32_t ks[8], nk;
  ev_grid(p.m, 0, 0, ks, &nk);
  CHECK(nk == 6 && ks[0] == 5 && ks[nk - 1] == 50);
  ev_choose_options o;
  memset(&o, 0, sizeof o);
  o.holdout = 0.1;
  o.seed = 1;
  o.threads = 2;
  o.iterations = 300;
  o.base = lda_default_options();
  ev_candidate c[EV_MAX_CANDIDATES];
  uint32_t n = 0, chosen = 0;
  CHECK(ev_choose_k(p.m, &o, c, &n, &chosen) == TOPICS_OK);
  CHECK(n == nk);
  for (uint32_t i = 0; i < n; i++)
    printf("K %3u  perplexity %8.2f  npmi %6.3f  diversity %5.3f\n", c[i].k, c[i].perplexity,
           c[i].npmi, c[i].diversity);
  CHECK_MSG(chosen >= 10 && chosen <= 15, "chose K = %u", chosen);
  planted_free(&p);
}

int main(void) {
  test_holdout_pick();
  test_diversity();
  test_doc_completion();
  test_choose_k();
  return check_done();
}
