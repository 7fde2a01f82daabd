/* rd_read: walks the command-line paths (directories recursively, names sorted by byte order,
 * hidden entries skipped, symlinked directory loops reported and not followed), checks each file
 * (binary, BOM, encoding) and hands it to the talk splitter or the JSON Lines reader. One fd is
 * open at a time: a directory's names are read and the directory closed before recursing.
 * Symbolic links are followed, so one file can be reached by several paths: every file and folder
 * read is remembered by device and inode, and read only the first time. */
#include "pipeline/reader.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/diag.h"
#include "common/mem.h"
#include "pipeline/filetype.h"
#include "pipeline/jsonl.h"
#include "pipeline/rd_src.h"
#include "pipeline/talks.h"

typedef struct dirid {
  dev_t dev;
  ino_t ino;
} dirid;

/* A file or folder already read, by identity, with the path it was read under. */
typedef struct seen_ent {
  dev_t dev;
  ino_t ino;
  char *path; /* NULL: empty slot */
} seen_ent;

typedef struct walk {
  const rd_options *opt;
  const rd_sink *sink;
  rd_stats *stats;
  topics_status err; /* first missing-path / unreadable-file status, returned at the end */
  dirid *stack;      /* directories on the current path, for loop detection */
  size_t depth, cap;
  size_t skipcap; /* capacity of stats->skipped */
  /* Files of other types met in directory walks: counted and named in one warning at the end,
   * so a folder of notes and pictures gives one line, not one per picture. */
  size_t nother;
  char other_names[256];
  seen_ent *seen; /* open addressing, power-of-two capacity */
  size_t nseen, seencap;
  volatile sig_atomic_t *stop;
  /* Files are numbered as they are reached; talks are handed on through tagged, which stamps
   * them with the number of the file being read. */
  uint32_t nfile, file;
  int owner; /* this share reads the file (JSON Lines: reports its problems) */
  rd_sink tagged;
} walk;

static topics_status tag_begin(void *ud, const rd_talk_info *t) {
  walk *w = ud;
  rd_talk_info ti = *t;
  ti.file = w->file;
  return w->sink->begin(w->sink->ud, &ti);
}

static topics_status tag_text(void *ud, const char *s, size_t len) {
  walk *w = ud;
  return w->sink->text(w->sink->ud, s, len);
}

static topics_status tag_end(void *ud) {
  walk *w = ud;
  return w->sink->end(w->sink->ud);
}

/* Numbers the next file reached; 1 when this share owns it. Streams (standard input, pipes)
 * belong to share 0, the only process an MPI launcher gives standard input. */
static int next_file(walk *w, int stream) {
  w->file = w->nfile++;
  uint32_t n = w->opt ? w->opt->share_count : 0;
  w->owner = n <= 1 || (stream ? 0 : w->file % n) == w->opt->share_index;
  return w->owner;
}

static int sharing(const walk *w) { return w->opt && w->opt->share_count > 1; }

/* Whether this share prints what every share meets in the walk (links, loops, files of other
 * kinds): share 0 does, so that each warning is printed once. */
static int speaks(const walk *w) { return !sharing(w) || w->opt->share_index == 0; }

topics_status rd_split_parse(const char *s, rd_split *out) {
  static const char *const names[] = {"auto", "file", "heading", "time"};
  for (int i = 0; i < 4; i++) {
    if (s && strcmp(s, names[i]) == 0) {
      *out = (rd_split)i;
      return TOPICS_OK;
    }
  }
  return TOPICS_EINVAL;
}

void rd_stats_clear(rd_stats *stats) {
  if (!stats) return;
  for (size_t i = 0; i < stats->nskipped; i++) {
    free(stats->skipped[i].path);
    free(stats->skipped[i].reason);
  }
  free(stats->skipped);
  memset(stats, 0, sizeof *stats);
}

static void note_error(walk *w, topics_status st) {
  if (w->err == TOPICS_OK) w->err = st;
}

static topics_status add_skipped(walk *w, const char *path, const char *reason) {
  rd_stats *s = w->stats;
  if (MEM_RESERVE(s->skipped, w->skipcap, s->nskipped + 1) != TOPICS_OK) return TOPICS_ENOMEM;
  char *p = mem_strndup(path, strlen(path));
  char *r = mem_strndup(reason, strlen(reason));
  if (!p || !r) {
    free(p);
    free(r);
    return TOPICS_ENOMEM;
  }
  s->skipped[s->nskipped].path = p;
  s->skipped[s->nskipped].reason = r;
  s->nskipped++;
  return TOPICS_OK;
}

