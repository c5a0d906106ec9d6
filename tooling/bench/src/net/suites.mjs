// `pnpm bench net` (issues 15 and 16): servers on node:net, node:http and @iouring/net against
// the same servers in C on liburing (c/netfloor.c), driven by the bench's own load generator
// (c/netload.c) and, as a cross-check, by wrk where installed. Every measurement starts a fresh
// server process pinned to CPU 0 and a load generator pinned to CPU 1. Each row is measured
// BENCH_NET_REPEAT times (default 5), interleaved with the other rows of its suite; the tables show
// medians: operations/s, the server's CPU time per operation (utime + stime of its process), the
// whole machine's CPU time per operation (busy time of /proc/stat, every process), and latency.
import os from 'node:os'
import { fileURLToPath } from 'node:url'
import { kernelAtLeast } from '@iouring/register'
import { compileC } from '../cc.mjs'
import { SECONDS, formatRate, median } from '../harness.mjs'
import { IOURING_NET, importIouringNet, missing } from './iouring-net.mjs'
import { hasWrk, netload, startServer, unpinnedReason, wrk } from './load.mjs'

const RUNS = Number(process.env.BENCH_NET_REPEAT ?? 5)
const WARMUP = 0.5
const SERVE = fileURLToPath(new URL('./serve.mjs', import.meta.url))
const PINNED = { server: '0', client: '1' }
const BOTH_CPUS = { server: '0,1', client: '0,1' }

/**
 * Why c/netfloor.c (`floor`, compileC's result) cannot run here, or undefined: it needs liburing, and
 * SINGLE_ISSUER + DEFER_TASKRUN, buffer rings and multishot recv (Linux 6.1).
 */
export function floorMissing(floor) {
  if (floor.reason) return `C liburing rows need liburing: ${floor.reason}`
  if (!kernelAtLeast('6.1')) return `C liburing rows need Linux 6.1 (SINGLE_ISSUER + DEFER_TASKRUN, buffer rings, multishot recv); this kernel is ${os.release()}`
  return undefined
}

