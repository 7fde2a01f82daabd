/* Progress lines: what progress_read and progress_note draw, the rate limit of redraws, and silence
 * when progress is disabled (-q, or standard error not a terminal). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "pipeline/progress.h"
#include "test_util.h"

/* What was written to f so far, from the start; caller frees. */
static char *written(FILE *f) {
  fflush(f);
  rewind(f);
  size_t len;
  char *s = tu_read_all(f, &len);
  fseek(f, 0, SEEK_END);
  return s;
}

int main(void) {
  FILE *f = tmpfile();
  CHECK(f != NULL);
  if (!f) return check_done();
  progress p;
  progress_init(&p, 1); /* -q: disabled whatever stderr is */
  CHECK(!p.enabled);
  p.out = f;
  progress_read(&p, 3, 2000000, 500000);
  progress_note(&p, "read 3 talks");
  char *s = written(f);
  CHECK(s && s[0] == '\0');
  free(s);

  p.enabled = 1;
  progress_read(&p, 3, 2000000, 500000);
  s = written(f);
  CHECK_MSG(s && strncmp(s, "\r  reading: 3 talks, 2.0 MB, 0.5M tokens, ", 41) == 0 &&
                strstr(s, " MB/s\033[K") != NULL && !strchr(s, '\n'),
            "got \"%s\"", s ? s : "(null)");
  size_t before = s ? strlen(s) : 0;
  free(s);
  /* a second update within 0.1 s is not drawn */
  progress_read(&p, 4, 3000000, 600000);
  s = written(f);
  CHECK(s && strlen(s) == before);
  free(s);
  /* a note takes the progress line's place and ends the line */
  progress_note(&p, "read 4 talks: 600000 tokens, 900 terms");
  s = written(f);
  CHECK(s && strcmp(s + before, "\r  read 4 talks: 600000 tokens, 900 terms\033[K\n") == 0);
  free(s);
  fclose(f);
  return check_done();
}
