/* ICU's word break engines are loaded once per process, the first time a dictionary character
 * meets an iterator, and until ICU's Chinese-Japanese engine was loaded, a run that started with
 * U+30FC or U+FF70 (script Common) went to no engine: "ー中" was one word the first time and two
 * ever after, so words depended on which text a thread met first. seg_new loads the engine first.
 *
 * Each check runs in a child process of its own, since only a process that has not broken any
 * Chinese or Japanese yet shows the fault. The child segments one string with a new segmenter,
 * then again with a second one, and the two must agree. The strings: every kana and katakana-like
 * character of the BMP, the four characters of script Common that the Chinese-Japanese engine
 * takes, and every character of line-break class SA (ICU's South-East Asian engines), each followed
 * by an ideograph. The parent never breaks text, so every child starts as a new process would. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <unicode/uchar.h>
#include <unicode/uscript.h>

#include "check.h"
#include "seg_reference.h"
#include "tokenize/seg_int.h"
#include "tokenize/segmenter.h"

/* In the child: 0 when two segmenters, the first one new in this process, agree on text. */
static int child_check(const char *text, size_t len) {
  seg_span *a = NULL, *b = NULL;
  size_t na = 0, nb = 0, ca = 0, cb = 0;
  segmenter *s1 = seg_new(NULL);
  if (!s1 || seg_run(s1, text, len, &a, &na, &ca) != TOPICS_OK) return 2;
  segmenter *s2 = seg_new(NULL);
  if (!s2 || seg_run(s2, text, len, &b, &nb, &cb) != TOPICS_OK) return 2;
  int same = sr_same(a, na, b, nb);
  free(a);
  free(b);
  seg_free(s1);
  seg_free(s2);
  return same ? 0 : 1;
}

static int candidate(unsigned cp) {
  if (cp == 0x30FC || cp == 0xFF70 || cp == 0xFF9E || cp == 0xFF9F) return 1;
  UErrorCode err = U_ZERO_ERROR;
  UScriptCode sc = uscript_getScript((UChar32)cp, &err);
  if (cp < 0x10000 && (sc == USCRIPT_HIRAGANA || sc == USCRIPT_KATAKANA ||
                       u_getIntPropertyValue((UChar32)cp, UCHAR_WORD_BREAK) == U_WB_KATAKANA))
    return 1;
  return u_getIntPropertyValue((UChar32)cp, UCHAR_LINE_BREAK) == U_LB_COMPLEX_CONTEXT;
}

int main(void) {
  long checked = 0, differ = 0, failed = 0;
  for (unsigned cp = 0x80; cp < 0x110000; cp++) {
    if ((cp >= 0xD800 && cp < 0xE000) || !candidate(cp)) continue;
    char buf[16];
    size_t len = sr_put_utf8(cp, buf);
    len += sr_put_utf8(0x4E2D, buf + len); /* 中 */
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
      CHECK_MSG(0, "fork failed");
      break;
    }
    if (pid == 0) _exit(child_check(buf, len));
    int status = 0;
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) > 1) {
      if (failed++ < 5) fprintf(stderr, "the check of U+%04X did not run\n", cp);
      continue;
    }
    checked++;
    if (WEXITSTATUS(status) == 1 && differ++ < 5)
      fprintf(stderr, "a new segmenter in a new process differs on U+%04X U+4E2D\n", cp);
  }
  CHECK_MSG(failed == 0, "%ld checks did not run", failed);
  CHECK_MSG(differ == 0, "a new process's first segmenter differs on %ld of %ld strings", differ,
            checked);
  CHECK(checked > 1000);
  printf("the first segmenter of a new process agrees with the next on %ld strings\n", checked);
  return check_done();
}
