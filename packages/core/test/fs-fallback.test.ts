// @iouring/core/fs where io_uring is unavailable: node:fs/promises, with the
// same results and errors and one IOURING_FS_FALLBACK warning per thread;
// IOURING_STRICT=1 rejects with ERR_IOURING_UNAVAILABLE instead. The denials
// are real: children under deny-io-uring (tooling/seccomp) or a small
// RLIMIT_MEMLOCK, and this process itself in CI's denial step.
import { spawnSync } from 'node:child_process'
import { chmodSync, writeFileSync } from 'node:fs'
import * as fsp from 'node:fs/promises'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { denyIoUring } from '@iouring/seccomp'
import { ringsChargeMemlock, runModule, warningLines } from '@iouring/tooling/child'
import { availability, type Availability } from '@iouring/core'
import * as ours from '@iouring/core/fs'
import { runCases, type CaseResult } from './fixtures/fs-outcomes.mjs'
import { tempDir } from './helpers.js'

const packageDir = new URL('..', import.meta.url).pathname
const outcomesModule = new URL('./fixtures/fs-outcomes.mjs', import.meta.url).href
const here = availability()
const nodeHasMkdtempDisposable = typeof (fsp as { mkdtempDisposable?: unknown }).mkdtempDisposable === 'function'
let dir: string
let cleanup: () => void

beforeAll(() => ({ dir, cleanup } = tempDir()))
afterAll(() => cleanup())

const fallbackMessage = (reason: string) => `@iouring/core/fs runs on node:fs/promises: ${reason}. IOURING_STRICT=1 makes it throw ERR_IOURING_UNAVAILABLE instead`

/** Runs an ES module body with `node` behind `wrapper`, which must succeed: what it printed last, parsed, and its stderr. */
function child<T>(wrapper: string[], script: string, env: Record<string, string> = {}): { seen: T; stderr: string } {
  const { status, stderr, seen } = runModule(wrapper, script, { cwd: packageDir, env })
  expect(status, stderr).toBe(0)
  return { seen: seen as T, stderr }
}

/** Every case's outcome and files, ours beside node:fs/promises's; and that the cases did real work. */
function expectSameAsNode(mine: CaseResult[], theirs: CaseResult[]): void {
  expect(mine.map((result) => result.label)).toEqual(theirs.map((result) => result.label))
  for (let i = 0; i < theirs.length; i++) {
    // node:fs/promises has mkdtempDisposable from Node.js 24 on, the facade on every version (checked below).
    if (theirs[i].label === 'mkdtempDisposable' && !nodeHasMkdtempDisposable) continue
    expect.soft(mine[i]).toEqual(theirs[i])
  }
  const byLabel = new Map(mine.map((result) => [result.label, result]))
  expect(byLabel.get('readFile utf8')!.outcome).toEqual({ resolved: '0123456789' })
  expect(byLabel.get('open, read, write, stat, readFile, close')!.outcome).toEqual({ resolved: [4, '2345', 2, 10, 'ab23456789'] })
  expect(byLabel.get('readFile of a missing file')!.outcome).toMatchObject({ rejected: { code: 'ENOENT', syscall: 'open' } })
  expect(byLabel.get('readFile(null)')!.outcome).toMatchObject({ rejected: { code: 'ERR_INVALID_ARG_TYPE' } })
  expect(byLabel.get('mkdtempDisposable')!.outcome).toEqual({ resolved: [true, false] })
}

/** The script a child runs: every case through @iouring/core/fs and node:fs/promises, the warnings, and what open() resolved to. */
const COMPARE = (workDir: string) => `
  import * as fsp from 'node:fs/promises'
  import * as ours from '@iouring/core/fs'
  import { availability } from '@iouring/core'
  import { runCases } from ${JSON.stringify(outcomesModule)}
  const warnings = []
  process.on('warning', (w) => warnings.push({ name: w.name, code: w.code, message: w.message }))
  const dir = ${JSON.stringify(workDir)}
  const mine = await runCases(ours, dir)
  const theirs = await runCases(fsp, dir)
  const [handle, nodeHandle] = [await ours.open(dir + '/file'), await fsp.open(dir + '/file')]
  const handleFacts = { nodeClass: Object.getPrototypeOf(handle) === Object.getPrototypeOf(nodeHandle), oursClass: handle instanceof ours.FileHandle }
  await handle.close()
  await nodeHandle.close()
  await new Promise((resolve) => setImmediate(resolve))
  console.log(JSON.stringify({ mine, theirs, warnings, handleFacts, availability: availability() }))`

