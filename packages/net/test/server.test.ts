// @module-tag ring
import * as nodeNet from 'node:net'
import { once } from 'node:events'
import { existsSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { spawnSync } from 'node:child_process'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Server, connect, createServer } from '@iouring/net'
import { closed, listening, readAll, shape, tempDir } from './helpers.js'
import { onNodeNet } from './on-node-net.js'

describe('Server.listen in node:net\'s forms', () => {
  let temp: ReturnType<typeof tempDir>
  beforeEach(() => (temp = tempDir()))
  afterEach(() => temp.cleanup())

  it('port and host, options, a port 0 default, and address() as node:net reports them', async () => {
    const forms: [string, (server: Server & nodeNet.Server) => void][] = [
      ['listen(0, host, cb)', (s) => s.listen(0, '127.0.0.1')],
      ['listen({ port, host })', (s) => s.listen({ port: 0, host: '127.0.0.1' })],
      ['listen() on every address', (s) => s.listen()],
      ['listen(port, backlog)', (s) => s.listen(0, 10)],
      ['listen({ host: "::1", ipv6Only })', (s) => s.listen({ port: 0, host: '::1', ipv6Only: true })],
    ]
    for (const [name, listen] of forms) {
      const ours = createServer() as Server & nodeNet.Server
      const theirs = nodeNet.createServer() as Server & nodeNet.Server
      listen(ours)
      listen(theirs)
      await Promise.all([once(ours, 'listening'), once(theirs, 'listening')])
      const a = ours.address() as nodeNet.AddressInfo
      const b = theirs.address() as nodeNet.AddressInfo
      expect({ address: a.address, family: a.family }, name).toEqual({ address: b.address, family: b.family })
      expect(a.port, name).toBeGreaterThan(0)
      expect(ours.listening).toBe(true)
      // Something can connect to it.
      const client = connect(a.port, a.family === 'IPv6' ? '::1' : '127.0.0.1')
      await once(client, 'connect')
      client.destroy()
      await Promise.all([closed(ours), closed(theirs)])
      expect(ours.listening).toBe(false)
      expect(ours.address()).toBe(null)
    }
  })

  it('a Unix path and an abstract name; the socket file goes away on close', async () => {
    const path = join(temp.dir, 'server.sock')
    const server = createServer((socket) => socket.end('over unix'))
    server.listen(path)
    await once(server, 'listening')
    expect(server.address()).toBe(path)
    expect(statSync(path).isSocket()).toBe(true)
    expect((await readAll(connect(path))).toString()).toBe('over unix')
    await closed(server)
    expect(existsSync(path)).toBe(false)

    const abstract = `\0iouring-test-${process.pid}`
    const hidden = createServer((socket) => socket.end('abstract'))
    hidden.listen({ path: abstract })
    await once(hidden, 'listening')
    expect((await readAll(connect({ path: abstract }))).toString()).toBe('abstract')
    await closed(hidden)
  })

  it('readableAll and writableAll set the Unix socket file\'s mode', async () => {
    const path = join(temp.dir, 'open.sock')
    const server = createServer()
    server.listen({ path, readableAll: true, writableAll: true })
    await once(server, 'listening')
    expect(statSync(path).mode & 0o666).toBe(0o666)
    await closed(server)
  })

  it('EADDRINUSE reads as node:net\'s, as an error event', async () => {
    const first = nodeNet.createServer()
    const port = await listening(first)
    const ours = createServer().listen(port, '127.0.0.1')
    const theirs = nodeNet.createServer().listen(port, '127.0.0.1')
    const [[ourError], [nodeError]] = await Promise.all([once(ours, 'error'), once(theirs, 'error')])
    expect(shape(ourError)).toEqual(shape(nodeError))
    expect(ourError.message).toBe(`listen EADDRINUSE: address already in use 127.0.0.1:${port}`)
    expect(ours.listening).toBe(false)
    await closed(first)
  })

  // node:net has reusePort from Node 22.12 on: where @iouring/net falls back to node:net on an older Node, it has none.
  const [major, minor] = process.versions.node.split('.').map(Number)
  const noReusePort = onNodeNet && (major < 22 || (major === 22 && minor < 12))
  if (noReusePort) console.log(`reusePort test skipped: @iouring/net runs on node:net here, which has no reusePort before Node 22.12 (this is ${process.version})`)
  it.skipIf(noReusePort)('reusePort lets two servers share a port', async () => {
    const one = createServer((socket) => socket.end('one'))
    const port = await new Promise<number>((resolve) => one.listen({ port: 0, host: '127.0.0.1', reusePort: true }, () => resolve((one.address() as nodeNet.AddressInfo).port)))
    const two = createServer((socket) => socket.end('two'))
    two.listen({ port, host: '127.0.0.1', reusePort: true })
    await once(two, 'listening')
    const answers = new Set<string>()
    for (let i = 0; i < 40 && answers.size < 2; i++) answers.add((await readAll(connect(port, '127.0.0.1'))).toString())
    expect([...answers].sort()).toEqual(['one', 'two'])
    await Promise.all([closed(one), closed(two)])
  })

  it('validates as node:net does', () => {
    const ours = () => createServer()
    const theirs = () => nodeNet.createServer()
    const cases: ((s: Server | nodeNet.Server) => unknown)[] = [(s) => s.listen({} as never), (s) => s.listen({ port: -5 }), (s) => s.listen({ port: 'x' } as never)]
    for (const call of cases) {
      let a: NodeJS.ErrnoException | undefined
      let b: NodeJS.ErrnoException | undefined
      try {
        call(ours())
      } catch (err) {
        a = err as NodeJS.ErrnoException
      }
      try {
        call(theirs())
      } catch (err) {
        b = err as NodeJS.ErrnoException
      }
      expect({ code: a?.code, message: a?.message }).toEqual({ code: b?.code, message: b?.message })
    }
  })

  it('listening twice throws ERR_SERVER_ALREADY_LISTEN; an aborted signal closes the server', async () => {
    const server = createServer()
    const port = await listening(server)
    expect(() => server.listen(port)).toThrow(expect.objectContaining({ code: 'ERR_SERVER_ALREADY_LISTEN' }))
    const controller = new AbortController()
    const watched = createServer()
    watched.listen({ port: 0, host: '127.0.0.1', signal: controller.signal })
    await once(watched, 'listening')
    controller.abort()
    await once(watched, 'close')
    expect(watched.listening).toBe(false)
    await closed(server)
  })
})

