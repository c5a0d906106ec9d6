// The load generator of the net suites of tooling/bench (`pnpm bench net`): one thread, epoll
// (level-triggered), N TCP connections or UDP sockets to a server on this machine, each with one
// request in flight, for a warm-up and then a measured window.
//
//   netload --mode M --port P [--host 127.0.0.1] [--connections 64] [--seconds 1.5]
//           [--warmup 0.5] [--size bytes] [--window bytes] [--pid server-pid]
//
//   http  keep-alive HTTP/1.1 `GET /`; a response must be `200` with a Content-Length (no chunked
//         bodies, no bytes beyond it), then the next request goes out.
//   echo  writes --size byte messages (default 128) and reads them back, with at most --window bytes
//         (default: one message) unanswered per connection: 128/128 is a ping-pong, 16384/65536 a
//         stream. Every byte echoed is compared with what was sent (a prime-period pattern, so
//         reordered or repeated chunks do not compare equal).
//   sink  only reads what the server writes; an operation is --size bytes received.
//   udp   --size byte datagrams (default 64), one unanswered per socket, each carrying a sequence
//         number; one lost is resent after 200 ms (counted in "resent").
//
// Prints one JSON line: operations and bytes in the window, operations per second, latency
// percentiles in µs (from each request's send to the last byte of its answer), and, with --pid, the
// server's CPU time (utime + stime of /proc/<pid>/stat, all its threads) and the whole machine's
// (the busy fields of /proc/stat: user, nice, system, irq, softirq) over the window; also its own.
// Anything unexpected from the server ends the run with a message and exit status 1.
//
// Built by the bench at run time: cc -O2 -o netload netload.c
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum mode { HTTP, ECHO, SINK, UDP };

#define RESPONSE_MAX 16384        // the largest HTTP response one connection buffers
#define SCRATCH (256 * 1024)      // one read at most, for echo, sink and udp
#define PATTERN_PERIOD 65521      // prime: no chunk size lines up with it
#define UDP_RESEND_NS 200000000ull  // a datagram unanswered this long is taken as lost
#define UDP_SCAN_NS 50000000ull     // how often to look for lost ones

struct conn {
  int fd;
  uint64_t started;   // http, udp: when the request in flight went out
  // http
  size_t have;        // bytes of the current response received so far
  char *response;
  // echo
  uint64_t sent, received;
  uint64_t *stamps;   // when each unanswered message started going out, by message number % slots
  int writable_wanted;
  // udp
  uint64_t seq;
};

static enum mode mode;
static int epfd;
static unsigned slots;
static size_t size, window;
static char request[256];
static size_t request_len;
static unsigned char *pattern, *scratch;

// Counters of the current phase (reset when the measured window opens).
static uint64_t ops, bytes, resent;
static uint64_t max_latency;

// Latencies in ns, log-linear: exact below 32, then 32 buckets per power of two (about 3%).
#define SUB_BITS 5
#define SUB (1u << SUB_BITS)
static uint64_t histogram[64 << SUB_BITS];

static unsigned bucket_of(uint64_t ns) {
  if (ns < SUB) return (unsigned)ns;
  unsigned top = 63 - (unsigned)__builtin_clzll(ns);
  return ((top - SUB_BITS + 1) << SUB_BITS) + (unsigned)((ns >> (top - SUB_BITS)) & (SUB - 1));
}

// The middle of a bucket's range.
static double bucket_value(unsigned bucket) {
  if (bucket < SUB) return bucket;
  unsigned shift = (bucket >> SUB_BITS) - 1;
  double low = (double)((uint64_t)(SUB + (bucket & (SUB - 1))) << shift);
  return low + (double)((uint64_t)1 << shift) / 2;
}

static void record(uint64_t ns) {
  histogram[bucket_of(ns)]++;
  if (ns > max_latency) max_latency = ns;
  ops++;
}

static double percentile_us(double p) {
  uint64_t total = 0, seen = 0;
  for (unsigned i = 0; i < sizeof histogram / sizeof *histogram; i++) total += histogram[i];
  uint64_t rank = (uint64_t)(p * (double)total);
  if (rank >= total) rank = total - 1;
  for (unsigned i = 0; i < sizeof histogram / sizeof *histogram; i++) {
    seen += histogram[i];
    if (seen > rank) return bucket_value(i) / 1000;
  }
  return 0;
}

static void die(const char *format, ...) {
  va_list args;
  va_start(args, format);
  fputs("netload: ", stderr);
  vfprintf(stderr, format, args);
  fputc('\n', stderr);
  va_end(args);
  exit(1);
}

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

