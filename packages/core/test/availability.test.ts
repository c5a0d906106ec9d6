import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TEST_TIMEOUT_MS } from '@iouring/tooling/timeouts'
import { ringsChargeMemlock } from '@iouring/tooling/child'
import { denyIoUring } from '@iouring/seccomp'
import { availability, type Availability } from '@iouring/core'
import { tempDir } from './helpers.js'

// What a user of @iouring/core sees where io_uring is denied, each denial
// made for real in a child process. Nothing here needs a ring of its own.

const packageDir = new URL('..', import.meta.url).pathname
const here = availability()
if (!here.available) console.warn(`the enter-only and memlock checks are skipped: io_uring is unavailable here (${here.reason}), which they would report instead`)
let dir: string
let cleanup: () => void

beforeAll(() => ({ dir, cleanup } = tempDir()))
afterAll(() => cleanup())

/** Runs an ES module body with `node` behind `wrapper`; returns the last line it printed, parsed. */
function child<T>(wrapper: string[], script: string): T {
  const [command, ...args] = [...wrapper, process.execPath, '--input-type=module', '-e', script]
  const result = spawnSync(command, args, { cwd: packageDir, encoding: 'utf8', timeout: TEST_TIMEOUT_MS })
  expect(result.stderr).toBe('')
  expect(result.status).toBe(0)
  return JSON.parse(result.stdout.trim().split('\n').pop()!)
}

/** What a child saw `make()` throw, or null. */
type Thrown = { code: string; reason: string; errno: number; syscall: string; message: string } | null

/** Prints what `make()` threw as JSON fields. */
const THROWN = `(make) => { try { make(); return null } catch (err) { return { code: err.code, reason: err.reason, errno: err.errno, syscall: err.syscall, message: err.message } } }`

const SECCOMP_MESSAGE = (syscall: string, code: string) =>
  `io_uring is blocked by this process's seccomp filter (${syscall} fails with ${code}), as the default profiles of Docker, containerd and Kubernetes block it; ` +
  'run it with a seccomp profile that also allows io_uring_setup, io_uring_enter and io_uring_register ' +
  '(Docker: --security-opt seccomp=profile.json with those three added to the default profile; Kubernetes: a securityContext.seccompProfile of type Localhost)'

describe('where a seccomp filter denies io_uring', () => {
  for (const [errno, value] of [['EPERM', -1], ['ENOSYS', -38]] as const) {
    it(`(${errno}) every package loads by import and require, and new IoUring() / defaultRing() throw ERR_IOURING_UNAVAILABLE saying why`, () => {
      const seen = child<{ loaded: Record<string, unknown>; availability: Availability; ctor: Thrown; defaultRing: Thrown }>([denyIoUring, `--errno=${errno}`], `
        import { createRequire } from 'node:module'
        const require = createRequire(process.cwd() + '/')
        const names = ['@iouring/native', '@iouring/ops', '@iouring/register', '@iouring/core', '@iouring/core/fs']
        const loaded = {}
        for (const name of names) {
          // On Node 20 a CommonJS module that throws inside await import() killed the process, try/catch or not.
          try { loaded[name] = [Object.keys(await import(name)).length > 0, Object.keys(require(name)).length > 0] } catch (err) { loaded[name] = String(err) }
        }
        const core = await import('@iouring/core')
        const thrown = ${THROWN}
        console.log(JSON.stringify({ loaded, availability: core.availability(), ctor: thrown(() => new core.IoUring()), defaultRing: thrown(() => core.defaultRing()) }))`)
      for (const name of ['@iouring/native', '@iouring/ops', '@iouring/register', '@iouring/core', '@iouring/core/fs']) expect(seen.loaded[name], name).toEqual([true, true])
      const message = SECCOMP_MESSAGE('io_uring_setup', errno)
      expect(seen.availability).toEqual({ available: false, reason: 'seccomp', errno: value, message })
      const error = { code: 'ERR_IOURING_UNAVAILABLE', reason: 'seccomp', errno: value, syscall: 'io_uring_setup', message }
      expect(seen.ctor).toEqual(error)
      expect(seen.defaultRing).toEqual(error)
    })
  }

  // Under a filter of its own (CI's denial step) the child's setup is denied first.
  it.skipIf(!here.available)('(io_uring_enter only) new IoUring() refuses at once instead of failing every operation later', () => {
    const seen = child<{ ctor: Thrown }>([denyIoUring, '--only=enter'], `
      import { IoUring } from '@iouring/core'
      const thrown = ${THROWN}
      process.on('uncaughtException', (err) => { console.log(JSON.stringify({ uncaught: err.message })); process.exit(0) })
      console.log(JSON.stringify({ ctor: thrown(() => new IoUring()) }))`)
    expect(seen.ctor).toEqual({ code: 'ERR_IOURING_UNAVAILABLE', reason: 'seccomp', errno: -1, syscall: 'io_uring_setup', message: SECCOMP_MESSAGE('io_uring_enter', 'EPERM') })
  })
})

