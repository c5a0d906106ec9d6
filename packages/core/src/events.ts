import * as native from '@iouring/native'
import {
  FUTEX2_PRIVATE,
  FUTEX2_SIZE_U32,
  FUTEX_BITSET_MATCH_ANY,
  IORING_ASYNC_CANCEL_ALL,
  IORING_ASYNC_CANCEL_ANY,
  IORING_ASYNC_CANCEL_FD,
  IORING_ASYNC_CANCEL_FD_FIXED,
  IORING_ASYNC_CANCEL_OP,
  EPOLL_CTL_ADD,
  EPOLL_CTL_DEL,
  EPOLL_CTL_MOD,
  EPOLL_EVENT_SIZE,
  IORING_OP_ASYNC_CANCEL,
  IORING_OP_EPOLL_CTL,
  IORING_OP_EPOLL_WAIT,
  IORING_OP_FUTEX_WAIT,
  IORING_OP_FUTEX_WAITV,
  IORING_OP_FUTEX_WAKE,
  IORING_OP_MSG_RING,
  IORING_OP_POLL_ADD,
  IORING_OP_POLL_REMOVE,
  IORING_OP_TIMEOUT,
  IORING_OP_TIMEOUT_REMOVE,
  IORING_OP_WAITID,
  IORING_POLL_ADD_MULTI,
  IORING_POLL_UPDATE_EVENTS,
  IORING_TIMEOUT_ABS,
  IORING_TIMEOUT_BOOTTIME,
  IORING_TIMEOUT_ETIME_SUCCESS,
  IORING_TIMEOUT_MULTISHOT,
  IORING_TIMEOUT_REALTIME,
  OPCODES,
  P_ALL,
  P_PGID,
  P_PID,
  P_PIDFD,
  SIGINFO_SIZE,
  SQE_LEN,
  WCONTINUED,
  WEXITED,
  WNOWAIT,
  WSTOPPED,
  decodeEpollEvents,
  decodeSiginfo,
  encodeFutexWaitv,
  encodeTimespec,
  getUserData,
  prepCancel64,
  prepCancelFd,
  prepCancelOp,
  prepEpollCtl,
  prepEpollWait,
  prepFutexWait,
  prepFutexWaitv,
  prepFutexWake,
  prepMsgRing,
  prepMsgRingFd,
  prepMsgRingFdAlloc,
  prepPollAdd,
  prepPollMultishot,
  prepPollRemove,
  prepPollUpdate,
  prepTimeout,
  prepTimeoutRemove,
  prepTimeoutUpdate,
  prepWaitid,
  writeEpollEvent,
  type ChildSiginfo,
} from '@iouring/ops'
import { syncCancel } from '@iouring/register'
import { inspect } from 'node:util'
import { durationMs, toTimespec, type Duration, type OpOptions, type Operations, type StreamOptions } from './engine.js'
import { invalidArgType, invalidArgValue, outOfRange } from './errors.js'
import type { CompletionStream } from './stream.js'
import { fdOf, markFixed, validateFd, validateTarget, validateUint32, type Target } from './validate.js'

const ETIME = -62

export interface PollStreamOptions extends StreamOptions {
  /**
   * Level-triggered: report readiness on every pull while the condition
   * holds, instead of once per new event (the kernel's multishot poll is
   * edge-triggered, and Linux 6.18 refuses IORING_POLL_ADD_LEVEL).
   */
  level?: boolean
}

/**
 * The clock a timeout counts on: CLOCK_MONOTONIC (default), CLOCK_BOOTTIME (counts suspend) or CLOCK_REALTIME (wall
 * clock, for absolute times).
 */
export type TimeoutClock = 'monotonic' | 'boottime' | 'realtime'

/** Options of timeout() and its stream form. */
export interface TimeoutOptions extends Omit<OpOptions, 'timeout'> {
  /** Also complete once this many other completions have been posted. */
  count?: number
  /** The duration is an absolute time on `clock`. */
  absolute?: boolean
  /** The clock (default 'monotonic'). */
  clock?: TimeoutClock
  /** IORING_TIMEOUT_ETIME_SUCCESS: an expiry does not break a link chain. */
  etimeSuccess?: boolean
}