export async function netSuites(report) {
  const loadgen = compileC('netload')
  if (loadgen.reason) {
    console.log(`\n(net suites skipped: the load generator c/netload.c cannot be built: ${loadgen.reason})`)
    return
  }
  const floor = compileC('netfloor', ['-luring'])
  const net = await importIouringNet()
  const byNetload = (server, load, options) => netload(loadgen.binary, server, load, options)

  const node = (kind, options = {}) => ({ server: [process.execPath, SERVE, kind, JSON.stringify(options)] })
  const onIouringNet = (need, kind, options = {}) => {
    const reason = missing(net, need)
    return reason ? { skip: reason } : node(kind, { ...options, net: IOURING_NET })
  }
  const floorSkip = floorMissing(floor)
  const inC = (mode) => (floorSkip ? { skip: floorSkip } : { server: [floor.binary, mode] })

  const unpinned = unpinnedReason()
  console.log(
    `\nnet suites: ${RUNS} runs a row, each a fresh server process and ${WARMUP} s of warm-up, then ${SECONDS} s measured; ` +
      (unpinned ? `not pinned (${unpinned})` : 'server on CPU 0, load generator on CPU 1') +
      `; load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}` +
      (IOURING_NET === '@iouring/net' ? '' : `; the @iouring/net rows run on ${IOURING_NET} (BENCH_NET_MODULE)`),
  )
  report.net = { runs: RUNS, warmup: WARMUP, pinned: unpinned === undefined, loadAverage: os.loadavg(), iouringNet: IOURING_NET }

  const httpRows = [
    ['C liburing responder (the floor)', inC('http')],
    ['@iouring/net responder', onIouringNet('createServer', 'responder')],
    ['node:net responder', node('responder', { net: 'node:net' })],
    ['node:http', node('http')],
    ['node:http over @iouring/net', onIouringNet('createServer', 'http')],
  ]
  for (const connections of [64, 256]) {
    await suite(report, {
      title: `HTTP/1.1 keep-alive, ${connections} connections, one request in flight each (requests/s; c/netload.c)`,
      per: 'req',
      baseline: 'node:net responder',
      rows: httpRows,
      load: { mode: 'http', connections },
      measure: byNetload,
    })
  }
  if (hasWrk()) {
    for (const connections of [64, 256]) {
      await suite(report, {
        title: `HTTP/1.1 keep-alive, ${connections} connections, wrk -t1 ${Math.max(1, Math.round(SECONDS))} s after 1 s (cross-check of c/netload.c; requests/s)`,
        per: 'req',
        baseline: 'node:net responder',
        rows: httpRows,
        load: { connections },
        measure: wrk,
      })
    }
  } else {
    console.log('\n(wrk cross-check skipped: no wrk; on Debian/Ubuntu: apt-get install wrk)')
  }

  const echoRows = [
    ['C liburing echo (the floor)', inC('echo')],
    ['@iouring/net', onIouringNet('createServer', 'echo')],
    ['node:net', node('echo', { net: 'node:net' })],
  ]
  for (const [title, load] of [
    ['128-byte echo ping-pong, 64 connections (round trips/s)', { mode: 'echo', connections: 64, size: 128, window: 128 }],
    ['16 KiB streaming echo, 16 connections, at most 64 KiB unanswered each (16 KiB messages/s)', { mode: 'echo', connections: 16, size: 16384, window: 65536 }],
  ]) {
    await suite(report, { title, per: 'msg', baseline: 'node:net', rows: echoRows, load, measure: byNetload })
  }

  // Issue 16.
  const threaded = (threads, balance) => onIouringNet('threadedServer', 'threads', { threads, balance })
  await suite(report, {
    title: 'HTTP/1.1 keep-alive, 256 connections, servers on worker threads (requests/s; server and load generator share CPUs 0 and 1)',
    per: 'req',
    baseline: 'node:net responder',
    rows: [
      ['node:net responder', node('responder', { net: 'node:net' })],
      ['@iouring/net, SO_REUSEPORT listeners, threads = 1', threaded(1, 'reusePort')],
      ['@iouring/net, SO_REUSEPORT listeners, threads = 2', threaded(2, 'reusePort')],
      ['@iouring/net, one acceptor + msgRingFd, threads = 1', threaded(1, 'msgRingFd')],
      ['@iouring/net, one acceptor + msgRingFd, threads = 2', threaded(2, 'msgRingFd')],
      ['@iouring/net, one acceptor + msgRing (fd numbers), threads = 2', threaded(2, 'msgRing')],
    ],
    load: { mode: 'http', connections: 256 },
    measure: byNetload,
    cpus: BOTH_CPUS,
  })
  await suite(report, {
    title: '64-byte UDP datagrams echoed, 64 sockets, one unanswered each (datagrams/s)',
    per: 'dgram',
    baseline: 'node:dgram',
    rows: [
      ['@iouring/net createSocket', onIouringNet('createSocket', 'udp')],
      ['node:dgram', node('udp', { net: 'node:dgram' })],
    ],
    load: { mode: 'udp', connections: 64, size: 64 },
    measure: byNetload,
  })
  const writer = (zeroCopy) => {
    const reason = missing(net, 'createServer') ?? missing(net, 'zeroCopyOptions')
    return reason ? { skip: reason } : node('writer', { net: IOURING_NET, size: 1 << 20, zeroCopy })
  }
  await suite(report, {
    title: '1 MiB socket.write()s to one connection, as fast as c/netload.c reads (MiB/s)',
    per: 'MiB',
    baseline: 'node:net',
    rows: [
      ['@iouring/net, zero-copy sends', writer(true)],
      ['@iouring/net, no zero-copy', writer(false)],
      ['node:net', node('writer', { net: 'node:net', size: 1 << 20 })],
    ],
    load: { mode: 'sink', connections: 1, size: 1 << 20 },
    measure: byNetload,
  })
}