type Compared = {
  mine: CaseResult[]
  theirs: CaseResult[]
  warnings: { name: string; code: string; message: string }[]
  handleFacts: { nodeClass: boolean; oursClass: boolean }
  availability: Availability
}

describe('where a seccomp filter denies io_uring (a child under deny-io-uring)', () => {
  for (const errno of ['EPERM', 'ENOSYS']) {
    it(`(${errno}) every function gives node:fs/promises's result or error, open() its FileHandle, and one IOURING_FS_FALLBACK warning says why`, () => {
      const { seen, stderr } = child<Compared>([denyIoUring, `--errno=${errno}`], COMPARE(join(dir, `compare-${errno}`)))
      expect(seen.availability).toMatchObject({ available: false, reason: 'seccomp' })
      expectSameAsNode(seen.mine, seen.theirs)
      expect(seen.handleFacts).toEqual({ nodeClass: true, oursClass: false })
      expect(seen.warnings).toEqual([{ name: 'Warning', code: 'IOURING_FS_FALLBACK', message: fallbackMessage(seen.availability.message) }])
      expect(warningLines(stderr, 'IOURING_FS_FALLBACK')).toHaveLength(1)
    })
  }

  it('IOURING_STRICT=1: what would use the ring rejects with ERR_IOURING_UNAVAILABLE (never a synchronous throw); node:fs/promises\'s own functions still work; no warning', () => {
    const work = join(dir, 'strict')
    const { seen, stderr } = child<{ outcomes: Record<string, unknown>; availability: Availability }>([denyIoUring, '--errno=EPERM'], `
      import { mkdirSync, writeFileSync } from 'node:fs'
      import * as ours from '@iouring/core/fs'
      import { availability } from '@iouring/core'
      import { outcome } from ${JSON.stringify(outcomesModule)}
      const dir = ${JSON.stringify(work)}
      mkdirSync(dir)
      writeFileSync(dir + '/file', 'data')
      process.on('warning', (w) => console.log(JSON.stringify({ warning: w.code })))
      const outcomes = {}
      for (const [name, call] of Object.entries({
        readFile: () => ours.readFile(dir + '/file', 'utf8'),
        open: () => ours.open(dir + '/file'),
        stat: () => ours.stat(dir + '/file'),
        mkdir: () => ours.mkdir(dir + '/sub'),
        readFileAgain: () => ours.readFile(dir + '/file', 'utf8'),
        readdir: () => ours.readdir(dir),
      })) outcomes[name] = await outcome(call)
      await new Promise((resolve) => setImmediate(resolve))
      console.log(JSON.stringify({ outcomes, availability: availability() }))`, { IOURING_STRICT: '1' })
    const unavailable = { rejected: { class: 'Error', code: 'ERR_IOURING_UNAVAILABLE', name: 'Error', message: seen.availability.message, syscall: 'io_uring_setup', errno: -1 } }
    expect(seen.outcomes).toEqual({ readFile: unavailable, open: unavailable, stat: unavailable, mkdir: unavailable, readFileAgain: unavailable, readdir: { resolved: ['file'] } })
    expect(stderr).toBe('')
  })

  it('each thread decides for itself: a worker falls back and warns once too', () => {
    const file = join(dir, 'threads')
    writeFileSync(file, 'read in two threads')
    const fsPath = createRequire(import.meta.url).resolve('@iouring/core/fs')
    const { seen, stderr } = child<{ main: { texts: string[]; warnings: number }; worker: { texts: string[]; warnings: number } }>([denyIoUring], `
      import { Worker } from 'node:worker_threads'
      import { once } from 'node:events'
      import * as ours from '@iouring/core/fs'
      const readTwice = ${readTwice.toString()}
      const workerData = { fs: ${JSON.stringify(fsPath)}, file: ${JSON.stringify(file)} }
      const main = await readTwice(ours, workerData.file)
      const worker = new Worker(\`
        const { parentPort, workerData } = require('node:worker_threads')
        ;(\${readTwice.toString()})(require(workerData.fs), workerData.file).then((seen) => parentPort.postMessage(seen))\`, { eval: true, execArgv: [], workerData })
      const [[fromWorker]] = await Promise.all([once(worker, 'message'), once(worker, 'exit')])
      console.log(JSON.stringify({ main, worker: fromWorker }))`)
    const twice = { texts: ['read in two threads', 'read in two threads'], warnings: 1 }
    expect(seen).toEqual({ main: twice, worker: twice })
    expect(warningLines(stderr, 'IOURING_FS_FALLBACK')).toHaveLength(2)
  })
})

