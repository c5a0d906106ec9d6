// The physical floor of the net suites of tooling/bench: the servers of the Node rows, in C on
// liburing. One thread, one ring (SINGLE_ISSUER + DEFER_TASKRUN); accept is one multishot request,
// each connection one multishot recv into a shared provided-buffer ring; sends keep order per
// connection (one in flight; echo gathers what arrived meanwhile into one sendmsg).
//
//   netfloor http   the keep-alive HTTP/1.1 responder of src/net/responder.mjs: every request (a
//                   header block ending in a blank line, no body) gets the same fixed response, in
//                   order; requests may come pipelined and split anywhere
//   netfloor echo   sends back what it receives, in order, straight from the provided buffers
//
// Listens on 127.0.0.1 at an ephemeral port, prints "listening <port>" and serves until killed.
// Built by the bench at run time: cc -O2 -o netfloor netfloor.c -luring
#include <arpa/inet.h>
#include <errno.h>
#include <liburing.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#define BUF_SIZE 65536u          // as much as libuv reads at once for node:net
#define BUF_COUNT 256u           // a power of two, as buffer rings need
#define BUF_GROUP 0
#define NO_BUF 0xffffu
#define RESPONSES_AT_ONCE 64u    // pipelined responses one send carries at most
#define SEND_IOVS 16             // echo: received buffers one sendmsg carries at most

// The same bytes as RESPONSE in src/net/responder.mjs.
static const char RESPONSE[] = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n\r\nHello, World!";
#define RESPONSE_LEN (sizeof RESPONSE - 1)

enum op { ACCEPT, RECV, SEND };

struct conn {
  unsigned char receiving;      // the multishot recv is armed, or waits for buffers
  unsigned char sending;        // a send is in flight
  unsigned char matched;        // http: how much of "\r\n\r\n" the bytes so far end with
  unsigned pending;             // http: responses owed and not yet being sent
  unsigned send_len, send_done; // http: the responses of the send in flight
  unsigned head_done;           // echo: bytes of the queue's first buffer already sent back
  unsigned short head, tail;    // echo: buffers received and not yet sent back, in order (NO_BUF: none)
  struct msghdr msg;            // echo: the sendmsg in flight, over iov
  struct iovec iov[SEND_IOVS];
};

static struct io_uring ring;
static struct io_uring_buf_ring *buf_ring;
static unsigned char *bufs;
static unsigned buf_len[BUF_COUNT];
static unsigned short buf_next[BUF_COUNT]; // echo: the next buffer of the same connection's queue
static struct conn *conns;
static int max_fd;
static int *starved;                       // connections whose recv stopped for lack of buffers
static unsigned starved_count;
static int echo_mode;
static char *responses;                    // RESPONSES_AT_ONCE copies of RESPONSE, back to back

static void die(const char *what, int err) {
  fprintf(stderr, "netfloor: %s: %s\n", what, strerror(err));
  exit(1);
}

static struct io_uring_sqe *get_sqe(void) {
  struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
  if (sqe == NULL) {
    // The SQ is full: hand it to the kernel and take the space it frees.
    int ret = io_uring_submit(&ring);
    if (ret < 0) die("io_uring_submit", -ret);
    sqe = io_uring_get_sqe(&ring);
    if (sqe == NULL) die("io_uring_get_sqe", EBUSY);
  }
  return sqe;
}

static void set_data(struct io_uring_sqe *sqe, enum op op, int fd) {
  io_uring_sqe_set_data64(sqe, (__u64)op << 32 | (unsigned)fd);
}

static void arm_accept(int listener) {
  struct io_uring_sqe *sqe = get_sqe();
  io_uring_prep_multishot_accept(sqe, listener, NULL, NULL, 0);
  set_data(sqe, ACCEPT, listener);
}

static void arm_recv(int fd) {
  struct io_uring_sqe *sqe = get_sqe();
  io_uring_prep_recv_multishot(sqe, fd, NULL, 0, 0);
  sqe->flags |= IOSQE_BUFFER_SELECT;
  sqe->buf_group = BUF_GROUP;
  set_data(sqe, RECV, fd);
  conns[fd].receiving = 1;
}

static void send_bytes(int fd, const void *data, unsigned len) {
  struct io_uring_sqe *sqe = get_sqe();
  io_uring_prep_send(sqe, fd, data, len, MSG_NOSIGNAL);
  set_data(sqe, SEND, fd);
  conns[fd].sending = 1;
}

static void recycle(unsigned short bid) {
  io_uring_buf_ring_add(buf_ring, bufs + (size_t)bid * BUF_SIZE, BUF_SIZE, bid, io_uring_buf_ring_mask(BUF_COUNT), 0);
  io_uring_buf_ring_advance(buf_ring, 1);
  while (starved_count > 0) arm_recv(starved[--starved_count]);
}

