/* Seconds on the monotonic clock, for measuring how long a stage took (never for dates). */
#ifndef TOPICS_CLOCK_H
#define TOPICS_CLOCK_H

/* Seconds since an arbitrary fixed point; only differences mean anything. */
double clock_seconds(void);

#endif