/** One measurement: a fresh server on its CPUs, `measure`'s load on the others. */
async function once(server, { load, measure, cpus }) {
  const running = await startServer(server, cpus.server)
  try {
    return await measure(running, load, { cpus: cpus.client, seconds: SECONDS, warmup: WARMUP })
  } finally {
    await running.stop()
  }
}

/**
 * Measures every runnable row RUNS times, interleaved, prints the suite's table with ratios to
 * `baseline` and adds it to the report. A row that fails is reported as failed (and the bench
 * exits non-zero); the other rows go on.
 */
async function suite(report, { title, per, baseline, rows, load, measure, cpus = PINNED }) {
  const reports = new Map()
  const failed = new Map()
  for (let run = 0; run < RUNS; run++) {
    for (const [name, row] of rows) {
      if (row.skip || failed.has(name)) continue
      try {
        const result = await once(row.server, { load, measure, cpus })
        reports.set(name, [...(reports.get(name) ?? []), result])
      } catch (err) {
        failed.set(name, err.message)
        process.exitCode = 1
      }
    }
  }
  const results = rows.map(([name, row]) => {
    if (row.skip) return { name, skipped: row.skip }
    if (failed.has(name)) return { name, failed: failed.get(name) }
    return summarize(name, reports.get(name))
  })
  printNetTable(title, per, results, baseline)
  report.suites.push({ title, baseline, per, load, cpus, rows: results })
}

/** A row's medians; CPU per operation in µs. `runs` holds each run's rate, as the other suites' rows do. */
function summarize(name, runs) {
  const of = (pick) => {
    const values = runs.map(pick).filter((v) => v !== undefined && v !== null && !Number.isNaN(v))
    return values.length ? median(values) : undefined
  }
  return {
    name,
    rate: of((r) => r.rate),
    serverCpuUs: of((r) => r.server_cpu_us / r.ops),
    machineCpuUs: of((r) => r.machine_cpu_us / r.ops),
    p50Us: of((r) => r.latency_us?.p50),
    p99Us: of((r) => r.latency_us?.p99),
    runs: runs.map((r) => r.rate),
    reports: runs,
  }
}

const formatUs = (us) => (us === undefined ? '-' : us >= 100 ? us.toFixed(0) : us.toFixed(1))

function printNetTable(title, per, rows, baseline) {
  const base = rows.find((r) => r.name === baseline)
  const ratio = (value, of) => (value === undefined || of === undefined ? '' : `${(value / of).toFixed(2)}x`)
  const header = ['case', 'median', 'vs base', `server µs/${per}`, 'vs base', `machine µs/${per}`, 'p50 µs', 'p99 µs', 'runs from-to']
  const lines = rows.map((r) => {
    if (r.skipped) return [r.name, `skipped: ${r.skipped}`]
    if (r.failed) return [r.name, `failed: ${r.failed.split('\n')[0]}`]
    return [
      r.name,
      formatRate(r.rate),
      ratio(r.rate, base?.rate),
      formatUs(r.serverCpuUs),
      ratio(r.serverCpuUs, base?.serverCpuUs),
      formatUs(r.machineCpuUs),
      formatUs(r.p50Us),
      formatUs(r.p99Us),
      `${formatRate(Math.min(...r.runs))} - ${formatRate(Math.max(...r.runs))}`,
    ]
  })
  const measured = lines.filter((l) => l.length > 2)
  const widths = header.map((h, i) => Math.max(h.length, ...measured.map((l) => l[i].length), i === 0 ? Math.max(...lines.map((l) => l[0].length)) : 0))
  const cells = (l) => l.map((cell, i) => (i === 0 || l.length === 2 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ').trimEnd()
  console.log(`\n${title}${base?.rate ? `; vs base: ratio to ${baseline}` : ''}`)
  console.log(`  ${cells(header)}`)
  for (const line of lines) console.log(`  ${cells(line)}`)
}
