/* The hand-segmented news sentences of tests/data/news_pku.txt (Simplified Chinese, Peking
 * University conventions) as a floor for `topics segment --raw`: the file is well formed and holds
 * at least 200 sentences; the command, given all of them as one file, prints every character of
 * each sentence on its own line; and its F1 against the gold words stays at or above a floor set
 * a little under the value measured when the floor was set, and above raw ICU's F1 on the same
 * sentences. Needs nothing from ../shared. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/check.h"
#include "tests/test_util.h"
#include "tokenize/seg_eval.h"
#include "tokenize/seg_words.h"
#include "tokenize/segmenter.h"

/* Measured 0.8330 with Debian's rime-essay word list and 0.7996 without it (bench/segf1,
 * TOPICS_RIME_ESSAY=none); the margins leave room for convention-neutral changes. */
#define NEWS_PKU_F1_FLOOR 0.815
#define NEWS_PKU_F1_FLOOR_NO_LIST 0.785

/* Gold sentences: the text of each (its words written together) in one block, and its words as
 * byte spans of that text, laid out as seg_gold_score reads them. */
typedef struct gold_set {
  seg_gold g;
  size_t wcap, scap;
} gold_set;

static int push_word(gold_set *gs, size_t start, size_t len) {
  if (gs->g.first[gs->g.nsent + 1] >= gs->wcap) {
    size_t cap = gs->wcap ? 2 * gs->wcap : 1024;
    seg_span *w = realloc(gs->g.words, cap * sizeof *w);
    if (!w) return -1;
    gs->g.words = w;
    gs->wcap = cap;
  }
  seg_span *w = &gs->g.words[gs->g.first[gs->g.nsent + 1]++];
  memset(w, 0, sizeof *w);
  w->start = start;
  w->len = len;
  return 0;
}

static int grow_sentences(gold_set *gs) {
  if (gs->g.nsent + 2 <= gs->scap) return 0;
  size_t cap = gs->scap ? 2 * gs->scap : 256;
  size_t *off = realloc(gs->g.off, cap * sizeof *off);
  if (off) gs->g.off = off;
  size_t *len = realloc(gs->g.len, cap * sizeof *len);
  if (len) gs->g.len = len;
  size_t *first = realloc(gs->g.first, cap * sizeof *first);
  if (first) gs->g.first = first;
  if (!off || !len || !first) return -1;
  gs->scap = cap;
  return 0;
}

/* Parses data (one sentence a line, words separated by single spaces) into gs; the text block
 * reuses data's bytes with the spaces squeezed out. Counts malformed lines in *bad. */
static int parse_gold(char *data, gold_set *gs, size_t *bad) {
  memset(gs, 0, sizeof *gs);
  *bad = 0;
  gs->g.text = data;
  if (grow_sentences(gs) != 0) return -1;
  gs->g.first[0] = 0;
  size_t o = 0;
  for (char *p = data; *p;) {
    char *eol = strchr(p, '\n');
    size_t n = eol ? (size_t)(eol - p) : strlen(p);
    if (n == 0) {
      (*bad)++;
      p += eol ? 1 : 0;
      if (!eol) break;
      continue;
    }
    if (p[0] == ' ' || p[n - 1] == ' ' || memchr(p, '\t', n) || memchr(p, '\r', n)) (*bad)++;
    if (grow_sentences(gs) != 0) return -1;
    size_t base = o, wstart = o;
    gs->g.first[gs->g.nsent + 1] = gs->g.first[gs->g.nsent];
    for (size_t i = 0; i <= n; i++) {
      if (i == n || p[i] == ' ') {
        if (o > wstart) {
          if (push_word(gs, wstart - base, o - wstart) != 0) return -1;
        } else if (i < n) {
          (*bad)++; /* two spaces in a row */
        }
        wstart = o;
      } else {
        data[o++] = p[i]; /* o never passes p + i: the text only shrinks */
      }
    }
    data[o++] = '\0';
    gs->g.off[gs->g.nsent] = base;
    gs->g.len[gs->g.nsent] = o - 1 - base;
    gs->g.nsent++;
    if (!eol) break;
    p = eol + 1;
  }
  return 0;
}

static void free_gold(gold_set *gs) {
  free(gs->g.off);
  free(gs->g.len);
  free(gs->g.first);
  free(gs->g.words);
}

/* Writes the sentences' texts, one a line, to a new temporary file; its path goes to path. */
static int write_texts(const gold_set *gs, char *path, size_t cap) {
  const char *dir = getenv("TMPDIR");
  if (snprintf(path, cap, "%s/topics-news-pku-XXXXXX", dir && *dir ? dir : "/tmp") >= (int)cap)
    return -1;
  int fd = mkstemp(path);
  if (fd < 0) return -1;
  FILE *f = fdopen(fd, "w");
  if (!f) {
    close(fd);
    return -1;
  }
  for (size_t i = 0; i < gs->g.nsent; i++)
    fprintf(f, "%s\n", gs->g.text + gs->g.off[i]);
  return fclose(f) == 0 ? 0 : -1;
}