// ---- CPU time: /proc/<pid>/stat, /proc/stat (clock ticks), getrusage

static char *read_small_file(const char *path, char *buf, size_t cap) {
  FILE *f = fopen(path, "r");
  if (f == NULL) die("%s: %s", path, strerror(errno));
  size_t n = fread(buf, 1, cap - 1, f);
  fclose(f);
  buf[n] = '\0';
  return buf;
}

static uint64_t process_ticks(pid_t pid) {
  char path[64], buf[1024];
  snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
  // The command name may hold spaces and parentheses: the fields start after the last ')'.
  char *fields = strrchr(read_small_file(path, buf, sizeof buf), ')');
  unsigned long long utime, stime;
  if (fields == NULL || sscanf(fields + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &utime, &stime) != 2)
    die("%s: unexpected format", path);
  return utime + stime;
}

static uint64_t machine_busy_ticks(void) {
  char buf[4096];
  unsigned long long user, nice, system, idle, iowait, irq, softirq;
  if (sscanf(read_small_file("/proc/stat", buf, sizeof buf), "cpu %llu %llu %llu %llu %llu %llu %llu", &user, &nice, &system,
             &idle, &iowait, &irq, &softirq) != 7)
    die("/proc/stat: unexpected format");
  return user + nice + system + irq + softirq;
}

static uint64_t own_cpu_us(void) {
  struct rusage ru;
  if (getrusage(RUSAGE_SELF, &ru) < 0) die("getrusage: %s", strerror(errno));
  return (uint64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000u + (uint64_t)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
}

// ---- HTTP

/**
 * How long the response at the start of buf is: 1 with *total set when all of it is there, 0 when
 * more bytes are needed, -1 with *why set when it is not a response this client takes.
 */
static int http_response_length(const char *buf, size_t len, size_t *total, const char **why) {
  const char *end = memmem(buf, len, "\r\n\r\n", 4);
  if (end == NULL) return 0;
  if (len < 12 || memcmp(buf, "HTTP/1.", 7) != 0 || buf[8] != ' ') {
    *why = "the response does not start with an HTTP/1.x status line";
    return -1;
  }
  if (memcmp(buf + 9, "200", 3) != 0 || (buf + 12 < end && buf[12] != ' ' && buf[12] != '\r')) {
    *why = "the response's status is not 200";
    return -1;
  }
  long long length = -1;
  const char *line = (const char *)memchr(buf, '\n', (size_t)(end - buf) + 2) + 1;
  // Header lines until the blank line that starts at end + 2.
  while (line < end + 2) {
    const char *eol = memmem(line, (size_t)(end + 2 - line), "\r\n", 2);
    size_t n = (size_t)(eol - line);
    if (n >= 18 && strncasecmp(line, "transfer-encoding:", 18) == 0) {
      *why = "Transfer-Encoding responses are not supported: send a Content-Length";
      return -1;
    }
    if (n >= 15 && strncasecmp(line, "content-length:", 15) == 0) {
      const char *p = line + 15;
      while (p < eol && (*p == ' ' || *p == '\t')) p++;
      long long value = 0;
      const char *digits = p;
      // Saturates: a length past RESPONSE_MAX is reported as too long once the buffer is full.
      for (; p < eol && *p >= '0' && *p <= '9'; p++)
        if (value <= RESPONSE_MAX) value = value * 10 + (*p - '0');
      while (p < eol && (*p == ' ' || *p == '\t')) p++;
      if (p == digits || p != eol || length >= 0) {
        *why = "the response's Content-Length is not one number, or is given twice";
        return -1;
      }
      length = value;
    }
    line = eol + 2;
  }
  if (length < 0) {
    *why = "the response has no Content-Length";
    return -1;
  }
  *total = (size_t)(end + 4 - buf) + (size_t)length;
  return len >= *total;
}

static void http_send(struct conn *c, uint64_t now) {
  ssize_t n = send(c->fd, request, request_len, MSG_NOSIGNAL);
  // One request in flight: the socket's send buffer is empty, so a request this small goes out whole.
  if (n != (ssize_t)request_len) die("sending a request: %s", n < 0 ? strerror(errno) : "short write");
  c->started = now;
}

static void http_readable(struct conn *c) {
  ssize_t n = recv(c->fd, c->response + c->have, RESPONSE_MAX - c->have, 0);
  if (n < 0) {
    if (errno == EAGAIN) return;
    die("receiving a response: %s", strerror(errno));
  }
  if (n == 0) die("the server closed a connection");
  c->have += (size_t)n;
  size_t total;
  const char *why;
  int whole = http_response_length(c->response, c->have, &total, &why);
  if (whole < 0) die("%s", why);
  if (whole == 0) {
    if (c->have == RESPONSE_MAX) die("a response is longer than %d bytes", RESPONSE_MAX);
    return;
  }
  if (c->have > total) die("the server sent bytes after a whole response, with no request in flight");
  uint64_t now = now_ns();
  record(now - c->started);
  bytes += total;
  c->have = 0;
  http_send(c, now);
}

// ---- echo

static void want_writable(struct conn *c, int wanted) {
  if (c->writable_wanted == wanted) return;
  struct epoll_event ev = {.events = EPOLLIN | (wanted ? EPOLLOUT : 0), .data.ptr = c};
  if (epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &ev) < 0) die("epoll_ctl: %s", strerror(errno));
  c->writable_wanted = wanted;
}

