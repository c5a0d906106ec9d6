// Programming mistakes throw synchronously with Node's ERR_* codes; kernel
// failures become system errors (see systemError in @iouring/native).

export interface CodedError extends Error {
  code: string
}

function coded<E extends Error>(err: E, code: string): E & CodedError {
  return Object.assign(err, { code })
}

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (value === undefined) return 'undefined'
  if (typeof value === 'function') return `function ${value.name || '(anonymous)'}`
  if (typeof value === 'object') return `an instance of ${value.constructor?.name ?? 'Object'}`
  const shown = String(value).slice(0, 28)
  return `type ${typeof value} (${typeof value === 'string' ? `'${shown}'` : shown})`
}

export function invalidArgType(name: string, expected: string, actual: unknown): TypeError & CodedError {
  return coded(new TypeError(`The "${name}" argument must be ${expected}. Received ${describe(actual)}`), 'ERR_INVALID_ARG_TYPE')
}

export function invalidArgValue(name: string, reason: string): TypeError & CodedError {
  return coded(new TypeError(`The argument '${name}' ${reason}`), 'ERR_INVALID_ARG_VALUE')
}

export function outOfRange(name: string, range: string, actual: unknown): RangeError & CodedError {
  return coded(new RangeError(`The value of "${name}" is out of range. It must be ${range}. Received ${String(actual)}`), 'ERR_OUT_OF_RANGE')
}

export function invalidState(message: string): Error & CodedError {
  return coded(new Error(`Invalid state: ${message}`), 'ERR_INVALID_STATE')
}

export function ringClosed(): Error & CodedError {
  return coded(new Error('The ring is closed (dispose() was called); it accepts no new work'), 'ERR_IOURING_CLOSED')
}

export function unsupportedOperation(name: string, since: string, kernel: string): Error & CodedError {
  return coded(
    new Error(`IORING_OP_${name} is not supported by this kernel (${kernel}); it needs Linux ${since} or newer`),
    'ERR_IOURING_UNSUPPORTED_OP',
  )
}

/** Node's AbortError: `name` 'AbortError', `code` 'ABORT_ERR', the signal's reason as `cause`. */
export function abortError(reason: unknown): Error & CodedError {
  const err = coded(new Error('The operation was aborted', { cause: reason }), 'ABORT_ERR')
  err.name = 'AbortError'
  return err
}

/**
 * An operation cancelled by its `{ timeout }`: a system-style error with
 * code 'ETIMEDOUT' (errno -110), so it reads like Node's own timeouts.
 */
export function timedOut(syscall: string, ms: number): Error & CodedError & { errno: number; syscall: string } {
  return Object.assign(coded(new Error(`ETIMEDOUT: operation timed out after ${ms} ms, ${syscall}`), 'ETIMEDOUT'), { errno: -110, syscall })
}
