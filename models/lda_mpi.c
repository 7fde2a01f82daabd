/* Training one LDA model across MPI processes (see lda_mpi.h). The counts reduction sends the
 * dense V x K delta array (plus a stop flag): with a ring allreduce each process sends
 * 2 (P - 1) / P of it, under twice its size for any P. An exchange of sparse changes (cell,
 * delta) would make every process receive every change of every other, which is cheaper on a
 * corpus of modest size but several times dearer on one large enough to need a cluster, where
 * each process changes a good part of the V x K cells in a sweep (docs/cluster.md). */
#include "models/lda_mpi.h"

#include <gsl/gsl_sf_gamma.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "common/mem.h"
#include "models/lda_int.h"

struct lda_mpi {
  MPI_Comm comm;
  int rank, size;
  volatile sig_atomic_t *stop;
  lda_sync sync;
  size_t cells;        /* V x K */
  uint32_t *prev;      /* this process's term-topic counts at the last reduction */
  uint32_t *now;       /* ... at this one */
  uint32_t *global;    /* everyone's */
  uint32_t *remote;    /* global - now: what the sampler adds to its own tokens' counts */
  int32_t *delta;      /* cells + 1: the change, then the stop flag */
  uint32_t reductions;
  uint64_t changed;    /* cells this process changed, summed over the reductions */
  uint64_t bytes;
  double seconds;
};

/* Bytes this process has written through system calls (sockets included), from /proc. */
static uint64_t written_bytes(void) {
  FILE *f = fopen("/proc/self/io", "r");
  if (!f) return 0;
  char line[128];
  unsigned long long v = 0;
  while (fgets(line, sizeof line, f))
    if (sscanf(line, "wchar: %llu", &v) == 1) break;
  fclose(f);
  return (uint64_t)v;
}

static topics_status mpi_status(int rc) { return rc == MPI_SUCCESS ? TOPICS_OK : TOPICS_EIO; }

/* First call: the global longest document (alpha's histograms must have one shape everywhere)
 * and the arrays. */
static topics_status setup(lda_mpi *lm, struct lda *md) {
  uint32_t maxlen = md->maxlen;
  int rc = MPI_Allreduce(MPI_IN_PLACE, &maxlen, 1, MPI_UINT32_T, MPI_MAX, lm->comm);
  if (rc != MPI_SUCCESS) return TOPICS_EIO;
  md->maxlen = maxlen;
  size_t cells, cells1;
  if (mem_mul(md->v ? md->v : 1, md->k, &cells) != TOPICS_OK ||
      mem_add(cells, 1, &cells1) != TOPICS_OK || cells1 > (size_t)INT32_MAX)
    return TOPICS_ELIMIT; /* one MPI count */
  lm->cells = cells;
  lm->prev = calloc(cells, sizeof *lm->prev);
  lm->now = calloc(cells, sizeof *lm->now);
  lm->global = calloc(cells, sizeof *lm->global);
  lm->remote = calloc(cells, sizeof *lm->remote);
  lm->delta = calloc(cells1, sizeof *lm->delta);
  /* Every process must agree that it could allocate before the first reduction. */
  int ok = lm->prev && lm->now && lm->global && lm->remote && lm->delta;
  rc = MPI_Allreduce(MPI_IN_PLACE, &ok, 1, MPI_INT, MPI_MIN, lm->comm);
  if (rc != MPI_SUCCESS) return TOPICS_EIO;
  return ok ? TOPICS_OK : TOPICS_ENOMEM;
}

