/* `topics segment`: one output line per input line, holding either the terms the model counts or,
 * with --raw, the segmentation. Input comes through the line reader every command uses
 * (pipeline/lines.h: UTF-16, any line end, repairs and their capped warnings), gathered into
 * batches of whole lines; each batch is split into one block per thread, and the blocks' output is
 * written in input order, so the result never depends on the thread count. When learning, a batch
 * is counted before any of it is written. A line longer than a chunk (1 MiB) is segmented chunk by
 * chunk, cut at white space, and their words are joined on one output line: memory stays bounded
 * however long a line is. SIGINT and SIGTERM are polled between batches and chunks. */
#include "pipeline/segment.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/diag.h"
#include "common/mem.h"
#include "common/pool.h"
#include "common/utf8.h"
#include "pipeline/filetype.h"
#include "pipeline/lines.h"
#include "pipeline/rd_src.h"
#include "pipeline/segment_int.h"
#include "tokenize/lexicon.h"
#include "tokenize/seg_learn.h"
#include "tokenize/seg_words.h"
#include "tokenize/tokenizer.h"

#define SEG_PIECE LINES_CHUNK        /* most bytes of one line segmented at once */
/* Bytes of input learned from before any of it is written (the whole input when it is shorter);
 * fixed, so that what is learned never depends on the thread count. Counts carry over from batch
 * to batch, so a small batch loses little, and it keeps the peak memory of a long input low. */
#define SEG_LEARN_BATCH ((size_t)2 << 20)

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
    "usage: topics segment [--raw] [--dict FILE] [--stopwords FILE] [--no-fold-han] [--no-learn] "
    "[-t N] [FILE...]\n";

static const char seg_help[] =
    "Segments text the way the topic model sees it; one output line per input line.\n"
    "Reads standard input when no FILE is given (or FILE is -).\n"
    "\n"
    "  --raw             print the segmentation: every non-space character, grouped into words\n"
    "  --dict FILE       user words and phrases, one per line (may be repeated)\n"
    "  --stopwords FILE  extra stopwords, one per line (may be repeated)\n"
    "  --no-fold-han     keep Traditional and Simplified Han apart\n"
    "  --no-learn        do not join Han words learned from the input itself\n"
    "  -t, --threads N   worker threads (1 to 256) [1]\n"
    "  -h, --help        print this help\n"
    "\n"
    "Without --raw, a term holding white space (a dictionary phrase) is printed with '_' for it.\n"
    "Han words of the rime-essay word list (" SEG_WORDS_ESSAY ", when installed;\n"
    "another file through TOPICS_RIME_ESSAY, none when it is empty or \"none\") that ICU split\n"
    "into single characters are joined.\n";

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

/* Writes the words or terms of one well-formed line and its line end into the block's output;
 * with sp, from the segmentation sp[0..n) of the line (joined in place). */
topics_status segrun_emit_line(seg_worker *w, const char *line, size_t len, seg_span *sp,
                               size_t n) {
  seg_block *b = w->b;
  topics_status st;
  if (w->raw) {
    raw_ctx c = {b, line, 1, TOPICS_OK};
    st = sp ? tok_raw_spans(w->t, line, len, sp, n, raw_word, &c)
            : tok_raw(w->t, line, len, raw_word, &c);
    if (st == TOPICS_OK) st = c.st;
  } else {
    w->nids = 0;
    st = sp ? tok_terms_spans(w->t, line, len, sp, n, &w->ids, &w->nids, &w->idcap)
            : tok_terms(w->t, line, len, &w->ids, &w->nids, &w->idcap);
    for (size_t i = 0; st == TOPICS_OK && i < w->nids; i++) {
      size_t tl, need;
      tok_entry_term_prefetch(w->t, w->ids, w->nids, i);
      const char *term = tok_entry_term(w->t, w->ids[i], &tl);
      /* One reservation for the separator and the term, copied with its spaces (a phrase of the
       * user's dictionary) as underscores. */
      if (mem_add(b->outlen, tl + 1, &need) != TOPICS_OK ||
          (need > b->outcap && MEM_RESERVE(b->out, b->outcap, need) != TOPICS_OK)) {
        st = TOPICS_ENOMEM;
        break;
      }
      char *o = b->out + b->outlen;
      if (i > 0) *o++ = ' ';
      for (size_t k = 0; k < tl; k++) o[k] = term[k] == ' ' ? '_' : term[k];
      b->outlen = (size_t)(o - b->out) + tl;
    }
  }
  if (st == TOPICS_OK && !b->piece) st = out_put(b, "\n", 1);
  return st;
}

