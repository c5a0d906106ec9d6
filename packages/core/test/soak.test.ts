// @module-tag ring
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { IoUring } from '@iouring/core'
import { forceGc, tempDir } from './helpers.js'

// A million operations through a ring far smaller than the work in flight:
// 64 at a time on a 16-entry SQ and a 32-entry CQ, so the SQ fills again and
// again and more operations are in flight than the CQ holds, with forced
// garbage collections while they are. Takes a few seconds.

const TOTAL = 1_000_000
const DEPTH = 64
const FILE_SIZE = 4096

let dir: string
let cleanup: () => void

beforeAll(() => ({ dir, cleanup } = tempDir()))
afterAll(() => cleanup())

describe('soak', () => {
  it(`${TOTAL.toLocaleString('en')} mixed operations on a 16-entry ring: every completion arrives, with the right result`, async () => {
    const source = join(dir, 'source')
    writeFileSync(source, Buffer.from(Array.from({ length: FILE_SIZE }, (_, i) => i & 0xff)))
    const target = join(dir, 'target')
    writeFileSync(target, Buffer.alloc(DEPTH * 8))
    const input = openSync(source, 'r')
    const output = openSync(target, 'r+')
    const ring = new IoUring({ entries: 16, cqEntries: 32 })
    let started = 0
    let completed = 0
    const wrong: string[] = []
    const check = (ok: boolean, what: string) => {
      completed++
      if (!ok && wrong.length < 10) wrong.push(what)
    }

    async function worker(id: number): Promise<void> {
      const stamp = Buffer.alloc(8)
      stamp.writeUInt32LE(id, 0)
      while (started < TOTAL) {
        const i = started++
        if (i % 100_000 === 50_000) forceGc()
        const at = (i * 16) % FILE_SIZE
        switch (i % 4) {
          case 0:
            check((await ring.nop()) === 0, `nop ${i}`)
            break
          case 1: {
            // A fresh buffer each time: only the ring's slot keeps it alive.
            const into = Buffer.alloc(16)
            const n = await ring.read(input, into, at)
            check(n === 16 && into[0] === (at & 0xff) && into[15] === ((at + 15) & 0xff), `read ${i} at ${at}: ${n} bytes ${into[0]}`)
            break
          }
          case 2: {
            stamp.writeUInt32LE(i, 4)
            check((await ring.write(output, stamp, id * 8)) === 8, `write ${i}`)
            break
          }
          default: {
            const parts = [Buffer.alloc(8), Buffer.alloc(8)]
            const n = await ring.readv(input, parts, at)
            check(n === 16 && parts[1][0] === ((at + 8) & 0xff), `readv ${i} at ${at}: ${n} bytes`)
          }
        }
      }
    }

    const began = process.hrtime.bigint()
    await Promise.all(Array.from({ length: DEPTH }, (_, id) => worker(id)))
    const seconds = Number(process.hrtime.bigint() - began) / 1e9
    console.log(`soak: ${TOTAL.toLocaleString('en')} operations in ${seconds.toFixed(1)} s, ${ring.stats.wakeups} wake-ups, ${ring.stats.enterCalls} io_uring_enter calls`)
    expect(wrong).toEqual([])
    expect(completed).toBe(TOTAL)
    expect(ring.pending).toBe(0)
    expect(ring.stats.completions).toBe(TOTAL)
    // Each worker's last write is in its own 8 bytes of the target.
    const written = readFileSync(target)
    for (let id = 0; id < DEPTH; id++) expect(written.readUInt32LE(id * 8)).toBe(id)
    await ring.dispose()
    closeSync(input)
    closeSync(output)
  })
})