/** Options of cancel(): what to match besides, or instead of, one target. */
export interface CancelOptions extends Omit<OpOptions, 'timeout'> {
  /** Cancel every match, not just the first (IORING_ASYNC_CANCEL_ALL). */
  all?: boolean
  /** Match requests on this fd or registered file instead of a target (IORING_ASYNC_CANCEL_FD). */
  fd?: Target
  /** Match requests of this opcode, by name ('READ') or value (IORING_ASYNC_CANCEL_OP). */
  op?: string | number
  /** Match any request (IORING_ASYNC_CANCEL_ANY). */
  any?: boolean
}

/** Options of msgRing() and msgRingFd(). */
export interface MsgRingOptions extends Omit<OpOptions, 'timeout'> {
  /** Delivered with the message (the CQE's user_data on the target), an integer below 2^50. */
  data?: number
}

/** A 32-bit futex word: an element of an Int32Array or Uint32Array, normally over a SharedArrayBuffer. */
export interface FutexWord {
  /** The array holding the word. */
  view: Int32Array | Uint32Array
  /** The word's index in `view`. */
  index: number
}

/** Which child state changes waitid() waits for (WEXITED, WSTOPPED, WCONTINUED); default `{ exited: true }`. */
export interface WaitidOptions {
  /** Children that exited (WEXITED). */
  exited?: boolean
  /** Children stopped by a signal (WSTOPPED). */
  stopped?: boolean
  /** Stopped children resumed by SIGCONT (WCONTINUED). */
  continued?: boolean
  /** Leave the child waitable (WNOWAIT). */
  nowait?: boolean
}

/** A target of pollUpdate/pollRemove/timeoutUpdate/timeoutRemove/cancel: a stream, a promise from this ring, or a user_data. */
export type RequestTarget = CompletionStream<unknown> | Promise<number> | number

const IDTYPES = { all: P_ALL, pid: P_PID, pgid: P_PGID, pidfd: P_PIDFD } as const
const EPOLL_OPS = { add: EPOLL_CTL_ADD, mod: EPOLL_CTL_MOD, del: EPOLL_CTL_DEL } as const

/** An epoll_event: EPOLL* bits and the data the kernel hands back. */
export interface EpollEvent {
  /** EPOLL* bits. */
  events: number
  /** The data registered with epollCtl(), handed back with each event. */
  data: bigint
}

/**
 * Polling, timeouts, cancellation, ring messages, futexes and waitid: the
 * operations an event-driven program is built from. IoUring extends this.
 */
export class EventOperations {
  declare readonly operations: Operations

  // ------------------------------------------------------------ polling

  /**
   * IORING_OP_POLL_ADD: resolves to the events that are ready (POLLIN, ...),
   * at once if they already are (a one-shot poll is level-triggered).
   */
  pollAdd(fd: Target, events: number, options?: OpOptions): Promise<number> {
    const ops = this.operations
    const target = validateTarget(fd)
    validateUint32(events, 'events')
    ops.require(IORING_OP_POLL_ADD)
    const at = ops.prepare()
    prepPollAdd(ops.sqes, at, fdOf(target), events)
    markFixed(ops.sqes, at, target)
    return remember(ops, at, ops.start(at, 'poll', undefined, options))
  }

