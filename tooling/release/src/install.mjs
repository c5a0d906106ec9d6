// Installing packages from the packed tarballs into an empty project, as a
// user would from the registry, but with no registry at all: every @iouring
// package and node-gyp-build resolve to their tarballs (npm's `overrides`,
// pnpm's `pnpm.overrides`, both with file: specs, apply to transitive
// dependencies too), and the registry is an address nothing listens on, so
// anything fetched would fail the install.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { managers, run, sandbox } from './run.mjs'

export const NO_REGISTRY = 'http://127.0.0.1:9/'
const programs = join(import.meta.dirname, '..', 'programs')

/**
 * Installs `pkg` alone with `manager` ('npm' or 'pnpm') into a new project
 * under `parent`, in a sandbox with no compiler (see sandbox()), with the
 * programs beside it. `tarballs` maps package names to tarballs. Resolves to
 * `{ project, env, output }`; rejects with the install's output if it fails.
 */
export async function installFromTarballs(manager, pkg, tarballs, parent) {
  const dir = mkdtempSync(join(parent, `${manager}-${pkg.replace(/\W/g, '')}-`))
  const env = sandbox(dir)
  const project = join(dir, 'project')
  mkdirSync(project)
  const overrides = Object.fromEntries(Object.entries(tarballs).map(([name, file]) => [name, `file:${file}`]))
  const manifest = { name: 'install-check', private: true, dependencies: { [pkg]: overrides[pkg] } }
  // pnpm runs no dependency's install script unless it is allowed to: a user
  // allows '@iouring/native' by name; one from a file: tarball is allowed by
  // its dependency path (pnpm matches names only for registry versions).
  const native = `@iouring/native@file:${relative(project, tarballs['@iouring/native'])}`
  if (manager === 'npm') manifest.overrides = overrides
  else manifest.pnpm = { overrides, onlyBuiltDependencies: [native] }
  writeFileSync(join(project, 'package.json'), JSON.stringify(manifest, null, 2))
  cpSync(programs, project, { recursive: true })
  const cli = managers()[manager]
  const args = manager === 'npm'
    ? ['install', '--offline', '--no-audit', '--no-fund', '--foreground-scripts', `--cache=${join(dir, 'npm-cache')}`, `--registry=${NO_REGISTRY}`]
    : ['install', '--offline', `--store-dir=${join(dir, 'pnpm-store')}`, `--registry=${NO_REGISTRY}`, '--reporter=append-only', '--config.side-effects-cache=false']
  const output = await run(process.execPath, [cli, ...args], { cwd: project, env })
  return { project, env, output }
}

/** What a project's lockfile locked: package name -> where it was resolved from. */
export function lockedPackages(project) {
  const npmLock = join(project, 'package-lock.json')
  if (existsSync(npmLock)) {
    const { packages } = JSON.parse(readFileSync(npmLock, 'utf8'))
    return new Map(Object.entries(packages).filter(([key]) => key !== '')
      .map(([key, { resolved }]) => [key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length), resolved]))
  }
  const lock = readFileSync(join(project, 'pnpm-lock.yaml'), 'utf8')
  const section = lock.slice(lock.indexOf('\npackages:\n'), lock.indexOf('\nsnapshots:\n'))
  return new Map([...section.matchAll(/^ {2}'?((?:@[^/\s]+\/)?[^@'\s]+)@([^'\s]+?)'?:$/gm)].map((m) => [m[1], m[2]]))
}
