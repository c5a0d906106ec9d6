// @iouring/native: the only C in @iouring.
//
// It crosses into the kernel and nothing else: io_uring_setup, mapping the
// rings, io_uring_enter, io_uring_register, munmap/close, and telling
// JavaScript where an ArrayBufferView's memory is. SQEs are written and CQEs
// read by JavaScript through the mapped ArrayBuffers; this file never looks at
// an individual operation (teardown aside, which writes two SQEs of its own).
//
// Event-loop integration: a uv_poll on each ring fd calls one JavaScript
// function per wake-up (the fd is readable while CQEs are posted), and one
// uv_prepare per thread flushes the SQEs JavaScript published on any of the
// thread's rings (SQ tail moved past the kernel's head) once per loop
// iteration, right before the loop blocks. A poll handle holds the loop open
// only while JavaScript reports operations in flight (a counter in the shared
// control block), like any Node handle.

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <node_api.h>
#include <uv.h>

// The ABI structs this file needs, defined here so the build does not depend
// on how old the machine's <linux/io_uring.h> is. Layouts are the kernel's.
struct iou_sqring_offsets {
  uint32_t head, tail, ring_mask, ring_entries, flags, dropped, array, resv1;
  uint64_t user_addr;
};

struct iou_cqring_offsets {
  uint32_t head, tail, ring_mask, ring_entries, overflow, cqes, flags, resv1;
  uint64_t user_addr;
};

struct iou_params {
  uint32_t sq_entries, cq_entries, flags, sq_thread_cpu, sq_thread_idle, features, wq_fd;
  uint32_t resv[3];
  struct iou_sqring_offsets sq_off;
  struct iou_cqring_offsets cq_off;
};

struct iou_timespec {
  int64_t tv_sec;
  long long tv_nsec;
};

struct iou_getevents_arg {
  uint64_t sigmask;
  uint32_t sigmask_sz, min_wait_usec;
  uint64_t ts;
};

struct iou_rsrc_update {
  uint32_t offset, resv;
  uint64_t data;
};

struct iou_sync_cancel_reg {
  uint64_t addr;
  int32_t fd;
  uint32_t flags;
  struct iou_timespec timeout;
  uint8_t opcode, pad[7];
  uint64_t pad2[3];
};

struct iou_cqe {
  uint64_t user_data;
  int32_t res;
  uint32_t flags;
};

_Static_assert(sizeof(struct iou_params) == 120, "io_uring_params is 120 bytes");
_Static_assert(sizeof(struct iou_getevents_arg) == 24, "io_uring_getevents_arg is 24 bytes");
_Static_assert(sizeof(struct iou_sync_cancel_reg) == 64, "io_uring_sync_cancel_reg is 64 bytes");

#ifndef SYS_io_uring_setup
#define SYS_io_uring_setup 425
#define SYS_io_uring_enter 426
#define SYS_io_uring_register 427
#endif

#define IOU_OFF_SQ_RING 0ULL
#define IOU_OFF_CQ_RING 0x8000000ULL
#define IOU_OFF_SQES 0x10000000ULL

#define IOU_SETUP_SQPOLL (1U << 1)
#define IOU_SETUP_R_DISABLED (1U << 6)
#define IOU_SETUP_SQE128 (1U << 10)
#define IOU_SETUP_CQE32 (1U << 11)
#define IOU_SETUP_DEFER_TASKRUN (1U << 13)
#define IOU_SETUP_NO_MMAP (1U << 14)
#define IOU_SETUP_NO_SQARRAY (1U << 16)

#define IOU_FEAT_SINGLE_MMAP (1U << 0)
#define IOU_FEAT_EXT_ARG (1U << 8)

#define IOU_SQ_NEED_WAKEUP (1U << 0)

#define IOU_ENTER_GETEVENTS (1U << 0)
#define IOU_ENTER_SQ_WAKEUP (1U << 1)
#define IOU_ENTER_SQ_WAIT (1U << 2)
#define IOU_ENTER_EXT_ARG (1U << 3)
#define IOU_ENTER_REGISTERED_RING (1U << 4)
#define IOU_ENTER_ABS_TIMER (1U << 5)
#define IOU_ENTER_EXT_ARG_REG (1U << 6)

#define IOU_OP_NOP 0
#define IOU_OP_ASYNC_CANCEL 14
#define IOSQE_IO_DRAIN (1U << 1)
#define IOU_ASYNC_CANCEL_ALL (1U << 0)
#define IOU_ASYNC_CANCEL_ANY (1U << 2)

#define IOU_UNREGISTER_BUFFERS 1
#define IOU_UNREGISTER_FILES 3
#define IOU_REGISTER_EVENTFD 4
#define IOU_REGISTER_ENABLE_RINGS 12
#define IOU_REGISTER_RING_FDS 20
#define IOU_UNREGISTER_RING_FDS 21
#define IOU_REGISTER_SYNC_CANCEL 24
#define IOU_REGISTER_RESIZE_RINGS 33
#define IOU_REGISTER_USE_REGISTERED_RING (1U << 31)

// The control block shared with JavaScript: Int32 slots, then Float64 stats,
// then more Int32 slots. JavaScript reads the stats without a native call; the
// indices are mirrored in index.js (CONTROL) and must stay in step with it.
enum {
  CTRL_INFLIGHT = 0,   // i32, JS: requests that keep the loop alive
  CTRL_WANT_REF = 1,   // i32, JS: 1 unless the user called ring.unref()
  CTRL_REFED = 2,      // i32, native: 1 while the poll handle is ref'ed
  CTRL_FLUSH_ERR = 3,  // i32, native: -errno of the last failed flush, else 0
  CTRL_ENTER_CALLS = 2,  // f64 index: io_uring_enter calls
  CTRL_SUBMITTED = 3,    // f64 index: SQEs the kernel accepted (SQPOLL: consumed, see CTRL_SQ_SEEN)
  CTRL_WAKEUPS = 4,      // f64 index: completion wake-ups delivered to JS
  CTRL_ARMED = 10,     // i32, native: 0 when JS starting work must call updateRef (see update_ref)
  CTRL_DISABLED = 11,  // i32, native: 1 from an R_DISABLED setup until IORING_REGISTER_ENABLE_RINGS
  CTRL_SQ_SEEN = 12,   // i32, native, SQPOLL rings: the SQ head when CTRL_SUBMITTED was last brought up to date
  CTRL_PENDING = 13,   // i32, JS: requests in flight (the JS ring is then held strongly)
  CTRL_BYTES = 56
};

// A JS ring handle is an external over a box, so a handle used after close
// (or after environment teardown) finds NULL instead of freed memory.
typedef struct box_s {
  struct ring_s *ring;
} box_t;

typedef struct ring_s {
  napi_env env;
  struct thread_s *thread;
  struct ring_s *next;  // the thread's next ring
  int fd;
  int enter_fd;          // ring fd, or its registered index
  unsigned enter_flags;  // IORING_ENTER_REGISTERED_RING when enter_fd is an index
  struct iou_params p;

  void *ring_ptr;
  size_t ring_sz;
  void *cq_ptr;  // == ring_ptr with IORING_FEAT_SINGLE_MMAP
  size_t cq_sz;
  void *sqes_ptr;
  size_t sqes_sz;

  unsigned *sq_khead, *sq_ktail, *sq_kflags;
  unsigned *cq_khead, *cq_ktail;

  double ctrl[CTRL_BYTES / 8];  // the control block; double keeps the stats aligned
  int32_t *ctrl_i32;
  double *stats;
  struct box_s *box;  // the JS handle's link to this struct, cut when it is freed

  // onWake, which holds the JS ring: a strong reference only while operations
  // are in flight (held), so an idle ring nobody references can be collected.
  napi_ref on_wake;
  int held;
  int orphaned;  // onWake was collected: the ring waits to be closed
  napi_async_context async_ctx;
  napi_ref buffers[4];  // sqRing, cqRing, sqes, control: detached at close

  // A flush that failed for good is reported once and not retried until
  // JavaScript publishes more (the SQ tail moves past failed_tail).
  int flush_failed;
  unsigned failed_tail;

  uv_poll_t poll;
  // DEFER_TASKRUN rings only (else -1): an eventfd registered with the ring,
  // watched by evpoll. See on_evpoll.
  int evfd;
  uv_poll_t evpoll;
  int handles_open;
  int closing;
  int tearing_down;  // environment teardown: the thread's memory is freed after this
  napi_async_cleanup_hook_handle cleanup;
} ring_t;

// Per JavaScript thread (napi_env): every open ring, and the one prepare
// handle that flushes them all before the loop blocks.
typedef struct thread_s {
  napi_env env;
  uv_prepare_t prepare;
  uv_idle_t retry;  // started when a flush must be retried: the loop then polls without blocking
  ring_t *rings;    // in creation order; a ring leaves when it is freed
  ring_t **last;
  int handles_open;
  napi_async_cleanup_hook_handle cleanup;
} thread_t;

#define NAPI_CALL(env, call)                                          \
  do {                                                                \
    napi_status status_ = (call);                                     \
    if (status_ != napi_ok) {                                         \
      const napi_extended_error_info *info_ = NULL;                   \
      napi_get_last_error_info((env), &info_);                        \
      bool pending_;                                                  \
      napi_is_exception_pending((env), &pending_);                    \
      if (!pending_) {                                                \
        napi_throw_error((env), "ERR_IOURING_NAPI",                   \
                         info_ && info_->error_message                \
                             ? info_->error_message                   \
                             : "Node-API call failed");               \
      }                                                               \
      return NULL;                                                    \
    }                                                                 \
  } while (0)

#define NS_PER_SEC 1000000000ULL

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * NS_PER_SEC + (uint64_t)ts.tv_nsec;
}

static struct iou_timespec timespec_of(uint64_t ns) {
  struct iou_timespec ts = {(int64_t)(ns / NS_PER_SEC), (long long)(ns % NS_PER_SEC)};
  return ts;
}

static int sys_setup(unsigned entries, struct iou_params *p) {
  long r = syscall(SYS_io_uring_setup, entries, p);
  return r < 0 ? -errno : (int)r;
}

