// @iouring/net where io_uring cannot carry it: node:net's Server, Socket,
// createServer, connect and serveHttp, one IOURING_NET_FALLBACK warning, and
// sockets() refusing with ERR_IOURING_UNAVAILABLE; IOURING_STRICT=1 throws
// instead. The denials are real: children under deny-io-uring
// (tooling/seccomp) or with a kernel release that reads 2.6 (setarch
// --uname-2.6), and this process itself in CI's denial step.
import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { denyIoUring } from '@iouring/seccomp'
import { runModule, warningLines } from '@iouring/tooling/child'
import { availability, type Availability } from '@iouring/core'
import { scenario } from './fixtures/fallback-scenario.mjs'
import { tempDir } from './helpers.js'

const packageDir = new URL('..', import.meta.url).pathname
const scenarioModule = new URL('./fixtures/fallback-scenario.mjs', import.meta.url).href
const here = availability()

const fallbackMessage = (reason: string) => `@iouring/net runs on node:net: ${reason}. IOURING_STRICT=1 makes it throw ERR_IOURING_UNAVAILABLE instead`
const tooOld = (release: string) => `@iouring/net's Server and Socket need Linux 5.19 or newer (buffer rings, multishot accept), and this kernel is ${release}`

/** Runs an ES module body with `node` behind `wrapper`, which must succeed: what it printed last, parsed, and its stderr. */
function child<T>(wrapper: string[], script: string, env: Record<string, string> = {}): { seen: T; stderr: string } {
  const { status, stderr, seen } = runModule(wrapper, script, { cwd: packageDir, env })
  expect(status, stderr).toBe(0)
  return { seen: seen as T, stderr }
}

/**
 * The script a child runs: the warnings' listener first (the package warns
 * when it is loaded), then the scenario, and a file read through
 * @iouring/core/fs, whose fallback warns on its own.
 */
const SCENARIO = `
  import { mkdtempSync, rmSync } from 'node:fs'
  import { tmpdir } from 'node:os'
  import { join } from 'node:path'
  const warnings = []
  process.on('warning', (w) => warnings.push({ code: w.code, message: w.message }))
  const net = await import('@iouring/net')
  const { readFile } = await import('@iouring/core/fs')
  const { availability } = await import('@iouring/core')
  const { scenario } = await import(${JSON.stringify(scenarioModule)})
  const dir = mkdtempSync(join(tmpdir(), 'iouring-net-fallback-'))
  const facts = await scenario(net, dir)
  rmSync(dir, { recursive: true })
  const read = await readFile('/proc/self/comm', 'utf8')
  await new Promise((resolve) => setImmediate(resolve))
  console.log(JSON.stringify({ facts, read, warnings, availability: availability() }))`

type Scenario = { facts: Record<string, unknown>; read: string; warnings: { code: string; message: string }[]; availability: Availability }

/** What node:net gives, where @iouring/net runs on it: the scenario's facts but for sockets(). */
function expectNodeNet(facts: Record<string, unknown>): void {
  expect(facts.classes).toEqual({ serverIsNodeNets: true, socketIsNodeNets: true, createServerInstance: true, newSocketInstance: true, subclassInstance: true })
  expect(facts.tcp).toEqual({ connectInstance: true, echoed: 'over TCP', remotePort: true })
  expect(facts.unix).toEqual({ echoed: 'over a Unix socket' })
  expect(facts.accepted).toBe(1)
  const [refused, nodeRefused] = facts.refused as Record<string, unknown>[]
  expect(refused).toEqual(nodeRefused)
  expect(refused).toMatchObject({ code: 'ECONNREFUSED', syscall: 'connect', address: '127.0.0.1' })
  const [inUse, nodeInUse] = facts.inUse as Record<string, unknown>[]
  expect(inUse).toEqual(nodeInUse)
  expect(inUse).toMatchObject({ code: 'EADDRINUSE', syscall: 'listen' })
  expect(facts.http).toEqual({ bridgeInstance: true, appListening: true, responses: [{ body: 'served /first', reused: false }, { body: 'served /second', reused: true }] })
  expect(facts.udp).toEqual({ udpSocketIsNodeDgrams: true, createSocketInstance: true, echoed: 'over UDP' })
}

