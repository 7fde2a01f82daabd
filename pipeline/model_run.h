/* What the main command adds around training for keeping and measuring a model: the tokenizer
 * settings saved in model.topics, the choice of K (-k auto, -k MIN:MAX) and held-out talks
 * (--holdout). Kept out of run.c so that the run stays a list of stages. */
#ifndef TOPICS_MODEL_RUN_H
#define TOPICS_MODEL_RUN_H

#include <signal.h>
#include <stdint.h>

#include "common/status.h"
#include "models/dtm.h"
#include "models/lda.h"
#include "models/model_file.h"
#include "models/summary.h"
#include "pipeline/cli.h"
#include "pipeline/output.h"

/* The settings of o that shaped the terms (--no-fold-han, --no-phrases, the entries of
 * --stopwords and --dict), for the model file; model, m and seed are filled by the writer.
 * Problems reading the lists are reported naming the file. Free with mrun_save_free. */
topics_status mrun_save_new(const cli_options *o, mf_save_info **out);
/* mrun_save_free(NULL) does nothing. */
void mrun_save_free(mf_save_info *s);

/* -k auto / MIN:MAX: trains the candidates (models/eval.h), prints their table on standard error
 * (unless o->quiet) and gives the chosen K. */
topics_status mrun_choose_k(const cli_options *o, const dtm *m, uint32_t threads,
                            volatile sig_atomic_t *stop, uint32_t *k);

/* --holdout: the talks held out (*held, ndocs bytes, malloc'd) and the matrix to train on: m
 * with those talks emptied (same talks, same term ids). */
topics_status mrun_holdout_split(const dtm *m, double frac, uint64_t seed, uint8_t **held,
                                 dtm **train);

/* After training on the split: the held-out perplexity by document completion (*perplexity),
 * and each held-out talk's topic mix inferred from its whole text into sum (theta and top). */
topics_status mrun_holdout_finish(const lda *model, const dtm *m, const uint8_t *held,
                                  uint64_t seed, uint32_t threads, volatile sig_atomic_t *stop,
                                  summary *sum, double *perplexity);

/* Mean NPMI of each topic's top words over m into coherence[0 .. k), and the diversity of all
 * topics' top words (ev_diversity). */
void mrun_topic_quality(const summary *sum, const dtm *m, double *coherence, double *diversity);

/* The timing fields of r: reading (less tokenizing, which is tokenize_s), modelling from t_model0
 * to t_end, the whole run from t0 to now (clock_seconds), and the peak memory so far. */
void mrun_timing(out_run *r, double tokenize_s, double t0, double t_read, double t_model0,
                 double t_end);

#endif
