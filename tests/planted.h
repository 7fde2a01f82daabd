/* A corpus drawn from a known LDA, for the tests of inference and evaluation: K topics over V
 * terms, each topic a sparse Dirichlet(0.05) draw, each document's mix a Dirichlet(0.1) draw and
 * 60–120 tokens. Header-only (static functions): each test is its own program. */
#ifndef TOPICS_PLANTED_H
#define TOPICS_PLANTED_H

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <stdint.h>
#include <stdlib.h>

#include "models/dtm.h"

typedef struct planted {
  uint32_t k, v, ndocs;
  uint32_t **docs, *lens;
  double *theta; /* ndocs x k: the true mixes */
  double *phi;   /* k x v: the true topics */
  dtm *m;
} planted;

static inline void planted_free(planted *p) {
  for (uint32_t d = 0; p->docs && d < p->ndocs; d++) free(p->docs[d]);
  free(p->docs);
  free(p->lens);
  free(p->theta);
  free(p->phi);
  dtm_free(p->m);
}

/* Draws the corpus; returns 0 when out of memory. */
static inline int planted_make(planted *p, uint32_t k, uint32_t v, uint32_t ndocs, unsigned long seed) {
  p->k = k;
  p->v = v;
  p->ndocs = ndocs;
  p->docs = calloc(ndocs, sizeof *p->docs);
  p->lens = calloc(ndocs, sizeof *p->lens);
  p->theta = calloc((size_t)ndocs * k, sizeof *p->theta);
  p->m = NULL;
  double *phi = calloc((size_t)k * v, sizeof *phi), *b = calloc(v, sizeof *b), *a = calloc(k, sizeof *a);
  gsl_ran_discrete_t **wd = calloc(k, sizeof *wd);
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  int ok = p->docs && p->lens && p->theta && phi && b && a && wd && r;
  if (ok) {
    gsl_rng_set(r, seed);
    for (uint32_t w = 0; w < v; w++) b[w] = 0.05;
    for (uint32_t t = 0; t < k; t++) a[t] = 0.1;
    for (uint32_t t = 0; t < k; t++) {
      gsl_ran_dirichlet(r, v, b, phi + (size_t)t * v);
      wd[t] = gsl_ran_discrete_preproc(v, phi + (size_t)t * v);
    }
    for (uint32_t d = 0; d < ndocs && ok; d++) {
      double *th = p->theta + (size_t)d * k;
      gsl_ran_dirichlet(r, k, a, th);
      gsl_ran_discrete_t *td = gsl_ran_discrete_preproc(k, th);
      p->lens[d] = 60 + (uint32_t)gsl_rng_uniform_int(r, 61);
      p->docs[d] = malloc(p->lens[d] * sizeof **p->docs);
      ok = td && p->docs[d];
      for (uint32_t i = 0; ok && i < p->lens[d]; i++)
        p->docs[d][i] = (uint32_t)gsl_ran_discrete(r, wd[(size_t)gsl_ran_discrete(r, td)]);
      if (td) gsl_ran_discrete_free(td);
    }
  }
  for (uint32_t t = 0; wd && t < k; t++)
    if (wd[t]) gsl_ran_discrete_free(wd[t]);
  free(wd);
  p->phi = phi;
  free(b);
  free(a);
  if (r) gsl_rng_free(r);
  if (ok) ok = dtm_from_ids(ndocs, (const uint32_t *const *)p->docs, p->lens, v, NULL, &p->m) == TOPICS_OK;
  return ok;
}

#endif
