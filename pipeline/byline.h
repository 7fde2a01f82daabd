/* Speaker bylines in talk notes: "Speaker: Samuel Okoye." at the start of a line, or
 * "(Speaker: Lin Mei)" anywhere, and their Chinese forms ("講者：林美。"). A byline names who gave
 * the talk, not what it is about, yet the name often recurs in the text ("Samuel maintains...")
 * and would become a tag or a topic word. The label and the name after it are removed, the rest
 * of the line stays, and later mentions of the name's words can be hidden too. */
#ifndef TOPICS_BYLINE_H
#define TOPICS_BYLINE_H

#include <stddef.h>

#define BL_NAME_MAX 120
#define BL_NAMES_MAX 512

/* The words of the names a talk's bylines gave, in Latin script ("Samuel", "Okoye"), each ended
 * by a NUL; a plain value, emptied by setting len to 0. Words that do not fit are left out. */
typedef struct bl_names {
  char buf[BL_NAMES_MAX];
  size_t len;
} bl_names;

/* Rewrites s[0..n) (whole lines of one talk, already cleaned of markup) in place without its
 * bylines and returns the new length (<= n). Line ends are kept. The name ends at the first
 * sentence end (". ", "。", ";", "；"), "|", a closing bracket when the byline opened one, the
 * line end, or after BL_NAME_MAX bytes. Well-formed UTF-8 stays well-formed. The name's words
 * are added to names (may be NULL). */
size_t bl_strip(char *s, size_t n, bl_names *names);

/* Hides the speaker's name where the talk's text mentions it ("Samuel maintains...", "thanks to
 * Okoye"): each whole word of s[0..n) that is one of names, written the same way, becomes a '.'
 * and spaces, so it is no term and joins no phrase. The length stays n. */
void bl_hide_names(char *s, size_t n, const bl_names *names);

#endif