  /**
   * Multishot IORING_OP_POLL_ADD: yields the ready events each time the fd
   * becomes ready (edge-triggered). With `{ level: true }`, each pull arms a
   * one-shot poll instead, so readiness is reported for as long as it holds
   * and nothing is in flight between pulls.
   */
  pollMultishot(fd: Target, events: number, options: PollStreamOptions & { level: true }): AsyncGenerator<number, void, undefined>
  pollMultishot(fd: Target, events: number, options?: PollStreamOptions): CompletionStream<number>
  pollMultishot(fd: Target, events: number, options?: PollStreamOptions): CompletionStream<number> | AsyncGenerator<number, void, undefined> {
    const ops = this.operations
    const target = validateTarget(fd)
    validateUint32(events, 'events')
    ops.require(IORING_OP_POLL_ADD)
    if (options?.level === true) return pollLevel(this, fd, events, options.signal)
    const at = ops.prepare()
    prepPollMultishot(ops.sqes, at, fdOf(target), events)
    markFixed(ops.sqes, at, target)
    return ops.startMultishot(at, 'poll', undefined, options, identity)
  }


  /** Changes the events a pending poll (promise or stream) waits for. Resolves to 0. */
  pollUpdate(target: RequestTarget, events: number, options?: OpOptions): Promise<number> {
    const ops = this.operations
    const userData = userDataOf(ops, target)
    validateUint32(events, 'events')
    ops.require(IORING_OP_POLL_REMOVE)
    const multishot = typeof target === 'object' && !(target instanceof Promise)
    const at = ops.prepare()
    prepPollUpdate(ops.sqes, at, userData, 0, events, IORING_POLL_UPDATE_EVENTS | (multishot ? IORING_POLL_ADD_MULTI : 0))
    return ops.start(at, 'poll_update', undefined, options)
  }

  /** Removes a pending poll; it rejects (or its stream ends) with ECANCELED. Resolves to 0. */
  pollRemove(target: RequestTarget, options?: OpOptions): Promise<number> {
    const ops = this.operations
    const userData = userDataOf(ops, target)
    ops.require(IORING_OP_POLL_REMOVE)
    const at = ops.prepare()
    prepPollRemove(ops.sqes, at, userData)
    return ops.start(at, 'poll_remove', undefined, options)
  }

  // ------------------------------------------------------------ timeouts

  /**
   * IORING_OP_TIMEOUT: resolves to 0 when the time passes (or `count`
   * completions were posted first); rejects with ECANCELED when removed.
   */
  timeout(duration: Duration, options?: TimeoutOptions): Promise<number> {
    const ops = this.operations
    durationMs(duration, 'duration')
    const count = options?.count === undefined ? 0 : validateUint32(options.count, 'options.count')
    const flags = timeoutFlags(options)
    ops.require(IORING_OP_TIMEOUT)
    const timespec = encodeTimespec(toTimespec(duration))
    const at = ops.prepare()
    prepTimeout(ops.sqes, at, native.addressOf(timespec), count, flags)
    return remember(ops, at, ops.startAllowing(at, 'timeout', timespec, options, ETIME))
  }

  /**
   * A multishot timeout (Linux 6.4): yields 1, 2, 3, ... each time `duration`
   * passes, `count` times (0: until stopped).
   */
  timeoutMultishot(duration: Duration, options?: StreamOptions & { count?: number }): CompletionStream<number> {
    const ops = this.operations
    durationMs(duration, 'duration')
    const count = options?.count === undefined ? 0 : validateUint32(options.count, 'options.count')
    ops.require(IORING_OP_TIMEOUT)
    const timespec = encodeTimespec(toTimespec(duration))
    const at = ops.prepare()
    prepTimeout(ops.sqes, at, native.addressOf(timespec), count, IORING_TIMEOUT_MULTISHOT)
    let expiries = 0
    return ops.startMultishot(at, 'timeout', timespec, options, () => ++expiries, ETIME)
  }

  /** Gives a pending timeout a new duration. Resolves to 0. */
  timeoutUpdate(target: RequestTarget, duration: Duration, options?: Pick<TimeoutOptions, 'absolute' | 'clock' | 'signal'>): Promise<number> {
    const ops = this.operations
    const userData = userDataOf(ops, target)
    durationMs(duration, 'duration')
    const flags = timeoutFlags(options)
    ops.require(IORING_OP_TIMEOUT_REMOVE)
    const timespec = encodeTimespec(toTimespec(duration))
    const at = ops.prepare()
    prepTimeoutUpdate(ops.sqes, at, native.addressOf(timespec), userData, flags)
    return ops.start(at, 'timeout_update', timespec, options)
  }

