/* The topics command: dispatches to the subcommands. (Placeholder until the driver lands.) */
#include <stdio.h>
#include <string.h>

#include "pipeline/segment.h"

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "segment") == 0) return segment_main(argc - 1, argv + 1);
  fprintf(stderr, "topics: not implemented yet\n");
  return 1;
}
