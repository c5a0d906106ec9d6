// The fs suite's cases (issue 5): whole-file reads and writes, stat, copy,
// through @iouring/core/fs, node:fs/promises and node:fs callbacks. `api`
// picks which ('sync': the *Sync call, one at a time, which no event loop
// adds to: the kernel's own cost); the UV_USE_IO_URING=1 rows run the same
// case in a child. Every case reports { rate, cpuPerOp }: the process's CPU
// µs per operation, every thread counted (libuv's pool, io-wq workers).
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import { defaultRing } from '@iouring/core'
import * as uring from '@iouring/core/fs'
import { compileC } from './cc.mjs'
import { SECONDS, cpuSince, measure, measureDepth, measureSync } from './harness.mjs'

const promiseApis = { iouring: uring, promises: fs.promises }
const CPU = { cpu: true }

/** `depth` callback chains, each starting the next operation from its callback; { rate, cpuPerOp } over SECONDS after a warm-up. */
function callbackChains(depth, issue) {
  return new Promise((resolve, reject) => {
    let ops = 0
    let stop = false
    let live = depth
    let start = 0
    let cpuStart
    const chain = (k) => {
      issue(k, (err) => {
        if (err) return reject(err)
        ops++
        if (!stop) chain(k)
        else if (--live === 0) resolve({ rate: ops / ((performance.now() - start) / 1000), cpuPerOp: cpuSince(cpuStart) / ops })
      })
    }
    setTimeout(() => {
      ops = 0
      cpuStart = process.cpuUsage()
      start = performance.now()
      setTimeout(() => (stop = true), SECONDS * 1000)
    }, 200)
    for (let k = 0; k < depth; k++) chain(k)
  })
}

/** `step`, started after a turn of the event loop. */
function afterTurn(step) {
  return async () => {
    await new Promise((resolve) => setImmediate(resolve))
    await step()
  }
}

/** Runs `step()` (which does `perStep` operations) back to back for SECONDS after one warm-up step; { rate, cpuPerOp }. */
async function repeat(step, perStep) {
  await step()
  return measure(step, perStep, CPU)
}

/**
 * c/files-at-depth.c: the facade's requests for `depth` small files at once,
 * in C on liburing (`sqpoll`: on an SQPOLL ring); undefined (row skipped)
 * where it cannot be built.
 */
function filesAtDepth(op, where, depth, sqpoll) {
  const { binary, reason } = compileC('files-at-depth', ['-luring'])
  if (binary === undefined) {
    console.log(`  (C rows skipped: ${reason})`)
    return undefined
  }
  return JSON.parse(execFileSync(binary, [op, where, String(depth), ...(sqpoll ? ['sqpoll'] : [])], { encoding: 'utf8' }))
}

export const fsCases = {
  /** readFile of `path`, `depth` at once: files per second. */
  async 'fs-readfile'({ api, path, depth }) {
    if (api === 'c' || api === 'c-sqpoll') return filesAtDepth('read', path, depth, api === 'c-sqpoll')
    if (api === 'callback') return callbackChains(depth, (k, done) => fs.readFile(path, done))
    if (api === 'sync') return measureSync(() => fs.readFileSync(path), 1, CPU)
    const { readFile } = promiseApis[api]
    return measureDepth(depth, () => readFile(path), CPU)
  },

  /** writeFile of `size` bytes, `depth` at once, each writer replacing its own file in `dir`: files per second. */
  async 'fs-writefile'({ api, dir, size, depth }) {
    if (api === 'c' || api === 'c-sqpoll') return filesAtDepth('write', dir, depth, api === 'c-sqpoll')
    const data = Buffer.alloc(size, 0x61)
    const files = Array.from({ length: depth }, (_, k) => `${dir}/write-${size}-${api}-${k}`)
    if (api === 'callback') return callbackChains(depth, (k, done) => fs.writeFile(files[k], data, done))
    if (api === 'sync') return measureSync(() => fs.writeFileSync(files[0], data), 1, CPU)
    const { writeFile } = promiseApis[api]
    let next = 0
    return measureDepth(depth, () => writeFile(files[next++ % depth], data), CPU)
  },

  /**
   * stat of every file named in `dir` (count of them), all started at once, results kept (or, `keep:
   * false`, dropped as they come): stats per second. With `turn`, each batch starts after a turn of the
   * event loop (setImmediate) instead of straight from the continuation of the last one, while that
   * one's results are still reachable.
   */
  async 'fs-stat'({ api, dir, count, keep = true, turn = false }) {
    const names = Array.from({ length: count }, (_, i) => `${dir}/${i}`)
    const batches = (batch) => repeat(turn ? afterTurn(batch) : batch, count)
    if (api === 'callback') {
      return batches(
        () =>
          new Promise((resolve, reject) => {
            const results = keep ? new Array(count) : undefined
            let left = count
            names.forEach((name, i) =>
              fs.stat(name, (err, stats) => {
                if (err) return reject(err)
                if (results) results[i] = stats
                if (--left === 0) resolve(results)
              }),
            )
          }),
      )
    }
    const { stat } = promiseApis[api]
    if (keep) return batches(() => Promise.all(names.map((name) => stat(name))))
    const dropped = () => 0
    return batches(() => Promise.all(names.map((name) => stat(name).then(dropped))))
  },

  /** copyFile of `src` to `dst`, one after another: copies per second. */
  async 'fs-copy'({ api, src, dst }) {
    if (api === 'sendfile') {
      // The ring's own copy: splices through a pipe (what copyFile would be without copy_file_range).
      const ring = defaultRing()
      return repeat(async () => {
        const input = fs.openSync(src, 'r')
        const output = fs.openSync(dst, 'w')
        try {
          await ring.sendfile(output, input, { offset: 0, outOffset: 0 })
        } finally {
          fs.closeSync(input)
          fs.closeSync(output)
        }
      }, 1)
    }
    if (api === 'callback') return repeat(() => new Promise((resolve, reject) => fs.copyFile(src, dst, (err) => (err ? reject(err) : resolve()))), 1)
    const { copyFile } = promiseApis[api]
    return repeat(() => copyFile(src, dst), 1)
  },
}
