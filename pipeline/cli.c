/* A small long/short option parser: `-k 10`, `-k10`, `--topics 10`, `--topics=10`, `--` ends
 * options, `-` is a path (standard input). Every number is range-checked with a message that
 * names the option. */
#include "pipeline/cli.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pipeline/reader.h"

enum opt_id {
  OPT_K, OPT_ITER, OPT_SEED, OPT_THREADS, OPT_TOPWORDS, OPT_TAGS, OPT_TOPDOCS, OPT_FORMAT,
  OPT_OUTPUT, OPT_STOPWORDS, OPT_DICT, OPT_MINDF, OPT_MAXDF, OPT_QUIET, OPT_SPLIT, OPT_NOFOLD,
  OPT_OPTINT, OPT_ALPHA, OPT_BETA, OPT_HELP, OPT_VERSION, OPT_CODE, OPT_KEEPDUP,
  OPT_NOPHRASES, OPT_HOLDOUT
};

typedef struct opt_def {
  char short_name; /* 0 when none */
  const char *long_name;
  int takes_value;
  int model_only; /* meaningless for `topics tags` */
  enum opt_id id;
} opt_def;

static const opt_def opt_defs[] = {
    {'k', "topics", 1, 1, OPT_K},
    {'i', "iterations", 1, 1, OPT_ITER},
    {'s', "seed", 1, 1, OPT_SEED},
    {'t', "threads", 1, 0, OPT_THREADS},
    {'n', "top-words", 1, 1, OPT_TOPWORDS},
    {0, "tags", 1, 0, OPT_TAGS},
    {0, "top-docs", 1, 1, OPT_TOPDOCS},
    {'f', "format", 1, 0, OPT_FORMAT},
    {'o', "output", 1, 0, OPT_OUTPUT},
    {0, "stopwords", 1, 0, OPT_STOPWORDS},
    {0, "dict", 1, 0, OPT_DICT},
    {0, "min-df", 1, 0, OPT_MINDF},
    {0, "max-df", 1, 0, OPT_MAXDF},
    {'q', "quiet", 0, 0, OPT_QUIET},
    {0, "split", 1, 0, OPT_SPLIT},
    {0, "no-fold-han", 0, 0, OPT_NOFOLD},
    {0, "no-phrases", 0, 0, OPT_NOPHRASES},
    {0, "code", 1, 0, OPT_CODE},
    {0, "keep-duplicates", 0, 0, OPT_KEEPDUP},
    {0, "optimize-interval", 1, 1, OPT_OPTINT},
    {0, "alpha", 1, 1, OPT_ALPHA},
    {0, "beta", 1, 1, OPT_BETA},
    {0, "holdout", 1, 1, OPT_HOLDOUT},
    {'h', "help", 0, 0, OPT_HELP},
    {'V', "version", 0, 0, OPT_VERSION},
};

static topics_status fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static topics_status fail(char *err, size_t errlen, const char *fmt, ...) {
  if (err && errlen) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
  }
  return TOPICS_EINVAL;
}

/* Parses a whole decimal integer in [lo, hi]; signs, blanks and trailing bytes are refused. */
static int parse_u64(const char *s, uint64_t lo, uint64_t hi, uint64_t *out) {
  if (!s || *s < '0' || *s > '9') return 0;
  errno = 0;
  char *end;
  unsigned long long v = strtoull(s, &end, 10);
  if (errno || *end != '\0' || v < lo || v > hi) return 0;
  *out = v;
  return 1;
}

static int parse_double(const char *s, double lo, double hi, double *out) {
  if (!s || !*s) return 0;
  errno = 0;
  char *end;
  double v = strtod(s, &end);
  if (errno || *end != '\0' || !isfinite(v) || v < lo || v > hi) return 0;
  *out = v;
  return 1;
}

static void set_defaults(cli_options *o, cli_command cmd) {
  memset(o, 0, sizeof *o);
  o->cmd = cmd;
  o->k = 10;
  o->seed = 1;
  o->top_words = 10;
  o->ntags = 5;
  o->top_docs = 3;
  o->max_df = -1;
  o->split = RD_SPLIT_AUTO;
  o->fold_han = 1;
  o->phrases = 1;
  o->optimize_interval = -1;
  o->beta = 0.01;
}

