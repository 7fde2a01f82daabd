/* The main command end to end on the sample corpus: the JSON parses and has every field DESIGN.md
 * names; the same seed and thread count give identical output (timings aside); topic words and
 * tags are real words of the corpus (never stems); Chinese function words stay out of topics;
 * `topics tags` works without a model. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/check.h"
#include "tests/json_check.h"
#include "tests/test_util.h"

/* Runs a shell command, returns its standard output (malloc'd) or NULL. */
static char *run(const char *cmd, size_t *len) {
  FILE *p = popen(cmd, "r");
  if (!p) return NULL;
  char *buf = tu_read_all(p, len);
  int rc = pclose(p);
  if (buf && rc != 0) {
    fprintf(stderr, "command failed (%d): %s\n", rc, cmd);
    free(buf);
    return NULL;
  }
  return buf;
}

/* Drops the "timing" line: seconds differ from run to run by nature. */
static void drop_timing(char *s) {
  char *t = strstr(s, "\"timing\"");
  if (!t) return;
  char *eol = strchr(t, '\n');
  if (eol) memmove(t, eol + 1, strlen(eol + 1) + 1);
}

/* The whole corpus text, ASCII letters lowered and Markdown's code-span backticks dropped (the
 * reader sees "the `lxml` parser" as "the lxml parser"), for "is this a real word" checks. */
static char *corpus_text(void) {
  const char *dir = TOPICS_SOURCE_DIR "/corpus";
  DIR *d = opendir(dir);
  if (!d) return NULL;
  size_t cap = 1 << 20, n = 0;
  char *all = malloc(cap);
  struct dirent *e;
  while (all && (e = readdir(d))) {
    if (e->d_name[0] == '.') continue;
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    FILE *f = fopen(path, "rb");
    if (!f) continue;
    size_t got;
    while ((got = fread(all + n, 1, cap - n - 1, f)) > 0) {
      n += got;
      if (cap - n < 2) {
        char *na = realloc(all, cap * 2);
        if (!na) break;
        all = na;
        cap *= 2;
      }
    }
    fclose(f);
  }
  closedir(d);
  if (!all) return NULL;
  size_t m = 0;
  for (size_t i = 0; i < n; i++)
    if (all[i] != '`') all[m++] = all[i] >= 'A' && all[i] <= 'Z' ? (char)(all[i] - 'A' + 'a') : all[i];
  all[m] = '\0';
  return all;
}

static int has_cjk(const char *s) {
  for (; *s; s++)
    if ((unsigned char)*s >= 0xE3 && (unsigned char)*s <= 0xE9) return 1;
  return 0;
}

static int has_latin(const char *s) {
  for (; *s; s++)
    if ((*s >= 'a' && *s <= 'z')) return 1;
  return 0;
}

