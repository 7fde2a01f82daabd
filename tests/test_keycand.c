/* Keyphrase candidates from a talk's own word stretches (models/keycand.h) and the tags scored
 * from them (tags_from_cands): stretches never cross a gap, a lone Han character is no candidate,
 * Han parts join without a space, a mixed Han/Latin stretch is no candidate; on a generated corpus
 * a short talk gets its recurring phrase as first tag, no tag is a part of a better one, a one-off
 * run of words is no tag unless it is a whole run of alphabetic words whose last word recurs;
 * a compound's hyphen joins its words (shown with it, kept through dtm_pack), a part of a
 * compound and a lone letter are no tags; the English word counts (WordNet's format) sum a
 * lemma's senses under its stemmed key, and through them a word common in general language ranks
 * below a rare one said as often, while TOPICS_WORDNET=none (or a file that is absent) gives the
 * tags of no list; with WordNet's dictionary files beside the counts, a stretch that reads as
 * a clause (its last word a verb's past or -s form or an adverb only, or its first the past form
 * of a common verb) is no tag, while a rarer participle before a noun, a hyphenated compound
 * and a capitalised name stay; results are the same run to run and, through the command, for
 * any thread count. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "test_util.h"
#include "models/background.h"
#include "models/dtm.h"
#include "models/dtm_pack.h"
#include "models/keycand.h"
#include "models/tags.h"

/* Talks written as space-separated tokens; "|" is a gap, "-" a hyphen inside a compound, "~x" a
 * piece (a single Han character). Keys are the tokens in lower case; the surfaces are as
 * written. */
static dtm_builder *stream(const char *const *talks, size_t n) {
  dtm_builder *b = dtm_builder_new();
  for (size_t d = 0; b && d < n; d++) {
    CHECK(dtm_builder_begin_doc(b) == TOPICS_OK);
    const char *p = talks[d];
    while (*p) {
      const char *e = strchr(p, ' ');
      if (!e) e = p + strlen(p);
      size_t len = (size_t)(e - p);
      uint32_t sid = len == 1 && *p == '-' ? DTM_HYPHEN : DTM_GAP;
      if (!(len == 1 && (*p == '|' || *p == '-'))) {
        int piece = *p == '~';
        const char *w = p + piece;
        size_t wl = len - (size_t)piece;
        char key[64];
        for (size_t i = 0; i < wl && i < sizeof key - 1; i++)
          key[i] = (char)(w[i] >= 'A' && w[i] <= 'Z' ? w[i] - 'A' + 'a' : w[i]);
        unsigned flags = (unsigned char)w[0] >= 0xE0 ? DTM_CJK_FIRST | DTM_CJK_LAST : 0;
        if (piece) flags |= DTM_PIECE;
        CHECK(dtm_builder_surface_marked(b, key, wl, w, wl, flags, &sid) == TOPICS_OK);
      }
      CHECK(dtm_builder_add(b, &sid, 1) == TOPICS_OK);
      p = *e ? e + 1 : e;
    }
  }
  return b;
}

/* The candidate whose key is k, or UINT32_MAX. */
static uint32_t find(const kc_set *s, const char *k) {
  char *buf = NULL;
  size_t cap = 0, len;
  uint32_t found = UINT32_MAX;
  for (uint32_t c = 0; c < kc_ncands(s) && found == UINT32_MAX; c++)
    if (kc_key(s, c, &buf, &cap, &len) == TOPICS_OK && strcmp(buf, k) == 0) found = c;
  free(buf);
  return found;
}

