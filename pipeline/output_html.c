/* report.html: one self-contained page (inline CSS, no scripts, fonts or links outside the file),
 * readable offline and safe to open whatever the notes contain: every piece of text from the input
 * goes through html_text, which escapes markup characters and repairs bad UTF-8. */
#include <inttypes.h>
#include <string.h>

#include "common/utf8.h"
#include "pipeline/json_write.h"
#include "pipeline/output_int.h"

static const char STYLE[] =
    "body{font-family:system-ui,-apple-system,\"Segoe UI\",\"Noto Sans\",\"Noto Sans CJK TC\","
    "\"PingFang TC\",\"Microsoft JhengHei\",sans-serif;margin:2em auto;max-width:60em;"
    "padding:0 1em;color:#222;line-height:1.45}\n"
    "h1{margin-bottom:.2em}.meta{color:#555}small{color:#666}\n"
    ".topic{border-top:1px solid #ddd;padding:.6em 0}\n"
    ".topic h3{margin:.2em 0}.share{font-weight:normal;color:#555}\n"
    ".bar{background:#eee;height:.5em;max-width:20em}.bar span{display:block;height:100%;"
    "background:#4a7ab5}\n"
    ".words{list-style:none;padding:0;margin:.4em 0}.words li{display:inline-block;"
    "margin:0 .8em .2em 0}\n"
    "table{border-collapse:collapse;width:100%}th,td{text-align:left;vertical-align:top;"
    "border-bottom:1px solid #eee;padding:.3em .5em}\n"
    "tr:target{background:#fff6d5}.topic:target{background:#fff6d5}\n";

/* Writes s as HTML text or attribute content. */
static void html_text(FILE *f, const char *s) {
  if (!s) return;
  size_t len = strlen(s), i = 0;
  while (i < len) {
    unsigned char c = (unsigned char)s[i];
    if (c < 0x80) {
      switch (c) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&#39;", f); break;
        default: fputc(c < 0x20 || c == 0x7f ? ' ' : c, f);
      }
      i++;
      continue;
    }
    unsigned cp;
    size_t n = utf8_decode((const unsigned char *)s + i, len - i, &cp);
    if (cp == 0xFFFD) fputs("\xEF\xBF\xBD", f);
    else fwrite(s + i, 1, n, f);
    i += n;
  }
}

static void put_fixed(FILE *f, double x, int decimals) {
  char buf[JW_NUMBUF];
  fputs(jw_format_fixed(buf, x, decimals), f);
}

static void put_meta(FILE *f, const out_run *r) {
  fprintf(f, "<p class=\"meta\">%" PRIu32 " talks &middot; %" PRIu64 " tokens &middot; %" PRIu32
          " terms", dtm_ndocs(r->m), dtm_ntokens(r->m), dtm_nterms(r->m));
  if (r->model) {
    fprintf(f, " &middot; %" PRIu32 " topics &middot; %" PRIu32 " iterations &middot; seed %" PRIu64
            " &middot; log-likelihood ", lda_k(r->model), lda_iterations(r->model), r->seed);
    put_fixed(f, lda_log_likelihood_per_token(r->model), 3);
    fputs(" per token", f);
  } else {
    fputs(" &middot; tags only, no topic model", f);
  }
  fputs("</p>\n", f);
  if (r->nskipped) {
    fprintf(f, "<details><summary>%zu file%s skipped</summary>\n<ul>\n", r->nskipped,
            r->nskipped == 1 ? "" : "s");
    for (size_t i = 0; i < r->nskipped; i++) {
      fputs("<li>", f);
      html_text(f, r->skipped[i].path);
      fputs(": ", f);
      html_text(f, r->skipped[i].reason);
      fputs("</li>\n", f);
    }
    fputs("</ul></details>\n", f);
  }
}

