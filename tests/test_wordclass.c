/* English word classes for the keyphrase filter (models/wordclass.h), on excerpts in the format
 * of WordNet 3.0's files: lemmas of each index file get their class, the -ed and -s endings are
 * judged by their stems (compare-d, push-ed, stopp-ed, verifi-ed; deploy-s, but not push-es,
 * whose stem is a noun), verb.exc's irregular past forms count, its -ing forms do not, SemCor's
 * verb counts mark the common verbs and its adjective senses add adjectives; a word not asked for,
 * or with other characters than letters, has no class; reading a directory fails without
 * index.verb and works without the others; and when /usr/share/wordnet is installed, the real
 * files judge the words the tags filter on as the filter expects. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "test_util.h"
#include "models/wordclass.h"

static const char *const words[] = {"compared", "explained", "injected", "stopped",  "verified",
                                    "deploys",  "pushes",    "wrote",    "lagging",  "speed",
                                    "afterwards", "Named",   "loss",     "charged",  "pushed"};
#define NWORDS (sizeof words / sizeof words[0])

static const char index_verb[] =
    "  1 This software and database is being provided to you, the LICENSEE, by  \n"
    "compare v 3 4 @ ~ $ + 3 0 00652346 00651991 02665282  \n"
    "explain v 3 2 @ ~ 3 1 00939277 00938247 00939105  \n"
    "inject v 6 2 @ ~ 6 0 00090253 01583494 01583656 01583893 01584008 01584116  \n"
    "stop v 9 3 @ ~ * 9 8 02680814 01859586 02681795 01860795  \n"
    "verify v 3 2 @ ~ 3 1 00662589 00920778 01015244  \n"
    "deploy v 2 2 @ ~ 2 0 01145854 02343595  \n"
    "push v 10 4 @ ~ $ + 10 4 01871979 01872745 02078294 00674964  \n"
    "write v 10 5 @ ~ * $ + 10 10 01698271 00993014 01744611 01007222  \n"
    "lag v 3 2 @ ~ 3 0 00779601 02046321 02055649  \n"
    "speed v 4 2 @ ~ 4 2 00439958 01908287 00440580 01909186  \n"
    "charge v 24 4 @ ~ $ + 24 11 02320374 02326695 00977301 00996485  \n";
static const char index_noun[] =
    "push n 5 4 @ ~ + ; 5 1 05045471 00109660 00112312 00280532 04016240  \n"
    "speed n 5 4 @ ~ + ; 5 3 05058140 05058580 15282696 11503060 03754295  \n"
    "loss n 8 4 @ ~ + ; 8 5 13258362 07337390 00275466 14573553 14469014  \n";
static const char index_adj[] = "charged a 4 2 & + 4 0 00376617 00377120 00378107 01517656  \n";
static const char index_adv[] = "afterwards r 1 1 \\ 1 0 00061528  \n";
static const char verb_exc[] = "wrote write\nlagging lag\nlagged lag\nbroken\n";
static const char counts[] =
    "compare%2:31:00:: 1 57\ncompare%2:31:01:: 3 9\ncompare%2:42:00:: 2 12\n"
    "explain%2:32:00:: 1 109\ninject%2:35:00:: 1 7\nwrite%2:36:00:: 1 185\n"
    "named%5:00:00:known:00 1 2\nstop%2:38:00:: 1 62\nlag%2:38:00:: 1 7\n"
    "malformed line\nverify%2:31:00 x y\n";

static unsigned cls(const wc_map *m, const char *w) { return wc_class(m, w, strlen(w)); }

static wc_map *asked(void) {
  wc_map *m = wc_new();
  CHECK(m != NULL);
  for (size_t i = 0; m && i < NWORDS; i++)
    CHECK(wc_want(m, words[i], strlen(words[i])) == TOPICS_OK);
  return m;
}

static void check_classes(const wc_map *m) {
  unsigned past = WC_PAST | WC_COMMON;
  CHECK((cls(m, "compared") & past) == past);  /* 78 verb tags: common */
  CHECK((cls(m, "explained") & past) == past);
  CHECK((cls(m, "injected") & past) == WC_PAST); /* 7: a rarer verb */
  CHECK((cls(m, "stopped") & past) == past);     /* stop, doubled consonant */
  CHECK(cls(m, "verified") & WC_PAST);            /* verify */
  CHECK(cls(m, "pushed") & WC_PAST);
  CHECK((cls(m, "wrote") & past) == past);       /* irregular, through verb.exc */
  CHECK(!(cls(m, "lagging") & WC_PAST));         /* verb.exc's -ing form */
  CHECK(cls(m, "deploys") & WC_VERB3);
  CHECK(!(cls(m, "pushes") & WC_VERB3));          /* push is a noun too: a plural */
  CHECK(cls(m, "speed") == (WC_NOUN | WC_VERB));  /* no -ed form of "spe" */
  CHECK(cls(m, "afterwards") == WC_ADV);
  CHECK(cls(m, "named") & WC_ADJ);                 /* SemCor's adjective sense, any case */
  CHECK(cls(m, "NAMED") & WC_ADJ);
  CHECK((cls(m, "charged") & (WC_ADJ | WC_PAST)) == (WC_ADJ | WC_PAST));
  CHECK(cls(m, "loss") == WC_NOUN);                /* "los" is no verb: no -s form */
  CHECK(cls(m, "unasked") == 0);
  CHECK(cls(m, "co-op") == 0);
  CHECK(cls(m, "ab") == 0);
}

