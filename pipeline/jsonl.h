/* JSON Lines input: one talk per non-empty line, a JSON object with a string field "text"
 * (required) and optional "id" (string or number) and "title" (string); other fields are skipped.
 * The parser is strict (RFC 8259 grammar, one record per line, nesting at most JSONL_MAX_DEPTH) and
 * streams: a record is validated in one pass, then its text is decoded again straight into the
 * sink, so lines of any length need no more memory than one piece. A malformed record is skipped
 * with "FILE:LINE: malformed JSON Lines record skipped: <what>" and the rest is read. */
#ifndef TOPICS_JSONL_H
#define TOPICS_JSONL_H

#include <stddef.h>
#include <stdint.h>

#include "common/status.h"
#include "pipeline/rd_src.h"
#include "pipeline/reader.h"

#define JSONL_MAX_DEPTH 64

typedef struct jsonl_file {
  const char *path; /* rd_talk_info.path and the file named in warnings */
  const char *id;   /* id base: a record without "id" gets "<id>#<line>" */
} jsonl_file;

/* Reads records from src (positioned at the first byte after any UTF-8 BOM) into sink; *ntalks is
 * increased by the talks handed over, *nbad (may be NULL) by the records skipped. Errors: the
 * sink's status, TOPICS_EIO (src->err), TOPICS_ENOMEM; malformed records are not errors. */
topics_status jsonl_read(rd_src *src, const jsonl_file *f, const rd_sink *sink, size_t *ntalks,
                         size_t *nbad);

/* The records of src whose lines start in [from, to) (a line starts at bom, the offset after any
 * UTF-8 BOM, or after a line end): one share of a file read by several processes. Lines keep
 * their numbers in the whole file (the line ends before from are counted). Errors as jsonl_read. */
topics_status jsonl_read_range(rd_src *src, const jsonl_file *f, uint64_t bom, uint64_t from,
                               uint64_t to, const rd_sink *sink, size_t *ntalks, size_t *nbad);

/* The same over data[0..len) (a UTF-8 BOM is skipped). */
topics_status jsonl_read_mem(const void *data, size_t len, const jsonl_file *f, const rd_sink *sink,
                             size_t *ntalks, size_t *nbad);

#endif
