/* `topics segment`: one output line per input line, holding either the terms the model counts or,
 * with --raw, the segmentation. Input is read in batches of whole lines; each batch is split into
 * one block per thread, every thread owning its own tok, and the blocks' output is written in input
 * order, so the result never depends on the thread count. Warnings are collected per block and
 * printed in order too. A line longer than a piece (1 MiB) is segmented in pieces cut at white
 * space, like the main reader does, and their words are joined on one output line: memory stays
 * bounded however long a line is. SIGINT and SIGTERM are polled between batches and pieces, so a
 * run stops within one piece's work. */
#include "pipeline/segment.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/diag.h"
#include "common/mem.h"
#include "common/utf8.h"
#include "pipeline/lines.h"
#include "tokenize/lexicon.h"
#include "tokenize/tokenizer.h"

#define SEG_MAX_THREADS 256
#define SEG_BLOCK ((size_t)1 << 20) /* bytes of input per thread per batch */
#define SEG_PIECE LINES_CHUNK        /* most bytes of one line segmented at once */

static volatile sig_atomic_t seg_stop;

static void seg_on_signal(int sig) {
  (void)sig;
  seg_stop = 1;
}

/* No SA_RESTART: a blocked read or write returns at once, and the loop sees seg_stop. */
static void seg_install_signals(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = seg_on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
}

static const char seg_usage[] =
    "usage: topics segment [--raw] [--dict FILE] [--stopwords FILE] [--no-fold-han] [-t N] "
    "[FILE...]\n";

static const char seg_help[] =
    "Segments text the way the topic model sees it; one output line per input line.\n"
    "Reads standard input when no FILE is given (or FILE is -).\n"
    "\n"
    "  --raw             print the segmentation: every non-space character, grouped into words\n"
    "  --dict FILE       user words and phrases, one per line (may be repeated)\n"
    "  --stopwords FILE  extra stopwords, one per line (may be repeated)\n"
    "  --no-fold-han     keep Traditional and Simplified Han apart\n"
    "  -t, --threads N   worker threads (1 to 256) [1]\n"
    "  -h, --help        print this help\n"
    "\n"
    "Without --raw, a term holding white space (a dictionary phrase) is printed with '_' for it.\n";

enum { W_UTF8 = 1, W_NUL = 2 };

typedef struct seg_warning {
  size_t line; /* 1-based within the block */
  int what;
} seg_warning;

typedef struct seg_block {
  char *text; /* whole lines, inside the batch buffer (modified in place: NUL -> space) */
  size_t len;
  int piece;  /* text is a piece of one line that goes on: no line end is output */
  size_t nlines;
  char *out;
  size_t outlen, outcap;
  seg_warning *warn;
  size_t nwarn, warncap;
  topics_status st;
} seg_block;

typedef struct seg_worker {
  tok *t;
  int raw;
  uint32_t *ids;
  size_t nids, idcap;
  seg_block *b;
  pthread_t th;
} seg_worker;

static topics_status out_put(seg_block *b, const char *s, size_t len) {
  size_t need;
  if (mem_add(b->outlen, len, &need) != TOPICS_OK || MEM_RESERVE(b->out, b->outcap, need) != TOPICS_OK)
    return TOPICS_ENOMEM;
  memcpy(b->out + b->outlen, s, len);
  b->outlen += len;
  return TOPICS_OK;
}

/* Length of the Unicode white-space character at s[0..len), 0 when it is something else. */
static size_t white_len(const unsigned char *s, size_t len) {
  if (s[0] == ' ' || (s[0] >= '\t' && s[0] <= '\r')) return 1;
  if (s[0] < 0xC2) return 0;
  unsigned cp;
  size_t n = utf8_decode(s, len, &cp);
  if (cp == 0x85 || cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) ||
      cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000)
    return n;
  return 0;
}

typedef struct raw_ctx {
  seg_block *b;
  const char *line;
  int first;
  topics_status st;
} raw_ctx;

