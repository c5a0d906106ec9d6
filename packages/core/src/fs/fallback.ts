// Where io_uring is unavailable, @iouring/core/fs is node:fs/promises: each
// thread decides at its first call of a function that uses the ring
// (index.ts), and warns once when it falls back (IOURING_FS_FALLBACK).
import * as fsp from 'node:fs/promises'
import { facadeFallsBack } from '../fallback.js'
import { defaultRing } from '../ring.js'
import * as onRing from './promises.js'
import { disposableWith, type MakeTemp } from './temp.js'

type Api = typeof onRing

const FS = { name: '@iouring/core/fs', instead: 'node:fs/promises', code: 'IOURING_FS_FALLBACK' }

/**
 * node:fs/promises as this module's API: open() resolves to node:fs/promises's
 * own FileHandle. mkdtempDisposable, which node:fs/promises has from Node.js
 * 24 on, is made of its mkdtemp before.
 */
const onNode = {
  ...fsp,
  mkdtempDisposable: (fsp as { mkdtempDisposable?: Api['mkdtempDisposable'] }).mkdtempDisposable ?? disposableWith(fsp.mkdtemp as MakeTemp),
} as unknown as Api

let chosen: Api | undefined

/**
 * This thread's implementation: the ring's, or node:fs/promises's where
 * defaultRing() throws ERR_IOURING_UNAVAILABLE (availability() says no, or no
 * ring fits RLIMIT_MEMLOCK even at its smallest size) and IOURING_STRICT is
 * not '1'. Decided by the first call.
 */
export function implementation(): Api {
  if (chosen !== undefined) return chosen
  let reason: string | undefined
  try {
    defaultRing()
  } catch (err) {
    // Any other failure (EMFILE) decides nothing: the call rejects with it, and the next call asks again.
    if ((err as { code?: unknown }).code !== 'ERR_IOURING_UNAVAILABLE') return onRing
    reason = (err as Error).message
  }
  chosen = facadeFallsBack(FS, reason) ? onNode : onRing
  return chosen
}
