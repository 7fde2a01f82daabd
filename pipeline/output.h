/* Writers for a finished run: the text report, JSON (the contract in DESIGN.md), and the files of
 * -o DIR (topics.json, topic-keys.tsv, doc-topics.tsv, tags.tsv, vocab.txt, docword.txt,
 * report.html). Every file is written to a temporary file in the same directory and renamed into
 * place only when complete, so an interrupted or failed run never leaves a partial file. */
#ifndef TOPICS_OUTPUT_H
#define TOPICS_OUTPUT_H

#include <stdint.h>
#include <signal.h>
#include <stdio.h>

#include "common/status.h"
#include "models/dtm.h"
#include "models/lda.h"
#include "models/summary.h"
#include "models/tags.h"
#include "pipeline/reader.h"

typedef struct out_doc_meta {
  const char *id, *path, *title;
  long line;
  const char *date; /* from the notes' front matter, or NULL */
} out_doc_meta;

/* Talks left out as copies of an earlier talk. */
typedef struct out_dup {
  const char *kept;           /* id of the talk that was kept */
  const char *const *dropped; /* ids of its copies, in input order */
  size_t ndropped;
} out_dup;

typedef struct out_run {
  const char *version;
  const dtm *m;
  const out_doc_meta *docs;   /* dtm_ndocs(m) of them */
  const rd_skipped *skipped;  /* files passed over */
  size_t nskipped;
  const tags_doc *tags;       /* dtm_ndocs(m) of them */
  const out_dup *dups;        /* copies left out, ndups groups in the kept talks' order */
  size_t ndups;
  /* The model part; model == NULL for `topics tags`. */
  const lda *model;
  const summary *sum;
  uint64_t seed;
  /* Seconds spent per stage. */
  double read_s, tokenize_s, model_s, total_s;
  /* Peak resident memory of the process so far, in MiB (0 when unknown). */
  double peak_rss_mb;
  /* The tokenizer settings model.topics records (NULL: the defaults, no extra word lists). */
  const struct mf_save_info *save;
  /* --holdout: perplexity of the held-out talks by document completion (0: no holdout). */
  double holdout_perplexity;
  /* Each topic's NPMI coherence (k values, NULL when not computed) and the topics' diversity. */
  const double *coherence;
  double diversity;
} out_run;

/* The readable report: a table per topic, then one line per talk with its tags. */
topics_status out_text(FILE *f, const out_run *r);

/* The JSON document of DESIGN.md, "documents" in input order. */
topics_status out_json(FILE *f, const out_run *r);

/* Writes every table of -o into dir (which must exist and be writable). Files are replaced
 * atomically; on failure, earlier files of this call are kept and no temporary file remains.
 * Errors are reported with diag_error naming the file. stop, when non-NULL and set, aborts with
 * TOPICS_EINTR (temporary files removed). */
topics_status out_write_dir(const char *dir, const out_run *r, volatile sig_atomic_t *stop);


#endif
