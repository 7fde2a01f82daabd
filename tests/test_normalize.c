/* Normalisation: NFKC + case folding (utf8proc), the Traditional -> Simplified Han fold (ICU), and
 * the dictionary key joiner. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "tokenize/lexicon_int.h"
#include "tokenize/normalize.h"

/* norm_text of s as a malloc'd string ("" on failure, so CHECK_STREQ reports it). */
static char *norm(const char *s) {
  char *out;
  size_t len;
  if (norm_text(s, strlen(s), &out, &len) != TOPICS_OK) return strdup("(failed)");
  CHECK(strlen(out) == len);
  return out;
}

static void check_norm(const char *in, const char *want) {
  char *got = norm(in);
  CHECK_STREQ(got, want);
  free(got);
}

static void check_fold(norm_han *h, const char *in, const char *want) {
  const char *out;
  size_t len;
  CHECK(norm_han_fold(h, in, strlen(in), &out, &len) == TOPICS_OK);
  char *copy = strndup(out, len);
  CHECK_STREQ(copy, want);
  free(copy);
}

static void check_join(const char *in, const char *want) {
  char *out;
  size_t len;
  CHECK(lex_join_key(in, strlen(in), &out, &len) == TOPICS_OK);
  CHECK_STREQ(out, want);
  CHECK(strlen(out) == len);
  free(out);
}

int main(void) {
  /* Full-width Latin and digits become ASCII, then lower case. */
  check_norm("ＰｙＣｏｎ", "pycon");
  check_norm("ＡＰＡＣ２０１５", "apac2015");
  /* Case folding beyond ASCII. */
  check_norm("Straße", "strasse");
  check_norm("ÉCOLE", "école");
  check_norm("ΣΟΦΙΑ", "σοφια");
  /* Compatibility characters: ligatures, circled and super-script digits, units, half-width kana. */
  check_norm("ﬁnal", "final");
  check_norm("①", "1");
  check_norm("x²", "x2");
  check_norm("㎏", "kg");
  check_norm("ｶﾀｶﾅ", "カタカナ");
  /* Decomposed input composes (NFC part of NFKC). */
  check_norm("cafe\xCC\x81", "café");
  /* The typographic apostrophe becomes ASCII, so "don’t" meets the stopword "don't". */
  check_norm("Don\xE2\x80\x99t", "don't");
  /* Default-ignorable characters (soft hyphen, zero-width joiner) vanish. */
  check_norm("data\xC2\xAD" "base", "database");
  /* Han is untouched by NFKC (no Traditional -> Simplified here). */
  check_norm("資料", "資料");
  /* Ill-formed UTF-8 is repaired, never rejected. */
  check_norm("ab\xFF\xC3", "ab\xEF\xBF\xBD\xEF\xBF\xBD");
  check_norm("", "");

  CHECK(norm_has_han("tool 資料", strlen("tool 資料")));
  CHECK(!norm_has_han("tool カタカナ", strlen("tool カタカナ")));
  CHECK(norm_is_cjk(0x8CC7) && norm_is_cjk(0x30AB) && !norm_is_cjk('a') && !norm_is_cjk(0xE9));
  /* counts, amounts and dates are not what a talk is about; words that merely start with a
   * numeral are */
  const char *quantities[] = {"一次", "十個", "兩年前", "1998年", "三天", "一萬", "幾次", "２０２４年", "半天", "十多"};
  for (size_t i = 0; i < sizeof quantities / sizeof *quantities; i++)
    CHECK_MSG(norm_is_quantity(quantities[i], strlen(quantities[i])), "%s", quantities[i]);
  const char *words[] = {"三明治", "一致性", "百度", "三國", "開一萬", "2024", "v8", "一次性", "十年磨一劍", ""};
  for (size_t i = 0; i < sizeof words / sizeof *words; i++)
    CHECK_MSG(!norm_is_quantity(words[i], strlen(words[i])), "%s", words[i]);
  CHECK(norm_first_cp("資料", 6) == 0x8CC7 && norm_last_cp("資料", 6) == 0x6599);
  CHECK(norm_last_cp("ab", 2) == 'b' && norm_first_cp("", 0) == 0);

  topics_status st;
  norm_han *h = norm_han_new(&st);
  CHECK(h && st == TOPICS_OK);
  if (h) {
    check_fold(h, "資料", "资料");
    check_fold(h, "资料", "资料");
    check_fold(h, "機器學習", "机器学习");
    check_fold(h, "我們會讓這個系統與資料庫一起", "我们会让这个系统与资料库一起");
    check_fold(h, "Python 資料分析 2015", "Python 资料分析 2015");
    /* Text without Han comes back as the same pointer: no ICU call. */
    const char *in = "deployment", *out;
    size_t len;
    CHECK(norm_han_fold(h, in, strlen(in), &out, &len) == TOPICS_OK && out == in && len == 10);
    /* Long input grows the scratch buffers. */
    char big[3 * 2000 + 1];
    for (int i = 0; i < 2000; i++) memcpy(big + 3 * i, "們", 3);
    big[6000] = '\0';
    CHECK(norm_han_fold(h, big, 6000, &out, &len) == TOPICS_OK && len == 6000 &&
          memcmp(out, "们", 3) == 0 && memcmp(out + 5997, "们", 3) == 0);
  }
  norm_han_free(h);
  norm_han_free(NULL);

  /* Dictionary keys: one space between Latin parts, none next to CJK. */
  check_join("machine   learning", "machine learning");
  check_join("  pycon\tapac ", "pycon apac");
  check_join("機器 學習", "機器學習");
  check_join("pycon 台灣", "pycon台灣");
  check_join("c++", "c++");
  check_join(" \t ", "");
  return check_done();
}