// io_uring_enter, retried on EINTR (which the kernel returns only when it
// submitted nothing). A relative timeout in an io_uring_getevents_arg is
// shortened by the time already waited, so signals cannot stretch it.
static int sys_enter(ring_t *r, unsigned to_submit, unsigned min_complete, unsigned flags,
                     const void *arg, size_t argsz) {
  struct iou_getevents_arg ext;
  struct iou_timespec left;
  uint64_t deadline = 0;
  int relative = (flags & IOU_ENTER_EXT_ARG) && !(flags & (IOU_ENTER_ABS_TIMER | IOU_ENTER_EXT_ARG_REG)) &&
                 arg != NULL && argsz == sizeof(ext);
  if (relative) {
    memcpy(&ext, arg, sizeof(ext));
    const struct iou_timespec *ts = (const struct iou_timespec *)(uintptr_t)ext.ts;
    // A negative or absurdly long timeout is the kernel's to judge.
    relative = ts != NULL && ts->tv_sec >= 0 && ts->tv_sec < (int64_t)(UINT64_MAX / NS_PER_SEC / 2) &&
               ts->tv_nsec >= 0 && ts->tv_nsec < (long long)NS_PER_SEC;
    if (relative) deadline = now_ns() + (uint64_t)ts->tv_sec * NS_PER_SEC + (uint64_t)ts->tv_nsec;
  }
  long ret;
  for (;;) {
    ret = syscall(SYS_io_uring_enter, r->enter_fd, to_submit, min_complete, flags | r->enter_flags, arg, argsz);
    if (ret >= 0 || errno != EINTR) break;
    if (relative) {
      uint64_t now = now_ns();
      left = timespec_of(now < deadline ? deadline - now : 0);
      ext.ts = (uint64_t)(uintptr_t)&left;
      arg = &ext;
    }
  }
  if (ret < 0) return -errno;
  r->stats[CTRL_ENTER_CALLS] += 1;
  r->stats[CTRL_SUBMITTED] += (double)(ret < (long)to_submit ? ret : (long)to_submit);
  return (int)ret;
}

// Submit what JavaScript published since the kernel last looked. Without
// SQPOLL the kernel consumes the SQ inside io_uring_enter, so the pending
// count is simply tail - head; with SQPOLL the kernel thread consumes it and
// only needs a wake-up when it has gone to sleep with SQEs left to consume
// (woken with none, it would poll for its idle time again after every loop
// iteration), and what it consumed (the head's movement) is what the stats
// count as submitted.
static int flush(ring_t *r, unsigned extra_flags) {
  unsigned tail = __atomic_load_n(r->sq_ktail, __ATOMIC_ACQUIRE);
  unsigned head = __atomic_load_n(r->sq_khead, __ATOMIC_ACQUIRE);
  if (r->p.flags & IOU_SETUP_SQPOLL) {
    r->stats[CTRL_SUBMITTED] += (double)(head - (unsigned)r->ctrl_i32[CTRL_SQ_SEEN]);
    r->ctrl_i32[CTRL_SQ_SEEN] = (int32_t)head;
    unsigned flags = extra_flags;
    if (tail != head && (__atomic_load_n(r->sq_kflags, __ATOMIC_ACQUIRE) & IOU_SQ_NEED_WAKEUP)) flags |= IOU_ENTER_SQ_WAKEUP;
    if (flags == 0) return 0;
    int ret = sys_enter(r, 0, 0, flags, NULL, 0);
    return ret < 0 ? ret : (int)(tail - head);
  }
  if (tail == head && extra_flags == 0) return 0;
  return sys_enter(r, tail - head, 0, extra_flags, NULL, 0);
}

// Brings the loop reference in line with CTRL_INFLIGHT and CTRL_WANT_REF,
// and the hold on the JS ring with CTRL_PENDING: what the kernel may touch is
// kept alive by the JS ring, so it is held strongly while requests are in
// flight and weakly otherwise. CTRL_ARMED tells JavaScript whether a new
// request is covered already (held, and the loop ref'ed unless unwanted); if
// not, it calls updateRef. The prepare callback calls this for every ring
// once JavaScript has run, which is when requests finish.
static void update_ref(ring_t *r) {
  int pending = r->ctrl_i32[CTRL_PENDING] > 0 && !r->closing;
  int want = r->ctrl_i32[CTRL_INFLIGHT] > 0 && r->ctrl_i32[CTRL_WANT_REF] && !r->closing;
  if (want && !r->ctrl_i32[CTRL_REFED]) {
    uv_ref((uv_handle_t *)&r->poll);
    if (r->evfd >= 0) uv_ref((uv_handle_t *)&r->evpoll);
    r->ctrl_i32[CTRL_REFED] = 1;
  } else if (!want && r->ctrl_i32[CTRL_REFED]) {
    uv_unref((uv_handle_t *)&r->poll);
    if (r->evfd >= 0) uv_unref((uv_handle_t *)&r->evpoll);
    r->ctrl_i32[CTRL_REFED] = 0;
  }
  if (pending != r->held && r->on_wake != NULL &&
      (pending ? napi_reference_ref(r->env, r->on_wake, NULL) : napi_reference_unref(r->env, r->on_wake, NULL)) == napi_ok) {
    r->held = pending;
  }
  r->ctrl_i32[CTRL_ARMED] = r->held && (r->ctrl_i32[CTRL_REFED] || !r->ctrl_i32[CTRL_WANT_REF]);
}

// The JS ring was collected (it had nothing in flight): stop watching the
// ring until its FinalizationRegistry callback or environment teardown closes it.
static void orphan(ring_t *r) {
  r->orphaned = 1;
  uv_poll_stop(&r->poll);
  if (r->evfd >= 0) uv_poll_stop(&r->evpoll);
}

// Calls onWake(arg). 1 if JavaScript ran.
static int call_js(ring_t *r, int arg) {
  if (r->on_wake == NULL || r->orphaned) return 0;
  napi_env env = r->env;
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return 0;
  napi_value fn, recv, argv[1], result;
  int ran = 0;
  if (napi_get_reference_value(env, r->on_wake, &fn) != napi_ok || fn == NULL) {
    orphan(r);
  } else if (napi_get_global(env, &recv) == napi_ok && napi_create_int32(env, arg, &argv[0]) == napi_ok) {
    ran = 1;
    // make_callback runs the microtask queue afterwards, so promises settled
    // by this wake-up continue before the loop moves on.
    if (napi_make_callback(env, r->async_ctx, recv, fn, 1, argv, &result) == napi_pending_exception) {
      napi_value err;
      napi_get_and_clear_last_exception(env, &err);
      napi_fatal_exception(env, err);
    }
  }
  napi_close_handle_scope(env, scope);
  return ran;
}

static int cq_ready(ring_t *r) {
  return __atomic_load_n(r->cq_ktail, __ATOMIC_ACQUIRE) != __atomic_load_n(r->cq_khead, __ATOMIC_RELAXED);
}

// The retry idle handle's only job is to keep the loop from blocking once.
static void on_retry(uv_idle_t *h) {
  uv_idle_stop(h);
}

static int transient(int err) {
  return err == -EAGAIN || err == -EBUSY;
}

// Flushes one ring. With `may_call_js`, a flush that fails for good is handed
// to onWake (once: see flush_failed), and CQEs the flush posted (work that
// completed inside io_uring_enter: page-cached reads, NOPs) are reaped at
// once rather than after a round trip through epoll. Without it, nothing
// calls JavaScript and a failure makes the loop come back without blocking,
// to report it then. 1 if JavaScript ran.
static int flush_ring(ring_t *r, int may_call_js) {
  if (r->closing || r->orphaned) return 0;
  unsigned tail = __atomic_load_n(r->sq_ktail, __ATOMIC_ACQUIRE);
  int ret = r->flush_failed && tail == r->failed_tail ? 0 : flush(r, 0);
  if (ret < 0 && (transient(ret) || !may_call_js)) {
    // EAGAIN/EBUSY clear up once completions are reaped: try again next iteration.
    uv_idle_start(&r->thread->retry, on_retry);
    return 0;
  }
  if (ret < 0) {
    r->flush_failed = 1;
    r->failed_tail = tail;
    r->ctrl_i32[CTRL_FLUSH_ERR] = ret;
    return call_js(r, ret);
  }
  if (tail != r->failed_tail) r->flush_failed = 0;
  if (!may_call_js || (r->p.flags & IOU_SETUP_DEFER_TASKRUN) || !cq_ready(r)) return 0;
  r->stats[CTRL_WAKEUPS] += 1;
  return call_js(r, 0);
}

// Once per loop iteration, before the loop blocks: flush every ring of the
// thread. JavaScript that runs meanwhile (reaping what a flush completed) may
// publish SQEs on any ring, or make a new one (appended to the list, so this
// pass reaches it): another round flushes them, as long as JavaScript ran and
// at most PREPARE_ROUNDS times, so other handles do not wait. If JavaScript
// ran in the last round, a final pass flushes every ring without calling it.
// So nothing published on any ring of the thread is left unsubmitted when the
// loop blocks, and a flush costs one check per ring.
#define PREPARE_ROUNDS 8

static void flush_thread(thread_t *t) {
  int ran = 1;
  for (int round = 0; ran && round < PREPARE_ROUNDS; round++) {
    ran = 0;
    for (ring_t *r = t->rings; r != NULL; r = r->next) ran |= flush_ring(r, 1);
  }
  if (ran) {
    for (ring_t *r = t->rings; r != NULL; r = r->next) flush_ring(r, 0);
  }
  for (ring_t *r = t->rings; r != NULL; r = r->next) {
    if (!r->closing) update_ref(r);
  }
}

static void on_prepare(uv_prepare_t *h) {
  flush_thread(h->data);
}

// DEFER_TASKRUN rings: task work (and with it most completions) runs only
// when this thread enters with GETEVENTS. 0 or -errno worth reporting.
static int run_task_work(ring_t *r) {
  int ret = sys_enter(r, 0, 0, IOU_ENTER_GETEVENTS, NULL, 0);
  return (ret < 0 && !transient(ret)) ? ret : 0;
}

