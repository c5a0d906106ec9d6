import { spawnSync } from 'node:child_process'
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { release, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { denyIoUring } from '@iouring/seccomp'
import * as native from '@iouring/native'

// availability() against the real kernel: each denial is made for real in a
// child process (a seccomp filter from deny-io-uring, the sysctl, a small
// RLIMIT_MEMLOCK without CAP_IPC_LOCK), which then reports what it sees.
// These tests need no ring themselves, so they also run where io_uring is denied.

const packageDir = join(__dirname, '..')
const require = createRequire(join(packageDir, 'package.json'))

/** Runs `node -e script` (CommonJS, in this package) behind `wrapper`; returns the last line it printed, parsed. */
function child<T = native.Availability>(wrapper: string[], script: string): T {
  const [command, ...args] = [...wrapper, process.execPath, '-e', script]
  const result = spawnSync(command, args, { cwd: packageDir, encoding: 'utf8', timeout: 20_000 })
  expect(result.stderr).toBe('')
  expect(result.status).toBe(0)
  return JSON.parse(result.stdout.trim().split('\n').pop()!)
}

const REPORT = `const native = require('@iouring/native'); console.log(JSON.stringify(native.availability()))`

const here = native.availability()
const isRoot = process.getuid!() === 0
const setprivWorks = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'true']).status === 0
const canDropIpcLock = isRoot && spawnSync('setpriv', ['--inh-caps=-ipc_lock', '--bounding-set=-ipc_lock', 'prlimit', '--memlock=65536', 'true']).status === 0
if (!here.available) console.warn(`the enter-only, sysctl and memlock checks are skipped: io_uring is unavailable here (${here.reason}), which they would report instead`)
if (!isRoot || !setprivWorks) console.warn('the sysctl checks are skipped: they need root and util-linux setpriv (they set kernel.io_uring_disabled=1 and restore it)')
if (!canDropIpcLock) console.warn('the memlock checks are skipped: they need root and util-linux setpriv/prlimit to drop CAP_IPC_LOCK')

