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
#include "topic_match.h"
#include "test_util.h"


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
    mean += tm_cosine(train, theta + (size_t)d * 10, 10);
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
  mf_save_info in = {.model = model, .m = p.m, .seed = 1, .fold_han = 1, .phrases = 1};
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

/* Infer on the training corpus itself gives every talk the tags training gave it (tags.tsv):
 * both are keyphrases of the talk's own words, with the same document frequencies. */
static int same_tags_as_training(const char *dir) {
  char cmd[2048], path[1024];
  snprintf(cmd, sizeof cmd, "%s infer -q --model %s %s/corpus > %s/all.txt", TOPICS_BINARY, dir,
           TOPICS_SOURCE_DIR, dir);
  if (run(cmd) != 0) return 0;
  snprintf(path, sizeof path, "%s/all.txt", dir);
  FILE *f = fopen(path, "r");
  char *text = f ? tu_read_all(f, NULL) : NULL;
  if (f) fclose(f);
  snprintf(path, sizeof path, "%s/tags.tsv", dir);
  f = fopen(path, "r");
  int ok = text != NULL && f != NULL, rows = 0, phrases = 0;
  char line[4096], want[4096];
  while (ok && fgets(line, sizeof line, f)) {
    if (line[0] == '#') continue;
    line[strcspn(line, "\n")] = '\0';
    char *t1 = strchr(line, '\t'), *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
    if (!t2) continue;
    *t1 = '\0';
    /* "ID | title | topics: ... | tags: a, b" against "ID<TAB>title<TAB>a,b" */
    size_t w = 0;
    w += (size_t)snprintf(want + w, sizeof want - w, "| tags: ");
    for (const char *p = t2 + 1; *p && w + 3 < sizeof want; p++) {
      if (*p == ',') want[w++] = ',', want[w++] = ' ';
      else want[w++] = *p;
      phrases += *p == ' ';
    }
    want[w++] = '\n';
    want[w] = '\0';
    char start[sizeof line + 8];
    snprintf(start, sizeof start, "\n%s | ", line);
    const char *at = strstr(text, start);
    const char *end = at ? strchr(at + 1, '\n') : NULL;
    ok = end && (size_t)(end + 1 - at) > w && memcmp(end + 1 - w, want, w) == 0;
    if (!ok) fprintf(stderr, "infer tags differ for %s: want '%s'\n", line, want);
    rows++;
  }
  if (f) fclose(f);
  free(text);
  return ok && rows > 50 && phrases > 20; /* every talk, and multi-word tags among them */
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
  CHECK(same_tags_as_training(dir));
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

/* The number after the first "key": in a JSON file; -1 when absent. */
static long long json_number(const char *path, const char *key) {
  FILE *f = fopen(path, "r");
  char *json = f ? tu_read_all(f, NULL) : NULL;
  if (f) fclose(f);
  char pat[64];
  snprintf(pat, sizeof pat, "\"%s\": ", key);
  const char *at = json ? strstr(json, pat) : NULL;
  long long n = at ? strtoll(at + strlen(pat), NULL, 10) : -1;
  free(json);
  return n;
}

/* A model trained with --code keep reads new talks' code blocks as text, unless infer is told
 * --code drop; --split heading divides a new file into its talks. */
static void test_reading_settings(void) {
  char dir[] = "/tmp/topics-infer-code-XXXXXX";
  CHECK(mkdtemp(dir) != NULL);
  char cmd[4096], path[1024];
  static const char *const words[] = {"compiler", "parser", "kernel", "scheduler", "register",
                                      "garden", "tomato", "compost", "seedling", "watering"};
  for (int d = 0; d < 12; d++) {
    snprintf(path, sizeof path, "%s/train/n%02d.md", dir, d);
    snprintf(cmd, sizeof cmd, "mkdir -p %s/train", dir);
    CHECK(run(cmd) == 0);
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (!f) break;
    int base = (d % 2) * 5;
    fprintf(f, "# Note %d\n\n", d);
    for (int i = 0; i < 30; i++) fprintf(f, "%s ", words[base + (i * 7 + d) % 5]);
    fprintf(f, "\n\n```\n");
    for (int i = 0; i < 20; i++) fprintf(f, "%s ", words[base + (i * 3 + d) % 5]);
    fprintf(f, "\n```\n");
    fclose(f);
  }
  snprintf(path, sizeof path, "%s/new.md", dir);
  FILE *f = fopen(path, "w");
  CHECK(f != NULL);
  if (f) {
    fprintf(f, "# First\n\ncompiler parser kernel\n\n```\ncompiler compiler compiler\n```\n\n"
               "# Second\n\ngarden tomato compost\n\n# Third\n\nscheduler register\n");
    fclose(f);
  }
  snprintf(cmd, sizeof cmd, "%s -q %s/train -k 2 --code keep -o %s/out >/dev/null", TOPICS_BINARY,
           dir, dir);
  CHECK(run(cmd) == 0);
  const char *modes[] = {"", "--code drop", "--code keep"};
  long long tokens[3];
  for (int m = 0; m < 3; m++) {
    snprintf(cmd, sizeof cmd, "%s infer -q --model %s/out %s %s/new.md -f json > %s/i%d.json",
             TOPICS_BINARY, dir, modes[m], dir, dir, m);
    CHECK(run(cmd) == 0);
    snprintf(path, sizeof path, "%s/i%d.json", dir, m);
    tokens[m] = json_number(path, "tokens");
  }
  /* As trained (keep): the three code words count; dropped, they do not. */
  CHECK(tokens[0] == 11 && tokens[1] == 8 && tokens[2] == 11);
  long long talks[2];
  const char *splits[] = {"file", "heading"};
  for (int m = 0; m < 2; m++) {
    snprintf(cmd, sizeof cmd, "%s infer -q --model %s/out --split %s %s/new.md -f json > %s/s%d.json",
             TOPICS_BINARY, dir, splits[m], dir, dir, m);
    CHECK(run(cmd) == 0);
    snprintf(path, sizeof path, "%s/s%d.json", dir, m);
    talks[m] = json_number(path, "documents");
  }
  CHECK(talks[0] == 1 && talks[1] == 3);
  snprintf(cmd, sizeof cmd, "%s infer --model %s/out --code maybe %s/new.md 2>/dev/null",
           TOPICS_BINARY, dir, dir);
  CHECK(run(cmd) == 2);
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  CHECK(run(cmd) == 0);
}

int main(void) {
  test_round_trip();
  test_cli();
  test_reading_settings();
  return check_done();
}
