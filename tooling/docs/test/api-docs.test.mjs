// The API reference's check: TypeDoc, with the reference's own configuration,
// fails when an export of a published package has no doc comment. Run here
// without writing the HTML, over the real packages and over a fixture with
// known gaps (which shows the check sees them).
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../../..', import.meta.url))
const config = fileURLToPath(new URL('../typedoc.json', import.meta.url))
// The same configuration over a package with known gaps (fixture/typedoc.json extends it).
const fixture = fileURLToPath(new URL('fixture/typedoc.json', import.meta.url))
// TypeDoc is the workspace root's devDependency; its exports map names no bin.
const typedoc = `${root}node_modules/typedoc/bin/typedoc`

/** TypeDoc's exit status and its warnings, one line each without colours. */
function runTypedoc(options) {
  const run = spawnSync(process.execPath, [typedoc, '--options', options, '--emit', 'none'], {
    cwd: root,
    encoding: 'utf8',
    timeout: 120_000,
  })
  if (run.error) throw run.error
  const output = `${run.stdout}${run.stderr}`.replace(/\x1b\[[0-9;]*m/g, '')
  const warnings = output.split('\n').filter((line) => line.startsWith('[warning]') && !line.startsWith('[warning] Found '))
  return { status: run.status, warnings, output }
}

describe('the API reference', () => {
  it('has a doc comment on every export of every published package', () => {
    const { status, warnings, output } = runTypedoc(config)
    expect(warnings, 'exports without a doc comment (or other TypeDoc warnings)').toEqual([])
    expect(status, output).toBe(0)
  }, 120_000)

  it('fails on an export, or a named type\'s property, without a doc comment', () => {
    const { status, warnings } = runTypedoc(fixture)
    const undocumented = warnings.map((line) => /\[warning\] (\S+) \((\w+)\)/.exec(line)?.slice(1, 3).join(' ')).sort()
    expect(undocumented).toEqual(['LONE Variable', 'Options.count Property', 'bare CallSignature'])
    expect(status).not.toBe(0)
  }, 120_000)
})
