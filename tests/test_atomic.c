/* Tests for pipeline/atomic.c: files are replaced whole or not at all. A full disk is simulated
 * with RLIMIT_FSIZE in a forked child (writes then fail with EFBIG once SIGXFSZ is ignored), which
 * needs no privileges; the parent checks that the old file survived and no temporary file is left. */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/check.h"
#include "tests/test_util.h"
#include "common/diag.h"
#include "pipeline/atomic.h"

static char dirbuf[64];

static void path_in(char *out, size_t n, const char *name) { snprintf(out, n, "%s/%s", dirbuf, name); }

typedef struct fill_spec {
  const char *text;  /* written repeat times */
  size_t repeat;
  topics_status ret; /* returned after writing */
  int set_stop;      /* sets *stop after writing */
} fill_spec;

static topics_status fill(FILE *f, void *ud, volatile sig_atomic_t *stop) {
  const fill_spec *s = ud;
  for (size_t i = 0; i < s->repeat; i++) fputs(s->text, f);
  if (s->set_stop && stop) *stop = 1;
  return s->ret;
}

static void write_plain(const char *path, const char *text) {
  FILE *f = fopen(path, "wb");
  if (f) {
    fputs(text, f);
    fclose(f);
  }
}

static void test_basic(void) {
  char p[128];
  path_in(p, sizeof p, "a.txt");
  fill_spec s = {"hello 容器\n", 3, TOPICS_OK, 0};
  CHECK(atomic_write_file(p, fill, &s, NULL) == TOPICS_OK);
  char *got = tu_slurp(p, NULL);
  CHECK_STREQ(got, "hello 容器\nhello 容器\nhello 容器\n");
  free(got);
  struct stat sb;
  CHECK(stat(p, &sb) == 0 && (sb.st_mode & 0777) == 0644); /* umask 022 set in main */
  int hidden, n = tu_count_entries(dirbuf, &hidden);
  CHECK(n == 1 && hidden == 0);

  /* replacing keeps one file with the new content */
  fill_spec s2 = {"new\n", 1, TOPICS_OK, 0};
  CHECK(atomic_write_file(p, fill, &s2, NULL) == TOPICS_OK);
  got = tu_slurp(p, NULL);
  CHECK_STREQ(got, "new\n");
  free(got);
  CHECK(tu_count_entries(dirbuf, &hidden) == 1 && hidden == 0);

  /* an empty file is still a file */
  fill_spec s3 = {"", 0, TOPICS_OK, 0};
  char e[128];
  path_in(e, sizeof e, "empty.txt");
  CHECK(atomic_write_file(e, fill, &s3, NULL) == TOPICS_OK);
  CHECK(stat(e, &sb) == 0 && sb.st_size == 0);
  unlink(e);
}

static void test_failures(void) {
  char p[128];
  path_in(p, sizeof p, "a.txt");
  write_plain(p, "old\n");
  int hidden;

  /* fill fails: old file intact, no temp file, status passed on */
  fill_spec bad = {"partial", 1000, TOPICS_ENOMEM, 0};
  CHECK(atomic_write_file(p, fill, &bad, NULL) == TOPICS_ENOMEM);
  char *got = tu_slurp(p, NULL);
  CHECK_STREQ(got, "old\n");
  free(got);
  CHECK(tu_count_entries(dirbuf, &hidden) == 1 && hidden == 0);

  /* stop already set: nothing is created */
  volatile sig_atomic_t stop = 1;
  char q[128];
  path_in(q, sizeof q, "b.txt");
  fill_spec ok = {"x", 10, TOPICS_OK, 0};
  CHECK(atomic_write_file(q, fill, &ok, &stop) == TOPICS_EINTR);
  CHECK(access(q, F_OK) != 0);
  CHECK(tu_count_entries(dirbuf, &hidden) == 1 && hidden == 0);

  /* stop set while writing: the old file stays */
  stop = 0;
  fill_spec stopping = {"y", 100, TOPICS_OK, 1};
  CHECK(atomic_write_file(p, fill, &stopping, &stop) == TOPICS_EINTR);
  got = tu_slurp(p, NULL);
  CHECK_STREQ(got, "old\n");
  free(got);
  CHECK(tu_count_entries(dirbuf, &hidden) == 1 && hidden == 0);

  /* the directory does not exist */
  path_in(q, sizeof q, "missing/b.txt");
  CHECK(atomic_write_file(q, fill, &ok, NULL) == TOPICS_EIO);

  /* the target is a directory: rename fails, the temp file goes */
  char sub[128];
  path_in(sub, sizeof sub, "sub");
  CHECK(mkdir(sub, 0755) == 0);
  CHECK(atomic_write_file(sub, fill, &ok, NULL) == TOPICS_EIO);
  CHECK(tu_count_entries(dirbuf, &hidden) == 2 && hidden == 0);
  struct stat sb;
  CHECK(stat(sub, &sb) == 0 && S_ISDIR(sb.st_mode));
  rmdir(sub);
}

