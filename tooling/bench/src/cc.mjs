// Builds the bench's C programs (c/<name>.c) with the system C compiler on first use, into one
// temporary directory that is removed when this process exits (or by removeBuilds()).
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const built = new Map()
let dir

/**
 * `cc -O2 -Wall -Wextra -o <binary> c/<name>.c ...libs`, once per process: `{ binary }`, or
 * `{ reason }` saying why it cannot be built here (and which Debian package would help).
 */
export function compileC(name, libs = []) {
  if (!built.has(name)) built.set(name, build(name, libs))
  return built.get(name)
}

function build(name, libs) {
  const source = fileURLToPath(new URL(`../c/${name}.c`, import.meta.url))
  if (dir === undefined) {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iouring-bench-c-'))
    process.once('exit', removeBuilds)
  }
  const binary = path.join(dir, name)
  try {
    execFileSync('cc', ['-O2', '-Wall', '-Wextra', '-o', binary, source, ...libs], { stdio: ['ignore', 'ignore', 'pipe'] })
    return { binary }
  } catch (err) {
    if (err.code === 'ENOENT') return { reason: 'no C compiler (cc); on Debian/Ubuntu: apt-get install gcc' }
    const stderr = String(err.stderr ?? err.message).trim()
    if (stderr.includes('liburing.h')) return { reason: 'no <liburing.h>; on Debian/Ubuntu: apt-get install liburing-dev' }
    return { reason: `cc ${source} ${libs.join(' ')} failed: ${stderr}` }
  }
}

/** Removes every program built so far; the next compileC builds again. */
export function removeBuilds() {
  if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true })
  dir = undefined
  built.clear()
}
