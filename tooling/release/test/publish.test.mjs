// A release, rehearsed in a copy of the workspace: `changeset version` bumps
// what the pending changesets name and what depends on it, then
// `pnpm -r publish --dry-run` packs and would publish every package, against
// a stand-in registry that has published nothing (and would record a publish).
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs'
import { createServer } from 'node:http'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { managers, run, workspace } from '../src/run.mjs'

const scratch = inject('scratch')
const copy = join(scratch, 'workspace')
const { pnpm } = managers()

/** Every workspace package in `dir`: name -> { manifest, dir }. */
function workspacePackages(dir) {
  const found = new Map()
  for (const group of ['packages', 'tooling', 'examples']) {
    const base = join(dir, group)
    const dirs = existsSync(join(base, 'package.json')) ? [base] : readdirSync(base).map((name) => join(base, name))
    for (const packageDir of dirs) {
      if (!existsSync(join(packageDir, 'package.json'))) continue
      const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'))
      found.set(manifest.name, { manifest, dir: packageDir })
    }
  }
  return found
}

/** The bumps the pending changesets ask for: package name -> the kinds named. */
function pendingBumps(dir) {
  const bumps = new Map()
  for (const file of readdirSync(join(dir, '.changeset')).filter((name) => name.endsWith('.md') && name !== 'README.md')) {
    const front = readFileSync(join(dir, '.changeset', file), 'utf8').split(/^---$/m)[1]
    for (const [, name, kind] of front.matchAll(/^\s*["']([^"']+)["']\s*:\s*(major|minor|patch)\s*$/gm)) {
      bumps.set(name, [...(bumps.get(name) ?? []), kind])
    }
  }
  return bumps
}

/** The prebuilds @iouring/native's release needs that this machine has not made (their compilers are missing). */
function missingPrebuilds() {
  const { TARGETS, prebuildPath } = createRequire(import.meta.url)(join(workspace, 'packages', 'native', 'scripts', 'prebuild.js'))
  return TARGETS.map(prebuildPath).filter((file) => !existsSync(join(workspace, 'packages', 'native', file)))
}

const pnpmRun = (args) => run(process.execPath, [pnpm, ...args], { cwd: copy, timeout: 180_000 })

let before
let bumps
let after
beforeAll(async () => {
  mkdirSync(copy)
  const excluded = ['node_modules', '.git', '.turbo', '.vitest', 'build', 'bench-results', 'coverage'].map((name) => `--exclude=${name}`)
  await run('/bin/sh', ['-c', `tar -C "$0" ${excluded.join(' ')} -c . | tar -C "$1" -x`, workspace, copy])
  before = workspacePackages(copy)
  bumps = pendingBumps(copy)
  await pnpmRun(['install', '--offline', '--frozen-lockfile'])
  await pnpmRun(['exec', 'changeset', 'version'])
  after = workspacePackages(copy)
}, 240_000)

const published = () => [...before].filter(([, { manifest }]) => !manifest.private).map(([name]) => name)

describe('changeset version', () => {
  it('consumes every pending changeset', () => {
    expect(bumps.size).toBeGreaterThan(0)
    expect(pendingBumps(copy).size).toBe(0)
  })

  it('bumps each package a changeset names by the largest bump it asks for', () => {
    const order = ['patch', 'minor', 'major']
    for (const [name, kinds] of bumps) {
      const kind = order[Math.max(...kinds.map((k) => order.indexOf(k)))]
      const [major, minor, patch] = before.get(name).manifest.version.split('.').map(Number)
      const expected = { major: `${major + 1}.0.0`, minor: `${major}.${minor + 1}.0`, patch: `${major}.${minor}.${patch + 1}` }[kind]
      expect(after.get(name).manifest.version, name).toBe(expected)
    }
  })

  it('bumps every package that depends on a bumped one, and keeps its dependencies on the workspace', () => {
    // Published dependencies on @iouring packages are exact versions
    // (workspace:*), so a package must be released again to use its
    // dependencies' new versions.
    for (const name of published()) {
      const { manifest } = after.get(name)
      for (const [dependency, range] of Object.entries(manifest.dependencies ?? {})) {
        if (!dependency.startsWith('@iouring/')) continue
        expect(range, `${name} -> ${dependency}`).toBe('workspace:*')
        if (after.get(dependency).manifest.version !== before.get(dependency).manifest.version) {
          expect(manifest.version, `${name}, which depends on ${dependency}`).not.toBe(before.get(name).manifest.version)
        }
      }
    }
  })

  it('writes each new version into its package CHANGELOG.md', () => {
    for (const name of published()) {
      const { manifest, dir } = after.get(name)
      if (manifest.version === before.get(name).manifest.version) continue
      expect(readFileSync(join(dir, 'CHANGELOG.md'), 'utf8')).toContain(`\n## ${manifest.version}\n`)
    }
  })

  it('leaves the private packages (tooling, examples) alone', () => {
    for (const [name, { manifest, dir }] of before) {
      if (!manifest.private) continue
      expect(after.get(name).manifest.version, name).toBe(manifest.version)
      expect(existsSync(join(dir, 'CHANGELOG.md')), name).toBe(false)
    }
  })
})

describe('pnpm -r publish --dry-run', () => {
  const requests = []
  const registry = createServer((req, res) => {
    requests.push(`${req.method} ${decodeURIComponent(req.url)}`)
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"Not found"}')
  })
  beforeAll(() => new Promise((resolve) => registry.listen(0, '127.0.0.1', resolve)))
  afterAll(() => new Promise((resolve) => registry.close(resolve)))

  // prepublishOnly refuses @iouring/native without all three prebuilds. A
  // machine without the cross compilers (a fresh CI machine) has the host's
  // only: there the refusal is what is checked, and the rest of the release
  // is rehearsed without the package scripts.
  const complete = missingPrebuilds().length === 0
  if (!complete) console.log(`publish rehearsed with --ignore-scripts: ${missingPrebuilds().join(', ')} not built here`)

  it.skipIf(complete)("refuses to publish @iouring/native without every prebuild (its prepublishOnly check)", async () => {
    const url = `http://127.0.0.1:${registry.address().port}/`
    const refused = await pnpmRun(['--filter', '@iouring/native', 'publish', '--dry-run', '--no-git-checks', `--registry=${url}`]).then(() => undefined, (err) => err)
    expect(refused).toBeInstanceOf(Error)
    for (const file of missingPrebuilds()) expect(String(refused.message)).toContain(`${file}: missing`)
  })

  it('would publish every package at its new version, and sends the registry nothing', async () => {
    const url = `http://127.0.0.1:${registry.address().port}/`
    await pnpmRun(['-r', 'publish', '--dry-run', '--no-git-checks', `--registry=${url}`, '--report-summary', ...(complete ? [] : ['--ignore-scripts'])])
    const summary = JSON.parse(readFileSync(join(copy, 'pnpm-publish-summary.json'), 'utf8'))
    const expected = published().map((name) => ({ name, version: after.get(name).manifest.version }))
    expect(summary.publishedPackages.map(({ name, version }) => ({ name, version }))).toEqual(expect.arrayContaining(expected))
    expect(summary.publishedPackages).toHaveLength(expected.length)
    // pnpm asks which versions exist; nothing is ever sent (PUT) to a registry.
    expect(requests.length).toBeGreaterThan(0)
    expect(requests.filter((request) => !request.startsWith('GET '))).toEqual([])
  })
})
