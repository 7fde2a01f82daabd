/* TF-IDF tags on a hand-made corpus whose right answers are obvious: each talk is about one
 * theme, "python" is in every talk, and talk 0 has a one-off typo. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "models/dtm.h"
#include "models/tags.h"

static const char *const talks[] = {
    "python docker docker container container deploy dokcer kubernetes",
    "python testing testing pytest pytest fixture fixture mock",
    "python async async await await event loop loop",
    "python scraping scraping html html requests crawler crawler",
    "python docker kubernetes kubernetes deploy deploy",
    "python pandas pandas numpy numpy dataframe testing",
};

static dtm *build(uint32_t min_df) {
  dtm_builder *b = dtm_builder_new();
  for (size_t d = 0; d < sizeof talks / sizeof *talks; d++) {
    uint32_t sids[32];
    size_t n = 0;
    dtm_builder_begin_doc(b);
    const char *p = talks[d];
    while (*p) {
      const char *e = strchr(p, ' ');
      if (!e) e = p + strlen(p);
      dtm_builder_surface(b, p, (size_t)(e - p), p, (size_t)(e - p), &sids[n++]);
      p = *e ? e + 1 : e;
    }
    dtm_builder_add(b, sids, n);
  }
  dtm_options o = dtm_default_options();
  o.min_df = min_df;
  dtm *m = NULL;
  CHECK(dtm_build(b, &o, &m) == TOPICS_OK);
  dtm_builder_free(b);
  return m;
}

static int has(const dtm *m, const tags_doc *t, const char *w) {
  for (uint32_t i = 0; i < t->n; i++)
    if (strcmp(dtm_term_word(m, t->terms[i]), w) == 0) return 1;
  return 0;
}

int main(void) {
  dtm *m = build(1); /* keep one-document terms so the noise rule itself is tested */
  tags_doc *tg = NULL;
  CHECK(tags_compute(m, 3, &tg) == TOPICS_OK);
  if (m && tg) {
    uint32_t D = dtm_ndocs(m);
    for (uint32_t d = 0; d < D; d++) {
      CHECK(tg[d].n <= 3);
      CHECK(!has(m, &tg[d], "python")); /* in every talk */
      for (uint32_t i = 1; i < tg[d].n; i++) {
        CHECK(tg[d].scores[i] <= tg[d].scores[i - 1]);
        if (tg[d].scores[i] == tg[d].scores[i - 1]) CHECK(tg[d].terms[i] > tg[d].terms[i - 1]);
      }
    }
    CHECK(!has(m, &tg[0], "dokcer")); /* the one-off typo, despite the highest idf */
    CHECK(has(m, &tg[0], "container") && has(m, &tg[0], "docker"));
    CHECK_STREQ(dtm_term_word(m, tg[0].terms[0]), "container"); /* tf 2, only here */
    CHECK(has(m, &tg[1], "pytest") && has(m, &tg[1], "fixture"));
    CHECK(!has(m, &tg[1], "mock")); /* once, in one talk */
    CHECK(has(m, &tg[2], "async") && has(m, &tg[2], "await") && has(m, &tg[2], "loop"));
    CHECK(has(m, &tg[3], "scraping") && has(m, &tg[3], "crawler") && has(m, &tg[3], "html"));
    CHECK(has(m, &tg[4], "kubernetes") && has(m, &tg[4], "deploy"));
    CHECK(has(m, &tg[5], "pandas") && has(m, &tg[5], "numpy"));
    /* A once-used word shared with another talk does qualify: "testing" in talk 5 (df 2). */
    tags_doc *all = NULL;
    CHECK(tags_compute(m, 100, &all) == TOPICS_OK);
    if (all) {
      CHECK(has(m, &all[5], "testing"));
      CHECK(!has(m, &all[5], "dataframe"));
      CHECK(all[0].n == 4); /* docker, container, deploy, kubernetes; not python, not dokcer */
      tags_free(all, D);
    }
  }
  tags_free(tg, m ? dtm_ndocs(m) : 0);
  dtm_free(m);

  /* One talk: no idf, the most frequent qualifying terms. Zero tags asked: none. */
  uint32_t d0[] = {0, 1, 1, 2, 2, 2};
  const uint32_t *docs[] = {d0};
  uint32_t lens[] = {6};
  CHECK(dtm_from_ids(1, docs, lens, 3, NULL, &m) == TOPICS_OK);
  CHECK(tags_compute(m, 2, &tg) == TOPICS_OK);
  CHECK(tg[0].n == 2 && tg[0].terms[0] == 2 && tg[0].terms[1] == 1);
  tags_free(tg, 1);
  CHECK(tags_compute(m, 0, &tg) == TOPICS_OK);
  CHECK(tg[0].n == 0);
  tags_free(tg, 1);
  dtm_free(m);
  tags_free(NULL, 3);
  return check_done();
}
