// Argument and option checks of the facade: node:fs/promises's rules, in its
// order, with its codes and messages.

import { types } from 'node:util'
import type { OpOptions } from '../engine.js'
import { abortError, invalidArgType, invalidArgValue, outOfRange } from '../errors.js'

/** The running Node.js's major version: some of node:fs's checks changed between versions, and the facade follows the one it runs on. */
export const NODE_MAJOR = Number(process.versions.node.split('.')[0])

/** The options every whole-file function reads (after getOptions). */
export interface FileOptions {
  encoding?: BufferEncoding | 'buffer' | null
  flag?: string | number
  mode?: unknown
  flush?: unknown
  signal?: AbortSignal
}

/**
 * node:fs's getOptions(): absent (or a function) gives `defaults`; a string
 * is the encoding; an object is taken as it is, without merging the defaults.
 * The encoding and the signal are checked.
 */
export function getOptions<T extends FileOptions>(options: unknown, defaults: T): T {
  if (options === undefined || options === null || typeof options === 'function') return defaults
  let result: T
  if (typeof options === 'string') result = { ...defaults, encoding: options }
  else if (typeof options !== 'object') throw invalidArgType('options', 'one of type string or object', options)
  else result = options as T
  if (result.encoding !== 'buffer') assertEncoding(result.encoding)
  if (result.signal !== undefined) validateAbortSignal(result.signal, 'options.signal')
  return result
}

export function assertEncoding(encoding: unknown): void {
  if (encoding && !Buffer.isEncoding(encoding as string)) throw invalidArgValue('encoding', 'is invalid encoding', encoding)
}

/** Node's check: any object with an `aborted` property is a signal (a Proxy around one too). */
export function validateAbortSignal(signal: unknown, name: string): asserts signal is AbortSignal | undefined {
  if (signal !== undefined && (signal === null || typeof signal !== 'object' || !('aborted' in signal))) {
    throw invalidArgType(name, 'an instance of AbortSignal', signal)
  }
}

/** Throws node:fs's AbortError when `signal` says it was aborted (Node reads `aborted` and nothing else). */
export function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError(signal.reason)
}

/**
 * The options that let the ring cancel an operation when `signal` aborts.
 * Only a genuine AbortSignal is watched; anything else Node accepts as a
 * signal (an object with `aborted`, a Proxy) is only read between steps, as
 * node:fs does.
 */
export function cancelOn(signal: AbortSignal | undefined): OpOptions | undefined {
  if (signal === undefined || !(signal instanceof AbortSignal) || types.isProxy(signal)) return undefined
  return { signal }
}

export function validateBoolean(value: unknown, name: string): asserts value is boolean {
  if (typeof value !== 'boolean') throw invalidArgType(name, 'of type boolean', value)
}

/** node:fs's validateObject: a non-null object that is not an array (null passes with `nullable`). */
export function validateObject(value: unknown, name: string, nullable = false): void {
  if (value === null ? !nullable : typeof value !== 'object' || Array.isArray(value)) throw invalidArgType(name, 'of type object', value)
}

/** An integer in [min, max], as node:fs's validateInteger checks it. */
export function validateInteger(value: unknown, name: string, min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): asserts value is number {
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value)
  if (!Number.isInteger(value)) throw outOfRange(name, 'an integer', value)
  if (value < min || value > max) throw outOfRange(name, `>= ${min} && <= ${max}`, value)
}

export function validateInt32(value: unknown, name: string, min = -2147483648, max = 2147483647): asserts value is number {
  validateInteger(value, name, min, max)
}

export function validateUint32(value: unknown, name: string): asserts value is number {
  validateInteger(value, name, 0, 4294967295)
}

/** The largest uid/gid node:fs accepts (2 ** 32 - 1; -1 leaves it unchanged). */
export const MAX_USER_ID = 2 ** 32 - 1

/** node:fs's validateRmdirOptions: the options of rmdir and rm, checked and merged with `defaults`. */
export function validateRmdirOptions<T extends object>(options: unknown, defaults: T): T & { recursive: boolean; retryDelay: number; maxRetries: number } {
  if (options === undefined) return defaults as T & { recursive: boolean; retryDelay: number; maxRetries: number }
  validateObject(options, 'options')
  const merged = { ...defaults, ...(options as object) } as T & { recursive: unknown; retryDelay: unknown; maxRetries: unknown }
  validateBoolean(merged.recursive, 'options.recursive')
  validateInt32(merged.retryDelay, 'options.retryDelay', 0)
  validateUint32(merged.maxRetries, 'options.maxRetries')
  return merged as T & { recursive: boolean; retryDelay: number; maxRetries: number }
}
