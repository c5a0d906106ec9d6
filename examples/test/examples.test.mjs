// Runs every example as `pnpm --filter @iouring/examples run NAME` would
// (`node NAME.mjs` in this directory) and checks what it prints. Examples on
// the fs facade and @iouring/net run everywhere: where io_uring is denied they
// run on node:fs and node:net and print the same. The rest need a ring; they
// are tagged 'ring' (skipped, with the reason printed, where there is none) and
// checked under deny-io-uring to stop with ERR_IOURING_UNAVAILABLE.
import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { availability, IoUring } from '@iouring/core'
import { kernelAtLeast } from '@iouring/register'
import { denyIoUring } from '@iouring/seccomp'
import { warningLines } from '@iouring/tooling/child'

const examplesDir = new URL('..', import.meta.url).pathname
const here = availability()

/** Runs example `name` with this Node.js (behind `wrapper`): its exit status, stdout lines and stderr. */
function run(name, wrapper = []) {
  const [command, ...args] = [...wrapper, process.execPath, `${name}.mjs`]
  const result = spawnSync(command, args, { cwd: examplesDir, encoding: 'utf8', timeout: 20_000 })
  return { status: result.status, lines: result.stdout.trim().split('\n'), stderr: result.stderr }
}

/** Whether `has` holds; if not, says which kernel `what` needs, so the skip is never silent. */
function needs(has, what) {
  if (!has) console.warn(`skipped: ${what}`)
  return has
}

/** The running kernel's opcode probe, where rings can be made. */
async function probe() {
  if (!here.available) return undefined
  const ring = new IoUring({ entries: 2 })
  try {
    return ring.probe()
  } finally {
    await ring.dispose()
  }
}
const supported = await probe()
// @iouring/net is node:net where io_uring is unavailable or the kernel is older than 5.19.
const netFallsBack = !here.available || !kernelAtLeast('5.19')

const deny = [denyIoUring, '--errno=EPERM']

describe('file-io', () => {
  const facade = ['fs facade copy identical: true']
  it('copies a tree with the fs facade, then by hand in five batches', () => {
    const { status, lines, stderr } = run('file-io')
    expect(status, stderr).toBe(0)
    expect(lines[0]).toBe('source: 3 directories, 4 files, 263992 bytes')
    expect(lines.slice(1, 2)).toEqual(facade)
    if (here.available && !supported.supports('MKDIRAT')) {
      expect(lines.slice(2)).toEqual(['low-level copy skipped: this kernel has no IORING_OP_MKDIRAT (Linux 5.15)'])
    } else if (here.available) {
      expect(lines.slice(2)).toEqual(['low-level copy identical: true', 'low-level copy: 4 files in 5 io_uring_enter calls'])
      expect(stderr).toBe('')
    } else {
      expect(lines.slice(2)).toEqual([`low-level copy skipped: io_uring is unavailable here (${here.reason})`])
      expect(warningLines(stderr, 'IOURING_FS_FALLBACK')).toHaveLength(1)
    }
  })

  it('where io_uring is denied, copies with the facade on node:fs and skips the low-level copy', () => {
    const { status, lines, stderr } = run('file-io', deny)
    expect(status, stderr).toBe(0)
    expect(lines.slice(1)).toEqual([...facade, 'low-level copy skipped: io_uring is unavailable here (seccomp)'])
    expect(warningLines(stderr, 'IOURING_FS_FALLBACK')).toHaveLength(1)
  })
})

describe('echo-server and http-server', () => {
  const expected = {
    'echo-server': [
      'server: listening on 127.0.0.1',
      'server: a connection from 127.0.0.1',
      'client: sent "hello", got back "hello"',
      'client: sent "io_uring", got back "io_uring"',
      'client: sent "goodbye", got back "goodbye"',
      'server: the client ended the connection',
      'server: closed',
    ],
    'http-server': [
      'GET /: 200 text/plain: hello from node:http on @iouring/net: GET /',
      'GET /io_uring?answer=42: 200 text/plain: hello from node:http on @iouring/net: GET /io_uring?answer=42',
      'connections used: 1',
      'server closed',
    ],
  }
  for (const [name, lines] of Object.entries(expected)) {
    it(`${name} serves its client and exits by itself`, () => {
      const result = run(name)
      expect(result.status, result.stderr).toBe(0)
      expect(result.lines).toEqual(lines)
      expect(warningLines(result.stderr, 'IOURING_NET_FALLBACK')).toHaveLength(netFallsBack ? 1 : 0)
    })

    it(`${name} runs the same on node:net where io_uring is denied`, () => {
      const result = run(name, deny)
      expect(result.status, result.stderr).toBe(0)
      expect(result.lines).toEqual(lines)
      expect(warningLines(result.stderr, 'IOURING_NET_FALLBACK')).toHaveLength(1)
    })
  }
})

