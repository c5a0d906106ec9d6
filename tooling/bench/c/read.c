// 4 KiB random reads of one file through liburing, for the read suites of
// tooling/bench: plain IORING_OP_READ (no registered buffers or files), the
// same offsets generator as cases.mjs, 200 ms warm-up, then `seconds` timed.
//
//   read <path> <depth> <seconds> <mode> [setup-flags]
//   mode depth: keep `depth` reads in flight, re-issuing each as it completes
//   mode batch: submit `depth` reads, wait for all of them, repeat
//   setup-flags: IORING_SETUP_* bits for io_uring_queue_init (default 0)
//
// Prints reads per second on one line. Built by the bench at run time:
//   cc -O2 -o read read.c -luring
#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define BLOCK 4096

static uint32_t x = 0x9e3779b9u;
static uint64_t blocks;

// The xorshift of cases.mjs, on the same 32-bit unsigned state.
static uint64_t next_offset(void) {
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  return (uint64_t)(x % blocks) * BLOCK;
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what, int err) {
  fprintf(stderr, "%s: %s\n", what, strerror(err));
  exit(1);
}

static void queue(struct io_uring *ring, int fd, char *bufs, unsigned slot) {
  struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
  if (sqe == NULL) die("io_uring_get_sqe", EBUSY);
  io_uring_prep_read(sqe, fd, bufs + (size_t)slot * BLOCK, BLOCK, next_offset());
  io_uring_sqe_set_data64(sqe, slot);
}

int main(int argc, char **argv) {
  if (argc < 5) {
    fprintf(stderr, "usage: %s <path> <depth> <seconds> <depth|batch> [setup-flags]\n", argv[0]);
    return 2;
  }
  unsigned depth = (unsigned)atoi(argv[2]);
  double seconds = atof(argv[3]);
  int batch = strcmp(argv[4], "batch") == 0;
  unsigned setup_flags = argc > 5 ? (unsigned)strtoul(argv[5], NULL, 0) : 0;
  int fd = open(argv[1], O_RDONLY);
  if (fd < 0) die("open", errno);
  struct stat st;
  if (fstat(fd, &st) < 0) die("fstat", errno);
  blocks = (uint64_t)st.st_size / BLOCK;
  struct io_uring ring;
  int ret = io_uring_queue_init(256, &ring, setup_flags);
  if (ret < 0) die("io_uring_queue_init", -ret);
  char *bufs = aligned_alloc(BLOCK, (size_t)depth * BLOCK);
  if (bufs == NULL) die("aligned_alloc", ENOMEM);

  double start = now(), warm_end = start + 0.2, end = 0;
  uint64_t ops = 0;
  int measuring = 0;
  if (!batch) {
    for (unsigned i = 0; i < depth; i++) queue(&ring, fd, bufs, i);
  }
  for (;;) {
    if (batch) {
      for (unsigned i = 0; i < depth; i++) queue(&ring, fd, bufs, i);
      ret = io_uring_submit_and_wait(&ring, depth);
    } else {
      ret = io_uring_submit_and_wait(&ring, 1);
    }
    if (ret < 0 && ret != -EINTR) die("io_uring_submit_and_wait", -ret);
    unsigned head, seen = 0;
    struct io_uring_cqe *cqe;
    io_uring_for_each_cqe(&ring, head, cqe) {
      if (cqe->res != BLOCK) die("read", cqe->res < 0 ? -cqe->res : EIO);
      if (!batch) queue(&ring, fd, bufs, (unsigned)io_uring_cqe_get_data64(cqe));
      seen++;
    }
    io_uring_cq_advance(&ring, seen);
    if (batch && seen < depth) {
      // Collect the rest of this batch before starting the next one.
      unsigned left = depth - seen;
      while (left > 0) {
        ret = io_uring_wait_cqe(&ring, &cqe);
        if (ret < 0) die("io_uring_wait_cqe", -ret);
        if (cqe->res != BLOCK) die("read", cqe->res < 0 ? -cqe->res : EIO);
        io_uring_cqe_seen(&ring, cqe);
        left--;
      }
      seen = depth;
    }
    ops += seen;
    double t = now();
    if (!measuring && t >= warm_end) {
      measuring = 1;
      ops = 0;
      start = t;
      end = t + seconds;
    } else if (measuring && t >= end) {
      printf("%.1f\n", ops / (t - start));
      break;
    }
  }
  io_uring_queue_exit(&ring);
  close(fd);
  free(bufs);
  return 0;
}