// Sends until --window bytes are unanswered or the socket is full.
static void echo_fill(struct conn *c) {
  while (c->sent - c->received < window) {
    size_t into_message = (size_t)(c->sent % size);
    size_t len = size - into_message;
    if (len > window - (c->sent - c->received)) len = (size_t)(window - (c->sent - c->received));
    ssize_t n = send(c->fd, pattern + c->sent % PATTERN_PERIOD, len, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EAGAIN) break;
      die("sending: %s", strerror(errno));
    }
    if (into_message == 0) c->stamps[(c->sent / size) % slots] = now_ns();
    c->sent += (uint64_t)n;
    if ((size_t)n < len) break;
  }
  want_writable(c, c->sent - c->received < window);
}

static void echo_readable(struct conn *c) {
  uint64_t unanswered = c->sent - c->received;
  // Ask for one byte more than is owed, so that a server sending too much is caught.
  size_t want = unanswered < SCRATCH ? (size_t)unanswered + 1 : SCRATCH;
  ssize_t n = recv(c->fd, scratch, want, 0);
  if (n < 0) {
    if (errno == EAGAIN) return;
    die("receiving: %s", strerror(errno));
  }
  if (n == 0) die("the server closed a connection");
  if ((uint64_t)n > unanswered) die("the server sent more bytes than it was sent");
  if (memcmp(scratch, pattern + c->received % PATTERN_PERIOD, (size_t)n) != 0)
    die("the bytes echoed differ from those sent, at stream offset %llu", (unsigned long long)c->received);
  uint64_t first = c->received / size, last = (c->received + (uint64_t)n) / size;
  if (last > first) {
    uint64_t now = now_ns();
    for (uint64_t m = first; m < last; m++) record(now - c->stamps[m % slots]);
  }
  c->received += (uint64_t)n;
  bytes += (uint64_t)n;
  echo_fill(c);
}

// ---- sink

static void sink_readable(struct conn *c) {
  ssize_t n = recv(c->fd, scratch, SCRATCH, 0);
  if (n < 0) {
    if (errno == EAGAIN) return;
    die("receiving: %s", strerror(errno));
  }
  if (n == 0) die("the server closed a connection");
  bytes += (uint64_t)n;
}

// ---- udp

static void udp_send(struct conn *c, uint64_t now) {
  memcpy(scratch, &c->seq, sizeof c->seq);
  memcpy(scratch + sizeof c->seq, pattern, size - sizeof c->seq);
  ssize_t n = send(c->fd, scratch, size, 0);
  if (n != (ssize_t)size) die("sending a datagram: %s", n < 0 ? strerror(errno) : "short write");
  c->started = now;
}

static void udp_readable(struct conn *c) {
  ssize_t n = recv(c->fd, scratch, SCRATCH, 0);
  if (n < 0) {
    if (errno == EAGAIN) return;
    die("receiving a datagram: %s", strerror(errno));
  }
  uint64_t seq;
  if ((size_t)n != size) die("a datagram came back with %zd bytes instead of %zu", n, size);
  memcpy(&seq, scratch, sizeof seq);
  if (seq < c->seq) return; // the answer to a datagram already resent
  if (seq > c->seq || memcmp(scratch + sizeof seq, pattern, size - sizeof seq) != 0) die("a datagram came back changed");
  uint64_t now = now_ns();
  record(now - c->started);
  bytes += (uint64_t)n;
  c->seq++;
  udp_send(c, now);
}

static void udp_resend_lost(struct conn *conns, unsigned count, uint64_t now) {
  for (unsigned i = 0; i < count; i++) {
    if (now - conns[i].started < UDP_RESEND_NS) continue;
    udp_send(&conns[i], now);
    resent++;
  }
}

