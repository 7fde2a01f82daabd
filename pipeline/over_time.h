/* Topic shares per period (year, or month when the dated talks span two years or less), for the
 * report's "over time" chart and the JSON field topics[].over_time. A talk's date comes from its
 * front-matter date, else its id, else its path: the first date written there as 2022-06-08,
 * 2022_06, 2022.06 or a lone year such as the 2021 in "2021-organize/" or "pycon-us-2019/".
 * Talks without one are left out. */
#ifndef TOPICS_OVER_TIME_H
#define TOPICS_OVER_TIME_H

#include <stdint.h>
#include <stdio.h>

#include "common/status.h"
#include "pipeline/output.h"

typedef struct ot_date {
  int year;   /* 1970..2099 */
  int month;  /* 1..12, or 0 when only the year is known */
  int day;    /* 1..31, or 0 */
} ot_date;

/* The first date in s (NULL: none): a year from 1970 to 2099 not run together with other digits,
 * optionally followed by a month and a day, each after one of - _ . /. 1 when found. */
int ot_date_scan(const char *s, ot_date *out);

typedef struct ot_table {
  uint32_t k, nperiods;
  int by_month;       /* periods are "YYYY-MM" rather than "YYYY" */
  uint32_t ndated;    /* talks with a date */
  char (*label)[24];  /* room for any two ints */   /* nperiods labels, oldest first; only periods with talks */
  uint32_t *talks;    /* talks per period */
  double *share;      /* k rows of nperiods: share of the period's tokens in topic t */
} ot_table;

/* The table for a run with a model. Dates come from each talk's date, id or path, first found. *out is NULL
 * (and TOPICS_OK returned) when fewer than two periods have talks. Free with ot_free.
 * TOPICS_EINVAL without a model, TOPICS_ENOMEM when out of memory. */
topics_status ot_compute(const out_run *r, ot_table **out);
void ot_free(ot_table *tb);

/* Writes topic t's row as a JSON array: [{"period": "2019", "talks": 120, "share": 0.031}, ...];
 * tb == NULL writes []. */
void ot_put_json(FILE *f, const ot_table *tb, uint32_t t);

#endif
