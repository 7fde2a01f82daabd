/* A byte source for the reader: either a memory buffer or a file descriptor read through one
 * fixed buffer (1 MiB), so a file of any size is read with bounded memory. Seekable, because talk
 * splitting reads a file more than once and JSON Lines revisits a record's text field.
 * Internal to pipeline/: the struct is public only so the hot byte loop can be inlined. */
#ifndef TOPICS_RD_SRC_H
#define TOPICS_RD_SRC_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "common/status.h"

#define RDS_BUFSIZE ((size_t)1 << 20)

typedef struct rd_src {
  int fd;                    /* -1 for a memory source */
  unsigned char *buf;        /* owned window buffer (fd sources only) */
  const unsigned char *p;    /* current window */
  size_t len, pos;           /* window length and read position inside it */
  size_t cap;                /* size of buf */
  uint64_t base;             /* offset of p[0] in the whole input */
  int err;                   /* errno of a failed read, 0 if none */
  /* When non-NULL and set, the next refill fails with err = EINTR: a signal stops a long read
   * within one window. rds_init_* set it to NULL. */
  volatile sig_atomic_t *stop;
} rd_src;

/* A source over mem[0..len); nothing is copied, mem must outlive the source. */
void rds_init_mem(rd_src *s, const void *mem, size_t len);

/* A source over fd, read from its current offset 0; allocates the window (TOPICS_ENOMEM), at most
 * RDS_BUFSIZE bytes and less when size_hint (the file size, 0 if unknown) is smaller. The fd stays
 * the caller's to close. */
topics_status rds_init_fd(rd_src *s, int fd, uint64_t size_hint);

/* Frees the window; does not close the fd. */
void rds_close(rd_src *s);

/* Refills the window when it is used up: 1 when bytes are available, 0 at end, -1 on a read error
 * (s->err holds errno; EINTR when *s->stop was set). */
int rds_fill(rd_src *s);

/* Offset of the next byte to be read. */
static inline uint64_t rds_tell(const rd_src *s) { return s->base + s->pos; }

/* Moves to offset off (within the input); TOPICS_EIO when the fd cannot seek. */
topics_status rds_seek(rd_src *s, uint64_t off);

/* The next byte, or -1 at the end or on error. */
static inline int rds_getc(rd_src *s) {
  if (s->pos < s->len || rds_fill(s) > 0) return s->p[s->pos++];
  return -1;
}

/* The next byte without consuming it, or -1. */
static inline int rds_peek(rd_src *s) {
  if (s->pos < s->len || rds_fill(s) > 0) return s->p[s->pos];
  return -1;
}

#endif