static void test_stretches(void) {
  const char *talks[] = {"Machine learning | of data | 循环 肿瘤 细胞", "machine learning model | ~特 异性",
                         "装 pandas | machine"};
  dtm_builder *b = stream(talks, 3);
  kc_set *s = NULL;
  CHECK(b && kc_collect(b, 4, &s) == TOPICS_OK);
  if (!s) return;
  CHECK(kc_ndocs(s) == 3);
  uint32_t ml = find(s, "machine learning");
  CHECK(ml != UINT32_MAX && kc_df(s, ml) == 2 && kc_nunits(s, ml) == 2 && kc_is_tag(s, ml));
  CHECK(find(s, "machine learning model") != UINT32_MAX);
  CHECK(find(s, "learning of") == UINT32_MAX);   /* across a gap */
  CHECK(find(s, "data 循环") == UINT32_MAX);
  CHECK(find(s, "data循环") == UINT32_MAX);
  CHECK(find(s, "循环肿瘤细胞") != UINT32_MAX);   /* Han joined without a space */
  uint32_t te = find(s, "特异性"), t1 = find(s, "特");
  CHECK(te != UINT32_MAX && kc_is_tag(s, te));
  CHECK(t1 != UINT32_MAX && !kc_is_tag(s, t1));  /* a piece alone */
  uint32_t mix = find(s, "装pandas");
  CHECK(mix != UINT32_MAX && !kc_is_tag(s, mix)); /* Han and Latin mixed */
  /* The words of a stretch are its one-word candidates. */
  uint32_t m1 = find(s, "machine");
  CHECK(m1 != UINT32_MAX && ml != UINT32_MAX && kc_unit(s, ml, 0) == m1);
  /* Display: talk 0 writes "Machine", the corpus mostly "machine": lower case. */
  uint32_t n, len;
  const kc_occ *occ = kc_doc(s, 0, &n, &len);
  char *buf = NULL;
  size_t cap = 0, bl;
  int shown = 0;
  for (uint32_t i = 0; i < n; i++)
    if (occ[i].cand == ml) {
      CHECK(kc_display(s, 0, &occ[i], &buf, &cap, &bl) == TOPICS_OK);
      CHECK_STREQ(buf, "machine learning");
      CHECK(occ[i].first == 0 && occ[i].tf == 1);
      shown = 1;
    }
  CHECK(shown);
  free(buf);
  kc_free(s);
  /* One word at most: no stretch of two. */
  CHECK(kc_collect(b, 1, &s) == TOPICS_OK);
  if (s) CHECK(find(s, "machine learning") == UINT32_MAX && find(s, "machine") != UINT32_MAX);
  kc_free(s);
  dtm_builder_free(b);
}

/* Generated talks: talk 0 is short and about "graph neural network" (said twice); the others are
 * filler drawn from a common vocabulary, one of them holding a one-off run of rare words. */
static tags_doc *tag_corpus(uint32_t *ndocs, kc_set **sp, dtm_builder **bp) {
  static char text[40][512];
  const char *filler[] = {"system", "value", "result", "method", "time", "user", "code", "test"};
  size_t nd = 0;
  snprintf(text[nd++], sizeof text[0],
           "graph neural network | for molecules | graph neural network | training");
  unsigned x = 12345;
  for (; nd < 30; nd++) {
    size_t at = 0;
    for (int w = 0; w < 24; w++) {
      x = x * 1103515245u + 12345u;
      const char *f = filler[(x >> 16) % 8];
      at += (size_t)snprintf(text[nd] + at, sizeof text[0] - at, "%s%s", w ? " " : "", f);
      if (w % 3 == 2) at += (size_t)snprintf(text[nd] + at, sizeof text[0] - at, " |");
    }
    if (nd == 5) snprintf(text[nd] + at, sizeof text[0] - at, " | felix ran nightly");
  }
  const char *talks[40];
  for (size_t d = 0; d < nd; d++) talks[d] = text[d];
  dtm_builder *b = stream(talks, nd);
  kc_set *s = NULL;
  tags_doc *tg = NULL;
  CHECK(b && kc_collect(b, 4, &s) == TOPICS_OK);
  tags_options o = tags_default_options();
  o.ntags = 5;
  o.background = NULL;
  if (s) CHECK(tags_from_cands(s, &o, &tg) == TOPICS_OK);
  *ndocs = (uint32_t)nd;
  *sp = s;
  *bp = b;
  return tg;
}

