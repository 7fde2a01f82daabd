/* One LDA model trained across MPI processes, data-parallel after AD-LDA (Newman et al. 2009):
 * each process holds and samples only its own documents (a dtm over the same vocabulary and
 * document numbering, with the others' documents empty) against the global term-topic counts of
 * the sweep's start. After the random start and after every sweep the processes sum their count
 * changes with one MPI_Allreduce of a dense V x K array of 32-bit deltas; each then knows the
 * global counts, so the topic totals, alpha's optimisation and the likelihood (and with it the
 * stopping rule) are global and the same on every process. Compiled only with TOPICS_MPI. */
#ifndef TOPICS_LDA_MPI_H
#define TOPICS_LDA_MPI_H

#include <mpi.h>
#include <signal.h>
#include <stdint.h>

#include "common/status.h"
#include "models/dtm.h"
#include "models/lda.h"

typedef struct lda_mpi lda_mpi;

/* The synchronisation of one training run over comm (every process of comm takes part); stop,
 * when non-NULL and set on any process, makes every process's training stop with TOPICS_EINTR
 * at the end of the sweep. NULL when out of memory. Free with lda_mpi_free. */
lda_mpi *lda_mpi_new(MPI_Comm comm, volatile sig_atomic_t *stop);
/* lda_mpi_free(NULL) does nothing. */
void lda_mpi_free(lda_mpi *lm);

/* The hooks to put in lda_options.sync (leave lda_options.stop NULL); valid while lm lives. One
 * lda_mpi serves one model. */
const lda_sync *lda_mpi_sync(lda_mpi *lm);

/* After training: the topics of every token of full (the whole corpus this model's dtm is a
 * share of), in its document order, malloc'd into *z on rank 0 (NULL elsewhere; rank 0 frees
 * it). owner[d] is the rank that holds document d. Collective; when the Gatherv was entered but
 * the shares do not add up, rank 0 alone fails. */
topics_status lda_mpi_gather(lda_mpi *lm, const lda *local, const dtm *full, const uint32_t *owner,
                             uint16_t **z);

/* Sets full, a model over the whole corpus made by lda_new without sync, to the gathered topics
 * z, the trained alpha (lda_k values) and the iterations used, so that it reads out the trained
 * model. */
void lda_mpi_adopt(lda *full, const uint16_t *z, const double *alpha, uint32_t iterations);

/* What this process sent: the count reductions run, the count cells it changed (summed over
 * them: what a sparse exchange would have sent), their bytes as measured by the kernel's
 * count of bytes written (only transports that write to sockets, such as TCP, show there; 0
 * where the counter is unavailable), and the seconds spent in them. */
void lda_mpi_stats(const lda_mpi *lm, uint32_t *reductions, uint64_t *changed, uint64_t *bytes,
                   double *seconds);

#endif
