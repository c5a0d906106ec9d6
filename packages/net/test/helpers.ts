import * as nodeNet from 'node:net'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { once } from 'node:events'
import type { Server } from '@iouring/net'

/** A fresh temp directory for Unix socket paths, removed by the returned cleanup. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'iouring-net-'))
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}

/** Starts `server` on 127.0.0.1 (or `host`) and resolves to its port. */
export async function listening(server: Server | nodeNet.Server, host = '127.0.0.1'): Promise<number> {
  server.listen(0, host)
  await once(server, 'listening')
  return (server.address() as nodeNet.AddressInfo).port
}

/** Closes `server` and waits for 'close'. */
export async function closed(server: Server | nodeNet.Server): Promise<void> {
  await new Promise<void>((resolve) => server.close(() => resolve()))
}

/** Reads a readable stream to its end. */
export async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

/** The error a callback-style event emitter emits, or a promise's rejection, with only the fields node:net sets. */
export function shape(err: unknown): Record<string, unknown> {
  const e = err as NodeJS.ErrnoException & { address?: string; port?: number }
  return { name: e.name, message: e.message, code: e.code, errno: e.errno, syscall: e.syscall, address: e.address, port: e.port }
}

/** A port nothing listens on: bound and closed again. */
export async function unusedPort(): Promise<number> {
  const server = nodeNet.createServer()
  const port = await listening(server)
  await closed(server)
  return port
}

/** A node:net connection to 127.0.0.1:`port`, once connected. */
export function connected(port: number): Promise<nodeNet.Socket> {
  return new Promise((resolve, reject) => {
    const socket = nodeNet.connect(port, '127.0.0.1', () => resolve(socket)).once('error', reject)
  })
}
