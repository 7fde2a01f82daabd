/* Fuzz target for the term stage: tok_raw and tok_terms on arbitrary bytes, both repaired (as the
 * reader hands text over) and unrepaired (tokenizer.h promises no crash on ill-formed input).
 * Checks the invariants that do not depend on the segmentation itself: tok_raw's words are in
 * order, do not overlap and lie inside the text, and every term id is a valid entry. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/utf8.h"
#include "tokenize/lexicon.h"
#include "tokenize/tokenizer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static lex *fz_lex;
static tok *fz_tok[2]; /* Han fold on and off */

typedef struct fz_walk {
  size_t len, end;
} fz_walk;

static int fz_word(void *ud, size_t start, size_t len) {
  fz_walk *w = ud;
  if (start < w->end || len == 0 || start + len > w->len) abort();
  w->end = start + len;
  return 0;
}

static void fz_run(tok *t, const char *text, size_t len) {
  fz_walk w = {len, 0};
  if (tok_raw(t, text, len, fz_word, &w) != TOPICS_OK) return;
  uint32_t *ids = NULL;
  size_t n = 0, cap = 0;
  if (tok_terms(t, text, len, &ids, &n, &cap) == TOPICS_OK) {
    for (size_t i = 0; i < n; i++) {
      if (ids[i] >= tok_entry_count(t)) abort();
      size_t tl, sl;
      const char *term = tok_entry_term(t, ids[i], &tl);
      const char *surf = tok_entry_surface(t, ids[i], &sl);
      if (!term || !surf || strlen(term) != tl || tl == 0) abort();
    }
  }
  free(ids);
}

static void fz_init(void) {
  topics_status st;
  fz_lex = lex_new(&st);
  if (!fz_lex) abort();
  static const char *dict[] = {"machine learning", "機器學習", "PyCon APAC", "C++", "a b c d"};
  for (size_t i = 0; i < sizeof dict / sizeof *dict; i++)
    lex_add_dict_entry(fz_lex, dict[i], strlen(dict[i]));
  for (int f = 0; f < 2; f++) {
    tok_options o = {f};
    fz_tok[f] = tok_new(fz_lex, &o, &st);
    if (!fz_tok[f]) abort();
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!fz_lex) fz_init();
  char *fixed;
  size_t flen;
  if (utf8_repair((const char *)data, size, &fixed, &flen, NULL) != TOPICS_OK) return 0;
  fz_run(fz_tok[size & 1], fixed, flen);
  free(fixed);
  /* Unrepaired, from an exact-size copy so reads past the end are caught. */
  char *copy = malloc(size ? size : 1);
  if (!copy) return 0;
  memcpy(copy, data, size);
  fz_run(fz_tok[(size >> 1) & 1], copy, size);
  free(copy);
  return 0;
}