/* -k auto (the range chosen from the corpus) or -k MIN:MAX (2 <= MIN <= MAX <= 1000). */
static topics_status parse_k_range(cli_options *o, const char *name, const char *v, char *err,
                                   size_t errlen) {
  o->k_choose = 1;
  o->k_min = o->k_max = 0;
  if (strcmp(v, "auto") == 0) return TOPICS_OK;
  const char *colon = strchr(v, ':');
  char lo[24];
  uint64_t a, b;
  size_t n = (size_t)(colon - v);
  if (n == 0 || n >= sizeof lo)
    return fail(err, errlen, "option %s: '%s' is not N, auto or MIN:MAX", name, v);
  memcpy(lo, v, n);
  lo[n] = '\0';
  if (!parse_u64(lo, 2, 1000, &a) || !parse_u64(colon + 1, 2, 1000, &b) || a > b)
    return fail(err, errlen, "option %s: '%s' is not a range MIN:MAX with 2 <= MIN <= MAX <= 1000",
                name, v);
  o->k_min = (uint32_t)a;
  o->k_max = (uint32_t)b;
  return TOPICS_OK;
}

static topics_status apply(cli_options *o, const opt_def *d, const char *name, const char *v,
                           char *err, size_t errlen) {
  uint64_t u;
  double x;
  switch (d->id) {
#define UINT_OPT(field, lo, hi)                                                                  \
  if (!parse_u64(v, lo, hi, &u))                                                                 \
    return fail(err, errlen, "option %s: '%s' is not a whole number from %llu to %llu", name, v, \
                (unsigned long long)(lo), (unsigned long long)(hi));                             \
  o->field = (uint32_t)u;                                                                        \
  return TOPICS_OK
  case OPT_K:
    if (strcmp(v, "auto") == 0 || strchr(v, ':')) return parse_k_range(o, name, v, err, errlen);
    UINT_OPT(k, 1, 65535); /* the sampler packs topics in 16 bits */
  case OPT_ITER: UINT_OPT(iterations, 1, 1000000);
  case OPT_THREADS: UINT_OPT(threads, 1, 256);
  case OPT_TOPWORDS: UINT_OPT(top_words, 1, 1000);
  case OPT_TAGS: UINT_OPT(ntags, 0, 1000);
  case OPT_TOPDOCS: UINT_OPT(top_docs, 0, 1000);
  case OPT_MINDF: UINT_OPT(min_df, 1, UINT32_MAX);
#undef UINT_OPT
  case OPT_SEED:
    if (!parse_u64(v, 0, UINT64_MAX, &u))
      return fail(err, errlen, "option %s: '%s' is not a whole number from 0 to %llu", name, v,
                  (unsigned long long)UINT64_MAX);
    o->seed = u;
    return TOPICS_OK;
  case OPT_OPTINT:
    if (!parse_u64(v, 0, 1000000, &u))
      return fail(err, errlen, "option %s: '%s' is not a whole number from 0 to 1000000", name, v);
    o->optimize_interval = (int32_t)u;
    return TOPICS_OK;
  case OPT_MAXDF:
    if (!parse_double(v, 1e-9, 1.0, &x) )
      return fail(err, errlen, "option %s: '%s' is not a fraction above 0 and at most 1", name, v);
    o->max_df = x;
    return TOPICS_OK;
  case OPT_ALPHA:
    if (!parse_double(v, 1e-9, 1e6, &x))
      return fail(err, errlen, "option %s: '%s' is not a positive number", name, v);
    o->alpha = x;
    return TOPICS_OK;
  case OPT_HOLDOUT:
    if (!parse_double(v, 1e-9, 0.9, &x))
      return fail(err, errlen, "option %s: '%s' is not a fraction above 0 and at most 0.9", name, v);
    o->holdout = x;
    return TOPICS_OK;
  case OPT_BETA:
    if (!parse_double(v, 1e-9, 1e6, &x))
      return fail(err, errlen, "option %s: '%s' is not a positive number", name, v);
    o->beta = x;
    return TOPICS_OK;
  case OPT_FORMAT:
    if (strcmp(v, "text") == 0) o->format = CLI_FORMAT_TEXT;
    else if (strcmp(v, "json") == 0) o->format = CLI_FORMAT_JSON;
    else return fail(err, errlen, "option %s: unknown format '%s' (use text or json)", name, v);
    return TOPICS_OK;
  case OPT_SPLIT: {
    rd_split sp;
    if (rd_split_parse(v, &sp) != TOPICS_OK)
      return fail(err, errlen, "option %s: unknown mode '%s' (use auto, file, heading or time)",
                  name, v);
    o->split = (int)sp;
    return TOPICS_OK;
  }
  case OPT_OUTPUT:
  case OPT_STOPWORDS:
  case OPT_DICT:
    if (!*v) return fail(err, errlen, "option %s: the file name is empty", name);
    if (d->id == OPT_OUTPUT) o->output_dir = v;
    else if (d->id == OPT_STOPWORDS) o->stopwords_file = v;
    else o->dict_file = v;
    return TOPICS_OK;
  case OPT_QUIET: o->quiet = 1; return TOPICS_OK;
  case OPT_NOFOLD: o->fold_han = 0; return TOPICS_OK;
  case OPT_NOPHRASES: o->phrases = 0; return TOPICS_OK;
  case OPT_KEEPDUP: o->keep_duplicates = 1; return TOPICS_OK;
  case OPT_CODE:
    if (strcmp(v, "keep") == 0) o->keep_code = 1;
    else if (strcmp(v, "drop") == 0) o->keep_code = 0;
    else return fail(err, errlen, "option %s: unknown mode '%s' (use keep or drop)", name, v);
    return TOPICS_OK;
  case OPT_HELP: o->cmd = CLI_HELP; return TOPICS_OK;
  case OPT_VERSION: o->cmd = CLI_VERSION; return TOPICS_OK;
  }
  return fail(err, errlen, "option %s: not handled", name);
}