// A connection's descriptor is closed only once nothing of it is in flight, so no completion can
// name a descriptor number that was reused.
static void close_if_idle(int fd) {
  struct conn *c = &conns[fd];
  if (c->receiving || c->sending) return;
  if (close(fd) < 0) die("close", errno);
  memset(c, 0, sizeof *c);
  c->head = c->tail = NO_BUF;
}

// A send failed (the peer is gone): drop what was owed and end the recv; its last completion, or
// the send's if the recv has already ended, closes the connection.
static void abandon(int fd) {
  struct conn *c = &conns[fd];
  c->sending = 0;
  c->pending = 0;
  while (c->head != NO_BUF) {
    unsigned short bid = c->head;
    c->head = buf_next[bid];
    recycle(bid);
  }
  c->tail = NO_BUF;
  if (shutdown(fd, SHUT_RDWR) < 0 && errno != ENOTCONN) die("shutdown", errno);
}

// ---- http

static void send_responses(int fd) {
  struct conn *c = &conns[fd];
  unsigned n = c->pending < RESPONSES_AT_ONCE ? c->pending : RESPONSES_AT_ONCE;
  c->pending -= n;
  c->send_len = n * (unsigned)RESPONSE_LEN;
  c->send_done = 0;
  send_bytes(fd, responses, c->send_len);
}

static void http_received(int fd, const unsigned char *data, unsigned len) {
  struct conn *c = &conns[fd];
  static const unsigned char end[4] = {'\r', '\n', '\r', '\n'};
  unsigned matched = c->matched;
  for (unsigned i = 0; i < len; i++) {
    if (data[i] == end[matched]) {
      if (++matched == 4) {
        c->pending++;
        matched = 0;
      }
    } else {
      matched = data[i] == '\r';
    }
  }
  c->matched = (unsigned char)matched;
  if (!c->sending && c->pending > 0) send_responses(fd);
}

static void http_sent(int fd, int res) {
  struct conn *c = &conns[fd];
  c->send_done += (unsigned)res;
  // `responses` repeats RESPONSE, so the rest of a short send starts at the same offset in it.
  if (c->send_done < c->send_len) send_bytes(fd, responses + c->send_done, c->send_len - c->send_done);
  else if (c->pending > 0) send_responses(fd);
  else c->sending = 0;
}

// ---- echo

// Sends the queue's buffers (the first from head_done on) with one sendmsg.
static void send_queue(int fd) {
  struct conn *c = &conns[fd];
  size_t n = 0;
  for (unsigned short bid = c->head; bid != NO_BUF && n < SEND_IOVS; bid = buf_next[bid], n++) {
    unsigned skip = n == 0 ? c->head_done : 0;
    c->iov[n].iov_base = bufs + (size_t)bid * BUF_SIZE + skip;
    c->iov[n].iov_len = buf_len[bid] - skip;
  }
  c->msg = (struct msghdr){.msg_iov = c->iov, .msg_iovlen = n};
  struct io_uring_sqe *sqe = get_sqe();
  io_uring_prep_sendmsg(sqe, fd, &c->msg, MSG_NOSIGNAL);
  set_data(sqe, SEND, fd);
  c->sending = 1;
}

static void echo_received(int fd, unsigned short bid, unsigned len) {
  struct conn *c = &conns[fd];
  buf_len[bid] = len;
  buf_next[bid] = NO_BUF;
  if (c->head == NO_BUF) c->head = bid;
  else buf_next[c->tail] = bid;
  c->tail = bid;
  if (!c->sending) send_queue(fd);
}

// Returns the buffers `sent` bytes covered whole to the ring, and sends the rest.
static void echo_sent(int fd, unsigned sent) {
  struct conn *c = &conns[fd];
  while (sent > 0) {
    unsigned left = buf_len[c->head] - c->head_done;
    if (sent < left) {
      c->head_done += sent;
      break;
    }
    sent -= left;
    unsigned short done = c->head;
    c->head = buf_next[done];
    c->head_done = 0;
    recycle(done);
  }
  if (c->head == NO_BUF) c->tail = NO_BUF;
  else send_queue(fd);
}

// ----

static void on_cqe(const struct io_uring_cqe *cqe, int listener) {
  enum op op = (enum op)(cqe->user_data >> 32);
  int fd = (int)(cqe->user_data & 0xffffffffu);
  int more = cqe->flags & IORING_CQE_F_MORE;
  switch (op) {
  case ACCEPT:
    if (cqe->res >= 0) {
      if (cqe->res >= max_fd) {
        fprintf(stderr, "netfloor: descriptor %d is past the connection table (%d)\n", cqe->res, max_fd);
        close(cqe->res);
      } else {
        arm_recv(cqe->res);
      }
    } else if (cqe->res != -ECONNABORTED) {
      die("accept", -cqe->res);
    }
    if (!more) arm_accept(listener);
    break;
  case RECV:
    if (cqe->res > 0) {
      unsigned short bid = (unsigned short)(cqe->flags >> IORING_CQE_BUFFER_SHIFT);
      if (echo_mode) {
        echo_received(fd, bid, (unsigned)cqe->res);
      } else {
        http_received(fd, bufs + (size_t)bid * BUF_SIZE, (unsigned)cqe->res);
        recycle(bid);
      }
    }
    if (more) break;
    if (cqe->res > 0) {
      arm_recv(fd); // the kernel ended the multishot early; go on
    } else if (cqe->res == -ENOBUFS) {
      starved[starved_count++] = fd; // still receiving: re-armed by the next recycle()
    } else {
      conns[fd].receiving = 0; // end of stream, or the connection failed
      close_if_idle(fd);
    }
    break;
  case SEND:
    conns[fd].sending = 0;
    if (cqe->res < 0) abandon(fd);
    else if (echo_mode) echo_sent(fd, (unsigned)cqe->res);
    else http_sent(fd, cqe->res);
    close_if_idle(fd);
    break;
  }
}

