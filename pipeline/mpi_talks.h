/* The talks of a run across MPI processes, each of which read its own share of the input
 * (rd_options.share_index): the shares are put in input order (by file number, then process),
 * rank 0 gathers every talk's metadata and duplicate mark and judges the copies as one process
 * would, and every process learns which talks are left out. Compiled only with TOPICS_MPI. */
#ifndef TOPICS_MPI_TALKS_H
#define TOPICS_MPI_TALKS_H

#include <mpi.h>
#include <stdint.h>

#include "common/status.h"
#include "pipeline/output.h"
#include "pipeline/reader.h"
#include "pipeline/talk_filter.h"

/* What one process read: its talks in its reading order. */
typedef struct mt_local {
  const out_doc_meta *docs;
  const uint32_t *file;   /* each talk's file number */
  const tfl_mark *marks;  /* each talk's duplicate mark */
  uint32_t n;
  const rd_stats *stats;  /* its files passed over */
} mt_local;

typedef struct mpi_talks {
  uint32_t nall;     /* talks read by all the processes, copies included */
  uint32_t *owner_all; /* the process that read each, in input order */
  uint8_t *drop;     /* per talk in input order: 1 when left out as a copy */
  uint32_t nkept;     /* talks kept */
  /* Rank 0 only (NULL elsewhere): */
  out_doc_meta *docs;       /* metadata of each talk kept, in input order */
  talk_filter *judge;       /* the copies (tfl_duplicates, tfl_warn) */
  rd_skipped *skipped;      /* the files passed over by any process, each once */
  size_t nskipped;
  char *blob;               /* the gathered bytes docs and skipped point into */
} mpi_talks;

/* Collective over comm: puts every process's share in order and judges the copies (fo: the run's
 * filter options; with keep_duplicates none is left out). On failure every process returns the
 * same kind of status (TOPICS_ENOMEM or TOPICS_ELIMIT past 2 GB of metadata, TOPICS_EIO when MPI
 * failed). Free out with mt_free, whatever the result. */
topics_status mt_gather(MPI_Comm comm, const mt_local *mine, const tfl_options *fo, mpi_talks *out);

void mt_free(mpi_talks *t);

#endif
