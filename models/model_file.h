/* The saved model (model.topics in an -o folder): what `topics infer` needs to apply a trained
 * model to new talks. The vocabulary (keys, display words, phrase parts), the tokenizer settings
 * that shaped the terms, the topic-word counts (sparse), alpha, beta, K, seed and iterations.
 * The byte layout is described in docs/model-format.md: a magic number, a format version, the
 * payload length, the payload and an FNV-1a 64 checksum of the payload. Loading never trusts the
 * file: every length and id is checked, so a damaged file is an error, never a crash. */
#ifndef TOPICS_MODEL_FILE_H
#define TOPICS_MODEL_FILE_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common/status.h"
#include "common/strmap.h"
#include "models/dtm.h"
#include "models/lda.h"

/* The format version this build writes and reads. */
#define MF_FORMAT_VERSION 2u
/* The first 8 bytes of every model file. */
#define MF_MAGIC "TOPICSMF"

/* A loaded model. Every array is owned by the model; free with mf_free. */
typedef struct mf_model {
  char *tool_version;   /* the topics version that wrote it */
  uint32_t k, v;        /* topics, terms */
  uint32_t iterations;
  uint64_t seed;
  double beta;
  double *alpha;        /* k values */
  int fold_han;         /* the tokenizer's Traditional-to-Simplified fold */
  int phrases;          /* 1: the corpus phrase pass was on */
  int keep_code;        /* 1: code blocks of Markdown notes were read as text (--code keep) */
  uint32_t nstop, ndict;
  char **stop;          /* extra stopwords (--stopwords), nstop of them */
  char **dict;          /* user dictionary entries (--dict), ndict of them */
  char **keys;          /* v term keys (normalised, folded, stemmed), distinct */
  char **words;         /* v display words */
  uint32_t *nwords;     /* v: parts of each term (1 for a single word) */
  uint64_t *parts_off;  /* v + 1: term t's parts are parts[parts_off[t] .. parts_off[t + 1]) */
  uint32_t *parts;      /* term ids, or UINT32_MAX for a part that is no term by itself */
  uint64_t *row_off;    /* k + 1: topic t's counts are terms/counts[row_off[t] .. row_off[t + 1]) */
  uint32_t *terms;      /* term ids, ascending within a topic */
  uint32_t *counts;     /* tokens of that term assigned to the topic (> 0) */
  uint64_t *topic_tokens; /* k: the sum of each topic's counts */
  strmap *index;        /* key -> term id */
  char *arena;          /* the strings above point into it */
} mf_model;

/* What the writer saves besides the model and its term matrix. */
typedef struct mf_save_info {
  const lda *model;
  const dtm *m;         /* the matrix model was trained on (its vocabulary is saved) */
  uint64_t seed;
  int fold_han, phrases, keep_code;
  const char *const *stop; /* extra stopwords as given, nstop of them (may be NULL when 0) */
  uint32_t nstop;
  const char *const *dict; /* user dictionary entries, ndict of them */
  uint32_t ndict;
} mf_save_info;

/* Writes the model file to f. TOPICS_EINTR when *stop is set, TOPICS_ENOMEM, TOPICS_EIO when a
 * write failed. The shape of an output folder's fill function, with ud an mf_save_info. */
topics_status mf_write_fill(FILE *f, void *ud, volatile sig_atomic_t *stop);
topics_status mf_write(FILE *f, const mf_save_info *in);

/* Parses a model file held in memory. TOPICS_EPARSE for a damaged, truncated or foreign file,
 * TOPICS_EINVAL for a model file of another format version, TOPICS_ENOMEM; err (errlen bytes)
 * gets a one-line reason. *out is the model (free with mf_free). */
topics_status mf_parse(const unsigned char *data, size_t n, mf_model **out, char *err,
                       size_t errlen);

/* Reads and parses the file at path; problems are reported with diag_error naming the file.
 * TOPICS_ENOENT when it does not exist, TOPICS_EIO when unreadable, else as mf_parse. */
topics_status mf_load(const char *path, mf_model **out);

/* Term id of a key into *t; 0 when the model has no such term. */
int mf_find(const mf_model *md, const char *key, size_t len, uint32_t *t);

/* mf_free(NULL) does nothing. */
void mf_free(mf_model *md);

/* The entries of a word list file (--stopwords, --dict: one a line, '#' starts a comment at the
 * line start or after white space, surrounding blanks trimmed, empty lines skipped). *out is a
 * malloc'd array of malloc'd strings; free with mf_list_free. TOPICS_EIO (reported) when
 * unreadable. */
topics_status mf_read_list(const char *path, char ***out, uint32_t *n);
void mf_list_free(char **list, uint32_t n);

#endif
