/* Spans packed to about a byte each, for a segmentation held between two scans of the same text
 * (`topics segment` keeps the spans of a learning batch so that it segments every line once).
 * Most spans are a word of one or two Han characters right after the one before: a head byte
 * holds the kind (bits 0-2), glued (bit 3), whether white space comes before the span (bit 4) and
 * a length of 1 to 7 bytes (bits 5-7; 0: the length follows); then the length and the white
 * space's bytes follow as base-128 varints when needed. */
#ifndef TOPICS_SEG_PACK_H
#define TOPICS_SEG_PACK_H

#include <stddef.h>
#include <stdint.h>

#include "tokenize/segmenter.h"

/* Bytes that sp[0..n) take packed. The spans must be those of one text, in order and not
 * overlapping (as seg_run gives them); offsets are relative to the text's start. */
size_t seg_pack_size(const seg_span *sp, size_t n);

/* Packs sp[0..n) into out, which holds seg_pack_size(sp, n) bytes. */
void seg_pack(const seg_span *sp, size_t n, uint8_t *out);

/* Unpacks n spans from in (written by seg_pack) into out[0..n); returns the bytes read. */
size_t seg_unpack(const uint8_t *in, size_t n, seg_span *out);

#endif
