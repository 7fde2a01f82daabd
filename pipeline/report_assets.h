/* The report's script and style sheet, compiled in from pipeline/report.js and report.css at build
 * time (pipeline/embed.cmake), so that report.html needs nothing beside itself. */
#ifndef TOPICS_REPORT_ASSETS_H
#define TOPICS_REPORT_ASSETS_H

#include <stddef.h>

/* NUL-terminated; the lengths exclude the NUL. */
extern const char report_js[];
extern const size_t report_js_len;
extern const char report_css[];
extern const size_t report_css_len;

#endif
