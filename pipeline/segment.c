/* Placeholder: replaced by the tokenize work. */
#include "pipeline/segment.h"

#include <stdio.h>

int segment_main(int argc, char **argv) {
  (void)argc;
  (void)argv;
  fprintf(stderr, "topics: segment: not implemented yet\n");
  return 1;
}
