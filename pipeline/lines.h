/* Lines of repaired UTF-8 from a byte source: decodes UTF-16 when the file has a UTF-16 BOM, treats
 * LF, CRLF and lone CR as line ends, replaces ill-formed sequences with U+FFFD and NUL bytes with
 * spaces (warning once per line / once per file when asked to), and cuts lines longer than
 * LINES_CHUNK bytes into chunks after white space, or between characters when there is none. */
#ifndef TOPICS_LINES_H
#define TOPICS_LINES_H

#include <stddef.h>

#include "common/status.h"
#include "pipeline/filetype.h"
#include "pipeline/rd_src.h"

#define LINES_CHUNK ((size_t)1 << 20)

typedef struct rd_lines {
  rd_src *src;
  ft_encoding enc;
  const char *path; /* for warnings */
  int warn;         /* print warnings (the emitting pass), or stay silent (statistics passes) */
  /* Result of the last rdl_next: text[0..len) is valid UTF-8 without NUL bytes and without the
   * line end; valid until the next call. */
  const char *text;
  size_t len;
  long lineno; /* 1-based line of this chunk */
  int cont;    /* this chunk continues the previous one's line */
  int more;    /* the line goes on in the next chunk */
  /* internals */
  char *raw;
  size_t rawlen, rawcap, carry;
  char *fix;
  size_t fixcap;
  unsigned long bad_lines;
  long last_bad_line;
  int nul_warned, bad16;
} rd_lines;

/* Starts reading lines from src's current position. */
void rdl_init(rd_lines *l, rd_src *src, ft_encoding enc, const char *path, int warn);

/* Next line or chunk: 1 when one is ready, 0 at the end, or a negative topics_status
 * (TOPICS_EIO with src->err set, TOPICS_ENOMEM). */
int rdl_next(rd_lines *l);

/* Prints the summary warning for invalid lines beyond the per-file cap (when warning) and frees
 * the buffers. */
void rdl_finish(rd_lines *l);

/* Where to cut a buffer of n bytes that must be split: after the last white space in its second
 * half, else before a trailing incomplete UTF-8 sequence. Never returns less than n / 2. */
size_t rdl_cut(const char *b, size_t n);

/* Copies in[0..n) to out (room for 3 * n bytes) replacing ill-formed UTF-8 with U+FFFD and NUL
 * bytes with spaces; returns the output length, *nbad the replacements, *nul whether NULs were seen. */
size_t rdl_repair(const char *in, size_t n, char *out, size_t *nbad, int *nul);

/* The per-file cap on "invalid UTF-8" warnings. */
#define LINES_MAX_BAD_WARNINGS 10

#endif
