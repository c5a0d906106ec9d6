// Child processes for tests that change what a process may do (deny-io-uring,
// setarch, prlimit): an ES module body run by this Node.js behind a wrapper;
// and ringsChargeMemlock(), which asks the kernel how it accounts ring memory.
import { spawnSync } from 'node:child_process'
import { TEST_TIMEOUT_MS } from './timeouts.mjs'

/**
 * Runs `script` (an ES module body) with this Node.js behind `wrapper`, in
 * `cwd`, with `env` added to this process's environment: its exit status,
 * stderr, and the last line it printed, parsed as JSON.
 */
export function runModule(wrapper, script, { cwd, env = {}, timeout = TEST_TIMEOUT_MS } = {}) {
  const [command, ...args] = [...wrapper, process.execPath, '--input-type=module', '-e', script]
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', timeout, env: { ...process.env, ...env } })
  const last = (result.stdout ?? '').trim().split('\n').pop()
  return { status: result.status, stderr: result.stderr, seen: last ? JSON.parse(last) : undefined }
}

/** The lines of `stderr` that print a process warning with `code`. */
export function warningLines(stderr, code) {
  return stderr.split('\n').filter((line) => line.includes(`[${code}] Warning:`))
}

/**
 * Whether this kernel charges ring memory to RLIMIT_MEMLOCK, asked of it: a
 * child without CAP_IPC_LOCK under a 64 KiB limit tries a 4096-entry ring
 * through the @iouring/native that `cwd` resolves. Linux up to 5.11 charged
 * rings, 5.12 stopped (registered buffers alone count; 6.1 is such a kernel),
 * and recent kernels (6.18) charge them again. False where util-linux's
 * setpriv and prlimit cannot drop the capability (not root).
 */
export function ringsChargeMemlock(cwd) {
  const dropIpcLock = ['setpriv', '--inh-caps=-ipc_lock', '--bounding-set=-ipc_lock', 'prlimit', '--memlock=65536']
  const script = `process.exit(typeof require('@iouring/native').setup({ entries: 4096 }, () => {}) === 'number' ? 0 : 1)`
  return spawnSync(dropIpcLock[0], [...dropIpcLock.slice(1), process.execPath, '-e', script], { cwd, timeout: TEST_TIMEOUT_MS }).status === 0
}
