// Running package managers and programs for the release checks: with a time
// limit, with the output in the error when they fail, and in a sandbox
// whose PATH holds node and sh and nothing else (no cc, make or python).
import { execFile } from 'node:child_process'
import { accessSync, constants, mkdirSync, realpathSync, symlinkSync } from 'node:fs'
import { delimiter, join, resolve } from 'node:path'
import { promisify } from 'node:util'

export const workspace = resolve(import.meta.dirname, '..', '..', '..')

const execFileAsync = promisify(execFile)

/**
 * Runs `file args` and resolves to its stdout. A failure (exit status,
 * signal, or `timeout` ms passed) rejects with the command and its output.
 */
export async function run(file, args, { cwd, env = process.env, timeout = 120_000 } = {}) {
  try {
    const { stdout } = await execFileAsync(file, args, { cwd, env, timeout, killSignal: 'SIGKILL', maxBuffer: 64 << 20 })
    return stdout
  } catch (err) {
    throw new Error(`${[file, ...args].join(' ')} (in ${cwd}) failed: ${err.signal ?? `exit ${err.code}`}\n${err.stdout}\n${err.stderr}`)
  }
}

/** The first `name` on the PATH this process has. */
export function which(name) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    try {
      accessSync(join(dir, name), constants.X_OK)
      return join(dir, name)
    } catch {
      // not in this directory
    }
  }
  throw new Error(`${name} is not on the PATH`)
}

/** npm's and pnpm's command-line scripts, to run with node from the sandbox. */
export function managers() {
  const pnpm = process.env.npm_execpath
  if (!pnpm?.includes('pnpm')) throw new Error('run the release checks through pnpm (pnpm --filter @iouring/release check)')
  return { npm: realpathSync(which('npm')), pnpm }
}

/**
 * A sandbox under `dir`: its own HOME (so no user's .npmrc applies) and a
 * PATH of one directory holding node and sh (package managers run scripts
 * with sh). Returns the environment to run commands in; nothing else of this
 * process's environment (npm_config_*, CC, ...) is passed on.
 */
export function sandbox(dir) {
  const bin = join(dir, 'bin')
  mkdirSync(bin, { recursive: true })
  mkdirSync(join(dir, 'home'), { recursive: true })
  symlinkSync(process.execPath, join(bin, 'node'))
  symlinkSync(realpathSync('/bin/sh'), join(bin, 'sh'))
  return { PATH: bin, HOME: join(dir, 'home'), LANG: 'C.UTF-8' }
}
