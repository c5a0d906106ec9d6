// The floor for one-at-a-time readFile/writeFile of a small file through
// io_uring, for files the kernel cannot read or write without blocking
// (tmpfs): the requests the facade makes, in C on liburing.
//
//   cc -O2 -o /tmp/tmpfs-floor c/tmpfs-floor.c -luring
//   /tmp/tmpfs-floor <file> read|write steps|chain [sqpoll] [epoll] [skip]
//
// read:  open, read 64 KiB, read again (returns 0), close
// write: open O_WRONLY|O_CREAT|O_TRUNC, write 4 KiB, close
// steps: each request waits for the one before (a submission and a wait each)
// chain: all of them linked (IOSQE_IO_HARDLINK) through a direct descriptor,
//        one submission and one io-wq hand-off
// sqpoll: an IORING_SETUP_SQPOLL ring (a kernel thread polls the SQ) instead
//        of SINGLE_ISSUER | COOP_TASKRUN
// epoll: wait as an event loop does (epoll_wait on the ring fd, then reap)
//        instead of inside io_uring_enter
// skip:  chained steps before the close post no CQE when they succeed
//        (IOSQE_CQE_SKIP_SUCCESS), as the facade's writeFile does
//
// Prints wall-clock and process CPU µs per file (the SQ thread's CPU counts).
#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>

#include "micros.h"

enum { WARMUP = 2000, FILES = 20000 };

static struct io_uring ring;
static char buf[65536], data[4096];
/** >= 0: an epoll instance watching the ring fd, waited on before reaping. */
static int epfd = -1;
static unsigned skip;

/** Waits for a CQE: inside io_uring_enter, or in epoll_wait as an event loop. */
static int wait_cqe(struct io_uring_cqe **cqe) {
  if (epfd < 0) return io_uring_wait_cqe(&ring, cqe);
  while (io_uring_peek_cqe(&ring, cqe) != 0) {
    struct epoll_event event;
    // COOP_TASKRUN's completions arrive as task work, which interrupts the wait (EINTR) and runs
    // on the way out of it: then the CQE is there to peek.
    if (epoll_wait(epfd, &event, 1, -1) < 0 && errno != EINTR) return -errno;
  }
  return 0;
}

static int submit_and_reap(int count) {
  struct io_uring_cqe *cqe;
  int first = 0;
  int ret = epfd < 0 ? io_uring_submit_and_wait(&ring, count) : io_uring_submit(&ring);
  if (ret < 0) return ret;
  for (int i = 0; i < count; i++) {
    if ((ret = wait_cqe(&cqe)) < 0) return ret;
    if (i == 0) first = cqe->res;
    io_uring_cqe_seen(&ring, cqe);
  }
  return first;
}

static struct io_uring_sqe *sqe(void) {
  struct io_uring_sqe *s = io_uring_get_sqe(&ring);
  if (s == NULL) {
    fprintf(stderr, "SQ full\n");
    exit(1);
  }
  return s;
}

static int one_file(const char *path, int writing, int chained) {
  int flags = writing ? O_WRONLY | O_CREAT | O_TRUNC : O_RDONLY;
  if (chained) {
    // Each step but the close is hard-linked to the next.
    struct io_uring_sqe *s = sqe();
    io_uring_prep_openat_direct(s, AT_FDCWD, path, flags, 0666, 0);
    s->flags |= IOSQE_IO_HARDLINK | skip;
    // With skip, the open and a whole write post nothing; reads come up short (and post).
    int cqes = skip ? 1 : 2;
    for (int i = 0; i < (writing ? 1 : 2); i++) {
      s = sqe();
      if (writing) io_uring_prep_write(s, 0, data, sizeof data, -1);
      else io_uring_prep_read(s, 0, buf, sizeof buf, -1);
      s->flags |= IOSQE_FIXED_FILE | IOSQE_IO_HARDLINK | skip;
      if (!skip || !writing) cqes++;
    }
    io_uring_prep_close_direct(sqe(), 0);
    return submit_and_reap(cqes);
  }
  io_uring_prep_openat(sqe(), AT_FDCWD, path, flags, 0666);
  int fd = submit_and_reap(1);
  if (fd < 0) return fd;
  for (int i = 0; i < (writing ? 1 : 2); i++) {
    if (writing) io_uring_prep_write(sqe(), fd, data, sizeof data, -1);
    else io_uring_prep_read(sqe(), fd, buf, sizeof buf, -1);
    int n = submit_and_reap(1);
    if (n < 0) return n;
  }
  io_uring_prep_close(sqe(), fd);
  return submit_and_reap(1);
}

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: %s <file> read|write steps|chain [sqpoll] [epoll] [skip]\n", argv[0]);
    return 2;
  }
  const char *path = argv[1];
  int writing = strcmp(argv[2], "write") == 0;
  int chained = strcmp(argv[3], "chain") == 0;
  int sqpoll = 0, epoll = 0;
  for (int i = 4; i < argc; i++) {
    if (strcmp(argv[i], "sqpoll") == 0) sqpoll = 1;
    else if (strcmp(argv[i], "epoll") == 0) epoll = 1;
    else if (strcmp(argv[i], "skip") == 0) skip = IOSQE_CQE_SKIP_SUCCESS;
  }
  struct io_uring_params params = {0};
  if (sqpoll) {
    params.flags = IORING_SETUP_SQPOLL;
    params.sq_thread_idle = 1000;
  } else {
    params.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_COOP_TASKRUN;
  }
  int ret = io_uring_queue_init_params(64, &ring, &params);
  if (ret == 0) ret = io_uring_register_files_sparse(&ring, 1);
  if (ret < 0) {
    fprintf(stderr, "io_uring setup: %s\n", strerror(-ret));
    return 1;
  }
  if (epoll) {
    struct epoll_event event = {.events = EPOLLIN};
    if ((epfd = epoll_create1(EPOLL_CLOEXEC)) < 0 || epoll_ctl(epfd, EPOLL_CTL_ADD, ring.ring_fd, &event) < 0) {
      perror("epoll");
      return 1;
    }
  }
  memset(data, 7, sizeof data);
  double wall = 0, cpu = 0;
  for (int i = 0; i < WARMUP + FILES; i++) {
    if (i == WARMUP) {
      wall = micros(CLOCK_MONOTONIC);
      cpu = micros(CLOCK_PROCESS_CPUTIME_ID);
    }
    if ((ret = one_file(path, writing, chained)) < 0) {
      fprintf(stderr, "%s: %s\n", path, strerror(-ret));
      return 1;
    }
  }
  printf("%s %s %s%s%s%s: %.1f µs per file, CPU %.1f µs per file\n", path, argv[2], argv[3], sqpoll ? " sqpoll" : "", epoll ? " epoll" : "", skip ? " skip" : "",
         (micros(CLOCK_MONOTONIC) - wall) / FILES, (micros(CLOCK_PROCESS_CPUTIME_ID) - cpu) / FILES);
  return 0;
}