static topics_status sync_counts(void *ud, lda *md) {
  lda_mpi *lm = ud;
  topics_status st;
  if (!lm->cells && (st = setup(lm, md)) != TOPICS_OK) return st;
  const uint32_t K = md->k;
  memset(lm->now, 0, lm->cells * sizeof *lm->now);
  for (uint32_t w = 0; w < md->v; w++)
    for (uint64_t i = md->w_off[w]; i < md->w_off[w + 1]; i++)
      lm->now[(size_t)w * K + (md->zp[i] & 0xffffu)]++;
  for (size_t c = 0; c < lm->cells; c++) {
    lm->delta[c] = (int32_t)(lm->now[c] - lm->prev[c]);
    lm->changed += lm->delta[c] != 0;
  }
  lm->delta[lm->cells] = lm->stop && *lm->stop;
  double t0 = clock_seconds();
  uint64_t b0 = written_bytes();
  int rc = MPI_Allreduce(MPI_IN_PLACE, lm->delta, (int)(lm->cells + 1), MPI_INT32_T, MPI_SUM,
                         lm->comm);
  lm->bytes += written_bytes() - b0;
  lm->seconds += clock_seconds() - t0;
  lm->reductions++;
  if (rc != MPI_SUCCESS) return TOPICS_EIO;
  if (lm->delta[lm->cells]) return TOPICS_EINTR;
  memset(md->nk, 0, K * sizeof *md->nk);
  for (size_t c = 0; c < lm->cells; c++) {
    lm->global[c] += (uint32_t)lm->delta[c];
    lm->remote[c] = lm->global[c] - lm->now[c];
    md->nk[c % K] += lm->global[c];
  }
  uint32_t *t = lm->prev;
  lm->prev = lm->now;
  lm->now = t;
  md->remote = lm->remote;
  return TOPICS_OK;
}

static topics_status sync_sum(void *ud, uint32_t *x, size_t n) {
  lda_mpi *lm = ud;
  if (n > (size_t)INT32_MAX) return TOPICS_ELIMIT;
  return mpi_status(MPI_Allreduce(MPI_IN_PLACE, x, (int)n, MPI_UINT32_T, MPI_SUM, lm->comm));
}

/* The collapsed log-likelihood of the whole corpus: the document part over this process's
 * documents, the word part over this process's slice of the terms (from the global counts),
 * summed over the processes; the topic part from the global totals. */
static double sync_ll(void *ud, const lda *md) {
  lda_mpi *lm = ud;
  const uint32_t K = md->k;
  uint32_t *ndk = calloc(K, sizeof *ndk);
  double part[2] = {0, (double)md->n}; /* log-likelihood, tokens */
  if (ndk && lm->cells) {
    const double lgsum = gsl_sf_lngamma(md->alpha_sum), lgb = gsl_sf_lngamma(md->beta);
    for (uint32_t d = 0; d < md->d; d++) {
      uint64_t b = md->doc_off[d], e = md->doc_off[d + 1];
      if (b == e) continue;
      for (uint64_t i = b; i < e; i++) ndk[md->zp[md->dpos[i]] & 0xffffu]++;
      part[0] += lgsum - gsl_sf_lngamma((double)(e - b) + md->alpha_sum);
      for (uint64_t i = b; i < e; i++) {
        uint32_t t = md->zp[md->dpos[i]] & 0xffffu;
        if (ndk[t]) {
          part[0] += gsl_sf_lngamma(ndk[t] + md->alpha[t]) - gsl_sf_lngamma(md->alpha[t]);
          ndk[t] = 0;
        }
      }
    }
    uint32_t w0 = (uint32_t)((uint64_t)md->v * lm->rank / lm->size);
    uint32_t w1 = (uint32_t)((uint64_t)md->v * (lm->rank + 1) / lm->size);
    for (size_t c = (size_t)w0 * K; c < (size_t)w1 * K; c++)
      if (lm->prev[c] + lm->remote[c]) part[0] += gsl_sf_lngamma(lm->global[c] + md->beta) - lgb;
  }
  free(ndk);
  MPI_Allreduce(MPI_IN_PLACE, part, 2, MPI_DOUBLE, MPI_SUM, lm->comm);
  if (!(part[1] > 0)) return 0.0;
  const double vb = md->v * md->beta;
  for (uint32_t t = 0; t < K; t++) part[0] += gsl_sf_lngamma(vb) - gsl_sf_lngamma(md->nk[t] + vb);
  return part[0] / part[1];
}

lda_mpi *lda_mpi_new(MPI_Comm comm, volatile sig_atomic_t *stop) {
  lda_mpi *lm = calloc(1, sizeof *lm);
  if (!lm) return NULL;
  lm->comm = comm;
  MPI_Comm_rank(comm, &lm->rank);
  MPI_Comm_size(comm, &lm->size);
  lm->stop = stop;
  lm->sync = (lda_sync){lm, sync_counts, sync_sum, sync_ll};
  return lm;
}

void lda_mpi_free(lda_mpi *lm) {
  if (!lm) return;
  free(lm->prev), free(lm->now), free(lm->global), free(lm->remote), free(lm->delta);
  free(lm);
}

