/* Locale-independent, deterministic formatting for the writers: JSON string escaping (always valid
 * UTF-8 out) and number formatting that never depends on LC_NUMERIC and never prints nan or inf. */
#ifndef TOPICS_JSON_WRITE_H
#define TOPICS_JSON_WRITE_H

#include <stddef.h>
#include <stdio.h>

/* Big enough for every string jw_format_number and jw_format_fixed produce. */
#define JW_NUMBUF 48

/* Writes s as a quoted JSON string: '"' and '\\' escaped, control characters as \n, \t, ... or
 * \u00XX, U+2028/U+2029 as \u2028/\u2029 (so the text is also safe inside a <script>), ill-formed
 * UTF-8 replaced by U+FFFD. s == NULL writes "". Write errors stay in ferror(f). */
void jw_string(FILE *f, const char *s);

/* Appends the decimal digits of v to p (at least 20 bytes free); returns the new end. printf
 * costs a thousand instructions a number, too many for a file of a million of them. */
char *jw_put_uint(char *p, unsigned long long v);

/* Formats x with 6 significant digits, trailing zeros dropped, into buf (JW_NUMBUF bytes): plain
 * decimal notation when the exponent is in [-5, 15), else d.ddde-7 style; -0 prints as 0. A
 * non-finite x gives "null", so the result is always a valid JSON value. Returns buf. */
char *jw_format_number(char *buf, double x);

/* Formats x with exactly `decimals` (0..9) digits after the point, rounded half away from zero,
 * into buf (JW_NUMBUF bytes). Non-finite gives "n/a"; |x| >= 1e15 falls back to
 * jw_format_number. For readable reports, not JSON. Returns buf. */
char *jw_format_fixed(char *buf, double x, int decimals);

/* Writes jw_format_number(x) to f. */
void jw_number(FILE *f, double x);

#endif
