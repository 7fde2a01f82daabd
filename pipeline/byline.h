/* Speaker bylines in talk notes: "Speaker: Samuel Okoye." at the start of a line, or
 * "(Speaker: Lin Mei)" anywhere, and their Chinese forms ("講者：林美。"). A byline names who gave
 * the talk, not what it is about, yet the name often recurs in the text ("Samuel maintains...")
 * and would become a tag or a topic word. The label and the name after it are removed; the rest
 * of the line stays. */
#ifndef TOPICS_BYLINE_H
#define TOPICS_BYLINE_H

#include <stddef.h>

/* Rewrites s[0..n) (whole lines of one talk, already cleaned of markup) in place without its
 * bylines and returns the new length (<= n). Line ends are kept. The name ends at the first
 * sentence end (". ", "。", ";", "；"), "|", a closing bracket when the byline opened one, the
 * line end, or after BL_NAME_MAX bytes. Well-formed UTF-8 stays well-formed. */
size_t bl_strip(char *s, size_t n);

#define BL_NAME_MAX 120

#endif
