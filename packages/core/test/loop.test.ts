// @module-tag ring
import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { IoUring, defaultRing } from '@iouring/core'
import { readFile } from '@iouring/core/fs'
import { enableRings } from '@iouring/register'
import { tempDir } from './helpers.js'

const env = { CORE: createRequire(import.meta.url).resolve('@iouring/core') }

let dir: string
let cleanup: () => void

beforeEach(() => {
  ;({ dir, cleanup } = tempDir())
})
afterEach(() => cleanup())

/** Runs `script` (CommonJS) in a fresh Node, after `command` (which execs it). */
function runChild(script: string, command: string[] = []) {
  const argv = [...command, process.execPath, '-e', script]
  return spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', timeout: 20_000, env: { ...process.env, ...env } })
}

/**
 * What `ring` has submitted now and once this loop iteration reaches its
 * check phase (setImmediate), after the poll phase. An SQE that the loop
 * left unsubmitted when it went to poll is still not submitted then; before
 * this was fixed it waited there until something else woke the loop.
 */
function submittedBeforePoll(ring: IoUring): Promise<[number, number]> {
  const now = ring.stats.submitted
  return new Promise((resolve) => setImmediate(() => resolve([now, ring.stats.submitted])))
}

describe('several rings on one event loop', () => {
  it("an operation started on one ring from another ring's completion is submitted before the loop polls", async () => {
    const file = join(dir, 'file')
    writeFileSync(file, 'contents')
    const ring = new IoUring()
    expect(await readFile(file, 'utf8')).toBe('contents')
    // The nop completes inside the flush; its continuation starts readFile on
    // the thread's ring, whose turn in this iteration may have passed.
    const [reading, submitted] = await ring.nop().then(() => {
      const reading = readFile(file, 'utf8')
      return Promise.all([reading, submittedBeforePoll(defaultRing())])
    })
    expect(submitted[1]).toBeGreaterThan(submitted[0])
    expect(reading).toBe('contents')
    await ring.dispose()
  })

  it('a ring created in a completion gets its first operation submitted before the loop polls', async () => {
    const rings = [new IoUring({ entries: 4 })]
    const seen: [number, number][] = []
    expect(await rings[0].nop()).toBe(0)
    for (let i = 0; i < 3; i++) {
      const ring = new IoUring({ entries: 4 })
      rings.push(ring)
      const [result, submitted] = await Promise.all([ring.nop(), submittedBeforePoll(ring)])
      expect(result).toBe(0)
      seen.push(submitted)
    }
    expect(seen).toEqual([[0, 1], [0, 1], [0, 1]])
    await Promise.all(rings.map((ring) => ring.dispose()))
  })

  it('a completion that starts work on 20 other rings gets all of it submitted before the loop polls', async () => {
    const first = new IoUring({ entries: 4 })
    const rings = Array.from({ length: 20 }, () => new IoUring({ entries: 4 }))
    const seen = await first.nop().then(() => Promise.all(rings.map((ring) => Promise.all([ring.nop(), submittedBeforePoll(ring)]))))
    expect(seen).toEqual(new Array(20).fill([0, [0, 1]]))
    await Promise.all([first, ...rings].map((ring) => ring.dispose()))
  })
})

describe('io_uring_enter failing in the event loop', () => {
  it('a ring created R_DISABLED refuses operations with ERR_INVALID_STATE until enableRings()', async () => {
    const ring = new IoUring({ setup: ['R_DISABLED'] })
    expect(() => ring.nop()).toThrow(expect.objectContaining({ code: 'ERR_INVALID_STATE' }))
    expect(() => ring.chain((r) => [r.nop()])).toThrow(expect.objectContaining({ code: 'ERR_INVALID_STATE' }))
    expect(ring.closed).toBe(false)
    expect(ring.pending).toBe(0)
    enableRings(ring)
    expect(await ring.nop()).toBe(0)
    await ring.dispose()
    expect(() => ring.nop()).toThrow(expect.objectContaining({ code: 'ERR_IOURING_CLOSED' }))
  })

  // A seccomp filter that makes io_uring_enter fail with EPERM whenever it
  // has SQEs to submit (to_submit, its second argument, is not 0): the ring
  // can be made (availability() probes io_uring_enter with nothing to
  // submit), and then the event loop's flush fails. python3's ctypes installs
  // it before exec'ing node.
  const python = spawnSync('python3', ['-c', 'import ctypes'], { encoding: 'utf8' })
  const hasPython = python.status === 0
  if (!hasPython) console.log('skipped: installing a seccomp filter needs python3 with ctypes, which is not installed')
  const denyEnter = `
import ctypes, os, sys
class Filter(ctypes.Structure):
    _fields_ = [('code', ctypes.c_ushort), ('jt', ctypes.c_ubyte), ('jf', ctypes.c_ubyte), ('k', ctypes.c_uint)]
class Program(ctypes.Structure):
    _fields_ = [('len', ctypes.c_ushort), ('filter', ctypes.POINTER(Filter))]
# load the syscall number; io_uring_enter (426) with to_submit (args[1], low word at 24) != 0
# -> SECCOMP_RET_ERRNO | EPERM, else SECCOMP_RET_ALLOW
rules = (Filter * 6)(Filter(0x20, 0, 0, 0), Filter(0x15, 0, 3, 426), Filter(0x20, 0, 0, 24), Filter(0x15, 1, 0, 0), Filter(0x06, 0, 0, 0x00050001), Filter(0x06, 0, 0, 0x7fff0000))
libc = ctypes.CDLL(None, use_errno=True)
assert libc.prctl(38, 1, 0, 0, 0) == 0  # PR_SET_NO_NEW_PRIVS
assert libc.prctl(22, 2, ctypes.byref(Program(6, rules)), 0, 0) == 0  # PR_SET_SECCOMP, SECCOMP_MODE_FILTER
os.execv(sys.argv[1], sys.argv[1:])
`

  it.skipIf(!hasPython)('with io_uring_enter denied (EPERM), operations reject with the system error once; nothing is thrown from the loop', () => {
    const child = runChild(
      `
      const { IoUring } = require(process.env.CORE)
      process.on('uncaughtException', (err) => { console.log('uncaught', err.code); process.exit(1) })
      const ring = new IoUring()
      const outcome = (p) => p.then((v) => 'resolved ' + v, (err) => err.code + ' ' + err.errno + ' ' + err.syscall)
      ;(async () => {
        console.log(await Promise.all([outcome(ring.nop()), outcome(ring.nop())]))
        // Later work fails the same way, each operation once.
        console.log(await outcome(ring.fsync(0)))
        // Loop iterations go by without the failure coming back.
        for (let i = 0; i < 50; i++) await new Promise((resolve) => setImmediate(resolve))
        console.log(ring.pending, ring.stats.wakeups)
      })()
    `,
      ['python3', '-c', denyEnter],
    )
    expect(child.stderr).toBe('')
    expect(child.stdout).toBe("[ 'EPERM -1 nop', 'EPERM -1 nop' ]\nEPERM -1 fsync\n0 0\n")
    expect(child.status).toBe(0)
  })
})
