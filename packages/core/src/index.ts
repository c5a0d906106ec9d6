/**
 * Linux io_uring for Node.js: the IoUring class, whose rings are mapped into JavaScript and driven by the
 * event loop, with a promise API and a liburing-style low-level API; `ring.operations`, the extension
 * interface other packages add operations through; defaultRing(), one ring per thread.
 *
 * @module @iouring/core
 */
export { IoUring, defaultRing } from './ring.js'
export type { Target } from './validate.js'
export type { RingStats, SubmitAndWaitOptions } from './ring.js'
export type { FixedSegment } from './rw.js'
export type { SelectedRead, ReadMultishotOptions, Take } from './selected.js'
export { USER_DATA_LIMIT, MESSAGE_DATA_LIMIT } from './engine.js'
export type { Operations, OpOptions, StreamOptions, Duration, CqeHandler, CqeCallback } from './engine.js'
export type { IoUringOptions, RingParams, SetupFlagName } from './setup.js'
export type { RingMessage } from './messages.js'
export type { ChainOutcomes } from './chain.js'
export { STAT_MASK } from './files.js'
export type { OpenHow, ResolveName, StatOptions, RenameOptions, XattrGetOptions, SendfileOptions } from './files.js'
export type { PathLike } from './fs/path.js'
export type { OpenFlags } from './fs/flags.js'
export { CompletionStream, DEFAULT_HIGH_WATER_MARK } from './stream.js'
export type { Probe } from '@iouring/register'
export type { PollStreamOptions, TimeoutOptions, TimeoutClock, CancelOptions, MsgRingOptions, FutexWord, WaitidOptions, RequestTarget, EpollEvent, RingLike } from './events.js'
export type { CodedError } from './errors.js'
export { systemError, availability } from '@iouring/native'
export { facadeFallsBack } from './fallback.js'
export type { Facade } from './fallback.js'
export type { SystemError, Availability, UnavailableReason, UnavailableError } from '@iouring/native'
// The event bits pollAdd/pollMultishot and epollCtl take, re-exported from @iouring/ops.
export {
  POLLIN, POLLPRI, POLLOUT, POLLERR, POLLHUP, POLLNVAL, POLLRDNORM, POLLRDBAND, POLLWRNORM, POLLWRBAND, POLLMSG, POLLRDHUP,
  EPOLLIN, EPOLLPRI, EPOLLOUT, EPOLLERR, EPOLLHUP, EPOLLRDNORM, EPOLLRDBAND, EPOLLWRNORM, EPOLLWRBAND, EPOLLMSG, EPOLLRDHUP,
  EPOLLEXCLUSIVE, EPOLLWAKEUP, EPOLLONESHOT, EPOLLET,
} from '@iouring/ops'