static void on_poll(uv_poll_t *h, int status, int events) {
  (void)events;
  ring_t *r = h->data;
  if (r->closing) return;
  if (status == 0 && (r->p.flags & IOU_SETUP_DEFER_TASKRUN)) status = run_task_work(r);
  r->stats[CTRL_WAKEUPS] += 1;
  thread_t *t = r->thread;
  call_js(r, status < 0 ? status : 0);
  // What the completions started (a reply to what arrived) goes to the
  // kernel now, not a loop iteration later: the prepare hook's flush, run
  // early. Nothing is submitted twice: the hook then finds nothing new.
  flush_thread(t);
}

// DEFER_TASKRUN rings: completions from io-wq workers, timers, polls and
// other rings are queued as task work that only this thread runs, when it
// enters the ring with GETEVENTS; nothing wakes the ring fd's poll for them.
// The kernel does signal a registered eventfd when the first such item is
// queued (io_req_local_work_add), and when CQEs are posted. So: reset the
// eventfd, run the task work, let JavaScript reap. One enter runs at most 20
// items (IO_LOCAL_TW_DEFAULT_MAX); the CQEs they post signal the eventfd
// again, so the loop comes back for the rest.
static void on_evpoll(uv_poll_t *h, int status, int events) {
  (void)events;
  ring_t *r = h->data;
  if (r->closing) return;
  if (status == 0) {
    uint64_t count;
    // EAGAIN: the counter was 0 already (a spurious wake-up); it is 0 now either way.
    if (read(r->evfd, &count, sizeof(count)) < 0 && errno != EAGAIN) status = -errno;
  }
  if (status == 0) status = run_task_work(r);
  r->stats[CTRL_WAKEUPS] += 1;
  thread_t *t = r->thread;
  call_js(r, status < 0 ? status : 0);
  flush_thread(t);
}

// Registers the eventfd of a DEFER_TASKRUN ring and initializes its watcher
// (last, so that on failure no handle needs closing). 0 or -errno.
static int watch_task_work(ring_t *r, uv_loop_t *loop) {
  r->evfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (r->evfd < 0) return -errno;
  int err = 0;
  if (syscall(SYS_io_uring_register, r->fd, IOU_REGISTER_EVENTFD, &r->evfd, 1) < 0) err = -errno;
  if (!err && uv_poll_init(loop, &r->evpoll, r->evfd) != 0) err = -EINVAL;
  if (err) {
    close(r->evfd);
    r->evfd = -1;
  }
  return err;
}

static void unmap_rings(ring_t *r) {
  if (r->sqes_ptr) munmap(r->sqes_ptr, r->sqes_sz);
  if (r->cq_ptr && r->cq_ptr != r->ring_ptr) munmap(r->cq_ptr, r->cq_sz);
  if (r->ring_ptr) munmap(r->ring_ptr, r->ring_sz);
  r->sqes_ptr = r->cq_ptr = r->ring_ptr = NULL;
}

static void *map_region(ring_t *r, size_t size, unsigned long long offset, int *err) {
  void *ptr = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, r->fd, (off_t)offset);
  if (ptr != MAP_FAILED) return ptr;
  *err = -errno;
  return NULL;
}

// Maps the SQ ring, CQ ring (one mapping with IORING_FEAT_SINGLE_MMAP) and
// SQE array as r->p describes them, and points at the indices the addon
// reads. 0 or -errno, with nothing left mapped on failure.
static int map_rings(ring_t *r) {
  struct iou_params *p = &r->p;
  size_t sqe_size = (p->flags & IOU_SETUP_SQE128) ? 128 : 64;
  size_t cqe_size = (p->flags & IOU_SETUP_CQE32) ? 32 : 16;
  size_t sq_sz = (p->flags & IOU_SETUP_NO_SQARRAY) ? 0 : p->sq_off.array + p->sq_entries * sizeof(uint32_t);
  r->cq_sz = p->cq_off.cqes + p->cq_entries * cqe_size;
  r->ring_sz = sq_sz;
  if (p->features & IOU_FEAT_SINGLE_MMAP) {
    if (r->cq_sz > r->ring_sz) r->ring_sz = r->cq_sz;
    r->cq_sz = r->ring_sz;
  }
  r->sqes_sz = p->sq_entries * sqe_size;
  int err = 0;
  r->ring_ptr = map_region(r, r->ring_sz, IOU_OFF_SQ_RING, &err);
  if (!err) r->cq_ptr = (p->features & IOU_FEAT_SINGLE_MMAP) ? r->ring_ptr : map_region(r, r->cq_sz, IOU_OFF_CQ_RING, &err);
  if (!err) r->sqes_ptr = map_region(r, r->sqes_sz, IOU_OFF_SQES, &err);
  if (err) {
    unmap_rings(r);
    return err;
  }
  char *sq = r->ring_ptr;
  char *cq = r->cq_ptr;
  r->sq_khead = (unsigned *)(sq + p->sq_off.head);
  r->sq_ktail = (unsigned *)(sq + p->sq_off.tail);
  r->sq_kflags = (unsigned *)(sq + p->sq_off.flags);
  r->cq_khead = (unsigned *)(cq + p->cq_off.head);
  r->cq_ktail = (unsigned *)(cq + p->cq_off.tail);
  return 0;
}

// ---- teardown ----------------------------------------------------------------------------------------
//
// Closing a ring must leave no request able to write into memory that is
// about to be freed: a worker's heap goes away right after its environment
// teardown, and the kernel would otherwise complete reads into it. So the
// ring cancels everything in flight (IORING_OP_ASYNC_CANCEL with ANY | ALL,
// Linux 5.19) and waits, at most QUIESCE_NS, for a NOP queued behind it with
// IOSQE_IO_DRAIN: the kernel starts that NOP only once every request before
// it has completed, so its CQE (result 0) means nothing is left in flight.
// A cancel the kernel refuses (its flags before 5.19, or restrictions) is
// followed by IORING_REGISTER_SYNC_CANCEL; where that is missing too (before
// 6.0) nothing can cancel, and the drain comes when what is in flight has
// completed by itself. Environment teardown waits for it (QUIESCE_NS): the
// thread's memory is freed next. close() from JavaScript, which has already
// cancelled and reaped its own requests, waits only REFUSED_DRAIN_NS, enough
// when nothing was in flight, rather than seconds for the low-level API's.
// Where the drain cannot work (draining is off on a ring that ever ran an SQE with
// IOSQE_CQE_SKIP_SUCCESS, the NOP fails with EOPNOTSUPP; restrictions may
// forbid either request) the ring waits instead until
// IORING_REGISTER_SYNC_CANCEL (6.0) finds nothing left to cancel or running.
// Only a quiet ring has its registered buffers (pinned pages) and files
// released at once. The ring fd registered with IORING_REGISTER_RING_FDS is
// unregistered, or the kernel would keep the ring, and all it holds, until
// the thread exits.

#define QUIESCE_NS (5 * NS_PER_SEC)
#define REFUSED_DRAIN_NS (NS_PER_SEC / 20)
#define BARRIER_CANCEL (UINT64_MAX - 1)
#define BARRIER_DRAIN UINT64_MAX

// What the barrier's two requests reported.
typedef struct barrier_s {
  unsigned end;  // the SQ tail after them
  int cancelled, drained;  // 1 once each posted its CQE
  int cancel_res, drain_res;
} barrier_t;

static void put_sqe(ring_t *r, unsigned index, uint8_t opcode, uint8_t flags, uint32_t op_flags, uint64_t user_data) {
  size_t size = (r->p.flags & IOU_SETUP_SQE128) ? 128 : 64;
  unsigned slot = index & (r->p.sq_entries - 1);
  uint8_t *sqe = (uint8_t *)r->sqes_ptr + slot * size;
  memset(sqe, 0, size);
  sqe[0] = opcode;
  sqe[1] = flags;
  memcpy(sqe + 28, &op_flags, sizeof(op_flags));
  memcpy(sqe + 32, &user_data, sizeof(user_data));
  if (!(r->p.flags & IOU_SETUP_NO_SQARRAY)) ((uint32_t *)((char *)r->ring_ptr + r->p.sq_off.array))[slot] = slot;
}

// Consumes every posted CQE (nobody else will), noting the barrier's (b may be NULL).
static void discard_cqes(ring_t *r, barrier_t *b) {
  size_t size = (r->p.flags & IOU_SETUP_CQE32) ? 32 : 16;
  unsigned mask = r->p.cq_entries - 1;
  unsigned head = *r->cq_khead;
  unsigned tail = __atomic_load_n(r->cq_ktail, __ATOMIC_ACQUIRE);
  for (; head != tail; head++) {
    const struct iou_cqe *cqe = (const void *)((char *)r->cq_ptr + r->p.cq_off.cqes + (head & mask) * size);
    if (b != NULL && cqe->user_data == BARRIER_CANCEL) {
      b->cancelled = 1;
      b->cancel_res = cqe->res;
    } else if (b != NULL && cqe->user_data == BARRIER_DRAIN) {
      b->drained = 1;
      b->drain_res = cqe->res;
    }
  }
  __atomic_store_n(r->cq_khead, tail, __ATOMIC_RELEASE);
}

// Waits until a CQE is posted or `deadline` passes. 0 or -errno (-ETIME: time is up).
static int wait_cqe(ring_t *r, uint64_t deadline) {
  uint64_t now = now_ns();
  if (now >= deadline) return -ETIME;
  struct iou_timespec ts = timespec_of(deadline - now);
  struct iou_getevents_arg arg = {0, 0, 0, (uint64_t)(uintptr_t)&ts};
  int ret = sys_enter(r, 0, 1, IOU_ENTER_GETEVENTS | IOU_ENTER_EXT_ARG, &arg, sizeof(arg));
  return ret < 0 ? ret : 0;
}