static const opt_def *find_long(const char *name, size_t len) {
  for (size_t i = 0; i < sizeof opt_defs / sizeof opt_defs[0]; i++)
    if (strlen(opt_defs[i].long_name) == len && memcmp(opt_defs[i].long_name, name, len) == 0)
      return &opt_defs[i];
  return NULL;
}

static const opt_def *find_short(char c) {
  for (size_t i = 0; i < sizeof opt_defs / sizeof opt_defs[0]; i++)
    if (opt_defs[i].short_name == c) return &opt_defs[i];
  return NULL;
}

topics_status cli_parse(int argc, char **argv, cli_command cmd, cli_options *o, char *err,
                        size_t errlen) {
  set_defaults(o, cmd);
  if (err && errlen) err[0] = '\0';
  /* Paths are gathered in place at the front of argv[1..]: argv is ours to reorder. */
  size_t npaths = 0;
  char **paths = argc > 1 ? argv + 1 : argv;
  int only_paths = 0;
  for (int i = 1; i < argc; i++) {
    char *a = argv[i];
    if (only_paths || a[0] != '-' || a[1] == '\0') {
      paths[npaths++] = a;
      continue;
    }
    if (strcmp(a, "--") == 0) {
      only_paths = 1;
      continue;
    }
    const opt_def *d;
    const char *value = NULL;
    char name[64];
    if (a[1] == '-') {
      const char *eq = strchr(a + 2, '=');
      size_t len = eq ? (size_t)(eq - (a + 2)) : strlen(a + 2);
      d = find_long(a + 2, len);
      snprintf(name, sizeof name, "--%.*s", (int)(len < 40 ? len : 40), a + 2);
      if (!d) return fail(err, errlen, "unknown option '%s'", name);
      if (eq) {
        if (!d->takes_value) return fail(err, errlen, "option %s takes no value", name);
        value = eq + 1;
      }
    } else {
      d = find_short(a[1]);
      snprintf(name, sizeof name, "-%c", a[1]);
      if (!d) return fail(err, errlen, "unknown option '%s'", name);
      if (a[2] != '\0') {
        if (!d->takes_value) return fail(err, errlen, "option %s takes no value (got '%s')", name, a);
        value = a + 2;
      }
    }
    if (cmd == CLI_TAGS && d->model_only)
      return fail(err, errlen, "option %s is for the topic model; `topics tags` does not take it",
                  name);
    if (d->takes_value && !value) {
      if (i + 1 >= argc) return fail(err, errlen, "option %s needs a value", name);
      value = argv[++i];
    }
    topics_status st = apply(o, d, name, value, err, errlen);
    if (st != TOPICS_OK) return st;
    if (o->cmd == CLI_HELP || o->cmd == CLI_VERSION) return TOPICS_OK;
  }
  o->paths = paths;
  o->npaths = npaths;
  if (npaths == 0) return fail(err, errlen, "no input: give a file, a directory, or - for standard input");
  return TOPICS_OK;
}