static int raw_word(void *ud, size_t start, size_t len) {
  raw_ctx *c = ud;
  if (!c->first && (c->st = out_put(c->b, " ", 1)) != TOPICS_OK) return 1;
  c->first = 0;
  const unsigned char *p = (const unsigned char *)c->line + start;
  size_t i = 0, run = 0;
  /* Copy the word minus any white space a merged phrase holds. */
  while (i < len) {
    size_t w = white_len(p + i, len - i);
    if (!w) {
      i++;
      continue;
    }
    if ((c->st = out_put(c->b, (const char *)p + run, i - run)) != TOPICS_OK) return 1;
    i += w;
    run = i;
  }
  if ((c->st = out_put(c->b, (const char *)p + run, len - run)) != TOPICS_OK) return 1;
  return 0;
}

static topics_status add_warning(seg_block *b, size_t line, int what) {
  if (MEM_RESERVE(b->warn, b->warncap, b->nwarn + 1) != TOPICS_OK) return TOPICS_ENOMEM;
  b->warn[b->nwarn].line = line;
  b->warn[b->nwarn].what = what;
  b->nwarn++;
  return TOPICS_OK;
}

/* Segments one line (without its line end) into the block's output. */
static topics_status do_line(seg_worker *w, char *line, size_t len, size_t lineno) {
  seg_block *b = w->b;
  topics_status st;
  char *nul = memchr(line, '\0', len);
  if (nul) {
    for (char *p = nul; p < line + len; p++)
      if (*p == '\0') *p = ' ';
    if ((st = add_warning(b, lineno, W_NUL)) != TOPICS_OK) return st;
  }
  char *fixed = NULL;
  if (utf8_valid_prefix(line, len) != len) {
    size_t flen;
    if ((st = utf8_repair(line, len, &fixed, &flen, NULL)) != TOPICS_OK) return st;
    line = fixed;
    len = flen;
    if ((st = add_warning(b, lineno, W_UTF8)) != TOPICS_OK) goto done;
  }
  if (w->raw) {
    raw_ctx c = {b, line, 1, TOPICS_OK};
    st = tok_raw(w->t, line, len, raw_word, &c);
    if (st == TOPICS_OK) st = c.st;
  } else {
    w->nids = 0;
    st = tok_terms(w->t, line, len, &w->ids, &w->nids, &w->idcap);
    for (size_t i = 0; st == TOPICS_OK && i < w->nids; i++) {
      size_t tl;
      const char *term = tok_entry_term(w->t, w->ids[i], &tl);
      if (i > 0 && (st = out_put(b, " ", 1)) != TOPICS_OK) break;
      size_t at = b->outlen;
      if ((st = out_put(b, term, tl)) != TOPICS_OK) break;
      for (size_t k = at; k < b->outlen; k++)
        if (b->out[k] == ' ') b->out[k] = '_';
    }
  }
  if (st == TOPICS_OK && !b->piece) st = out_put(b, "\n", 1);
done:
  free(fixed);
  return st;
}

static void *run_block(void *arg) {
  seg_worker *w = arg;
  seg_block *b = w->b;
  char *p = b->text, *end = b->text + b->len;
  size_t lineno = 0;
  b->st = TOPICS_OK;
  while (p < end && b->st == TOPICS_OK) {
    char *e = p;
    while (e < end && !b->piece && *e != '\n' && *e != '\r') e++;
    if (b->piece) e = end;
    lineno++;
    b->st = do_line(w, p, (size_t)(e - p), lineno);
    if (e < end && *e == '\r' && e + 1 < end && e[1] == '\n') e++;
    p = e < end ? e + 1 : end;
  }
  b->nlines = lineno;
  return NULL;
}

/* End of the last complete line in buf[0..len) (just past its line end); at_eof makes the rest a
 * line too. A CR as the last byte may be the first half of a CRLF, so it waits for more input. */
static size_t complete_lines(const char *buf, size_t len, int at_eof) {
  if (at_eof) return len;
  size_t i = len;
  while (i > 0) {
    char c = buf[i - 1];
    if (c == '\n' || (c == '\r' && i < len)) return i;
    i--;
  }
  return 0;
}

