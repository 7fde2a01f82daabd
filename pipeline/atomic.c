/* Atomic file replacement (see atomic.h). The temporary file lives in the target's directory so
 * that rename(2) stays within one file system and is atomic; fsync before the rename makes sure a
 * crash cannot leave a renamed but empty file behind. */
#include "pipeline/atomic.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/diag.h"
#include "common/mem.h"

/* "<dir>/.<name>.XXXXXX" for path "<dir>/<name>"; NULL when out of memory. */
static char *temp_template(const char *path, size_t *dirlen) {
  const char *slash = strrchr(path, '/');
  size_t dlen = slash ? (size_t)(slash - path) + 1 : 0;
  size_t plen = strlen(path), n;
  if (mem_add(plen, 10, &n) != TOPICS_OK) return NULL;
  char *t = malloc(n);
  if (!t) return NULL;
  memcpy(t, path, dlen);
  t[dlen] = '.';
  memcpy(t + dlen + 1, path + dlen, plen - dlen);
  memcpy(t + plen + 1, ".XXXXXX", 8);
  *dirlen = dlen;
  return t;
}

/* Makes the rename itself durable; best effort, as some file systems refuse fsync on directories. */
static void sync_dir(const char *tmpl, size_t dlen) {
  char *dir = mem_strndup(dlen ? tmpl : ".", dlen ? dlen : 1);
  if (!dir) return;
  int fd = open(dir, O_RDONLY | O_DIRECTORY);
  if (fd >= 0) {
    (void)fsync(fd);
    close(fd);
  }
  free(dir);
}

topics_status atomic_prepare(const char *path, atomic_fill_fn fill, void *ud,
                             volatile sig_atomic_t *stop, atomic_file *out) {
  out->path = NULL;
  out->tmp = NULL;
  if (stop && *stop) return TOPICS_EINTR;
  size_t dlen = 0;
  char *tmpl = temp_template(path, &dlen);
  if (!tmpl) {
    diag_error(path, 0, "%s", topics_strerror(TOPICS_ENOMEM));
    return TOPICS_ENOMEM;
  }
  int fd = mkstemp(tmpl);
  if (fd < 0) {
    int err = errno;
    diag_error(path, 0, "cannot create a temporary file: %s", strerror(err));
    free(tmpl);
    return TOPICS_EIO;
  }
  /* mkstemp makes the file 0600; give it what open(O_CREAT, 0666) would have. umask can only be
   * read by setting it; the writers run on the main thread after the workers are done. */
  mode_t um = umask(0);
  umask(um);
  topics_status st = TOPICS_OK;
  int err = 0;
  FILE *f = NULL;
  if (fchmod(fd, 0666 & ~um) != 0 || !(f = fdopen(fd, "w"))) {
    err = errno;
    close(fd);
    st = TOPICS_EIO;
    goto fail;
  }
  errno = 0;
  st = fill(f, ud, stop);
  if (ferror(f)) {
    /* errno still holds the failed write's reason: stdio keeps retrying and failing the same way */
    err = errno ? errno : EIO;
    if (st == TOPICS_OK) st = TOPICS_EIO;
  }
  if (st == TOPICS_OK && fflush(f) != 0) {
    err = errno;
    st = TOPICS_EIO;
  }
  if (st == TOPICS_OK && fsync(fileno(f)) != 0) {
    err = errno;
    st = TOPICS_EIO;
  }
  int closed = fclose(f);
  f = NULL;
  if (st == TOPICS_OK && closed != 0) {
    err = errno;
    st = TOPICS_EIO;
  }
  if (st == TOPICS_OK && stop && *stop) st = TOPICS_EINTR;
  if (st == TOPICS_OK) {
    out->path = mem_strndup(path, strlen(path));
    if (out->path) {
      out->tmp = tmpl;
      out->dirlen = dlen;
      return TOPICS_OK;
    }
    st = TOPICS_ENOMEM;
  }
fail:
  unlink(tmpl);
  free(tmpl);
  if (st == TOPICS_EIO && err) diag_error(path, 0, "cannot write: %s", strerror(err));
  else if (st != TOPICS_EINTR) diag_error(path, 0, "cannot write: %s", topics_strerror(st));
  return st;
}

topics_status atomic_commit(atomic_file *a) {
  topics_status st = TOPICS_OK;
  if (a->tmp && rename(a->tmp, a->path) != 0) {
    diag_error(a->path, 0, "cannot write: %s", strerror(errno));
    unlink(a->tmp);
    st = TOPICS_EIO;
  } else if (a->tmp) {
    sync_dir(a->tmp, a->dirlen);
  }
  free(a->tmp);
  free(a->path);
  a->tmp = a->path = NULL;
  return st;
}

void atomic_discard(atomic_file *a) {
  if (a->tmp) unlink(a->tmp);
  free(a->tmp);
  free(a->path);
  a->tmp = a->path = NULL;
}

topics_status atomic_write_file(const char *path, atomic_fill_fn fill, void *ud,
                                volatile sig_atomic_t *stop) {
  atomic_file a;
  topics_status st = atomic_prepare(path, fill, ud, stop, &a);
  if (st != TOPICS_OK) return st;
  return atomic_commit(&a);
}
