// Option parsing of the facade, with node:fs/promises's rules and messages.

import { inspect } from 'node:util'
import { abortError, invalidArgType, invalidArgValue } from '../errors.js'

/** node:fs's getOptions(): a string is the encoding; an object is taken as it is (no defaults merged). */
export function getOptions<T extends object>(options: unknown, defaults: T): T & { encoding?: BufferEncoding | null; signal?: AbortSignal } {
  if (options === undefined || options === null || typeof options === 'function') return defaults
  let result: Record<string, unknown>
  if (typeof options === 'string') result = { ...defaults, encoding: options }
  else if (typeof options !== 'object') throw invalidArgType('options', 'of type string or an instance of Object', options)
  else result = options as Record<string, unknown>
  const encoding = result.encoding
  if (encoding && encoding !== 'buffer' && !(typeof encoding === 'string' && Buffer.isEncoding(encoding))) {
    throw invalidArgValue('encoding', `is invalid encoding. Received ${inspect(encoding)}`)
  }
  validateSignal(result.signal)
  return result as T & { encoding?: BufferEncoding | null; signal?: AbortSignal }
}

export function validateSignal(signal: unknown, name = 'options.signal'): asserts signal is AbortSignal | undefined {
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw Object.assign(new TypeError(`The "${name}" property must be an instance of AbortSignal. Received ${inspect(signal)}`), { code: 'ERR_INVALID_ARG_TYPE' })
  }
}

/** Throws node:fs's AbortError when `signal` has been aborted. */
export function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError(signal.reason)
}

export function validateBoolean(value: unknown, name: string): boolean {
  if (typeof value !== 'boolean') throw invalidArgType(name, 'of type boolean', value)
  return value
}

/** An integer in [min, max] (node:fs's validateInteger), for offsets and lengths. */
export function validateInteger(value: unknown, name: string, min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value)
  if (!Number.isInteger(value)) throw Object.assign(new RangeError(`The value of "${name}" is out of range. It must be an integer. Received ${inspect(value)}`), { code: 'ERR_OUT_OF_RANGE' })
  if (value < min || value > max) {
    throw Object.assign(new RangeError(`The value of "${name}" is out of range. It must be >= ${min} && <= ${max}. Received ${inspect(value)}`), { code: 'ERR_OUT_OF_RANGE' })
  }
  return value
}
