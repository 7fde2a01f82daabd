/* Warnings and errors for people: one line on standard error, "topics: FILE:LINE: what". Safe to call
 * from several threads (lines never interleave). */
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

/* Number of warnings printed so far in this process. */
unsigned long diag_warning_count(void);

#endif
