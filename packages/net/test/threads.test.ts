// @module-tag ring
import * as nodeNet from 'node:net'
import { once } from 'node:events'
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { createRequire } from 'node:module'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createServer, ThreadedServer, type Balance } from '@iouring/net'
import { tempDir } from './helpers.js'
import { onNodeNet } from './on-node-net.js'

const handler = fileURLToPath(new URL('./fixtures/handler.mjs', import.meta.url))
// Where @iouring/net falls back to node:net (no io_uring, or a kernel before 5.19), servers on worker
// threads are refused (fallback.test.ts checks that): these tests need the real thing.
if (onNodeNet) console.log('threads tests skipped: @iouring/net runs on node:net here (the IOURING_NET_FALLBACK warning says why), and servers on worker threads need io_uring and Linux 5.19')
const require = createRequire(import.meta.url)
const BALANCES: Balance[] = ['reusePort', 'msgRingFd', 'msgRing']

/** A ThreadedServer on `balance` listening on 127.0.0.1 (or `path`), with the thread ids that took connections before 'listening'. */
async function started(balance: Balance, threads = 2, path?: string): Promise<{ server: ThreadedServer; port: number; threadIds: number[] }> {
  const server = createServer({ threads, balance, handler, handlerExport: 'respond' })
  const threadIds: number[] = []
  server.on('workerListening', (id: number) => threadIds.push(id))
  if (path === undefined) server.listen(0, '127.0.0.1')
  else server.listen(path)
  await once(server, 'listening')
  const address = server.address()
  return { server, port: typeof address === 'object' && address !== null ? address.port : 0, threadIds }
}

/** Clients still open: destroyed after each test, so that a failed assertion does not leave close() waiting for them. */
const clients = new Set<nodeNet.Socket>()
afterEach(() => {
  for (const socket of clients) socket.destroy()
  clients.clear()
})

/** A node:net client on `target`, connected. */
async function client(target: number | string): Promise<nodeNet.Socket> {
  const socket = typeof target === 'number' ? nodeNet.connect(target, '127.0.0.1') : nodeNet.connect(target)
  clients.add(socket)
  socket.once('close', () => clients.delete(socket))
  await once(socket, 'connect')
  return socket
}

/** Sends `text` and resolves to the thread id the answer names. */
async function ask(socket: nodeNet.Socket, text: string): Promise<number> {
  socket.write(text)
  const [data] = (await once(socket, 'data')) as [Buffer]
  const answer = data.toString()
  const space = answer.indexOf(' ')
  expect(answer.slice(space + 1)).toBe(text)
  return Number(answer.slice(0, space))
}

/** A new connection's thread id; the connection is ended. */
async function threadOf(target: number | string): Promise<number> {
  const socket = await client(target)
  const id = await ask(socket, 'which')
  socket.end()
  await once(socket, 'close')
  return id
}

async function closed(server: ThreadedServer): Promise<void> {
  await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())))
}

/** After a test: its clients go (close() waits for every connection), then the server. */
async function cleanup(server: ThreadedServer): Promise<void> {
  for (const socket of clients) socket.destroy()
  if (server.listening) await closed(server)
}

