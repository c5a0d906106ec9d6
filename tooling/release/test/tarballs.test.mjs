// What each packed tarball holds and what its package.json says: what the
// package needs and nothing more (no tests, no build leftovers), the metadata
// a registry page shows, and internal dependencies pinned to the versions
// released with them.
import { mkdirSync, readFileSync, readdirSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { beforeAll, describe, expect, inject, it } from 'vitest'
import { publishedPackages } from '../src/pack.mjs'
import { run, workspace } from '../src/run.mjs'

const tarballs = inject('tarballs')
const scratch = inject('scratch')
const root = JSON.parse(readFileSync(join(workspace, 'package.json'), 'utf8'))
const packages = Object.keys(tarballs).filter((name) => name.startsWith('@iouring/'))

// Everything a package may ship. TypeScript packages: their two builds, the
// sources their source maps point to, the README. @iouring/native: the
// loader, the C sources and install script (to build where no prebuild
// fits), the prebuilds.
const SHIPPED = {
  typescript: /^(package\.json|README\.md|LICENSE|CHANGELOG\.md|dist\/cjs\/package\.json|dist\/(esm|cjs)\/[\w/.-]+\.(c?js|d\.c?ts)(\.map)?|src\/[\w/.-]+\.c?ts)$/,
  native: /^(package\.json|README\.md|LICENSE|CHANGELOG\.md|index\.js|index\.d\.ts|availability\.js|errno\.js|binding\.gyp|src\/\w+\.[ch]|scripts\/install\.js|prebuilds\/linux-\w+\/@iouring\+native\.(glibc|musl)\.node)$/,
}

/** Every file an `exports` map (any condition, any depth) or `main`/`types` names. */
function entryPoints(manifest) {
  const found = []
  const walk = (value) => {
    if (typeof value === 'string') found.push(value)
    else if (value && typeof value === 'object') Object.values(value).forEach(walk)
  }
  walk(manifest.exports)
  walk(manifest.main)
  walk(manifest.types)
  return [...new Set(found)].map((path) => path.replace(/^\.\//, ''))
}

const workspacePackages = new Map(publishedPackages().map((pkg) => [pkg.name, pkg]))
const contents = new Map() // name -> { dir, files, manifest } of the unpacked tarball
beforeAll(async () => {
  for (const name of packages) {
    const dir = join(scratch, 'tarballs', name, 'package')
    mkdirSync(dirname(dir), { recursive: true })
    await run('tar', ['-xzf', tarballs[name], '-C', dirname(dir)])
    const files = readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    contents.set(name, { dir, files, manifest: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) })
  }
})

it('every published package was packed', () => {
  expect(packages.sort()).toEqual([...workspacePackages.keys()].sort())
})

describe.each(packages)('%s', (name) => {
  it('ships nothing but what the package needs: no tests, no build leftovers', () => {
    const allowed = name === '@iouring/native' ? SHIPPED.native : SHIPPED.typescript
    expect(contents.get(name).files.filter((file) => !allowed.test(file))).toEqual([])
  })

  it('ships every file its exports map, main and types name, and the sources its maps point to', () => {
    const { dir, files, manifest } = contents.get(name)
    for (const path of entryPoints(manifest)) expect(files, path).toContain(path)
    for (const map of files.filter((file) => file.endsWith('.map'))) {
      const { sources } = JSON.parse(readFileSync(join(dir, map), 'utf8'))
      for (const source of sources) expect(files, `${map} -> ${source}`).toContain(join(dirname(map), source))
    }
  })

  it('has the metadata a registry shows', () => {
    const { manifest } = contents.get(name)
    expect(manifest.description).toBeTruthy()
    expect(manifest.license).toBe(root.license)
    expect(manifest.repository).toEqual({ ...root.repository, directory: relative(workspace, workspacePackages.get(name).dir) })
    expect(manifest.homepage).toBe(`${root.homepage.replace(/#readme$/, '')}/tree/main/${manifest.repository.directory}#readme`)
    expect(manifest.bugs).toBe(root.bugs)
    expect(manifest.keywords).toContain('io_uring')
    expect(manifest.engines).toEqual(root.engines)
    // false, or the files that do something when loaded (a worker thread's entry), each shipped.
    expect(manifest.sideEffects).toBeDefined()
    if (manifest.sideEffects !== false) {
      for (const file of manifest.sideEffects) expect(contents.get(name).files, file).toContain(file.replace(/^\.\//, ''))
    }
    expect(manifest.publishConfig).toEqual({ access: 'public' })
    expect(manifest.types).toBeTruthy()
    expect(manifest.exports['.']).toBeDefined()
  })

  it('installs wherever Node.js runs: no os, cpu or libc restriction', () => {
    // npm refuses to install a package whose os or cpu does not match
    // (EBADPLATFORM) unless it is an optional dependency, and every @iouring
    // package depends on @iouring/native. A limit anywhere would stop a
    // project that uses @iouring from installing on a developer's macOS
    // machine, where it loads, has its types, and the fs facade runs on
    // node:fs; and on Linux architectures without a prebuild, where
    // @iouring/native compiles from source.
    const { manifest } = contents.get(name)
    expect(manifest.os).toBeUndefined()
    expect(manifest.cpu).toBeUndefined()
    expect(manifest.libc).toBeUndefined()
  })

  it('depends on the @iouring packages released with it, by exact version', () => {
    const { manifest } = contents.get(name)
    for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
      for (const [dependency, range] of Object.entries(manifest[field] ?? {})) {
        expect(range, dependency).not.toMatch(/^workspace:/)
        if (dependency.startsWith('@iouring/')) expect(range, dependency).toBe(contents.get(dependency).manifest.version)
      }
    }
  })
})