// ----

static int open_socket(const struct sockaddr_in *to) {
  int fd = socket(AF_INET, mode == UDP ? SOCK_DGRAM : SOCK_STREAM, 0);
  if (fd < 0) die("socket: %s", strerror(errno));
  int one = 1;
  if (mode != UDP && setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) < 0) die("TCP_NODELAY: %s", strerror(errno));
  if (connect(fd, (const struct sockaddr *)to, sizeof *to) < 0) die("connect to port %d: %s", ntohs(to->sin_port), strerror(errno));
  if (fcntl(fd, F_SETFL, O_NONBLOCK) < 0) die("O_NONBLOCK: %s", strerror(errno));
  return fd;
}

static void usage(const char *self) {
  fprintf(stderr,
          "usage: %s --mode http|echo|sink|udp --port P [--host A] [--connections N] [--seconds S] [--warmup S]\n"
          "       [--size BYTES] [--window BYTES] [--pid SERVER-PID]\n",
          self);
  exit(2);
}

int main(int argc, char **argv) {
  const char *host = "127.0.0.1";
  int port = 0;
  unsigned connections = 64;
  double seconds = 1.5, warmup = 0.5;
  pid_t pid = 0;
  const char *mode_name = NULL;
  static const struct option options[] = {
      {"mode", required_argument, NULL, 'm'},   {"host", required_argument, NULL, 'h'},
      {"port", required_argument, NULL, 'p'},   {"connections", required_argument, NULL, 'c'},
      {"seconds", required_argument, NULL, 's'}, {"warmup", required_argument, NULL, 'w'},
      {"size", required_argument, NULL, 'z'},   {"window", required_argument, NULL, 'W'},
      {"pid", required_argument, NULL, 'P'},    {NULL, 0, NULL, 0},
  };
  for (int opt; (opt = getopt_long(argc, argv, "", options, NULL)) != -1;) {
    switch (opt) {
    case 'm': mode_name = optarg; break;
    case 'h': host = optarg; break;
    case 'p': port = atoi(optarg); break;
    case 'c': connections = (unsigned)atoi(optarg); break;
    case 's': seconds = atof(optarg); break;
    case 'w': warmup = atof(optarg); break;
    case 'z': size = (size_t)strtoull(optarg, NULL, 0); break;
    case 'W': window = (size_t)strtoull(optarg, NULL, 0); break;
    case 'P': pid = (pid_t)atoi(optarg); break;
    default: usage(argv[0]);
    }
  }
  if (mode_name == NULL || port <= 0 || connections == 0 || seconds <= 0 || warmup < 0) usage(argv[0]);
  if (strcmp(mode_name, "http") == 0) mode = HTTP;
  else if (strcmp(mode_name, "echo") == 0) mode = ECHO;
  else if (strcmp(mode_name, "sink") == 0) mode = SINK;
  else if (strcmp(mode_name, "udp") == 0) mode = UDP;
  else usage(argv[0]);
  if (size == 0) size = mode == UDP ? 64 : mode == SINK ? 1 << 20 : 128;
  if (window == 0) window = size;
  if (mode == UDP && (size < sizeof(uint64_t) || size > 65507)) die("--size must be 8 to 65507 bytes for udp");
  if (mode == ECHO && (window < size || size > SCRATCH)) die("--window must be at least --size, and --size at most %d", SCRATCH);
  slots = (unsigned)(window / size) + 2;
  signal(SIGPIPE, SIG_IGN);

  struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  if (inet_pton(AF_INET, host, &to.sin_addr) != 1) die("--host %s is not an IPv4 address", host);
  request_len = (size_t)snprintf(request, sizeof request, "GET / HTTP/1.1\r\nHost: %s:%d\r\n\r\n", host, port);
  pattern = malloc(PATTERN_PERIOD + SCRATCH);
  scratch = malloc(SCRATCH);
  struct conn *conns = calloc(connections, sizeof *conns);
  if (pattern == NULL || scratch == NULL || conns == NULL) die("out of memory");
  uint32_t x = 0x9e3779b9u;
  for (size_t i = 0; i < PATTERN_PERIOD; i++) {
    x ^= x << 13, x ^= x >> 17, x ^= x << 5;
    pattern[i] = (unsigned char)x;
  }
  // Repeated past its period, so any send or compare of up to SCRATCH bytes reads it in one piece.
  for (size_t i = PATTERN_PERIOD; i < PATTERN_PERIOD + SCRATCH; i++) pattern[i] = pattern[i - PATTERN_PERIOD];

  epfd = epoll_create1(EPOLL_CLOEXEC);
  if (epfd < 0) die("epoll_create1: %s", strerror(errno));
  for (unsigned i = 0; i < connections; i++) {
    struct conn *c = &conns[i];
    c->fd = open_socket(&to);
    if (mode == HTTP && (c->response = malloc(RESPONSE_MAX)) == NULL) die("out of memory");
    if (mode == ECHO && (c->stamps = calloc(slots, sizeof *c->stamps)) == NULL) die("out of memory");
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
    if (epoll_ctl(epfd, EPOLL_CTL_ADD, c->fd, &ev) < 0) die("epoll_ctl: %s", strerror(errno));
  }

  uint64_t now = now_ns();
  for (unsigned i = 0; i < connections; i++) {
    if (mode == HTTP) http_send(&conns[i], now);
    else if (mode == ECHO) echo_fill(&conns[i]);
    else if (mode == UDP) udp_send(&conns[i], now);
  }

  int measuring = warmup == 0;
  uint64_t window_start = now, deadline = now + (uint64_t)((measuring ? seconds : warmup) * 1e9);
  uint64_t server_ticks = 0, machine_ticks = 0, own_us = 0, lost_scan = now;
  if (measuring) {
    if (pid) server_ticks = process_ticks(pid), machine_ticks = machine_busy_ticks();
    own_us = own_cpu_us();
  }
  struct epoll_event events[256];
  for (;;) {
    int timeout_ms = (int)((deadline - now + 999999) / 1000000);
    if (mode == UDP && timeout_ms > (int)(UDP_SCAN_NS / 1000000)) timeout_ms = (int)(UDP_SCAN_NS / 1000000);
    int n = epoll_wait(epfd, events, 256, timeout_ms);
    if (n < 0 && errno != EINTR) die("epoll_wait: %s", strerror(errno));
    for (int i = 0; i < n; i++) {
      struct conn *c = events[i].data.ptr;
      if (mode == HTTP) http_readable(c);
      else if (mode == ECHO) {
        if (events[i].events & EPOLLOUT) echo_fill(c);
        if (events[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP)) echo_readable(c);
      } else if (mode == SINK) sink_readable(c);
      else udp_readable(c);
    }
    now = now_ns();
    if (mode == UDP && now - lost_scan >= UDP_SCAN_NS) {
      udp_resend_lost(conns, connections, now);
      lost_scan = now;
    }
    if (now < deadline) continue;
    if (measuring) break;
    // The warm-up is over: the measured window opens.
    measuring = 1;
    ops = bytes = resent = max_latency = 0;
    memset(histogram, 0, sizeof histogram);
    if (pid) server_ticks = process_ticks(pid), machine_ticks = machine_busy_ticks();
    own_us = own_cpu_us();
    window_start = now;
    deadline = now + (uint64_t)(seconds * 1e9);
  }
  double elapsed = (double)(now - window_start) / 1e9;
  if (mode == SINK) ops = bytes / size;
  if (ops == 0) die("no %s completed in the measured window", mode == SINK ? "--size bytes were received" : "request");
  printf("{\"mode\":\"%s\",\"connections\":%u", mode_name, connections);
  if (mode != HTTP) printf(",\"size\":%zu", size);
  if (mode == ECHO) printf(",\"window\":%zu", window);
  printf(",\"seconds\":%.6f,\"ops\":%llu,\"bytes\":%llu,\"rate\":%.1f", elapsed, (unsigned long long)ops, (unsigned long long)bytes,
         (double)ops / elapsed);
  if (mode == SINK) printf(",\"latency_us\":null");
  else
    printf(",\"latency_us\":{\"p50\":%.1f,\"p90\":%.1f,\"p99\":%.1f,\"p999\":%.1f,\"max\":%.1f}", percentile_us(0.5),
           percentile_us(0.9), percentile_us(0.99), percentile_us(0.999), (double)max_latency / 1000);
  double us_per_tick = 1e6 / (double)sysconf(_SC_CLK_TCK);
  if (pid)
    printf(",\"server_cpu_us\":%.0f,\"machine_cpu_us\":%.0f", (double)(process_ticks(pid) - server_ticks) * us_per_tick,
           (double)(machine_busy_ticks() - machine_ticks) * us_per_tick);
  else
    printf(",\"server_cpu_us\":null,\"machine_cpu_us\":null");
  printf(",\"client_cpu_us\":%llu,\"resent\":%llu}\n", (unsigned long long)(own_cpu_us() - own_us), (unsigned long long)resent);
  return 0;
}