static void put_topics(FILE *f, const out_run *r) {
  const summary *s = r->sum;
  fputs("<section id=\"topics\">\n<h2>Topics</h2>\n", f);
  for (uint32_t t = 0; t < s->k; t++) {
    const sum_topic *tp = &s->topics[t];
    fprintf(f, "<div class=\"topic\" id=\"topic-%" PRIu32 "\">\n<h3>Topic %" PRIu32
            " <span class=\"share\">", t, t);
    put_fixed(f, tp->share * 100.0, 1);
    fputs("%</span></h3>\n<div class=\"bar\"><span style=\"width:", f);
    put_fixed(f, tp->share * 100.0, 1);
    fputs("%\"></span></div>\n<ol class=\"words\">\n", f);
    for (uint32_t i = 0; i < tp->nwords; i++) {
      fputs("<li>", f);
      html_text(f, dtm_term_word(r->m, tp->words[i]));
      fputs(" <small>", f);
      put_fixed(f, tp->weights[i], 3);
      fputs("</small></li>\n", f);
    }
    fputs("</ol>\n", f);
    if (tp->ndocs) {
      fputs("<ul class=\"docs\">\n", f);
      for (uint32_t i = 0; i < tp->ndocs; i++) {
        const out_doc_meta *dm = &r->docs[tp->docs[i]];
        fprintf(f, "<li><a href=\"#doc-%" PRIu32 "\">", tp->docs[i]);
        html_text(f, dm->title);
        fputs("</a> <small>", f);
        html_text(f, dm->id);
        fputs("</small></li>\n", f);
      }
      fputs("</ul>\n", f);
    }
    fputs("</div>\n", f);
  }
  fputs("</section>\n", f);
}

/* The topic's first words, for the tooltip on a topic link. */
static void put_topic_hint(FILE *f, const out_run *r, uint32_t t) {
  const sum_topic *tp = &r->sum->topics[t];
  for (uint32_t i = 0; i < tp->nwords && i < 5; i++) {
    if (i) fputs(", ", f);
    html_text(f, dtm_term_word(r->m, tp->words[i]));
  }
}

static void put_talks(FILE *f, const out_run *r) {
  uint32_t nd = dtm_ndocs(r->m);
  fputs("<section id=\"talks\">\n<h2>Talks</h2>\n<table>\n<thead><tr><th>Talk</th><th>Tags</th>",
        f);
  if (r->model) fputs("<th>Topics</th>", f);
  fputs("</tr></thead>\n<tbody>\n", f);
  for (uint32_t d = 0; d < nd; d++) {
    const out_doc_meta *dm = &r->docs[d];
    fprintf(f, "<tr id=\"doc-%" PRIu32 "\"><td>", d);
    html_text(f, dm->title);
    fputs("<br><small>", f);
    html_text(f, dm->id);
    fputs("</small></td><td>", f);
    const tags_doc *td = r->tags ? &r->tags[d] : NULL;
    for (uint32_t i = 0; td && i < td->n; i++) {
      if (i) fputs(", ", f);
      html_text(f, dtm_doc_word(r->m, d, td->terms[i]));
    }
    fputs("</td>", f);
    if (r->model) {
      const sum_doc *sd = &r->sum->docs[d];
      fputs("<td>", f);
      for (uint32_t i = 0; i < sd->ntop; i++) {
        uint32_t t = sd->top[i];
        fprintf(f, "%s<a href=\"#topic-%" PRIu32 "\" title=\"", i ? "<br>" : "", t);
        put_topic_hint(f, r, t);
        fprintf(f, "\">Topic %" PRIu32 "</a> ", t);
        put_fixed(f, sd->theta[t] * 100.0, 0);
        fputc('%', f);
      }
      fputs("</td>", f);
    }
    fputs("</tr>\n", f);
  }
  fputs("</tbody>\n</table>\n</section>\n", f);
}

topics_status out_html(FILE *f, const out_run *r) {
  topics_status st = out_check_run(r);
  if (st != TOPICS_OK) return st;
  fputs("<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<meta name=\"generator\" content=\"topics ", f);
  html_text(f, out_version(r));
  fprintf(f, "\">\n<title>%s report</title>\n<style>\n%s</style>\n</head>\n<body>\n<h1>%s</h1>\n",
          r->model ? "Topics" : "Tags", STYLE, r->model ? "Topics" : "Tags");
  put_meta(f, r);
  if (r->model) put_topics(f, r);
  put_talks(f, r);
  fputs("</body>\n</html>\n", f);
  return ferror(f) ? TOPICS_EIO : TOPICS_OK;
}