static void test_parse(void) {
  wc_map *m = asked();
  if (!m) return;
  wc_parse_index(m, index_verb, strlen(index_verb), WC_VERB);
  wc_parse_index(m, index_noun, strlen(index_noun), WC_NOUN);
  wc_parse_index(m, index_adj, strlen(index_adj), WC_ADJ);
  wc_parse_index(m, index_adv, strlen(index_adv), WC_ADV);
  CHECK(wc_parse_exc(m, verb_exc, strlen(verb_exc)) == TOPICS_OK);
  wc_parse_counts(m, counts, strlen(counts));
  check_classes(m);
  wc_free(m);
  wc_free(NULL);
}

static void test_dir(void) {
  char dir[] = "/tmp/topics-wc-XXXXXX";
  CHECK(mkdtemp(dir) != NULL);
  wc_map *m = asked();
  if (!m) return;
  CHECK(wc_read_dir(m, dir, NULL) == TOPICS_ENOENT); /* no index.verb */
  wc_free(m);
  const char *files[][2] = {{"index.verb", index_verb}, {"index.noun", index_noun},
                            {"index.adj", index_adj},   {"index.adv", index_adv},
                            {"verb.exc", verb_exc},     {"cntlist.rev", counts}};
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
    CHECK(tu_put(dir, files[i][0], files[i][1]) == 0);
  char cpath[512];
  snprintf(cpath, sizeof cpath, "%s/cntlist.rev", dir);
  m = asked();
  CHECK(m && wc_read_dir(m, dir, cpath) == TOPICS_OK);
  if (m) check_classes(m);
  wc_free(m);
  /* Without the counts, no verb is common; without index.noun, push's -s form is a verb's. */
  tu_put(dir, "index.noun", "");
  m = asked();
  CHECK(m && wc_read_dir(m, dir, "/nonexistent/cntlist.rev") == TOPICS_OK);
  if (m) {
    CHECK((cls(m, "compared") & (WC_PAST | WC_COMMON)) == WC_PAST);
    CHECK(cls(m, "pushes") & WC_VERB3);
  }
  wc_free(m);
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) tu_put(dir, files[i][0], "");
  rmdir(dir);
}

/* The installed WordNet, when there is one, on the words the tag filter turns on. */
static void test_installed(void) {
  const char *dir = "/usr/share/wordnet";
  if (access("/usr/share/wordnet/index.verb", R_OK) != 0) {
    printf("SKIP: %s/index.verb is not installed (wordnet-base)\n", dir);
    return;
  }
  static const char *const real[] = {"compared", "explained", "introduced", "injected", "caused",
                                     "demonstrated", "deploys", "supports", "afterwards", "wrote",
                                     "named", "distributed", "speed", "seed"};
  wc_map *m = wc_new();
  CHECK(m != NULL);
  if (!m) return;
  for (size_t i = 0; i < sizeof real / sizeof real[0]; i++)
    CHECK(wc_want(m, real[i], strlen(real[i])) == TOPICS_OK);
  CHECK(wc_read_dir(m, dir, "/usr/share/wordnet/cntlist.rev") == TOPICS_OK);
  unsigned common = WC_PAST | WC_COMMON;
  CHECK((cls(m, "compared") & common) == common && !(cls(m, "compared") & (WC_ADJ | WC_NOUN)));
  CHECK((cls(m, "explained") & common) == common);
  CHECK((cls(m, "introduced") & common) == common);
  CHECK((cls(m, "injected") & common) == WC_PAST);
  CHECK((cls(m, "caused") & WC_PAST) && !(cls(m, "caused") & WC_NOUN));
  CHECK((cls(m, "wrote") & common) == common);
  CHECK(cls(m, "deploys") & WC_VERB3);
  CHECK(!(cls(m, "supports") & WC_VERB3)); /* support is a noun too */
  CHECK((cls(m, "afterwards") & (WC_ADV | WC_NOUN | WC_VERB | WC_ADJ)) == WC_ADV);
  CHECK(cls(m, "named") & WC_ADJ);
  CHECK(cls(m, "distributed") & WC_ADJ);
  CHECK(cls(m, "speed") & WC_NOUN);
  CHECK(cls(m, "seed") & WC_NOUN);
  wc_free(m);
}

int main(void) {
  test_parse();
  test_dir();
  test_installed();
  return check_done();
}
