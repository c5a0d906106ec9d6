import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join, relative } from 'node:path'
import { promisify } from 'node:util'
import { expect, it } from 'vitest'

const run = promisify(execFile)
const fixture = join(import.meta.dirname, 'fixtures', 'blocking')
const vitest = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs')

it('kills a test process whose test blocks its thread; the summary counts its tests as failed', async () => {
  // A workspace of one package, whose report the fixture run writes.
  const root = mkdtempSync(join(tmpdir(), 'iouring-watchdog-'))
  try {
    writeFileSync(join(root, 'pnpm-workspace.yaml'), 'packages:\n  - packages/*\n')
    mkdirSync(join(root, 'packages', 'blocking'), { recursive: true })
    writeFileSync(join(root, 'packages', 'blocking', 'package.json'), '{ "scripts": { "test": "vitest run" } }\n')
    const report = join(root, 'packages', 'blocking', '.vitest', 'report.json')
    const failure = await run(process.execPath, [vitest, 'run', '--root', fixture, `--outputFile.json=${report}`]).catch((err) => err)
    expect(failure.code).toBe(1)
    expect(failure.stderr).toContain('watchdog: "blocks its thread" ran past its timeout plus 300 ms')
    const summary = await run(process.execPath, [join(import.meta.dirname, '..', 'test-summary.mjs'), root])
    // Results reach vitest in batches: a killed file may not have reported even the test that passed.
    const lines = summary.stdout.trim().split('\n')
    const lost = (test) => `${relative(root, join(fixture, 'blocked.fixture.mjs'))}: no result for "${test}" (its test process died)`
    expect(lines).toContain(lost('blocks its thread'))
    expect(lines).toContain(lost('comes after the blocked test'))
    const [, passed, failed, skipped] = /^tests: (\d+) passed, (\d+) failed, (\d+) skipped$/.exec(lines.at(-1)).map(Number)
    // Four tests in all, none skipped; each one without a result is a failure with its own line.
    expect([passed + failed, skipped]).toEqual([4, 0])
    expect(failed).toBe(lines.length - 1)
    expect(failed).toBeGreaterThanOrEqual(2)
  } finally {
    rmSync(root, { recursive: true, force: true })
  }
})