describe.skipIf(onNodeNet).each(BALANCES)('createServer({ threads }) with balance %s', (balance) => {
  it('serves connections on every thread, each with its own ring, and address() is the one address', async () => {
    const { server, port, threadIds } = await started(balance)
    try {
      expect(threadIds).toHaveLength(2)
      expect(new Set(threadIds).size).toBe(2)
      expect(server.listening).toBe(true)
      expect(server.address()).toEqual({ address: '127.0.0.1', family: 'IPv4', port })
      // One acceptor deals connections in turn; SO_REUSEPORT spreads them by a hash of the
      // addresses, so 16 connections all on one of two threads would be a 1 in 2^15 chance.
      const count = balance === 'reusePort' ? 16 : 4
      const served: number[] = []
      for (let i = 0; i < count; i++) served.push(await threadOf(port))
      for (const id of served) expect(threadIds).toContain(id)
      if (balance === 'reusePort') expect(new Set(served).size).toBe(2)
      else expect(served).toEqual([served[0], served[1], served[0], served[1]])
      // Connections open at once are served side by side, each by its thread.
      const sockets = await Promise.all(Array.from({ length: 8 }, () => client(port)))
      const ids = await Promise.all(sockets.map((socket, i) => ask(socket, `at once ${i}`)))
      for (const id of ids) expect(threadIds).toContain(id)
      for (const socket of sockets) socket.end()
    } finally {
      await cleanup(server)
    }
  })

  it('a thread whose handler throws ends its connections and is replaced; the others go on', async () => {
    const { server, port, threadIds } = await started(balance)
    const failures: [Error, number][] = []
    server.on('workerError', (err: Error, id: number) => failures.push([err, id]))
    try {
      // A connection on each thread.
      const byThread = new Map<number, nodeNet.Socket>()
      for (let i = 0; i < 64 && byThread.size < 2; i++) {
        const socket = await client(port)
        const id = await ask(socket, 'which')
        if (byThread.has(id)) socket.end()
        else byThread.set(id, socket)
      }
      const [[failing, doomed], [survivor, kept]] = [...byThread]
      const replaced = once(server, 'workerListening')
      const gone = once(doomed, 'close')
      doomed.on('error', () => {}) // ended or reset: either way the connection is gone
      doomed.write('throw')
      await gone
      const initial = [...threadIds]
      const [replacement] = (await replaced) as [number]
      expect(failures.map(([err, id]) => [err.message, id])).toEqual([[`thrown on thread ${failing}`, failing]])
      expect(failures[0][0].stack).toContain('handler.mjs')
      expect(initial).not.toContain(replacement)
      // The other thread's connection goes on, and new connections reach the replacement.
      expect(await ask(kept, 'still here')).toBe(survivor)
      const served = new Set<number>()
      for (let i = 0; i < 64 && !served.has(replacement); i++) served.add(await threadOf(port))
      expect(served).toContain(replacement)
      expect(served).not.toContain(failing)
      kept.end()
    } finally {
      await cleanup(server)
    }
  })

  it('a thread that calls process.exit() takes its connections and its listener with it, and is replaced', async () => {
    const server = createServer({ threads: 2, balance, handler, handlerExport: 'respondOrExit' })
    try {
      server.listen(0, '127.0.0.1')
      await once(server, 'listening')
      const port = (server.address() as nodeNet.AddressInfo).port
      const leaving = await client(port)
      const left = await ask(leaving, 'which')
      const replaced = once(server, 'workerListening')
      const gone = once(leaving, 'close')
      leaving.write('exit')
      await gone
      const [replacement] = (await replaced) as [number]
      // Every new connection is served: none waits in the backlog of a listener nobody accepts on.
      const served = new Set<number>()
      for (let i = 0; i < 16; i++) served.add(await threadOf(port))
      expect(served).not.toContain(left)
      if (balance !== 'reusePort') expect(served).toContain(replacement)
    } finally {
      await cleanup(server)
    }
  })

  it('close() stops accepting, serves the open connections until they end, then emits close', async () => {
    const { server, port } = await started(balance)
    const open = await client(port)
    const id = await ask(open, 'before')
    let closeEmitted = false
    const done = new Promise<Error | undefined>((resolve) => server.close((err) => resolve(err)))
    server.once('close', () => (closeEmitted = true))
    expect(server.listening).toBe(false)
    expect(server.address()).toBeNull()
    // Every thread lets go of its listener (or the acceptor of its) shortly: until then a
    // connection may still be taken, and served, or reset when it was queued on a listener
    // that closed; then connecting is refused.
    let refused: NodeJS.ErrnoException | undefined
    for (let i = 0; i < 1000 && refused?.code !== 'ECONNREFUSED'; i++) {
      const socket = nodeNet.connect(port, '127.0.0.1')
      refused = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
        socket.once('connect', () => resolve(undefined))
        socket.once('error', resolve)
      })
      expect([undefined, 'ECONNREFUSED', 'ECONNRESET']).toContain(refused?.code)
      socket.end()
    }
    expect(refused?.code).toBe('ECONNREFUSED')
    // The open connection is still served by its thread, and holds 'close' back.
    expect(await ask(open, 'after close()')).toBe(id)
    expect(closeEmitted).toBe(false)
    open.end()
    expect(await done).toBeUndefined()
    expect(closeEmitted).toBe(true)
  })
})