static size_t seen_slot(const seen_ent *t, size_t cap, dev_t dev, ino_t ino) {
  uint64_t h = ((uint64_t)dev * 0x9E3779B97F4A7C15u) ^ ((uint64_t)ino * 0xC2B2AE3D27D4EB4Fu);
  h ^= h >> 29;
  size_t i = (size_t)h & (cap - 1);
  while (t[i].path && !(t[i].dev == dev && t[i].ino == ino)) i = (i + 1) & (cap - 1);
  return i;
}

/* Remembers sb's file as read under path. *first is NULL when it is new, else the path it was
 * already read under. TOPICS_ENOMEM when out of memory. */
static topics_status seen_check(walk *w, const struct stat *sb, const char *path, const char **first) {
  *first = NULL;
  if (w->seencap && w->seen[seen_slot(w->seen, w->seencap, sb->st_dev, sb->st_ino)].path) {
    *first = w->seen[seen_slot(w->seen, w->seencap, sb->st_dev, sb->st_ino)].path;
    return TOPICS_OK;
  }
  if ((w->nseen + 1) * 2 > w->seencap) { /* keep the table at most half full */
    size_t cap = w->seencap ? w->seencap : 64;
    while ((w->nseen + 1) * 2 > cap) {
      if (cap > SIZE_MAX / 2 / sizeof(seen_ent)) return TOPICS_ENOMEM;
      cap *= 2;
    }
    seen_ent *t = calloc(cap, sizeof *t);
    if (!t) return TOPICS_ENOMEM;
    for (size_t i = 0; i < w->seencap; i++)
      if (w->seen[i].path) t[seen_slot(t, cap, w->seen[i].dev, w->seen[i].ino)] = w->seen[i];
    free(w->seen);
    w->seen = t;
    w->seencap = cap;
  }
  char *p = mem_strndup(path, strlen(path));
  if (!p) return TOPICS_ENOMEM;
  seen_ent *e = &w->seen[seen_slot(w->seen, w->seencap, sb->st_dev, sb->st_ino)];
  e->dev = sb->st_dev;
  e->ino = sb->st_ino;
  e->path = p;
  w->nseen++;
  return TOPICS_OK;
}

/* 1 when sb's file or folder was read before (then it is warned about and listed as skipped), 0
 * when it is new (and now remembered), or a negative status. */
static int already_read(walk *w, const struct stat *sb, const char *path) {
  const char *first;
  topics_status st = seen_check(w, sb, path, &first);
  if (st != TOPICS_OK) return st;
  if (!first) return 0;
  char why[160];
  /* the first path goes into the reason only when short; the warning always names it */
  if (strlen(first) < 120) snprintf(why, sizeof why, "same file as %s, which was read", first);
  else snprintf(why, sizeof why, "same file as one read earlier");
  if (speaks(w))
    diag_warn(path, 0, "the same %s as %s (reached through a link); read once, skipped here",
              S_ISDIR(sb->st_mode) ? "folder" : "file", first);
  st = add_skipped(w, path, why);
  return st != TOPICS_OK ? st : 1;
}

static const char *base_name(const char *path) {
  const char *b = strrchr(path, '/');
  return b ? b + 1 : path;
}

/* The extension of a file name ("" when there is none; a leading dot is not one). */
static const char *extension(const char *name) {
  const char *dot = strrchr(name, '.');
  return dot && dot != name ? dot + 1 : "";
}

static int is_jsonl(const char *name) { return strcasecmp(extension(name), "jsonl") == 0; }

/* Project documents (README, LICENSE, ...) describe a folder rather than hold notes: a notes folder
 * or the sample corpus keeps its README beside the talks. Skipped only inside directory walks. */
static int is_folder_document(const char *name) {
  static const char *const stems[] = {"readme", "license", "licence", "copying", "changelog",
                                      "contributing", "authors"};
  for (size_t i = 0; i < sizeof stems / sizeof stems[0]; i++) {
    size_t n = strlen(stems[i]);
    if (strncasecmp(name, stems[i], n) == 0 && (name[n] == '\0' || name[n] == '.')) return 1;
  }
  return 0;
}

static int wanted_ext(const char *name) {
  static const char *const exts[] = {"txt", "md", "markdown", "rst", "jsonl"};
  const char *e = extension(name);
  for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++)
    if (strcasecmp(e, exts[i]) == 0) return 1;
  return 0;
}

