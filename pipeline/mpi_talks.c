/* Putting the shares of a run across processes together (see mpi_talks.h). Each process's talks
 * come in increasing file number, and a file's talks in increasing process number (a JSON Lines
 * file is cut by bytes, in process order), so input order is a merge of the shares by (file,
 * process). Metadata travel as one record per talk: line, whether there is a date, id, path,
 * title and date as NUL-terminated strings, then the duplicate mark; processes must share an
 * architecture, as the token packs do. */
#include "pipeline/mpi_talks.h"

#include <stdlib.h>
#include <string.h>

#include "common/mem.h"

static void put(mem_buf *b, const void *s, size_t n) { mem_buf_put(b, s, n); }

static void put_str(mem_buf *b, const char *s) { put(b, s ? s : "", strlen(s ? s : "") + 1); }

/* This process's bytes: its files passed over, then one record per talk. */
static topics_status pack_local(const mt_local *m, mem_buf *b) {
  uint32_t ns = (uint32_t)m->stats->nskipped;
  put(b, &ns, sizeof ns);
  for (uint32_t i = 0; i < ns; i++) {
    put_str(b, m->stats->skipped[i].path);
    put_str(b, m->stats->skipped[i].reason);
  }
  for (uint32_t i = 0; i < m->n; i++) {
    const out_doc_meta *d = &m->docs[i];
    int64_t line = d->line;
    uint8_t dated = d->date != NULL;
    put(b, &line, sizeof line);
    put(b, &dated, 1);
    put_str(b, d->id);
    put_str(b, d->path);
    put_str(b, d->title);
    put_str(b, d->date);
    put(b, &m->marks[i], sizeof m->marks[i]);
  }
  return b->st;
}

/* Reads a NUL-terminated string at *p (written by put_str on a process of this run). */
static const char *take_str(const char **p) {
  const char *s = *p;
  *p += strlen(s) + 1;
  return s;
}

/* Every process's file numbers, then input order: owner_all[g] and the index of talk g among
 * all the shares' talks laid end to end (at[g]). */
static topics_status put_in_order(MPI_Comm comm, int size, const mt_local *mine,
                                  const int *counts, const int *displs, mpi_talks *t,
                                  uint32_t **at_out) {
  uint32_t *files = malloc(((size_t)t->nall + 1) * sizeof *files);
  uint32_t *at = malloc(((size_t)t->nall + 1) * sizeof *at);
  uint32_t *next = calloc((size_t)size, sizeof *next);
  t->owner_all = malloc(((size_t)t->nall + 1) * sizeof *t->owner_all);
  int ok = files && at && next && t->owner_all, all_ok = 0;
  MPI_Allreduce(&ok, &all_ok, 1, MPI_INT, MPI_MIN, comm);
  topics_status st = all_ok ? TOPICS_OK : TOPICS_ENOMEM;
  if (st == TOPICS_OK && MPI_Allgatherv(mine->file, (int)mine->n, MPI_UINT32_T, files, counts,
                                        displs, MPI_UINT32_T, comm) != MPI_SUCCESS)
    st = TOPICS_EIO;
  for (uint32_t g = 0; st == TOPICS_OK && g < t->nall; g++) {
    int best = -1;
    for (int r = 0; r < size; r++)
      if (next[r] < (uint32_t)counts[r] &&
          (best < 0 || files[displs[r] + next[r]] < files[displs[best] + next[best]]))
        best = r;
    t->owner_all[g] = (uint32_t)best;
    at[g] = (uint32_t)displs[best] + next[best]++;
  }
  free(files);
  free(next);
  if (st != TOPICS_OK) {
    free(at);
    at = NULL;
  }
  *at_out = at;
  return st;
}

/* Rank 0: the files passed over by any process, each path once (its own first, then the
 * others' in process order), and each talk's record, by its index among all the talks. */