/* Where to cut buf[from..to) so the first part is about `want` bytes of whole lines. */
static size_t cut_after_line(const char *buf, size_t from, size_t to, size_t want) {
  if (to - from <= want) return to;
  size_t i = from + want;
  while (i < to && buf[i - 1] != '\n' && buf[i - 1] != '\r') i++;
  if (i < to && buf[i - 1] == '\r' && buf[i] == '\n') i++;
  return i;
}

typedef struct seg_run_state {
  tok_cache *cache; /* shared by the workers' toks */
  seg_worker *workers;
  int nthreads;
  seg_block *blocks;
  /* A line cut into pieces: its output line is open (no line end yet), holding words or not. */
  int open, open_words;
  /* The last warning printed, so that a line cut into pieces is warned about once. */
  long warn_line;
  int warn_what;
  int out_failed; /* writing to standard output failed (reported once) */
} seg_run_state;

/* Writes out[0..n) to standard output; 1 after reporting a failure (once). */
static int put_stdout(seg_run_state *rs, const char *out, size_t n) {
  if (rs->out_failed) return 1;
  if (n && fwrite(out, 1, n, stdout) != n) {
    if (!seg_stop) diag_error("standard output", 0, "cannot write: %s", strerror(errno));
    rs->out_failed = 1;
    return 1;
  }
  return 0;
}

/* Segments buf[0..len) (whole lines; with piece, a piece of one line that goes on) and writes the
 * output; *line is the number of complete lines of this input before buf. Returns 0, or 1 after
 * printing an error. */
static int do_batch(seg_run_state *rs, const char *name, char *buf, size_t len, int piece,
                    size_t *line) {
  int nb = 0;
  int nthreads = piece ? 1 : rs->nthreads;
  size_t pos = 0, per = len / (size_t)nthreads + 1;
  while (pos < len && nb < nthreads) {
    size_t e = nb == nthreads - 1 ? len : cut_after_line(buf, pos, len, per);
    seg_block *b = &rs->blocks[nb];
    b->text = buf + pos;
    b->len = e - pos;
    b->piece = piece;
    b->outlen = 0;
    b->nwarn = 0;
    rs->workers[nb].b = b;
    nb++;
    pos = e;
  }
  int started = 0;
  if (nb > 1) {
    for (; started < nb; started++)
      if (pthread_create(&rs->workers[started].th, NULL, run_block, &rs->workers[started]) != 0)
        break;
  }
  for (int i = started; i < nb; i++) run_block(&rs->workers[i]); /* the rest on this thread */
  for (int i = 0; i < started; i++) pthread_join(rs->workers[i].th, NULL);
  tok_cache_reclaim(rs->cache);
  int rc = 0;
  for (int i = 0; i < nb; i++) {
    seg_block *b = &rs->blocks[i];
    for (size_t k = 0; k < b->nwarn; k++) {
      long ln = (long)(*line + b->warn[k].line);
      if (ln == rs->warn_line && b->warn[k].what == rs->warn_what) continue;
      rs->warn_line = ln;
      rs->warn_what = b->warn[k].what;
      if (b->warn[k].what == W_UTF8)
        diag_warn(name, ln, "invalid UTF-8 replaced with U+FFFD");
      else
        diag_warn(name, ln, "NUL byte treated as white space");
    }
    if (b->st != TOPICS_OK) {
      diag_error(name, 0, "%s", topics_strerror(b->st));
      return 1;
    }
    if (i == 0 && rs->open) {
      /* the rest of a line cut into pieces: a space between its words and the earlier ones */
      int words = b->outlen > 0 && b->out[0] != '\n';
      if (words && rs->open_words && put_stdout(rs, " ", 1)) return 1;
      rs->open_words |= words;
      rs->open = 0;
    }
    if (put_stdout(rs, b->out, b->outlen)) return 1;
    if (piece) {
      rs->open = 1;
      rs->open_words |= b->outlen > 0;
    } else {
      rs->open_words = 0;
      *line += b->nlines;
    }
  }
  return rc;
}

/* Segments one input stream; returns 0, or 1 after printing an error (or when interrupted). The
 * buffer never grows beyond one batch: a batch without a line end is cut into a piece. */
