// The prebuilds inside the packed @iouring/native: one per target, each for
// the right machine and libc (readelf, through the package's own check), and
// node-gyp-build picks each on its platform.
import { createRequire } from 'node:module'
import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, inject, it } from 'vitest'
import { run, workspace } from '../src/run.mjs'

const tarballs = inject('tarballs')
const scratch = inject('scratch')
const prebuildScript = join(workspace, 'packages', 'native', 'scripts', 'prebuild.js')
const { TARGETS, prebuildPath } = createRequire(import.meta.url)(prebuildScript)

const unpacked = join(scratch, 'prebuilds')
beforeAll(async () => {
  for (const name of ['@iouring/native', 'node-gyp-build']) {
    mkdirSync(join(unpacked, name), { recursive: true })
    await run('tar', ['-xzf', tarballs[name], '-C', join(unpacked, name)])
  }
})

// A release has all three (prepublishOnly checks); a machine without the
// cross compilers (a fresh CI machine) builds only what it can.
const built = TARGETS.filter((target) => existsSync(join(workspace, 'packages', 'native', prebuildPath(target))))
for (const target of TARGETS.filter((t) => !built.includes(t))) {
  console.log(`skipped ${target.id}: not built here (its compiler is missing; packages/native/scripts/install-toolchains.sh installs it)`)
}

it('the tarball holds the prebuilds made here, each for its machine and libc', async () => {
  const { check } = createRequire(import.meta.url)(prebuildScript)
  expect(check(join(unpacked, '@iouring/native', 'package'), built)).toEqual([])
  expect(built.map((target) => target.id)).toContain(`linux-${process.arch}-glibc`)
})

describe.each(TARGETS)('on $id', (target) => {
  it.skipIf(!built.includes(target))(`node-gyp-build loads ${prebuildPath(target)}`, async () => {
    // node-gyp-build's own knobs for the platform it runs on: npm_config_arch
    // for the architecture, LIBC for the libc (it sets 'musl' itself where
    // /etc/alpine-release exists).
    const nodeGypBuild = join(unpacked, 'node-gyp-build', 'package')
    const native = join(unpacked, '@iouring/native', 'package')
    const env = { PATH: process.env.PATH, npm_config_arch: target.arch, LIBC: target.libc, PREBUILDS_ONLY: '1' }
    const chosen = await run(process.execPath, ['-p', `require(${JSON.stringify(nodeGypBuild)}).path(${JSON.stringify(native)})`], { env })
    expect(chosen.trim()).toBe(join(native, prebuildPath(target)))
  })
})
