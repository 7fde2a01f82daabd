/* Fuzzes the option parser: the input is split at NUL bytes into argv words. The parser must
 * never crash, and on success every number it kept must be in its documented range. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pipeline/cli.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 4096) return 0;
  char *buf = malloc(size + 1);
  if (!buf) return 0;
  memcpy(buf, data, size);
  buf[size] = '\0';
  char *argv[130];
  int argc = 0;
  argv[argc++] = (char *)"topics";
  size_t start = 0;
  for (size_t i = 0; i <= size && argc < 129; i++) {
    if (i == size || buf[i] == '\0') {
      argv[argc++] = buf + start;
      start = i + 1;
    }
  }
  argv[argc] = NULL;
  cli_options o;
  char err[256];
  cli_command cmd = (size && (data[0] & 1)) ? CLI_TAGS : CLI_TOPICS;
  if (cli_parse(argc, argv, cmd, &o, err, sizeof err) == TOPICS_OK && o.cmd == cmd) {
    if (o.k < 1 || o.k > 65535 || o.threads > 256 || o.top_words < 1 || o.npaths == 0) abort();
    for (size_t i = 0; i < o.npaths; i++)
      if (!o.paths[i]) abort();
  } else if (o.cmd != CLI_HELP && o.cmd != CLI_VERSION && err[0] == '\0') {
    abort(); /* every refusal must explain itself */
  }
  free(buf);
  return 0;
}
