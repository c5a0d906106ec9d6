// The bench's C programs' clock: microseconds on `clock` (CLOCK_MONOTONIC for
// wall time, CLOCK_PROCESS_CPUTIME_ID for the CPU time of every thread of the
// process, io-wq workers and an SQPOLL thread included).
#pragma once
#include <time.h>

static inline double micros(clockid_t clock) {
  struct timespec t;
  clock_gettime(clock, &t);
  return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}