char *segrun_line_end(char *p, char *end) {
  /* memchr is vectorised: find the LF, then look for a CR before it */
  char *e = memchr(p, '\n', (size_t)(end - p));
  if (!e) e = end;
  char *r = e > p ? memchr(p, '\r', (size_t)(e - p)) : NULL;
  return r ? r : e;
}

static void *run_block(void *arg) {
  seg_worker *w = arg;
  seg_block *b = w->b;
  char *p = b->text, *end = b->text + b->len;
  size_t lineno = 0;
  b->st = TOPICS_OK;
  while (p < end && b->st == TOPICS_OK) {
    char *e = b->piece ? end : segrun_line_end(p, end);
    lineno++;
    b->st = segrun_emit_line(w, p, (size_t)(e - p), NULL, 0);
    if (e < end && *e == '\r' && e + 1 < end && e[1] == '\n') e++;
    p = e < end ? e + 1 : end;
  }
  b->nlines = lineno;
  return NULL;
}

/* Where to cut buf[from..to) so the first part is about `want` bytes of whole lines. */
static size_t cut_after_line(const char *buf, size_t from, size_t to, size_t want) {
  if (to - from <= want) return to;
  size_t i = from + want;
  while (i < to && buf[i - 1] != '\n' && buf[i - 1] != '\r') i++;
  if (i < to && buf[i - 1] == '\r' && buf[i] == '\n') i++;
  return i;
}

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
                    size_t *line);

typedef struct seg_round {
  seg_run_state *rs;
  void *(*fn)(void *);
} seg_round;

/* One pool task: block i on the worker's tok and scratch space. A block's output depends on its
 * text alone (the toks share one cache), so it does not matter which worker runs it. */
static void block_task(void *ctx, uint32_t i, uint32_t worker) {
  seg_round *r = ctx;
  seg_worker *w = &r->rs->workers[worker];
  w->b = &r->rs->blocks[i];
  r->fn(w);
}

/* Runs fn over the first nb blocks, on the pool's threads when there are several. */
void segrun_workers(seg_run_state *rs, int nb, void *(*fn)(void *)) {
  seg_round r = {rs, fn};
  pool_run(rs->pool, (uint32_t)nb, block_task, &r);
}

/* Splits buf[0..len) into blocks of whole lines, one per worker (one for a piece); returns how
 * many. */
int segrun_split(seg_run_state *rs, char *buf, size_t len, int piece) {
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
    nb++;
    pos = e;
  }
  return nb;
}

static int do_batch(seg_run_state *rs, const char *name, char *buf, size_t len, int piece,
                    size_t *line) {
  int nb = segrun_split(rs, buf, len, piece);
  segrun_workers(rs, nb, run_block);
  return segrun_write_blocks(rs, rs->blocks, name, nb, piece, line);
}