static int do_stream(seg_run_state *rs, const char *name, FILE *f) {
  size_t batch = SEG_BLOCK * (size_t)rs->nthreads, line = 0;
  char *buf = malloc(batch);
  size_t len = 0;
  int at_eof = 0, rc = 0;
  if (!buf) {
    diag_error(name, 0, "%s", topics_strerror(TOPICS_ENOMEM));
    return 1;
  }
  while (!at_eof && rc == 0 && !seg_stop) {
    size_t got = fread(buf + len, 1, batch - len, f);
    len += got;
    if (len < batch) { /* fread stops short only at the end or on an error */
      if (ferror(f)) {
        if (seg_stop) break;
        diag_error(name, 0, "cannot read: %s", strerror(errno));
        rc = 1;
        break;
      }
      at_eof = 1;
    }
    size_t cut = complete_lines(buf, len, at_eof);
    int piece = 0;
    if (cut == 0 && len > 0) {
      /* No line end in a full batch: segment a piece of the line, cut at white space. The last
       * byte stays behind, since a CR there may begin a CRLF. */
      cut = rdl_cut(buf, len - 1 < SEG_PIECE ? len - 1 : SEG_PIECE);
      piece = 1;
    }
    if (cut > 0) rc = do_batch(rs, name, buf, cut, piece, &line);
    memmove(buf, buf + cut, len - cut);
    len -= cut;
  }
  /* A line cut into pieces that ended the input without a line end still gets one. */
  if (rc == 0 && !seg_stop && rs->open && put_stdout(rs, "\n", 1)) rc = 1;
  rs->open = rs->open_words = 0;
  rs->warn_line = 0; /* line numbers start again with the next input */
  free(buf);
  return rc;
}

/* Prints "topics: error: <what> <arg><rest> (usage: ...). Try ..." as one line, like every
 * message; returns exit status 2. */
static int usage_error(const char *what, const char *arg, const char *rest) {
  size_t ul = strlen(seg_usage);
  if (ul && seg_usage[ul - 1] == '\n') ul--;
  diag_error(NULL, 0, "%s%s%s (%.*s). Try 'topics segment --help'.", what, arg, rest, (int)ul,
             seg_usage);
  return 2;
}

/* The value of option argv[*i] (inline after '=' or the next argument); NULL when missing. */
static const char *opt_value(int argc, char **argv, int *i, const char *name) {
  const char *a = argv[*i];
  size_t n = strlen(name);
  if (strncmp(a, name, n) == 0 && a[n] == '=') return a + n + 1;
  if (name[1] != '-' && a[n] != '\0') return a + n; /* -t4 */
  if (*i + 1 >= argc) return NULL;
  return argv[++*i];
}

static int is_opt(const char *a, const char *name) {
  size_t n = strlen(name);
  return strncmp(a, name, n) == 0 && (a[n] == '\0' || a[n] == '=' || (name[1] != '-'));
}

