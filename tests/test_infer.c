/* Inference under frozen topics: talks of the training set get back nearly their training mix;
 * the result does not depend on the thread count; a saved and loaded model infers exactly as the
 * trained one; unknown ids are ignored. The command-line round trip (train with -o, then
 * `topics infer --model`) is checked at the end. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "models/lda_infer.h"
#include "models/model_file.h"
#include "planted.h"
#include "test_util.h"

static double cosine(const double *a, const double *b, uint32_t n) {
  double ab = 0, aa = 0, bb = 0;
  for (uint32_t i = 0; i < n; i++) {
    ab += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  return ab / sqrt(aa * bb);
}

static void test_round_trip(void) {
  planted p;
  CHECK(planted_make(&p, 10, 500, 400, 9));
  lda_options o = lda_default_options();
  o.k = 10;
  o.iterations = 300;
  o.seed = 1;
  topics_status st;
  lda *model = lda_new(p.m, &o, &st);
  CHECK(model && lda_train(model) == TOPICS_OK);
  lif *f = lif_from_lda(model, dtm_nterms(p.m), &st);
  CHECK(f != NULL);
  double *theta = malloc((size_t)p.ndocs * 10 * sizeof *theta);
  double *again = malloc((size_t)p.ndocs * 10 * sizeof *again);
  lif_options io = lif_default_options();
  io.seed = 4;
  CHECK(lif_infer(f, p.ndocs, (const uint32_t *const *)p.docs, p.lens, &io, theta) == TOPICS_OK);
  double mean = 0, train[10];
  int sums_ok = 1;
  for (uint32_t d = 0; d < p.ndocs; d++) {
    lda_doc_topic_dist(model, d, train);
    mean += cosine(train, theta + (size_t)d * 10, 10);
    double s = 0;
    for (int t = 0; t < 10; t++) s += theta[(size_t)d * 10 + t];
    sums_ok &= fabs(s - 1) < 1e-9;
  }
  mean /= p.ndocs;
  printf("mean cosine of inferred and training mixes: %.4f\n", mean);
  CHECK_MSG(mean >= 0.9, "mean cosine %.4f", mean);
  CHECK(sums_ok);
  /* Same seed, three threads: byte-identical. */
  io.threads = 3;
  CHECK(lif_infer(f, p.ndocs, (const uint32_t *const *)p.docs, p.lens, &io, again) == TOPICS_OK);
  CHECK(memcmp(theta, again, (size_t)p.ndocs * 10 * sizeof *theta) == 0);
  /* Another seed: a different chain. */
  io.seed = 5;
  CHECK(lif_infer(f, p.ndocs, (const uint32_t *const *)p.docs, p.lens, &io, again) == TOPICS_OK);
  CHECK(memcmp(theta, again, (size_t)p.ndocs * 10 * sizeof *theta) != 0);

  /* Saved and loaded: the same frozen topics, so the same mixes. */
  mf_save_info in = {model, p.m, 1, 1, 1, NULL, 0, NULL, 0};
  FILE *tf = tmpfile();
  CHECK(mf_write(tf, &in) == TOPICS_OK);
  rewind(tf);
  size_t n;
  unsigned char *buf = (unsigned char *)tu_read_all(tf, &n);
  fclose(tf);
  mf_model *md = NULL;
  CHECK(mf_parse(buf, n, &md, NULL, 0) == TOPICS_OK);
  if (md) {
    lif_counts c = {md->k, md->v, md->alpha, md->beta, md->row_off, md->terms, md->counts};
    lif *g = lif_new(&c, &st);
    io.seed = 4;
    CHECK(g && lif_infer(g, p.ndocs, (const uint32_t *const *)p.docs, p.lens, &io, again) == TOPICS_OK);
    CHECK(memcmp(theta, again, (size_t)p.ndocs * 10 * sizeof *theta) == 0);
    lif_free(g);
  }
  /* Words the model never saw are ignored: a talk of only those gets the prior. */
  uint32_t unknown[] = {600, 700, 800}, one = 3;
  const uint32_t *docs[] = {unknown};
  CHECK(lif_infer(f, 1, docs, &one, &io, again) == TOPICS_OK);
  double asum = 0;
  for (int t = 0; t < 10; t++) asum += lda_alpha(model)[t];
  CHECK(fabs(again[0] - lda_alpha(model)[0] / asum) < 1e-12);
  mf_free(md);
  free(buf);
  free(theta);
  free(again);
  lif_free(f);
  lda_free(model);
  planted_free(&p);
}

/* Runs cmd; returns its exit status (-1 when it did not exit normally). */
static int run(const char *cmd) {
  int rc = system(cmd);
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

static void test_cli(void) {
  char dir[] = "/tmp/topics-infer-XXXXXX";
  CHECK(mkdtemp(dir) != NULL);
  char cmd[2048], path[1024];
  snprintf(cmd, sizeof cmd, "%s -q %s/corpus -k 10 -o %s >/dev/null", TOPICS_BINARY,
           TOPICS_SOURCE_DIR, dir);
  CHECK(run(cmd) == 0);
  snprintf(path, sizeof path, "%s/model.topics", dir);
  struct stat sb;
  CHECK(stat(path, &sb) == 0 && sb.st_size > 100);
  snprintf(cmd, sizeof cmd, "%s infer --model %s %s/corpus/pycon-blog.md -f json > %s/infer.json",
           TOPICS_BINARY, dir, TOPICS_SOURCE_DIR, dir);
  CHECK(run(cmd) == 0);
  snprintf(path, sizeof path, "%s/infer.json", dir);
  FILE *f = fopen(path, "r");
  char *json = f ? tu_read_all(f, NULL) : NULL;
  if (f) fclose(f);
  CHECK(json && strstr(json, "\"documents\"") && strstr(json, "\"unknown_tokens\"") &&
        strstr(json, "\"weight\"") && strstr(json, "\"tags\""));
  free(json);
  /* A damaged model: exit 1 and a message naming the file. */
  snprintf(path, sizeof path, "%s/model.topics", dir);
  if (truncate(path, 50) == 0) {
    snprintf(cmd, sizeof cmd, "%s infer --model %s %s/corpus/pycon-blog.md 2>%s/err.txt >/dev/null",
             TOPICS_BINARY, dir, TOPICS_SOURCE_DIR, dir);
    CHECK(run(cmd) == 1);
    snprintf(path, sizeof path, "%s/err.txt", dir);
    f = fopen(path, "r");
    char *err = f ? tu_read_all(f, NULL) : NULL;
    if (f) fclose(f);
    CHECK(err && strstr(err, "model.topics") && strstr(err, "damaged"));
    free(err);
  }
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  CHECK(run(cmd) == 0);
}

int main(void) {
  test_round_trip();
  test_cli();
  return check_done();
}
