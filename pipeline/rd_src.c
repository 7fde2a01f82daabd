/* Byte source over memory or a file descriptor with one fixed window buffer. */
#include "pipeline/rd_src.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/types.h>
#include <unistd.h>

void rds_init_mem(rd_src *s, const void *mem, size_t len) {
  s->fd = -1;
  s->buf = NULL;
  s->cap = 0;
  s->p = mem;
  s->len = len;
  s->pos = 0;
  s->base = 0;
  s->err = 0;
  s->stop = NULL;
}

topics_status rds_init_fd(rd_src *s, int fd, uint64_t size_hint) {
  s->fd = fd;
  /* Small files get a small window: 100,000 notes must not cost 100,000 MiB-sized allocations.
   * One byte more than the size lets the first read see the end of the file. */
  s->cap = size_hint && size_hint < RDS_BUFSIZE - 1 ? (size_t)size_hint + 1 : RDS_BUFSIZE;
  if (s->cap < 4096) s->cap = 4096;
  s->buf = malloc(s->cap);
  if (!s->buf) return TOPICS_ENOMEM;
  s->p = s->buf;
  s->len = s->pos = 0;
  s->base = 0;
  s->err = 0;
  s->stop = NULL;
  return TOPICS_OK;
}

void rds_close(rd_src *s) {
  free(s->buf);
  s->buf = NULL;
  s->p = NULL;
  s->len = s->pos = 0;
}

int rds_fill(rd_src *s) {
  if (s->pos < s->len) return 1;
  if (s->fd < 0 || s->err) return s->err ? -1 : 0;
  if (s->stop && *s->stop) {
    s->err = EINTR;
    return -1;
  }
  s->base += s->len;
  s->len = s->pos = 0;
  for (;;) {
    ssize_t n = read(s->fd, s->buf, s->cap);
    if (n > 0) {
      s->len = (size_t)n;
      return 1;
    }
    if (n == 0) return 0;
    if (errno == EINTR) continue;
    s->err = errno;
    return -1;
  }
}

topics_status rds_seek(rd_src *s, uint64_t off) {
  if (s->fd < 0) {
    s->pos = off < s->len ? (size_t)off : s->len;
    return TOPICS_OK;
  }
  /* Cheap when the target is still inside the window (re-reading a short JSON record). */
  if (off >= s->base && off <= s->base + s->len) {
    s->pos = (size_t)(off - s->base);
    return TOPICS_OK;
  }
  if (off > (uint64_t)INT64_MAX || lseek(s->fd, (off_t)off, SEEK_SET) == (off_t)-1) {
    s->err = errno ? errno : EINVAL;
    return TOPICS_EIO;
  }
  s->base = off;
  s->len = s->pos = 0;
  s->err = 0;
  return TOPICS_OK;
}
