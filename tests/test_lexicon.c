/* The lexicon: built-in stopword lists in both Chinese scripts, content words left alone, extra
 * stopword and dictionary files, and the errors for malformed ones (file:line, TOPICS_EPARSE). */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "common/diag.h"
#include "tokenize/lexicon_int.h"
#include "tokenize/stopwords/stopwords.h"

static int is_stop(const lex *lx, const char *w) { return lex_is_stopword(lx, w, strlen(w)); }

static char tmpdir[] = "/tmp/topics-test-lexicon-XXXXXX";

/* Writes bytes to a file in tmpdir and returns its path (static buffer). */
static const char *write_file(const char *name, const char *bytes, size_t len) {
  static char path[256];
  snprintf(path, sizeof path, "%s/%s", tmpdir, name);
  FILE *f = fopen(path, "wb");
  if (!f) return path;
  fwrite(bytes, 1, len, f);
  fclose(f);
  return path;
}

/* Runs a loader on a file, capturing diagnostics into msg. */
static topics_status load(lex *lx, int dict, const char *path, char *msg, size_t msgcap) {
  FILE *cap = tmpfile();
  diag_set_stream(cap);
  topics_status st = dict ? lex_add_dict_file(lx, path) : lex_add_stopwords_file(lx, path);
  diag_set_stream(NULL);
  msg[0] = '\0';
  if (cap) {
    rewind(cap);
    size_t n = fread(msg, 1, msgcap - 1, cap);
    msg[n] = '\0';
    fclose(cap);
  }
  return st;
}

static int contains(const char *hay, const char *needle) { return strstr(hay, needle) != NULL; }

/* Heap bytes in use as glibc counts them; about 0 where another allocator serves malloc. */
static long long heap_used(void) {
  struct mallinfo2 m = mallinfo2();
  return (long long)(m.uordblks + m.hblkhd);
}

/* A dictionary of long entries costs memory linear in its size: 300 entries of 100 nine-letter
 * words (300 KB) stay under ten times that, and every entry and its prefixes are found. Storing
 * every prefix of every key took about 1 MB per entry here. */
static void test_long_entries(void) {
  enum { LINES = 300, WORDS = 100 };
  size_t len = (size_t)LINES * WORDS * 10;
  char *text = malloc(len);
  CHECK(text != NULL);
  if (!text) return;
  unsigned long r = 12345;
  for (size_t i = 0; i < len; i++) {
    r = r * 6364136223846793005UL + 1442695040888963407UL;
    text[i] = (i + 1) % (WORDS * 10) == 0 ? '\n' : (i + 1) % 10 == 0 ? ' ' : (char)('a' + (r >> 60) % 10);
  }
  const char *p = write_file("long-entries.txt", text, len);
  topics_status st;
  lex *lx = lex_new(&st);
  CHECK(lx != NULL);
  char msg[512];
  long long before = heap_used();
  CHECK(lx && load(lx, 1, p, msg, sizeof msg) == TOPICS_OK);
  long long grew = heap_used() - before;
  if (before == 0) printf("heap use not known under this allocator: memory bound not checked\n");
  else CHECK_MSG(grew < 10 * (long long)len, "loading %zu bytes of dictionary took %lld", len, grew);
  size_t bad = 0;
  for (size_t l = 0; lx && l < LINES; l++) {
    const char *e = text + l * WORDS * 10;
    size_t elen = WORDS * 10 - 1;
    bad += !lex_dict_has(lx, 0, e, elen) || !lex_dict_has(lx, 1, e, elen);
    bad += !lex_dict_starts(lx, 0, e, 10 * (l % WORDS) + 9) || lex_dict_has(lx, 0, e, elen - 1);
  }
  CHECK_MSG(bad == 0, "%zu entries not found as keys", bad);
  CHECK(lx && lx->dict_max_parts == WORDS * 9 && lex_dict_count(lx) == LINES);
  lex_free(lx);
  free(text);
}

