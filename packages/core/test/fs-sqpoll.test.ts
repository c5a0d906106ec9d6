// @module-tag ring
// IOURING_FS_SQPOLL=<ms>: the facade's hand-offs to io-wq go through a
// polling ring of the thread. Each case runs fixtures/sqpoll-child.mjs in a
// child process with its own environment, since the choice is made once per
// thread.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { TEST_TIMEOUT_MS } from '@iouring/tooling/timeouts'
import { kernelAtLeast } from '@iouring/register'
import { tempDirPerTest } from './helpers.js'

const at = tempDirPerTest()
const child = fileURLToPath(new URL('./fixtures/sqpoll-child.mjs', import.meta.url))
const isRoot = process.getuid!() === 0
const polls = kernelAtLeast('6.0')
if (!polls) console.warn('IOURING_FS_SQPOLL is off before Linux 6.0: the cases check that the facade works the same without a polling ring')

interface ChildReport {
  files: unknown[][]
  sqpollThreads: number
  fifo: string
  asNobody?: { readSecret: string; nodeReadSecret: string; overwriteSecret: string; owner: number; bytes: boolean }
}

/** Runs the child with IOURING_FS_SQPOLL set to `value` (or unset); its report and stderr. */
function runChild(value: string | undefined): { report: ChildReport; stderr: string } {
  const env = { ...process.env }
  delete env.IOURING_FS_SQPOLL
  if (value !== undefined) env.IOURING_FS_SQPOLL = value
  // tmpfs, where every read and write of the facade waits in an io-wq worker.
  const shm = existsSync('/dev/shm') ? mkdtempSync('/dev/shm/iouring-sqpoll-') : undefined
  try {
    const dirs = [at(), ...(shm === undefined ? [] : [shm])]
    const result = spawnSync(process.execPath, [child, at(), ...dirs], { encoding: 'utf8', env, timeout: TEST_TIMEOUT_MS })
    expect(result.status, result.stderr).toBe(0)
    return { report: JSON.parse(result.stdout.trim().split('\n').pop()!) as ChildReport, stderr: result.stderr }
  } finally {
    if (shm !== undefined) rmSync(shm, { recursive: true, force: true })
  }
}

function expectSameFiles(report: ChildReport): void {
  for (const entry of report.files) {
    const [name, ...sides] = entry
    if (name === 'appended') expect(sides).toEqual(['one two', 'one two'])
    else if (name === 'missing') expect(sides).toEqual(['ENOENT open', 'ENOENT open'])
    else expect(sides, String(name)).toEqual([true, true])
  }
}

describe('IOURING_FS_SQPOLL', () => {
  it('=10: files written and read through a polling ring (one SQPOLL thread) are what node:fs reads, errors are node:fs\'s, and an abort cancels a waiting read', () => {
    const { report, stderr } = runChild('10')
    expect(stderr).toBe('')
    expectSameFiles(report)
    expect(report.sqpollThreads).toBe(polls ? 1 : 0)
    expect(report.fifo).toBe('AbortError ABORT_ERR')
  })

  it('unset: the same results, and no SQPOLL thread', () => {
    const { report, stderr } = runChild(undefined)
    expect(stderr).toBe('')
    expectSameFiles(report)
    expect(report.sqpollThreads).toBe(0)
    expect(report.fifo).toBe('AbortError ABORT_ERR')
  })

  it('=fast (not a number of milliseconds): one warning, and the facade works without a polling ring', () => {
    const { report, stderr } = runChild('fast')
    expect(stderr).toContain('[IOURING_FS_SQPOLL] Warning: IOURING_FS_SQPOLL=fast is not a number of milliseconds from 1 to 60000; it is ignored')
    expect(stderr.match(/IOURING_FS_SQPOLL\]/g)).toHaveLength(1)
    expectSameFiles(report)
    expect(report.sqpollThreads).toBe(0)
  })

  // The polling ring's kernel thread keeps the credentials it was made with;
  // after process.setuid() the facade lets it go and acts as the new user.
  it.skipIf(!isRoot)('after process.setgid(65534) and process.setuid(65534): files are created as nobody, and a root-only file is refused as node:fs refuses it', () => {
    const { report } = runChild('10')
    expect(report.asNobody).toEqual({ readSecret: 'EACCES', nodeReadSecret: 'EACCES', overwriteSecret: 'EACCES', owner: 65534, bytes: true })
  })
  if (!isRoot) console.warn('the setuid case is skipped: it needs root, to drop to uid 65534 in a child process')
})