describe('examples that need a ring', () => {
  it.skipIf(!needs(kernelAtLeast('6.4'), 'poll: timeoutMultishot needs Linux 6.4 (IORING_TIMEOUT_MULTISHOT)'))(
    'poll: three timer ticks, each read from the pipe once the poll reports it, then POLLHUP', { tags: ['ring'] }, () => {
      const { status, lines, stderr } = run('poll')
      expect(status, stderr).toBe(0)
      // The timer's last line and the poll's third report may come in either order.
      expect(lines.filter((line) => line.startsWith('poll:'))).toEqual([
        'poll: POLLIN, read "tick 1"',
        'poll: POLLIN, read "tick 2"',
        'poll: POLLIN, read "tick 3"',
        'poll: POLLHUP, end of the pipe: stopping the poll',
      ])
      expect(lines.filter((line) => line.startsWith('timer:'))).toEqual([
        'timer: tick 1, writing into the pipe',
        'timer: tick 2, writing into the pipe',
        'timer: tick 3, writing into the pipe',
        'timer: done after 3 ticks, closing the write end',
      ])
      // Each tick is written before the poll reports it.
      for (const tick of [1, 2, 3]) {
        expect(lines.indexOf(`timer: tick ${tick}, writing into the pipe`)).toBeLessThan(lines.indexOf(`poll: POLLIN, read "tick ${tick}"`))
      }
    })

  it.skipIf(!needs(supported?.supports('READ_MULTISHOT') ?? true, 'buffers: readMultishot needs Linux 6.7 (IORING_OP_READ_MULTISHOT)'))(
    'buffers: a copy through registered buffers, and three chunks read into a buffer ring', { tags: ['ring'] }, () => {
      const { status, lines, stderr } = run('buffers')
      expect(status, stderr).toBe(0)
      expect(lines[0]).toBe('registered buffers: copied 1048576 bytes in 16 chunks through 4 pieces of 65536 bytes; identical: true')
      // Which buffer the kernel picks is its choice; the bytes are not.
      expect(lines.slice(1, 4).map((line) => line.replace(/buffer \d+$/, 'buffer N'))).toEqual([
        'buffer ring: the kernel put "first message" into buffer N',
        'buffer ring: the kernel put "second message" into buffer N',
        'buffer ring: the kernel put "third message" into buffer N',
      ])
      expect(lines.slice(4)).toEqual(['buffer ring: 3 chunks, 8 of 8 buffers free again'])
    })

  it.skipIf(!needs(kernelAtLeast('6.0'), 'workers: msgRingFd needs Linux 6.0 (IORING_MSG_SEND_FD)'))(
    'workers: a counter passed between two workers\' rings, and a registered file passed to one', { tags: ['ring'] }, () => {
      const { status, lines, stderr } = run('workers')
      expect(status, stderr).toBe(0)
      expect(lines).toEqual([
        'main: workers A and B started, each with a ring of its own',
        'worker B got the counter at 1',
        'worker A got the counter at 2',
        'worker B got the counter at 3',
        'worker A got the counter at 4',
        'worker B got the counter at 5',
        'worker A got the counter at 6',
        expect.stringMatching(/^main: passed a registered file to worker B, into its slot [0-3]$/),
        'worker B read 44 bytes through it: the whole file: true',
        'main: both workers stopped',
      ])
    })

  for (const name of ['poll', 'buffers', 'workers']) {
    it(`${name} stops with ERR_IOURING_UNAVAILABLE where io_uring is denied`, () => {
      const { status, lines, stderr } = run(name, deny)
      expect(status).toBe(1)
      expect(lines).toEqual([''])
      expect(stderr).toContain("code: 'ERR_IOURING_UNAVAILABLE'")
      expect(stderr).toContain("reason: 'seccomp'")
    })
  }
})