/* Copies a pipe or terminal into an unlinked temporary file, since files are read twice. */
static topics_status spool(int in, const char *what, volatile sig_atomic_t *stop, FILE **tmp) {
  *tmp = tmpfile();
  if (!*tmp) {
    diag_error(what, 0, "cannot buffer the input in a temporary file: %s", strerror(errno));
    return TOPICS_EIO;
  }
  int out = fileno(*tmp);
  char *buf = malloc(RDS_BUFSIZE);
  if (!buf) return TOPICS_ENOMEM;
  topics_status st = TOPICS_OK;
  for (;;) {
    if (stop && *stop) {
      st = TOPICS_EINTR;
      break;
    }
    ssize_t n = read(in, buf, RDS_BUFSIZE);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue; /* the loop head sees a stop request */
      diag_error(what, 0, "read error: %s", strerror(errno));
      st = TOPICS_EIO;
      break;
    }
    for (ssize_t o = 0; o < n;) {
      ssize_t k = write(out, buf + o, (size_t)(n - o));
      if (k < 0 && errno == EINTR) continue;
      if (k <= 0) {
        diag_error(what, 0, "cannot buffer the input in a temporary file: %s", strerror(errno));
        st = TOPICS_EIO;
        break;
      }
      o += k;
    }
    if (st != TOPICS_OK) break;
  }
  free(buf);
  if (st == TOPICS_OK && lseek(out, 0, SEEK_SET) == (off_t)-1) st = TOPICS_EIO;
  return st;
}

/* Reads one opened file. explicit: named on the command line (any extension). Returns the sink's
 * or a memory error (which stop the run); file-level problems are reported and noted in w. */
static topics_status read_fd(walk *w, int fd, const char *path, const char *id, const char *name,
                             int explicit) {
  rd_src src;
  struct stat sb;
  topics_status st = rds_init_fd(&src, fd, fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) ? (uint64_t)sb.st_size : 0);
  if (st != TOPICS_OK) return st;
  src.stop = w->stop;
  int r = rds_fill(&src);
  if (r < 0 && src.err == EINTR) {
    rds_close(&src);
    return TOPICS_EINTR;
  }
  if (r < 0) {
    diag_error(path, 0, "%s", strerror(src.err));
    note_error(w, TOPICS_EIO);
    rds_close(&src);
    return TOPICS_OK;
  }
  ft_info ft;
  ft_sniff(src.p, src.len, src.len < FT_SNIFF_BYTES, &ft);
  int jsonl = is_jsonl(name) && strcmp(path, "-") != 0;
  const char *skip = NULL;
  char why[160];
  if (ft.enc == FT_BINARY) {
    if (strncmp(ft.reason, "not UTF-8", 9) == 0) snprintf(why, sizeof why, "%s", ft.reason);
    else snprintf(why, sizeof why, "binary file (%s)", ft.reason);
    skip = why;
  } else if (!explicit && !ft.clean_utf8 && ft.enc == FT_UTF8 && extension(name)[0] == '\0') {
    skip = "no extension and not UTF-8 text";
  } else if (jsonl && ft.enc != FT_UTF8) {
    skip = "JSON Lines must be UTF-8, not UTF-16";
  }
  if (skip) {
    rds_close(&src);
    if (!w->owner) return TOPICS_OK;
    diag_warn(path, 0, "%s; skipped", skip);
    return add_skipped(w, path, skip);
  }
  if (ft.enc == FT_UTF16LE || ft.enc == FT_UTF16BE)
    diag_warn(path, 0, "UTF-16 (%s) text converted to UTF-8",
              ft.enc == FT_UTF16LE ? "little-endian" : "big-endian");
  int regular = fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode);
  if (w->owner) w->stats->files++;
  if (jsonl && sharing(w) && regular) {
    /* this share's records: those whose lines start in its part of the bytes */
    jsonl_file jf = {path, id};
    uint64_t size = (uint64_t)sb.st_size, i = w->opt->share_index, n = w->opt->share_count;
    uint64_t from = size / n * i + size % n * i / n, to = size / n * (i + 1) + size % n * (i + 1) / n;
    st = jsonl_read_range(&src, &jf, ft.bom, from, to, &w->tagged, &w->stats->talks, NULL);
  } else if (jsonl) {
    jsonl_file jf = {path, id};
    st = rds_seek(&src, ft.bom);
    if (st == TOPICS_OK) st = jsonl_read(&src, &jf, &w->tagged, &w->stats->talks, NULL);
  } else {
    talk_file tf = {path, id, name, w->opt ? w->opt->split : RD_SPLIT_AUTO};
    st = talk_split(&src, &ft, &tf, &w->tagged, &w->stats->talks);
  }
  if (w->owner && regular) w->stats->bytes += (size_t)sb.st_size;
  if (st == TOPICS_EIO && src.err == EINTR && w->stop && *w->stop) st = TOPICS_EINTR;
  if (st == TOPICS_EIO) {
    diag_error(path, 0, "read error: %s", strerror(src.err ? src.err : EIO));
    note_error(w, TOPICS_EIO);
    st = TOPICS_OK;
  }
  rds_close(&src);
  return st;
}

