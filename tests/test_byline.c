/* Speaker bylines (pipeline/byline.h): what is removed, what stays, and the sample corpus's tags
 * without the speakers' names. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pipeline/byline.h"
#include "tests/check.h"
#include "tests/test_util.h"

/* bl_strip on in, compared with want. */
static void expect(const char *in, const char *want) {
  char buf[512];
  size_t n = strlen(in);
  memcpy(buf, in, n);
  n = bl_strip(buf, n, NULL);
  buf[n] = 0;
  CHECK_MSG(strcmp(buf, want) == 0, "bl_strip(\"%s\") gave \"%s\", want \"%s\"", in, buf, want);
}

static void test_removed(void) {
  expect("Speaker: Samuel Okoye. Samuel maintains the search engine.",
         "Samuel maintains the search engine.");
  expect("**Speaker**: Marguerite Olsen\nShe opened the day.", "**\nShe opened the day.");
  expect("- **Speaker:** Daniel Ferreira\n", "- **\n");
  expect("Speakers: Alice Wu and Bob Li. They paired.", "They paired.");
  expect("speaker(s): Ana | slides at example.org", "slides at example.org");
  expect("Presented by: Dr. Jane Smith. Jane works on GIS.", "Jane works on GIS.");
  expect("Speaker: J. R. Hartley. Fly fishing.", "Fly fishing.");
  expect("### Docker and the web (Speaker: Lin Mei)\nbody", "### Docker and the web \nbody");
  expect("讲者：赵明远\n讲者从头实现了一个搜索引擎。", "\n讲者从头实现了一个搜索引擎。");
  expect("講者：林美。她介紹了 Rust。", "她介紹了 Rust。");
  expect("容器部署（主讲人：王芳）很实用", "容器部署很实用");
  expect("a\r\nSpeaker: Bo Li\r\nb", "a\r\n\nb");
}

static void test_kept(void) {
  /* No colon, no label, or a label inside a sentence. */
  expect("Speaker notes are in the repo.", "Speaker notes are in the repo.");
  expect("The speaker: a calm person.", "The speaker: a calm person.");
  expect("speakerphone: broken", "speakerphone: broken");
  expect("讲者从头实现了一个搜索引擎。", "讲者从头实现了一个搜索引擎。");
  expect("(see the speaker's slides)", "(see the speaker's slides)");
  /* A bracket that never closes on its line is not a byline. */
  expect("(Speaker: Lin Mei\nmore)", "(Speaker: Lin Mei\nmore)");
  /* A "name" running on for more than BL_NAME_MAX bytes without an end is prose. */
  char long_line[300];
  int k = snprintf(long_line, sizeof long_line, "Speaker: ");
  for (; k < 200; k++) long_line[k] = 'a' + (char)(k % 26);
  strcpy(long_line + k, ". Tail");
  expect(long_line, long_line);
  expect("", "");
  expect("\n\n", "\n\n");
}

/* bl_strip then bl_hide_names on in, compared with want. */
static void expect_hidden(const char *in, const char *want) {
  char buf[512];
  size_t n = strlen(in);
  memcpy(buf, in, n);
  bl_names names = {.len = 0};
  n = bl_strip(buf, n, &names);
  bl_hide_names(buf, n, &names);
  buf[n] = 0;
  CHECK_MSG(strcmp(buf, want) == 0, "hiding names in \"%s\" gave \"%s\", want \"%s\"", in, buf,
            want);
}

static void test_names_hidden(void) {
  /* every word of the name, as written, whole words only */
  expect_hidden("Speaker: Samuel Okoye. Samuel maintains it; Okoye's team too. Samuelson, samuel.",
                ".      maintains it; .    's team too. Samuelson, samuel.");
  expect_hidden("Speakers: Alice Wu and Bob Li. Alice and Bob paired.", ".     and .   paired.");
  expect_hidden("Presented by: Dr. Jane Smith. Jane works on GIS with Dr. Who.",
                ".    works on GIS with Dr. Who.");
  expect_hidden("### Docker (Speaker: José Núñez)\nJosé showed Núñez-style builds.",
                "### Docker \n.     showed Núñez-style builds.");
  /* names in Han script are not looked for in the text; no byline, nothing hidden */
  expect_hidden("講者：林美。林美介紹了 Rust。", "林美介紹了 Rust。");
  expect_hidden("Grace teaches Python.", "Grace teaches Python.");
  /* names that do not fit are left out; those that do are still hidden */
  char many[2048];
  int k = 0;
  for (int i = 0; i < 40; i++)
    k += snprintf(many + k, sizeof many - (size_t)k, "Speaker: Abcdefghij%c Klmnopqrst%c.\n", 'A' + i % 26,
                  'a' + i % 26);
  snprintf(many + k, sizeof many - (size_t)k, "AbcdefghijA spoke.");
  size_t n = strlen(many);
  bl_names names = {.len = 0};
  n = bl_strip(many, n, &names);
  CHECK(names.len <= BL_NAMES_MAX && names.len > BL_NAMES_MAX - 24);
  bl_hide_names(many, n, &names);
  many[n] = 0;
  CHECK_MSG(strstr(many, ".           spoke.") != NULL, "%s", many);
}

/* The sample corpus names its speakers in bylines; none of their first names is a tag, and no
 * tag holds one of their Latin names ("grace teaches"). */
static void test_corpus_tags(void) {
  char dir[] = "/tmp/topics-byline-XXXXXX";
  if (!mkdtemp(dir)) {
    CHECK(0);
    return;
  }
  char cmd[1024], path[1100];
  snprintf(cmd, sizeof cmd, "'%s' -q '%s/corpus' -k 10 -o '%s/out' >/dev/null", TOPICS_BINARY,
           TOPICS_SOURCE_DIR, dir);
  CHECK(system(cmd) == 0);
  snprintf(path, sizeof path, "%s/out/tags.tsv", dir);
  size_t len;
  char *tags = tu_slurp(path, &len);
  CHECK(tags != NULL);
  static const char *const NAMES[] = {"samuel", "grace", "marisol", "nadia",  "oliver", "yara",
                                      "felix",  "daniel", "hana",   "arjun", "浩然",   "文静"};
  for (size_t i = 0; tags && i < sizeof NAMES / sizeof *NAMES; i++) {
    char a[32], b[32];
    snprintf(a, sizeof a, "\t%s,", NAMES[i]);
    snprintf(b, sizeof b, ",%s", NAMES[i]);
    int found = strstr(tags, a) != NULL;
    for (const char *p = tags; !found && (p = strstr(p, b)) != NULL; p++)
      found = p[strlen(b)] == ',' || p[strlen(b)] == '\n';
    CHECK_MSG(!found, "the speaker name %s is a tag", NAMES[i]);
    if ((unsigned char)NAMES[i][0] >= 0x80) continue;
    /* as a word inside a tag */
    size_t k = strlen(NAMES[i]);
    for (const char *p = tags; (p = strstr(p, NAMES[i])) != NULL; p++) {
      char before = p == tags ? '\n' : p[-1], after = p[k];
      int word = strchr("\t, \n", before) && strchr("\t, \n", after);
      CHECK_MSG(!word, "the speaker name %s is part of a tag", NAMES[i]);
      if (word) break;
    }
  }
  free(tags);
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  CHECK(system(cmd) == 0);
}

int main(void) {
  test_removed();
  test_kept();
  test_names_hidden();
  test_corpus_tags();
  return check_done();
}
