// @iouring/native: the only C in @iouring.
//
// It crosses into the kernel and nothing else: io_uring_setup, mapping the
// rings, io_uring_enter, io_uring_register, munmap/close, and telling
// JavaScript where an ArrayBufferView's memory is. SQEs are written and CQEs
// read by JavaScript through the mapped ArrayBuffers; this file never looks at
// an individual operation.
//
// Event-loop integration: a uv_poll on the ring fd calls one JavaScript
// function per wake-up (the fd is readable while CQEs are posted), and a
// uv_prepare flushes SQEs that JavaScript published (SQ tail moved past the
// kernel's head) once per loop iteration, right before the loop blocks. The
// poll handle holds the loop open only while JavaScript reports operations in
// flight (a counter in the shared control block), like any Node handle.

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
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

_Static_assert(sizeof(struct iou_params) == 120, "io_uring_params is 120 bytes");

#ifndef SYS_io_uring_setup
#define SYS_io_uring_setup 425
#define SYS_io_uring_enter 426
#define SYS_io_uring_register 427
#endif

#define IOU_OFF_SQ_RING 0ULL
#define IOU_OFF_CQ_RING 0x8000000ULL
#define IOU_OFF_SQES 0x10000000ULL

#define IOU_SETUP_SQPOLL (1U << 1)
#define IOU_SETUP_SQE128 (1U << 10)
#define IOU_SETUP_CQE32 (1U << 11)
#define IOU_SETUP_DEFER_TASKRUN (1U << 13)
#define IOU_SETUP_NO_MMAP (1U << 14)
#define IOU_SETUP_NO_SQARRAY (1U << 16)
#define IOU_SETUP_CQE_MIXED (1U << 18)
#define IOU_SETUP_SQE_MIXED (1U << 19)

#define IOU_FEAT_SINGLE_MMAP (1U << 0)

#define IOU_SQ_NEED_WAKEUP (1U << 0)

#define IOU_ENTER_GETEVENTS (1U << 0)
#define IOU_ENTER_SQ_WAKEUP (1U << 1)
#define IOU_ENTER_REGISTERED_RING (1U << 4)

#define IOU_REGISTER_EVENTFD 4
#define IOU_REGISTER_RING_FDS 20
#define IOU_REGISTER_RESIZE_RINGS 33
#define IOU_REGISTER_USE_REGISTERED_RING (1U << 31)

// The control block shared with JavaScript: Int32 slots, then Float64 stats.
// JavaScript reads the stats without a native call; the indices are mirrored
// in index.js (CONTROL) and must stay in step with it.
enum {
  CTRL_INFLIGHT = 0,  // i32, JS: operations that keep the loop alive
  CTRL_WANT_REF = 1,  // i32, JS: 1 unless the user called ring.unref()
  CTRL_REFED = 2,     // i32, native: 1 while the poll handle is ref'ed
  CTRL_FLUSH_ERR = 3, // i32, native: -errno of the last failed flush, else 0
  CTRL_ENTER_CALLS = 2,  // f64 index: io_uring_enter calls
  CTRL_SUBMITTED = 3,    // f64 index: SQEs the kernel accepted
  CTRL_WAKEUPS = 4,      // f64 index: completion wake-ups delivered to JS
  CTRL_BYTES = 40
};

// A JS ring handle is an external over a box, so a handle used after close
// (or after environment teardown) finds NULL instead of freed memory.
typedef struct box_s {
  struct ring_s *ring;
} box_t;

typedef struct ring_s {
  napi_env env;
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

  napi_ref on_wake;
  napi_async_context async_ctx;
  napi_ref buffers[4];  // sqRing, cqRing, sqes, control: detached at close

  uv_poll_t poll;
  uv_prepare_t prepare;
  // DEFER_TASKRUN rings only (else -1): an eventfd registered with the ring,
  // watched by evpoll. See on_evpoll.
  int evfd;
  uv_poll_t evpoll;
  int handles_open;
  int closing;
  napi_async_cleanup_hook_handle cleanup;
  struct ring_s *next_in_thread;  // thread_rings
} ring_t;

// The open rings of this thread (each JavaScript thread has its own loop).
static __thread ring_t *thread_rings;

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

static int sys_setup(unsigned entries, struct iou_params *p) {
  long r = syscall(SYS_io_uring_setup, entries, p);
  return r < 0 ? -errno : (int)r;
}

static int sys_enter(ring_t *r, unsigned to_submit, unsigned min_complete, unsigned flags,
                     const void *arg, size_t argsz) {
  long ret;
  do {
    ret = syscall(SYS_io_uring_enter, r->enter_fd, to_submit, min_complete,
                  flags | r->enter_flags, arg, argsz);
  } while (ret < 0 && errno == EINTR);
  if (ret < 0) return -errno;
  r->stats[CTRL_ENTER_CALLS] += 1;
  r->stats[CTRL_SUBMITTED] += (double)(ret < (long)to_submit ? ret : (long)to_submit);
  return (int)ret;
}