/* Opens and reads one file; pipes and devices named explicitly are spooled first. */
static topics_status read_file(walk *w, const char *path, const char *id, int explicit) {
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    int e = errno;
    diag_error(path, 0, "%s", e == ENOENT ? "no such file or directory" : strerror(e));
    note_error(w, e == ENOENT ? TOPICS_ENOENT : TOPICS_EIO);
    return TOPICS_OK;
  }
  struct stat sb;
  topics_status st = TOPICS_OK;
  FILE *tmp = NULL;
  if (fstat(fd, &sb) == 0 && !S_ISREG(sb.st_mode) && !S_ISFIFO(sb.st_mode) && !isatty(fd)) {
    /* a device such as /dev/zero could be endless: only pipes and terminals are spooled */
    close(fd);
    if (speaks(w)) diag_warn(path, 0, "not a regular file, pipe or terminal; skipped");
    return add_skipped(w, path, "not a regular file");
  }
  if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode)) {
    int dup = already_read(w, &sb, path);
    if (dup != 0) {
      close(fd);
      return dup > 0 ? TOPICS_OK : (topics_status)dup;
    }
    /* another share's file, unless JSON Lines, which every share reads a part of */
    if (!next_file(w, 0) && !is_jsonl(base_name(path))) {
      close(fd);
      return TOPICS_OK;
    }
  } else if (!next_file(w, 1)) {
    close(fd);
    return TOPICS_OK;
  } else if (fstat(fd, &sb) == 0) {
    st = spool(fd, path, w->stop, &tmp);
    close(fd);
    fd = tmp ? fileno(tmp) : -1;
    if (st != TOPICS_OK) {
      if (tmp) fclose(tmp);
      if (st == TOPICS_ENOMEM || st == TOPICS_EINTR) return st;
      note_error(w, st);
      return TOPICS_OK;
    }
  }
  st = read_fd(w, fd, path, id, base_name(path), explicit);
  if (tmp) fclose(tmp);
  else close(fd);
  return st;
}

static int cmp_names(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "a" + "/" + "b" (no doubled slash), malloc'd; NULL when out of memory. */
static char *join(const char *a, const char *b) {
  size_t na = strlen(a), nb = strlen(b), n;
  int slash = na > 0 && a[na - 1] != '/';
  if (mem_add(na, nb, &n) != TOPICS_OK || mem_add(n, 2, &n) != TOPICS_OK) return NULL;
  char *p = malloc(n);
  if (!p) return NULL;
  memcpy(p, a, na);
  if (slash) p[na++] = '/';
  memcpy(p + na, b, nb);
  p[na + nb] = '\0';
  return p;
}

static topics_status walk_dir(walk *w, const char *dir, const char *idpre, const struct stat *ds);

static topics_status walk_entry(walk *w, const char *path, const char *id) {
  struct stat sb;
  if (stat(path, &sb) != 0) {
    int e = errno;
    struct stat lb;
    if (e == ENOENT && lstat(path, &lb) == 0 && S_ISLNK(lb.st_mode)) {
      if (speaks(w)) diag_warn(path, 0, "broken symbolic link; skipped");
      return add_skipped(w, path, "broken symbolic link");
    }
    if (e == ELOOP) {
      if (speaks(w)) diag_warn(path, 0, "symbolic link loop; skipped");
      return add_skipped(w, path, "symbolic link loop");
    }
    diag_error(path, 0, "%s", strerror(e));
    note_error(w, e == ENOENT ? TOPICS_ENOENT : TOPICS_EIO);
    return TOPICS_OK;
  }
  if (S_ISDIR(sb.st_mode)) return walk_dir(w, path, id, &sb);
  if (!S_ISREG(sb.st_mode)) return TOPICS_OK; /* fifos, sockets, devices inside a folder */
  const char *name = base_name(path);
  if (!wanted_ext(name) && extension(name)[0] != '\0') {
    size_t used = strlen(w->other_names);
    if (w->nother < 5 && used + strlen(path) + 3 < sizeof w->other_names)
      snprintf(w->other_names + used, sizeof w->other_names - used, "%s%s", used ? ", " : "", path);
    w->nother++;
    return TOPICS_OK;
  }
  if (is_folder_document(name)) return TOPICS_OK;
  return read_file(w, path, id, 0);
}

/* The file names listed in dir's output marker (see RD_OUTPUT_MARKER), as one malloc'd string of
 * lines; NULL when there is none or it cannot be read. */
static char *read_marker(const char *dir) {
  char *path = join(dir, RD_OUTPUT_MARKER);
  if (!path) return NULL;
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  free(path);
  if (fd < 0) return NULL;
  enum { MARKER_MAX = 4096 }; /* ours is a few lines; anything longer is not ours */
  char *buf = malloc(MARKER_MAX + 1);
  size_t n = 0;
  struct stat sb;
  if (buf && fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode)) {
    ssize_t k;
    while (n < MARKER_MAX && (k = read(fd, buf + n, MARKER_MAX - n)) > 0) n += (size_t)k;
  }
  close(fd);
  if (!buf) return NULL;
  buf[n] = '\0';
  return buf;
}