const lda_sync *lda_mpi_sync(lda_mpi *lm) { return &lm->sync; }

void lda_mpi_stats(const lda_mpi *lm, uint32_t *reductions, uint64_t *changed, uint64_t *bytes,
                   double *seconds) {
  *reductions = lm->reductions;
  *changed = lm->changed;
  *bytes = lm->bytes;
  *seconds = lm->seconds;
}

/* Each document's topics from its owner's stream (which holds its documents in order). */
static topics_status interleave(const uint16_t *all, const int *displs, int size, const dtm *full,
                                const uint32_t *owner, uint16_t *out) {
  uint64_t *next = calloc((size_t)size, sizeof *next), at = 0;
  if (!next) return TOPICS_ENOMEM;
  for (int r = 0; r < size; r++) next[r] = (uint64_t)displs[r];
  for (uint32_t d = 0; d < dtm_ndocs(full); d++) {
    uint32_t len;
    dtm_doc(full, d, &len);
    memcpy(out + at, all + next[owner[d]], (size_t)len * sizeof *out);
    next[owner[d]] += len;
    at += len;
  }
  free(next);
  return TOPICS_OK;
}

topics_status lda_mpi_gather(lda_mpi *lm, const lda *md, const dtm *full, const uint32_t *owner,
                             uint16_t **z) {
  *z = NULL;
  const uint64_t ntokens = dtm_ntokens(full);
  if (md->n > (uint64_t)INT32_MAX || ntokens > (uint64_t)INT32_MAX) return TOPICS_ELIMIT;
  /* This process's topics in document order (its documents are the non-empty ones). */
  uint16_t *mine = malloc((md->n ? (size_t)md->n : 1) * sizeof *mine);
  int *counts = calloc((size_t)lm->size, sizeof *counts);
  int *displs = calloc((size_t)lm->size, sizeof *displs);
  uint16_t *all = NULL, *out = NULL;
  int ok = mine && counts && displs, n = (int)md->n;
  for (uint64_t i = 0; ok && i < md->n; i++) mine[i] = (uint16_t)(md->zp[md->dpos[i]] & 0xffffu);
  int rc = MPI_Allreduce(MPI_IN_PLACE, &ok, 1, MPI_INT, MPI_MIN, lm->comm);
  if (rc == MPI_SUCCESS && ok) rc = MPI_Gather(&n, 1, MPI_INT, counts, 1, MPI_INT, 0, lm->comm);
  if (rc == MPI_SUCCESS && ok && lm->rank == 0) {
    /* The shares must add up to the corpus; rank 0 decides and tells the others. */
    uint64_t at = 0;
    for (int r = 0; r < lm->size; r++) displs[r] = (int)at, at += (uint64_t)counts[r];
    all = malloc((ntokens ? (size_t)ntokens : 1) * sizeof *all);
    out = malloc((ntokens ? (size_t)ntokens : 1) * sizeof *out);
    ok = at == ntokens && all && out;
  }
  if (rc == MPI_SUCCESS && ok) rc = MPI_Bcast(&ok, 1, MPI_INT, 0, lm->comm);
  if (rc == MPI_SUCCESS && ok)
    rc = MPI_Gatherv(mine, n, MPI_UINT16_T, all, counts, displs, MPI_UINT16_T, 0, lm->comm);
  topics_status st = rc != MPI_SUCCESS ? TOPICS_EIO : !ok ? TOPICS_ENOMEM : TOPICS_OK;
  if (st == TOPICS_OK && lm->rank == 0) st = interleave(all, displs, lm->size, full, owner, out);
  free(mine);
  free(counts);
  free(displs);
  free(all);
  if (st == TOPICS_OK && lm->rank == 0) *z = out;
  else free(out);
  return st;
}

void lda_mpi_adopt(lda *md, const uint16_t *z, const double *alpha, uint32_t iterations) {
  for (uint64_t i = 0; i < md->n; i++) md->zp[md->dpos[i]] = z[i];
  memcpy(md->alpha, alpha, md->k * sizeof *md->alpha);
  md->alpha_sum = 0;
  for (uint32_t t = 0; t < md->k; t++) md->alpha_sum += md->alpha[t];
  md->iterations = iterations;
  md->sweeps_done = iterations;
  lda_recount_(md);
}
