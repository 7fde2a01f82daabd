/* The main command and `topics tags`: read, tokenise, build the term matrix, train, summarise,
 * write. */
#ifndef TOPICS_RUN_H
#define TOPICS_RUN_H

#include "pipeline/cli.h"

/* Runs o (o->cmd is CLI_TOPICS or CLI_TAGS); returns the exit status: 0 success, 1 failure
 * (already reported on stderr). */
int run_command(const cli_options *o);

#endif
