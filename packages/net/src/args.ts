// node:net's argument forms for connect() and listen(), with its validation
// and its error codes.
import { codedError, invalidArgType, invalidArgValue } from './errors.js'

/** A port as node:net takes it: a number or a numeric string, 0-65535. */
export function validatePort(port: unknown, name = 'Port', allowZero = true): number {
  const number = typeof port === 'string' && port.trim() !== '' ? Number(port) : port
  if ((typeof port !== 'number' && typeof port !== 'string') || typeof number !== 'number' || !Number.isInteger(number) || number < 0 || number > 0xffff || (!allowZero && number === 0)) {
    throw codedError('ERR_SOCKET_BAD_PORT', `${name} should be ${allowZero ? '>=' : '>'} 0 and < 65536. Received ${received(port)}.`, RangeError)
  }
  return number
}

function received(value: unknown): string {
  if (value === null || value === undefined) return String(value)
  if (typeof value === 'object') return `an instance of ${value.constructor?.name ?? 'Object'}`
  const shown = typeof value === 'string' ? `'${value}'` : String(value)
  return `type ${typeof value} (${shown})`
}

export type Callback = (...args: unknown[]) => void

/**
 * node:net's normalizeArgs: connect(options[, cb]), connect(path[, cb]),
 * connect(port[, host][, cb]); listen(port[, host][, backlog][, cb]) the same
 * with a backlog. Returns the options object and the callback.
 */
export function normalizeArgs(args: readonly unknown[]): [Record<string, unknown>, Callback | undefined] {
  if (args.length === 0) return [{}, undefined]
  const last = args[args.length - 1]
  const cb = typeof last === 'function' ? (last as Callback) : undefined
  const first = args[0]
  if (first !== null && typeof first === 'object') return [first as Record<string, unknown>, cb]
  if (typeof first === 'string' && !isPortLike(first)) return [{ path: first }, cb]
  const options: Record<string, unknown> = { port: first }
  if (args.length > 1 && typeof args[1] === 'string') options.host = args[1]
  return [options, cb]
}

function isPortLike(value: string): boolean {
  return value.trim() !== '' && Number.isFinite(Number(value)) && Number(value) >= 0
}

export function validateHost(host: unknown, name = 'hostname'): string | undefined {
  if (host === undefined || host === null) return undefined
  if (typeof host !== 'string') throw invalidArgType(name, 'of type string', host)
  return host
}

export function validateBoolean(value: unknown, name: string): boolean | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'boolean') throw invalidArgType(name, 'of type boolean', value)
  return value
}

export function validateMsecs(value: unknown, name: string): number {
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value)
  if (!Number.isFinite(value) || value < 0) throw codedError('ERR_OUT_OF_RANGE', `The value of "${name}" is out of range. It must be a non-negative finite number. Received ${value}`, RangeError)
  return value
}

export function validateFunction(value: unknown, name: string): void {
  if (typeof value !== 'function') throw invalidArgType(name, 'of type function', value)
}

export function validateSignal(signal: unknown, name = 'options.signal'): AbortSignal | undefined {
  if (signal === undefined) return undefined
  if (signal === null || typeof signal !== 'object' || !('aborted' in signal)) throw invalidArgType(name, 'an instance of AbortSignal', signal)
  return signal as AbortSignal
}

export { invalidArgValue }