describe('where a seccomp filter denies io_uring (a child under deny-io-uring)', () => {
  it("node:net's classes and functions, node:net's errors, serveHttp; sockets() refuses; one warning from each facade", () => {
    const { seen, stderr } = child<Scenario>([denyIoUring, '--errno=EPERM'], SCENARIO)
    expect(seen.availability).toMatchObject({ available: false, reason: 'seccomp' })
    expectNodeNet(seen.facts)
    const refusal = { class: 'Error', name: 'Error', code: 'ERR_IOURING_UNAVAILABLE', reason: 'seccomp', errno: -1, syscall: 'io_uring_setup', message: seen.availability.message }
    expect(seen.facts.sockets).toEqual(refusal)
    expect(seen.facts.socketOperations).toEqual(refusal)
    // Servers on worker threads have no node:net counterpart: refused, saying why.
    expect(seen.facts.threaded).toMatchObject({ code: 'ERR_IOURING_UNAVAILABLE', message: expect.stringContaining('IOURING_NET_FALLBACK') })
    expect(seen.read).toBe('node\n')
    expect(seen.warnings).toEqual([
      { code: 'IOURING_NET_FALLBACK', message: fallbackMessage(seen.availability.message) },
      { code: 'IOURING_FS_FALLBACK', message: `@iouring/core/fs runs on node:fs/promises: ${seen.availability.message}. IOURING_STRICT=1 makes it throw ERR_IOURING_UNAVAILABLE instead` },
    ])
    expect(warningLines(stderr, 'IOURING_NET_FALLBACK')).toHaveLength(1)
  })

  it('IOURING_STRICT=1: createServer, new Server, connect, new Socket, serveHttp and createSocket throw ERR_IOURING_UNAVAILABLE; no warning', () => {
    const { seen, stderr } = child<{ thrown: Record<string, unknown>; availability: Availability }>([denyIoUring, '--errno=ENOSYS'], `
      import http from 'node:http'
      import * as net from '@iouring/net'
      import { availability } from '@iouring/core'
      import { thrown } from ${JSON.stringify(scenarioModule)}
      process.on('warning', (w) => console.log(JSON.stringify({ warning: w.code })))
      const made = {
        createServer: () => net.createServer(),
        newServer: () => new net.Server(),
        connect: () => net.connect(9, '127.0.0.1'),
        newSocket: () => new net.Socket(),
        serveHttp: () => net.serveHttp(http.createServer()),
        createSocket: () => net.createSocket('udp4'),
      }
      const seen = {}
      for (const [name, make] of Object.entries(made)) seen[name] = thrown(make)
      await new Promise((resolve) => setImmediate(resolve))
      console.log(JSON.stringify({ thrown: seen, availability: availability() }))`, { IOURING_STRICT: '1' })
    const refusal = { class: 'Error', name: 'Error', code: 'ERR_IOURING_UNAVAILABLE', reason: 'seccomp', errno: -38, syscall: 'io_uring_setup', message: seen.availability.message }
    expect(seen.thrown).toEqual({ createServer: refusal, newServer: refusal, connect: refusal, newSocket: refusal, serveHttp: refusal, createSocket: refusal })
    expect(stderr).toBe('')
  })
})

