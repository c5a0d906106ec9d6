// Every benchmark case by name, so the harness can run any of them in this
// process or in a child with a different environment (UV_USE_IO_URING=1).
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import { IoUring } from '@iouring/core'
import { addressOf } from '@iouring/native'
import { IOSQE_FIXED_FILE, addFlags, prepNop, prepRead, prepReadFixed, setUserData } from '@iouring/ops'
import { registerBuffers, registerFiles } from '@iouring/register'
import { compileC } from './cc.mjs'
import { measure, measureDepth, measureSync } from './harness.mjs'
import { fsCases } from './fs-cases.mjs'
import { buffersCases } from './buffers-cases.mjs'

const BLOCK = 4096
const require = createRequire(import.meta.url)

// A cheap xorshift so choosing an offset costs next to nothing.
function offsets(blocks) {
  let x = 0x9e3779b9
  return () => {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    return ((x >>> 0) % blocks) * BLOCK
  }
}

function fileBlocks(path) {
  return Math.floor(fs.statSync(path).size / BLOCK)
}

/** Callback-style depth: `depth` chains, each issuing the next operation from its callback. */
function measureCallbacks(depth, seconds, issue) {
  return new Promise((resolve) => {
    let ops = 0
    let stop = false
    let live = depth
    let start = 0
    const chain = () => {
      issue((err) => {
        if (err) throw err
        ops++
        if (!stop) chain()
        else if (--live === 0) resolve(ops / ((performance.now() - start) / 1000))
      })
    }
    setTimeout(() => {
      ops = 0
      start = performance.now()
      setTimeout(() => (stop = true), seconds * 1000)
    }, 200)
    for (let i = 0; i < depth; i++) chain()
  })
}

