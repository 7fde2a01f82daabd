/* The topics command: picks the subcommand, parses options, maps the outcome to the exit status
 * (0 success, 1 the run failed, 2 the command line is wrong). */
#include <stdio.h>
#include <string.h>

#include "pipeline/cli.h"
#include "pipeline/run.h"
#include "pipeline/segment.h"

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "segment") == 0) return segment_main(argc - 1, argv + 1);
  cli_command cmd = CLI_TOPICS;
  if (argc > 1 && strcmp(argv[1], "tags") == 0) {
    cmd = CLI_TAGS;
    argc--;
    argv++;
  }
  cli_options o;
  char err[256];
  if (cli_parse(argc, argv, cmd, &o, err, sizeof err) != TOPICS_OK) {
    fprintf(stderr, "topics: error: %s\n", err);
    fprintf(stderr, "Try 'topics%s --help'.\n", cmd == CLI_TAGS ? " tags" : "");
    return 2;
  }
  if (o.cmd == CLI_HELP) {
    fputs(cli_usage(cmd), stdout);
    return 0;
  }
  if (o.cmd == CLI_VERSION) {
    printf("topics %s\n", TOPICS_VERSION);
    return 0;
  }
  return run_command(&o);
}
