/* The learning batch of `topics segment`: every line of a batch is segmented once and its spans
 * kept (packed, tokenize/seg_pack.h), the statistics scan them twice (counts, then contexts) to
 * choose the compounds, and the lines are written from the kept spans with those compounds joined.
 * Lines without CJK characters are not kept; they are segmented when written. */
#include <stdlib.h>
#include <string.h>

#include "common/diag.h"
#include "common/mem.h"
#include "common/utf8.h"
#include "pipeline/segment_int.h"
#include "tokenize/seg_pack.h"

/* Appends a line record to the block (a learning batch). */
static topics_status add_rec(seg_block *b, size_t off, size_t len, uint32_t nsp, uint32_t nbytes) {
  if (MEM_RESERVE(b->rec, b->reccap, b->nrec + 1) != TOPICS_OK) return TOPICS_ENOMEM;
  b->rec[b->nrec++] = (seg_lrec){off, len, nsp, nbytes};
  return TOPICS_OK;
}

/* The first scan of a learning batch over one line: the line is segmented and its spans kept. */
static topics_status scan_line(seg_worker *w, const char *line, size_t len) {
  seg_block *b = w->b;
  topics_status st;
  size_t off = (size_t)(line - b->text);
  /* Only Han pieces are learned from: a line without CJK characters is segmented when written. */
  if (len >= UINT32_MAX || !utf8_may_hold_cjk(line, len))
    return add_rec(b, off, len, SEG_UNCACHED, 0);
  w->nsp = 0;
  if ((st = seg_run(w->seg, line, len, &w->sp, &w->nsp, &w->spcap)) != TOPICS_OK) return st;
  size_t bytes = seg_pack_size(w->sp, w->nsp), need;
  if (w->nsp >= SEG_UNCACHED || bytes >= UINT32_MAX || mem_add(b->ncs, bytes, &need) != TOPICS_OK ||
      MEM_RESERVE(b->cs, b->cscap, need) != TOPICS_OK)
    return TOPICS_ENOMEM;
  seg_pack(w->sp, w->nsp, b->cs + b->ncs);
  b->ncs = need;
  return add_rec(b, off, len, (uint32_t)w->nsp, (uint32_t)bytes);
}

/* The spans of record r (packed from cs[first]) as seg_spans in sp (grown as needed). */
static topics_status expand(const seg_block *b, size_t first, const seg_lrec *r, seg_span **sp,
                            size_t *cap) {
  if (r->nsp > *cap && MEM_RESERVE(*sp, *cap, r->nsp) != TOPICS_OK) return TOPICS_ENOMEM;
  seg_unpack(b->cs + first, r->nsp, *sp);
  return TOPICS_OK;
}

static void *run_scan(void *arg) {
  seg_worker *w = arg;
  seg_block *b = w->b;
  char *p = b->text, *end = b->text + b->len;
  size_t lineno = 0;
  b->st = TOPICS_OK;
  b->ncs = b->nrec = 0;
  while (p < end && b->st == TOPICS_OK) {
    char *e = segrun_line_end(p, end);
    lineno++;
    b->st = scan_line(w, p, (size_t)(e - p));
    if (e < end && *e == '\r' && e + 1 < end && e[1] == '\n') e++;
    p = e < end ? e + 1 : end;
  }
  b->nlines = lineno;
  return NULL;
}

/* A place in a learning batch: record rec of block blk, whose first span is at cs in its block's
 * packed spans. */
typedef struct seg_pos {
  int blk;
  size_t rec, cs;
} seg_pos;

/* A slice of a learning batch's writing: the records from `from` up to `to` (not included), across
 * blocks if need be. A batch's slices are of one size, at most SEG_BLOCK bytes of input, so the
 * output held at once stays small whatever the batch's size, and a round's threads get equal
 * work. */
typedef struct seg_slice {
  seg_pos from, to;
  size_t nrec;
} seg_slice;

typedef struct emit_round {
  seg_run_state *rs;
  const seg_slice *sl;
} emit_round;

/* One pool task: slice i written into output block i, every line from its kept spans or
 * segmented again. */
static void emit_task(void *ctx, uint32_t i, uint32_t worker) {
  emit_round *r = ctx;
  const seg_slice *s = &r->sl[i];
  seg_worker *w = &r->rs->workers[worker];
  seg_block *out = &r->rs->emit[i];
  w->b = out;
  out->outlen = 0;
  out->piece = 0;
  out->nlines = s->nrec;
  out->st = TOPICS_OK;
  seg_pos p = s->from;
  for (size_t n = 0; n < s->nrec && out->st == TOPICS_OK; n++) {
    const seg_block *src = &r->rs->blocks[p.blk];
    while (p.rec == src->nrec) { /* on to the next block */
      p = (seg_pos){p.blk + 1, 0, 0};
      src = &r->rs->blocks[p.blk];
    }
    const seg_lrec *rec = &src->rec[p.rec++];
    char *line = src->text + rec->off;
    if (rec->nsp == SEG_UNCACHED) {
      out->st = segrun_emit_line(w, line, rec->len, NULL, 0);
      continue;
    }
    out->st = expand(src, p.cs, rec, &w->sp, &w->spcap);
    if (out->st == TOPICS_OK) out->st = segrun_emit_line(w, line, rec->len, w->sp, rec->nsp);
    p.cs += rec->nbytes;
  }
}

