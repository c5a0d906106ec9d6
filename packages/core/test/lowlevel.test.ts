// @module-tag ring
import { spawn } from 'node:child_process'
import { closeSync, existsSync, openSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { IoUring, USER_DATA_LIMIT } from '@iouring/core'
import { addressOf } from '@iouring/native'
import { prepNop, prepRead, setUserData } from '@iouring/ops'
import { skipUnless } from '@iouring/tooling/skip'
import { emptyPipe, tempDir } from './helpers.js'

let dir: string
let cleanup: () => void
let ring: IoUring

beforeEach(() => {
  ;({ dir, cleanup } = tempDir())
  ring = new IoUring({ entries: 32 })
})
afterEach(async () => {
  await ring.dispose()
  cleanup()
})

describe('low-level API', () => {
  it('round-trips 1,000 NOPs with their user_data', () => {
    const seen = new Map<number, number>()
    let next = 0
    while (next < 1000) {
      let queued = 0
      for (let at = ring.getSqe(); at !== -1 && next < 1000; at = ring.getSqe()) {
        prepNop(ring.sqes, at)
        setUserData(ring.sqes, at, 2 ** 40 + next++)
        queued++
        if (next === 1000) break
      }
      // getSqe() reserved one past the last prepared when it stopped on the count.
      ring.submitAndWait(queued)
      ring.forEachCqe((userData, res) => seen.set(userData, res))
    }
    expect(seen.size).toBe(1000)
    for (let i = 0; i < 1000; i++) expect(seen.get(2 ** 40 + i)).toBe(0)
  })

  it('round-trips 1,000 reads with the right bytes', () => {
    const path = join(dir, 'data')
    const content = Buffer.alloc(4000)
    for (let i = 0; i < 1000; i++) content.writeUInt32LE(i * 3, i * 4)
    writeFileSync(path, content)
    const fd = openSync(path, 'r')
    const into = new Uint32Array(1000)
    const base = addressOf(into)
    const results: number[] = []
    for (let i = 0; i < 1000; ) {
      const batch = Math.min(32, 1000 - i)
      for (let j = 0; j < batch; j++, i++) {
        const at = ring.getSqe()
        expect(at).not.toBe(-1)
        prepRead(ring.sqes, at, fd, base + i * 4, 4, i * 4)
        setUserData(ring.sqes, at, i)
      }
      expect(ring.submitAndWait(batch)).toBe(batch)
      ring.forEachCqe((userData, res) => (results[userData] = res))
    }
    closeSync(fd)
    expect(results.filter((r) => r === 4).length).toBe(1000)
    for (let i = 0; i < 1000; i++) expect(into[i]).toBe(i * 3)
  })

  it('getSqe() returns -1 when the SQ is full', () => {
    for (let i = 0; i < 32; i++) expect(ring.getSqe()).toBe(i * 64)
    expect(ring.getSqe()).toBe(-1)
    // Fill what was reserved so that nothing stale is submitted.
    for (let i = 0; i < 32; i++) {
      prepNop(ring.sqes, i * 64)
      setUserData(ring.sqes, i * 64, i)
    }
    expect(ring.submitAndWait(32)).toBe(32)
    expect(ring.forEachCqe(() => {})).toBe(32)
  })

  it('coexists with the promise API: each CQE goes to its own side', async () => {
    const promised = ring.nop()
    const at = ring.getSqe()
    prepNop(ring.sqes, at)
    setUserData(ring.sqes, at, 77)
    ring.submitAndWait(2)
    const lowLevel: number[] = []
    expect(ring.forEachCqe((userData) => lowLevel.push(userData))).toBe(2)
    expect(lowLevel).toEqual([77])
    expect(await promised).toBe(0)
  })

  it('CQEs the event loop reaps go to onCqe, or wait for forEachCqe', async () => {
    const at = ring.getSqe()
    prepNop(ring.sqes, at)
    setUserData(ring.sqes, at, 5)
    ring.submit()
    await ring.nop() // the loop has reaped both by the time this settles
    const later: number[] = []
    expect(ring.forEachCqe((userData) => later.push(userData))).toBe(1)
    expect(later).toEqual([5])

    const delivered: [number, number][] = []
    ring.onCqe = (userData, res) => delivered.push([userData, res])
    const again = ring.getSqe()
    prepNop(ring.sqes, again)
    setUserData(ring.sqes, again, USER_DATA_LIMIT - 1)
    ring.submit()
    await ring.nop()
    expect(delivered).toEqual([[USER_DATA_LIMIT - 1, 0]])
  })

  it('a handler that throws does not get the same CQEs again', () => {
    for (let i = 0; i < 3; i++) {
      const at = ring.getSqe()
      prepNop(ring.sqes, at)
      setUserData(ring.sqes, at, 10 + i)
    }
    ring.submitAndWait(3)
    const seen: number[] = []
    expect(() =>
      ring.forEachCqe((userData) => {
        seen.push(userData)
        if (userData === 11) throw new Error('handler failed')
      }),
    ).toThrow('handler failed')
    ring.forEachCqe((userData) => seen.push(userData))
    expect(seen).toEqual([10, 11, 12])
  })

  it('submitAndWait with timeoutMs returns after the timeout when nothing completes', (ctx) => {
    skipUnless(ctx, ring.features.has('EXT_ARG'), 'a wait with a timeout (IORING_FEAT_EXT_ARG)', '5.11')
    const pipe = emptyPipe(dir)
    const at = ring.getSqe()
    prepRead(ring.sqes, at, pipe, addressOf(Buffer.alloc(1)), 1, -1)
    setUserData(ring.sqes, at, 1)
    const started = process.hrtime.bigint()
    expect(ring.submitAndWait(1, { timeoutMs: 30 })).toBe(1)
    const waited = Number(process.hrtime.bigint() - started) / 1e6
    expect(waited).toBeGreaterThanOrEqual(25)
    expect(ring.forEachCqe(() => {})).toBe(0)
    closeSync(pipe)
  })

  it('signals arriving while submitAndWait waits do not stretch its timeout', async () => {
    // A shell sends this process SIGUSR2 every 50 ms for about 4 s, then
    // writes a file. Each signal interrupts the wait (EINTR); restarting the
    // 200 ms timeout from the start each time would keep waiting until the
    // signals stop, and the file would exist by the time it returned.
    const handler = () => {}
    process.on('SIGUSR2', handler)
    const finished = join(dir, 'finished')
    const sender = spawn('sh', ['-c', `for i in $(seq 80); do kill -USR2 ${process.pid} || exit; sleep 0.05; done; echo > ${finished}`])
    try {
      await new Promise((resolve) => sender.once('spawn', resolve))
      expect(ring.submitAndWait(1, { timeoutMs: 200 })).toBe(0)
      expect(existsSync(finished)).toBe(false)
    } finally {
      sender.kill()
      await new Promise((resolve) => sender.once('close', resolve))
      process.off('SIGUSR2', handler)
    }
  })
})
