/* Reading Markdown and HTML as a person reads them. A talk's text is rewritten in place so that
 * only what a reader sees is left: tags, attributes, comments, <script>/<style> contents, link
 * URLs and image file names, link reference definitions and (by default) fenced and indented code
 * blocks are removed; entities are decoded; the text of links, the alt text of images and inline
 * code (without its backticks) stay. Line ends are never removed or added, so line numbers of
 * the rewritten text are those of the source.
 *
 * The scanner is hand-written rather than built on a CommonMark library because it must work in
 * place on streamed pieces of plain-text notes and JSON Lines fields as well as Markdown, keep
 * every line end, and recognise HTML conservatively in plain text ("a < b and c > d" stays).
 * Every construct is searched for within bounded windows, or with memoised searches, so the
 * time is linear in the input. */
#ifndef TOPICS_MARKUP_H
#define TOPICS_MARKUP_H

#include <stddef.h>

typedef enum mk_kind {
  MK_TEXT = 0,   /* plain text or JSON Lines fields: HTML, inline Markdown, fenced code */
  MK_MARKDOWN    /* .md / .markdown: also indented code blocks */
} mk_kind;

/* MK_MARKDOWN for paths ending in .md or .markdown (any case), MK_TEXT otherwise. */
mk_kind mk_kind_for_path(const char *path);

typedef struct mk_reader mk_reader;

/* A reader for kind; keep_code keeps the contents of code blocks as text (their fence lines are
 * still removed). NULL when out of memory. mk_free(NULL) does nothing. */
mk_reader *mk_new(mk_kind kind, int keep_code);
void mk_free(mk_reader *m);

/* Starts a new talk of the given kind: forgets open code fences, comments and lists. */
void mk_reset(mk_reader *m, mk_kind kind);

/* Rewrites s[0..n) in place and returns the new length (<= n). s holds whole lines of one talk
 * in order; only the last piece of a talk may end without a line end (a line longer than the
 * piece size may also be cut, at the cost of markup across the cut being read as text). Open
 * fences, comments and raw-text elements carry over to the next call. Well-formed UTF-8 stays
 * well-formed; no NUL byte is produced. */
size_t mk_clean(mk_reader *m, char *s, size_t n);

/* Cleans a one-line title in place (inline markup only, white space runs collapsed, trimmed)
 * and returns its new length, which may be 0. */
size_t mk_clean_title(char *s, size_t n, mk_kind kind);

#endif
