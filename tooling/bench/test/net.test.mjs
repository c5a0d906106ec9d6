// The net suites' own programs on real loopback sockets: the HTTP responders (node:net and C) answer
// pipelined requests split anywhere with exactly one response each, and the load generator
// (c/netload.c) takes what it should and refuses what it must not count. No timing is asserted.
import { execFile } from 'node:child_process'
import dgram from 'node:dgram'
import { once } from 'node:events'
import net from 'node:net'
import { promisify } from 'node:util'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { availability } from '@iouring/native'
import { compileC, removeBuilds } from '../src/cc.mjs'
import { startServer } from '../src/net/load.mjs'
import { floorMissing } from '../src/net/suites.mjs'
import { RESPONSE, createResponder } from '../src/net/responder.mjs'
import { createEchoServer, createHttpServer, createUdpEcho, createWriter } from '../src/net/servers.mjs'

const loadgen = compileC('netload')
const floor = compileC('netfloor', ['-luring'])
if (loadgen.reason) console.log(`c/netload.c tests skipped: ${loadgen.reason}`)
// c/netfloor.c runs on io_uring, on a kernel that has what it uses.
const uring = availability()
const floorSkip = uring.available ? floorMissing(floor) : uring.message
if (floorSkip) console.log(`c/netfloor.c tests skipped: ${floorSkip}`)
const floorSkipped = floorSkip !== undefined

// vitest ends its workers without an 'exit' event.
afterAll(removeBuilds)

const cleanups = []
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()()
})

/** Listens on 127.0.0.1 at an ephemeral port, closed after the test; resolves to the port. */
async function listen(server) {
  if (server instanceof dgram.Socket) server.bind(0, '127.0.0.1')
  else server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  cleanups.push(() => new Promise((resolve) => server.close(resolve)))
  return server.address().port
}

/** c/netfloor.c in `mode`, stopped after the test; resolves to the port. */
async function floorServer(mode) {
  const server = await startServer([floor.binary, mode], '0,1')
  cleanups.push(() => server.stop())
  return server.port
}

/** Runs c/netload.c for 0.3 s with no warm-up: { report } or, when it refuses, { status, stderr }. */
async function netload(port, args) {
  try {
    const { stdout } = await promisify(execFile)(loadgen.binary, ['--port', String(port), '--seconds', '0.3', '--warmup', '0', ...args])
    return { report: JSON.parse(stdout) }
  } catch (err) {
    if (typeof err.code !== 'number') throw err
    return { status: err.code, stderr: err.stderr }
  }
}

describe('HTTP responders', () => {
  const request = (host) => Buffer.from(`GET / HTTP/1.1\r\nHost: ${host}\r\n\r\n`)

  /**
   * Sends six requests in four writes, each write completing what the last left open and cutting the
   * next request inside its closing "\r\n\r\n" (after 3, 2 and 1 of its bytes); waits for the
   * responses each write completes. Resolves to all bytes received until the server closed.
   */
  async function converse(port) {
    const socket = net.connect(port, '127.0.0.1')
    cleanups.push(() => socket.destroy())
    let received = Buffer.alloc(0)
    socket.on('data', (chunk) => (received = Buffer.concat([received, chunk])))
    const closed = once(socket, 'end')
    const responses = async (count) => {
      while (received.length < count * RESPONSE.length) await once(socket, 'data')
    }
    const [r4, r5, r6] = [request('four'), request('five'), request('six')]
    socket.write(Buffer.concat([request('one'), request('two'), request('three'), r4.subarray(0, -1)]))
    await responses(3)
    socket.write(Buffer.concat([r4.subarray(-1), r5.subarray(0, -2)]))
    await responses(4)
    socket.write(Buffer.concat([r5.subarray(-2), r6.subarray(0, -3)]))
    await responses(5)
    socket.end(r6.subarray(-3))
    await closed
    return received
  }

  it('node:net responder: one response per request, in order, none for a request not yet whole', async () => {
    const port = await listen(createResponder(net.createServer))
    expect(await converse(port)).toEqual(Buffer.concat(Array(6).fill(RESPONSE)))
  })

  it.skipIf(floorSkipped)('C liburing responder: the same bytes as the node:net responder', async () => {
    expect(await converse(await floorServer('http'))).toEqual(Buffer.concat(Array(6).fill(RESPONSE)))
  })
})