static void test_tags(void) {
  uint32_t nd;
  kc_set *s;
  dtm_builder *b;
  tags_doc *tg = tag_corpus(&nd, &s, &b);
  CHECK(tg != NULL);
  if (tg) {
    CHECK(tg[0].n >= 1);
    if (tg[0].n) CHECK_STREQ(tg[0].words[0], "graph neural network");
    for (uint32_t i = 1; i < tg[0].n; i++) {
      const char *w = tg[0].words[i];
      /* no part of the better tag */
      CHECK_MSG(strcmp(w, "graph") && strcmp(w, "neural network") && strcmp(w, "graph neural") &&
                    strcmp(w, "network") && strcmp(w, "neural"),
                "part '%s' of a better tag", w);
    }
    for (uint32_t i = 0; i < tg[5].n; i++)
      CHECK_MSG(strchr(tg[5].words[i], ' ') == NULL || strstr(tg[5].words[i], "felix") == NULL,
                "one-off run '%s' is a tag", tg[5].words[i]);
    /* The same again, byte for byte. */
    uint32_t nd2;
    kc_set *s2;
    dtm_builder *b2;
    tags_doc *tg2 = tag_corpus(&nd2, &s2, &b2);
    for (uint32_t d = 0; tg2 && d < nd; d++) {
      CHECK(tg[d].n == tg2[d].n);
      for (uint32_t i = 0; i < tg[d].n && i < tg2[d].n; i++) {
        CHECK_STREQ(tg[d].words[i], tg2[d].words[i]);
        CHECK(tg[d].scores[i] == tg2[d].scores[i]);
      }
    }
    tags_free(tg2, nd2);
    kc_free(s2);
    dtm_builder_free(b2);
  }
  tags_free(tg, nd);
  kc_free(s);
  dtm_builder_free(b);
}

/* 1 when some tag of td is w. */
static int has_tag(const tags_doc *td, const char *w) {
  for (uint32_t i = 0; i < td->n; i++)
    if (strcmp(td->words[i], w) == 0) return 1;
  return 0;
}

/* A stretch said once in the corpus: a tag only when it has no Han, is a whole run and its last
 * word recurs in the talk. */
static void test_once_runs(void) {
  const char *talks[] = {
      "newton solver | tangent stiffness matrix | matrix | grace teaches | solver | "
      "chinese provincial seismic station networks | seismic | 循环 肿瘤 细胞 | 细胞",
      "system value | result method", "time user | code test", "value result | user code"};
  dtm_builder *b = stream(talks, 4);
  kc_set *s = NULL;
  tags_doc *tg = NULL;
  CHECK(b && kc_collect(b, 4, &s) == TOPICS_OK);
  if (!s) {
    dtm_builder_free(b);
    return;
  }
  uint32_t tsm = find(s, "tangent stiffness matrix"), sm = find(s, "stiffness matrix"), n, len;
  CHECK(tsm != UINT32_MAX && sm != UINT32_MAX);
  const kc_occ *occ = kc_doc(s, 0, &n, &len);
  for (uint32_t i = 0; i < n; i++) {
    if (occ[i].cand == tsm) CHECK(occ[i].whole);
    if (occ[i].cand == sm) CHECK(!occ[i].whole); /* a cut from the run */
  }
  uint32_t han = find(s, "循环肿瘤细胞");
  CHECK(han != UINT32_MAX && kc_is_han(s, han) && !kc_is_han(s, tsm));
  tags_options o = tags_default_options();
  o.ntags = 100; /* every candidate that qualifies */
  o.background = NULL;
  CHECK(tags_from_cands(s, &o, &tg) == TOPICS_OK);
  if (tg) {
    CHECK_MSG(has_tag(&tg[0], "tangent stiffness matrix"),
              "a whole run with a recurring head is no tag");
    CHECK(!has_tag(&tg[0], "stiffness matrix") && !has_tag(&tg[0], "tangent stiffness"));
    CHECK(!has_tag(&tg[0], "grace teaches"));  /* its last word is said once */
    for (uint32_t i = 0; i < tg[0].n; i++) /* a 5-word run gives only cuts */
      CHECK_MSG(!(strstr(tg[0].words[i], "provincial") && strchr(tg[0].words[i], ' ')),
                "cut '%s' is a tag", tg[0].words[i]);
    CHECK(!has_tag(&tg[0], "循环肿瘤细胞")); /* Han runs must recur */
  }
  tags_free(tg, 4);
  kc_free(s);
  dtm_builder_free(b);
}