/* 1 when name is one of the marker's lines. */
static int marker_lists(const char *marker, const char *name) {
  size_t nl = strlen(name);
  for (const char *p = marker; *p;) {
    const char *e = strchr(p, '\n');
    size_t len = e ? (size_t)(e - p) : strlen(p);
    if (p[0] != '#' && len == nl && memcmp(p, name, nl) == 0) return 1;
    p += len + (e != NULL);
  }
  return 0;
}

/* Drops from names[0..*n) the files a topics output marker in dir lists, with one warning when
 * warn is set. */
static void drop_own_output(const char *dir, char **names, size_t *n, int warn) {
  char *marker = read_marker(dir);
  if (!marker) return;
  char list[200];
  size_t used = 0, dropped = 0, kept = 0;
  list[0] = '\0';
  for (size_t i = 0; i < *n; i++) {
    if (!marker_lists(marker, names[i])) {
      names[kept++] = names[i];
      continue;
    }
    if (used + strlen(names[i]) + 8 < sizeof list) {
      int k = snprintf(list + used, sizeof list - used, "%s%s", dropped ? ", " : "", names[i]);
      if (k > 0) used += (size_t)k;
    } else if (used + 6 < sizeof list && !strstr(list, "...")) {
      int k = snprintf(list + used, sizeof list - used, ", ...");
      if (k > 0) used += (size_t)k;
    }
    dropped++;
    free(names[i]);
  }
  free(marker);
  *n = kept;
  if (dropped && warn)
    diag_warn(dir, 0, "a topics output folder (it holds %s): its files %s are not read as notes",
              RD_OUTPUT_MARKER, list);
}

static topics_status walk_dir(walk *w, const char *dir, const char *idpre, const struct stat *ds) {
  if (w->stop && *w->stop) return TOPICS_EINTR;
  for (size_t i = 0; i < w->depth; i++) {
    if (w->stack[i].dev == ds->st_dev && w->stack[i].ino == ds->st_ino) {
      if (speaks(w)) diag_warn(dir, 0, "directory loop through a symbolic link; not followed");
      return add_skipped(w, dir, "directory loop through a symbolic link");
    }
  }
  int dup = already_read(w, ds, dir);
  if (dup != 0) return dup > 0 ? TOPICS_OK : (topics_status)dup;
  if (MEM_RESERVE(w->stack, w->cap, w->depth + 1) != TOPICS_OK) return TOPICS_ENOMEM;
  DIR *d = opendir(dir);
  if (!d) {
    diag_error(dir, 0, "%s", strerror(errno));
    note_error(w, errno == ENOENT ? TOPICS_ENOENT : TOPICS_EIO);
    return TOPICS_OK;
  }
  char **names = NULL;
  size_t n = 0, cap = 0;
  topics_status st = TOPICS_OK;
  struct dirent *de;
  int marked = 0;
  errno = 0;
  while ((de = readdir(d)) != NULL) {
    if (strcmp(de->d_name, RD_OUTPUT_MARKER) == 0) marked = 1;
    if (de->d_name[0] == '.') continue; /* ".", "..", and hidden entries */
    char *nm = mem_strndup(de->d_name, strlen(de->d_name));
    if (!nm || MEM_RESERVE(names, cap, n + 1) != TOPICS_OK) {
      free(nm);
      st = TOPICS_ENOMEM;
      break;
    }
    names[n++] = nm;
  }
  closedir(d);
  if (st == TOPICS_OK) {
    if (n > 1) qsort(names, n, sizeof *names, cmp_names);
    if (marked) drop_own_output(dir, names, &n, speaks(w));
    w->stack[w->depth].dev = ds->st_dev;
    w->stack[w->depth].ino = ds->st_ino;
    w->depth++;
    for (size_t i = 0; i < n && st == TOPICS_OK; i++) {
      if (w->stop && *w->stop) {
        st = TOPICS_EINTR;
        break;
      }
      char *path = join(dir, names[i]);
      char *id = idpre[0] ? join(idpre, names[i]) : mem_strndup(names[i], strlen(names[i]));
      if (!path || !id) st = TOPICS_ENOMEM;
      else st = walk_entry(w, path, id);
      free(path);
      free(id);
    }
    w->depth--;
  }
  for (size_t i = 0; i < n; i++) free(names[i]);
  free(names);
  return st;
}

