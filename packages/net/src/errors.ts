// Errors shaped like node:net's: system errors that name the operation, the
// address and the port ("connect ECONNREFUSED 127.0.0.1:9"), and ERR_* codes
// for bad arguments and misuse.
import { getSystemErrorMap } from 'node:util'
import { systemError } from '@iouring/native'

export { invalidArgType, invalidArgValue, invalidState, outOfRange } from '@iouring/register'
export type { CodedError } from '@iouring/register'

/** A system error with node:net's fields. */
export interface NetError extends Error {
  errno: number
  code: string
  syscall: string
  address?: string
  port?: number
}

function details(address: string | undefined, port: number | undefined): string {
  if (port !== undefined && port > 0) return ` ${address}:${port}`
  return address ? ` ${address}` : ''
}

/** A system error for `errno` with node:net's message and fields. */
function netError(errno: number, syscall: string, message: (code: string, negative: number) => string, address?: string, port?: number): NetError {
  const { code, errno: negative } = systemError(errno, syscall)
  const err = new Error(message(code, negative)) as NetError
  err.errno = negative
  err.code = code
  err.syscall = syscall
  if (address !== undefined) err.address = address
  if (port !== undefined && port > 0) err.port = port
  Error.captureStackTrace(err, netError)
  return err
}

/** node:net's exceptionWithHostPort: "connect ECONNREFUSED 127.0.0.1:9". */
export function exceptionWithHostPort(errno: number, syscall: string, address?: string, port?: number): NetError {
  return netError(errno, syscall, (code) => `${syscall} ${code}${details(address, port)}`, address, port)
}

/** node:net's uvExceptionWithHostPort, used for listen: "listen EADDRINUSE: address already in use :::8000". */
export function uvExceptionWithHostPort(errno: number, syscall: string, address?: string, port?: number): NetError {
  const describe = (code: string, negative: number) => getSystemErrorMap().get(negative)?.[1] ?? code
  return netError(errno, syscall, (code, negative) => `${syscall} ${code}: ${describe(code, negative)}${details(address, port)}`, address, port)
}

/** node:net's errnoException for I/O on a connected socket: "read ECONNRESET". */
export function errnoException(errno: number, syscall: string): NetError {
  return netError(errno, syscall, (code) => `${syscall} ${code}`)
}

/** A Node-style error with an ERR_* code. */
export function codedError(code: string, message: string, Base: ErrorConstructor = Error): Error & { code: string } {
  const err = new Base(message) as Error & { code: string }
  err.code = code
  return err
}

/** node's AbortError: `name` and `code` 'ABORT_ERR', the signal's reason as `cause`. */
export function abortError(reason: unknown): Error & { code: string } {
  const err = new Error('The operation was aborted', { cause: reason }) as Error & { code: string }
  err.name = 'AbortError'
  err.code = 'ABORT_ERR'
  return err
}

/** A socket or server whose ring was disposed: it can do nothing more. */
export function ringDisposed(): Error & { code: string } {
  return codedError('ERR_IOURING_CLOSED', 'The ring this socket or server used was disposed (ring.dispose()); it can do no more I/O')
}
