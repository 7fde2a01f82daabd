/* A term-matrix builder as bytes, and back: how processes that tokenised different shares of the
 * input agree on one vocabulary. Each packs its builder (surfaces with their term keys and flags,
 * and its documents' token streams) before the phrase pass; every process unpacks all of them,
 * appending the documents in input order, and interns each surface when it first occurs. The
 * merged builder is then the one a single process would have built from the whole input, so
 * phrases, --min-df/--max-df and term ids come out the same. Bytes are in host order: the
 * processes of one run share an architecture. */
#ifndef TOPICS_DTM_PACK_H
#define TOPICS_DTM_PACK_H

#include <stddef.h>
#include <stdint.h>

#include "common/status.h"
#include "models/dtm.h"

/* b's surfaces and documents into *buf (malloc'd, *len bytes; the caller frees it). TOPICS_EINVAL
 * when b already went through dtm_builder_phrases. */
topics_status dtm_pack(const dtm_builder *b, uint8_t **buf, size_t *len);

typedef struct dtm_unpack dtm_unpack;

/* A reader over buf (which must outlive it); NULL and *st = TOPICS_EINVAL when buf is not a whole
 * packed builder, TOPICS_ENOMEM. Free with dtm_unpack_free. */
dtm_unpack *dtm_unpack_new(const uint8_t *buf, size_t len, topics_status *st);
/* dtm_unpack_free(NULL) does nothing. */
void dtm_unpack_free(dtm_unpack *u);

/* Documents in the packed builder. */
uint32_t dtm_unpack_ndocs(const dtm_unpack *u);

/* Appends packed document i's tokens to dst's current document (begin it first), interning in
 * dst each surface the first time any document uses it. */
topics_status dtm_unpack_doc(dtm_unpack *u, uint32_t i, dtm_builder *dst);

#endif
