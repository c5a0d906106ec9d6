// Child processes for tests that change what a process may do (deny-io-uring,
// setarch, prlimit): an ES module body run by this Node.js behind a wrapper.
import { spawnSync } from 'node:child_process'

/**
 * Runs `script` (an ES module body) with this Node.js behind `wrapper`, in
 * `cwd`, with `env` added to this process's environment: its exit status,
 * stderr, and the last line it printed, parsed as JSON.
 */
export function runModule(wrapper, script, { cwd, env = {}, timeout = 30_000 } = {}) {
  const [command, ...args] = [...wrapper, process.execPath, '--input-type=module', '-e', script]
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', timeout, env: { ...process.env, ...env } })
  const last = (result.stdout ?? '').trim().split('\n').pop()
  return { status: result.status, stderr: result.stderr, seen: last ? JSON.parse(last) : undefined }
}

/** The lines of `stderr` that print a process warning with `code`. */
export function warningLines(stderr, code) {
  return stderr.split('\n').filter((line) => line.includes(`[${code}] Warning:`))
}
