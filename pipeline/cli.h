/* Command-line parsing for `topics` and `topics tags`. Pure: no I/O, no exit, so it can be fuzzed
 * and tested; main() prints the message and picks the exit status. */
#ifndef TOPICS_CLI_H
#define TOPICS_CLI_H

#include <stddef.h>
#include <stdint.h>

#include "common/status.h"

typedef enum cli_command { CLI_TOPICS = 0, CLI_TAGS, CLI_HELP, CLI_VERSION } cli_command;
typedef enum cli_format { CLI_FORMAT_TEXT = 0, CLI_FORMAT_JSON } cli_format;

typedef struct cli_options {
  cli_command cmd;
  uint32_t k;                 /* -k [10] */
  /* -k auto or -k MIN:MAX: choose K in [k_min, k_max] (both 0 for auto); k_choose 0: fixed K */
  int k_choose;
  uint32_t k_min, k_max;
  double holdout;             /* --holdout F: fraction of talks kept out of training; 0: none */
  uint32_t iterations;        /* -i; 0 = the model's default */
  uint64_t seed;              /* -s [1] */
  uint32_t threads;           /* -t; 0 = all cores */
  uint32_t top_words;         /* -n [10] */
  uint32_t ntags;             /* --tags [5] */
  uint32_t top_docs;          /* --top-docs: representative talks per topic [3] */
  cli_format format;          /* -f [text] */
  const char *output_dir;     /* -o, or NULL */
  const char *stopwords_file; /* --stopwords, or NULL */
  const char *dict_file;      /* --dict, or NULL */
  uint32_t min_df;            /* --min-df; 0 = default (2, or 1 for fewer than 10 talks) */
  double max_df;              /* --max-df; < 0 = default rule */
  int quiet;                  /* -q */
  int split;                  /* --split, an rd_split value */
  int fold_han;               /* 0 with --no-fold-han */
  int phrases;                /* 0 with --no-phrases */
  int keep_code;              /* --code keep (default drop) */
  int keep_duplicates;        /* --keep-duplicates */
  int32_t optimize_interval;  /* --optimize-interval; -1 = the model's default, 0 = off */
  double alpha;               /* --alpha; <= 0 = the model's default */
  double beta;                /* --beta [0.01] */
  char **paths;               /* points into argv; npaths of them */
  size_t npaths;
} cli_options;

/* Parses argv (argv[0] is the program or subcommand name) for cmd (CLI_TOPICS or CLI_TAGS) into
 * *o. On a bad command line returns TOPICS_EINVAL with a one-line reason naming the option in
 * err. o->paths points into argv. --help / --version set o->cmd to CLI_HELP / CLI_VERSION. */
topics_status cli_parse(int argc, char **argv, cli_command cmd, cli_options *o, char *err,
                        size_t errlen);

/* The usage text for cmd; a static string. */
const char *cli_usage(cli_command cmd);

#endif
