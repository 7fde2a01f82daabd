/* Names of the status codes. */
#include "common/status.h"

const char *topics_strerror(topics_status s) {
  switch (s) {
  case TOPICS_OK: return "success";
  case TOPICS_ENOMEM: return "out of memory";
  case TOPICS_EIO: return "input/output error";
  case TOPICS_EINVAL: return "invalid argument";
  case TOPICS_EPARSE: return "malformed input";
  case TOPICS_EICU: return "ICU error";
  case TOPICS_ENOTEXT: return "no usable text";
  case TOPICS_EINTR: return "interrupted";
  case TOPICS_ENOENT: return "no such file or directory";
  case TOPICS_ELIMIT: return "limit exceeded";
  }
  return "unknown error";
}