int segment_main(int argc, char **argv) {
  int raw = 0, nthreads = 1;
  tok_options opt = tok_default_options();
  const char **dicts = calloc((size_t)argc + 1, sizeof *dicts);
  const char **stops = calloc((size_t)argc + 1, sizeof *stops);
  const char **files = calloc((size_t)argc + 1, sizeof *files);
  int nd = 0, ns = 0, nf = 0, rc = 0, opts_done = 0;
  if (!dicts || !stops || !files) {
    diag_error(NULL, 0, "%s", topics_strerror(TOPICS_ENOMEM));
    rc = 1;
    goto out;
  }
  for (int i = 1; i < argc && rc == 0; i++) {
    const char *a = argv[i];
    if (opts_done || a[0] != '-' || strcmp(a, "-") == 0) {
      files[nf++] = a;
    } else if (strcmp(a, "--") == 0) {
      opts_done = 1;
    } else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
      fputs(seg_usage, stdout);
      fputs(seg_help, stdout);
      goto out;
    } else if (strcmp(a, "--raw") == 0) {
      raw = 1;
    } else if (strcmp(a, "--no-fold-han") == 0) {
      opt.fold_han = 0;
    } else if (is_opt(a, "--dict") || is_opt(a, "--stopwords")) {
      int is_dict = is_opt(a, "--dict");
      const char *v = opt_value(argc, argv, &i, is_dict ? "--dict" : "--stopwords");
      if (!v) rc = usage_error("option ", is_dict ? "--dict" : "--stopwords", " needs a FILE");
      else if (is_dict) dicts[nd++] = v;
      else stops[ns++] = v;
    } else if (is_opt(a, "--threads") || (a[1] == 't' && is_opt(a, "-t"))) {
      const char *name = a[1] == 't' ? "-t" : "--threads";
      const char *v = opt_value(argc, argv, &i, name);
      if (!v) {
        rc = usage_error("option ", name, " needs a number");
        break;
      }
      char *end;
      errno = 0;
      long n = strtol(v, &end, 10);
      if (errno || end == v || *end != '\0' || n < 1 || n > SEG_MAX_THREADS) {
        char what[64], rest[64];
        snprintf(what, sizeof what, "option %s: '", name);
        snprintf(rest, sizeof rest, "' is not a number from 1 to %d", SEG_MAX_THREADS);
        rc = usage_error(what, v, rest);
        break;
      }
      nthreads = (int)n;
    } else {
      rc = usage_error("unknown option ", a, "");
    }
  }
  if (rc) goto out;
  if (nf == 0) files[nf++] = "-";

  topics_status st;
  lex *lx = lex_new(&st);
  if (!lx) {
    diag_error(NULL, 0, "%s", topics_strerror(st));
    rc = 1;
    goto out;
  }
  for (int i = 0; i < ns && rc == 0; i++)
    if (lex_add_stopwords_file(lx, stops[i]) != TOPICS_OK) rc = 1;
  for (int i = 0; i < nd && rc == 0; i++)
    if (lex_add_dict_file(lx, dicts[i]) != TOPICS_OK) rc = 1;
  seg_run_state rs = {.workers = calloc((size_t)nthreads, sizeof(seg_worker)),
                      .nthreads = nthreads,
                      .blocks = calloc((size_t)nthreads, sizeof(seg_block))};
  if (rc == 0 && (!rs.workers || !rs.blocks)) {
    diag_error(NULL, 0, "%s", topics_strerror(TOPICS_ENOMEM));
    rc = 1;
  }
  if (rc == 0 && !(rs.cache = tok_cache_new(lx, &opt, &st))) {
    diag_error(NULL, 0, "%s", topics_strerror(st));
    rc = 1;
  }
  for (int i = 0; i < nthreads && rc == 0; i++) {
    rs.workers[i].raw = raw;
    rs.workers[i].t = tok_new_shared(rs.cache, &st);
    if (!rs.workers[i].t) {
      diag_error(NULL, 0, "%s", topics_strerror(st));
      rc = 1;
    }
  }
  seg_install_signals();
  for (int i = 0; i < nf && rc == 0 && !seg_stop; i++) {
    int is_stdin = strcmp(files[i], "-") == 0;
    const char *name = is_stdin ? "standard input" : files[i];
    FILE *f = is_stdin ? stdin : fopen(files[i], "rb");
    if (!f) {
      diag_error(name, 0, "cannot open: %s", strerror(errno));
      rc = 1;
      continue;
    }
    if (do_stream(&rs, name, f)) rc = 1;
    if (!is_stdin) fclose(f);
  }
  if (seg_stop) {
    diag_error(NULL, 0, "interrupted");
    rc = 1;
  } else if (!rs.out_failed && (fflush(stdout) != 0 || ferror(stdout))) {
    diag_error("standard output", 0, "cannot write: %s", strerror(errno));
    rc = 1;
  }
  for (int i = 0; rs.workers && i < nthreads; i++) {
    tok_free(rs.workers[i].t);
    free(rs.workers[i].ids);
  }
  for (int i = 0; rs.blocks && i < nthreads; i++) {
    free(rs.blocks[i].out);
    free(rs.blocks[i].warn);
  }
  free(rs.workers);
  free(rs.blocks);
  tok_cache_free(rs.cache);
  lex_free(lx);
out:
  free(dicts);
  free(stops);
  free(files);
  return rc;
}