// Queues the cancel and the draining NOP. 0, or -errno when the SQ could not be emptied enough.
static int queue_barrier(ring_t *r, barrier_t *b, uint64_t deadline) {
  unsigned tail = *r->sq_ktail;
  while (r->p.sq_entries - (tail - __atomic_load_n(r->sq_khead, __ATOMIC_ACQUIRE)) < 2) {
    // Full of SQEs JavaScript published: they go in first, and are cancelled with the rest.
    int ret = flush(r, (r->p.flags & IOU_SETUP_SQPOLL) ? IOU_ENTER_SQ_WAIT : 0);
    if (ret < 0 && !transient(ret)) return ret;
    discard_cqes(r, NULL);
    if (now_ns() >= deadline) return -ETIME;
  }
  put_sqe(r, tail, IOU_OP_ASYNC_CANCEL, 0, IOU_ASYNC_CANCEL_ALL | IOU_ASYNC_CANCEL_ANY, BARRIER_CANCEL);
  put_sqe(r, tail + 1, IOU_OP_NOP, IOSQE_IO_DRAIN, 0, BARRIER_DRAIN);
  b->end = tail + 2;
  __atomic_store_n(r->sq_ktail, b->end, __ATOMIC_RELEASE);
  return 0;
}

// IORING_REGISTER_SYNC_CANCEL (ANY | ALL) reports how many requests it found,
// cancelled or still running in io-wq; 0 means none is left that cancellation
// can reach. 1 once it finds none, 0 if it fails or time runs out.
static int sync_cancel_until_none(ring_t *r, uint64_t deadline) {
  struct iou_sync_cancel_reg reg;
  memset(&reg, 0, sizeof(reg));
  reg.flags = IOU_ASYNC_CANCEL_ALL | IOU_ASYNC_CANCEL_ANY;
  for (;;) {
    long found = syscall(SYS_io_uring_register, r->fd, IOU_REGISTER_SYNC_CANCEL, &reg, 1);
    if (found == 0) return 1;
    if (found < 0 && errno != EINTR) return 0;
    discard_cqes(r, NULL);
    uint64_t soon = now_ns() + NS_PER_SEC / 1000;
    if (wait_cqe(r, soon < deadline ? soon : deadline) == -ETIME && now_ns() >= deadline) return 0;
  }
}

// 1 when nothing of this ring is left in flight, 0 when that is not known.
static int quiesce(ring_t *r) {
  if (r->ring_ptr == NULL || !(r->p.features & IOU_FEAT_EXT_ARG)) return 0;
  uint64_t deadline = now_ns() + QUIESCE_NS;
  barrier_t b;
  memset(&b, 0, sizeof(b));
  int refused = 0;
  int ret = queue_barrier(r, &b, deadline);
  if (ret < 0) return 0;
  for (;;) {
    // Submission stops at an SQE that fails early (say, one restrictions
    // forbid): submit again until the barrier is in. SQPOLL rings only need waking.
    if (__atomic_load_n(r->sq_khead, __ATOMIC_ACQUIRE) != b.end || (r->p.flags & IOU_SETUP_SQPOLL)) {
      ret = flush(r, 0);
      // A ring still disabled (R_DISABLED) has never run anything.
      if (ret == -EBADFD) return 1;
      if (ret < 0 && !transient(ret)) return 0;
    }
    discard_cqes(r, &b);
    if (b.drained && b.drain_res == 0) return 1;
    if (b.drained) return sync_cancel_until_none(r, deadline);
    if (b.cancelled && b.cancel_res < 0 && b.cancel_res != -ENOENT && !refused) {
      refused = 1;
      if (sync_cancel_until_none(r, deadline)) return 1;
      uint64_t soon = now_ns() + REFUSED_DRAIN_NS;
      if (!r->tearing_down && soon < deadline) deadline = soon;
    }
    ret = wait_cqe(r, deadline);
    if (ret == -ETIME || (ret < 0 && !transient(ret))) return 0;
  }
}

// Gives the kernel ring up: quiesced, its registrations dropped, unmapped, closed.
static void release_kernel_ring(ring_t *r) {
  if (r->fd < 0) return;
  // Before 6.13 these wait for every request using the table: only when nothing is in flight.
  // The results do not matter: ENXIO when nothing was registered, and closing releases them anyway.
  if (quiesce(r)) {
    (void)syscall(SYS_io_uring_register, r->fd, IOU_UNREGISTER_BUFFERS, NULL, 0);
    (void)syscall(SYS_io_uring_register, r->fd, IOU_UNREGISTER_FILES, NULL, 0);
  }
  if (r->enter_flags & IOU_ENTER_REGISTERED_RING) {
    struct iou_rsrc_update upd = {(uint32_t)r->enter_fd, 0, 0};
    (void)syscall(SYS_io_uring_register, r->fd, IOU_UNREGISTER_RING_FDS, &upd, 1);
    r->enter_fd = r->fd;
    r->enter_flags = 0;
  }
  unmap_rings(r);
  // Closing the ring unregisters its eventfd.
  close(r->fd);
  r->fd = -1;
}

// ---- lifetime ----------------------------------------------------------------------------------------

static void free_thread_if_done(thread_t *t) {
  if (t->handles_open > 0 || t->rings != NULL) return;
  if (t->cleanup) napi_remove_async_cleanup_hook(t->cleanup);
  free(t);
}

static void unlink_ring(ring_t *r) {
  thread_t *t = r->thread;
  ring_t **link = &t->rings;
  while (*link != r) link = &(*link)->next;
  *link = r->next;
  if (t->last == &r->next) t->last = link;
  free_thread_if_done(t);
}

static void on_handle_closed(uv_handle_t *h) {
  ring_t *r = h->data;
  if (h == (uv_handle_t *)&r->evpoll) {
    close(r->evfd);
    r->evfd = -1;
  }
  if (--r->handles_open > 0) return;
  if (r->cleanup) napi_remove_async_cleanup_hook(r->cleanup);
  if (r->box) r->box->ring = NULL;
  unlink_ring(r);
  free(r);
}

// Gives up the kernel ring and closes the libuv handles; the ring struct is
// freed when they are closed. Idempotent. JavaScript references (napi_ref)
// are released by the caller when it still may touch the JS heap.
static void begin_close(ring_t *r) {
  if (r->closing) return;
  r->closing = 1;
  uv_poll_stop(&r->poll);
  if (r->evfd >= 0) uv_poll_stop(&r->evpoll);
  release_kernel_ring(r);
  uv_close((uv_handle_t *)&r->poll, on_handle_closed);
  if (r->evfd >= 0) {
    // The fd goes after the handle that watches it, in on_handle_closed.
    uv_close((uv_handle_t *)&r->evpoll, on_handle_closed);
  }
}

// Drops what the ring holds in the JavaScript heap. With `detach`, the mapped
// ArrayBuffers are detached first so no view can reach unmapped memory.
static void drop_buffers(ring_t *r, int count, bool detach) {
  napi_env env = r->env;
  for (int i = 0; i < count; i++) {
    if (r->buffers[i] == NULL) continue;
    napi_value ab;
    if (detach && napi_get_reference_value(env, r->buffers[i], &ab) == napi_ok && ab != NULL) {
      napi_detach_arraybuffer(env, ab);
    }
    napi_delete_reference(env, r->buffers[i]);
    r->buffers[i] = NULL;
  }
}

static void release_js(ring_t *r, bool detach) {
  napi_env env = r->env;
  drop_buffers(r, 4, detach);
  if (r->on_wake) napi_delete_reference(env, r->on_wake);
  r->on_wake = NULL;
  if (r->async_ctx) napi_async_destroy(env, r->async_ctx);
  r->async_ctx = NULL;
}

// JavaScript is done with the ring (close(), or a failure it is told of).
static void close_from_js(ring_t *r) {
  release_js(r, true);
  if (r->cleanup) napi_remove_async_cleanup_hook(r->cleanup);
  r->cleanup = NULL;
  begin_close(r);
}

// Environment teardown (process exit, worker termination) for a ring that
// JavaScript never closed.
static void on_env_cleanup(napi_async_cleanup_hook_handle handle, void *data) {
  ring_t *r = data;
  r->cleanup = handle;
  r->tearing_down = 1;
  release_js(r, false);
  begin_close(r);
}

static void on_thread_handle_closed(uv_handle_t *h) {
  thread_t *t = h->data;
  t->handles_open--;
  free_thread_if_done(t);
}

// Environment teardown: the rings' own hooks (registered later, so run
// earlier) close them; the thread's state goes once they are all freed.
static void on_thread_cleanup(napi_async_cleanup_hook_handle handle, void *data) {
  thread_t *t = data;
  t->cleanup = handle;
  napi_set_instance_data(t->env, NULL, NULL, NULL);
  uv_close((uv_handle_t *)&t->prepare, on_thread_handle_closed);
  uv_close((uv_handle_t *)&t->retry, on_thread_handle_closed);
}

// The calling thread's state, made with its first ring. NULL on failure.
static thread_t *thread_of(napi_env env, uv_loop_t *loop) {
  thread_t *t = NULL;
  if (napi_get_instance_data(env, (void **)&t) == napi_ok && t != NULL) return t;
  t = calloc(1, sizeof(*t));
  if (t == NULL) return NULL;
  t->env = env;
  t->last = &t->rings;
  uv_prepare_init(loop, &t->prepare);
  uv_idle_init(loop, &t->retry);
  t->prepare.data = t->retry.data = t;
  t->handles_open = 2;
  uv_unref((uv_handle_t *)&t->prepare);
  uv_unref((uv_handle_t *)&t->retry);
  if (napi_set_instance_data(env, t, NULL, NULL) != napi_ok ||
      napi_add_async_cleanup_hook(env, on_thread_cleanup, t, &t->cleanup) != napi_ok) {
    t->cleanup = NULL;
    uv_close((uv_handle_t *)&t->prepare, on_thread_handle_closed);
    uv_close((uv_handle_t *)&t->retry, on_thread_handle_closed);
    return NULL;
  }
  uv_prepare_start(&t->prepare, on_prepare);
  return t;
}

static napi_value make_errno(napi_env env, int neg_errno) {
  napi_value v;
  NAPI_CALL(env, napi_create_int32(env, neg_errno, &v));
  return v;
}