/* Child: writes far more than RLIMIT_FSIZE allows; exits 0 exactly when atomic_write_file
 * reported TOPICS_EIO. */
static void full_disk_child(const char *p, size_t repeat) {
  signal(SIGXFSZ, SIG_IGN);
  struct rlimit rl = {8192, 8192};
  if (setrlimit(RLIMIT_FSIZE, &rl) != 0) _exit(3);
  fill_spec big = {"0123456789abcdef", repeat, TOPICS_OK, 0};
  topics_status st = atomic_write_file(p, fill, &big, NULL);
  _exit(st == TOPICS_EIO ? 0 : 2);
}

static void test_full_disk(void) {
  char p[128];
  path_in(p, sizeof p, "a.txt");
  write_plain(p, "old\n");
  /* Sizes: far beyond the limit (fails in a write), and just past it (fails at the final flush,
   * since stdio still buffers the tail when fill returns). */
  size_t repeats[] = {100000, 8192 / 16 + 8};
  for (size_t i = 0; i < sizeof repeats / sizeof repeats[0]; i++) {
    fflush(NULL);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) full_disk_child(p, repeats[i]);
    int ws = 0;
    CHECK(waitpid(pid, &ws, 0) == pid);
    CHECK_MSG(WIFEXITED(ws) && WEXITSTATUS(ws) == 0, "child status %d", ws);
    char *got = tu_slurp(p, NULL);
    CHECK_STREQ(got, "old\n");
    free(got);
    int hidden;
    CHECK(tu_count_entries(dirbuf, &hidden) == 1 && hidden == 0);
  }
  /* the message names the file and the reason */
  char *msg = NULL;
  size_t msglen = 0;
  FILE *mf = open_memstream(&msg, &msglen);
  CHECK(mf != NULL);
  if (!mf) return;
  fflush(NULL);
  pid_t pid = fork();
  if (pid == 0) {
    diag_set_stream(mf);
    signal(SIGXFSZ, SIG_IGN);
    struct rlimit rl = {8192, 8192};
    setrlimit(RLIMIT_FSIZE, &rl);
    fill_spec big = {"0123456789abcdef", 100000, TOPICS_OK, 0};
    atomic_write_file(p, fill, &big, NULL);
    fflush(mf);
    /* hand the message back through a file below the limit */
    char mp[128];
    path_in(mp, sizeof mp, "msg");
    write_plain(mp, msg ? msg : "");
    _exit(0);
  }
  int ws = 0;
  waitpid(pid, &ws, 0);
  fclose(mf);
  free(msg);
  char mp[128];
  path_in(mp, sizeof mp, "msg");
  char *m = tu_slurp(mp, NULL);
  CHECK_MSG(m && strstr(m, "a.txt") && strstr(m, strerror(EFBIG)), "message: %s", m ? m : "(none)");
  free(m);
  unlink(mp);
}

/* atomic_commit_all: a rename that fails after others succeeded (the third new file vanished
 * before its rename) puts every old file back, removes the new file where there was none, and
 * leaves no temporary or backup file; a directory in the way fails before anything changes; a
 * success replaces the files and removes the ones asked for. */
