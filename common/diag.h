/* Warnings and errors for people: one line on standard error, "topics: KIND: FILE:LINE: what". Safe
 * to call from several threads (lines never interleave). The file name and the message are escaped
 * as diag_escape describes, so a name holding escape sequences, newlines or invalid bytes prints
 * as one harmless line. */
#ifndef TOPICS_DIAG_H
#define TOPICS_DIAG_H

#include <stdio.h>

/* Sends messages to f instead of stderr (tests); NULL restores stderr. */
void diag_set_stream(FILE *f);

/* Prints "topics: warning: FILE:LINE: message". file may be NULL; line <= 0 leaves it out. */
void diag_warn(const char *file, long line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prints "topics: error: FILE:LINE: message", same rules as diag_warn. */
void diag_error(const char *file, long line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Copies s[0..len) to out (cap bytes, NUL-terminated when cap > 0, cut when too small) showing what
 * a terminal would act on or hide as text: C0/C1 controls and DEL as "\x1b", bytes that are not
 * UTF-8 as "\xff" each, and bidirectional controls and line separators as "\u202e". Other text,
 * backslashes included, is copied as is. Returns the length of the whole escaped text, like
 * snprintf; it is at most 4 * len. */
size_t diag_escape(const char *s, size_t len, char *out, size_t cap);

/* Number of warnings printed so far in this process. */
unsigned long diag_warning_count(void);

#endif