/* A stopword file that never ends (/dev/zero) fails at once on its first byte with a message, in a
 * child process whose address space is held to 256 MiB more than it has: the file is read a line
 * at a time, never whole. (Skipped under AddressSanitizer, which needs terabytes of address
 * space.) */
static void test_endless_file(void) {
#if defined(__SANITIZE_ADDRESS__)
  printf("skipping the /dev/zero check under AddressSanitizer\n");
  return;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
  printf("skipping the /dev/zero check under AddressSanitizer\n");
  return;
#endif
#endif
  topics_status st;
  lex *lx = lex_new(&st);
  CHECK(lx != NULL);
  if (!lx) return;
  fflush(NULL);
  pid_t pid = fork();
  CHECK(pid >= 0);
  if (pid == 0) {
    unsigned long pages = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (!f || fscanf(f, "%lu", &pages) != 1) _exit(3);
    fclose(f);
    struct rlimit rl = {(rlim_t)pages * (rlim_t)sysconf(_SC_PAGESIZE) + (256u << 20), RLIM_INFINITY};
    rl.rlim_max = rl.rlim_cur;
    if (setrlimit(RLIMIT_AS, &rl) != 0) _exit(3);
    char msg[512];
    topics_status got = load(lx, 0, "/dev/zero", msg, sizeof msg);
    int ok = got == TOPICS_EPARSE && contains(msg, "/dev/zero:1:") && contains(msg, "NUL");
    if (!ok) fprintf(stderr, "/dev/zero as a stopword file: status %d, message \"%s\"\n", got, msg);
    _exit(ok ? 0 : 1);
  }
  int ws = 0;
  CHECK(pid > 0 && waitpid(pid, &ws, 0) == pid);
  CHECK_MSG(WIFEXITED(ws) && WEXITSTATUS(ws) == 0, "child status %d", ws);
  lex_free(lx);
}

