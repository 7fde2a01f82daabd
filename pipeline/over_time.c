/* Dates from names, and topic shares per period. A share is token-weighted like a topic's overall
 * share: the period's sum of len(d) * theta(d, t) over the period's tokens. */
#include "pipeline/over_time.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "common/mem.h"
#include "pipeline/json_write.h"

static int is_digit(char c) { return c >= '0' && c <= '9'; }

/* The number in s[0..n) when all n are digits and the next is not a digit, else -1. */
static int digits(const char *s, int n) {
  int v = 0;
  for (int i = 0; i < n; i++) {
    if (!is_digit(s[i])) return -1;
    v = v * 10 + (s[i] - '0');
  }
  return is_digit(s[n]) ? -1 : v;
}

static int is_sep(char c) { return c == '-' || c == '_' || c == '.' || c == '/'; }

int ot_date_scan(const char *s, ot_date *out) {
  if (!s) return 0;
  for (size_t i = 0; s[i]; i++) {
    if (i > 0 && is_digit(s[i - 1])) continue;
    int y = digits(s + i, 4);
    if (y < 1970 || y > 2099) continue;
    ot_date d = {y, 0, 0};
    const char *p = s + i + 4;
    int m = is_sep(p[0]) ? digits(p + 1, 2) : -1;
    if (m >= 1 && m <= 12) {
      d.month = m;
      p += 3;
      int day = is_sep(p[0]) ? digits(p + 1, 2) : -1;
      if (day >= 1 && day <= 31) d.day = day;
    }
    *out = d;
    return 1;
  }
  return 0;
}

void ot_free(ot_table *tb) {
  if (!tb) return;
  free(tb->label);
  free(tb->talks);
  free(tb->share);
  free(tb);
}

/* A period number: months since year 0, or the year. */
static long period_of(const ot_date *d, int by_month) {
  return by_month ? (long)d->year * 12 + (d->month - 1) : d->year;
}

topics_status ot_compute(const out_run *r, ot_table **out) {
  *out = NULL;
  if (!r || !r->model || !r->sum || !r->m || !r->docs) return TOPICS_EINVAL;
  uint32_t nd = dtm_ndocs(r->m), k = r->sum->k;
  ot_date *dates = calloc(nd ? nd : 1, sizeof *dates);
  if (!dates) return TOPICS_ENOMEM;
  uint32_t ndated = 0;
  int all_months = 1, ymin = 9999, ymax = 0;
  for (uint32_t d = 0; d < nd; d++) {
    ot_date *dt = &dates[d];
    if (!ot_date_scan(r->docs[d].date, dt) && !ot_date_scan(r->docs[d].id, dt) &&
        !ot_date_scan(r->docs[d].path, dt))
      continue;
    ndated++;
    all_months &= dt->month != 0;
    if (dt->year < ymin) ymin = dt->year;
    if (dt->year > ymax) ymax = dt->year;
  }
  int by_month = ndated && all_months && ymax - ymin <= 1;
  long pmin = by_month ? (long)ymin * 12 : ymin, pmax = by_month ? (long)ymax * 12 + 11 : ymax;
  size_t span = ndated ? (size_t)(pmax - pmin + 1) : 0;
  /* per-period token mass, talks and topic mass over the full span; empty periods dropped after */
  double *mass = calloc(span ? span : 1, sizeof *mass), *tm = NULL;
  uint32_t *talks = calloc(span ? span : 1, sizeof *talks);
  ot_table *tb = calloc(1, sizeof *tb);
  size_t cells;
  topics_status st = TOPICS_ENOMEM;
  if (!mass || !talks || !tb || mem_mul(span, k, &cells) != TOPICS_OK) goto fail;
  tm = calloc(cells ? cells : 1, sizeof *tm);
  if (!tm) goto fail;
  for (uint32_t d = 0; d < nd; d++) {
    if (!dates[d].year) continue;
    size_t p = (size_t)(period_of(&dates[d], by_month) - pmin);
    uint32_t len;
    dtm_doc(r->m, d, &len);
    talks[p]++;
    mass[p] += len;
    const double *th = r->sum->docs[d].theta;
    for (uint32_t t = 0; t < k; t++) tm[p * k + t] += len * th[t];
  }
  uint32_t np = 0;
  for (size_t p = 0; p < span; p++) np += talks[p] > 0;
  if (np < 2) {
    st = TOPICS_OK;
    ot_free(tb);
    tb = NULL;
    goto fail;
  }
  tb->k = k;
  tb->nperiods = np;
  tb->by_month = by_month;
  tb->ndated = ndated;
  tb->label = calloc(np, sizeof *tb->label);
  tb->talks = calloc(np, sizeof *tb->talks);
  tb->share = calloc((size_t)np * k, sizeof *tb->share);
  if (!tb->label || !tb->talks || !tb->share) goto fail;
  uint32_t q = 0;
  for (size_t p = 0; p < span; p++) {
    if (!talks[p]) continue;
    long v = pmin + (long)p;
    int year = (int)(by_month ? v / 12 : v), month = (int)(v % 12) + 1;
    if (by_month) snprintf(tb->label[q], sizeof tb->label[q], "%04d-%02d", year, month);
    else snprintf(tb->label[q], sizeof tb->label[q], "%04d", year);
    tb->talks[q] = talks[p];
    for (uint32_t t = 0; t < k; t++)
      tb->share[(size_t)t * np + q] = mass[p] > 0 ? tm[p * k + t] / mass[p] : 0;
    q++;
  }
  *out = tb;
  tb = NULL;
  st = TOPICS_OK;
fail:
  ot_free(tb);
  free(tm);
  free(talks);
  free(mass);
  free(dates);
  return st;
}

void ot_put_json(FILE *f, const ot_table *tb, uint32_t t) {
  fputc('[', f);
  for (uint32_t p = 0; tb && t < tb->k && p < tb->nperiods; p++) {
    fputs(p ? ", {\"period\": " : "{\"period\": ", f);
    jw_string(f, tb->label[p]);
    fprintf(f, ", \"talks\": %" PRIu32 ", \"share\": ", tb->talks[p]);
    jw_number(f, tb->share[(size_t)t * tb->nperiods + p]);
    fputc('}', f);
  }
  fputc(']', f);
}
