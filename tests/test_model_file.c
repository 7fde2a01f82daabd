/* The model file: a trained model saved and loaded again keeps its vocabulary, settings and
 * topic-word counts; every truncation, every flipped byte, another format version and a
 * missing file are clear errors. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "common/diag.h"
#include "models/lda.h"
#include "models/model_file.h"
#include "planted.h"
#include "test_util.h"

static uint64_t fnv(const unsigned char *p, size_t n) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 0x100000001b3ull;
  return h;
}

/* The model file of a model trained on p, as bytes. */
static unsigned char *saved(const planted *p, lda **model_out, size_t *n, const char *const *stop,
                            uint32_t nstop) {
  lda_options o = lda_default_options();
  o.k = p->k;
  o.iterations = 60;
  o.seed = 7;
  topics_status st;
  lda *model = lda_new(p->m, &o, &st);
  if (!model || lda_train(model) != TOPICS_OK) return NULL;
  mf_save_info in = {model, p->m, 7, 1, 1, 1, stop, nstop, NULL, 0};
  FILE *f = tmpfile();
  CHECK(mf_write(f, &in) == TOPICS_OK);
  rewind(f);
  unsigned char *buf = (unsigned char *)tu_read_all(f, n);
  fclose(f);
  *model_out = model;
  return buf;
}

static void test_round_trip(void) {
  planted p;
  CHECK(planted_make(&p, 6, 120, 80, 3));
  lda *model = NULL;
  size_t n = 0;
  const char *stop[] = {"foo", "bar baz"};
  unsigned char *buf = saved(&p, &model, &n, stop, 2);
  CHECK(buf != NULL);
  mf_model *md = NULL;
  char err[256];
  CHECK(mf_parse(buf, n, &md, err, sizeof err) == TOPICS_OK);
  if (md) {
    CHECK(md->k == 6 && md->v == dtm_nterms(p.m) && md->seed == 7 && md->iterations == 60);
    CHECK(md->fold_han == 1 && md->phrases == 1 && md->keep_code == 1 && md->nstop == 2 &&
          md->ndict == 0);
    CHECK_STREQ(md->stop[1], "bar baz");
    CHECK(md->beta == lda_beta(model));
    for (uint32_t t = 0; t < md->k; t++) CHECK(md->alpha[t] == lda_alpha(model)[t]);
    int words_ok = 1;
    for (uint32_t t = 0; t < md->v; t++)
      words_ok &= strcmp(md->keys[t], dtm_term_key(p.m, t)) == 0 &&
                  strcmp(md->words[t], dtm_term_word(p.m, t)) == 0 && md->nwords[t] == 1;
    CHECK(words_ok);
    uint32_t id = 99999;
    CHECK(mf_find(md, md->keys[5], strlen(md->keys[5]), &id) && id == 5);
    CHECK(!mf_find(md, "no such key", 11, &id));
    /* The saved counts give back exactly the model's smoothed topic-word distributions. */
    double *phi = malloc(md->v * sizeof *phi), worst = 0;
    uint64_t total = 0;
    for (uint32_t t = 0; t < md->k; t++) {
      lda_topic_word_dist(model, t, phi);
      CHECK(md->topic_tokens[t] == lda_topic_tokens(model, t));
      total += md->topic_tokens[t];
      double den = (double)md->topic_tokens[t] + md->v * md->beta;
      for (uint32_t w = 0; w < md->v; w++) {
        double c = 0;
        for (uint64_t i = md->row_off[t]; i < md->row_off[t + 1]; i++)
          if (md->terms[i] == w) c = md->counts[i];
        double e = fabs((c + md->beta) / den - phi[w]);
        if (e > worst) worst = e;
      }
    }
    CHECK_MSG(worst < 1e-12, "worst phi error %g", worst);
    CHECK(total == dtm_ntokens(p.m));
    free(phi);
  }
  mf_free(md);
  free(buf);
  lda_free(model);
  planted_free(&p);
}