describe.skipIf(loadgen.reason)('load generator (c/netload.c)', () => {
  it('takes responses that arrive in pieces and counts every one it waited for', async () => {
    let requests = 0
    const port = await listen(
      net.createServer({ noDelay: true }, (socket) => {
        socket.on('data', (chunk) => {
          for (let at = chunk.indexOf('\r\n\r\n'); at >= 0; at = chunk.indexOf('\r\n\r\n', at + 4)) {
            requests++
            // Split inside the blank line and inside the body, a turn of the event loop apart.
            socket.write('HTTP/1.1 200 OK\r\ncontent-length:  5\r\nX-A: b\r\n\r')
            setImmediate(() => socket.write('\nhel', () => setImmediate(() => socket.write('lo'))))
          }
        })
        socket.on('error', () => {})
      }),
    )
    const { report } = await netload(port, ['--mode', 'http', '--connections', '4'])
    expect(report.ops).toBeGreaterThan(0)
    expect(report.latency_us.p50).toBeLessThanOrEqual(report.latency_us.max)
    // Each connection may have one request unanswered when the run ends.
    expect(requests).toBeGreaterThanOrEqual(report.ops)
    expect(requests).toBeLessThanOrEqual(report.ops + 4)
  })

  it.each([
    ['HTTP/1.1 200 OK\r\n\r\n', 'the response has no Content-Length'],
    ['HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n', "the response's status is not 200"],
    ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', 'Transfer-Encoding responses are not supported'],
    ['HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nok', 'is given twice'],
    [`${RESPONSE}!`, 'bytes after a whole response'],
  ])('refuses %j', async (response, message) => {
    const port = await listen(net.createServer((socket) => socket.once('data', () => socket.write(response)).on('error', () => {})))
    const { status, stderr } = await netload(port, ['--mode', 'http', '--connections', '1'])
    expect(status).toBe(1)
    expect(stderr).toContain(message)
  })

  it("node:http's responses pass, from its own server and fed connections by a net server", async () => {
    for (const server of [createHttpServer(), createHttpServer(net.createServer)]) {
      const { report } = await netload(await listen(server), ['--mode', 'http', '--connections', '2'])
      expect(report.ops).toBeGreaterThan(0)
    }
  })

  it('echo: checks every byte, ping-pong and streaming, against node:net and C', async () => {
    const ports = [await listen(createEchoServer(net.createServer))]
    if (!floorSkipped) ports.push(await floorServer('echo'))
    for (const port of ports) {
      for (const [size, window] of [[128, 128], [16384, 65536]]) {
        const { report } = await netload(port, ['--mode', 'echo', '--connections', '4', '--size', String(size), '--window', String(window)])
        expect(report.ops).toBeGreaterThan(0)
        expect(report.bytes).toBeGreaterThanOrEqual(report.ops * size)
      }
    }
  })

  it('echo: a server that changes one byte is caught', async () => {
    const port = await listen(
      net.createServer((socket) => {
        socket.once('data', (chunk) => {
          chunk[chunk.length - 1] ^= 1
          socket.write(chunk)
          socket.pipe(socket)
        })
        socket.on('error', () => {})
      }),
    )
    const { status, stderr } = await netload(port, ['--mode', 'echo', '--connections', '1'])
    expect(status).toBe(1)
    expect(stderr).toContain('the bytes echoed differ from those sent, at stream offset 0')
  })

  it('udp echo against node:dgram, and sink against a writer', async () => {
    const udp = await netload(await listen(createUdpEcho(dgram.createSocket)), ['--mode', 'udp', '--connections', '4'])
    expect(udp.report.ops).toBeGreaterThan(0)
    expect(udp.report.bytes).toBe(udp.report.ops * 64)
    const sink = await netload(await listen(createWriter(net.createServer, 65536)), ['--mode', 'sink', '--connections', '1', '--size', '65536'])
    expect(sink.report.ops).toBeGreaterThan(0)
    expect(sink.report.bytes).toBeGreaterThanOrEqual(sink.report.ops * 65536)
  })
})