/* The display of the first occurrence of candidate key k in document d ("" when none). */
static const char *shown(const kc_set *s, uint32_t d, const char *k, char **buf, size_t *cap) {
  uint32_t c = find(s, k), n, len;
  size_t bl;
  const kc_occ *occ = kc_doc(s, d, &n, &len);
  for (uint32_t i = 0; c != UINT32_MAX && i < n; i++)
    if (occ[i].cand == c && kc_display(s, d, &occ[i], buf, cap, &bl) == TOPICS_OK) return *buf;
  return "";
}

/* A hyphen inside a compound joins its words into stretches, shown with the hyphen; a stretch
 * never begins or ends inside the compound as a tag; other gaps still cut. The same through a
 * packed and unpacked builder (the MPI path). */
static void test_hyphens(void) {
  const char *talks[] = {
      "AC - TEM observations | of | graphene | semi - classical methods | AC - TEM",
                         "semi - classical | methods | x | ray", "system value | result method",
                         "HR - TEM | LV - TEM | cryo - TEM"};
  dtm_builder *b = stream(talks, 4);
  for (int round = 0; round < 2 && b; round++) {
    kc_set *s = NULL;
    CHECK(kc_collect(b, 4, &s) == TOPICS_OK);
    if (!s) break;
    char *buf = NULL;
    size_t cap = 0;
    CHECK(find(s, "ac tem observations") != UINT32_MAX);
    CHECK(find(s, "semi classical methods") != UINT32_MAX);
    CHECK(find(s, "observations graphene") == UINT32_MAX); /* across a gap */
    CHECK(find(s, "methods x") == UINT32_MAX);
    uint32_t x = find(s, "x"); /* a lone letter is a variable, no tag */
    CHECK(x != UINT32_MAX && !kc_is_tag(s, x) && kc_is_tag(s, find(s, "ray")));
    CHECK_STREQ(shown(s, 0, "ac tem observations", &buf, &cap), "AC-TEM observations");
    CHECK_STREQ(shown(s, 1, "semi classical", &buf, &cap), "semi-classical");
    uint32_t n, len, tem = find(s, "tem"), obs = find(s, "tem observations");
    uint32_t act = find(s, "ac tem");
    const kc_occ *occ = kc_doc(s, 0, &n, &len);
    for (uint32_t i = 0; i < n; i++) {
      if (occ[i].cand == tem || occ[i].cand == obs) CHECK(occ[i].cut); /* begins inside */
      if (occ[i].cand == act) CHECK(occ[i].tf == 2 && !occ[i].cut && occ[i].whole);
    }
    tags_options o = tags_default_options();
    o.ntags = 100;
    o.background = NULL;
    tags_doc *tg = NULL;
    CHECK(tags_from_cands(s, &o, &tg) == TOPICS_OK);
    for (uint32_t i = 0; tg && i < tg[0].n; i++) /* no part of a compound alone */
      CHECK_MSG(strcmp(tg[0].words[i], "tem") && strcmp(tg[0].words[i], "semi") &&
                    strcmp(tg[0].words[i], "tem observations"),
                "compound part '%s' is a tag", tg[0].words[i]);
    CHECK(tg && has_tag(&tg[0], "AC-TEM"));
    /* `tem`, said three times but always inside a compound, outranks each compound */
    CHECK(tg && has_tag(&tg[3], "HR-TEM") && !has_tag(&tg[3], "tem") && !has_tag(&tg[3], "TEM"));
    tags_free(tg, 4);
    free(buf);
    kc_free(s);
    /* round 2: the same builder through dtm_pack / dtm_unpack */
    uint8_t *pk = NULL;
    size_t pl = 0;
    CHECK(dtm_pack(b, &pk, &pl) == TOPICS_OK);
    dtm_builder_free(b);
    b = NULL;
    topics_status st;
    dtm_unpack *u = pk ? dtm_unpack_new(pk, pl, &st) : NULL;
    CHECK(u != NULL);
    if (u) {
      b = dtm_builder_new();
      for (uint32_t d = 0; b && d < dtm_unpack_ndocs(u); d++)
        CHECK(dtm_builder_begin_doc(b) == TOPICS_OK && dtm_unpack_doc(u, d, b) == TOPICS_OK);
    }
    dtm_unpack_free(u);
    free(pk);
    if (round == 1) break;
  }
  dtm_builder_free(b);
}