/* The id prefix for a directory given on the command line: its last component ("corpus" for
 * "corpus/", "/data/corpus" or "./corpus"); none for ".", ".." or "/". */
static char *dir_prefix(const char *path) {
  size_t n = strlen(path);
  while (n > 1 && path[n - 1] == '/') n--;
  size_t b = n;
  while (b > 0 && path[b - 1] != '/') b--;
  const char *s = path + b;
  size_t len = n - b;
  if (len == 0 || (len == 1 && s[0] == '.') || (len == 2 && s[0] == '.' && s[1] == '.') ||
      (len == 1 && s[0] == '/'))
    len = 0;
  return mem_strndup(s, len);
}

topics_status rd_read(char *const *paths, size_t npaths, const rd_options *opt, const rd_sink *sink,
                      rd_stats *stats) {
  return rd_read_until(paths, npaths, opt, NULL, sink, stats);
}

topics_status rd_read_until(char *const *paths, size_t npaths, const rd_options *opt,
                            volatile sig_atomic_t *stop, const rd_sink *sink, rd_stats *stats) {
  walk w;
  memset(&w, 0, sizeof w);
  w.opt = opt;
  w.sink = sink;
  w.stats = stats;
  w.skipcap = stats->nskipped;
  w.stop = stop;
  w.tagged = (rd_sink){tag_begin, tag_text, tag_end, &w};
  topics_status st = TOPICS_OK;
  for (size_t i = 0; i < npaths && st == TOPICS_OK; i++) {
    const char *p = paths[i];
    if (strcmp(p, "-") == 0) {
      if (!next_file(&w, 1)) continue;
      FILE *tmp = NULL;
      st = spool(STDIN_FILENO, "-", w.stop, &tmp);
      if (st == TOPICS_OK) st = read_fd(&w, fileno(tmp), "-", "stdin", "stdin", 1);
      else if (st != TOPICS_ENOMEM && st != TOPICS_EINTR) {
        note_error(&w, st);
        st = TOPICS_OK;
      }
      if (tmp) fclose(tmp);
      continue;
    }
    struct stat sb;
    if (stat(p, &sb) != 0) {
      int e = errno;
      diag_error(p, 0, "%s", e == ENOENT ? "no such file or directory" : strerror(e));
      note_error(&w, e == ENOENT ? TOPICS_ENOENT : TOPICS_EIO);
      continue;
    }
    if (S_ISDIR(sb.st_mode)) {
      char *pre = dir_prefix(p);
      if (!pre) {
        st = TOPICS_ENOMEM;
        break;
      }
      st = walk_dir(&w, p, pre, &sb);
      free(pre);
    } else {
      st = read_file(&w, p, p, 1);
    }
  }
  free(w.stack);
  for (size_t i = 0; i < w.seencap; i++) free(w.seen[i].path);
  free(w.seen);
  if (st == TOPICS_OK && w.stop && *w.stop) st = TOPICS_EINTR;
  if (w.nother && speaks(&w))
    diag_warn(NULL, 0, "skipped %zu file(s) that are not notes (.txt, .md, .markdown, .rst, .jsonl): %s%s",
              w.nother, w.other_names, w.nother > 5 ? ", ..." : "");
  return st != TOPICS_OK ? st : w.err;
}
