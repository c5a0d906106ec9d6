// The floor for readFile/writeFile of a small file, <depth> files at once,
// through io_uring: the requests the facade makes, in C on liburing, driven
// as an event loop drives them (one submission per loop iteration, epoll_wait
// on the ring fd when no completion is there).
//
//   cc -O2 -o /tmp/files-at-depth c/files-at-depth.c -luring
//   /tmp/files-at-depth read <file> <depth> [sqpoll]
//   /tmp/files-at-depth write <dir> <depth> [sqpoll]
//
// read:  open; a read of 64 KiB with RWF_NOWAIT; where that cannot be done
//        without waiting (EAGAIN: tmpfs), the read again with a statx
//        hard-linked after it (one io-wq hand-off), else a read that returns
//        0; close. Every file the same path, as the bench's readFile rows.
// write: one linked submission per file through a direct descriptor: open
//        O_WRONLY|O_CREAT|O_TRUNC, write 4 KiB, close, the first two with
//        IOSQE_CQE_SKIP_SUCCESS. Each of the <depth> writers its own file.
// sqpoll: an IORING_SETUP_SQPOLL ring (a kernel thread polls the SQ, as
//        libuv's ring under UV_USE_IO_URING=1) instead of SINGLE_ISSUER |
//        COOP_TASKRUN, the facade's default.
//
// Prints {"rate": files per second, "cpuPerOp": process CPU µs per file}
// (io-wq workers' and the SQ thread's CPU count: they are threads of the
// process), as the bench's cases report.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <time.h>

#include "micros.h"

enum { WARMUP = 5000, FILES = 100000, FIRST = 65536, MAX_DEPTH = 256 };
enum step { OPEN, NOWAIT, HANDOFF_READ, HANDOFF_STATX, EOF_READ, CLOSE, CHAIN };

struct file {
  int fd;
  int pending;  // CQEs still to come for the current step
  int got;      // bytes the handed-off read returned
  char buf[FIRST];
  struct statx stx;
  char path[4096];
};

static struct io_uring ring;
static struct file files[MAX_DEPTH];
static char data[4096];
static int writing;
static long done;

static struct io_uring_sqe *sqe(int k, enum step step) {
  struct io_uring_sqe *s = io_uring_get_sqe(&ring);
  if (s == NULL) {
    fprintf(stderr, "SQ full\n");
    exit(1);
  }
  io_uring_sqe_set_data64(s, (__u64)k << 8 | step);
  return s;
}

static void start(int k) {
  struct file *f = &files[k];
  if (writing) {
    struct io_uring_sqe *s = sqe(k, CHAIN);
    io_uring_prep_openat_direct(s, AT_FDCWD, f->path, O_WRONLY | O_CREAT | O_TRUNC, 0666, k);
    s->flags |= IOSQE_IO_LINK | IOSQE_CQE_SKIP_SUCCESS;
    s = sqe(k, CHAIN);
    io_uring_prep_write(s, k, data, sizeof data, -1);
    s->flags |= IOSQE_FIXED_FILE | IOSQE_IO_LINK | IOSQE_CQE_SKIP_SUCCESS;
    io_uring_prep_close_direct(sqe(k, CHAIN), k);
  } else {
    io_uring_prep_openat(sqe(k, OPEN), AT_FDCWD, f->path, O_RDONLY | O_CLOEXEC, 0);
  }
}

static void fail(int k, const char *what, int res) {
  fprintf(stderr, "file %d: %s: %s\n", k, what, strerror(-res));
  exit(1);
}

static void close_file(int k) {
  io_uring_prep_close(sqe(k, CLOSE), files[k].fd);
}