describe('under a small RLIMIT_MEMLOCK (no CAP_IPC_LOCK)', () => {
  const usable = here.available && spawnSync('setpriv', ['--inh-caps=-ipc_lock', '--bounding-set=-ipc_lock', 'prlimit', '--memlock=65536', 'true']).status === 0
  if (here.available && !usable) console.warn('memlock tests skipped: they need util-linux setpriv/prlimit run as root, to drop CAP_IPC_LOCK')
  const dropIpcLock = (bytes: number) => ['setpriv', '--inh-caps=-ipc_lock', '--bounding-set=-ipc_lock', 'prlimit', `--memlock=${bytes}`]
  const ringsCharged = usable && ringsChargeMemlock(packageDir)
  if (usable && !ringsCharged) console.warn('the 64 KiB check is skipped: this kernel does not charge ring memory to RLIMIT_MEMLOCK (5.12 stopped; 6.18 does again)')

  it.skipIf(!ringsCharged)('64 KiB: defaultRing() makes a smaller ring and readFile works; a ring too big is refused naming the limit', () => {
    const file = join(dir, 'data')
    writeFileSync(file, 'read through a smaller ring')
    const seen = child<{ big: Thrown; sq: number; cq: number; text: string }>(dropIpcLock(65536), `
      import { IoUring, defaultRing } from '@iouring/core'
      import { readFile } from '@iouring/core/fs'
      const thrown = ${THROWN}
      const big = thrown(() => new IoUring({ cqEntries: 4096 }))
      const ring = defaultRing()
      const text = await readFile(${JSON.stringify(file)}, 'utf8')
      console.log(JSON.stringify({ big, sq: ring.params.sqEntries, cq: ring.params.cqEntries, text }))`)
    expect(seen.big).toEqual({
      code: 'ERR_IOURING_UNAVAILABLE',
      reason: 'memlock',
      errno: -12,
      syscall: 'io_uring_setup',
      message:
        "io_uring_setup fails with ENOMEM: a ring's memory counts against RLIMIT_MEMLOCK for a process without CAP_IPC_LOCK, and this process's limit is 64 KiB; " +
        'raise it (ulimit -l, LimitMEMLOCK= in a systemd unit, docker run --ulimit memlock=...) or give the process CAP_IPC_LOCK, or ask for a smaller ring',
    })
    // The first size (4096 CQEs) needs more than 64 KiB; the next one fits.
    expect(seen).toMatchObject({ sq: 256, cq: 1024, text: 'read through a smaller ring' })
  })

  it.skipIf(!usable)('4 KiB: no ring fits, and availability() and defaultRing() both say so', () => {
    const seen = child<{ availability: Availability; defaultRing: Thrown }>(dropIpcLock(4096), `
      import { availability, defaultRing } from '@iouring/core'
      const thrown = ${THROWN}
      console.log(JSON.stringify({ availability: availability(), defaultRing: thrown(() => defaultRing()) }))`)
    expect(seen.availability).toMatchObject({ available: false, reason: 'memlock', errno: -12 })
    expect(seen.availability.message).toMatch(/this process's limit \(4 KiB\) is less than the smallest ring needs/)
    expect(seen.defaultRing).toEqual({ code: 'ERR_IOURING_UNAVAILABLE', reason: 'memlock', errno: -12, syscall: 'io_uring_setup', message: seen.availability.message })
  })
})