int main(int argc, char **argv) {
  if (argc != 2 || (strcmp(argv[1], "http") != 0 && strcmp(argv[1], "echo") != 0)) {
    fprintf(stderr, "usage: %s http|echo\n", argv[0]);
    return 2;
  }
  echo_mode = strcmp(argv[1], "echo") == 0;
  signal(SIGPIPE, SIG_IGN);

  struct rlimit files;
  if (getrlimit(RLIMIT_NOFILE, &files) < 0) die("getrlimit", errno);
  max_fd = files.rlim_cur > 65536 ? 65536 : (int)files.rlim_cur;
  conns = calloc((size_t)max_fd, sizeof *conns);
  starved = calloc((size_t)max_fd, sizeof *starved);
  responses = malloc(RESPONSES_AT_ONCE * RESPONSE_LEN);
  if (conns == NULL || starved == NULL || responses == NULL) die("calloc", ENOMEM);
  for (int fd = 0; fd < max_fd; fd++) conns[fd].head = conns[fd].tail = NO_BUF;
  for (unsigned i = 0; i < RESPONSES_AT_ONCE; i++) memcpy(responses + i * RESPONSE_LEN, RESPONSE, RESPONSE_LEN);

  struct io_uring_params params = {.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_CQSIZE,
                                   .cq_entries = 16384};
  int ret = io_uring_queue_init_params(1024, &ring, &params);
  if (ret < 0) die("io_uring_queue_init_params (SINGLE_ISSUER + DEFER_TASKRUN need Linux 6.1)", -ret);

  // The buffer ring: page-aligned memory the kernel takes buffers from and this program returns them to.
  buf_ring = mmap(NULL, BUF_COUNT * sizeof(struct io_uring_buf), PROT_READ | PROT_WRITE, MAP_ANONYMOUS | MAP_PRIVATE, -1, 0);
  if (buf_ring == MAP_FAILED) die("mmap", errno);
  // Zeroed, so that valgrind, which does not see the kernel fill them, takes them as defined.
  bufs = calloc(BUF_COUNT, BUF_SIZE);
  if (bufs == NULL) die("calloc", ENOMEM);
  io_uring_buf_ring_init(buf_ring);
  struct io_uring_buf_reg reg = {.ring_addr = (unsigned long)buf_ring, .ring_entries = BUF_COUNT, .bgid = BUF_GROUP};
  ret = io_uring_register_buf_ring(&ring, &reg, 0);
  if (ret < 0) die("io_uring_register_buf_ring (Linux 5.19)", -ret);
  for (unsigned i = 0; i < BUF_COUNT; i++)
    io_uring_buf_ring_add(buf_ring, bufs + (size_t)i * BUF_SIZE, BUF_SIZE, (unsigned short)i, io_uring_buf_ring_mask(BUF_COUNT), (int)i);
  io_uring_buf_ring_advance(buf_ring, BUF_COUNT);

  int listener = socket(AF_INET, SOCK_STREAM, 0);
  if (listener < 0) die("socket", errno);
  int one = 1;
  if (setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0) die("SO_REUSEADDR", errno);
  // Accepted sockets inherit TCP_NODELAY, as node:net's servers in the bench set it (noDelay: true).
  if (setsockopt(listener, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) < 0) die("TCP_NODELAY", errno);
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t addr_len = sizeof addr;
  if (bind(listener, (struct sockaddr *)&addr, sizeof addr) < 0) die("bind", errno);
  if (listen(listener, 4096) < 0) die("listen", errno);
  if (getsockname(listener, (struct sockaddr *)&addr, &addr_len) < 0) die("getsockname", errno);
  printf("listening %d\n", ntohs(addr.sin_port));
  fflush(stdout);

  arm_accept(listener);
  for (;;) {
    ret = io_uring_submit_and_wait(&ring, 1);
    if (ret < 0 && ret != -EINTR) die("io_uring_submit_and_wait", -ret);
    unsigned head, seen = 0;
    struct io_uring_cqe *cqe;
    io_uring_for_each_cqe(&ring, head, cqe) {
      on_cqe(cqe, listener);
      seen++;
    }
    io_uring_cq_advance(&ring, seen);
  }
}