/* The command's tags are the same for 1 and 3 tokenizer threads. */
static void test_threads(void) {
  char dir[] = "/tmp/topics-kc-XXXXXX";
  if (!mkdtemp(dir)) {
    CHECK(0);
    return;
  }
  char path[256], cmd[1024];
  snprintf(path, sizeof path, "%s/talks.jsonl", dir);
  FILE *f = fopen(path, "w");
  CHECK(f != NULL);
  if (!f) return;
  for (int d = 0; d < 60; d++)
    fprintf(f,
            "{\"id\": \"t%d\", \"text\": \"Talk %c on graph neural networks and %s. Graph neural "
            "networks learn %s; 我們用循環神經網路做%s，循環神經網路很快。\"}\n",
            d, 'A' + d % 26, d % 3 ? "event loops" : "pull requests", d % 2 ? "molecules" : "web servers",
            d % 4 ? "翻譯" : "語音辨識");
  fclose(f);
  for (int t = 1; t <= 3; t += 2) {
    snprintf(cmd, sizeof cmd, "%s tags -q -t %d -f json %s > %s/out%d.json", TOPICS_BINARY, t, path,
             dir, t);
    CHECK(system(cmd) == 0);
  }
  /* everything but the timing line */
  snprintf(cmd, sizeof cmd, "grep -v '\"timing\"' %s/out1.json > %s/a && grep -v '\"timing\"' %s/out3.json > %s/b && cmp -s %s/a %s/b",
           dir, dir, dir, dir, dir, dir);
  CHECK_MSG(system(cmd) == 0, "tags differ between 1 and 3 threads");
  snprintf(cmd, sizeof cmd, "grep -q 'graph neural networks' %s/out1.json", dir);
  CHECK_MSG(system(cmd) == 0, "the recurring phrase is no tag");
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  CHECK(system(cmd) == 0);
}

static const char *const en_keys[] = {"run", "take off", "graph", "机器", "walk"};

static const char *en_key(void *ud, uint32_t i, size_t *len) {
  (void)ud;
  *len = strlen(en_keys[i]);
  return en_keys[i];
}

/* Sense counts: a lemma's senses and its inflected lemma add up under one stemmed key; `_` joins
 * a phrase's words; a Han key is not judged; a malformed line is an error naming the line. */