static void check_fields(const jval *root, const char *corpus) {
  const char *top[] = {"version", "corpus", "model", "topics", "documents", "timing"};
  for (size_t i = 0; i < sizeof top / sizeof top[0]; i++)
    CHECK_MSG(jget(root, top[i]) != NULL, "missing \"%s\"", top[i]);
  const jval *c = jget(root, "corpus");
  const char *cf[] = {"documents", "tokens", "vocabulary"};
  for (size_t i = 0; i < 3; i++) CHECK(jis(jget(c, cf[i]), J_NUM));
  CHECK(jis(jget(c, "skipped"), J_ARR));
  CHECK(jis(jget(root, "version"), J_STR));
  const jval *m = jget(root, "model");
  const char *mf[] = {"k", "iterations", "seed", "beta", "log_likelihood_per_token"};
  for (size_t i = 0; i < 5; i++) CHECK_MSG(jis(jget(m, mf[i]), J_NUM), "model.%s", mf[i]);
  CHECK(jis(jget(m, "alpha"), J_ARR) && jget(m, "alpha")->n == 10);
  CHECK(jget(m, "k") && jget(m, "k")->num == 10 && jget(m, "seed")->num == 7);
  const jval *tm = jget(root, "timing");
  const char *tf[] = {"read_s", "tokenize_s", "model_s", "total_s"};
  for (size_t i = 0; i < 4; i++) CHECK_MSG(jis(jget(tm, tf[i]), J_NUM), "timing.%s", tf[i]);

  const jval *topics = jget(root, "topics");
  CHECK(jis(topics, J_ARR) && topics->n == 10);
  int mixed = 0, readable = 1;
  const char *function_words[] = {"與", "我們", "會", "讓", "的", "是", "了", "与", "我们", "会", "让"};
  for (size_t t = 0; topics && t < topics->n; t++) {
    const jval *tp = &topics->items[t];
    CHECK(jis(jget(tp, "id"), J_NUM) && jis(jget(tp, "share"), J_NUM));
    CHECK(jis(jget(tp, "documents"), J_ARR));
    const jval *words = jget(tp, "words");
    CHECK(jis(words, J_ARR) && words->n == 10);
    int cjk = 0, latin = 0;
    for (size_t w = 0; words && w < words->n; w++) {
      const jval *word = jget(&words->items[w], "word");
      CHECK(jis(word, J_STR) && jis(jget(&words->items[w], "weight"), J_NUM));
      if (!jis(word, J_STR)) continue;
      if (!strstr(corpus, word->str)) {
        readable = 0;
        fprintf(stderr, "topic %zu word '%s' is not a word of the corpus\n", t, word->str);
      }
      for (size_t f = 0; f < sizeof function_words / sizeof function_words[0]; f++)
        CHECK_MSG(strcmp(word->str, function_words[f]) != 0, "function word %s in topic %zu",
                  word->str, t);
      cjk |= has_cjk(word->str);
      latin |= has_latin(word->str);
    }
    mixed += cjk && latin;
  }
  CHECK(readable);
  CHECK_MSG(mixed >= 3, "only %d topics mix Chinese and English words", mixed);

  const jval *docs = jget(root, "documents");
  CHECK(jis(docs, J_ARR) && docs->n >= 60);
  for (size_t d = 0; docs && d < docs->n; d++) {
    const jval *doc = &docs->items[d];
    const char *df[] = {"id", "path", "title"};
    for (size_t i = 0; i < 3; i++) CHECK(jis(jget(doc, df[i]), J_STR));
    CHECK(jis(jget(doc, "topics"), J_ARR));
    const jval *tags = jget(doc, "tags");
    CHECK(jis(tags, J_ARR));
    for (size_t g = 0; tags && g < tags->n; g++)
      if (jis(&tags->items[g], J_STR) && !strstr(corpus, tags->items[g].str)) {
        CHECK_MSG(0, "tag '%s' of %s is not a word of the corpus", tags->items[g].str,
                  jget(doc, "id")->str);
      }
  }
}

int main(void) {
  char *corpus = corpus_text();
  CHECK(corpus != NULL);
  if (!corpus) return check_done();
  const char *cmd = "'" TOPICS_BINARY "' '" TOPICS_SOURCE_DIR "/corpus' -k 10 -s 7 -t 2 -q -f json";
  size_t n1, n2;
  char *a = run(cmd, &n1);
  char *b = run(cmd, &n2);
  CHECK(a && b);
  if (a && b) {
    jval root;
    const char *err = NULL;
    CHECK_MSG(jparse(a, n1, &root, &err), "JSON does not parse: %s", err ? err : "?");
    if (!err) {
      check_fields(&root, corpus);
      jfree(&root);
    }
    drop_timing(a);
    drop_timing(b);
    CHECK_MSG(strcmp(a, b) == 0, "two runs with the same seed and threads differ");
  }
  free(a);
  free(b);

  size_t n3;
  char *tags = run("'" TOPICS_BINARY "' tags '" TOPICS_SOURCE_DIR "/corpus' -q -f json", &n3);
  CHECK(tags != NULL);
  if (tags) {
    jval root;
    const char *err = NULL;
    CHECK_MSG(jparse(tags, n3, &root, &err), "tags JSON does not parse: %s", err ? err : "?");
    if (!err) {
      CHECK(jget(&root, "model") == NULL);
      CHECK(jis(jget(&root, "documents"), J_ARR) && jget(&root, "documents")->n >= 60);
      jfree(&root);
    }
  }
  free(tags);
  free(corpus);
  return check_done();
}
