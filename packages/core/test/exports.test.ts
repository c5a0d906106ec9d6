import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { describe, expect, it } from 'vitest'

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
      expect(manifest.os).toEqual(['linux'])
      expect(manifest.engines.node).toBeDefined()
      const dot = manifest.exports['.']
      const typePaths = typeof dot.types === 'string' ? [dot.types] : [dot.import.types, dot.require.types]
      for (const types of typePaths) expect(existsSync(join(root, types)), `${name}: ${types}`).toBe(true)
    })
  }

  it('the CommonJS and ESM builds of core are the same API', async () => {
    const { IoUring } = require('@iouring/core')
    const ring = new IoUring({ entries: 2 })
    expect(await ring.nop()).toBe(0)
    await ring.dispose()
    const esm = await import('@iouring/core')
    expect(Object.keys(esm).sort()).toEqual(Object.keys(require('@iouring/core')).filter((k) => k !== '__esModule').sort())
  })
})