// Submit what JavaScript published since the kernel last looked. Without
// SQPOLL the kernel consumes the SQ inside io_uring_enter, so the pending
// count is simply tail - head; with SQPOLL the kernel thread consumes it and
// only needs a wake-up when it has gone to sleep.
static int flush(ring_t *r, unsigned extra_flags) {
  unsigned tail = __atomic_load_n(r->sq_ktail, __ATOMIC_ACQUIRE);
  unsigned head = __atomic_load_n(r->sq_khead, __ATOMIC_ACQUIRE);
  if (r->p.flags & IOU_SETUP_SQPOLL) {
    unsigned flags = extra_flags;
    if (__atomic_load_n(r->sq_kflags, __ATOMIC_ACQUIRE) & IOU_SQ_NEED_WAKEUP) flags |= IOU_ENTER_SQ_WAKEUP;
    if (flags == 0) return 0;
    int ret = sys_enter(r, 0, 0, flags, NULL, 0);
    return ret < 0 ? ret : (int)(tail - head);
  }
  if (tail == head && extra_flags == 0) return 0;
  return sys_enter(r, tail - head, 0, extra_flags, NULL, 0);
}

static void update_ref(ring_t *r) {
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
}

static void call_js(ring_t *r, int arg) {
  napi_env env = r->env;
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return;
  napi_value fn, recv, argv[1], result;
  if (napi_get_reference_value(env, r->on_wake, &fn) == napi_ok && fn != NULL &&
      napi_get_global(env, &recv) == napi_ok && napi_create_int32(env, arg, &argv[0]) == napi_ok) {
    // make_callback runs the microtask queue afterwards, so promises settled
    // by this wake-up continue before the loop moves on.
    if (napi_make_callback(env, r->async_ctx, recv, fn, 1, argv, &result) == napi_pending_exception) {
      napi_value err;
      napi_get_and_clear_last_exception(env, &err);
      napi_fatal_exception(env, err);
    }
  }
  napi_close_handle_scope(env, scope);
}

static int cq_ready(ring_t *r) {
  return __atomic_load_n(r->cq_ktail, __ATOMIC_ACQUIRE) != __atomic_load_n(r->cq_khead, __ATOMIC_RELAXED);
}

// Once per loop iteration, before the loop blocks: submit what JavaScript
// published. Work that completes inside io_uring_enter (page-cached reads,
// NOPs) has its CQEs posted already, so JavaScript reaps them at once rather
// than after a round trip through epoll, and what it prepares in response is
// flushed in the next round. Every round ends with a flush, so nothing is left
// unsubmitted when the loop goes on to poll; the bound keeps other handles
// from waiting.
#define PREPARE_ROUNDS 8

// Flushes ring `r`; false when that failed and JavaScript was told.
static bool flush_or_report(ring_t *r) {
  int ret = flush(r, 0);
  // EAGAIN/EBUSY clear up once completions are reaped; anything else is a
  // bug worth surfacing, and JavaScript is the one that can report it.
  if (ret >= 0 || ret == -EAGAIN || ret == -EBUSY) return true;
  r->ctrl_i32[CTRL_FLUSH_ERR] = ret;
  call_js(r, ret);
  return false;
}

static void on_prepare(uv_prepare_t *h) {
  ring_t *r = h->data;
  bool called_js = false;
  for (int round = 0; !r->closing; round++) {
    if (!flush_or_report(r)) {
      called_js = true;
      break;
    }
    // The loop always ends right after a flush.
    if (round == PREPARE_ROUNDS || (r->p.flags & IOU_SETUP_DEFER_TASKRUN) || !cq_ready(r)) break;
    r->stats[CTRL_WAKEUPS] += 1;
    call_js(r, 0);
    called_js = true;
  }
  if (!r->closing) update_ref(r);
  // What JavaScript did may have put work on this thread's other rings,
  // whose prepare hooks may have run already in this loop iteration: flush
  // them too, or the loop would block with that work unsubmitted. Their
  // completions wake the loop through their own fds.
  if (!called_js) return;
  for (ring_t *other = thread_rings; other != NULL; other = other->next_in_thread) {
    if (other != r && !other->closing) flush_or_report(other);
  }
}

// DEFER_TASKRUN rings: task work (and with it most completions) runs only
// when this thread enters with GETEVENTS. 0 or -errno worth reporting.
static int run_task_work(ring_t *r) {
  int ret = sys_enter(r, 0, 0, IOU_ENTER_GETEVENTS, NULL, 0);
  return (ret < 0 && ret != -EAGAIN && ret != -EBUSY) ? ret : 0;
}

