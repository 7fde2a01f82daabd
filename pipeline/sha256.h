/* SHA-256 (FIPS 180-4), for the Content-Security-Policy hash of the report's inline script and
 * style sheet: the browser runs them only if their digest matches the one the page declares. */
#ifndef TOPICS_SHA256_H
#define TOPICS_SHA256_H

#include <stddef.h>
#include <stdint.h>

/* Length of sha256_base64's output including the NUL. */
#define SHA256_B64_SIZE 45

/* The 32-byte digest of data[0..len). */
void sha256(const void *data, size_t len, uint8_t out[32]);

/* The digest in standard base64 with padding (44 characters), as CSP's 'sha256-...' wants. */
void sha256_base64(const void *data, size_t len, char out[SHA256_B64_SIZE]);

#endif
