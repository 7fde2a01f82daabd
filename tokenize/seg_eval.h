/* Scoring a segmentation against gold words, for the accuracy tests and the benchmark: reads the
 * `# text = ` lines and word rows of a CoNLL-U file, and counts exactly matching word spans, from
 * which F1 = 2PR/(P+R) follows. */
#ifndef TOPICS_SEG_EVAL_H
#define TOPICS_SEG_EVAL_H

#include <stddef.h>

#include "common/status.h"
#include "tokenize/segmenter.h"

/* Sentences with their gold words as byte spans of the text. */
typedef struct seg_gold {
  char *text;      /* all sentences' texts, each NUL-terminated, one malloc'd block */
  size_t *off;     /* sentence i is text + off[i], length len[i] */
  size_t *len;
  seg_span *words; /* gold words of sentence i: words[first[i] .. first[i+1]) */
  size_t *first;   /* nsent + 1 entries */
  size_t nsent;
  size_t skipped;  /* sentences whose words did not spell out their text */
} seg_gold;

/* Loads a CoNLL-U file (multi-word token ranges and empty nodes are skipped). TOPICS_EIO when it
 * cannot be read, TOPICS_ENOMEM. Free with seg_gold_free. */
topics_status seg_gold_load(const char *path, seg_gold *g);
/* Frees what seg_gold_load allocated (a zeroed or freed seg_gold is fine). */
void seg_gold_free(seg_gold *g);

/* Counts of one or more sentences. */
typedef struct seg_score {
  size_t gold, pred, correct;
} seg_score;

/* Adds the comparison of predicted spans with gold spans (both sorted, over the same text). */
void seg_score_add(seg_score *sc, const seg_span *gold, size_t ngold, const seg_span *pred,
                   size_t npred);
/* F1 of the counts (0 when there is nothing). */
double seg_score_f1(const seg_score *sc);

/* Scores every sentence of g with seg_run (raw = 0) or with ICU alone (raw = 1: word breaks with
 * white space left out, no fast path, protected spans or merges). */
topics_status seg_gold_score(segmenter *s, const seg_gold *g, int raw, seg_score *sc);

#endif
