/* The main command across MPI processes (`mpirun -np N topics PATH... -k K`). Every process
 * walks the same paths but reads and tokenises only its share of the input (every N-th file, and
 * its N-th of the bytes of each JSON Lines file: rd_options.share_index); the shares are put in
 * input order and the copies judged on rank 0 (pipeline/mpi_talks.h); the processes then exchange
 * their token streams (models/dtm_pack.h) so that each builds the vocabulary and term matrix one
 * process would have built, phrases and --min-df/--max-df included. Training is AD-LDA over the
 * shares (models/lda_mpi.h); rank 0 gathers the topics and writes every output, the others write
 * nothing. A failure on any process fails the run on all of them, with a message from rank 0
 * naming the process and the stage. Compiled only with TOPICS_MPI. */
#ifndef TOPICS_RUN_MPI_H
#define TOPICS_RUN_MPI_H

#include "pipeline/cli.h"

/* Whether this process was started by mpirun (Open MPI's or a PMIx launcher's environment). */
int rmpi_launched(void);

/* Runs o across the processes of MPI_COMM_WORLD (initialising and finalising MPI); returns the
 * exit status as run_command does. */
int rmpi_command(const cli_options *o);

#endif
