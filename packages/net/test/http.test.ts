// @module-tag ring
import * as http from 'node:http'
import { once } from 'node:events'
import { createHash, randomBytes } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { connect, serveHttp, type Server } from '@iouring/net'
import { closed, listening } from './helpers.js'

const sha1 = (data: Buffer) => createHash('sha1').update(data).digest('hex')

/** Sends `body` (or nothing) and resolves to the status, headers and body of the response. */
function request(options: http.RequestOptions, body?: Buffer): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer; socket: unknown }> {
  return new Promise((resolve, reject) => {
    const req = http.request(options, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => resolve({ status: res.statusCode as number, headers: res.headers, body: Buffer.concat(chunks), socket: req.socket }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end(body)
  })
}

describe('node:http on @iouring/net', () => {
  let server: Server
  let httpServer: http.Server
  let port: number
  const download = randomBytes(10 * 1024 * 1024)
  beforeEach(async () => {
    httpServer = http.createServer((req, res) => {
      if (req.url === '/download') return res.end(download)
      // Echo the upload's length and digest.
      const hash = createHash('sha1')
      let length = 0
      req.on('data', (chunk: Buffer) => {
        length += chunk.length
        hash.update(chunk)
      })
      req.on('end', () => res.end(JSON.stringify({ length, sha1: hash.digest('hex'), remote: req.socket.remoteAddress })))
    })
    server = serveHttp(httpServer)
    port = await listening(server)
  })
  afterEach(() => closed(server))

  it('serves requests from node:http clients, keep-alive on one connection', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
    const first = await request({ port, host: '127.0.0.1', path: '/hello', agent })
    const second = await request({ port, host: '127.0.0.1', path: '/again', agent })
    expect(first.status).toBe(200)
    expect(JSON.parse(first.body.toString())).toEqual({ length: 0, sha1: sha1(Buffer.alloc(0)), remote: '127.0.0.1' })
    expect(second.socket).toBe(first.socket) // the same kept-alive connection
    agent.destroy()
  })

  it('10 MiB up and 10 MiB down, byte-identical', async () => {
    const upload = randomBytes(10 * 1024 * 1024)
    const up = await request({ port, host: '127.0.0.1', method: 'POST', path: '/upload' }, upload)
    expect(JSON.parse(up.body.toString())).toMatchObject({ length: upload.length, sha1: sha1(upload) })
    const down = await request({ port, host: '127.0.0.1', path: '/download' })
    expect(down.body.length).toBe(download.length)
    expect(sha1(down.body)).toBe(sha1(download))
  })

  it('an http client on @iouring/net sockets (createConnection), keep-alive and 10 MiB both ways', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
    // The agent makes its connections with @iouring/net's connect().
    ;(agent as unknown as { createConnection: typeof connect }).createConnection = connect
    const upload = randomBytes(10 * 1024 * 1024)
    const up = await request({ port, host: '127.0.0.1', method: 'POST', path: '/upload', agent }, upload)
    expect(JSON.parse(up.body.toString())).toMatchObject({ length: upload.length, sha1: sha1(upload) })
    const down = await request({ port, host: '127.0.0.1', path: '/download', agent })
    expect(sha1(down.body)).toBe(sha1(download))
    expect(down.socket).toBe(up.socket)
    expect((down.socket as object).constructor.name).toBe('Socket')
    const plain = await request({ port, host: '127.0.0.1', path: '/x', createConnection: connect } as unknown as http.RequestOptions)
    expect(plain.status).toBe(200)
    agent.destroy()
  })

  it("node:http tracks the connections: closeAllConnections() and close() reach the sockets", async () => {
    const client = connect(port, '127.0.0.1')
    await once(client, 'connect')
    client.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n')
    await once(client, 'data')
    httpServer.closeAllConnections()
    await once(client, 'end')
    client.destroy()

    // An idle keep-alive connection (its response finished) does not hold close() up.
    const finished = new Promise((resolve) => httpServer.once('request', (_req, res) => res.once('finish', resolve)))
    const idle = connect(port, '127.0.0.1')
    idle.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n')
    await Promise.all([once(idle, 'data'), finished])
    const ended = once(idle, 'end')
    await closed(server)
    await ended
    server = serveHttp(httpServer)
    await listening(server)
  })
})
