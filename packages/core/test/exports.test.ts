import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import * as fsp from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { expectSameError } from './files-helpers.js'
import { tempDir } from './helpers.js'

const require = createRequire(import.meta.url)
const packages = ['@iouring/native', '@iouring/ops', '@iouring/register', '@iouring/core'] as const

describe('every package works from import and require, with types', () => {
  for (const name of packages) {
    it(name, async () => {
      const required = require(name)
      const imported = await import(name)
      const keys = Object.keys(required).filter((k) => k !== 'default' && k !== '__esModule')
      expect(keys.length).toBeGreaterThan(0)
      for (const key of keys) expect(imported[key], `${name} import lacks ${key}`).toBeDefined()
      const root = dirname(require.resolve(`${name}/package.json`))
      const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
      // Installs and loads anywhere: where io_uring is missing, availability() says why.
      expect(manifest.os).toBeUndefined()
      expect(manifest.engines.node).toBeDefined()
      const dot = manifest.exports['.']
      const typePaths = typeof dot.types === 'string' ? [dot.types] : [dot.import.types, dot.require.types]
      for (const types of typePaths) expect(existsSync(join(root, types)), `${name}: ${types}`).toBe(true)
    })
  }

  it('the CommonJS and ESM builds of core are the same API', { tags: ['ring'] }, async () => {
    const { IoUring } = require('@iouring/core')
    const ring = new IoUring({ entries: 2 })
    expect(await ring.nop()).toBe(0)
    await ring.dispose()
    const esm = await import('@iouring/core')
    expect(Object.keys(esm).sort()).toEqual(Object.keys(require('@iouring/core')).filter((k) => k !== '__esModule').sort())
  })

  // tsc would make every re-export a getter: V8 keeps such exports objects in
  // dictionary mode and calls the getter at each use, which made require()
  // half as fast as import (tooling/config/build.mjs binds them once).
  for (const name of [...packages, '@iouring/core/fs']) {
    it(`${name} from require() holds values, the same as import gives`, async () => {
      const required = require(name)
      const imported = await import(name)
      for (const key of Object.keys(imported)) {
        if (key === 'default') continue
        const descriptor = Object.getOwnPropertyDescriptor(required, key)
        expect(descriptor && 'value' in descriptor, `${name}: ${key} is a data property`).toBe(true)
        const value = descriptor!.value
        expect(typeof value, `${name}: ${key}`).toBe(typeof imported[key])
        if (typeof value !== 'object' && typeof value !== 'function') expect(value, `${name}: ${key}`).toBe(imported[key])
      }
    })
  }

  // One ring (the CommonJS build's default ring, which its fs also uses), so
  // no continuation of one ring's completion starts work on another.
  it('the CommonJS build reads, writes, stats and reports errors as node:fs does', { tags: ['ring'] }, async () => {
    const ring = require('@iouring/core').defaultRing()
    const ourFs = require('@iouring/core/fs')
    const { dir, cleanup } = tempDir()
    try {
      const path = join(dir, 'data')
      writeFileSync(path, 'hello, world')
      const fd = await ring.open(path, 'r+')
      const into = Buffer.alloc(5)
      expect(await ring.read(fd, into, 7)).toBe(5)
      expect(into.toString()).toBe('world')
      expect(await ring.write(fd, Buffer.from('HELLO'), 0)).toBe(5)
      expect((await ring.stat(path)).size).toBe(12)
      await ring.close(fd)
      expect(() => ring.read('x', into)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }))
      const missing = join(dir, 'missing')
      expect(await expectSameError(() => ourFs.open(missing), () => fsp.open(missing))).toMatchObject({ code: 'ENOENT' })
      expect(await ourFs.readFile(path, 'utf8')).toBe('HELLO, world')
      await ourFs.writeFile(path, 'again')
      expect(readFileSync(path, 'utf8')).toBe('again')
    } finally {
      cleanup()
    }
  })
})
