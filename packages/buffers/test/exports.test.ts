import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { skipIfUnsupported } from '@iouring/tooling/skip'

const require = createRequire(import.meta.url)

describe('@iouring/buffers loads through import and require, with types', () => {
  it('has the same API both ways, and the files its exports map names', async () => {
    const required = require('@iouring/buffers')
    const imported = await import('@iouring/buffers')
    const keys = Object.keys(required).filter((k) => k !== '__esModule')
    expect(keys.sort()).toEqual(Object.keys(imported).filter((k) => k !== 'default').sort())
    expect(keys).toEqual(expect.arrayContaining(['BufferRing', 'BufferGroup', 'BufferLease', 'LegacyBufferGroup', 'provideBuffers', 'bufferGroup', 'FixedBufferPool']))
    const root = dirname(require.resolve('@iouring/buffers/package.json'))
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
    // Installs and loads anywhere: where io_uring is missing, availability() says why.
    expect(manifest.os).toBeUndefined()
    const dot = manifest.exports['.']
    for (const path of [dot.import.types, dot.import.default, dot.require.types, dot.require.default]) {
      expect(existsSync(join(root, path)), path).toBe(true)
    }
  })

  it('the CommonJS build works on its own: a BufferRing from require() registers and reads', { tags: ['ring'] }, (ctx) => {
    const native = require('@iouring/native')
    const { BufferRing } = require('@iouring/buffers')
    const ring = native.setup({ entries: 2 }, () => {})
    try {
      const group = skipIfUnsupported(ctx, () => new BufferRing({ handle: ring.handle }, { entries: 2, size: 16 }))
      expect([group.groupId, group.count, group.registered]).toEqual([0, 2, true])
      group.unregister()
    } finally {
      native.close(ring.handle)
    }
  })
})
