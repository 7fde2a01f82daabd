/* Telling text from binary by the first bytes of a file: magic numbers of common binary formats,
 * byte order marks, and a heuristic on NUL/control bytes and ill-formed UTF-8. */
#ifndef TOPICS_FILETYPE_H
#define TOPICS_FILETYPE_H

#include <stddef.h>

/* How many leading bytes ft_sniff wants to see. */
#define FT_SNIFF_BYTES 8192

typedef enum ft_encoding {
  FT_UTF8 = 0, /* UTF-8 (possibly with ill-formed parts to repair) */
  FT_UTF16LE,
  FT_UTF16BE,
  FT_BINARY    /* not text: skip the file */
} ft_encoding;

typedef struct ft_info {
  ft_encoding enc;
  size_t bom;         /* bytes of byte order mark to skip (0, 2 or 3) */
  const char *reason; /* for FT_BINARY: "PNG image", "binary data", ...; static string */
  int clean_utf8;     /* FT_UTF8 and the sniffed bytes are well-formed, NUL-free UTF-8 */
} ft_info;

/* Classifies a file from its first len bytes (at most FT_SNIFF_BYTES are looked at). eof says
 * whether these bytes are the whole file (a sequence cut at the end of the window is then bad). */
void ft_sniff(const unsigned char *s, size_t len, int eof, ft_info *out);

#endif