describe('availability()', () => {
  it('agrees with whether a ring can be made here', () => {
    const ring = native.setup({ entries: 2 }, () => {})
    if (typeof ring !== 'number') native.close(ring.handle)
    expect(here.available).toBe(typeof ring !== 'number')
    if (here.available) expect(here).toEqual({ available: true, reason: null, errno: 0, message: 'io_uring is available' })
  })

  it('names a seccomp filter that fails io_uring_setup with EPERM, and how to allow io_uring', () => {
    const seen = child([denyIoUring, '--errno=EPERM'], REPORT)
    expect(seen).toMatchObject({ available: false, reason: 'seccomp', errno: -1 })
    expect(seen.message).toBe(
      "io_uring is blocked by this process's seccomp filter (io_uring_setup fails with EPERM), as the default profiles of Docker, containerd and Kubernetes block it; " +
        'run it with a seccomp profile that also allows io_uring_setup, io_uring_enter and io_uring_register ' +
        '(Docker: --security-opt seccomp=profile.json with those three added to the default profile; Kubernetes: a securityContext.seccompProfile of type Localhost)',
    )
  })

  it('blames seccomp, not the kernel, for ENOSYS under a filter on a kernel that has io_uring', () => {
    const seen = child([denyIoUring, '--errno=ENOSYS'], REPORT)
    expect(seen).toMatchObject({ available: false, reason: 'seccomp', errno: -38 })
    expect(seen.message).toMatch(/^io_uring is blocked by this process's seccomp filter \(io_uring_setup fails with ENOSYS\)/)
    expect(seen.message).not.toMatch(/older than|CONFIG_IO_URING/)
  })

  // Under a filter of its own (CI's denial step) a child could not show this: setup is denied first.
  it.skipIf(!here.available)('names the call when a filter denies only io_uring_enter or only io_uring_register', () => {
    for (const call of ['enter', 'register']) {
      const seen = child([denyIoUring, `--only=${call}`], REPORT)
      expect(seen).toMatchObject({ available: false, reason: 'seccomp', errno: -1 })
      expect(seen.message).toMatch(new RegExp(`^io_uring is blocked by this process's seccomp filter \\(io_uring_${call} fails with EPERM\\)`))
    }
  })

  it('names a kernel without io_uring for ENOSYS when no seccomp filter is in place', () => {
    const status = readFileSync('/proc/self/status', 'latin1')
    if (/^Seccomp:\s*2$/m.test(status)) return expect(native.setupError(-38)).toMatchObject({ reason: 'seccomp' })
    const err = native.setupError(-38)
    expect(err).toMatchObject({ code: 'ERR_IOURING_UNAVAILABLE', reason: 'kernel', errno: -38, syscall: 'io_uring_setup' })
    expect(err.message).toBe(
      `this kernel (${release()}) has no io_uring (io_uring_setup fails with ENOSYS): it is older than 5.1 or was built without CONFIG_IO_URING; use Linux 5.6 or newer with io_uring enabled`,
    )
  })

  it('is "platform" on anything but Linux, where loading works and only the addon\'s functions refuse', () => {
    const seen = child<{ availability: native.Availability; setup: unknown; sys: string }>([], `
      Object.defineProperty(process, 'platform', { value: 'darwin' })
      const native = require('@iouring/native')
      let setup
      try { native.setup({}, () => {}) } catch (err) { setup = { code: err.code, reason: err.reason } }
      const sys = native.systemError(-2, 'open', { path: '/x' })
      console.log(JSON.stringify({ availability: native.availability(), setup, sys: sys.message }))`)
    expect(seen.availability).toEqual({
      available: false,
      reason: 'platform',
      errno: 0,
      message: 'io_uring exists only on Linux, and this is darwin; on other systems use node:fs and node:net',
    })
    expect(seen.setup).toEqual({ code: 'ERR_IOURING_UNAVAILABLE', reason: 'platform' })
    expect(seen.sys).toBe("ENOENT: no such file or directory, open '/x'")
  })
})

describe('kernel.io_uring_disabled', () => {
  const sysctlTest = it.skipIf(!here.available || !isRoot || !setprivWorks)
  const asNobody = (groups: string[]) => ['setpriv', '--reuid=65534', '--regid=65534', ...groups]

  /** Runs `body` with the sysctls set, restoring what they were. */
  function withSysctl(values: { disabled: number; group?: number }, body: () => void): void {
    const saved = {
      disabled: readFileSync('/proc/sys/kernel/io_uring_disabled', 'latin1'),
      group: readFileSync('/proc/sys/kernel/io_uring_group', 'latin1'),
    }
    try {
      if (values.group !== undefined) writeFileSync('/proc/sys/kernel/io_uring_group', String(values.group))
      writeFileSync('/proc/sys/kernel/io_uring_disabled', String(values.disabled))
      body()
    } finally {
      writeFileSync('/proc/sys/kernel/io_uring_disabled', saved.disabled)
      writeFileSync('/proc/sys/kernel/io_uring_group', saved.group)
    }
  }

  // Value 1 denies only processes without CAP_SYS_ADMIN outside the group, so
  // nothing else on this machine running as root notices.
  sysctlTest('1 with no group: a process without CAP_SYS_ADMIN is told so, and how to allow it', () => {
    withSysctl({ disabled: 1, group: -1 }, () => {
      const seen = child(asNobody(['--clear-groups']), REPORT)
      expect(seen).toMatchObject({ available: false, reason: 'sysctl', errno: -1 })
      expect(seen.message).toBe(
        'io_uring is limited on this host to processes with CAP_SYS_ADMIN (sysctl kernel.io_uring_disabled = 1, and kernel.io_uring_group = -1 names no group); ' +
          'name a group that may use it with `sysctl -w kernel.io_uring_group=<gid>` and run the process in that group, or enable io_uring for all with `sysctl -w kernel.io_uring_disabled=0`',
      )
      // Root (CAP_SYS_ADMIN) is still allowed.
      expect(child([], REPORT).available).toBe(true)
    })
  })

  sysctlTest('1 with kernel.io_uring_group: members may, others are told the group', () => {
    withSysctl({ disabled: 1, group: 4242 }, () => {
      expect(child(asNobody(['--groups=4242']), REPORT)).toMatchObject({ available: true })
      const seen = child(asNobody(['--groups=4243']), REPORT)
      expect(seen).toMatchObject({ available: false, reason: 'sysctl', errno: -1 })
      expect(seen.message).toBe(
        'io_uring is limited on this host to processes with CAP_SYS_ADMIN or in group 4242 (sysctl kernel.io_uring_disabled = 1, kernel.io_uring_group = 4242), and this process is neither; ' +
          'run it with group 4242 among its groups, or enable io_uring for all with `sysctl -w kernel.io_uring_disabled=0`',
      )
    })
  })

  // Value 2 denies every process on the machine, other test runs included:
  // only CI's denial step, where nothing can use io_uring anyway, runs it.
  const machineWide = process.env.IOURING_TEST_SYSCTL_DISABLED_2 === '1'
  if (!machineWide) console.warn('kernel.io_uring_disabled=2 is not tested here: it denies io_uring to every process on the machine (CI sets IOURING_TEST_SYSCTL_DISABLED_2=1 in its denial step)')
  it.skipIf(!machineWide || !isRoot)('2: every process is told io_uring is disabled on this host', () => {
    withSysctl({ disabled: 2 }, () => {
      const seen = child([], REPORT)
      expect(seen).toMatchObject({ available: false, reason: 'sysctl', errno: -1 })
      expect(seen.message).toBe(
        'io_uring is disabled for every process on this host (sysctl kernel.io_uring_disabled = 2); enable it with `sysctl -w kernel.io_uring_disabled=0` (or 1: root and one group only)',
      )
    })
  })
})

describe('RLIMIT_MEMLOCK', () => {
  const dropIpcLock = (bytes: number) => ['setpriv', '--inh-caps=-ipc_lock', '--bounding-set=-ipc_lock', 'prlimit', `--memlock=${bytes}`]
  const memlockTest = it.skipIf(!here.available || !canDropIpcLock)

  memlockTest('a limit below the smallest ring is reported with its value', () => {
    const seen = child(dropIpcLock(4096), REPORT)
    expect(seen).toMatchObject({ available: false, reason: 'memlock', errno: -12 })
    expect(seen.message).toBe(
      "io_uring's rings count against RLIMIT_MEMLOCK for a process without CAP_IPC_LOCK, and this process's limit (4 KiB) is less than the smallest ring needs; " +
        'raise it (ulimit -l, LimitMEMLOCK= in a systemd unit, docker run --ulimit memlock=...) or give the process CAP_IPC_LOCK',
    )
  })

  memlockTest('ENOMEM from a ring too big for the limit becomes ERR_IOURING_UNAVAILABLE naming the limit; with CAP_IPC_LOCK it stays ENOMEM', () => {
    const seen = child<{ big: number; availability: boolean; small: string; err: object }>(dropIpcLock(65536), `
      const native = require('@iouring/native')
      const big = native.setup({ entries: 4096 }, () => {})
      const err = native.setupError(big)
      const small = native.setup({ entries: 8 }, () => {})
      if (typeof small !== 'number') native.close(small.handle)
      console.log(JSON.stringify({ big, availability: native.availability().available, small: typeof small, err: { code: err.code, reason: err.reason, errno: err.errno, message: err.message } }))`)
    expect(seen).toMatchObject({ big: -12, availability: true, small: 'object' })
    expect(seen.err).toEqual({
      code: 'ERR_IOURING_UNAVAILABLE',
      reason: 'memlock',
      errno: -12,
      message:
        "io_uring_setup fails with ENOMEM: a ring's memory counts against RLIMIT_MEMLOCK for a process without CAP_IPC_LOCK, and this process's limit is 64 KiB; " +
        'raise it (ulimit -l, LimitMEMLOCK= in a systemd unit, docker run --ulimit memlock=...) or give the process CAP_IPC_LOCK, or ask for a smaller ring',
    })
    // This process has CAP_IPC_LOCK: ENOMEM there is memory itself.
    expect(native.setupError(-12)).toMatchObject({ code: 'ENOMEM', errno: -12, syscall: 'io_uring_setup' })
  })
})

describe('setupError()', () => {
  it('leaves what is not a denial a system error', () => {
    expect(native.setupError(-22)).toMatchObject({ code: 'EINVAL', errno: -22, syscall: 'io_uring_setup' })
    expect(native.setupError(-24)).toMatchObject({ code: 'EMFILE', errno: -24, syscall: 'io_uring_setup' })
  })
})

describe('loading where io_uring is denied', () => {
  for (const errno of ['EPERM', 'ENOSYS']) {
    it(`require and import both load under a filter answering ${errno}, and the process lives on`, () => {
      const result = spawnSync(
        denyIoUring,
        [`--errno=${errno}`, process.execPath, '--input-type=module', '-e', `
          import { createRequire } from 'node:module'
          const required = createRequire(process.cwd() + '/')('@iouring/native')
          let imported
          try { imported = await import('@iouring/native') } catch (err) { imported = err }
          console.log(JSON.stringify({ required: required.availability().reason, imported: imported.availability?.().reason ?? String(imported) }))`],
        { cwd: packageDir, encoding: 'utf8', timeout: 20_000 },
      )
      expect(result.stderr).toBe('')
      expect(result.status).toBe(0)
      expect(JSON.parse(result.stdout)).toEqual({ required: 'seccomp', imported: 'seccomp' })
    })
  }
})

describe('a package whose addon is not there (no prebuild fits, none was built)', () => {
  it('loads, says why in availability(), and every addon function refuses with that reason', () => {
    // This package's JavaScript, without build/ or prebuilds/, next to node-gyp-build.
    const copy = mkdtempSync(join(tmpdir(), 'iouring-native-'))
    try {
      for (const file of ['index.js', 'availability.js', 'errno.js', 'package.json']) copyFileSync(join(packageDir, file), join(copy, file))
      mkdirSync(join(copy, 'node_modules'))
      symlinkSync(dirname(require.resolve('node-gyp-build/package.json', { paths: [packageDir] })), join(copy, 'node_modules', 'node-gyp-build'))
      const result = spawnSync(process.execPath, ['-e', `
        const native = require('.')
        let refused
        try { native.setup({ entries: 2 }, () => {}) } catch (err) { refused = { code: err.code, reason: err.reason } }
        console.log(JSON.stringify({ availability: native.availability(), refused, error: native.systemError(-2, 'open').code }))
      `], { cwd: copy, encoding: 'utf8', timeout: 20_000 })
      expect(result.stderr).toBe('')
      const seen = JSON.parse(result.stdout)
      expect(seen.availability).toMatchObject({ available: false, reason: 'addon', errno: 0 })
      expect(seen.availability.message).toMatch(/could not be loaded .*npm rebuild @iouring\/native/)
      expect(seen.refused).toEqual({ code: 'ERR_IOURING_UNAVAILABLE', reason: 'addon' })
      expect(seen.error).toBe('ENOENT') // what needs no addon still works
    } finally {
      rmSync(copy, { recursive: true, force: true })
    }
  })
})
