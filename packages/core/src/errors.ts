// Programming mistakes throw synchronously with Node's ERR_* codes (the
// constructors live in @iouring/register, the lowest package that needs
// them); kernel failures become system errors (systemError in @iouring/native).
import { unsupported, type CodedError } from '@iouring/register'

export { invalidArgType, invalidArgValue, invalidState, outOfRange } from '@iouring/register'
export type { CodedError } from '@iouring/register'

export function ringClosed(): Error & CodedError {
  return Object.assign(new Error('The ring is closed (dispose() was called); it accepts no new work'), { code: 'ERR_IOURING_CLOSED' })
}

export function unsupportedOperation(name: string, since: string, kernel: string): Error & CodedError {
  return unsupported(`IORING_OP_${name}`, since, kernel)
}

/**
 * Node's AbortError (what node:fs/promises and the timers reject with): its
 * own class, `code` 'ABORT_ERR', `name` 'AbortError', the reason as `cause`.
 */
export class AbortError extends Error {
  code: string

  constructor(message = 'The operation was aborted', options?: ErrorOptions) {
    super(message, options)
    this.code = 'ABORT_ERR'
    this.name = 'AbortError'
  }
}

/** The AbortError an operation rejects with when `reason` aborted its signal. */
export function abortError(reason: unknown): AbortError {
  return new AbortError(undefined, { cause: reason })
}

/**
 * An operation cancelled by its `{ timeout }`: a system-style error with
 * code 'ETIMEDOUT' (errno -110), so it reads like Node's own timeouts.
 */
export function timedOut(syscall: string, ms: number): Error & CodedError & { errno: number; syscall: string } {
  return Object.assign(new Error(`ETIMEDOUT: operation timed out after ${ms} ms, ${syscall}`), { code: 'ETIMEDOUT', errno: -110, syscall })
}

/** Whether `err` is the ECANCELED a request gets when the kernel cancelled it (a broken link, cancel()). */
export function isCanceled(err: unknown): boolean {
  return (err as { code?: string } | null)?.code === 'ECANCELED'
}