describe('where the kernel is older than 5.19 (a child whose kernel release reads 2.6, setarch --uname-2.6)', () => {
  const oldKernel = ['setarch', process.arch === 'x64' ? 'x86_64' : process.arch, '--uname-2.6']
  const release = here.available ? spawnSync(oldKernel[0], [...oldKernel.slice(1), 'uname', '-r'], { encoding: 'utf8' }).stdout?.trim() : undefined
  const usable = release?.startsWith('2.6.') === true
  if (!here.available) console.log(`the old-kernel checks are skipped: io_uring is unavailable here (${here.reason}), which is the reason the child would give instead`)
  else if (!usable) console.log('the old-kernel checks are skipped: they need util-linux setarch with --uname-2.6')

  it.skipIf(!usable)("node:net's Server and Socket, and a warning naming 5.19; sockets() still works, on the ring", () => {
    const { seen, stderr } = child<Scenario & { socketFd: number }>(oldKernel, SCENARIO.replace("console.log(JSON.stringify({ facts,", `
      const ops = net.sockets()
      const { AF_INET, SOCK_STREAM } = await import('@iouring/ops')
      const socketFd = await ops.socket(AF_INET, SOCK_STREAM)
      await ops.close(socketFd)
      console.log(JSON.stringify({ socketFd, facts,`))
    expect(seen.availability.available).toBe(true)
    expectNodeNet(seen.facts)
    expect(seen.facts.sockets).toBe('no throw')
    expect(seen.socketFd).toBeGreaterThanOrEqual(0)
    // Only @iouring/net falls back: the fs facade has its ring.
    expect(seen.warnings).toEqual([{ code: 'IOURING_NET_FALLBACK', message: fallbackMessage(tooOld(release!)) }])
    expect(warningLines(stderr, 'IOURING_NET_FALLBACK')).toHaveLength(1)
  })

  it.skipIf(!usable)('IOURING_STRICT=1: createServer, connect and createSocket throw ERR_IOURING_UNAVAILABLE naming the kernel', () => {
    const { seen, stderr } = child<Record<string, Record<string, unknown>>>(oldKernel, `
      import * as net from '@iouring/net'
      import { thrown } from ${JSON.stringify(scenarioModule)}
      console.log(JSON.stringify({ createServer: thrown(() => net.createServer()), connect: thrown(() => net.connect(9, '127.0.0.1')), createSocket: thrown(() => net.createSocket('udp4')) }))`, { IOURING_STRICT: '1' })
    const refusal = { class: 'Error', name: 'Error', code: 'ERR_IOURING_UNAVAILABLE', reason: 'kernel', message: `${tooOld(release!)}; use a newer kernel, or unset IOURING_STRICT to run on node:net` }
    const udpRefusal = { ...refusal, message: `@iouring/net's UDP socket needs Linux 6.0 or newer (multishot recvmsg), and this kernel is ${release}; use a newer kernel, or node:dgram` }
    expect(seen).toEqual({ createServer: refusal, connect: refusal, createSocket: udpRefusal })
    expect(stderr).toBe('')
  })
})

describe('in this process', () => {
  if (here.available) console.log('the in-process fallback test runs where io_uring is unavailable (CI runs the suite once under deny-io-uring); here the children above show the fallback')

  it.skipIf(here.available)("where this process has no io_uring: node:net's classes, functions and errors; sockets() refuses; one warning", async () => {
    const warnings: { code?: string; message: string }[] = []
    const collect = (warning: Error & { code?: string }) => warnings.push({ code: warning.code, message: warning.message })
    process.on('warning', collect)
    const { dir, cleanup } = tempDir()
    try {
      // Loaded here, after the listener: the package warns when it is loaded.
      const facts = await scenario(await import('@iouring/net'), dir)
      expectNodeNet(facts)
      expect(facts.sockets).toMatchObject({ code: 'ERR_IOURING_UNAVAILABLE', reason: here.reason, message: here.message })
      await new Promise((resolve) => setImmediate(resolve))
    } finally {
      process.off('warning', collect)
      cleanup()
    }
    expect(warnings.filter((warning) => warning.code === 'IOURING_NET_FALLBACK')).toEqual([{ code: 'IOURING_NET_FALLBACK', message: fallbackMessage(here.message) }])
  })
})
