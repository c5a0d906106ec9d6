// The workspace's packages, as pnpm-workspace.yaml lists them.
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'

/** Every package directory (relative to `root`) with a `test` script, in pnpm-workspace.yaml's order. */
export function testedPackages(root) {
  // The `packages:` list: its "  - pattern" lines, up to the next top-level key.
  const lines = readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8').split('\n')
  const start = lines.indexOf('packages:') + 1
  const end = lines.findIndex((line, i) => i >= start && /^\S/.test(line))
  const patterns = lines.slice(start, end === -1 ? undefined : end).flatMap((line) => /^\s+-\s+["']?([^"'\s]+)/.exec(line)?.[1] ?? [])
  const dirs = patterns.flatMap((pattern) => {
    if (!pattern.endsWith('/*')) return [pattern]
    const parent = pattern.slice(0, -2)
    return existsSync(join(root, parent)) ? readdirSync(join(root, parent)).sort().map((name) => join(parent, name)) : []
  })
  return dirs.filter((dir) => {
    const manifest = join(root, dir, 'package.json')
    return existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).scripts?.test !== undefined
  })
}
