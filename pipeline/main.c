/* The topics command: picks the subcommand, parses options, maps the outcome to the exit status
 * (0 success, 1 the run failed, 2 the command line is wrong). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/diag.h"
#include "pipeline/cli.h"
#include "pipeline/infer.h"
#include "pipeline/run.h"
#include "pipeline/segment.h"

/* A standard stream closed by the caller (`topics ... >&-`) would let the next open() take its
 * number, and results meant for the terminal would land in a lock or temporary file. Each closed
 * one is filled with /dev/null: read-only for standard output, so that writing the results still
 * fails and is reported. */
static void fill_closed_std_fds(void) {
  for (int fd = 0; fd <= 2; fd++) {
    if (fcntl(fd, F_GETFD) != -1 || errno != EBADF) continue;
    int n = open("/dev/null", fd == 2 ? O_WRONLY : O_RDONLY);
    if (n >= 0 && n != fd) close(n); /* a lower slot was free: cannot happen in order 0..2 */
  }
}

int main(int argc, char **argv) {
  fill_closed_std_fds();
  if (argc > 1 && strcmp(argv[1], "segment") == 0) return segment_main(argc - 1, argv + 1);
  if (argc > 1 && strcmp(argv[1], "infer") == 0) return infer_main(argc - 1, argv + 1);
  cli_command cmd = CLI_TOPICS;
  if (argc > 1 && strcmp(argv[1], "tags") == 0) {
    cmd = CLI_TAGS;
    argc--;
    argv++;
  }
  cli_options o;
  char err[256];
  if (cli_parse(argc, argv, cmd, &o, err, sizeof err) != TOPICS_OK) {
    /* one line, like every message: the reason, then where to look */
    diag_error(NULL, 0, "%s. Try 'topics%s --help'.", err, cmd == CLI_TAGS ? " tags" : "");
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