  /** Removes a pending timeout; it rejects with ECANCELED. Resolves to 0. */
  timeoutRemove(target: RequestTarget, options?: OpOptions): Promise<number> {
    const ops = this.operations
    const userData = userDataOf(ops, target)
    ops.require(IORING_OP_TIMEOUT_REMOVE)
    const at = ops.prepare()
    prepTimeoutRemove(ops.sqes, at, userData, 0)
    return ops.start(at, 'timeout_remove', undefined, options)
  }

  /** Resolves after `ms` milliseconds, through an io_uring timeout. */
  sleep(ms: number, options?: { signal?: AbortSignal }): Promise<void> {
    return this.timeout(ms, options).then(noResult)
  }

  // ------------------------------------------------------------ cancellation

  /**
   * IORING_OP_ASYNC_CANCEL: cancels `target` (a stream, a poll/timeout promise
   * or a user_data), or what `{ fd }`, `{ op }` or `{ any }` match. Resolves to
   * how many requests were cancelled; rejects with ENOENT when none matched.
   */
  cancel(target?: RequestTarget, options?: CancelOptions): Promise<number> {
    const ops = this.operations
    let flags = options?.all === true ? IORING_ASYNC_CANCEL_ALL : 0
    ops.require(IORING_OP_ASYNC_CANCEL)
    if (options?.any === true) {
      const at = ops.prepare()
      prepCancel64(ops.sqes, at, 0, flags | IORING_ASYNC_CANCEL_ANY)
      return cancelled(ops, at, options)
    }
    if (options?.fd !== undefined) {
      const fd = validateTarget(options.fd, 'options.fd')
      if (options.op !== undefined) flags |= IORING_ASYNC_CANCEL_OP
      if (fd < 0) flags |= IORING_ASYNC_CANCEL_FD_FIXED
      const at = ops.prepare()
      prepCancelFd(ops.sqes, at, fdOf(fd), flags | IORING_ASYNC_CANCEL_FD)
      if (options.op !== undefined) ops.sqes.setUint32(at + SQE_LEN, opcodeOf(options.op), true)
      return cancelled(ops, at, options)
    }
    if (options?.op !== undefined) {
      const at = ops.prepare()
      prepCancelOp(ops.sqes, at, opcodeOf(options.op), flags)
      return cancelled(ops, at, options)
    }
    const userData = userDataOf(ops, target)
    const at = ops.prepare()
    prepCancel64(ops.sqes, at, userData, flags)
    return cancelled(ops, at, options)
  }

  /**
   * IORING_REGISTER_SYNC_CANCEL (Linux 6.0): cancels what `target` or the
   * options match and returns once it is cancelled, or `timeoutMs` has
   * passed (then it throws ETIME). Returns how many were cancelled with
   * `all`/`any`, else 0. The cancelled operations reject with ECANCELED
   * when the ring next reaps.
   */
  cancelSync(target?: RequestTarget, options?: Omit<CancelOptions, 'signal' | 'drain' | 'async' | 'skipSuccess'> & { timeoutMs?: number }): number {
    const ops = this.operations
    return syncCancel(
      ops,
      {
        userData: options?.any || options?.fd !== undefined || options?.op !== undefined ? undefined : userDataOf(ops, target),
        fd: options?.fd,
        opcode: options?.op,
        any: options?.any,
        all: options?.all,
      },
      options?.timeoutMs,
    )
  }


  // ------------------------------------------------------------ ring messages