export const cases = {
  async 'nop-lowlevel'({ batch }) {
    const ring = new IoUring({ entries: 256 })
    const sqes = ring.sqes
    const ignore = () => {}
    const rate = measureSync(() => {
      for (let i = 0; i < batch; i++) {
        const at = ring.getSqe()
        prepNop(sqes, at)
        setUserData(sqes, at, i)
      }
      ring.submitAndWait(batch)
      ring.forEachCqe(ignore)
    }, batch)
    await ring.dispose()
    return rate
  },

  /** `loader: 'require'` runs it on core's CommonJS build (what require() gets) instead of its ES module build. */
  async 'nop-promise'({ depth, loader = 'import' }) {
    const Ring = loader === 'require' ? require('@iouring/core').IoUring : IoUring
    const ring = new Ring({ entries: 256 })
    const rate = await measureDepth(depth, () => ring.nop())
    await ring.dispose()
    return rate
  },

  async 'nop-signal'({ depth }) {
    const ring = new IoUring({ entries: 256 })
    const { signal } = new AbortController()
    const rate = await measureDepth(depth, () => ring.nop({ signal }))
    await ring.dispose()
    return rate
  },

  async 'sleep0-ring'() {
    const ring = new IoUring({ entries: 8 })
    const rate = await measureDepth(1, () => ring.sleep(0))
    await ring.dispose()
    return rate
  },

  'sleep0-setTimeout'() {
    return measureDepth(1, () => new Promise((resolve) => setTimeout(resolve, 0)))
  },

  'sleep0-setImmediate'() {
    return measureDepth(1, () => new Promise((resolve) => setImmediate(resolve)))
  },

  async 'read-promise'({ path, depth, setup, registerRingFd = true }) {
    const ring = new IoUring({ entries: 256, setup, registerRingFd })
    const fd = fs.openSync(path, 'r')
    const next = offsets(fileBlocks(path))
    const buffers = []
    const rate = await measureDepth(depth, () => {
      const buf = buffers.pop() ?? Buffer.allocUnsafeSlow(BLOCK)
      return ring.read(fd, buf, next()).then(() => buffers.push(buf))
    })
    fs.closeSync(fd)
    await ring.dispose()
    return rate
  },

  /** ring.stat of `count` files named 0..count-1 in `dir`, all at once, on a ring with `setup`: stats/s. */
  async 'stat-ring'({ dir, count, setup }) {
    const ring = new IoUring({ setup })
    const names = Array.from({ length: count }, (_, i) => `${dir}/${i}`)
    const step = () => Promise.all(names.map((name) => ring.stat(name)))
    await step()
    const rate = await measure(step, count)
    await ring.dispose()
    return rate
  },

  async 'read-fs-callback'({ path, depth, seconds }) {
    const fd = fs.openSync(path, 'r')
    const next = offsets(fileBlocks(path))
    const rate = await measureCallbacks(depth, seconds, (done) => {
      fs.read(fd, Buffer.allocUnsafeSlow(BLOCK), 0, BLOCK, next(), done)
    })
    fs.closeSync(fd)
    return rate
  },

  async 'read-fs-promises'({ path, depth }) {
    const handle = await fs.promises.open(path, 'r')
    const next = offsets(fileBlocks(path))
    const rate = await measureDepth(depth, () => handle.read(Buffer.allocUnsafeSlow(BLOCK), 0, BLOCK, next()))
    await handle.close()
    return rate
  },

  // ---- registration (issue 4): fixed buffers + fixed files, registered ring fd, C liburing

  /** ring.readFixed on a registered file into slices of one registered buffer. */
  async 'read-fixed-promise'({ path, depth, registerRingFd = true }) {
    const ring = new IoUring({ entries: 256, registerRingFd })
    const fd = fs.openSync(path, 'r')
    const next = offsets(fileBlocks(path))
    registerBuffers(ring, [pageAligned(BLOCK * depth)])
    registerFiles(ring, [fd])
    const file = ring.fixedFile(0)
    const free = Array.from({ length: depth }, (_, i) => i * BLOCK)
    const rate = await measureDepth(depth, () => {
      const at = free.pop()
      return ring.readFixed(file, 0, at, BLOCK, next()).then(() => free.push(at))
    })
    fs.closeSync(fd)
    await ring.dispose()
    return rate
  },

  /** The low-level API, batch = depth: plain or fixed (READ_FIXED + IOSQE_FIXED_FILE), ring fd registered or not. */
  async 'read-lowlevel'({ path, depth, fixed = false, registerRingFd = true, setup }) {
    const ring = new IoUring({ entries: 256, registerRingFd, setup })
    const fd = fs.openSync(path, 'r')
    const next = offsets(fileBlocks(path))
    const arena = pageAligned(BLOCK * depth)
    const base = addressOf(arena)
    if (fixed) {
      registerBuffers(ring, [arena])
      registerFiles(ring, [fd])
    }
    const sqes = ring.sqes
    let failed = 0
    const check = (userData, res) => {
      if (res !== BLOCK) failed++
    }
    const rate = measureSync(() => {
      for (let i = 0; i < depth; i++) {
        const at = ring.getSqe()
        if (fixed) {
          prepReadFixed(sqes, at, 0, base + i * BLOCK, BLOCK, next(), 0)
          addFlags(sqes, at, IOSQE_FIXED_FILE)
        } else {
          prepRead(sqes, at, fd, base + i * BLOCK, BLOCK, next())
        }
        setUserData(sqes, at, i)
      }
      ring.submitAndWait(depth)
      ring.forEachCqe(check)
    }, depth)
    if (failed) throw new Error(`${failed} low-level reads failed`)
    // The kernel wrote into `arena` by address only: keep it reachable until here.
    if (arena.length !== BLOCK * depth) throw new Error('arena')
    fs.closeSync(fd)
    await ring.dispose()
    return rate
  },

  /** C liburing, plain reads (tooling/bench/c/read.c), compiled on first use; undefined (row skipped) without liburing. */
  async 'read-liburing'({ path, depth, seconds, mode = 'depth', setupFlags = 0 }) {
    const binary = liburingReader()
    if (binary === undefined) return undefined
    const out = execFileSync(binary, [path, String(depth), String(seconds), mode, String(setupFlags)], { encoding: 'utf8' })
    return Number(out.trim())
  },
}

// The fs suite (issue 5) keeps its cases in fs-cases.mjs.
Object.assign(cases, fsCases, buffersCases)

/** `bytes` starting on a page boundary, as C's aligned_alloc gives (a Buffer's own start is 16 bytes past one). */
function pageAligned(bytes) {
  const raw = Buffer.allocUnsafeSlow(bytes + 4096)
  const skew = (4096 - (addressOf(raw) % 4096)) % 4096
  return raw.subarray(skew, skew + bytes)
}

let reader

/**
 * Compiles c/read.c (compileC) once per process; undefined, with the reason printed, when that
 * cannot work. The bench compiles it once and hands the result to the case processes in
 * IOURING_BENCH_READER ('' for none).
 */
export function liburingReader() {
  if (reader === undefined && process.env.IOURING_BENCH_READER !== undefined) reader = process.env.IOURING_BENCH_READER
  if (reader !== undefined) return reader || undefined
  const { binary, reason } = compileC('read', ['-luring'])
  if (reason) console.log(`  (C liburing rows skipped: ${reason})`)
  reader = binary ?? ''
  return binary
}
