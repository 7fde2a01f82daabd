/* Internal to `topics segment` (pipeline/segment.c, pipeline/segment_learn.c): the batch, block
 * and worker state, and the steps the learning batch shares with the plain one. */
#ifndef TOPICS_SEGMENT_INT_H
#define TOPICS_SEGMENT_INT_H

#include <stddef.h>
#include <stdint.h>

#include "common/pool.h"
#include "common/status.h"
#include "tokenize/seg_learn.h"
#include "tokenize/seg_words.h"
#include "tokenize/segmenter.h"
#include "tokenize/tokenizer.h"

#define SEG_MAX_THREADS 256
#define SEG_BLOCK ((size_t)1 << 20) /* bytes of input per thread per batch or slice */
#define SEG_UNCACHED UINT32_MAX /* a line whose segmentation is not kept (no CJK, or too long) */

/* A line of a learning batch: where it is in the block's text, how many spans it has in the
 * block's cache (SEG_UNCACHED: none kept; it is segmented again when written) and how many bytes
 * they take there. */
typedef struct seg_lrec {
  size_t off, len;
  uint32_t nsp, nbytes;
} seg_lrec;

typedef struct seg_block {
  char *text; /* whole well-formed lines (the reader repaired them), inside the batch buffer */
  size_t len;
  int piece;  /* text is a piece of one line that goes on: no line end is output */
  size_t nlines;
  char *out;
  size_t outlen, outcap;
  topics_status st;
  uint8_t *cs; /* learning: the spans of the block's lines, in order, packed (segment_learn.c) */
  size_t ncs, cscap; /* bytes */
  seg_lrec *rec;
  size_t nrec, reccap;
} seg_block;

typedef struct seg_worker {
  tok *t;
  int raw;
  uint32_t *ids;
  size_t nids, idcap;
  segmenter *seg; /* learning: the first scan's segmenter */
  seg_span *sp;   /* learning: one line's spans */
  size_t nsp, spcap;
  seg_block *b;   /* the block of the task it runs */
} seg_worker;


typedef struct seg_run_state {
  tok_cache *cache; /* shared by the workers' toks */
  seg_worker *workers;
  int nthreads;
  pool *pool;       /* runs the blocks of a batch, one task each (common/pool.h) */
  seg_block *blocks;
  seg_block *emit;  /* a learning batch's output, a slice per thread at a time */
  /* A line cut into pieces: its output line is open (no line end yet), holding words or not. */
  int open, open_words;
  int out_failed; /* writing to standard output failed (reported once) */
  seg_learn *learn;   /* statistics of the input so far, or NULL (--no-learn) */
  seg_words *learned; /* the compounds they give */
  seg_joiner join;    /* what the workers' toks join */
  seg_words *lexicon; /* the word list, once loaded */
  int lexicon_pending; /* the default list is loaded when the first CJK text comes */
} seg_run_state;


/* The end of the line that starts at p: the first LF or CR before end, or end. */
char *segrun_line_end(char *p, char *end);

/* Writes the words or terms of one well-formed line and its line end into the worker's block;
 * with sp, from the segmentation sp[0..n) of the line (joined in place, so changed). */
topics_status segrun_emit_line(seg_worker *w, const char *line, size_t len, seg_span *sp,
                               size_t n);

/* Runs fn over the first nb blocks, on the pool's threads when there are several. */
void segrun_workers(seg_run_state *rs, int nb, void *(*fn)(void *));

/* Splits buf[0..len) into blocks of whole lines, one per worker (one for a piece); returns how
 * many. */
int segrun_split(seg_run_state *rs, char *buf, size_t len, int piece);

/* Writes the output of blocks[0..nb) in order; *line counts the lines written. Returns 0, or 1
 * after printing an error. */
int segrun_write_blocks(seg_run_state *rs, const seg_block *blocks, const char *name, int nb,
                        int piece, size_t *line);

/* A learning batch buf[0..len) of whole lines: segments it, learns from it, then writes it with
 * what it and the batches before it taught. Returns as segrun_write. */
int segrun_learn_batch(seg_run_state *rs, const char *name, char *buf, size_t len, size_t *line);

#endif