  /**
   * IORING_OP_MSG_RING: posts a CQE carrying `value` (an int32) and
   * `options.data` on another ring, this process's (an IoUring, or a ring fd
   * passed from another thread), where it reaches `onMessage` or `messages()`.
   */
  msgRing(target: RingLike | number, value: number, options?: MsgRingOptions): Promise<number> {
    const ops = this.operations
    const fd = ringFd(target)
    if (typeof value !== 'number' || !Number.isInteger(value) || value < -(2 ** 31) || value >= 2 ** 31) {
      throw outOfRange('value', 'an int32', value)
    }
    const userData = ops.messageUserData(options?.data ?? 0)
    ops.require(IORING_OP_MSG_RING)
    const at = ops.prepare()
    prepMsgRing(ops.sqes, at, fd, value >>> 0, userData, 0)
    return ops.start(at, 'msg_ring', undefined, options)
  }

  /**
   * IORING_MSG_SEND_FD (Linux 6.0): installs this ring's registered file
   * `sourceIndex` into the target ring's registered file table, at
   * `targetIndex` or a free slot ('alloc'). With 'alloc' the promise and the
   * target's message both carry the slot the kernel chose; otherwise 0.
   */
  msgRingFd(target: RingLike | number, sourceIndex: number, targetIndex: number | 'alloc', options?: MsgRingOptions): Promise<number> {
    const ops = this.operations
    const fd = ringFd(target)
    validateUint32(sourceIndex, 'sourceIndex')
    if (targetIndex !== 'alloc') validateUint32(targetIndex, 'targetIndex')
    const userData = ops.messageUserData(options?.data ?? 0)
    ops.require(IORING_OP_MSG_RING)
    const at = ops.prepare()
    if (targetIndex === 'alloc') prepMsgRingFdAlloc(ops.sqes, at, fd, sourceIndex, userData, 0)
    else prepMsgRingFd(ops.sqes, at, fd, sourceIndex, targetIndex, userData, 0)
    return ops.start(at, 'msg_ring', undefined, options)
  }

  // ------------------------------------------------------------ futexes and child processes

  /**
   * IORING_OP_FUTEX_WAIT on `view[index]`: waits while it holds `expected`;
   * resolves to 0 when woken. Rejects with EAGAIN if the value differs already.
   */
  futexWait(view: Int32Array | Uint32Array, index: number, expected: number, options?: OpOptions & { mask?: number }): Promise<number> {
    const ops = this.operations
    const addr = futexAddress(view, index)
    const value = futexValue(expected, 'expected')
    const mask = options?.mask === undefined ? FUTEX_BITSET_MATCH_ANY : validateUint32(options.mask, 'options.mask')
    ops.require(IORING_OP_FUTEX_WAIT)
    const at = ops.prepare()
    prepFutexWait(ops.sqes, at, addr, value, mask, FUTEX2_SIZE_U32 | FUTEX2_PRIVATE, 0)
    return ops.start(at, 'futex_wait', view, options)
  }

  /** IORING_OP_FUTEX_WAKE: wakes up to `count` waiters on `view[index]`; resolves to how many woke. */
  futexWake(view: Int32Array | Uint32Array, index: number, count = 1, options?: OpOptions & { mask?: number }): Promise<number> {
    const ops = this.operations
    const addr = futexAddress(view, index)
    validateUint32(count, 'count')
    const mask = options?.mask === undefined ? FUTEX_BITSET_MATCH_ANY : validateUint32(options.mask, 'options.mask')
    ops.require(IORING_OP_FUTEX_WAKE)
    const at = ops.prepare()
    prepFutexWake(ops.sqes, at, addr, count, mask, FUTEX2_SIZE_U32 | FUTEX2_PRIVATE, 0)
    return ops.start(at, 'futex_wake', view, options)
  }