static void test_en_counts(void) {
  const char *buf = "run%1:04:00:: 1 30\nrun%2:38:00:: 2 10\nrunning%1:04:00:: 1 5\n"
                    "take_off%2:38:00:: 1 5\ngraph%1:10:00:: 1 0\n";
  bg_freq f;
  CHECK(bg_parse_en_keys("counts", buf, strlen(buf), 5, en_key, NULL, &f) == TOPICS_OK);
  if (!f.rel) return;
  CHECK(f.total == 50.0 && f.nfound == 2);
  CHECK(f.rel[0] > 0.899 && f.rel[0] < 0.901);
  CHECK(f.rel[1] > 0.099 && f.rel[1] < 0.101);
  CHECK(f.rel[2] == 0.0 && f.rel[4] == 0.0);
  CHECK(f.rel[3] < 0);
  bg_freq_clear(&f);
  const char *bad = "run%1:04:00:: 1 30\nrun 1 10\n";
  fprintf(stderr, "(a warning about counts line 2 is expected)\n");
  CHECK(bg_parse_en_keys("counts", bad, strlen(bad), 5, en_key, NULL, &f) == TOPICS_EINVAL);
  CHECK(f.rel == NULL);
}

/* The first tag of talk 0, which says "method" (first) and "graph" twice each; of 29 other
 * talks, 14 say "graph" and 14 "method" once, so both have the same df. */
static char *first_tag(const char *wordnet) {
  static char text[30][128];
  const char *talks[30];
  for (int d = 0; d < 30; d++) {
    snprintf(text[d], sizeof text[0], "note %d | %s | talk", d,
             d == 0 ? "method | graph | method | graph" : d == 29 ? "none" : d % 2 ? "graph" : "method");
    talks[d] = text[d];
  }
  if (wordnet) setenv("TOPICS_WORDNET", wordnet, 1);
  else unsetenv("TOPICS_WORDNET");
  dtm_builder *b = stream(talks, 30);
  kc_set *s = NULL;
  tags_doc *tg = NULL;
  char *first = NULL;
  CHECK(b && kc_collect(b, 4, &s) == TOPICS_OK);
  tags_options o = tags_default_options();
  o.background = "/nonexistent/essay.txt"; /* no Chinese list, but lists wanted */
  if (s) CHECK(tags_from_cands(s, &o, &tg) == TOPICS_OK);
  if (tg && tg[0].n > 0) first = strdup(tg[0].words[0]);
  tags_free(tg, 30);
  kc_free(s);
  dtm_builder_free(b);
  unsetenv("TOPICS_WORDNET");
  return first;
}

/* With counts where "method" is common in general language, "graph" (unseen) is the first tag;
 * without them "method", said first, is. */
static void test_en_prior(void) {
  char path[] = "/tmp/topics-wn-XXXXXX";
  int fd = mkstemp(path);
  CHECK(fd >= 0);
  if (fd < 0) return;
  FILE *f = fdopen(fd, "w");
  CHECK(f != NULL);
  if (!f) return;
  fputs("method%1:09:00:: 1 3000\nmethod%1:09:01:: 2 1000\nother%3:00:00:: 1 6000\n", f);
  fclose(f);
  char *with = first_tag(path), *none = first_tag("none"), *absent = first_tag("/nonexistent/wn");
  CHECK_STREQ(with, "graph");
  CHECK_STREQ(none, "method");
  CHECK_STREQ(absent, "method");
  free(with);
  free(none);
  free(absent);
  unlink(path);
}

/* The tags of talk 0 of a corpus where it repeats clause-like stretches and names, with the
 * WordNet files of dir (NULL: TOPICS_WORDNET=none). */
