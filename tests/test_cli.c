/* Unit tests for the option parser: defaults, forms of options, and every refusal naming its
 * option. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "pipeline/cli.h"
#include "pipeline/reader.h"
#include "tests/check.h"

static topics_status parse(cli_command cmd, cli_options *o, char *err, const char *a0, ...) {
  static char store[32][128];
  char *argv[33];
  int argc = 0;
  argv[argc++] = (char *)"topics";
  va_list ap;
  va_start(ap, a0);
  for (const char *a = a0; a && argc < 32; a = va_arg(ap, const char *)) {
    snprintf(store[argc], sizeof store[argc], "%s", a);
    argv[argc] = store[argc];
    argc++;
  }
  va_end(ap);
  argv[argc] = NULL;
  return cli_parse(argc, argv, cmd, o, err, 256);
}

#define REFUSED(needle, ...)                                                              \
  do {                                                                                    \
    char err_[256];                                                                       \
    cli_options o_;                                                                       \
    CHECK(parse(CLI_TOPICS, &o_, err_, __VA_ARGS__, (const char *)NULL) == TOPICS_EINVAL); \
    CHECK_MSG(strstr(err_, needle) != NULL, "message '%s' lacks '%s'", err_, needle);     \
  } while (0)

int main(void) {
  cli_options o;
  char err[256];
  CHECK(parse(CLI_TOPICS, &o, err, "corpus/", (const char *)NULL) == TOPICS_OK);
  CHECK(o.k == 10 && o.seed == 1 && o.top_words == 10 && o.ntags == 5 && o.threads == 0);
  CHECK(o.format == CLI_FORMAT_TEXT && o.fold_han == 1 && o.max_df < 0 && o.min_df == 0);
  CHECK(o.npaths == 1 && strcmp(o.paths[0], "corpus/") == 0);

  CHECK(parse(CLI_TOPICS, &o, err, "-k", "7", "a", "--seed=42", "-t2", "-f", "json", "-", "-q",
              "--", "-k", (const char *)NULL) == TOPICS_OK);
  CHECK(o.k == 7 && o.seed == 42 && o.threads == 2 && o.format == CLI_FORMAT_JSON && o.quiet);
  CHECK(o.npaths == 3 && strcmp(o.paths[0], "a") == 0 && strcmp(o.paths[1], "-") == 0 &&
        strcmp(o.paths[2], "-k") == 0);

  CHECK(parse(CLI_TOPICS, &o, err, "--split", "time", "--no-fold-han", "--max-df", "0.4",
              "--min-df", "3", "x", (const char *)NULL) == TOPICS_OK);
  CHECK(o.split == RD_SPLIT_TIME && !o.fold_han && o.max_df > 0.39 && o.max_df < 0.41 &&
        o.min_df == 3);

  CHECK(parse(CLI_TOPICS, &o, err, "--help", (const char *)NULL) == TOPICS_OK && o.cmd == CLI_HELP);
  CHECK(parse(CLI_TOPICS, &o, err, "-V", (const char *)NULL) == TOPICS_OK && o.cmd == CLI_VERSION);

  REFUSED("-k", "-k", "0", "x");
  REFUSED("-k", "-k", "-3", "x");
  REFUSED("'abc'", "-k", "abc", "x");
  REFUSED("-k", "-k", "99999999999999999999", "x");
  REFUSED("-i", "-i", "0", "x");
  REFUSED("unknown option '--frobnicate'", "--frobnicate", "x");
  REFUSED("unknown option '-z'", "-z", "x");
  REFUSED("needs a value", "x", "-k");
  REFUSED("xml", "-f", "xml", "x");
  REFUSED("--max-df", "--max-df", "1.5", "x");
  REFUSED("--max-df", "--max-df", "nan", "x");
  REFUSED("--split", "--split", "paragraph", "x");
  REFUSED("no input", "-k", "5");
  REFUSED("takes no value", "--quiet=yes", "x");
  REFUSED("-t", "-t", "0", "x");
  REFUSED("-k", "-k", " 5", "x");
  REFUSED("-s", "-s", "-1", "x");

  /* `topics tags` refuses model options rather than silently ignoring them. */
  CHECK(parse(CLI_TAGS, &o, err, "-k", "5", "x", (const char *)NULL) == TOPICS_EINVAL);
  CHECK(strstr(err, "-k") != NULL);
  CHECK(parse(CLI_TAGS, &o, err, "--tags", "8", "x", (const char *)NULL) == TOPICS_OK && o.ntags == 8);
  return check_done();
}