  /** IORING_OP_FUTEX_WAITV: waits on several words; resolves to the index of the one that woke it. */
  futexWaitv(words: readonly (FutexWord & { expected: number })[], options?: OpOptions): Promise<number> {
    const ops = this.operations
    if (!Array.isArray(words) || words.length === 0 || words.length > 128) {
      throw invalidArgValue('words', 'must be an array of 1 to 128 { view, index, expected }')
    }
    const list = words.map((word, i) => {
      if (word === null || typeof word !== 'object') throw invalidArgType(`words[${i}]`, 'of type object', word)
      return { val: futexValue(word.expected, `words[${i}].expected`), uaddr: futexAddress(word.view, word.index), flags: FUTEX2_SIZE_U32 | FUTEX2_PRIVATE }
    })
    ops.require(IORING_OP_FUTEX_WAITV)
    const waitv = encodeFutexWaitv(list)
    const at = ops.prepare()
    prepFutexWaitv(ops.sqes, at, native.addressOf(waitv), list.length, 0)
    return ops.start(at, 'futex_waitv', [waitv, words.map((word) => word.view)], options)
  }

  /**
   * IORING_OP_WAITID: waits for a child process to change state, as
   * waitid(2). Resolves to its siginfo: `{ pid, uid, code, status, ... }`.
   */
  waitid(idtype: keyof typeof IDTYPES, id: number, which: WaitidOptions = { exited: true }, options?: OpOptions): Promise<ChildSiginfo> {
    const ops = this.operations
    const type = Object.hasOwn(IDTYPES, idtype) ? IDTYPES[idtype] : undefined
    if (type === undefined) throw invalidArgValue('idtype', `must be one of: 'pid', 'pgid', 'pidfd', 'all'. Received ${inspect(idtype)}`)
    validateUint32(id, 'id')
    if (which === null || typeof which !== 'object') throw invalidArgType('which', 'of type object', which)
    const flags = (which.exited ? WEXITED : 0) | (which.stopped ? WSTOPPED : 0) | (which.continued ? WCONTINUED : 0) | (which.nowait ? WNOWAIT : 0)
    if (flags === 0) throw invalidArgValue('which', 'must ask for at least one of exited, stopped, continued')
    ops.require(IORING_OP_WAITID)
    const siginfo = new DataView(new ArrayBuffer(SIGINFO_SIZE))
    const at = ops.prepare()
    prepWaitid(ops.sqes, at, type, id, native.addressOf(siginfo), flags, 0)
    return ops.start(at, 'waitid', siginfo, options).then(() => decodeSiginfo(siginfo, 0))
  }

  // ------------------------------------------------------------ epoll

  /**
   * IORING_OP_EPOLL_CTL on an epoll fd (make one with epollCreate() from
   * @iouring/native): add, modify or delete `fd` with `events` and `data`.
   */
  epollCtl(epfd: number, op: keyof typeof EPOLL_OPS, fd: number, events = 0, data: number | bigint = 0, options?: OpOptions): Promise<number> {
    const ops = this.operations
    validateFd(epfd, 'epfd')
    validateFd(fd)
    const code = Object.hasOwn(EPOLL_OPS, op) ? EPOLL_OPS[op] : undefined
    if (code === undefined) throw invalidArgValue('op', `must be one of: 'add', 'mod', 'del'. Received ${inspect(op)}`)
    validateUint32(events, 'events')
    ops.require(IORING_OP_EPOLL_CTL)
    const event = new DataView(new ArrayBuffer(EPOLL_EVENT_SIZE))
    writeEpollEvent(event, 0, { events, data })
    const at = ops.prepare()
    prepEpollCtl(ops.sqes, at, epfd, fd, code, native.addressOf(event))
    return ops.start(at, 'epoll_ctl', event, options)
  }

  /** IORING_OP_EPOLL_WAIT (Linux 6.15): waits for up to `maxEvents` ready events on an epoll fd. */
  epollWait(epfd: number, maxEvents = 64, options?: OpOptions): Promise<EpollEvent[]> {
    const ops = this.operations
    validateFd(epfd, 'epfd')
    if (!Number.isInteger(maxEvents) || maxEvents < 1 || maxEvents > 65536) throw outOfRange('maxEvents', 'an integer from 1 to 65536', maxEvents)
    ops.require(IORING_OP_EPOLL_WAIT)
    const events = new DataView(new ArrayBuffer(maxEvents * EPOLL_EVENT_SIZE))
    const at = ops.prepare()
    prepEpollWait(ops.sqes, at, epfd, native.addressOf(events), maxEvents, 0)
    return ops.start(at, 'epoll_wait', events, options).then((count) => decodeEpollEvents(events, 0, count))
  }
}

