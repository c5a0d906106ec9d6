// vitest globalSetup: packs every published package with `pnpm pack`, as
// `pnpm publish` would, into one directory the test files share, with
// node-gyp-build (the one third-party dependency) packed from the copy the
// workspace installed, so installing from the tarballs needs no registry.
import { mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { managers, run, workspace } from './run.mjs'

/** The workspace's published packages: `{ name, version, dir, dependencies }` for each packages/* not private. */
export function publishedPackages() {
  return readdirSync(join(workspace, 'packages'))
    .map((dir) => ({ dir: join(workspace, 'packages', dir), manifest: JSON.parse(readFileSync(join(workspace, 'packages', dir, 'package.json'), 'utf8')) }))
    .filter(({ manifest }) => !manifest.private)
    .map(({ dir, manifest }) => ({ name: manifest.name, version: manifest.version, dir, dependencies: Object.keys(manifest.dependencies ?? {}) }))
}

/** `name` and everything it depends on, transitively, as the workspace declares it. */
export function dependencyClosure(name) {
  const packages = new Map(publishedPackages().map((pkg) => [pkg.name, pkg]))
  const found = new Set()
  const visit = (current) => {
    if (found.has(current)) return
    found.add(current)
    for (const dependency of packages.get(current)?.dependencies ?? []) visit(dependency)
  }
  visit(name)
  return [...found]
}

export default async function setup({ provide }) {
  const { npm, pnpm } = managers()
  const dir = mkdtempSync(join(tmpdir(), 'iouring-release-'))
  const tarballs = {}
  for (const { name, dir: packageDir } of publishedPackages()) {
    const out = await run(process.execPath, [pnpm, 'pack', '--pack-destination', dir], { cwd: packageDir })
    tarballs[name] = out.trim().split('\n').at(-1)
  }
  const nodeGypBuild = realpathSync(join(workspace, 'packages', 'native', 'node_modules', 'node-gyp-build'))
  const out = await run(process.execPath, [npm, 'pack', nodeGypBuild, '--pack-destination', dir, '--ignore-scripts'], { cwd: dir })
  tarballs['node-gyp-build'] = join(dir, out.trim().split('\n').at(-1))
  provide('tarballs', tarballs)
  provide('scratch', dir)
  return () => rmSync(dir, { recursive: true, force: true })
}