static topics_status index_blobs(mpi_talks *t, int size, const int *bcounts, const int *bdispls,
                                 const char **rec) {
  size_t cap = 0;
  uint32_t k = 0;
  for (int r = 0; r < size; r++) {
    const char *p = t->blob + bdispls[r];
    uint32_t ns;
    memcpy(&ns, p, sizeof ns);
    p += sizeof ns;
    for (uint32_t i = 0; i < ns; i++) {
      const char *path = take_str(&p), *reason = take_str(&p);
      size_t j = 0;
      while (j < t->nskipped && strcmp(t->skipped[j].path, path) != 0) j++;
      if (j < t->nskipped) continue;
      if (MEM_RESERVE(t->skipped, cap, t->nskipped + 1) != TOPICS_OK) return TOPICS_ENOMEM;
      t->skipped[t->nskipped++] = (rd_skipped){(char *)path, (char *)reason};
    }
    const char *end = t->blob + bdispls[r] + bcounts[r];
    while (p < end && k < t->nall) {
      rec[k++] = p;
      p += sizeof(int64_t) + 1;
      for (int s = 0; s < 4; s++) take_str(&p);
      p += sizeof(tfl_mark);
    }
  }
  return k == t->nall ? TOPICS_OK : TOPICS_EIO;
}

/* Rank 0: the metadata and the judgement of every talk, in input order. */
static topics_status judge_all(mpi_talks *t, const tfl_options *fo, const uint32_t *at,
                               const char **rec) {
  tfl_options jo = {fo->keep_code, fo->keep_duplicates, 0};
  t->judge = tfl_new(NULL, &jo);
  t->docs = malloc(((size_t)t->nall + 1) * sizeof *t->docs);
  if (!t->judge || !t->docs) return TOPICS_ENOMEM;
  for (uint32_t g = 0; g < t->nall; g++) {
    const char *p = rec[at[g]];
    int64_t line;
    memcpy(&line, p, sizeof line);
    uint8_t dated = (uint8_t)p[sizeof line];
    p += sizeof line + 1;
    out_doc_meta *d = &t->docs[g];
    d->line = (long)line;
    d->id = take_str(&p);
    d->path = take_str(&p);
    d->title = take_str(&p);
    d->date = take_str(&p);
    if (!dated) d->date = NULL;
    tfl_mark m;
    memcpy(&m, p, sizeof m);
    int drop;
    topics_status st = tfl_judge(t->judge, &m, d->id, &drop);
    if (st != TOPICS_OK) return st;
    t->drop[g] = (uint8_t)drop;
  }
  return TOPICS_OK;
}

/* Rank 0 gathers every process's bytes and judges; the outcome is broadcast. */
static topics_status gather_and_judge(MPI_Comm comm, int rank, int size, const mt_local *mine,
                                      const tfl_options *fo, const uint32_t *at, mpi_talks *t) {
  mem_buf b = {NULL, 0, 0, TOPICS_OK};
  topics_status st = pack_local(mine, &b);
  long long mylen = st == TOPICS_OK ? (long long)b.len : -1;
  long long *lens = rank == 0 ? calloc((size_t)size, sizeof *lens) : NULL;
  int *bcounts = rank == 0 ? calloc((size_t)size, sizeof *bcounts) : NULL;
  int *bdispls = rank == 0 ? calloc((size_t)size, sizeof *bdispls) : NULL;
  const char **rec = NULL;
  int code = TOPICS_OK;
  if (MPI_Gather(&mylen, 1, MPI_LONG_LONG, lens, 1, MPI_LONG_LONG, 0, comm) != MPI_SUCCESS)
    code = TOPICS_EIO;
  if (rank == 0 && code == TOPICS_OK) {
    long long total = 0;
    if (!lens || !bcounts || !bdispls) code = TOPICS_ENOMEM;
    for (int r = 0; code == TOPICS_OK && r < size; r++) {
      if (lens[r] < 0) code = TOPICS_ENOMEM;
      else if (lens[r] > INT32_MAX || total + lens[r] > INT32_MAX) code = TOPICS_ELIMIT;
      else bcounts[r] = (int)lens[r], bdispls[r] = (int)total, total += lens[r];
    }
    if (code == TOPICS_OK && !(t->blob = malloc(total ? (size_t)total : 1))) code = TOPICS_ENOMEM;
  }
  MPI_Bcast(&code, 1, MPI_INT, 0, comm);
  if (code == TOPICS_OK &&
      MPI_Gatherv(b.p, (int)b.len, MPI_CHAR, t->blob, bcounts, bdispls, MPI_CHAR, 0, comm) != MPI_SUCCESS)
    code = TOPICS_EIO;
  free(b.p);
  if (rank == 0 && code == TOPICS_OK) {
    rec = malloc(((size_t)t->nall + 1) * sizeof *rec);
    code = !rec ? TOPICS_ENOMEM : index_blobs(t, size, bcounts, bdispls, rec);
    if (code == TOPICS_OK) code = judge_all(t, fo, at, rec);
  }
  MPI_Bcast(&code, 1, MPI_INT, 0, comm);
  /* the judgements, in pieces within MPI's int counts */
  for (uint32_t off = 0; code == TOPICS_OK && off < t->nall;) {
    uint32_t n = t->nall - off > (1u << 30) ? 1u << 30 : t->nall - off;
    if (MPI_Bcast(t->drop + off, (int)n, MPI_UINT8_T, 0, comm) != MPI_SUCCESS) code = TOPICS_EIO;
    off += n;
  }
  free(rec);
  free(lens);
  free(bcounts);
  free(bdispls);
  return (topics_status)code;
}