// user_data of the poll and timeout promises, so they can be updated and
// removed; only these operations pay for the entry.
const requests = new WeakMap<Promise<number>, { ops: Operations; userData: number }>()

function remember(ops: Operations, at: number, promise: Promise<number>): Promise<number> {
  requests.set(promise, { ops, userData: getUserData(ops.sqes, at) })
  return promise
}

/** The user_data of a poll or timeout promise, a stream, or a user_data number. */
function userDataOf(ops: Operations, target: unknown): number {
  if (target instanceof Promise) {
    const request = requests.get(target)
    if (request?.ops !== ops) throw invalidArgValue('target', 'is not a pending poll or timeout of this ring')
    return request.userData
  }
  return ops.userDataOf(target)
}

function cancelled(ops: Operations, at: number, options: CancelOptions | undefined): Promise<number> {
  // With ALL/ANY the result is the count; a single match reports 0.
  const all = options?.all === true || options?.any === true
  return ops.start(at, 'cancel', undefined, options).then((n) => (all ? n : 1))
}

/** A level-triggered poll: a one-shot poll per pull. */
async function* pollLevel(ring: EventOperations, fd: Target, events: number, signal: AbortSignal | undefined): AsyncGenerator<number, void, undefined> {
  for (;;) yield await ring.pollAdd(fd, events, signal === undefined ? undefined : { signal })
}

/** Another ring: anything with its fd in `params`, as an IoUring has. */
export interface RingLike {
  /** The target ring's parameters; only `fd` is read. */
  readonly params: { readonly fd: number }
}

function ringFd(target: unknown): number {
  if (target !== null && typeof target === 'object' && 'params' in target) return validateFd((target as RingLike).params?.fd, 'target.params.fd')
  return validateFd(target, 'target')
}

function identity(res: number): number {
  return res
}

function timeoutFlags(options: Pick<TimeoutOptions, 'absolute' | 'clock' | 'etimeSuccess'> | undefined): number {
  let flags = options?.absolute === true ? IORING_TIMEOUT_ABS : 0
  if (options?.etimeSuccess === true) flags |= IORING_TIMEOUT_ETIME_SUCCESS
  switch (options?.clock) {
    case undefined:
    case 'monotonic':
      return flags
    case 'boottime':
      return flags | IORING_TIMEOUT_BOOTTIME
    case 'realtime':
      return flags | IORING_TIMEOUT_REALTIME
    default:
      throw invalidArgValue('options.clock', "must be 'monotonic', 'boottime' or 'realtime'")
  }
}

function opcodeOf(op: string | number): number {
  if (typeof op === 'number') return validateUint32(op, 'options.op')
  const entry = OPCODES.find((o) => o.name === op)
  if (entry === undefined) throw invalidArgValue('options.op', `names no IORING_OP_*: ${String(op)}`)
  return entry.value
}

/** A 32-bit futex word's value: an int32 or uint32, as the kernel compares it (unsigned). */
function futexValue(value: unknown, name: string): number {
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value)
  if (!Number.isInteger(value) || value < -(2 ** 31) || value >= 2 ** 32) throw outOfRange(name, 'an int32 or uint32', value)
  return value >>> 0
}

function futexAddress(view: unknown, index: unknown): number {
  if (!(view instanceof Int32Array) && !(view instanceof Uint32Array)) throw invalidArgType('view', 'an Int32Array or Uint32Array', view)
  if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= view.length) {
    throw outOfRange('index', `an integer >= 0 and < ${view.length}`, index)
  }
  return native.addressOf(view) + index * 4
}

/** What an operation resolving to nothing (sleep) maps its result to. */
function noResult(): void {}
