/* Training across MPI processes (models/lda_mpi.h), run by ctest under mpirun with 1, 2 and 4
 * processes: a corpus drawn from a known LDA, dealt out to the processes in blocks of documents
 * as the command deals talks, is trained with AD-LDA; rank 0 gathers the topics and checks that
 * every planted topic is recovered (cosine >= 0.9 to a learned topic, matched one to one), that
 * the gathered state is consistent (every token's topic in range, topic totals adding up), and
 * that a second run with the same seed gives the same topics for every token. */
#include <math.h>
#include <mpi.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "models/lda.h"
#include "models/lda_mpi.h"
#include "planted.h"
#include "topic_match.h"

#define PK 6     /* planted topics */
#define LK 8     /* learned topics: two spares keep a planted pair from being merged */
#define PV 400   /* terms */
#define ND 800   /* documents */
#define BLOCK 16 /* documents per block, dealt out in turn */

static int rank, size;

/* The worst cosine of a planted topic, matched one to one to the learned ones. */
static double worst_match(const planted *p, const lda *md) {
  static double learned[LK][PV];
  for (uint32_t t = 0; t < LK; t++) lda_topic_word_dist(md, t, learned[t]);
  return tm_match(p->phi, PK, &learned[0][0], LK, PV, NULL);
}

/* Trains this process's share; on rank 0 returns the gathered topics (ntokens of them). */
static uint16_t *train(const planted *p, const uint32_t *owner, double *alpha, uint32_t *its) {
  const uint32_t **docs = malloc(ND * sizeof *docs);
  uint32_t *lens = malloc(ND * sizeof *lens);
  dtm *share = NULL;
  for (uint32_t d = 0; d < ND; d++) {
    docs[d] = p->docs[d];
    lens[d] = owner[d] == (uint32_t)rank ? p->lens[d] : 0;
  }
  CHECK(dtm_from_ids(ND, docs, lens, PV, NULL, &share) == TOPICS_OK);
  lda_mpi *lm = lda_mpi_new(MPI_COMM_WORLD, NULL);
  CHECK(lm != NULL);
  lda_options o = lda_default_options();
  o.k = LK;
  o.iterations = 300;
  o.seed = 7 + (uint64_t)rank * 0x9e3779b97f4a7c15ull;
  o.sync = lda_mpi_sync(lm);
  topics_status st;
  lda *md = lda_new(share, &o, &st);
  CHECK(md != NULL);
  CHECK(lda_train(md) == TOPICS_OK);
  uint16_t *z = NULL;
  CHECK(lda_mpi_gather(lm, md, p->m, owner, &z) == TOPICS_OK);
  CHECK((rank == 0) == (z != NULL));
  memcpy(alpha, lda_alpha(md), LK * sizeof *alpha);
  *its = lda_iterations(md);
  /* Every process ends with the same alpha (it is optimised from global counts). */
  double a0[LK];
  memcpy(a0, alpha, sizeof a0);
  MPI_Bcast(a0, LK, MPI_DOUBLE, 0, MPI_COMM_WORLD);
  CHECK(memcmp(a0, alpha, sizeof a0) == 0);
  lda_free(md);
  lda_mpi_free(lm);
  dtm_free(share);
  free(docs);
  free(lens);
  return z;
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  static planted p;
  CHECK(planted_make(&p, PK, PV, ND, 11));
  uint32_t owner[ND];
  for (uint32_t d = 0; d < ND; d++) owner[d] = (d / BLOCK) % (uint32_t)size;
  double alpha[LK], alpha2[LK];
  uint32_t its, its2;
  uint16_t *z = train(&p, owner, alpha, &its);
  uint16_t *z2 = train(&p, owner, alpha2, &its2);
  if (rank == 0 && z && z2) {
    uint64_t n = dtm_ntokens(p.m);
    CHECK_MSG(memcmp(z, z2, n * sizeof *z) == 0, "same seed and process count, different topics");
    CHECK(memcmp(alpha, alpha2, sizeof alpha) == 0 && its == its2);
    int in_range = 1;
    for (uint64_t i = 0; i < n; i++) in_range &= z[i] < LK;
    CHECK(in_range);
    lda_options o = lda_default_options();
    o.k = LK;
    o.iterations = 1;
    topics_status st;
    lda *full = lda_new(p.m, &o, &st);
    CHECK(full != NULL);
    if (full) {
      lda_mpi_adopt(full, z, alpha, its);
      uint64_t total = 0;
      for (uint32_t t = 0; t < LK; t++) total += lda_topic_tokens(full, t);
      CHECK(total == n);
      double worst = worst_match(&p, full);
      printf("%d processes: worst planted topic's cosine %.3f after %u sweeps\n", size, worst, its);
      CHECK_MSG(worst >= 0.9, "worst cosine %.3f with %d processes", worst, size);
      lda_free(full);
    }
  }
  free(z);
  free(z2);
  planted_free(&p);
  int failed = check_fail_count, any = 0;
  MPI_Allreduce(&failed, &any, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  MPI_Finalize();
  if (rank == 0) return check_done();
  return any ? 1 : 0;
}
