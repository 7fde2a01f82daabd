/* The built-in stopword lists, compiled into the binary from en.txt and zh.txt by embed.cmake.
 * Each is the file's bytes (UTF-8, one word per line, '#' comments), not NUL-terminated. */
#ifndef TOPICS_STOPWORDS_H
#define TOPICS_STOPWORDS_H

#include <stddef.h>

extern const unsigned char stopwords_en[];
extern const size_t stopwords_en_len;
extern const unsigned char stopwords_zh[];
extern const size_t stopwords_zh_len;

#endif