static void on_poll(uv_poll_t *h, int status, int events) {
  (void)events;
  ring_t *r = h->data;
  if (r->closing) return;
  if (status == 0 && (r->p.flags & IOU_SETUP_DEFER_TASKRUN)) status = run_task_work(r);
  r->stats[CTRL_WAKEUPS] += 1;
  call_js(r, status < 0 ? status : 0);
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
  call_js(r, status < 0 ? status : 0);
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

static void unmap_ring(ring_t *r) {
  unmap_rings(r);
  // Closing the ring unregisters its eventfd.
  if (r->fd >= 0) close(r->fd);
  r->fd = -1;
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

static void on_handle_closed(uv_handle_t *h) {
  ring_t *r = h->data;
  if (h == (uv_handle_t *)&r->evpoll) {
    close(r->evfd);
    r->evfd = -1;
  }
  if (--r->handles_open > 0) return;
  if (r->cleanup) napi_remove_async_cleanup_hook(r->cleanup);
  if (r->box) r->box->ring = NULL;
  free(r);
}

// Closes the libuv handles; the ring struct is freed when both are closed.
// Idempotent. JavaScript references (napi_ref) are released by the caller
// when it still may touch the JS heap.
static void begin_close(ring_t *r) {
  if (r->closing) return;
  r->closing = 1;
  // Unlinked, its own link stays: a walk of thread_rings standing on it
  // goes on (the struct is freed only once its handles have closed).
  for (ring_t **link = &thread_rings; *link != NULL; link = &(*link)->next_in_thread) {
    if (*link == r) {
      *link = r->next_in_thread;
      break;
    }
  }
  uv_poll_stop(&r->poll);
  uv_prepare_stop(&r->prepare);
  if (r->evfd >= 0) uv_poll_stop(&r->evpoll);
  unmap_ring(r);
  uv_close((uv_handle_t *)&r->poll, on_handle_closed);
  uv_close((uv_handle_t *)&r->prepare, on_handle_closed);
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

// Environment teardown (process exit, worker termination) for a ring that
// JavaScript never closed.
static void on_env_cleanup(napi_async_cleanup_hook_handle handle, void *data) {
  ring_t *r = data;
  r->cleanup = handle;
  release_js(r, false);
  begin_close(r);
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

  int fd = sys_setup(entries, &p);
  if (fd < 0) return make_errno(env, fd);

  ring_t *r = calloc(1, sizeof(*r));
  if (r == NULL) {
    close(fd);
    return make_errno(env, -ENOMEM);
  }
  r->env = env;
  r->fd = fd;
  r->enter_fd = fd;
  r->evfd = -1;
  r->p = p;

  int err = map_rings(r);
  uv_loop_t *loop = NULL;
  if (!err && napi_get_uv_event_loop(env, &loop) != napi_ok) err = -EINVAL;
  if (!err && uv_poll_init(loop, &r->poll, fd) != 0) err = -EINVAL;
  if (err) {
    unmap_ring(r);
    free(r);
    return make_errno(env, err);
  }
  // From here on the ring is only freed through begin_close().
  uv_prepare_init(loop, &r->prepare);
  r->handles_open = 2;
  r->next_in_thread = thread_rings;
  thread_rings = r;
  r->poll.data = r;
  r->prepare.data = r;
  uv_unref((uv_handle_t *)&r->poll);
  uv_unref((uv_handle_t *)&r->prepare);
  uv_poll_start(&r->poll, UV_READABLE, on_poll);
  uv_prepare_start(&r->prepare, on_prepare);
  if (p.flags & IOU_SETUP_DEFER_TASKRUN) {
    err = watch_task_work(r, loop);
    if (err) {
      begin_close(r);
      return make_errno(env, err);
    }
    r->handles_open++;
    r->evpoll.data = r;
    uv_unref((uv_handle_t *)&r->evpoll);
    uv_poll_start(&r->evpoll, UV_READABLE, on_evpoll);
  }

  r->ctrl_i32 = (int32_t *)r->ctrl;
  r->stats = r->ctrl;
  r->ctrl_i32[CTRL_WANT_REF] = 1;

  NAPI_CALL(env, napi_create_reference(env, argv[1], 1, &r->on_wake));
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
  NAPI_CALL(env, napi_create_external(env, r->box, finalize_box, NULL, &handle));
  NAPI_CALL(env, napi_set_named_property(env, out, "handle", handle));
  if (describe_rings(env, r, out) == NULL) return NULL;
  NAPI_CALL(env, napi_set_named_property(env, out, "control", external_buffer(env, r, 3, r->ctrl, CTRL_BYTES)));
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

// register(handle, opcode, arg?, nrArgs) -> result | -errno
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
  long ret = syscall(SYS_io_uring_register, r->fd, opcode, arg, nr);
  return make_errno(env, ret < 0 ? -errno : (int)ret);
}

// resize(handle, sqEntries, cqEntries, flags) -> new ring description | -errno.
// IORING_REGISTER_RESIZE_RINGS moves the rings to new memory (pending SQEs and
// CQEs are copied over): the old mapped ArrayBuffers are detached, the new
// rings mapped, and described as setup() describes them.
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
  if (err) return make_errno(env, err);
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

// updateRef(handle): JavaScript changed CTRL_INFLIGHT from 0 or CTRL_WANT_REF.
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
// mapped ArrayBuffers first, so no view can reach unmapped memory.
static napi_value js_close(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  NAPI_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  ring_t *r = get_ring(env, argv[0]);
  if (r == NULL) return NULL;
  release_js(r, true);
  napi_remove_async_cleanup_hook(r->cleanup);
  r->cleanup = NULL;
  begin_close(r);
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