static void finalize_box(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  box_t *box = data;
  if (box->ring) box->ring->box = NULL;
  free(box);
}

static ring_t *get_ring(napi_env env, napi_value v) {
  box_t *box = NULL;
  napi_valuetype t;
  if (napi_typeof(env, v, &t) != napi_ok || t != napi_external ||
      napi_get_value_external(env, v, (void **)&box) != napi_ok || box == NULL) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "expected a ring handle");
    return NULL;
  }
  ring_t *r = box->ring;
  if (r == NULL || r->closing) {
    napi_throw_error(env, "ERR_IOURING_CLOSED", "the ring is closed");
    return NULL;
  }
  return r;
}

static uint32_t get_u32_prop(napi_env env, napi_value obj, const char *name, uint32_t dflt) {
  bool has = false;
  napi_value v;
  uint32_t out = dflt;
  if (napi_has_named_property(env, obj, name, &has) == napi_ok && has &&
      napi_get_named_property(env, obj, name, &v) == napi_ok) {
    napi_valuetype t;
    napi_typeof(env, v, &t);
    if (t == napi_number) napi_get_value_uint32(env, v, &out);
  }
  return out;
}

static napi_status set_u32(napi_env env, napi_value obj, const char *name, uint32_t value) {
  napi_value v;
  napi_status s = napi_create_uint32(env, value, &v);
  return s == napi_ok ? napi_set_named_property(env, obj, name, v) : s;
}

static napi_value offsets_object(napi_env env, const uint32_t *fields, const char *const *names, int n) {
  napi_value obj;
  NAPI_CALL(env, napi_create_object(env, &obj));
  for (int i = 0; i < n; i++) NAPI_CALL(env, set_u32(env, obj, names[i], fields[i]));
  return obj;
}

static napi_value external_buffer(napi_env env, ring_t *r, int slot, void *ptr, size_t len) {
  napi_value ab;
  NAPI_CALL(env, napi_create_external_arraybuffer(env, ptr, len, NULL, NULL, &ab));
  NAPI_CALL(env, napi_create_reference(env, ab, 0, &r->buffers[slot]));
  return ab;
}

// Sets the ring's parameters, offsets and mapped ArrayBuffers (references
// 0-2) on `out`; returns `out`, or NULL with an exception pending.
static napi_value describe_rings(napi_env env, ring_t *r, napi_value out) {
  static const char *const sq_names[] = {"head", "tail", "ringMask", "ringEntries", "flags", "dropped", "array"};
  static const char *const cq_names[] = {"head", "tail", "ringMask", "ringEntries", "overflow", "cqes", "flags"};
  struct iou_params *p = &r->p;
  NAPI_CALL(env, set_u32(env, out, "fd", (uint32_t)r->fd));
  NAPI_CALL(env, set_u32(env, out, "sqEntries", p->sq_entries));
  NAPI_CALL(env, set_u32(env, out, "cqEntries", p->cq_entries));
  NAPI_CALL(env, set_u32(env, out, "flags", p->flags));
  NAPI_CALL(env, set_u32(env, out, "features", p->features));
  NAPI_CALL(env, set_u32(env, out, "sqThreadCpu", p->sq_thread_cpu));
  NAPI_CALL(env, set_u32(env, out, "sqThreadIdle", p->sq_thread_idle));
  NAPI_CALL(env, napi_set_named_property(env, out, "sqOff", offsets_object(env, &p->sq_off.head, sq_names, 7)));
  NAPI_CALL(env, napi_set_named_property(env, out, "cqOff", offsets_object(env, &p->cq_off.head, cq_names, 7)));
  NAPI_CALL(env, napi_set_named_property(env, out, "sqRing", external_buffer(env, r, 0, r->ring_ptr, r->ring_sz)));
  NAPI_CALL(env, napi_set_named_property(env, out, "cqRing", external_buffer(env, r, 1, r->cq_ptr, r->cq_sz)));
  NAPI_CALL(env, napi_set_named_property(env, out, "sqes", external_buffer(env, r, 2, r->sqes_ptr, r->sqes_sz)));
  return out;
}

// The JavaScript side of a new ring: onWake (held weakly until work starts),
// the cleanup hook, the handle and the description. NULL with an exception
// pending on failure; the caller then closes the ring.
static napi_value expose_ring(napi_env env, ring_t *r, napi_value on_wake) {
  NAPI_CALL(env, napi_create_reference(env, on_wake, 0, &r->on_wake));
  napi_value name;
  NAPI_CALL(env, napi_create_string_utf8(env, "IoUring", NAPI_AUTO_LENGTH, &name));
  NAPI_CALL(env, napi_async_init(env, NULL, name, &r->async_ctx));
  NAPI_CALL(env, napi_add_async_cleanup_hook(env, on_env_cleanup, r, &r->cleanup));

  napi_value out, handle;
  NAPI_CALL(env, napi_create_object(env, &out));
  r->box = malloc(sizeof(box_t));
  if (r->box == NULL) {
    napi_throw_error(env, "ERR_IOURING_NOMEM", "out of memory");
    return NULL;
  }
  r->box->ring = r;
  if (napi_create_external(env, r->box, finalize_box, NULL, &handle) != napi_ok) {
    free(r->box);
    r->box = NULL;
    napi_throw_error(env, "ERR_IOURING_NAPI", "could not create the ring handle");
    return NULL;
  }
  NAPI_CALL(env, napi_set_named_property(env, out, "handle", handle));
  if (describe_rings(env, r, out) == NULL) return NULL;
  NAPI_CALL(env, napi_set_named_property(env, out, "control", external_buffer(env, r, 3, r->ctrl, CTRL_BYTES)));
  return out;
}

// setup(options, onWake) -> ring description | -errno
static napi_value js_setup(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  NAPI_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  napi_valuetype t0, t1;
  NAPI_CALL(env, napi_typeof(env, argv[0], &t0));
  NAPI_CALL(env, napi_typeof(env, argv[1], &t1));
  if (argc < 2 || t0 != napi_object || t1 != napi_function) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "setup(options, onWake) needs an object and a function");
    return NULL;
  }

  struct iou_params p;
  memset(&p, 0, sizeof(p));
  uint32_t entries = get_u32_prop(env, argv[0], "entries", 256);
  p.flags = get_u32_prop(env, argv[0], "flags", 0);
  p.cq_entries = get_u32_prop(env, argv[0], "cqEntries", 0);
  p.sq_thread_cpu = get_u32_prop(env, argv[0], "sqThreadCpu", 0);
  p.sq_thread_idle = get_u32_prop(env, argv[0], "sqThreadIdle", 0);
  p.wq_fd = get_u32_prop(env, argv[0], "wqFd", 0);
  if (p.flags & IOU_SETUP_NO_MMAP) return make_errno(env, -EINVAL);  // rings in user memory: not offered

  uv_loop_t *loop = NULL;
  NAPI_CALL(env, napi_get_uv_event_loop(env, &loop));
  thread_t *t = thread_of(env, loop);
  if (t == NULL) return make_errno(env, -ENOMEM);

  int fd = sys_setup(entries, &p);
  if (fd < 0) return make_errno(env, fd);

  ring_t *r = calloc(1, sizeof(*r));
  if (r == NULL) {
    close(fd);
    return make_errno(env, -ENOMEM);
  }
  r->env = env;
  r->thread = t;
  r->fd = fd;
  r->enter_fd = fd;
  r->evfd = -1;
  r->p = p;
  r->ctrl_i32 = (int32_t *)r->ctrl;
  r->stats = r->ctrl;
  r->ctrl_i32[CTRL_WANT_REF] = 1;
  r->ctrl_i32[CTRL_DISABLED] = (p.flags & IOU_SETUP_R_DISABLED) != 0;

  int err = map_rings(r);
  if (!err && uv_poll_init(loop, &r->poll, fd) != 0) err = -EINVAL;
  if (err) {
    release_kernel_ring(r);
    free(r);
    return make_errno(env, err);
  }
  // From here on the ring is only freed through begin_close().
  r->handles_open = 1;
  r->poll.data = r;
  uv_unref((uv_handle_t *)&r->poll);
  *t->last = r;
  t->last = &r->next;
  if (p.flags & IOU_SETUP_DEFER_TASKRUN) {
    err = watch_task_work(r, loop);
    if (!err) {
      r->handles_open++;
      r->evpoll.data = r;
      uv_unref((uv_handle_t *)&r->evpoll);
      if (uv_poll_start(&r->evpoll, UV_READABLE, on_evpoll) != 0) err = -EINVAL;
    }
  }
  if (!err && uv_poll_start(&r->poll, UV_READABLE, on_poll) != 0) err = -EINVAL;
  if (err) {
    begin_close(r);
    return make_errno(env, err);
  }
  napi_value out = expose_ring(env, r, argv[1]);
  if (out == NULL) close_from_js(r);
  return out;
}

static bool get_view(napi_env env, napi_value v, void **data, size_t *len) {
  bool is;
  if (napi_is_typedarray(env, v, &is) == napi_ok && is) {
    napi_typedarray_type type;
    size_t length, offset;
    napi_value ab;
    if (napi_get_typedarray_info(env, v, &type, &length, data, &ab, &offset) != napi_ok) return false;
    static const size_t sizes[] = {1, 1, 1, 2, 2, 4, 4, 4, 8, 8, 8};
    *len = length * ((size_t)type < sizeof(sizes) / sizeof(sizes[0]) ? sizes[type] : 1);
    return true;
  }
  if (napi_is_dataview(env, v, &is) == napi_ok && is) {
    napi_value ab;
    size_t offset;
    return napi_get_dataview_info(env, v, len, data, &ab, &offset) == napi_ok;
  }
  if (napi_is_arraybuffer(env, v, &is) == napi_ok && is) {
    return napi_get_arraybuffer_info(env, v, data, len) == napi_ok;
  }
  return false;
}

