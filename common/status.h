/* Status codes shared by every module. Functions return one of these and fill out-parameters;
 * only main() turns them into an exit status. */
#ifndef TOPICS_STATUS_H
#define TOPICS_STATUS_H

typedef enum topics_status {
  TOPICS_OK = 0,
  TOPICS_ENOMEM = -1,  /* allocation failed, or a size computation would overflow */
  TOPICS_EIO = -2,     /* reading or writing a file failed; errno says why */
  TOPICS_EINVAL = -3,  /* an argument or option value is out of range or malformed */
  TOPICS_EPARSE = -4,  /* input data is malformed (dictionary, JSON Lines, ...) */
  TOPICS_EICU = -5,    /* ICU reported an error */
  TOPICS_ENOTEXT = -6, /* there is no usable text */
  TOPICS_EINTR = -7,   /* interrupted by SIGINT or SIGTERM */
  TOPICS_ENOENT = -8,  /* a path does not exist */
  TOPICS_ELIMIT = -9   /* a built-in limit was exceeded (the message names it) */
} topics_status;

/* A short English description of s; a static string, never freed. */
const char *topics_strerror(topics_status s);

#endif
