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

topics_status atomic_check_target(const char *path) {
  struct stat sb;
  if (lstat(path, &sb) != 0) return TOPICS_OK; /* missing, or the rename will say why */
  if (S_ISDIR(sb.st_mode)) {
    diag_error(path, 0, "cannot write: a directory is in the way");
    return TOPICS_EIO;
  }
  /* In a sticky directory (like /tmp) only the file's or the directory's owner may replace it. */
  size_t dlen = 0;
  char *tmpl = temp_template(path, &dlen);
  if (!tmpl) return TOPICS_OK;
  char *dir = mem_strndup(dlen ? tmpl : ".", dlen ? dlen : 1);
  free(tmpl);
  struct stat db;
  int refused = dir && stat(dir, &db) == 0 && (db.st_mode & S_ISVTX) && geteuid() != 0 &&
                sb.st_uid != geteuid() && db.st_uid != geteuid();
  free(dir);
  if (refused) {
    diag_error(path, 0, "cannot write: %s (the file belongs to another user)", strerror(EPERM));
    return TOPICS_EIO;
  }
  return TOPICS_OK;
}

/* One target of atomic_commit_all and how far it got. */
typedef struct commit_step {
  const char *path;
  char *tmp;    /* the new file (NULL for a removal) */
  char *bak;    /* the old file's backup name, NULL when there was no old file */
  int moved;    /* the old file was renamed to bak (so path is absent until restored) */
  int done;     /* the new file is at path, or the old one is removed */
} commit_step;

/* Keeps path's old file (if any) under a fresh hidden name in its directory. A removal always
 * moves it away; a replacement links it, so that path never disappears, and moves it only when the
 * file system has no hard links. */
static topics_status backup_old(commit_step *c) {
  struct stat sb;
  if (lstat(c->path, &sb) != 0) {
    if (errno == ENOENT) return TOPICS_OK;
    diag_error(c->path, 0, "cannot write: %s", strerror(errno));
    return TOPICS_EIO;
  }
  if (S_ISDIR(sb.st_mode)) {
    diag_error(c->path, 0, "cannot write: a directory is in the way");
    return TOPICS_EIO;
  }
  size_t dlen;
  char *bak = temp_template(c->path, &dlen);
  if (!bak) {
    diag_error(c->path, 0, "%s", topics_strerror(TOPICS_ENOMEM));
    return TOPICS_ENOMEM;
  }
  int fd = mkstemp(bak); /* reserves a unique name */
  if (fd < 0) {
    diag_error(c->path, 0, "cannot keep a copy of the old file: %s", strerror(errno));
    free(bak);
    return TOPICS_EIO;
  }
  close(fd);
  int ok = 0;
  if (c->tmp) {
    unlink(bak);
    ok = link(c->path, bak) == 0;
  }
  if (!ok) {
    ok = rename(c->path, bak) == 0;
    c->moved = ok;
  }
  if (!ok) {
    int err = errno;
    unlink(bak);
    free(bak);
    diag_error(c->path, 0, "cannot keep a copy of the old file: %s", strerror(err));
    return TOPICS_EIO;
  }
  c->bak = bak;
  return TOPICS_OK;
}

/* Undoes c: puts the old file back at path, or removes the new one where there was none. */
static void restore_old(commit_step *c) {
  if (!c->bak) {
    if (c->done && c->tmp) unlink(c->path);
    return;
  }
  if (!c->done && !c->moved) {
    unlink(c->bak); /* only a link: the old file never left path */
    return;
  }
  if (rename(c->bak, c->path) != 0) {
    diag_warn(c->path, 0, "could not restore the old file (%s); it is kept as %s", strerror(errno),
              c->bak);
  }
}

topics_status atomic_commit_all(atomic_file *files, size_t n, char *const *remove, size_t nremove) {
  size_t total = 0;
  topics_status st = mem_add(n, nremove, &total);
  commit_step *steps = st == TOPICS_OK && total ? calloc(total, sizeof *steps) : NULL;
  if (total && !steps) {
    for (size_t i = 0; i < n; i++) atomic_discard(&files[i]);
    diag_error(NULL, 0, "%s", topics_strerror(TOPICS_ENOMEM));
    return TOPICS_ENOMEM;
  }
  for (size_t i = 0; i < n; i++) {
    steps[i].path = files[i].path;
    steps[i].tmp = files[i].tmp;
  }
  for (size_t i = 0; i < nremove; i++) steps[n + i].path = remove[i];
  for (size_t i = 0; i < total && st == TOPICS_OK; i++) st = backup_old(&steps[i]);
  for (size_t i = 0; i < total && st == TOPICS_OK; i++) {
    commit_step *c = &steps[i];
    if (c->tmp) {
      if (rename(c->tmp, c->path) != 0) {
        diag_error(c->path, 0, "cannot write: %s", strerror(errno));
        st = TOPICS_EIO;
        break;
      }
    } else if (!c->moved && unlink(c->path) != 0 && errno != ENOENT) {
      diag_error(c->path, 0, "cannot remove this file of an earlier run: %s", strerror(errno));
      st = TOPICS_EIO;
      break;
    }
    c->done = 1;
  }
  for (size_t i = 0; i < total; i++) {
    if (st != TOPICS_OK) restore_old(&steps[i]);
    else if (steps[i].bak) unlink(steps[i].bak);
    free(steps[i].bak);
  }
  if (st == TOPICS_OK && n) sync_dir(files[0].tmp, files[0].dirlen);
  for (size_t i = 0; i < n; i++) {
    if (st == TOPICS_OK) {
      free(files[i].tmp);
      free(files[i].path);
      files[i].tmp = files[i].path = NULL;
    } else {
      atomic_discard(&files[i]); /* removes the temporary files not renamed */
    }
  }
  free(steps);
  return st;
}

topics_status atomic_write_file(const char *path, atomic_fill_fn fill, void *ud,
                                volatile sig_atomic_t *stop) {
  atomic_file a;
  topics_status st = atomic_prepare(path, fill, ud, stop, &a);
  if (st != TOPICS_OK) return st;
  return atomic_commit(&a);
}