// Optional view argument: undefined/null -> (NULL, 0).
static bool get_optional_view(napi_env env, napi_value v, void **data, size_t *len) {
  napi_valuetype t;
  *data = NULL;
  *len = 0;
  if (napi_typeof(env, v, &t) != napi_ok) return false;
  if (t == napi_undefined || t == napi_null) return true;
  if (!get_view(env, v, data, len)) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "expected an ArrayBuffer or ArrayBufferView");
    return false;
  }
  return true;
}

// enter(handle, toSubmit, minComplete, flags, arg?) -> result | -errno
static napi_value js_enter(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  NAPI_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 4) {
    napi_throw_type_error(env, "ERR_MISSING_ARGS", "enter(handle, toSubmit, minComplete, flags, arg?)");
    return NULL;
  }
  ring_t *r = get_ring(env, argv[0]);
  if (r == NULL) return NULL;
  uint32_t to_submit, min_complete, flags;
  NAPI_CALL(env, napi_get_value_uint32(env, argv[1], &to_submit));
  NAPI_CALL(env, napi_get_value_uint32(env, argv[2], &min_complete));
  NAPI_CALL(env, napi_get_value_uint32(env, argv[3], &flags));
  void *arg = NULL;
  size_t argsz = 0;
  if (argc > 4 && !get_optional_view(env, argv[4], &arg, &argsz)) return NULL;
  return make_errno(env, sys_enter(r, to_submit, min_complete, flags, arg, argsz));
}

// submit(handle, extraEnterFlags?) -> SQEs submitted | -errno
static napi_value js_submit(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  NAPI_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  ring_t *r = get_ring(env, argv[0]);
  if (r == NULL) return NULL;
  uint32_t flags = 0;
  if (argc > 1) NAPI_CALL(env, napi_get_value_uint32(env, argv[1], &flags));
  return make_errno(env, flush(r, flags));
}

// How many bytes io_uring_register reads or writes at `arg` for each opcode
// (Linux 6.18): `fixed` plus `per_nr` for each unit of nr_args. Opcodes that
// take no argument have neither (the kernel refuses a non-NULL one unread).
// Where nr_args is the argument's size in bytes, per_nr is 1.
static const struct {
  uint8_t fixed, per_nr;
} register_arg_size[] = {
    [0] = {0, 16},   // REGISTER_BUFFERS: struct iovec[nr]
    [2] = {0, 4},    // REGISTER_FILES: int[nr]
    [4] = {4, 0},    // REGISTER_EVENTFD: int
    [6] = {16, 0},   // REGISTER_FILES_UPDATE: io_uring_files_update
    [7] = {4, 0},    // REGISTER_EVENTFD_ASYNC: int
    [8] = {16, 8},   // REGISTER_PROBE: io_uring_probe + io_uring_probe_op[nr]
    [11] = {0, 16},  // REGISTER_RESTRICTIONS: io_uring_restriction[nr]
    [13] = {0, 1},   // REGISTER_FILES2: io_uring_rsrc_register, nr = its size
    [14] = {0, 1},   // REGISTER_FILES_UPDATE2: io_uring_rsrc_update2, nr = its size
    [15] = {0, 1},   // REGISTER_BUFFERS2
    [16] = {0, 1},   // REGISTER_BUFFERS_UPDATE
    [17] = {0, 1},   // REGISTER_IOWQ_AFF: a CPU mask of nr bytes
    [19] = {8, 0},   // REGISTER_IOWQ_MAX_WORKERS: __u32[2]
    [20] = {0, 16},  // REGISTER_RING_FDS: io_uring_rsrc_update[nr]
    [21] = {0, 16},  // UNREGISTER_RING_FDS
    [22] = {40, 0},  // REGISTER_PBUF_RING: io_uring_buf_reg
    [23] = {40, 0},  // UNREGISTER_PBUF_RING
    [24] = {64, 0},  // REGISTER_SYNC_CANCEL: io_uring_sync_cancel_reg
    [25] = {16, 0},  // REGISTER_FILE_ALLOC_RANGE: io_uring_file_index_range
    [26] = {40, 0},  // REGISTER_PBUF_STATUS: io_uring_buf_status
    [27] = {16, 0},  // REGISTER_NAPI: io_uring_napi
    [28] = {16, 0},  // UNREGISTER_NAPI
    [29] = {16, 0},  // REGISTER_CLOCK: io_uring_clock_register
    [30] = {32, 0},  // REGISTER_CLONE_BUFFERS: io_uring_clone_buffers
    [31] = {64, 0},  // REGISTER_SEND_MSG_RING: an SQE
    [32] = {96, 0},  // REGISTER_ZCRX_IFQ: io_uring_zcrx_ifq_reg
    [33] = {120, 0}, // REGISTER_RESIZE_RINGS: io_uring_params (refused here: see js_resize)
    [34] = {32, 0},  // REGISTER_MEM_REGION: io_uring_mem_region_reg
    [35] = {40, 0},  // REGISTER_QUERY: io_uring_query_hdr
};

// register(handle, opcode, arg?, nrArgs) -> result | -errno. A buffer shorter
// than what the kernel would read or write there for this opcode and nrArgs
// is refused (ERR_OUT_OF_RANGE) before the kernel sees it.
static napi_value js_register(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  NAPI_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 4) {
    napi_throw_type_error(env, "ERR_MISSING_ARGS", "register(handle, opcode, arg, nrArgs)");
    return NULL;
  }
  ring_t *r = get_ring(env, argv[0]);
  if (r == NULL) return NULL;
  uint32_t opcode, nr;
  NAPI_CALL(env, napi_get_value_uint32(env, argv[1], &opcode));
  NAPI_CALL(env, napi_get_value_uint32(env, argv[3], &nr));
  void *arg;
  size_t len;
  if (!get_optional_view(env, argv[2], &arg, &len)) return NULL;
  uint32_t op = opcode & ~IOU_REGISTER_USE_REGISTERED_RING;
  if (op == IOU_REGISTER_RESIZE_RINGS) {
    napi_throw_error(env, "ERR_INVALID_ARG_VALUE", "IORING_REGISTER_RESIZE_RINGS moves the mapped rings: use resize()");
    return NULL;
  }
  if (arg != NULL) {
    size_t known = sizeof(register_arg_size) / sizeof(register_arg_size[0]);
    if (op >= known) {
      napi_throw_error(env, "ERR_INVALID_ARG_VALUE", "this io_uring_register opcode is newer than the addon, which cannot check its argument's size");
      return NULL;
    }
    uint64_t need = register_arg_size[op].fixed + (uint64_t)register_arg_size[op].per_nr * nr;
    if (len < need) {
      char message[160];
      snprintf(message, sizeof(message), "io_uring_register opcode %u with nrArgs %u uses %llu bytes of its argument; the buffer has %zu",
               op, nr, (unsigned long long)need, len);
      napi_throw_range_error(env, "ERR_OUT_OF_RANGE", message);
      return NULL;
    }
  }
  long ret = syscall(SYS_io_uring_register, r->fd, opcode, arg, nr);
  if (ret < 0) return make_errno(env, -errno);
  if (op == IOU_REGISTER_ENABLE_RINGS) r->ctrl_i32[CTRL_DISABLED] = 0;
  return make_errno(env, (int)ret);
}

// resize(handle, sqEntries, cqEntries, flags) -> new ring description | -errno.
// IORING_REGISTER_RESIZE_RINGS moves the rings to new memory (pending SQEs and
// CQEs are copied over): the old mapped ArrayBuffers are detached, the new
// rings mapped, and described as setup() describes them. If the kernel moved
// the rings but they cannot be mapped, the ring is closed (its handle refused
// from then on) and -errno returned: nothing is left pointing at the old rings.
static napi_value js_resize(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  NAPI_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 4) {
    napi_throw_type_error(env, "ERR_MISSING_ARGS", "resize(handle, sqEntries, cqEntries, flags)");
    return NULL;
  }
  ring_t *r = get_ring(env, argv[0]);
  if (r == NULL) return NULL;
  // The kernel does not report where a resized ring's SQ array is (6.18
  // leaves sq_off.array 0), so only rings without one can be remapped.
  if (!(r->p.flags & IOU_SETUP_NO_SQARRAY)) return make_errno(env, -EOPNOTSUPP);
  struct iou_params p;
  memset(&p, 0, sizeof(p));
  NAPI_CALL(env, napi_get_value_uint32(env, argv[1], &p.sq_entries));
  NAPI_CALL(env, napi_get_value_uint32(env, argv[2], &p.cq_entries));
  NAPI_CALL(env, napi_get_value_uint32(env, argv[3], &p.flags));
  if (syscall(SYS_io_uring_register, r->fd, IOU_REGISTER_RESIZE_RINGS, &p, 1) < 0) return make_errno(env, -errno);
  drop_buffers(r, 3, true);
  unmap_rings(r);
  r->p.sq_entries = p.sq_entries;
  r->p.cq_entries = p.cq_entries;
  r->p.sq_off = p.sq_off;
  r->p.cq_off = p.cq_off;
  int err = map_rings(r);
  if (err) {
    close_from_js(r);
    return make_errno(env, err);
  }
  napi_value out;
  NAPI_CALL(env, napi_create_object(env, &out));
  return describe_rings(env, r, out);
}

// registerRingFd(handle) -> 0 | -errno: registers the ring's own fd so that
// every later io_uring_enter skips the fd table lookup.
static napi_value js_register_ring_fd(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  NAPI_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  ring_t *r = get_ring(env, argv[0]);
  if (r == NULL) return NULL;
  if (r->enter_flags & IOU_ENTER_REGISTERED_RING) return make_errno(env, 0);
  struct { uint32_t offset, resv; uint64_t data; } upd = {(uint32_t)-1, 0, (uint64_t)r->fd};
  long ret = syscall(SYS_io_uring_register, r->fd, IOU_REGISTER_RING_FDS, &upd, 1);
  if (ret < 0) return make_errno(env, -errno);
  r->enter_fd = (int)upd.offset;
  r->enter_flags = IOU_ENTER_REGISTERED_RING;
  return make_errno(env, 0);
}

