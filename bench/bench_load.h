/* Loading a JSON Lines corpus for the benchmarks through the project's own reader (pipeline/
 * reader.h), so the benchmarks decode exactly what `topics` decodes, and the sampler settings
 * the benchmarks take from the environment. Header-only: every bench_*.c is its own program. */
#ifndef TOPICS_BENCH_LOAD_H
#define TOPICS_BENCH_LOAD_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/diag.h"
#include "common/mem.h"
#include "models/lda.h"
#include "pipeline/reader.h"

/* BENCH_LDA_TEMPER=N|auto: a tempered start of N sweeps, or of the model's choice
 * (LDA_TEMPER_AUTO), into o; unset leaves o as it is (none, as in the command). Returns 0, or
 * 2 after a message naming prog when the value is neither. */
static inline int bench_temper_env(lda_options *o, const char *prog) {
  const char *temper = getenv("BENCH_LDA_TEMPER");
  if (!temper) return 0;
  if (!strcmp(temper, "auto")) {
    o->temper_sweeps = LDA_TEMPER_AUTO;
    return 0;
  }
  char *end;
  unsigned long n = strtoul(temper, &end, 10);
  if (!*temper || *end || n >= UINT32_MAX) {
    fprintf(stderr, "%s: BENCH_LDA_TEMPER must be a count of sweeps or auto\n", prog);
    return 2;
  }
  o->temper_sweeps = (uint32_t)n;
  return 0;
}

typedef struct corpus {
  char *buf; /* texts, back to back */
  size_t len, cap;
  size_t *off, *dlen; /* document i is buf[off[i] .. off[i] + dlen[i]) */
  size_t ndocs, dcap, lcap;
} corpus;

typedef struct corpus_loader {
  corpus *c;
  const char *const *prefixes; /* NULL-terminated id prefixes to keep, or NULL for all */
  int keep;                    /* the current talk is kept */
} corpus_loader;

static topics_status corpus_begin(void *ud, const rd_talk_info *t) {
  corpus_loader *l = ud;
  l->keep = l->prefixes == NULL;
  for (const char *const *p = l->prefixes; p && *p; p++)
    if (strncmp(t->id, *p, strlen(*p)) == 0) l->keep = 1;
  if (!l->keep) return TOPICS_OK;
  corpus *c = l->c;
  if (MEM_RESERVE(c->off, c->dcap, c->ndocs + 1) != TOPICS_OK ||
      MEM_RESERVE(c->dlen, c->lcap, c->ndocs + 1) != TOPICS_OK)
    return TOPICS_ENOMEM;
  c->off[c->ndocs] = c->len;
  c->dlen[c->ndocs] = 0;
  c->ndocs++;
  return TOPICS_OK;
}

static topics_status corpus_text(void *ud, const char *s, size_t n) {
  corpus_loader *l = ud;
  if (!l->keep) return TOPICS_OK;
  corpus *c = l->c;
  if (MEM_RESERVE(c->buf, c->cap, c->len + n) != TOPICS_OK) return TOPICS_ENOMEM;
  memcpy(c->buf + c->len, s, n);
  c->len += n;
  c->dlen[c->ndocs - 1] += n;
  return TOPICS_OK;
}

static topics_status corpus_end(void *ud) {
  (void)ud;
  return TOPICS_OK;
}

/* Reads every talk of a JSON Lines file (with id_prefixes, only talks whose id starts with one of
 * them: pyvideo ids start with the event, "pycon-tw/...") into c. Returns 0, or -1 when the file
 * cannot be read or holds no such talk. */
static int load_jsonl(const char *path, const char *const *id_prefixes, corpus *c) {
  corpus_loader l = {c, id_prefixes, 0};
  rd_sink sink = {corpus_begin, corpus_text, corpus_end, &l};
  rd_options opt = {.split = RD_SPLIT_FILE};
  rd_stats stats;
  memset(&stats, 0, sizeof stats);
  char *paths[] = {(char *)path};
  topics_status st = rd_read(paths, 1, &opt, &sink, &stats);
  rd_stats_clear(&stats);
  return st == TOPICS_OK && c->ndocs ? 0 : -1;
}

static void corpus_free(corpus *c) {
  free(c->buf);
  free(c->off);
  free(c->dlen);
}

#endif
