/* Accuracy of the --raw segmentation (seg_run's spans: every non-white-space character) on the UD
 * Chinese GSD dev set, word-span F1 = 2PR/(P+R), next to raw ICU on the same text. Fails below the
 * floor reached when the merges were written, or when the merges score below raw ICU. Skips when
 * ../shared is absent. */
#include <stdio.h>

#include "check.h"
#include "tokenize/seg_eval.h"
#include "tokenize/segmenter.h"

/* Reached: 0.7917 (raw ICU 0.7873) on dev. */
#define DEV_F1_FLOOR 0.790

int main(void) {
  const char *path = TOPICS_SHARED_DIR "/data/ud-zh-gsd-zh_gsd-ud-dev.conllu";
  FILE *f = fopen(path, "rb");
  if (!f) {
    printf("skipped: %s is absent (../shared holds the UD GSD data)\n", path);
    return CHECK_SKIP;
  }
  fclose(f);
  topics_status st;
  segmenter *s = seg_new(&st);
  CHECK(s != NULL);
  seg_gold g;
  CHECK(seg_gold_load(path, &g) == TOPICS_OK);
  CHECK_MSG(g.nsent == 500 && g.skipped == 0, "%zu sentences, %zu skipped", g.nsent, g.skipped);
  seg_score ours = {0, 0, 0}, icu = {0, 0, 0};
  CHECK(seg_gold_score(s, &g, 0, &ours) == TOPICS_OK);
  CHECK(seg_gold_score(s, &g, 1, &icu) == TOPICS_OK);
  double f_ours = seg_score_f1(&ours), f_icu = seg_score_f1(&icu);
  printf("UD GSD dev: --raw F1 %.4f (%zu of %zu words right, %zu predicted), raw ICU F1 %.4f\n",
         f_ours, ours.correct, ours.gold, ours.pred, f_icu);
  CHECK_MSG(f_ours >= DEV_F1_FLOOR, "F1 %.4f below the floor %.3f", f_ours, DEV_F1_FLOOR);
  CHECK_MSG(f_ours >= f_icu, "merges lower F1: %.4f < raw ICU %.4f", f_ours, f_icu);
  CHECK_MSG(f_icu > 0.75, "raw ICU F1 %.4f: the data or the scorer is off", f_icu);
  seg_gold_free(&g);
  seg_free(s);
  return check_done();
}
