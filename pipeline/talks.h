/* Splitting one notes file into talks. The file is read three times through a fixed buffer: a
 * look at the first lines for YAML front matter, a statistics pass (headings per level, pad time
 * lines, how many talks each choice would give), and the pass that streams talks into the sink.
 *
 * Automatic choice (RD_SPLIT_AUTO):
 *  - pad time lines "[9:10][R0] Title (Speaker)" (also "[10:00] Title", "[R1][10:00] Title") when
 *    there are at least 2 of them and no fewer than the headings of the chosen level;
 *  - else Markdown headings (ATX "##", setext "===" / "---" under a one-line paragraph), outside
 *    code fences and front matter: the level with the most headings (ties: the shallower) when it
 *    has at least 2. A shallower heading ("## Closing") ends the talk before it;
 *  - else the whole file is one talk.
 * Text before the first boundary, and under a shallower heading, is a talk of its own only when it
 * has at least TALK_MIN_WORDS words (a CJK character counts as a word); otherwise it is dropped.
 * A talk's text starts with its title line; heading and time markers are not part of the text.
 * Titles: the heading / time line text; for a whole file: the front matter `title:`, else the
 * first non-empty line when it has at most 120 characters, else the file name. */
#ifndef TOPICS_TALKS_H
#define TOPICS_TALKS_H

#include <stddef.h>

#include "common/status.h"
#include "pipeline/filetype.h"
#include "pipeline/rd_src.h"
#include "pipeline/reader.h"

#define TALK_MIN_WORDS 50

typedef struct talk_file {
  const char *path;  /* rd_talk_info.path, and the file named in warnings */
  const char *id;    /* id base: "corpus/blog.md"; "#N" is added when the file has several talks */
  const char *name;  /* fallback title (the file name) */
  rd_split split;
} talk_file;

/* Splits the text read from src (positioned at the first byte of the file, BOM included; ft from
 * ft_sniff, not FT_BINARY) into talks streamed to sink. *ntalks is increased by the talks handed
 * over. Errors: the sink's status, TOPICS_EIO (src->err says why), TOPICS_ENOMEM. */
topics_status talk_split(rd_src *src, const ft_info *ft, const talk_file *f, const rd_sink *sink,
                         size_t *ntalks);

/* The same over a memory buffer, sniffing it first: binary data gives TOPICS_ENOTEXT and no talk. */
topics_status talk_split_mem(const void *data, size_t len, const talk_file *f, const rd_sink *sink,
                             size_t *ntalks);

#endif
