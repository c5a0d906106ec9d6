#!/usr/bin/env node
// The kernel runner's default command in the guest: the vitest run of every
// package that `pnpm test` runs, one package at a time (turbo would run them
// side by side, which overloads an emulated CPU), then the one-line summary.
// Nothing is built: the host built everything. `node suite.mjs core register`
// runs only the packages whose directory names are given.
import { spawnSync } from 'node:child_process'
import { rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { basename, dirname, join, resolve } from 'node:path'
import { testedPackages } from '../config/workspace.mjs'

const root = resolve(import.meta.dirname, '..', '..')
const vitest = join(dirname(createRequire(join(root, 'package.json')).resolve('vitest/package.json')), 'vitest.mjs')
const only = process.argv.slice(2)
let status = 0
const ran = []
for (const dir of testedPackages(root)) {
  rmSync(join(root, dir, '.vitest'), { recursive: true, force: true })
  if (only.length > 0 && !only.includes(basename(dir))) continue
  console.log(`\n== ${dir}: vitest run`)
  const run = spawnSync(process.execPath, [vitest, 'run'], { cwd: join(root, dir), stdio: 'inherit' })
  if (run.status !== 0) status = 1
  ran.push(dir)
}
// Only the packages that ran are summed: the rest wrote no report on purpose.
spawnSync(process.execPath, [join(root, 'tooling', 'config', 'test-summary.mjs'), root, ...ran], { stdio: 'inherit' })
process.exit(status)
