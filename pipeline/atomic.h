/* Atomic file replacement: a file is written to a temporary file in its target directory, flushed
 * to disk and renamed over the target only when complete, so readers see the old file or the whole
 * new one, never a partial file; on any failure the temporary file is removed. */
#ifndef TOPICS_ATOMIC_H
#define TOPICS_ATOMIC_H

#include <signal.h>
#include <stdio.h>

#include "common/status.h"

/* Writes the content of one file to f. Returns TOPICS_OK or an error status without printing it;
 * write errors may simply be left in ferror(f), which atomic_write_file checks. It may poll *stop
 * (may be NULL) during long writes and return TOPICS_EINTR. */
typedef topics_status (*atomic_fill_fn)(FILE *f, void *ud, volatile sig_atomic_t *stop);

/* Replaces path with what fill writes. The temporary file ("<dir>/.<name>.XXXXXX") gets the
 * permissions a new file would get (0666 minus the umask). Every write, the flush, fsync and
 * fclose are checked: a full disk gives TOPICS_EIO. TOPICS_EINTR when *stop is set before the
 * rename. On any failure the temporary file is unlinked, the old file at path (if any) is left
 * untouched, and every error but TOPICS_EINTR is reported with diag_error naming path. */
topics_status atomic_write_file(const char *path, atomic_fill_fn fill, void *ud,
                                volatile sig_atomic_t *stop);

/* The two halves of atomic_write_file, for replacing several files together: prepare every file
 * (each complete and on disk under its temporary name), and only when all succeeded commit them
 * (rename), else discard them, so a failure leaves every old file as it was. */
typedef struct atomic_file {
  char *path; /* owned; NULL once committed or discarded */
  char *tmp;  /* owned temporary file name */
  size_t dirlen;
} atomic_file;

/* Writes the temporary file for path; on success *out must later be committed or discarded. On
 * failure nothing remains and the error is reported as by atomic_write_file. */
topics_status atomic_prepare(const char *path, atomic_fill_fn fill, void *ud,
                             volatile sig_atomic_t *stop, atomic_file *out);
/* Renames the temporary file over its target (reported with diag_error on failure). */
topics_status atomic_commit(atomic_file *a);
/* Removes the temporary file. */
void atomic_discard(atomic_file *a);

/* TOPICS_EIO (reported with diag_error naming path) when a rename could not put a file at path:
 * path is a directory, or a file of another user in a sticky directory. For checking every target
 * before the first rename; a missing path is fine. */
topics_status atomic_check_target(const char *path);

/* Commits files[0..n) and removes the files remove[0..nremove) (missing ones are fine) as one
 * step: each old file is first kept under a hidden backup name (a hard link, or a rename where the
 * file system refuses hard links), then the new files are renamed in and the removed ones taken
 * away. When any step fails, every step done is undone, so each target holds its old content (or
 * is absent again), and the failure is reported naming the file. The backups are removed at the
 * end. Every files[i] is committed or discarded when this returns. */
topics_status atomic_commit_all(atomic_file *files, size_t n, char *const *remove, size_t nremove);

#endif