static void test_commit_all(void) {
  char a[128], b[128], c[128], d[128], gone[128];
  path_in(a, sizeof a, "a.txt");
  path_in(b, sizeof b, "b.txt");
  path_in(c, sizeof c, "c.txt");
  path_in(d, sizeof d, "d.txt");
  path_in(gone, sizeof gone, "gone.txt");
  write_plain(a, "old a\n");
  /* b.txt does not exist yet */
  write_plain(c, "old c\n");
  write_plain(gone, "old gone\n");

  fill_spec na = {"new a\n", 1, TOPICS_OK, 0}, nb = {"new b\n", 1, TOPICS_OK, 0},
            nc = {"new c\n", 1, TOPICS_OK, 0};
  atomic_file f[3];
  CHECK(atomic_prepare(a, fill, &na, NULL, &f[0]) == TOPICS_OK);
  CHECK(atomic_prepare(b, fill, &nb, NULL, &f[1]) == TOPICS_OK);
  CHECK(atomic_prepare(c, fill, &nc, NULL, &f[2]) == TOPICS_OK);
  CHECK(unlink(f[2].tmp) == 0); /* its rename will fail, after a.txt and b.txt are in */
  char *rm[] = {gone};
  CHECK(atomic_commit_all(f, 3, rm, 1) == TOPICS_EIO);
  CHECK(f[0].tmp == NULL && f[1].tmp == NULL && f[2].tmp == NULL);
  char *got = tu_slurp(a, NULL);
  CHECK_STREQ(got, "old a\n");
  free(got);
  CHECK(access(b, F_OK) != 0);
  got = tu_slurp(c, NULL);
  CHECK_STREQ(got, "old c\n");
  free(got);
  got = tu_slurp(gone, NULL);
  CHECK_STREQ(got, "old gone\n");
  free(got);
  int hidden, n = tu_count_entries(dirbuf, &hidden);
  CHECK_MSG(n == 3 && hidden == 0, "%d entries, %d hidden", n, hidden);

  /* a directory in the way: found by the check, and refused by the commit before any rename */
  CHECK(unlink(c) == 0 && mkdir(c, 0755) == 0);
  CHECK(atomic_check_target(a) == TOPICS_OK);
  CHECK(atomic_check_target(b) == TOPICS_OK);
  CHECK(atomic_check_target(c) == TOPICS_EIO);
  CHECK(atomic_prepare(a, fill, &na, NULL, &f[0]) == TOPICS_OK);
  CHECK(atomic_prepare(c, fill, &nc, NULL, &f[1]) == TOPICS_OK);
  CHECK(atomic_commit_all(f, 2, rm, 1) == TOPICS_EIO);
  got = tu_slurp(a, NULL);
  CHECK_STREQ(got, "old a\n");
  free(got);
  struct stat sb;
  CHECK(stat(c, &sb) == 0 && S_ISDIR(sb.st_mode));
  CHECK(access(gone, F_OK) == 0);
  n = tu_count_entries(dirbuf, &hidden);
  CHECK_MSG(n == 3 && hidden == 0, "%d entries, %d hidden", n, hidden);

  /* all good: every file replaced, gone.txt removed, nothing else left */
  CHECK(rmdir(c) == 0);
  CHECK(atomic_prepare(a, fill, &na, NULL, &f[0]) == TOPICS_OK);
  CHECK(atomic_prepare(b, fill, &nb, NULL, &f[1]) == TOPICS_OK);
  char *rm2[] = {gone, d}; /* d.txt is missing: fine */
  CHECK(atomic_commit_all(f, 2, rm2, 2) == TOPICS_OK);
  got = tu_slurp(a, NULL);
  CHECK_STREQ(got, "new a\n");
  free(got);
  got = tu_slurp(b, NULL);
  CHECK_STREQ(got, "new b\n");
  free(got);
  CHECK(access(gone, F_OK) != 0);
  n = tu_count_entries(dirbuf, &hidden);
  CHECK_MSG(n == 2 && hidden == 0, "%d entries, %d hidden", n, hidden);
  unlink(a);
  unlink(b);
}

int main(void) {
  umask(022);
  snprintf(dirbuf, sizeof dirbuf, "/tmp/topics-atomic-XXXXXX");
  if (!mkdtemp(dirbuf)) {
    perror("mkdtemp");
    return 1;
  }
  FILE *devnull = fopen("/dev/null", "w");
  diag_set_stream(devnull); /* the failures below are expected; keep the log readable */
  test_basic();
  test_failures();
  test_full_disk();
  test_commit_all();
  char p[128];
  path_in(p, sizeof p, "a.txt");
  unlink(p);
  CHECK(rmdir(dirbuf) == 0);
  diag_set_stream(NULL);
  if (devnull) fclose(devnull);
  return check_done();
}
