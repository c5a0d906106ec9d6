// @module-tag ring
import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'

const require = createRequire(import.meta.url)

describe('@iouring/net loads through import and require', () => {
  it('the same API both ways, and a server that works from the CommonJS build', async () => {
    const imported = await import('@iouring/net')
    const required = require('@iouring/net')
    expect(Object.keys(imported).filter((k) => k !== 'default').sort()).toEqual(Object.keys(required).filter((k) => k !== '__esModule').sort())
    for (const name of ['createServer', 'connect', 'createConnection', 'Server', 'Socket', 'serveHttp', 'sockets', 'SocketOperations', 'isIP', 'createSocket', 'UdpSocket', 'setDatagramBuffers']) {
      expect(typeof required[name], name).toBe('function')
    }
    const server = required.createServer((socket: { end(data: string): void }) => socket.end('from require'))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const client = required.connect(server.address().port, '127.0.0.1')
    const chunks: Buffer[] = []
    for await (const chunk of client) chunks.push(chunk)
    expect(Buffer.concat(chunks).toString()).toBe('from require')
    await new Promise((resolve) => server.close(resolve))
  })
})
