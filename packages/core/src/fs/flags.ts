// node:fs flag strings and file modes, in the one place they are parsed.

import { inspect } from 'node:util'
import { O_APPEND, O_CREAT, O_EXCL, O_RDONLY, O_RDWR, O_SYNC, O_TRUNC, O_WRONLY } from '@iouring/ops'
import { invalidArgType, invalidArgValue, outOfRange } from '../errors.js'

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

/** O_* bits for a flag string or number, as node:fs parses them (undefined/null: 'r'). */
export function parseFlags(flags: unknown, name = 'flags'): number {
  if (flags === undefined || flags === null) return O_RDONLY
  if (typeof flags === 'number') {
    if (!Number.isInteger(flags) || flags < -(2 ** 31) || flags > 2 ** 32 - 1) throw outOfRange(name, 'an integer that fits in 32 bits', flags)
    return flags | 0
  }
  if (typeof flags === 'string' && Object.hasOwn(FLAG_STRINGS, flags)) return FLAG_STRINGS[flags]
  // node:fs answers anything else, of whatever type, as an invalid value.
  throw invalidArgValue(name, `is invalid. Received ${inspect(flags)}`)
}

const OCTAL = /^[0-7]+$/

/** A file mode as node:fs parses one: a 32-bit unsigned integer or an octal string; `def` when absent. */
export function parseMode(mode: unknown, name: string, def: number): number {
  if (mode === undefined || mode === null) return def
  if (typeof mode === 'string') {
    if (!OCTAL.test(mode)) throw invalidArgValue(name, `must be a 32-bit unsigned integer or an octal string. Received ${inspect(mode)}`)
    return parseInt(mode, 8)
  }
  if (typeof mode !== 'number') throw invalidArgType(name, 'of type number', mode)
  if (!Number.isInteger(mode) || mode < 0 || mode > 0xffffffff) throw outOfRange(name, '>= 0 && <= 4294967295', mode)
  return mode
}