static void test_damage(void) {
  planted p;
  CHECK(planted_make(&p, 3, 30, 12, 5));
  lda *model = NULL;
  size_t n = 0;
  unsigned char *buf = saved(&p, &model, &n, NULL, 0);
  CHECK(buf != NULL && n > 40);
  mf_model *md = NULL;
  char err[256];
  int all_fail = 1;
  for (size_t len = 0; len < n; len++) { /* every truncation */
    topics_status st = mf_parse(buf, len, &md, err, sizeof err);
    if (st == TOPICS_OK || md || !err[0]) all_fail = 0;
    mf_free(md);
    md = NULL;
  }
  CHECK_MSG(all_fail, "a truncated model file was accepted");
  all_fail = 1;
  unsigned char *copy = malloc(n);
  for (size_t i = 0; i < n; i++) { /* every flipped byte */
    memcpy(copy, buf, n);
    copy[i] ^= 0x5a;
    topics_status st = mf_parse(copy, n, &md, err, sizeof err);
    if (st == TOPICS_OK || md) all_fail = 0;
    mf_free(md);
    md = NULL;
  }
  CHECK_MSG(all_fail, "a damaged model file was accepted");
  /* With the checksum made to match, a damaged payload still never crashes the loader (the
   * sanitizer build checks the memory side); most such changes are caught. */
  size_t caught = 0, tried = 0;
  for (size_t i = 24; i + 8 < n; i++) {
    memcpy(copy, buf, n);
    copy[i] ^= 0xff;
    uint64_t h = fnv(copy + 24, n - 32);
    for (int b = 0; b < 8; b++) copy[n - 8 + b] = (unsigned char)(h >> (8 * b));
    tried++;
    if (mf_parse(copy, n, &md, err, sizeof err) != TOPICS_OK) caught++;
    mf_free(md);
    md = NULL;
  }
  CHECK(caught > tried / 4);
  /* Another format version: named as such. */
  memcpy(copy, buf, n);
  copy[8] = 1; /* the previous format, without the code setting */
  CHECK(mf_parse(copy, n, &md, err, sizeof err) == TOPICS_EINVAL && md == NULL);
  CHECK(strstr(err, "version 1") != NULL);
  /* Not a model at all. */
  CHECK(mf_parse((const unsigned char *)"# notes\nhello\n", 14, &md, err, sizeof err) == TOPICS_EPARSE);
  CHECK(strstr(err, "not a topics model") != NULL);
  free(copy);
  /* A damaged file on disk: the message names the file. */
  char path[] = "/tmp/topics-mf-XXXXXX";
  int fd = mkstemp(path);
  FILE *f = fdopen(fd, "wb");
  fwrite(buf, 1, n / 2, f);
  fclose(f);
  FILE *msgs = tmpfile();
  diag_set_stream(msgs);
  CHECK(mf_load(path, &md) == TOPICS_EPARSE && md == NULL);
  CHECK(mf_load("/nonexistent/model.topics", &md) == TOPICS_ENOENT);
  diag_set_stream(NULL);
  rewind(msgs);
  char *text = tu_read_all(msgs, NULL);
  CHECK(text && strstr(text, path) && strstr(text, "damaged model file"));
  CHECK(text && strstr(text, "/nonexistent/model.topics"));
  free(text);
  fclose(msgs);
  remove(path);
  free(buf);
  lda_free(model);
  planted_free(&p);
}

static void test_read_list(void) {
  char path[] = "/tmp/topics-list-XXXXXX";
  int fd = mkstemp(path);
  FILE *f = fdopen(fd, "w");
  fputs("# comment\n  C#  \nmachine learning # why\n\n\tfoo\r\n", f);
  fclose(f);
  char **list;
  uint32_t n;
  CHECK(mf_read_list(path, &list, &n) == TOPICS_OK && n == 3);
  if (n == 3) {
    CHECK_STREQ(list[0], "C#");
    CHECK_STREQ(list[1], "machine learning");
    CHECK_STREQ(list[2], "foo");
  }
  mf_list_free(list, n);
  remove(path);
}

int main(void) {
  test_round_trip();
  test_damage();
  test_read_list();
  return check_done();
}
