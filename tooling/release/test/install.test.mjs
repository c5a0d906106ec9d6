// Installs @iouring/core alone and @iouring/net alone from the packed
// tarballs, with npm and with pnpm, where there is no C compiler, make or
// python, and runs a short program of each: the prebuild must be what loads.
import { existsSync, mkdirSync, realpathSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { beforeAll, describe, expect, inject, it } from 'vitest'
import { installFromTarballs, lockedPackages } from '../src/install.mjs'
import { dependencyClosure } from '../src/pack.mjs'
import { run, sandbox, workspace } from '../src/run.mjs'

const tarballs = inject('tarballs')
const scratch = inject('scratch')

const libc = process.report.getReport().header.glibcVersionRuntime ? 'glibc' : 'musl'
const hostPrebuild = `prebuilds/linux-${process.arch}/@iouring+native.${libc}.node`

/** The program's one line of JSON. */
async function runProgram({ project, env }, program) {
  return JSON.parse(await run(process.execPath, [program], { cwd: project, env, timeout: 30_000 }))
}

/** Type-checks programs against the installed packages' declarations. */
function typecheck({ project }, programs) {
  const tsc = join(workspace, 'node_modules', 'typescript', 'bin', 'tsc')
  return run(process.execPath, [tsc, '--noEmit', '--allowJs', '--checkJs', '--strict', '--target', 'es2022',
    '--module', 'nodenext', '--moduleResolution', 'nodenext', '--types', 'node',
    '--typeRoots', join(workspace, 'node_modules', '@types'), ...programs], { cwd: project })
}

/** Where the installed `pkg`'s @iouring/native is (npm hoists it; pnpm keeps it under .pnpm). */
function nativeOf({ project }, pkg) {
  const manifest = join(realpathSync(join(project, 'node_modules', pkg)), 'package.json')
  return dirname(createRequire(manifest).resolve('@iouring/native/package.json'))
}

it('the sandbox has no C compiler, make or python on its PATH', async () => {
  const dir = join(scratch, 'sandbox')
  mkdirSync(dir)
  const found = await run('/bin/sh', ['-c', 'for c in cc gcc clang make python3 python; do command -v $c; done; true'], { env: sandbox(dir) })
  expect(found).toBe('')
})

it('a native tarball without prebuilds does not install there: nothing could compile it', async () => {
  const unpacked = join(scratch, 'native-without-prebuilds')
  mkdirSync(unpacked)
  await run('tar', ['-xzf', tarballs['@iouring/native'], '-C', unpacked])
  await run('tar', ['-czf', join(unpacked, 'native.tgz'), '-C', unpacked, '--exclude=package/prebuilds', 'package'])
  const install = installFromTarballs('npm', '@iouring/core', { ...tarballs, '@iouring/native': join(unpacked, 'native.tgz') }, scratch)
  // install.js found no prebuild and handed over to node-gyp, which found no Python to run gyp.
  await expect(install).rejects.toThrow(/gyp ERR! find Python/)
})

// Each program prints one line of JSON; `shows` is what it must contain.
const written = 'written and read back through io_uring\n'
const cases = [
  { pkg: '@iouring/core', program: 'core.mjs', shows: { written: written.length, read: written.length, readBack: written, viaFacade: written } },
  { pkg: '@iouring/net', program: 'net.cjs', shows: { echoed: 'echoed through io_uring', esmLoads: true } },
]

describe.each(['npm', 'pnpm'])('%s', (manager) => {
  describe.each(cases)('$pkg alone', ({ pkg, program, shows }) => {
    let installed
    beforeAll(async () => {
      installed = await installFromTarballs(manager, pkg, tarballs, scratch)
    })

    it('installs offline, every package from its tarball', () => {
      const locked = lockedPackages(installed.project)
      // What the workspace declares, transitively (node-gyp-build too), and nothing else.
      expect([...locked.keys()].sort()).toEqual(dependencyClosure(pkg).sort())
      for (const [name, from] of locked) expect(from, name).toMatch(/^file:/)
    })

    it("runs @iouring/native's install script, which finds the prebuild and compiles nothing", () => {
      expect(installed.output).toContain('node scripts/install.js')
      const native = nativeOf(installed, pkg)
      expect(existsSync(join(native, hostPrebuild))).toBe(true)
      expect(existsSync(join(native, 'build'))).toBe(false)
    })

    it(`runs ${program} on the prebuild`, async () => {
      const result = await runProgram(installed, program)
      expect(result).toMatchObject(shows)
      expect(result.rings).toBeGreaterThanOrEqual(1)
      expect(result.addons).toEqual([join(realpathSync(nativeOf(installed, pkg)), hostPrebuild)])
    })

    // Under pnpm's layout a package sees only what it declares: a declaration
    // file importing an undeclared package fails there first.
    if (manager === 'pnpm') {
      it('type-checks the program against the installed declarations', async () => {
        await typecheck(installed, [program, 'observe.cjs'])
      })
    }
  })
})
