// node:fs flag strings and file modes, in the one place they are parsed.

import { O_APPEND, O_CREAT, O_EXCL, O_RDONLY, O_RDWR, O_SYNC, O_TRUNC, O_WRONLY } from '@iouring/ops'
import { invalidArgValue } from '../errors.js'
import { validateInt32, validateUint32 } from './options.js'

/** A flag string node:fs accepts ('r', 'w+', 'ax', ...) or O_* bits. */
export type OpenFlags = string | number

/** Node's flag strings and their O_* bits (lib/internal/fs/utils.js stringToFlags). */
export const FLAG_STRINGS: Readonly<Record<string, number>> = Object.freeze({
  r: O_RDONLY,
  rs: O_RDONLY | O_SYNC,
  sr: O_RDONLY | O_SYNC,
  'r+': O_RDWR,
  'rs+': O_RDWR | O_SYNC,
  'sr+': O_RDWR | O_SYNC,
  w: O_TRUNC | O_CREAT | O_WRONLY,
  wx: O_TRUNC | O_CREAT | O_WRONLY | O_EXCL,
  xw: O_TRUNC | O_CREAT | O_WRONLY | O_EXCL,
  'w+': O_TRUNC | O_CREAT | O_RDWR,
  'wx+': O_TRUNC | O_CREAT | O_RDWR | O_EXCL,
  'xw+': O_TRUNC | O_CREAT | O_RDWR | O_EXCL,
  a: O_APPEND | O_CREAT | O_WRONLY,
  ax: O_APPEND | O_CREAT | O_WRONLY | O_EXCL,
  xa: O_APPEND | O_CREAT | O_WRONLY | O_EXCL,
  as: O_APPEND | O_CREAT | O_WRONLY | O_SYNC,
  sa: O_APPEND | O_CREAT | O_WRONLY | O_SYNC,
  'a+': O_APPEND | O_CREAT | O_RDWR,
  'ax+': O_APPEND | O_CREAT | O_RDWR | O_EXCL,
  'xa+': O_APPEND | O_CREAT | O_RDWR | O_EXCL,
  'as+': O_APPEND | O_CREAT | O_RDWR | O_SYNC,
  'sa+': O_APPEND | O_CREAT | O_RDWR | O_SYNC,
})

/** O_* bits for a flag string or number, as node:fs's stringToFlags (undefined/null: 'r'). */
export function parseFlags(flags: unknown, name = 'flags'): number {
  if (typeof flags === 'number') {
    validateInt32(flags, name)
    return flags
  }
  if (flags === undefined || flags === null) return O_RDONLY
  if (typeof flags === 'string' && Object.hasOwn(FLAG_STRINGS, flags)) return FLAG_STRINGS[flags]
  throw invalidArgValue('flags', 'is invalid', flags)
}

const OCTAL = /^[0-7]+$/

/** A file mode as node:fs's parseFileMode takes one: a 32-bit unsigned integer or an octal string; `def` when absent. */
export function parseMode(mode: unknown, name: string, def?: number): number {
  const value = mode ?? def
  if (typeof value === 'string') {
    if (!OCTAL.test(value)) throw invalidArgValue(name, 'must be a 32-bit unsigned integer or an octal string', value)
    return parseInt(value, 8)
  }
  validateUint32(value, name)
  return value
}