/** Takes file `k` on after one of its CQEs. */
static void advance(int k, enum step step, int res) {
  struct file *f = &files[k];
  struct io_uring_sqe *s;
  switch (step) {
    case OPEN:
      if (res < 0) fail(k, "open", res);
      f->fd = res;
      s = sqe(k, NOWAIT);
      io_uring_prep_read(s, f->fd, f->buf, FIRST, -1);
      s->rw_flags = RWF_NOWAIT;
      return;
    case NOWAIT:
      if (res >= 0) {
        io_uring_prep_read(sqe(k, EOF_READ), f->fd, f->buf, FIRST, -1);
        return;
      }
      if (res != -EAGAIN && res != -EOPNOTSUPP) fail(k, "read", res);
      s = sqe(k, HANDOFF_READ);
      io_uring_prep_read(s, f->fd, f->buf, FIRST, -1);
      s->flags |= IOSQE_IO_HARDLINK;
      io_uring_prep_statx(sqe(k, HANDOFF_STATX), f->fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &f->stx);
      f->pending = 2;
      return;
    case HANDOFF_READ:
    case HANDOFF_STATX:
      if (res < 0) fail(k, step == HANDOFF_READ ? "read" : "statx", res);
      if (step == HANDOFF_READ) f->got = res;
      if (--f->pending > 0) return;
      // A read that reached the size statx gives ends the file, as in the facade; else one more read.
      if ((__u64)f->got == f->stx.stx_size) close_file(k);
      else io_uring_prep_read(sqe(k, EOF_READ), f->fd, f->buf, FIRST, -1);
      return;
    case EOF_READ:
      if (res != 0) fail(k, "read (expected 0)", res < 0 ? res : -EFBIG);
      close_file(k);
      return;
    case CLOSE:
    case CHAIN:
      if (res < 0) fail(k, step == CLOSE ? "close" : "open-write-close", res);
      done++;
      start(k);
      return;
  }
}

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: %s read <file> | write <dir>  <depth> [sqpoll]\n", argv[0]);
    return 2;
  }
  writing = strcmp(argv[1], "write") == 0;
  int depth = atoi(argv[3]);
  int sqpoll = argc > 4 && strcmp(argv[4], "sqpoll") == 0;
  if (depth < 1 || depth > MAX_DEPTH) {
    fprintf(stderr, "depth: 1 to %d\n", MAX_DEPTH);
    return 2;
  }
  struct io_uring_params params = {0};
  if (sqpoll) {
    params.flags = IORING_SETUP_SQPOLL;
    params.sq_thread_idle = 10;
  } else {
    params.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_COOP_TASKRUN;
  }
  int ret = io_uring_queue_init_params(4 * MAX_DEPTH, &ring, &params);
  if (ret == 0 && writing) ret = io_uring_register_files_sparse(&ring, depth);
  if (ret < 0) {
    fprintf(stderr, "io_uring setup: %s\n", strerror(-ret));
    return 1;
  }
  int epfd = epoll_create1(EPOLL_CLOEXEC);
  struct epoll_event event = {.events = EPOLLIN};
  if (epfd < 0 || epoll_ctl(epfd, EPOLL_CTL_ADD, ring.ring_fd, &event) < 0) {
    perror("epoll");
    return 1;
  }
  memset(data, 7, sizeof data);
  for (int k = 0; k < depth; k++) {
    if (writing) snprintf(files[k].path, sizeof files[k].path, "%s/files-at-depth-%d", argv[2], k);
    else snprintf(files[k].path, sizeof files[k].path, "%s", argv[2]);
    start(k);
  }
  double wall = 0, cpu = 0;
  int timing = 0;
  while (done < WARMUP + FILES) {
    if (!timing && done >= WARMUP) {
      timing = 1;
      done = WARMUP;
      wall = micros(CLOCK_MONOTONIC);
      cpu = micros(CLOCK_PROCESS_CPUTIME_ID);
    }
    // One submission per loop iteration, then the loop blocks in epoll_wait
    // until the ring fd is readable (COOP_TASKRUN's task work interrupts the
    // wait: EINTR, and the CQEs are there after it).
    if ((ret = io_uring_submit(&ring)) < 0) {
      fprintf(stderr, "io_uring_submit: %s\n", strerror(-ret));
      return 1;
    }
    struct io_uring_cqe *cqe;
    while (io_uring_peek_cqe(&ring, &cqe) != 0) {
      if (epoll_wait(epfd, &event, 1, -1) < 0 && errno != EINTR) {
        perror("epoll_wait");
        return 1;
      }
    }
    unsigned head, seen = 0;
    io_uring_for_each_cqe(&ring, head, cqe) {
      advance((int)(cqe->user_data >> 8), (enum step)(cqe->user_data & 0xff), cqe->res);
      seen++;
    }
    io_uring_cq_advance(&ring, seen);
  }
  double seconds = (micros(CLOCK_MONOTONIC) - wall) / 1e6;
  printf("{\"rate\":%.1f,\"cpuPerOp\":%.2f}\n", FILES / seconds, (micros(CLOCK_PROCESS_CPUTIME_ID) - cpu) / FILES);
  return 0;
}
