// The buffers suite's cases (issue 14): reading what another process writes
// into a pipe, as fast as it comes, through a multishot read into a buffer
// ring, one-shot reads into one reused buffer, and node:fs / node:net streams.
// Each reports MiB/s and the reading process's CPU time.
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import { IoUring } from '@iouring/core'
import { BufferRing } from '@iouring/buffers'
import * as native from '@iouring/native'
import { IORING_CQE_F_BUFFER, IORING_CQE_F_MORE, prepReadMultishot, setUserData } from '@iouring/ops'

const CHUNK = 64 * 1024
const ENOBUFS = -105
const ARMED = 1

/**
 * A pipe whose write end a child process fills with `mb` MiB and closes. Returns the read end and
 * a promise of the child's exit; the parent holds no write end, so the reader sees end of file.
 */
function pipeFromChild(mb) {
  const fds = native.pipe()
  if (typeof fds === 'number') throw native.systemError(fds, 'pipe2')
  const [readFd, writeFd] = fds
  const writer = `const b = Buffer.alloc(${1 << 20}, 0x5a); for (let i = 0; i < ${mb}; i++) { let o = 0; while (o < b.length) o += require('fs').writeSync(1, b, o) }`
  const child = spawn(process.execPath, ['-e', writer], { stdio: ['ignore', writeFd, 'inherit'] })
  fs.closeSync(writeFd)
  const exited = new Promise((resolve, reject) => {
    child.on('error', reject)
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`pipe writer exited with ${code}`))))
  })
  return { readFd, exited }
}

/** Runs `read(readFd)` (which resolves to the bytes read at end of file) on a fresh pipe; { rate: MiB/s, cpu: seconds }. */
async function timed(mb, read) {
  const { readFd, exited } = pipeFromChild(mb)
  const cpu = process.cpuUsage()
  const start = performance.now()
  const bytes = await read(readFd)
  const seconds = (performance.now() - start) / 1000
  const used = process.cpuUsage(cpu)
  await exited
  if (bytes !== mb << 20) throw new Error(`read ${bytes} bytes of ${mb << 20}`)
  return { rate: mb / seconds, cpu: (used.user + used.system) / 1e6 }
}

export const buffersCases = {
  /**
   * IORING_OP_READ_MULTISHOT with buffers from a BufferRing of `entries` x 64 KiB, driven by the
   * event loop through the low-level API (ring.onCqe): each chunk copied out (`lend`: lent and
   * released), the request started again after ENOBUFS.
   */
  async 'pipe-multishot'({ mb, entries, lend }) {
    const ring = new IoUring()
    const group = new BufferRing(ring, { entries, size: CHUNK })
    const result = await timed(mb, (fd) => new Promise((resolve, reject) => {
      let bytes = 0
      const arm = () => {
        const at = ring.getSqe()
        prepReadMultishot(ring.sqes, at, fd, 0, 0, group.groupId)
        setUserData(ring.sqes, at, ARMED)
        ring.submit()
      }
      ring.onCqe = (userData, res, flags) => {
        if (flags & IORING_CQE_F_BUFFER) {
          bytes += res
          if (lend) group.lend(res, flags).release()
          else group.copy(res, flags)
        }
        if (flags & IORING_CQE_F_MORE) return
        if (res === 0) {
          fs.closeSync(fd)
          return resolve(bytes)
        }
        if (res !== ENOBUFS && res < 0) return reject(native.systemError(res, 'read'))
        if (res === ENOBUFS) group.reportExhausted()
        arm()
      }
      arm()
    }))
    group.unregister()
    await ring.dispose()
    return result
  },

  /** One-shot ring.read() (promise) of up to 64 KiB into one reused buffer, one after another. */
  async 'pipe-read-promise'({ mb }) {
    const ring = new IoUring()
    const buffer = Buffer.alloc(CHUNK)
    const result = await timed(mb, async (fd) => {
      let bytes = 0
      for (let n; (n = await ring.read(fd, buffer)) > 0; ) bytes += n
      fs.closeSync(fd)
      return bytes
    })
    await ring.dispose()
    return result
  },

  /** fs.createReadStream on the pipe's fd (64 KiB chunks, reads in libuv's thread pool). */
  async 'pipe-fs-stream'({ mb }) {
    return timed(mb, (fd) => new Promise((resolve, reject) => {
      let bytes = 0
      fs.createReadStream(null, { fd, highWaterMark: CHUNK })
        .on('data', (chunk) => (bytes += chunk.length))
        .on('end', () => resolve(bytes))
        .on('error', reject)
    }))
  },

  /** net.Socket on the pipe's fd: how Node.js reads a pipe it is given (process.stdin), epoll and read(2). */
  async 'pipe-net-socket'({ mb }) {
    return timed(mb, (fd) => new Promise((resolve, reject) => {
      let bytes = 0
      new net.Socket({ fd, readable: true, writable: false })
        .on('data', (chunk) => (bytes += chunk.length))
        .on('end', () => resolve(bytes))
        .on('error', reject)
    }))
  },
}
