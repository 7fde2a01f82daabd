/* CoNLL-U gold words and span F1 for the segmenter's accuracy tests and benchmark. */
#include "tokenize/seg_eval.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/mem.h"
#include "tokenize/seg_int.h"

void seg_gold_free(seg_gold *g) {
  if (!g) return;
  free(g->text);
  free(g->off);
  free(g->len);
  free(g->words);
  free(g->first);
  memset(g, 0, sizeof *g);
}

static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  char *buf = NULL;
  size_t n = 0, cap = 0;
  for (;;) {
    if (MEM_RESERVE(buf, cap, n + 65536 + 1) != TOPICS_OK) {
      free(buf);
      fclose(f);
      return NULL;
    }
    size_t k = fread(buf + n, 1, cap - n - 1, f);
    n += k;
    if (k == 0) break;
  }
  fclose(f);
  buf[n] = '\0';
  *len = n;
  return buf;
}

static int is_ws(unsigned char c) { return c == ' ' || (c >= 9 && c <= 13); }

topics_status seg_gold_load(const char *path, seg_gold *g) {
  memset(g, 0, sizeof *g);
  size_t flen;
  char *file = slurp(path, &flen);
  if (!file) return TOPICS_EIO;
  /* The sentence texts are copied into g->text; gold words point into that copy. */
  size_t tcap = 0, tn = 0, scap = 0, wcap = 0, fcap = 0, nw = 0, lcap = 0;
  topics_status st = TOPICS_OK;
  size_t cur_text = 0, cur_len = 0, pos = 0, first_w = 0;
  int have = 0, bad = 0;
  char *p = file, *end = file + flen;
  while (p < end && st == TOPICS_OK) {
    char *nl = memchr(p, '\n', (size_t)(end - p));
    char *le = nl ? nl : end;
    size_t ll = (size_t)(le - p);
    if (ll && p[ll - 1] == '\r') ll--;
    if (ll >= 9 && memcmp(p, "# text = ", 9) == 0) {
      size_t tl = ll - 9;
      if ((st = MEM_RESERVE(g->text, tcap, tn + tl + 1)) != TOPICS_OK) break;
      memcpy(g->text + tn, p + 9, tl);
      g->text[tn + tl] = '\0';
      cur_text = tn;
      cur_len = tl;
      tn += tl + 1;
      pos = 0;
      nw = first_w = g->first ? g->first[g->nsent] : 0;
      have = 1;
      bad = 0;
    } else if (ll == 0) {
      if (have) {
        while (pos < cur_len && is_ws((unsigned char)g->text[cur_text + pos])) pos++;
        if (bad || pos != cur_len || nw == first_w) {
          g->skipped++;
        } else {
          if ((st = MEM_RESERVE(g->off, scap, g->nsent + 1)) != TOPICS_OK) break;
          if ((st = MEM_RESERVE(g->len, lcap, g->nsent + 1)) != TOPICS_OK) break;
          g->off[g->nsent] = cur_text;
          g->len[g->nsent] = cur_len;
          g->nsent++;
          if ((st = MEM_RESERVE(g->first, fcap, g->nsent + 1)) != TOPICS_OK) break;
          if (g->nsent == 1) g->first[0] = 0;
          g->first[g->nsent] = nw;
        }
      }
      have = 0;
    } else if (have && p[0] >= '0' && p[0] <= '9') {
      /* ID \t FORM \t ...; ranges (1-2) and empty nodes (1.1) are skipped. */
      char *tab = memchr(p, '\t', ll);
      char *id_end = tab ? tab : p + ll;
      int plain = 1;
      for (char *q = p; q < id_end; q++)
        if (*q < '0' || *q > '9') plain = 0;
      if (tab && plain) {
        char *form = tab + 1;
        char *tab2 = memchr(form, '\t', (size_t)(p + ll - form));
        size_t fl = tab2 ? (size_t)(tab2 - form) : (size_t)(p + ll - form);
        const char *t = g->text + cur_text;
        while (pos < cur_len && is_ws((unsigned char)t[pos])) pos++;
        if (!bad && fl && pos + fl <= cur_len && memcmp(t + pos, form, fl) == 0) {
          if ((st = MEM_RESERVE(g->words, wcap, nw + 1)) != TOPICS_OK) break;
          g->words[nw].start = pos;
          g->words[nw].len = fl;
          g->words[nw].kind = SEG_WORD;
          g->words[nw].glued = 0;
          nw++;
          pos += fl;
        } else {
          bad = 1;
        }
      }
    }
    p = nl ? nl + 1 : end;
  }
  free(file);
  if (st == TOPICS_OK && !g->first) {
    if ((st = MEM_RESERVE(g->first, fcap, 1)) == TOPICS_OK) g->first[0] = 0;
  }
  if (st != TOPICS_OK) seg_gold_free(g);
  return st;
}

void seg_score_add(seg_score *sc, const seg_span *gold, size_t ngold, const seg_span *pred,
                   size_t npred) {
  size_t i = 0, j = 0;
  sc->gold += ngold;
  sc->pred += npred;
  while (i < ngold && j < npred) {
    if (gold[i].start == pred[j].start) {
      if (gold[i].len == pred[j].len) sc->correct++;
      i++;
      j++;
    } else if (gold[i].start < pred[j].start) {
      i++;
    } else {
      j++;
    }
  }
}

double seg_score_f1(const seg_score *sc) {
  if (!sc->gold || !sc->pred || !sc->correct) return 0.0;
  double p = (double)sc->correct / (double)sc->pred, r = (double)sc->correct / (double)sc->gold;
  return 2 * p * r / (p + r);
}

topics_status seg_gold_score(segmenter *s, const seg_gold *g, int raw, seg_score *sc) {
  seg_span *sp = NULL;
  size_t n, cap = 0;
  topics_status st = TOPICS_OK;
  for (size_t i = 0; i < g->nsent && st == TOPICS_OK; i++) {
    const char *t = g->text + g->off[i];
    n = 0;
    st = raw ? seg_icu_spans(s, t, 0, g->len[i], &sp, &n, &cap, 0)
             : seg_run(s, t, g->len[i], &sp, &n, &cap);
    if (st == TOPICS_OK)
      seg_score_add(sc, g->words + g->first[i], g->first[i + 1] - g->first[i], sp, n);
  }
  free(sp);
  return st;
}
