/**
 * @iouring/ops: io_uring's ABI in pure TypeScript. Layout facts, constants
 * and tables, SQE encoders, CQE readers and struct codecs.
 *
 * @module @iouring/ops
 */
export * from './layout.js'
export * from './constants.js'
export * from './sys.js'
export * from './u64.js'
export * from './sqe.js'
export * from './prep.js'
export * from './prep-net.js'
export * from './cqe.js'
export * from './structs.js'
export * from './sockaddr.js'
export * from './msghdr.js'
export * from './statx.js'
export * from './register.js'
export * from './siginfo.js'
