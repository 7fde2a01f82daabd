/* Small helpers several test programs share: reading a whole stream or file, writing a file in a
 * directory, and counting a directory's entries. Header-only (static functions): each test is its own program. */
#ifndef TOPICS_TEST_UTIL_H
#define TOPICS_TEST_UTIL_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Everything from f's current position to its end, as a malloc'd NUL-terminated string (*len, may
 * be NULL, gets the length); NULL when out of memory. Works on pipes, so it never seeks. */
static inline char *tu_read_all(FILE *f, size_t *len) {
  size_t cap = 4096, n = 0, got;
  char *buf = malloc(cap);
  while (buf && (got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
    n += got;
    if (cap - n < 2) {
      char *nb = realloc(buf, cap * 2);
      if (!nb) {
        free(buf);
        return NULL;
      }
      buf = nb;
      cap *= 2;
    }
  }
  if (!buf) return NULL;
  buf[n] = '\0';
  if (len) *len = n;
  return buf;
}

/* The whole content of path (see tu_read_all); NULL when it cannot be opened. */
static inline char *tu_slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  char *s = tu_read_all(f, len);
  fclose(f);
  return s;
}

/* What a test captured with diag_set_stream(log): the whole of log, which is closed. */
static inline char *tu_take_log(FILE *log) {
  if (!log) return NULL;
  rewind(log);
  char *s = tu_read_all(log, NULL);
  fclose(log);
  return s;
}

/* Writes text to dir/name (text "" removes the file instead); 0 on success. */
static inline int tu_put(const char *dir, const char *name, const char *text) {
  char path[1024];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  if (!text[0]) return unlink(path);
  FILE *f = fopen(path, "w");
  if (!f) return -1;
  int bad = fputs(text, f) < 0;
  return fclose(f) != 0 || bad ? -1 : 0;
}

/* Entries of dir other than . and ..; *hidden counts names starting with '.' (temporary files).
 * -1 when dir cannot be opened. */
static inline int tu_count_entries(const char *dir, int *hidden) {
  DIR *d = opendir(dir);
  int n = 0;
  *hidden = 0;
  if (!d) return -1;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
    n++;
    if (e->d_name[0] == '.') (*hidden)++;
  }
  closedir(d);
  return n;
}

#endif