/* The talks kept: their number, and on rank 0 their metadata in input order. */
static void keep_survivors(int rank, mpi_talks *t) {
  uint32_t k = 0;
  for (uint32_t g = 0; g < t->nall; g++) {
    if (t->drop[g]) continue;
    if (rank == 0) t->docs[k] = t->docs[g];
    k++;
  }
  t->nkept = k;
}

topics_status mt_gather(MPI_Comm comm, const mt_local *mine, const tfl_options *fo, mpi_talks *t) {
  int rank, size;
  memset(t, 0, sizeof *t);
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  int *counts = calloc((size_t)size, sizeof *counts), *displs = calloc((size_t)size, sizeof *displs);
  int n = (int)mine->n;
  int ok = counts && displs && mine->n <= INT32_MAX, all_ok = 0;
  MPI_Allreduce(&ok, &all_ok, 1, MPI_INT, MPI_MIN, comm);
  if (!all_ok) {
    free(counts);
    free(displs);
    return TOPICS_ENOMEM;
  }
  topics_status st = TOPICS_OK;
  if (MPI_Allgather(&n, 1, MPI_INT, counts, 1, MPI_INT, comm) != MPI_SUCCESS) st = TOPICS_EIO;
  uint64_t total = 0;
  for (int r = 0; st == TOPICS_OK && r < size; r++) {
    displs[r] = (int)total;
    total += (uint64_t)counts[r];
    if (total > INT32_MAX) st = TOPICS_ELIMIT; /* MPI counts, and talk numbers */
  }
  uint32_t *at = NULL;
  if (st == TOPICS_OK) {
    t->nall = (uint32_t)total;
    st = put_in_order(comm, size, mine, counts, displs, t, &at);
  }
  if (st == TOPICS_OK) {
    ok = (t->drop = calloc((size_t)t->nall + 1, 1)) != NULL;
    MPI_Allreduce(&ok, &all_ok, 1, MPI_INT, MPI_MIN, comm);
    st = all_ok ? TOPICS_OK : TOPICS_ENOMEM;
  }
  if (st == TOPICS_OK) st = gather_and_judge(comm, rank, size, mine, fo, at, t);
  if (st == TOPICS_OK) keep_survivors(rank, t);
  ok = st == TOPICS_OK;
  MPI_Allreduce(&ok, &all_ok, 1, MPI_INT, MPI_MIN, comm);
  if (st == TOPICS_OK && !all_ok) st = TOPICS_ENOMEM;
  free(at);
  free(counts);
  free(displs);
  return st;
}

void mt_free(mpi_talks *t) {
  free(t->owner_all);
  free(t->drop);
  free(t->docs);
  tfl_free(t->judge);
  free(t->skipped);
  free(t->blob);
  memset(t, 0, sizeof *t);
}