/* Writes slices sl[0..n) (one per thread) in order; returns as segrun_write_blocks. */
static int emit_round_run(seg_run_state *rs, const seg_slice *sl, int n, const char *name,
                          size_t *line) {
  emit_round r = {rs, sl};
  pool_run(rs->pool, (uint32_t)n, emit_task, &r);
  return segrun_write_blocks(rs, rs->emit, name, n, 0, line);
}

/* Writes the nb scanned blocks a round of slices at a time (one slice per thread), in input
 * order. Returns as segrun_write_blocks. */
static int emit_blocks(seg_run_state *rs, const char *name, int nb, size_t *line) {
  size_t total = 0, nt = (size_t)rs->nthreads;
  for (int i = 0; i < nb; i++)
    for (size_t k = 0; k < rs->blocks[i].nrec; k++) total += rs->blocks[i].rec[k].len + 1;
  /* A multiple of the thread count, so that every round is full but the last. */
  size_t rounds = (total + nt * SEG_BLOCK - 1) / (nt * SEG_BLOCK);
  size_t each = rounds ? (total + rounds * nt - 1) / (rounds * nt) : total;
  seg_slice sl[SEG_MAX_THREADS];
  int n = 0;
  seg_pos p = {0, 0, 0};
  for (;;) {
    while (p.blk < nb && p.rec == rs->blocks[p.blk].nrec) p = (seg_pos){p.blk + 1, 0, 0};
    if (p.blk == nb) break;
    seg_slice *s = &sl[n];
    s->from = p;
    s->nrec = 0;
    for (size_t bytes = 0; p.blk < nb && bytes < each; s->nrec++) {
      const seg_block *b = &rs->blocks[p.blk];
      bytes += b->rec[p.rec].len + 1;
      p.cs += b->rec[p.rec].nbytes;
      if (++p.rec == b->nrec) p = (seg_pos){p.blk + 1, 0, 0};
    }
    s->to = p;
    if (++n == rs->nthreads) {
      if (emit_round_run(rs, sl, n, name, line)) return 1;
      n = 0;
    }
  }
  return n > 0 ? emit_round_run(rs, sl, n, name, line) : 0;
}

/* Both scans of the statistics over the kept spans of nb blocks, in input order, and the compounds
 * they give in place of the earlier ones. */
static topics_status learn_blocks(seg_run_state *rs, int nb) {
  topics_status st = TOPICS_OK;
  seg_worker *w0 = &rs->workers[0]; /* idle while the statistics run: its span array serves */
  for (int scan = 0; scan < 2 && st == TOPICS_OK; scan++) {
    for (int i = 0; i < nb && st == TOPICS_OK; i++) {
      const seg_block *b = &rs->blocks[i];
      size_t first = 0;
      for (size_t k = 0; k < b->nrec && st == TOPICS_OK; k++) {
        const seg_lrec *r = &b->rec[k];
        if (r->nsp == SEG_UNCACHED) continue;
        st = expand(b, first, r, &w0->sp, &w0->spcap);
        const char *line = b->text + r->off;
        if (st == TOPICS_OK)
          st = scan ? seg_learn_context(rs->learn, line, w0->sp, r->nsp)
                    : seg_learn_count(rs->learn, line, w0->sp, r->nsp);
        first += r->nbytes;
      }
    }
    if (scan == 0 && st == TOPICS_OK) st = seg_learn_select(rs->learn);
  }
  seg_words *w = st == TOPICS_OK ? seg_words_new() : NULL;
  if (st == TOPICS_OK && !w) st = TOPICS_ENOMEM;
  if (st == TOPICS_OK) st = seg_learn_decide(rs->learn, w);
  if (st != TOPICS_OK) {
    seg_words_free(w);
    return st;
  }
  seg_words_free(rs->learned);
  rs->learned = w;
  rs->join.learned = w;
  return TOPICS_OK;
}

/* A learning batch buf[0..len) of whole lines: segments it, learns from it, then writes it with
 * what it and the batches before it taught. Returns as do_batch. */
int segrun_learn_batch(seg_run_state *rs, const char *name, char *buf, size_t len,
                          size_t *line) {
  int nb = segrun_split(rs, buf, len, 0);
  for (int i = 0; i < nb; i++) rs->blocks[i].st = TOPICS_OK;
  segrun_workers(rs, nb, run_scan);
  for (int i = 0; i < nb; i++) {
    if (rs->blocks[i].st != TOPICS_OK) {
      diag_error(name, 0, "%s", topics_strerror(rs->blocks[i].st));
      return 1;
    }
  }
  topics_status st = learn_blocks(rs, nb);
  if (st != TOPICS_OK) {
    diag_error(name, 0, "%s", topics_strerror(st));
    return 1;
  }
  return emit_blocks(rs, name, nb, line);
}