/* Writes the output of blocks[0..nb) in order; returns 0, or 1 after an error. */
int segrun_write_blocks(seg_run_state *rs, const seg_block *blocks, const char *name, int nb,
                        int piece, size_t *line) {
  tok_cache_reclaim(rs->cache);
  int rc = 0;
  for (int i = 0; i < nb; i++) {
    const seg_block *b = &blocks[i];
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

/* Appends a chunk of a line to the batch, with a line end when the line ends there. */
static void batch_put(char *buf, size_t *len, const char *text, size_t n, int line_end) {
  memcpy(buf + *len, text, n);
  *len += n;
  if (line_end) buf[(*len)++] = '\n';
}

static int load_lexicon(seg_words **out);

/* Loads the default word list before the first text that may need it, so input without CJK
 * characters does not pay for reading it; the output is the same as with the list loaded first.
 * Returns 1 after printing an error. */
static int lexicon_for(seg_run_state *rs, const char *buf, size_t len) {
  if (!rs->lexicon_pending || !utf8_may_hold_cjk(buf, len)) return 0;
  rs->lexicon_pending = 0;
  if (load_lexicon(&rs->lexicon)) return 1;
  rs->join.lexicon = rs->lexicon;
  return 0;
}

/* A batch of whole lines: learned from and written when it holds CJK text and learning is on,
 * else only written. */
static int whole_batch(seg_run_state *rs, const char *name, char *buf, size_t len, int cjk,
                       size_t *line) {
  if (lexicon_for(rs, buf, len)) return 1;
  return rs->learn && cjk ? segrun_learn_batch(rs, name, buf, len, line)
                          : do_batch(rs, name, buf, len, 0, line);
}

/* Segments the lines of src (after its byte order mark) through the reader every command uses:
 * UTF-16 decoded, line ends of any kind, ill-formed UTF-8 and NUL bytes repaired and warned about
 * within the reader's cap, and a line longer than a chunk (1 MiB) delivered in chunks, each
 * segmented as a piece of its output line (not learned from). Whole lines gather into batches of
 * SEG_BLOCK per thread; when learning, a batch that holds CJK text grows to SEG_LEARN_BATCH bytes
 * instead. Lines without CJK characters have nothing to learn from nor to join, so text without
 * any streams through small batches either way. Returns 0, or 1 after printing an error (or when
 * interrupted). */
static int seg_lines(seg_run_state *rs, const char *name, rd_src *src, ft_encoding enc) {
  size_t plain = SEG_BLOCK * (size_t)rs->nthreads;
  size_t batch = rs->learn ? SEG_LEARN_BATCH : plain;
  size_t line = 0, len = 0, cap;
  char *buf = NULL;
  int rc = 0, r = 0, cjk = 0;
  if (mem_add(batch > plain ? batch : plain, SEG_PIECE + 1, &cap) != TOPICS_OK ||
      !(buf = malloc(cap))) {
    diag_error(name, 0, "%s", topics_strerror(TOPICS_ENOMEM));
    return 1;
  }
  rd_lines l;
  rdl_init(&l, src, enc, name, 1);
  while (rc == 0 && !seg_stop && (r = rdl_next(&l)) == 1) {
    if (!l.cont && !l.more) { /* a whole line: into the batch */
      batch_put(buf, &len, l.text, l.len, 1);
      cjk = cjk || (rs->learn && utf8_may_hold_cjk(l.text, l.len));
      if (len >= (cjk ? batch : plain)) {
        rc = whole_batch(rs, name, buf, len, cjk, &line);
        len = 0;
        cjk = 0;
      }
      continue;
    }
    /* A chunk of a long line: the whole lines before it go first, then the chunk alone. */
    if (len > 0 && (rc = whole_batch(rs, name, buf, len, cjk, &line)) != 0) break;
    len = cjk = 0;
    batch_put(buf, &len, l.text, l.len, !l.more);
    rc = lexicon_for(rs, buf, len) || do_batch(rs, name, buf, len, l.more, &line);
    len = 0;
  }
  if (rc == 0 && !seg_stop && r < 0) {
    if (r == TOPICS_EIO && src->err != EINTR)
      diag_error(name, 0, "cannot read: %s", strerror(src->err ? src->err : EIO));
    else if (r != TOPICS_EIO)
      diag_error(name, 0, "%s", topics_strerror((topics_status)r));
    rc = !seg_stop || r != TOPICS_EIO;
  }
  if (rc == 0 && !seg_stop && len > 0) rc = whole_batch(rs, name, buf, len, cjk, &line);
  rdl_finish(&l);
  rs->open = rs->open_words = 0;
  free(buf);
  return rc;
}

/* Segments one opened input; returns 0, or 1 after printing an error (or when interrupted).
 * Binary data is an error, UTF-16 is converted (with a note), as the main reader does. */
static int do_stream(seg_run_state *rs, const char *name, int fd) {
  rd_src src;
  struct stat sb;
  uint64_t hint = fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) ? (uint64_t)sb.st_size : 0;
  if (rds_init_fd(&src, fd, hint) != TOPICS_OK) {
    diag_error(name, 0, "%s", topics_strerror(TOPICS_ENOMEM));
    return 1;
  }
  src.stop = &seg_stop;
  int rc = 0;
  if (rds_fill(&src) < 0) {
    if (!seg_stop) diag_error(name, 0, "cannot read: %s", strerror(src.err));
    rc = 1;
  } else {
    ft_info ft;
    ft_sniff(src.p, src.len, src.len < FT_SNIFF_BYTES, &ft);
    if (ft.enc == FT_BINARY) {
      diag_error(name, 0, "not text (%s)", ft.reason);
      rc = 1;
    } else {
      if (ft.enc == FT_UTF16LE || ft.enc == FT_UTF16BE)
        diag_warn(name, 0, "UTF-16 (%s) text converted to UTF-8",
                  ft.enc == FT_UTF16LE ? "little-endian" : "big-endian");
      rc = rds_seek(&src, ft.bom) != TOPICS_OK || seg_lines(rs, name, &src, ft.enc);
    }
  }
  rds_close(&src);
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

/* The word list: TOPICS_RIME_ESSAY names it (empty or "none": no list), else rime-essay where
 * installed. A list that is absent is no error; one named that cannot be read is. Returns 0, or 1
 * after an error. */
static int load_lexicon(seg_words **out) {
  const char *env = getenv("TOPICS_RIME_ESSAY");
  const char *path = env ? env : SEG_WORDS_ESSAY;
  *out = NULL;
  if (!*path || strcmp(path, "none") == 0) return 0;
  seg_words *w = seg_words_new();
  topics_status st = w ? seg_words_load(w, path, SEG_WORDS_MIN_FREQ) : TOPICS_ENOMEM;
  if (st == TOPICS_OK) {
    *out = w;
    return 0;
  }
  seg_words_free(w);
  if (st == TOPICS_EIO && !env) return 0;
  diag_error(path, 0, "%s", st == TOPICS_EIO ? "cannot read the word list" : topics_strerror(st));
  return 1;
}

/* Bytes in the regular files of files[0..nf) ("-" and others count nothing): the term cache's
 * size hint. */
static uint64_t input_bytes(const char **files, int nf) {
  uint64_t sum = 0;
  struct stat sb;
  for (int i = 0; i < nf; i++)
    if (strcmp(files[i], "-") != 0 && stat(files[i], &sb) == 0 && S_ISREG(sb.st_mode))
      sum += (uint64_t)sb.st_size;
  return sum;
}

int segment_main(int argc, char **argv) {
  /* Span arrays and buffers of a megabyte or more grow and go with the longest lines. Freed,
   * glibc would keep them in the heap (its threshold for mapping a block rises to the largest one
   * freed), so the peak memory would grow with what went before; mapped, they go back when
   * freed. */
  mallopt(M_MMAP_THRESHOLD, 128 * 1024);
  int raw = 0, nthreads = 1, learn = 1;
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
    } else if (strcmp(a, "--no-learn") == 0) {
      learn = 0;
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
                      .blocks = calloc((size_t)nthreads, sizeof(seg_block)),
                      .emit = calloc((size_t)nthreads, sizeof(seg_block))};
  if (rc == 0 && rs.workers && rs.blocks && rs.emit && !(rs.pool = pool_new((uint32_t)nthreads, &st))) {
    diag_error(NULL, 0, "%s", topics_strerror(st));
    rc = 1;
  }
  if (rc == 0 && (!rs.workers || !rs.blocks || !rs.emit)) {
    diag_error(NULL, 0, "%s", topics_strerror(TOPICS_ENOMEM));
    rc = 1;
  }
  /* A list the environment names is read at once, so a wrong name fails before any output. */
  if (getenv("TOPICS_RIME_ESSAY")) {
    if (rc == 0 && (rc = load_lexicon(&rs.lexicon)) == 0) rs.join.lexicon = rs.lexicon;
  } else {
    rs.lexicon_pending = 1;
  }
  if (rc == 0 && learn && !(rs.learn = seg_learn_new())) {
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
    if (rs.workers[i].t && (rs.lexicon || rs.lexicon_pending || learn))
      tok_set_joiner(rs.workers[i].t, &rs.join);
    if (rs.workers[i].t && learn) rs.workers[i].seg = seg_new(&st);
    if (!rs.workers[i].t || (learn && !rs.workers[i].seg)) {
      diag_error(NULL, 0, "%s", topics_strerror(st));
      rc = 1;
    }
  }
  if (rc == 0) tok_cache_expect(rs.cache, input_bytes(files, nf));
  seg_install_signals();
  for (int i = 0; i < nf && rc == 0 && !seg_stop; i++) {
    int is_stdin = strcmp(files[i], "-") == 0;
    const char *name = is_stdin ? "standard input" : files[i];
    int fd = is_stdin ? STDIN_FILENO : open(files[i], O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
      diag_error(name, 0, "cannot open: %s", strerror(errno));
      rc = 1;
      continue;
    }
    if (do_stream(&rs, name, fd)) rc = 1;
    if (!is_stdin) close(fd);
  }
  if (seg_stop) {
    diag_error(NULL, 0, "interrupted");
    rc = 1;
  } else if (!rs.out_failed && (fflush(stdout) != 0 || ferror(stdout))) {
    diag_error("standard output", 0, "cannot write: %s", strerror(errno));
    rc = 1;
  }
  pool_free(rs.pool);
  for (int i = 0; rs.workers && i < nthreads; i++) {
    tok_free(rs.workers[i].t);
    free(rs.workers[i].ids);
    seg_free(rs.workers[i].seg);
    free(rs.workers[i].sp);
  }
  for (int i = 0; rs.blocks && i < nthreads; i++) {
    free(rs.blocks[i].out);
    free(rs.blocks[i].cs);
    free(rs.blocks[i].rec);
  }
  for (int i = 0; rs.emit && i < nthreads; i++) free(rs.emit[i].out);
  seg_learn_free(rs.learn);
  seg_words_free(rs.learned);
  seg_words_free(rs.lexicon);
  free(rs.workers);
  free(rs.blocks);
  free(rs.emit);
  tok_cache_free(rs.cache);
  lex_free(lx);
out:
  free(dicts);
  free(stops);
  free(files);
  return rc;
}
