// @module-tag ring
import { execFileSync, spawnSync } from 'node:child_process'
import { chmodSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TEST_TIMEOUT_MS } from '@iouring/tooling/timeouts'
import { IoUring } from '@iouring/core'
import { prepNop, setUserData } from '@iouring/ops'
import { kernelAtLeast } from '@iouring/register'
import { deferTaskrunRefusal, tempDir } from './helpers.js'

let dir: string
let cleanup: () => void

beforeAll(() => ({ dir, cleanup } = tempDir()))
afterAll(() => cleanup())

describe('SQPOLL rings while the credentials stay the same', () => {
  // They publish their SQ tail once per microtask checkpoint, after the
  // credentials check; everything must still reach the kernel.
  it('1,000 operations on an 8-entry ring, a chain, a stream and the low-level API all complete', async () => {
    const ring = new IoUring({ entries: 8, setup: ['SQPOLL'], sqThreadIdle: 10 })
    try {
      expect(await Promise.all(Array.from({ length: 1000 }, () => ring.nop()))).toEqual(new Array(1000).fill(0))
      const chain = await ring.chain((r) => [r.nop(), r.nop(), r.nop()])
      expect(chain.map((step) => step.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled'])
      if (kernelAtLeast('6.4')) {
        const ticks: number[] = []
        for await (const tick of ring.timeoutMultishot(1, { count: 3 })) ticks.push(tick)
        expect(ticks).toEqual([1, 2, 3])
      } else {
        console.warn('the stream step: skipped; IORING_TIMEOUT_MULTISHOT needs Linux 6.4')
      }
      const at = ring.getSqe()
      prepNop(ring.sqes, at)
      setUserData(ring.sqes, at, 77)
      ring.submit()
      const seen: [number, number][] = []
      while (seen.length === 0) {
        ring.submitAndWait(1, { timeoutMs: 5000 })
        ring.forEachCqe((userData, res) => seen.push([userData, res]))
      }
      expect(seen).toEqual([[77, 0]])
    } finally {
      await ring.dispose()
    }
  })
})

describe('an idle SQPOLL ring', () => {
  // Its kernel thread goes to sleep after sqThreadIdle (1 ms here) and sets
  // IORING_SQ_NEED_WAKEUP. The event loop flushes every ring once per
  // iteration; waking the thread there with nothing to submit would keep it
  // polling for as long as the loop runs (a CPU spun for nothing).
  it('is not woken by the event loop when it has nothing to submit: no io_uring_enter in 100 loop iterations', async () => {
    const ring = new IoUring({ entries: 8, setup: ['SQPOLL'], sqThreadIdle: 1 })
    try {
      expect(await ring.nop()).toBe(0)
      const before = ring.stats.enterCalls
      for (let i = 0; i < 100; i++) await new Promise((resolve) => setTimeout(resolve, 1))
      expect(ring.stats.enterCalls - before).toBe(0)
      // Asleep, it is woken for new work.
      expect(await ring.nop()).toBe(0)
      expect(ring.stats.enterCalls - before).toBe(1)
    } finally {
      await ring.dispose()
    }
  })
})

describe('after process.setgid(65534) and process.setuid(65534)', () => {
  const isRoot = process.getuid!() === 0
  if (!isRoot) console.warn('the setuid test is skipped: it needs root, to drop to uid 65534 in a child process')

  // The child (fixtures/credentials-child.mjs) makes its rings as root, drops
  // to nobody, then asks each ring to open a root-only file.
  it.skipIf(!isRoot)('inline, io-wq, DEFER_TASKRUN and the thread ring act as nobody; an SQPOLL ring refuses new work; a bare SQPOLL ring and a personality still act as root', (ctx) => {
    const noDefer = deferTaskrunRefusal()
    if (noDefer !== undefined) {
      console.warn(`skipped: ${noDefer}`)
      ctx.skip(noDefer)
    }
    const secret = join(dir, 'secret')
    writeFileSync(secret, 'root only')
    chmodSync(secret, 0o600)
    chmodSync(dir, 0o755)
    const fifo = join(dir, 'fifo')
    execFileSync('mkfifo', ['-m', '0666', fifo])
    const child = fileURLToPath(new URL('./fixtures/credentials-child.mjs', import.meta.url))
    const result = spawnSync(process.execPath, [child, secret, fifo], { encoding: 'utf8', timeout: TEST_TIMEOUT_MS })
    expect(result.stderr).toBe('')
    expect(result.status).toBe(0)
    const out = JSON.parse(result.stdout.trim().split('\n').pop()!)
    expect(out.before).toEqual({ inline: 'opened', iowq: 'opened', defaultRing: 'opened', deferTaskrun: 'opened', sqpoll: 'opened' })
    // node:fs, for comparison.
    expect(out.nodeFs).toBe('EACCES')
    // The kernel runs inline and io-wq work with the submitting thread's current credentials.
    expect(out.after).toEqual({ inline: 'EACCES', iowq: 'EACCES', defaultRing: 'EACCES', deferTaskrun: 'EACCES', sqpoll: 'ERR_IOURING_CREDENTIALS_CHANGED' })
    expect(out.refusal).toEqual({
      code: 'ERR_IOURING_CREDENTIALS_CHANGED',
      message:
        "The process's credentials changed since this SQPOLL ring was created (uid 0/0 -> 65534/65534, gid 0/0 -> 65534/65534, groups [0] -> [65534]), " +
        'and its kernel submission thread would still act with the old ones, so it accepts no new work; create a new ring after changing credentials',
    })
    // Prepared in the same synchronous run as setuid(): not yet submitted, so refused too.
    expect(out.sameRun).toBe('ERR_IOURING_CREDENTIALS_CHANGED')
    // Submitted before the change: it completes.
    expect(out.pendingRead).toBe(5)
    expect(out.chain).toEqual(['ERR_IOURING_CREDENTIALS_CHANGED', 'ERR_IOURING_CREDENTIALS_CHANGED'])
    expect(out.stream).toBe('ERR_IOURING_CREDENTIALS_CHANGED')
    expect(out.lowLevel).toEqual([[42, -1]])
    // Why: the kernel's SQPOLL thread keeps the creator's credentials (CVE-2024-22017)...
    expect(out.bareSqpoll).toBe('opened')
    // ...and a registered personality is credentials kept on purpose.
    expect(out.personality).toBe('opened')
    expect(out.disposed).toBe(true)
  })
})

describe('after a change of the supplementary groups alone', () => {
  const isRoot = process.getuid!() === 0
  if (!isRoot) console.warn('the setgroups test is skipped: it needs root, to change its groups in a child process')

  // The kernel thread would still act with the old groups: a file readable
  // through one of them stays readable to it.
  it.skipIf(!isRoot)('an SQPOLL ring refuses new work after process.setgroups(); one made after the change takes it', () => {
    const script = `import { IoUring } from '@iouring/core'
      const ring = new IoUring({ entries: 4, setup: ['SQPOLL'], sqThreadIdle: 10 })
      const before = await ring.nop()
      process.setgroups([4242])
      const after = await ring.nop().then(String, (err) => err.code)
      const fresh = new IoUring({ entries: 4, setup: ['SQPOLL'], sqThreadIdle: 10 })
      console.log(JSON.stringify([before, after, await fresh.nop()]))
      await Promise.all([ring.dispose(), fresh.dispose()])`
    const cwd = fileURLToPath(new URL('..', import.meta.url))
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd, encoding: 'utf8', timeout: TEST_TIMEOUT_MS })
    expect(result.stderr).toBe('')
    expect(JSON.parse(result.stdout)).toEqual([0, 'ERR_IOURING_CREDENTIALS_CHANGED', 0])
  })
})
