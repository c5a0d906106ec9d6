// IOURING_FS_SQPOLL=<ms>, opt-in: the facade's requests that an io-wq worker
// has to run go through a second ring of the thread, whose kernel submission
// thread (IORING_SETUP_SQPOLL) keeps polling for <ms> after the last request.
// Those are writeFile's linked open-write-close (an open that creates or
// truncates never completes inline) and readFile's read of a file the kernel
// cannot read without waiting (tmpfs, procfs, uncached pages). One at a time,
// such a hand-off waits for a sleeping CPU to wake, twice; the polling thread
// keeps one awake, as libuv's ring does under UV_USE_IO_URING=1. Only
// hand-offs that come one at a time go there: many at once, their wake-ups
// overlap, and a polling thread would only take a CPU from the io-wq workers
// doing them (measured: 32 writeFiles at once on ext4, 0.63x).
// It is opt-in because that thread spins a CPU for <ms> after every burst.
// Work that completes inline stays on defaultRing(), where it costs no wake-up.

import { kernelAtLeast } from '@iouring/register'
import type { CodedError } from '../errors.js'
import { IoUring } from '../ring.js'

/** The thread's polling ring: undefined until first asked for, null where it is off or could not be made. */
let polling: IoUring | null | undefined

/** IOURING_FS_SQPOLL's idle time in milliseconds; 0 (off) unless it is a whole number from 1 to 60000. */
function idleMs(): number {
  const value = process.env.IOURING_FS_SQPOLL
  if (value === undefined || value === '' || value === '0') return 0
  const ms = /^\d+$/.test(value) ? Number(value) : NaN
  if (ms >= 1 && ms <= 60000) return ms
  process.emitWarning(`IOURING_FS_SQPOLL=${value} is not a number of milliseconds from 1 to 60000; it is ignored`, { code: 'IOURING_FS_SQPOLL' })
  return 0
}

/**
 * The polling ring, made on first use. Before Linux 6.0 (where writeFile has
 * no direct-descriptor table to link through) it is off; a ring the kernel
 * refuses (RLIMIT_MEMLOCK, a security module that denies SQPOLL) is
 * reported once as a warning, and the facade goes on without it.
 */
function pollingRing(): IoUring | null {
  const idle = idleMs()
  if (idle === 0 || !kernelAtLeast('6.0')) return null
  try {
    return new IoUring({ entries: 256, cqEntries: 1024, setup: ['SQPOLL'], sqThreadIdle: idle })
  } catch (err) {
    process.emitWarning(`IOURING_FS_SQPOLL: no SQPOLL ring could be made (${(err as Error).message}); @iouring/core/fs goes on without one`, {
      code: 'IOURING_FS_SQPOLL',
    })
    return null
  }
}

/** handedOff() calls under way, on either ring: the polling ring has at most one. */
let underWay = 0
/** handedOff() calls started so far. */
let started = 0
/**
 * Whether hand-offs came more than one at a time lately: set when one
 * starts while another is under way, cleared when one starts and ends with
 * no other under way. Many at once usually start together (Promise.all), so
 * the first of a batch, alone when it starts, goes to the thread ring too.
 */
let crowded = false

/**
 * Runs `work` on the thread's polling ring when hand-offs come one at a
 * time, else (or where there is no polling ring) on `ring` (defaultRing()).
 * A polling ring's kernel thread keeps the credentials it was made with, so
 * once the process's change (process.setuid()) it refuses work, before
 * anything of it is done (ERR_IOURING_CREDENTIALS_CHANGED): it is then let go
 * (disposed once that work is over), `work` runs on `ring`, and the next
 * hand-off makes a polling ring with the new credentials.
 */
export async function handedOff<T>(ring: IoUring, work: (ring: IoUring) => Promise<T>): Promise<T> {
  if (polling === undefined || polling?.closed) polling = pollingRing()
  const alone = underWay === 0
  if (!alone) crowded = true
  const chosen = alone && !crowded ? polling : null
  const number = ++started
  underWay++
  try {
    if (chosen === null) return await work(ring)
    try {
      return await work(chosen)
    } catch (err) {
      if ((err as CodedError).code !== 'ERR_IOURING_CREDENTIALS_CHANGED') throw err
      if (polling === chosen) polling = undefined
      return await work(ring)
    }
  } finally {
    underWay--
    if (alone && started === number) crowded = false
    if (chosen !== null && chosen !== polling) void chosen.dispose()
  }
}