const char *cli_usage(cli_command cmd) {
  if (cmd == CLI_TAGS)
    return "usage: topics tags [OPTIONS] PATH...\n"
           "Per-talk keyword tags (TF-IDF) without a topic model.\n"
           "  --tags N          tags per talk [5]\n"
           "  -f, --format F    text or json [text]\n"
           "  -o, --output DIR  write tags.tsv, vocab.txt, docword.txt, topics.json there\n"
           "  -t, --threads N   tokenizer threads [all cores]\n"
           "  --stopwords FILE  extra stopwords, one per line\n"
           "  --dict FILE       user words and phrases, one per line\n"
           "  --min-df N        keep terms in at least N talks [2; 1 under 10 talks]\n"
           "  --max-df F        drop terms in more than this fraction of talks [0.5 from 20 talks]\n"
           "  --split MODE      auto, file, heading or time [auto]\n"
           "  --no-fold-han     keep Traditional and Simplified Han apart\n"
           "  --no-phrases      no multi-word terms found from the corpus\n"
           "  --code MODE       drop or keep code blocks of Markdown notes [drop]\n"
           "  --keep-duplicates keep talks whose text copies an earlier talk\n"
           "  -q, --quiet       no progress on standard error\n";
  return "usage: topics [OPTIONS] PATH...        train a topic model on every talk under PATH\n"
         "       topics segment [OPTIONS] [FILE...] segment text (see topics segment --help)\n"
         "       topics tags [OPTIONS] PATH...    per-talk keyword tags without a model\n"
         "       topics infer --model DIR PATH... topic mixes and tags of new talks under a\n"
         "                                        model saved with -o DIR\n"
         "       topics --help | --version\n"
         "PATH: files, directories (recursively), .jsonl files, or - for standard input.\n"
         "  -k, --topics N|auto|MIN:MAX  topics [10]; auto or a range: choose K by held-out\n"
         "                            perplexity and coherence\n"
         "  -i, --iterations N        Gibbs sweeps [until the likelihood levels off, at most 1000]\n"
         "  -s, --seed N              random seed [1]\n"
         "  -t, --threads N           threads [all cores]\n"
         "  -n, --top-words N         words shown per topic [10]\n"
         "  --top-docs N              representative talks per topic [3]\n"
         "  --tags N                  tags per talk [5]\n"
         "  -f, --format F            text or json [text]\n"
         "  -o, --output DIR          also write topics.json, topic-keys.tsv, doc-topics.tsv,\n"
         "                            tags.tsv, vocab.txt, docword.txt, report.html and the\n"
         "                            model (model.topics, for topics infer) there\n"
         "  --stopwords FILE          extra stopwords, one per line\n"
         "  --dict FILE               user words and phrases, one per line\n"
         "  --min-df N                keep terms in at least N talks [2; 1 under 10 talks]\n"
         "  --max-df F                drop terms in more than this fraction of talks\n"
         "                            [0.5, applied from 20 talks]\n"
         "  --split MODE              auto, file, heading or time [auto]\n"
         "  --no-fold-han             keep Traditional and Simplified Han apart\n"
         "  --no-phrases              no multi-word terms found from the corpus\n"
         "  --code MODE               drop or keep code blocks of Markdown notes [drop]\n"
         "  --keep-duplicates         keep talks whose text copies an earlier talk\n"
         "  --optimize-interval N     re-estimate asymmetric alpha every N sweeps; 0 = off\n"
         "  --alpha F, --beta F       initial alpha per topic, and beta [0.01]\n"
         "  --holdout F               keep this fraction of talks out of training and report\n"
         "                            their perplexity\n"
         "  -q, --quiet               no progress on standard error\n"
         "Exit status: 0 success, 1 the run failed, 2 bad command line.\n";
}
