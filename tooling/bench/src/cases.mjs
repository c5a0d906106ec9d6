// Every benchmark case by name, so the harness can run any of them in this
// process or in a child with a different environment (UV_USE_IO_URING=1).
import fs from 'node:fs'
import { IoUring } from '@iouring/core'
import { addressOf } from '@iouring/native'
import { prepNop, prepRead, setUserData } from '@iouring/ops'
import { measureDepth, measureSync } from './harness.mjs'

const BLOCK = 4096

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

  async 'nop-promise'({ depth }) {
    const ring = new IoUring({ entries: 256 })
    const rate = await measureDepth(depth, () => ring.nop())
    await ring.dispose()
    return rate
  },

  async 'read-promise'({ path, depth, setup }) {
    const ring = new IoUring({ entries: 256, setup })
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

  async 'read-lowlevel'({ path, depth }) {
    const ring = new IoUring({ entries: 256 })
    const fd = fs.openSync(path, 'r')
    const next = offsets(fileBlocks(path))
    const arena = Buffer.allocUnsafeSlow(BLOCK * depth)
    const base = addressOf(arena)
    const sqes = ring.sqes
    let failed = 0
    const check = (userData, res) => {
      if (res !== BLOCK) failed++
    }
    const rate = measureSync(() => {
      for (let i = 0; i < depth; i++) {
        const at = ring.getSqe()
        prepRead(sqes, at, fd, base + i * BLOCK, BLOCK, next())
        setUserData(sqes, at, i)
      }
      ring.submitAndWait(depth)
      ring.forEachCqe(check)
    }, depth)
    if (failed) throw new Error(`${failed} low-level reads failed`)
    fs.closeSync(fd)
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
}