// updateRef(handle): JavaScript started work while CTRL_ARMED was 0, or changed CTRL_WANT_REF.
static napi_value js_update_ref(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  NAPI_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  ring_t *r = get_ring(env, argv[0]);
  if (r == NULL) return NULL;
  update_ref(r);
  return NULL;
}

// close(handle): JavaScript has reaped every CQE it waits for. Detaches the
// mapped ArrayBuffers first, so no view can reach unmapped memory, then gives
// up the kernel ring (see release_kernel_ring).
static napi_value js_close(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  NAPI_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  ring_t *r = get_ring(env, argv[0]);
  if (r == NULL) return NULL;
  close_from_js(r);
  return NULL;
}

// address(view) -> address of the view's first byte, as a number.
static napi_value js_address(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  NAPI_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  void *data = NULL;
  size_t len = 0;
  if (argc < 1 || !get_view(env, argv[0], &data, &len)) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "expected an ArrayBuffer or ArrayBufferView");
    return NULL;
  }
  napi_value out;
  NAPI_CALL(env, napi_create_double(env, (double)(uintptr_t)data, &out));
  return out;
}

// check(call) -> 0 | -errno: may this process make io_uring system call
// `call` (0 io_uring_setup, 1 io_uring_enter, 2 io_uring_register)? Each is
// made so that it creates nothing: a setup with 0 entries (EINVAL when
// io_uring works; a real ring would start this thread's io-wq with a bound of
// one worker, which every later ring of the thread would inherit), an enter
// or a register on fd INT_MAX, which no process can have open (EBADF when
// allowed; fd -1 means a ring-less registration to newer kernels). A seccomp filter may deny any
// one of them; the sysctl kernel.io_uring_disabled only the setup.
static napi_value js_check(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  uint32_t call = 0;
  NAPI_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc > 0) NAPI_CALL(env, napi_get_value_uint32(env, argv[0], &call));
  long ret;
  int allowed;
  if (call == 0) {
    struct iou_params p;
    memset(&p, 0, sizeof(p));
    ret = syscall(SYS_io_uring_setup, 0, &p);
    if (ret >= 0) close((int)ret);
    allowed = EINVAL;
  } else if (call == 1) {
    ret = syscall(SYS_io_uring_enter, INT_MAX, 0, 0, 0, NULL, 0);
    allowed = EBADF;
  } else {
    ret = syscall(SYS_io_uring_register, INT_MAX, 0, NULL, 0);
    allowed = EBADF;
  }
  return make_errno(env, ret >= 0 || errno == allowed ? 0 : -errno);
}

// ringEventfd(handle) -> the eventfd the addon registered with a
// DEFER_TASKRUN ring (which takes the ring's one eventfd slot), or -1.
static napi_value js_ring_eventfd(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  NAPI_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  ring_t *r = get_ring(env, argv[0]);
  if (r == NULL) return NULL;
  return make_errno(env, r->evfd);
}

// eventfd(initval, flags) -> fd | -errno. Node has no eventfd; io_uring
// signals one per completion once it is registered (IORING_REGISTER_EVENTFD).
static napi_value js_eventfd(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  uint32_t initval = 0, flags = 0;
  NAPI_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc > 0) NAPI_CALL(env, napi_get_value_uint32(env, argv[0], &initval));
  if (argc > 1) NAPI_CALL(env, napi_get_value_uint32(env, argv[1], &flags));
  int fd = eventfd(initval, (int)flags);
  return make_errno(env, fd < 0 ? -errno : fd);
}

// epollCreate() -> fd | -errno: an epoll instance (EPOLL_CLOEXEC) for
// IORING_OP_EPOLL_CTL / IORING_OP_EPOLL_WAIT; Node has no way to make one.
static napi_value js_epoll_create(napi_env env, napi_callback_info info) {
  (void)info;
  int fd = epoll_create1(EPOLL_CLOEXEC);
  return make_errno(env, fd < 0 ? -errno : fd);
}

// pipe(flags) -> [readFd, writeFd] | -errno: pipe2(2), for splice-based
// copies on kernels without IORING_OP_PIPE (Linux < 6.16); Node has no pipe().
static napi_value js_pipe(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  uint32_t flags = O_CLOEXEC;
  NAPI_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc > 0) NAPI_CALL(env, napi_get_value_uint32(env, argv[0], &flags));
  int fds[2];
  if (pipe2(fds, (int)flags) < 0) return make_errno(env, -errno);
  napi_value result, fd;
  NAPI_CALL(env, napi_create_array_with_length(env, 2, &result));
  for (uint32_t i = 0; i < 2; i++) {
    NAPI_CALL(env, napi_create_int32(env, fds[i], &fd));
    NAPI_CALL(env, napi_set_element(env, result, i, fd));
  }
  return result;
}

// setPipeSize(fd, size) -> the new capacity | -errno: fcntl(F_SETPIPE_SZ),
// so a splice moves more than the default 64 KiB per call.
static napi_value js_set_pipe_size(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  int32_t fd = -1;
  uint32_t size = 0;
  NAPI_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 2) return make_errno(env, -EINVAL);
  NAPI_CALL(env, napi_get_value_int32(env, argv[0], &fd));
  NAPI_CALL(env, napi_get_value_uint32(env, argv[1], &size));
  int ret = fcntl(fd, F_SETPIPE_SZ, (int)size);
  return make_errno(env, ret < 0 ? -errno : ret);
}

// ---- credentials -------------------------------------------------------------
//
// An SQPOLL ring's kernel thread acts with the credentials of the thread that
// made the ring; @iouring/core compares the process's with those it recorded
// before its thread may see new SQEs. One call, three system calls, instead of
// process.getuid() and its four siblings (six system calls, an array and a
// string each time).

_Static_assert(sizeof(uid_t) == 4 && sizeof(gid_t) == 4, "uid_t and gid_t are 32 bits on Linux");

// credentials(out: Uint32Array): [ruid, euid, suid, rgid, egid, sgid, n, n
// supplementary groups] into `out`. The number of words that takes: when it
// is more than out.length, nothing but the ids was written and the caller
// asks again with room for that many. -errno on failure.
static napi_value js_credentials(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  NAPI_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  napi_typedarray_type type;
  size_t length = 0;
  void *data = NULL;
  if (argc < 1 || napi_get_typedarray_info(env, argv[0], &type, &length, &data, NULL, NULL) != napi_ok || type != napi_uint32_array || length < 7) {
    return make_errno(env, -EINVAL);
  }
  uint32_t *words = data;
  uid_t ruid, euid, suid;
  gid_t rgid, egid, sgid;
  if (getresuid(&ruid, &euid, &suid) != 0 || getresgid(&rgid, &egid, &sgid) != 0) return make_errno(env, -errno);
  size_t room = length - 7 > INT_MAX ? INT_MAX : length - 7;
  // With room for none, getgroups only counts them.
  int groups = getgroups((int)room, (gid_t *)(words + 7));
  if (groups < 0 && errno == EINVAL) groups = getgroups(0, NULL);
  if (groups < 0) return make_errno(env, -errno);
  uint32_t ids[7] = {ruid, euid, suid, rgid, egid, sgid, (uint32_t)groups};
  memcpy(words, ids, sizeof ids);
  return make_errno(env, 7 + groups);
}

// ---- memory JavaScript shares with the kernel --------------------------------
//
// Provided-buffer rings (@iouring/buffers) hand the kernel page-aligned memory
// that outlives any one operation. These helpers are generic: an ArrayBuffer
// over fresh anonymous pages, one over a region of the ring fd, an alias of
// part of an ArrayBuffer, and detaching one. The mappings are unmapped by the
// ArrayBuffer's finalizer, which runs when it is collected or detached.

static void finalize_mapping(napi_env env, void *data, void *hint) {
  (void)env;
  // Only a bug (a pointer or length this file did not map) makes munmap fail.
  if (munmap(data, (size_t)(uintptr_t)hint) != 0) napi_fatal_error("@iouring/native", NAPI_AUTO_LENGTH, "munmap of a mapping failed", NAPI_AUTO_LENGTH);
}

static napi_value mapping_buffer(napi_env env, void *ptr, size_t len) {
  napi_value ab;
  napi_status status = napi_create_external_arraybuffer(env, ptr, len, finalize_mapping, (void *)(uintptr_t)len, &ab);
  if (status != napi_ok) {
    finalize_mapping(env, ptr, (void *)(uintptr_t)len);
    NAPI_CALL(env, status);
  }
  return ab;
}

// Reads a byte length argument (1 .. SIZE_MAX); false with a TypeError thrown otherwise.
static bool get_length(napi_env env, napi_value v, size_t *out) {
  double d;
  if (napi_get_value_double(env, v, &d) != napi_ok || !(d >= 1) || d > 9007199254740991.0 || d != (double)(size_t)d) {
    napi_throw_range_error(env, "ERR_OUT_OF_RANGE", "a length must be a positive integer");
    return false;
  }
  *out = (size_t)d;
  return true;
}

// mapMemory(size) -> ArrayBuffer | -errno: zeroed, page-aligned anonymous
// memory this process owns, unmapped when the ArrayBuffer is collected or detached.
static napi_value js_map_memory(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  NAPI_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  size_t len;
  if (argc < 1 || !get_length(env, argv[0], &len)) return NULL;
  void *ptr = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (ptr == MAP_FAILED) return make_errno(env, -errno);
  return mapping_buffer(env, ptr, len);
}

// mapRingRegion(handle, offset, size) -> ArrayBuffer | -errno: a region of the
// ring fd the kernel allocated (IORING_OFF_PBUF_RING | bgid << IORING_OFF_PBUF_SHIFT
// for a buffer ring registered with IOU_PBUF_RING_MMAP). The mapping keeps the
// kernel's pages, and the ring's file, until it is unmapped.
static napi_value js_map_ring_region(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  NAPI_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 3) {
    napi_throw_type_error(env, "ERR_MISSING_ARGS", "mapRingRegion(handle, offset, size)");
    return NULL;
  }
  ring_t *r = get_ring(env, argv[0]);
  if (r == NULL) return NULL;
  int64_t offset;
  size_t len;
  NAPI_CALL(env, napi_get_value_int64(env, argv[1], &offset));
  if (!get_length(env, argv[2], &len)) return NULL;
  void *ptr = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, r->fd, (off_t)offset);
  if (ptr == MAP_FAILED) return make_errno(env, -errno);
  return mapping_buffer(env, ptr, len);
}