describe('Server: connections', () => {
  it("close() stops accepting at once and emits 'close' when the last connection ends", async () => {
    const sockets: nodeNet.Socket[] = []
    const server = createServer((socket) => sockets.push(socket as unknown as nodeNet.Socket))
    const port = await listening(server)
    const clients = [connect(port, '127.0.0.1'), connect(port, '127.0.0.1')]
    await Promise.all(clients.map((client) => once(client, 'connect')))
    while (sockets.length < 2) await once(server, 'connection')
    let closedEvent = false
    server.close(() => (closedEvent = true))
    expect(server.listening).toBe(false)
    // New connections are refused.
    const late = connect(port, '127.0.0.1')
    const [err] = await once(late, 'error')
    expect(err.code).toBe('ECONNREFUSED')
    const count = await new Promise<number>((resolve) => server.getConnections((_e, n) => resolve(n)))
    expect(count).toBe(2)
    expect(closedEvent).toBe(false)
    clients[0].end()
    await once(sockets[0], 'close')
    expect(closedEvent).toBe(false)
    clients[1].end()
    await once(server, 'close')
    expect(closedEvent).toBe(true)
  })

  it("close() on a server that is not listening calls back with ERR_SERVER_NOT_RUNNING, as node:net's", async () => {
    const ours = await new Promise<NodeJS.ErrnoException>((resolve) => createServer().close((err) => resolve(err as NodeJS.ErrnoException)))
    const theirs = await new Promise<NodeJS.ErrnoException>((resolve) => nodeNet.createServer().close((err) => resolve(err as NodeJS.ErrnoException)))
    expect({ code: ours.code, message: ours.message }).toEqual({ code: theirs.code, message: theirs.message })
  })

  it("maxConnections: connections past it are closed at once, with a 'drop' event", async () => {
    const server = createServer(() => {})
    server.maxConnections = 1
    const port = await listening(server)
    const kept = connect(port, '127.0.0.1')
    await once(server, 'connection')
    const dropped = connect(port, '127.0.0.1')
    const [drop] = await once(server, 'drop')
    expect(drop).toMatchObject({ localAddress: '127.0.0.1', localPort: port, remoteAddress: '127.0.0.1', remotePort: dropped.localPort, remoteFamily: 'IPv4' })
    await once(dropped, 'close')
    kept.destroy()
    await closed(server)
  })

  it('pauseOnConnect: nothing is read until resume()', async () => {
    const server = createServer({ pauseOnConnect: true }, (socket) => {
      expect(socket.isPaused()).toBe(true)
      setImmediate(() => {
        expect(socket.bytesRead).toBe(0)
        socket.resume()
        socket.on('data', (d: Buffer) => socket.end(d))
      })
    })
    const port = await listening(server)
    const client = connect(port, '127.0.0.1')
    client.write('later')
    expect((await readAll(client)).toString()).toBe('later')
    await closed(server)
  })

  it('Symbol.asyncDispose closes the server', async () => {
    const server = createServer()
    await listening(server)
    await server[Symbol.asyncDispose]()
    expect(server.listening).toBe(false)
  })
})

describe('Server: the event loop', () => {
  // An unref'ed timer fires only in a process something else keeps alive: the
  // child prints 'alive' if the listening server held it open that long, and
  // exits by itself either way.
  const script = (unref: boolean) => `
    const { createServer } = require('@iouring/net')
    const server = createServer().listen(0, '127.0.0.1', () => {
      process.stdout.write('listening')
      ${unref ? 'server.unref()' : ''}
      setTimeout(() => { process.stdout.write(' alive'); server.close() }, 100).unref()
    })
  `
  it("a listening server keeps the process alive; unref() lets it exit, as node:net's", () => {
    const run = (unref: boolean) => spawnSync(process.execPath, ['-e', script(unref)], { cwd: import.meta.dirname, encoding: 'utf8', timeout: 20_000 })
    const unrefed = run(true)
    expect([unrefed.stdout, unrefed.status]).toEqual(['listening', 0])
    const refed = run(false)
    expect([refed.stdout, refed.status]).toEqual(['listening alive', 0])
  })
})