describe.skipIf(onNodeNet)('createServer({ threads })', () => {
  let temp: ReturnType<typeof tempDir>
  beforeEach(() => (temp = tempDir()))
  afterEach(() => temp.cleanup())

  it('serves a Unix socket path through one acceptor, and removes it on close', async () => {
    const path = join(temp.dir, 'threads.sock')
    const { server, threadIds } = await started('msgRingFd', 2, path)
    try {
      expect(server.address()).toBe(path)
      const served = [await threadOf(path), await threadOf(path)]
      expect(served.sort()).toEqual([...threadIds].sort())
    } finally {
      await cleanup(server)
    }
    await expect(client(path)).rejects.toMatchObject({ code: 'ENOENT' })
  })

  it('the threads end with close(): a process whose server closed exits by itself', async () => {
    const script = `
      const net = require('node:net')
      const { createServer } = require(${JSON.stringify(require.resolve('@iouring/net'))})
      for (const balance of ['reusePort', 'msgRingFd']) {
        const server = createServer({ threads: 2, balance, handler: ${JSON.stringify(pathToFileURL(handler).href)}, handlerExport: 'respond' })
        server.listen(0, '127.0.0.1', () => {
          const socket = net.connect(server.address().port, '127.0.0.1', () => socket.write('hi'))
          socket.once('data', () => {
            server.close(() => console.log(balance, 'closed'))
            setImmediate(() => socket.end())
          })
        })
      }
      process.on('exit', () => console.log('exit'))
    `
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'], timeout: 20_000 })
    let out = ''
    child.stdout.on('data', (data) => (out += data))
    const [code, signal] = await once(child, 'exit')
    expect({ code, signal }).toEqual({ code: 0, signal: null })
    expect(out.trim().split('\n').sort()).toEqual(['exit', 'msgRingFd closed', 'reusePort closed'])
    expect(out.trim().split('\n').at(-1)).toBe('exit')
  })

  it('listen fails with node:net\'s error when the port is taken, and no thread stays behind', async () => {
    const taken = nodeNet.createServer()
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve))
    const port = (taken.address() as nodeNet.AddressInfo).port
    try {
      const theirs = nodeNet.createServer()
      theirs.listen(port, '127.0.0.1')
      const [expected] = (await once(theirs, 'error')) as [NodeJS.ErrnoException]
      for (const balance of BALANCES) {
        const server = createServer({ threads: 2, balance, handler, handlerExport: 'respond' })
        let listened = false
        server.on('listening', () => (listened = true))
        server.listen(port, '127.0.0.1')
        const [err] = (await once(server, 'error')) as [NodeJS.ErrnoException]
        expect({ message: err.message, code: err.code, errno: err.errno, syscall: err.syscall, address: (err as { address?: string }).address, port: (err as { port?: number }).port }, balance).toEqual({
          message: expected.message,
          code: expected.code,
          errno: expected.errno,
          syscall: expected.syscall,
          address: (expected as { address?: string }).address,
          port: (expected as { port?: number }).port,
        })
        expect(listened).toBe(false)
        expect(server.address()).toBeNull()
      }
    } finally {
      await new Promise((resolve) => taken.close(resolve))
    }
  })

  it('a handler module without the export, or missing, is an error on listen', async () => {
    const cases: [string | URL, string, string][] = [
      [handler, 'notAFunction', 'ERR_INVALID_ARG_VALUE'],
      [pathToFileURL(handler), 'absent', 'ERR_INVALID_ARG_VALUE'],
      [join(temp.dir, 'missing.mjs'), 'default', 'ERR_MODULE_NOT_FOUND'],
    ]
    for (const [module, handlerExport, code] of cases) {
      const server = createServer({ threads: 2, handler: module, handlerExport })
      const errors: NodeJS.ErrnoException[] = []
      const workerErrors: Error[] = []
      server.on('error', (err: NodeJS.ErrnoException) => errors.push(err))
      server.on('workerError', (err: Error) => workerErrors.push(err))
      server.listen(0, '127.0.0.1')
      await once(server, 'error')
      // close() after a failed listen: 'close' once every thread has gone, with ERR_SERVER_NOT_RUNNING.
      const [notRunning] = await new Promise<(Error | undefined)[]>((resolve) => server.close((...args) => resolve(args)))
      expect(notRunning).toMatchObject({ code: 'ERR_SERVER_NOT_RUNNING' })
      // Both threads failed alike: one 'error' says it.
      expect(errors.map((err) => err.code), handlerExport).toEqual([code])
      expect(workerErrors).toEqual([])
      if (code === 'ERR_INVALID_ARG_VALUE') expect(errors[0].message).toContain(`"${handlerExport}"`)
    }
  })

  it('refuses bad options synchronously with node-style codes', () => {
    const ok = { threads: 1, handler }
    expect(() => createServer({ ...ok, threads: 0 })).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE', name: 'RangeError' }))
    expect(() => createServer({ ...ok, threads: 1.5 })).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }))
    expect(() => createServer({ ...ok, handler: 42 as unknown as string })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE', message: expect.stringContaining('"options.handler"') }))
    expect(() => createServer({ ...ok, balance: 'random' as Balance })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }))
    expect(() => createServer({ ...ok, noDelay: 'yes' as unknown as boolean })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }))
    expect(() => (createServer as (o: unknown, l: unknown) => unknown)(ok, () => {})).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE', message: expect.stringContaining('options.handler') }))
    const server = createServer(ok)
    expect(() => server.listen(join(temp.dir, 'a.sock'))).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE', message: expect.stringContaining("'reusePort'") }))
    expect(() => server.listen({ port: 70000 })).toThrow(expect.objectContaining({ code: 'ERR_SOCKET_BAD_PORT' }))
    expect(server.listening).toBe(false)
  })
})