/* Scores the output of `topics segment --raw` (one line per sentence) against gs. Lines whose
 * words do not spell their sentence count in *mismatched and score nothing. */
static int score_output(const gold_set *gs, const char *out, seg_score *sc, size_t *mismatched) {
  seg_span *sp = NULL;
  size_t cap = 0;
  *mismatched = 0;
  const char *p = out;
  for (size_t i = 0; i < gs->g.nsent; i++) {
    const char *text = gs->g.text + gs->g.off[i];
    size_t tl = gs->g.len[i], n = 0, t = 0;
    const char *eol = p ? strchr(p, '\n') : NULL;
    int ok = eol != NULL;
    for (const char *q = p; ok && q < eol;) {
      while (q < eol && *q == ' ') q++;
      const char *w = q;
      while (q < eol && *q != ' ') q++;
      size_t wl = (size_t)(q - w);
      if (wl == 0) break;
      if (t + wl > tl || memcmp(text + t, w, wl) != 0) {
        ok = 0;
        break;
      }
      if (n >= cap) {
        size_t nc = cap ? 2 * cap : 64;
        seg_span *ns = realloc(sp, nc * sizeof *ns);
        if (!ns) {
          free(sp);
          return -1;
        }
        sp = ns;
        cap = nc;
      }
      memset(&sp[n], 0, sizeof sp[n]);
      sp[n].start = t;
      sp[n].len = wl;
      n++;
      t += wl;
    }
    if (ok && t == tl) {
      seg_score_add(sc, gs->g.words + gs->g.first[i], gs->g.first[i + 1] - gs->g.first[i], sp, n);
    } else {
      (*mismatched)++;
      sc->gold += gs->g.first[i + 1] - gs->g.first[i];
    }
    p = eol ? eol + 1 : NULL;
  }
  free(sp);
  return 0;
}

int main(void) {
  const char *data_path = TOPICS_SOURCE_DIR "/tests/data/news_pku.txt";
  char *data = tu_slurp(data_path, NULL);
  CHECK_MSG(data != NULL, "cannot read %s", data_path);
  if (!data) return check_done();
  gold_set gs;
  size_t bad = 0;
  CHECK(parse_gold(data, &gs, &bad) == 0);
  CHECK_MSG(bad == 0, "%zu malformed lines in %s (empty, tabs, or spaces not single)", bad,
            data_path);
  CHECK_MSG(gs.g.nsent >= 200, "only %zu sentences", gs.g.nsent);

  char tmp[4096];
  CHECK(write_texts(&gs, tmp, sizeof tmp) == 0);
  char cmd[8192];
  snprintf(cmd, sizeof cmd, "'%s' segment --raw -t 1 '%s'", TOPICS_BINARY, tmp);
  FILE *pipe = popen(cmd, "r");
  char *out = pipe ? tu_read_all(pipe, NULL) : NULL;
  int rc = pipe ? pclose(pipe) : -1;
  remove(tmp);
  CHECK_MSG(out != NULL && rc == 0, "`%s` failed (%d)", cmd, rc);

  seg_score ours = {0, 0, 0}, icu = {0, 0, 0};
  size_t mismatched = 0;
  if (out) CHECK(score_output(&gs, out, &ours, &mismatched) == 0);
  CHECK_MSG(mismatched == 0, "%zu output lines do not spell their sentence", mismatched);

  topics_status st;
  segmenter *s = seg_new(&st);
  CHECK(s != NULL);
  if (s) CHECK(seg_gold_score(s, &gs.g, 1, &icu) == TOPICS_OK);
  double fo = seg_score_f1(&ours), fi = seg_score_f1(&icu);
  printf("news_pku (%zu sentences, %zu words): topics segment --raw F1 %.4f, raw ICU %.4f\n",
         gs.g.nsent, ours.gold, fo, fi);
  /* The command reads the list when it is installed and TOPICS_RIME_ESSAY does not say otherwise. */
  const char *env = getenv("TOPICS_RIME_ESSAY");
  int list = env ? *env && strcmp(env, "none") != 0 : access(SEG_WORDS_ESSAY, R_OK) == 0;
  double floor = list ? NEWS_PKU_F1_FLOOR : NEWS_PKU_F1_FLOOR_NO_LIST;
  CHECK_MSG(fo >= floor, "F1 %.4f is below the floor %.3f", fo, floor);
  CHECK_MSG(fo > fi, "F1 %.4f is not above raw ICU's %.4f", fo, fi);

  seg_free(s);
  free(out);
  free_gold(&gs);
  free(data);
  return check_done();
}