/** Reads `file` twice through `fs`; how many IOURING_FS_FALLBACK warnings this thread saw (run in children, so plain JavaScript). */
async function readTwice(fs: typeof ours, file: string): Promise<{ texts: string[]; warnings: number }> {
  let warnings = 0
  process.on('warning', (warning) => {
    if ((warning as { code?: string }).code === 'IOURING_FS_FALLBACK') warnings++
  })
  const texts = [await fs.readFile(file, 'utf8'), await fs.readFile(file, 'utf8')]
  await new Promise((resolve) => setImmediate(resolve))
  return { texts, warnings }
}

describe('where no ring fits RLIMIT_MEMLOCK though availability() says yes', () => {
  // A user of its own, so that no other process's rings count against the
  // limit (the kernel counts a user's locked memory across its processes).
  const asLimitedUser = ['setpriv', '--reuid=64123', '--regid=64123', '--clear-groups', 'prlimit', '--memlock=65536']
  const usable = here.available && spawnSync(asLimitedUser[0], [...asLimitedUser.slice(1), 'true']).status === 0
  if (here.available && !usable) console.warn('the memlock fallback test is skipped: it needs util-linux setpriv/prlimit run as root, to become a user without CAP_IPC_LOCK')
  const ringsCharged = usable && ringsChargeMemlock(packageDir)
  if (usable && !ringsCharged) console.warn('the memlock fallback test is skipped: this kernel does not charge ring memory to RLIMIT_MEMLOCK (5.12 stopped; 6.18 does again)')

  it.skipIf(!ringsCharged)('rings that use up 64 KiB leave defaultRing() nothing: readFile falls back, and the warning names the limit', () => {
    const work = join(dir, 'memlock')
    chmodSync(dir, 0o755)
    writeFileSync(work, 'read once the limit is used up', { mode: 0o644 })
    const { seen, stderr } = child<{ held: number; availability: Availability; text: string; warnings: { code: string; message: string }[] }>(asLimitedUser, `
      import { IoUring, availability } from '@iouring/core'
      import { readFile } from '@iouring/core/fs'
      const warnings = []
      process.on('warning', (w) => warnings.push({ code: w.code, message: w.message }))
      const held = []
      for (;;) {
        try {
          held.push(new IoUring({ entries: 16, cqEntries: 64 }))
        } catch (err) {
          if (err.reason !== 'memlock') throw err
          break
        }
      }
      const text = await readFile(${JSON.stringify(work)}, 'utf8')
      await new Promise((resolve) => setImmediate(resolve))
      console.log(JSON.stringify({ held: held.length, availability: availability(), text, warnings }))`)
    expect(seen.held).toBeGreaterThan(0)
    expect(seen.availability.available).toBe(true)
    expect(seen.text).toBe('read once the limit is used up')
    expect(seen.warnings).toHaveLength(1)
    expect(seen.warnings[0].code).toBe('IOURING_FS_FALLBACK')
    expect(seen.warnings[0].message).toMatch(/^@iouring\/core\/fs runs on node:fs\/promises: io_uring_setup fails with ENOMEM: .*RLIMIT_MEMLOCK.*this process's limit is 64 KiB/)
    expect(warningLines(stderr, 'IOURING_FS_FALLBACK')).toHaveLength(1)
  })
})

describe('in this process', () => {
  if (here.available) console.log('the in-process fallback test runs where io_uring is unavailable (CI runs the suite once under deny-io-uring); here the children above show the fallback')

  it.skipIf(here.available)("where this process has no io_uring: node:fs/promises's results and errors, and one warning", async () => {
    const warnings: { code?: string; message: string }[] = []
    const collect = (warning: Error & { code?: string }) => warnings.push({ code: warning.code, message: warning.message })
    process.on('warning', collect)
    try {
      const work = join(dir, 'in-process')
      expectSameAsNode(await runCases(ours, work), await runCases(fsp, work))
      await new Promise((resolve) => setImmediate(resolve))
    } finally {
      process.off('warning', collect)
    }
    expect(warnings.filter((warning) => warning.code === 'IOURING_FS_FALLBACK')).toEqual([{ code: 'IOURING_FS_FALLBACK', message: fallbackMessage(here.message) }])
  })
})