static tags_doc *clause_tags(const char *dir, uint32_t *nd) {
  const char *talks[20];
  for (int d = 0; d < 20; d++)
    talks[d] = d == 0 ? "explained pytest fixtures | injected charges | loss caused | team deploys | "
                        "renaming columns afterwards | navier - stokes | Twisted | explained pytest "
                        "fixtures | injected charges | loss caused | team deploys | renaming columns "
                        "afterwards | navier - stokes | Twisted"
                      : d % 2 ? "other note | pytest" : "different note | charges";
  char wn[512];
  snprintf(wn, sizeof wn, "%s/cntlist.rev", dir ? dir : "");
  setenv("TOPICS_WORDNET", dir ? wn : "none", 1);
  dtm_builder *b = stream(talks, 20);
  kc_set *s = NULL;
  tags_doc *tg = NULL;
  CHECK(b && kc_collect(b, 4, &s) == TOPICS_OK);
  tags_options o = tags_default_options();
  o.ntags = 40;
  o.background = "/nonexistent/essay.txt";
  if (s) CHECK(tags_from_cands(s, &o, &tg) == TOPICS_OK);
  *nd = s ? kc_ndocs(s) : 0;
  kc_free(s);
  dtm_builder_free(b);
  unsetenv("TOPICS_WORDNET");
  return tg;
}

static void test_clauses(void) {
  char dir[] = "/tmp/topics-wn-XXXXXX";
  CHECK(mkdtemp(dir) != NULL);
  /* Excerpts in the format of WordNet 3.0's files. */
  const char *files[][2] = {
      {"index.verb", "explain v 3 2 @ ~ 3 1 00939277 00938247 00939105  \n"
                     "inject v 6 2 @ ~ 6 0 00090253 01583494 01583656 01583893 01584008 01584116  \n"
                     "cause v 2 3 @ ~ $ 2 2 01645601 01752495  \n"
                     "deploy v 2 2 @ ~ 2 0 01145854 02343595  \n"
                     "rename v 1 1 @ 1 0 01028748  \n"
                     "stoke v 1 1 @ 1 0 00403334  \n"
                     "twist v 12 4 @ ~ $ + 12 3 01223616 01907258 01876907 01873942  \n"},
      {"index.noun", "team n 2 4 @ ~ + ; 2 2 08208560 08189659  \n"
                     "charge n 13 4 @ ~ + ; 13 9 08190754 07395446 01112220 06730563  \n"
                     "loss n 8 4 @ ~ + ; 8 5 13258362 07337390 00275466 14573553 14469014  \n"},
      {"index.adj", "twisted a 2 2 & + 2 0 00592653 02182127  \n"},
      {"index.adv", "afterwards r 1 1 \\ 1 0 00061528  \n"},
      {"verb.exc", ""},
      {"cntlist.rev", "explain%2:32:00:: 1 109\ninject%2:35:00:: 1 7\ncause%2:36:00:: 1 300\n"}};
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
    CHECK(tu_put(dir, files[i][0], files[i][1]) == 0 || !files[i][1][0]);
  uint32_t nw, nn;
  tags_doc *with = clause_tags(dir, &nw), *none = clause_tags(NULL, &nn);
  CHECK(with && none && nw == 20 && nn == 20);
  if (with && none) {
    static const char *const clauses[] = {"explained pytest fixtures", "loss caused", "team deploys",
                                          "renaming columns afterwards"};
    for (size_t i = 0; i < sizeof clauses / sizeof clauses[0]; i++) {
      CHECK_MSG(!has_tag(&with[0], clauses[i]), "clause '%s' is a tag", clauses[i]);
      CHECK_MSG(has_tag(&none[0], clauses[i]), "'%s' is no tag without WordNet", clauses[i]);
    }
    static const char *const names[] = {"pytest fixtures", "injected charges", "navier-stokes",
                                        "Twisted", "renaming columns"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
      CHECK_MSG(has_tag(&with[0], names[i]), "'%s' is no tag", names[i]);
  }
  tags_free(with, nw);
  tags_free(none, nn);
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) tu_put(dir, files[i][0], "");
  rmdir(dir);
}

int main(void) {
  test_en_counts();
  test_clauses();
  test_en_prior();
  test_stretches();
  test_tags();
  test_once_runs();
  test_hyphens();
  test_threads();
  return check_done();
}