// alias(arrayBuffer, offset, length) -> a new ArrayBuffer over bytes
// [offset, offset + length) of `arrayBuffer`'s memory, which it does not own:
// the caller keeps `arrayBuffer` alive for as long as the alias may be read,
// and detaches the alias (detach()) to end that.
static napi_value js_alias(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  NAPI_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  bool is = false;
  void *data = NULL;
  size_t len = 0;
  int64_t offset, length;
  if (argc < 3 || napi_is_arraybuffer(env, argv[0], &is) != napi_ok || !is ||
      napi_get_value_int64(env, argv[1], &offset) != napi_ok || napi_get_value_int64(env, argv[2], &length) != napi_ok) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "alias(arrayBuffer, offset, length) needs an ArrayBuffer and two integers");
    return NULL;
  }
  NAPI_CALL(env, napi_get_arraybuffer_info(env, argv[0], &data, &len));
  if (data == NULL || offset < 0 || length < 0 || (uint64_t)offset > len || (uint64_t)length > len - (size_t)offset) {
    napi_throw_range_error(env, "ERR_OUT_OF_RANGE", "alias: the range lies outside the ArrayBuffer (or it is detached)");
    return NULL;
  }
  napi_value ab;
  NAPI_CALL(env, napi_create_external_arraybuffer(env, (char *)data + offset, length, NULL, NULL, &ab));
  return ab;
}

// detach(arrayBuffer): detaches an ArrayBuffer this addon created (mapMemory,
// mapRingRegion, alias); views of it become zero-length. A mapping is unmapped
// by its finalizer once detached.
static napi_value js_detach(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  NAPI_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  bool is = false;
  if (argc < 1 || napi_is_arraybuffer(env, argv[0], &is) != napi_ok || !is) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "detach(arrayBuffer) needs an ArrayBuffer");
    return NULL;
  }
  NAPI_CALL(env, napi_detach_arraybuffer(env, argv[0]));
  return NULL;
}

// Socket calls the ring has no operation for (getsockname, getpeername), or
// that must answer synchronously where node:net's API does (setNoDelay,
// address()), or that kernels before 6.11 lack as ring operations (bind,
// listen). One system call each, never per I/O operation.

// socket(domain, type, protocol) -> fd | -errno (SOCK_CLOEXEC added).
static napi_value js_socket(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  int32_t domain = 0, type = 0, protocol = 0;
  NAPI_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 3) return make_errno(env, -EINVAL);
  NAPI_CALL(env, napi_get_value_int32(env, argv[0], &domain));
  NAPI_CALL(env, napi_get_value_int32(env, argv[1], &type));
  NAPI_CALL(env, napi_get_value_int32(env, argv[2], &protocol));
  int fd = socket(domain, type | SOCK_CLOEXEC, protocol);
  return make_errno(env, fd < 0 ? -errno : fd);
}

// The fd and the view of a socket call's (fd, view) arguments; false with an exception pending.
static bool fd_and_view(napi_env env, napi_callback_info info, int32_t *fd, void **data, size_t *len) {
  size_t argc = 2;
  napi_value argv[2];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return false;
  if (argc < 2 || napi_get_value_int32(env, argv[0], fd) != napi_ok || !get_view(env, argv[1], data, len)) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "expected (fd, ArrayBufferView)");
    return false;
  }
  return true;
}

// bind(fd, sockaddr) -> 0 | -errno.
static napi_value js_bind(napi_env env, napi_callback_info info) {
  int32_t fd;
  void *addr;
  size_t len;
  if (!fd_and_view(env, info, &fd, &addr, &len)) return NULL;
  return make_errno(env, bind(fd, addr, (socklen_t)len) < 0 ? -errno : 0);
}

// listen(fd, backlog) -> 0 | -errno.
static napi_value js_listen(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  int32_t fd = -1, backlog = 0;
  NAPI_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 2) return make_errno(env, -EINVAL);
  NAPI_CALL(env, napi_get_value_int32(env, argv[0], &fd));
  NAPI_CALL(env, napi_get_value_int32(env, argv[1], &backlog));
  return make_errno(env, listen(fd, backlog) < 0 ? -errno : 0);
}

// shutdown(fd, how) -> 0 | -errno, for kernels without IORING_OP_SHUTDOWN (5.11).
static napi_value js_shutdown(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  int32_t fd = -1, how = 0;
  NAPI_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 2) return make_errno(env, -EINVAL);
  NAPI_CALL(env, napi_get_value_int32(env, argv[0], &fd));
  NAPI_CALL(env, napi_get_value_int32(env, argv[1], &how));
  return make_errno(env, shutdown(fd, how) < 0 ? -errno : 0);
}

typedef int (*name_call)(int, struct sockaddr *, socklen_t *);

// getsockname / getpeername into a buffer: the address's length | -errno.
static napi_value socket_name(napi_env env, napi_callback_info info, name_call call) {
  int32_t fd;
  void *addr;
  size_t len;
  if (!fd_and_view(env, info, &fd, &addr, &len)) return NULL;
  socklen_t size = (socklen_t)len;
  return make_errno(env, call(fd, addr, &size) < 0 ? -errno : (int)size);
}

static napi_value js_getsockname(napi_env env, napi_callback_info info) {
  return socket_name(env, info, getsockname);
}

static napi_value js_getpeername(napi_env env, napi_callback_info info) {
  return socket_name(env, info, getpeername);
}

// The (fd, level, name, view) arguments of setsockopt/getsockopt; false with an exception pending.
static bool sockopt_args(napi_env env, napi_callback_info info, int32_t *fd, int32_t *level, int32_t *name, void **data, size_t *len) {
  size_t argc = 4;
  napi_value argv[4];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return false;
  if (argc < 4 || napi_get_value_int32(env, argv[0], fd) != napi_ok || napi_get_value_int32(env, argv[1], level) != napi_ok ||
      napi_get_value_int32(env, argv[2], name) != napi_ok || !get_view(env, argv[3], data, len)) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "expected (fd, level, name, ArrayBufferView)");
    return false;
  }
  return true;
}

// setsockopt(fd, level, name, value) -> 0 | -errno.
static napi_value js_setsockopt(napi_env env, napi_callback_info info) {
  int32_t fd, level, name;
  void *value;
  size_t len;
  if (!sockopt_args(env, info, &fd, &level, &name, &value, &len)) return NULL;
  return make_errno(env, setsockopt(fd, level, name, value, (socklen_t)len) < 0 ? -errno : 0);
}

// getsockopt(fd, level, name, buffer) -> the value's length | -errno.
static napi_value js_getsockopt(napi_env env, napi_callback_info info) {
  int32_t fd, level, name;
  void *value;
  size_t len;
  if (!sockopt_args(env, info, &fd, &level, &name, &value, &len)) return NULL;
  socklen_t size = (socklen_t)len;
  return make_errno(env, getsockopt(fd, level, name, value, &size) < 0 ? -errno : (int)size);
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"setup", NULL, js_setup, NULL, NULL, NULL, napi_default, NULL},
      {"enter", NULL, js_enter, NULL, NULL, NULL, napi_default, NULL},
      {"submit", NULL, js_submit, NULL, NULL, NULL, napi_default, NULL},
      {"register", NULL, js_register, NULL, NULL, NULL, napi_default, NULL},
      {"registerRingFd", NULL, js_register_ring_fd, NULL, NULL, NULL, napi_default, NULL},
      {"resize", NULL, js_resize, NULL, NULL, NULL, napi_default, NULL},
      {"updateRef", NULL, js_update_ref, NULL, NULL, NULL, napi_default, NULL},
      {"close", NULL, js_close, NULL, NULL, NULL, napi_default, NULL},
      {"address", NULL, js_address, NULL, NULL, NULL, napi_default, NULL},
      {"check", NULL, js_check, NULL, NULL, NULL, napi_default, NULL},
      {"eventfd", NULL, js_eventfd, NULL, NULL, NULL, napi_default, NULL},
      {"ringEventfd", NULL, js_ring_eventfd, NULL, NULL, NULL, napi_default, NULL},
      {"epollCreate", NULL, js_epoll_create, NULL, NULL, NULL, napi_default, NULL},
      {"pipe", NULL, js_pipe, NULL, NULL, NULL, napi_default, NULL},
      {"setPipeSize", NULL, js_set_pipe_size, NULL, NULL, NULL, napi_default, NULL},
      {"credentials", NULL, js_credentials, NULL, NULL, NULL, napi_default, NULL},
      {"mapMemory", NULL, js_map_memory, NULL, NULL, NULL, napi_default, NULL},
      {"mapRingRegion", NULL, js_map_ring_region, NULL, NULL, NULL, napi_default, NULL},
      {"alias", NULL, js_alias, NULL, NULL, NULL, napi_default, NULL},
      {"detach", NULL, js_detach, NULL, NULL, NULL, napi_default, NULL},
      {"socket", NULL, js_socket, NULL, NULL, NULL, napi_default, NULL},
      {"bind", NULL, js_bind, NULL, NULL, NULL, napi_default, NULL},
      {"listen", NULL, js_listen, NULL, NULL, NULL, napi_default, NULL},
      {"shutdown", NULL, js_shutdown, NULL, NULL, NULL, napi_default, NULL},
      {"getsockname", NULL, js_getsockname, NULL, NULL, NULL, napi_default, NULL},
      {"getpeername", NULL, js_getpeername, NULL, NULL, NULL, napi_default, NULL},
      {"setsockopt", NULL, js_setsockopt, NULL, NULL, NULL, napi_default, NULL},
      {"getsockopt", NULL, js_getsockopt, NULL, NULL, NULL, napi_default, NULL},
  };
  NAPI_CALL(env, napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props));
  return exports;
}

NAPI_MODULE_INIT() { return init(env, exports); }
