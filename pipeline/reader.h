/* Reading the user's paths into a stream of talks. Files, directories (recursively, sorted by
 * byte order of names, symlink loops detected), JSON Lines and standard input ("-") are read once
 * (a file or folder reached again, through a link or named twice, is passed over with a warning),
 * checked and repaired (UTF-8, UTF-16 with a BOM, CR/CRLF, NUL bytes), split into talks, and
 * handed to a sink piece by piece, so memory does not grow with the size of the input. */
#ifndef TOPICS_READER_H
#define TOPICS_READER_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "common/status.h"

typedef enum rd_split {
  RD_SPLIT_AUTO = 0, /* choose per file: headings, time lines, else the whole file */
  RD_SPLIT_FILE,     /* one talk per file (per line for JSON Lines) */
  RD_SPLIT_HEADING,  /* Markdown headings of the repeating level */
  RD_SPLIT_TIME      /* pad lines such as "[9:10][R0] Title (Speaker)" */
} rd_split;

/* Parses "auto", "file", "heading", "time"; TOPICS_EINVAL otherwise. */
topics_status rd_split_parse(const char *s, rd_split *out);

typedef struct rd_talk_info {
  const char *id;    /* "relative/path#N" (N from 1), or "relative/path" when the file is one talk */
  const char *path;  /* the file's path as reached from the command line ("-" for stdin) */
  const char *title; /* heading or title line; else the file name */
  long line;         /* 1-based line where the talk starts (for JSON Lines: the line number) */
  const char *date;  /* front matter `date:` or `year:` value, or NULL */
  uint32_t file;     /* the file's number in the order files are reached, from 0 */
} rd_talk_info;

/* Where talks go. Every pointer handed over is valid only during the call. A non-OK return
 * stops reading, and rd_read returns it. */
typedef struct rd_sink {
  topics_status (*begin)(void *ud, const rd_talk_info *talk);
  /* The next piece of the current talk's text: well-formed UTF-8 without NUL bytes, cut only at
   * line ends (or, inside a line longer than 1 MiB, after white space or at worst between two
   * characters). Pieces of one talk come in order; a talk may have none. */
  topics_status (*text)(void *ud, const char *s, size_t len);
  topics_status (*end)(void *ud);
  void *ud;
} rd_sink;

typedef struct rd_options {
  rd_split split;
  /* Reading one share of the input (share_count > 1, one share per cluster process): every
   * share walks the same paths and numbers the same files, but reads only the files numbered
   * share_index modulo share_count (standard input: share 0) and, of every JSON Lines file, the
   * records whose lines start in its share_count-th part of the bytes. Problems with a file are
   * reported by the share that owns it. Talks come in input order within a share; across shares,
   * input order is that of (file number, share). */
  uint32_t share_index, share_count;
} rd_options;

/* The hidden file topics writes into its -o folder: it lists (one a line, '#' lines aside) the
 * file names topics writes there. In a folder holding it, a directory walk passes over the listed
 * files with one warning, so an output folder inside an input folder is not read back as notes. */
#define RD_OUTPUT_MARKER ".topics-output"

/* A file that was passed over, with the reason (also warned about on stderr). */
typedef struct rd_skipped {
  char *path;
  char *reason;
} rd_skipped;

typedef struct rd_stats {
  size_t files;      /* files read */
  size_t talks;      /* talks handed to the sink */
  size_t bytes;      /* bytes read */
  rd_skipped *skipped; /* malloc'd array of nskipped; free with rd_stats_clear */
  size_t nskipped;
} rd_stats;

/* Reads every path in order and streams its talks into sink. Missing paths and unreadable files
 * are reported (diag_error) and give TOPICS_ENOENT / TOPICS_EIO after the rest has been read;
 * binary files are skipped with a warning and listed in stats. A directory that holds no readable
 * text file is not an error here: the caller sees stats->talks == 0. */
topics_status rd_read(char *const *paths, size_t npaths, const rd_options *opt, const rd_sink *sink,
                      rd_stats *stats);

/* rd_read that also stops when *stop (may be NULL) is set, by a signal handler: reading stops
 * within one buffer (1 MiB) or one directory entry and TOPICS_EINTR is returned without a
 * message. */
topics_status rd_read_until(char *const *paths, size_t npaths, const rd_options *opt,
                            volatile sig_atomic_t *stop, const rd_sink *sink, rd_stats *stats);

/* Frees what stats holds and zeroes it. */
void rd_stats_clear(rd_stats *stats);

#endif