int main(void) {
  if (!mkdtemp(tmpdir)) {
    fprintf(stderr, "cannot make a temporary directory\n");
    return 1;
  }
  topics_status st;
  lex *lx = lex_new(&st);
  CHECK(lx && st == TOPICS_OK);
  if (!lx) return check_done();

  /* English function words, contractions (both apostrophes normalise to ASCII) and filler. */
  const char *en_stop[] = {"the", "and", "of", "is", "we", "their", "would", "don't", "it's",
                           "because", "talk", "slides", "speaker"};
  for (size_t i = 0; i < sizeof en_stop / sizeof *en_stop; i++)
    CHECK_MSG(is_stop(lx, en_stop[i]), "%s should be a stopword", en_stop[i]);
  /* Content words stay. */
  const char *content[] = {"system", "data", "problem", "python", "deployment", "management",
                           "test", "learning", "web", "database", "security"};
  for (size_t i = 0; i < sizeof content / sizeof *content; i++)
    CHECK_MSG(!is_stop(lx, content[i]), "%s must not be a stopword", content[i]);

  /* Chinese function words in both scripts. */
  const char *zh_stop[] = {"的", "們", "们", "我們", "我们", "與", "与", "會", "会", "讓", "让",
                           "這", "这", "個", "个", "是", "在", "了", "就", "都", "而", "及",
                           "也", "可以", "一個", "一个", "什麼", "什么", "為什麼", "为什么"};
  for (size_t i = 0; i < sizeof zh_stop / sizeof *zh_stop; i++)
    CHECK_MSG(is_stop(lx, zh_stop[i]), "%s should be a stopword", zh_stop[i]);
  const char *zh_content[] = {"資料", "资料", "系統", "系统", "問題", "问题", "機器", "學習",
                              "美妙", "部署"};
  for (size_t i = 0; i < sizeof zh_content / sizeof *zh_content; i++)
    CHECK_MSG(!is_stop(lx, zh_content[i]), "%s must not be a stopword", zh_content[i]);

  /* The built-in Chinese list is stored without folding, so it must already hold the Simplified
   * form of each of its Traditional entries. */
  norm_han *h = norm_han_new(&st);
  const char *zh = (const char *)stopwords_zh;
  size_t nzh = 0;
  for (size_t i = 0; h && i < stopwords_zh_len;) {
    size_t e = i;
    while (e < stopwords_zh_len && zh[e] != '\n') e++;
    if (e > i && zh[i] != '#') {
      const char *f;
      size_t flen;
      CHECK(norm_han_fold(h, zh + i, e - i, &f, &flen) == TOPICS_OK);
      CHECK_MSG(lex_is_stopword(lx, f, flen), "the fold of %.*s (%.*s) is not in zh.txt",
                (int)(e - i), zh + i, (int)flen, f);
      nzh++;
    }
    i = e + 1;
  }
  CHECK(nzh > 250);
  norm_han_free(h);

  /* Single stopwords: normalised (case, full width) and stored in both Han forms. */
  CHECK(lex_add_stopword(lx, "ＷＯＲＫＳＨＯＰ", strlen("ＷＯＲＫＳＨＯＰ")) == TOPICS_OK);
  CHECK(is_stop(lx, "workshop"));
  CHECK(lex_add_stopword(lx, "議題", strlen("議題")) == TOPICS_OK);
  CHECK(is_stop(lx, "議題") && is_stop(lx, "议题"));
  CHECK(lex_add_stopword(lx, "   ", 3) == TOPICS_OK); /* blank: ignored */
  CHECK(!is_stop(lx, ""));

  /* A stopword file: comments, blank lines, CRLF and CR line ends, a byte order mark, "C#". */
  char msg[1024];
  const char good[] = "\xEF\xBB\xBF# extra words\r\nkeynote\r\n\r\n  lightning   # trailing\rC#\n議程表\n";
  const char *p = write_file("good.txt", good, sizeof good - 1);
  CHECK(load(lx, 0, p, msg, sizeof msg) == TOPICS_OK);
  CHECK_MSG(msg[0] == '\0', "unexpected message: %s", msg);
  CHECK(is_stop(lx, "keynote") && is_stop(lx, "lightning") && is_stop(lx, "c#"));
  CHECK(is_stop(lx, "议程表") && !is_stop(lx, "#"));

  /* Malformed files name the file and line and give TOPICS_EPARSE. */
  const char bad_utf8[] = "fine\nalso fine\nbad \xC3\x28 byte\n";
  p = write_file("bad-utf8.txt", bad_utf8, sizeof bad_utf8 - 1);
  CHECK(load(lx, 0, p, msg, sizeof msg) == TOPICS_EPARSE);
  CHECK_MSG(contains(msg, "bad-utf8.txt:3:") && contains(msg, "UTF-8"), "message: %s", msg);

  const char nul[] = "one\ntwo\0three\n";
  p = write_file("nul.txt", nul, sizeof nul - 1);
  CHECK(load(lx, 1, p, msg, sizeof msg) == TOPICS_EPARSE);
  CHECK_MSG(contains(msg, "nul.txt:2:") && contains(msg, "NUL"), "message: %s", msg);

  char longline[LEX_MAX_LINE + 20];
  memcpy(longline, "ok\r\n", 4);
  memset(longline + 4, 'x', LEX_MAX_LINE + 10);
  longline[LEX_MAX_LINE + 14] = '\n';
  p = write_file("long.txt", longline, LEX_MAX_LINE + 15);
  CHECK(load(lx, 0, p, msg, sizeof msg) == TOPICS_EPARSE);
  CHECK_MSG(contains(msg, "long.txt:2:") && contains(msg, "1024"), "message: %s", msg);

  /* A line of exactly the limit is fine. */
  p = write_file("limit.txt", longline + 4, LEX_MAX_LINE);
  CHECK(load(lx, 0, p, msg, sizeof msg) == TOPICS_OK);

  char missing[300];
  snprintf(missing, sizeof missing, "%s/missing.txt", tmpdir);
  CHECK(load(lx, 1, missing, msg, sizeof msg) == TOPICS_EIO);
  CHECK_MSG(contains(msg, "missing.txt") && contains(msg, "cannot open"), "message: %s", msg);

  /* Dictionary entries: keys normalised and joined, stored unfolded and folded, with prefixes. */
  const char dict[] = "Machine  Learning\n機器學習\nＰｙＣｏｎ APAC # the conference\n\n";
  p = write_file("dict.txt", dict, sizeof dict - 1);
  size_t nkeys = lex_dict_count(lx); /* "one", from the file that failed at its NUL byte */
  CHECK(load(lx, 1, p, msg, sizeof msg) == TOPICS_OK);
  CHECK(lex_dict_has(lx, 0, "machine learning", 16));
  CHECK(lex_dict_has(lx, 0, "pycon apac", 10));
  CHECK(lex_dict_has(lx, 0, "機器學習", strlen("機器學習")));
  CHECK(!lex_dict_has(lx, 0, "机器学习", strlen("机器学习")));
  CHECK(lex_dict_has(lx, 1, "机器学习", strlen("机器学习")));
  CHECK(lex_dict_starts(lx, 1, "机器", strlen("机器")));
  CHECK(!lex_dict_starts(lx, 0, "机器", strlen("机器")));
  CHECK(lex_dict_starts(lx, 0, "machine", 7) && lex_dict_starts(lx, 0, "machine learning", 16));
  CHECK(!lex_dict_has(lx, 0, "machine", 7));
  CHECK(!lex_dict_starts(lx, 0, "machine learning x", 18) && !lex_dict_starts(lx, 0, "mad", 3));
  CHECK(lx->dict_max_parts == 15); /* "machinelearning" without its space */
  CHECK(lex_dict_count(lx) == nkeys + 3);
  CHECK(lex_add_dict_entry(lx, "", 0) == TOPICS_OK);
  CHECK(lex_dict_count(lx) == nkeys + 3);

  /* Keys are kept sorted: entries added in any order, repeats once, every prefix found. */
  const char *more[] = {"pycon", "py", "pycon apac", "zz top", "a"};
  for (size_t i = 0; i < sizeof more / sizeof *more; i++)
    CHECK(lex_add_dict_entry(lx, more[i], strlen(more[i])) == TOPICS_OK);
  CHECK(lex_dict_count(lx) == nkeys + 7);
  const char *keys[] = {"a", "py", "pycon", "pycon apac", "zz top", "machine learning"};
  for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
    size_t kl = strlen(keys[i]);
    CHECK_MSG(lex_dict_has(lx, 0, keys[i], kl) && lex_dict_has(lx, 1, keys[i], kl),
              "%s should be a key", keys[i]);
    for (size_t j = 1; j <= kl; j++)
      CHECK_MSG(lex_dict_starts(lx, 0, keys[i], j), "%.*s starts a key", (int)j, keys[i]);
  }
  CHECK(!lex_dict_has(lx, 0, "pyc", 3) && !lex_dict_starts(lx, 0, "pyx", 3));

  /* An entry that NFKC lengthens past the limit (U+FDFA is 18 characters once normalised). */
  char lig[3 * 300 + 1];
  for (int i = 0; i < 300; i++) memcpy(lig + 3 * i, "\xEF\xB7\xBA", 3);
  lig[900] = '\n';
  p = write_file("expands.txt", lig, sizeof lig);
  CHECK(load(lx, 1, p, msg, sizeof msg) == TOPICS_ELIMIT);
  CHECK_MSG(contains(msg, "expands.txt:1:") && contains(msg, "normalised"), "message: %s", msg);

  lex_free(lx);
  lex_free(NULL);
  test_long_entries();
  test_endless_file();
  const char *names[] = {"good.txt", "bad-utf8.txt", "nul.txt", "long.txt", "limit.txt",
                         "dict.txt", "expands.txt", "long-entries.txt"};
  for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
    char path[300];
    snprintf(path, sizeof path, "%s/%s", tmpdir, names[i]);
    unlink(path);
  }
  rmdir(tmpdir);
  return check_done();
}
