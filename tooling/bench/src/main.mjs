// pnpm bench: runs every suite in one run and prints each as a table of
// rates and ratios; writes all rows to bench-results/<timestamp>.json, and
// each group's chart beside it (<timestamp>-<group>.svg, chart.mjs).
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { IORING_SETUP_COOP_TASKRUN, IORING_SETUP_SINGLE_ISSUER } from '@iouring/ops'
import { liburingReader } from './cases.mjs'
import { writeCharts } from './chart.mjs'
import { SECONDS, median, printTable, run } from './harness.mjs'
import { netSuites } from './net/suites.mjs'

const root = path.resolve(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname), '../../..')
const only = process.argv[2] // optional suite filter: nop, events, setup, read, fs, net
const report = { date: new Date().toISOString(), kernel: os.release(), node: process.version, cpus: os.cpus()[0]?.model, seconds: SECONDS, suites: [] }

// BENCH_REPEAT=n runs every row of a suite n times, interleaved (all rows,
// then all rows again), and reports each row's median, with its spread.
// One run of 1.5 s on a shared 2-vCPU VM moves by 15-30%.
const REPEAT = Number(process.env.BENCH_REPEAT ?? 1)
report.repeat = REPEAT

/** Runs the suites of one group (nop, events, ...) where the command line asks for it; their charts are drawn together. */
async function group(name, suites) {
  if (only && only !== name) return
  const first = report.suites.length
  await suites()
  for (const suite of report.suites.slice(first)) suite.group = name
}

async function suite(title, baseline, rows) {
  const runs = rows.map(() => [])
  const cpus = rows.map(() => [])
  const perOps = rows.map(() => [])
  for (let rep = 0; rep < REPEAT; rep++) {
    for (let i = 0; i < rows.length; i++) {
      const result = await rows[i][1]()
      if (result === undefined) continue
      // A case reports a rate, or { rate, cpu } with its CPU seconds, or { rate, cpuPerOp } with its CPU µs per operation.
      runs[i].push(typeof result === 'number' ? result : result.rate)
      if (typeof result === 'object' && result.cpu !== undefined) cpus[i].push(result.cpu)
      if (typeof result === 'object' && result.cpuPerOp !== undefined) perOps[i].push(result.cpuPerOp)
    }
  }
  const results = rows.flatMap(([name], i) =>
    runs[i].length === 0
      ? []
      : [{ name, rate: median(runs[i]), runs: runs[i], ...(cpus[i].length ? { cpu: median(cpus[i]) } : {}), ...(perOps[i].length ? { cpuPerOp: median(perOps[i]) } : {}) }],
  )
  printTable(title, results, baseline)
  report.suites.push({ title, baseline, rows: results })
}

const URING = { UV_USE_IO_URING: '1' }

/** What @iouring/core's rings are created with by default (SINGLE_ISSUER + COOP_TASKRUN), for the C rows that match them. */
const DEFAULT_FLAGS = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_COOP_TASKRUN

function fio(file, depth) {
  try {
    execFileSync('fio', ['--version'], { stdio: 'ignore' })
  } catch {
    return undefined
  }
  const out = execFileSync('fio', ['--name=randread', `--filename=${file}`, '--ioengine=io_uring', '--rw=randread', '--bs=4k',
    `--iodepth=${depth}`, '--direct=0', `--runtime=${SECONDS}`, '--time_based', '--output-format=json'], { encoding: 'utf8' })
  return JSON.parse(out).jobs[0].read.iops
}

await group('nop', async () => {
  await suite('NOP round trips (no alternative in node:fs; targets: low-level batch 128 >= 10 M/s, promise >= 4 M/s)', 'low-level, batch 128', [
    ['low-level, batch 1', () => run('nop-lowlevel', { batch: 1 })],
    ['low-level, batch 32', () => run('nop-lowlevel', { batch: 32 })],
    ['low-level, batch 128', () => run('nop-lowlevel', { batch: 128 })],
    ['promise ring.nop(), depth 1', () => run('nop-promise', { depth: 1 })],
    ['promise ring.nop(), depth 128', () => run('nop-promise', { depth: 128 })],
    ['promise ring.nop(), depth 128, require()', () => run('nop-promise', { depth: 128, loader: 'require' })],
  ])
})

await group('events', async () => {
  await suite('Cost of an AbortSignal on a promise operation (ring.nop at depth 128)', 'nop, no signal', [
    ['nop, no signal', () => run('nop-promise', { depth: 128 })],
    ['nop, { signal }', () => run('nop-signal', { depth: 128 })],
  ])
  await suite('Zero-delay wake-ups, one at a time (rate = 1 / latency)', 'setTimeout(0)', [
    ['ring.sleep(0)', () => run('sleep0-ring')],
    ['setTimeout(0)', () => run('sleep0-setTimeout')],
    ['setImmediate', () => run('sleep0-setImmediate')],
  ])
})

await group('setup', async () => {
  // DESIGN.md: single-issuer setup flags are chosen by measurement, on two
  // workloads: reads that complete inline (a page-cached file) and stats,
  // which the kernel always hands to its io-wq workers.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iouring-bench-'))
  const file = path.join(dir, 'setup.bin')
  fs.writeFileSync(file, Buffer.alloc(256 << 20, 0x5a))
  const statDir = path.join(dir, 'stat')
  fs.mkdirSync(statDir)
  for (let i = 0; i < 10000; i++) fs.writeFileSync(path.join(statDir, String(i)), '')
  try {
    const variants = [[], ['SINGLE_ISSUER'], ['SINGLE_ISSUER', 'COOP_TASKRUN'], ['SINGLE_ISSUER', 'COOP_TASKRUN', 'TASKRUN_FLAG'], ['SINGLE_ISSUER', 'DEFER_TASKRUN']]
    const label = (setup) => (setup.length ? setup.join(' + ') : 'no flags')
    await suite('Setup flags: promise 4 KiB reads at depth 32 (page-cached 256 MiB file)', 'no flags', variants.map((setup) => [
      label(setup),
      () => run('read-promise', { path: file, depth: 32, setup }),
    ]))
    await suite('Setup flags: ring.stat of 10,000 files, all started at once', 'no flags', variants.map((setup) => [
      label(setup),
      () => run('stat-ring', { dir: statDir, count: 10000, setup }),
    ]))
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
})

await group('read', async () => {
  process.env.IOURING_BENCH_READER = liburingReader() ?? ''
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iouring-bench-'))
  const file = path.join(dir, 'data.bin')
  try {
    const size = Number(process.env.BENCH_FILE_MB ?? 1024) << 20
    const chunk = Buffer.alloc(64 << 20, 0x5a)
    const fd = fs.openSync(file, 'w')
    for (let written = 0; written < size; written += chunk.length) fs.writeSync(fd, chunk)
    fs.closeSync(fd)
    // Read it once so every later read is served from the page cache.
    fs.readFileSync(file).length
    const seconds = SECONDS
    for (const depth of [1, 32, 128]) {
      const args = { path: file, depth, seconds }
      await suite(`4 KiB random reads of a page-cached ${size >> 20} MiB file, queue depth ${depth}`, 'fs.promises FileHandle.read', [
        ['@iouring ring.read (promise)', () => run('read-promise', args)],
        ['@iouring low-level (batch = depth)', () => run('read-lowlevel', args)],
        ['fs.read callbacks', () => run('read-fs-callback', args)],
        ['fs.read callbacks, UV_USE_IO_URING=1', () => run('read-fs-callback', args, URING)],
        ['fs.promises FileHandle.read', () => run('read-fs-promises', args)],
        ['fs.promises FileHandle.read, UV_USE_IO_URING=1', () => run('read-fs-promises', args, URING)],
        ['fio --ioengine=io_uring (C)', () => fio(file, depth)],
        // Registration (issue 4): fixed buffer + fixed file, registered ring fd on/off, C liburing plain reads.
        ['@iouring ring.readFixed, fixed file + buffer (promise)', () => run('read-fixed-promise', args)],
        ['@iouring low-level READ_FIXED, fixed file + buffer', () => run('read-lowlevel', { ...args, fixed: true })],
        ['@iouring ring.read (promise), ring fd not registered', () => run('read-promise', { ...args, registerRingFd: false })],
        ['@iouring low-level, ring fd registered', () => run('read-lowlevel', { ...args, registerRingFd: true })],
        ['@iouring low-level, ring fd not registered', () => run('read-lowlevel', { ...args, registerRingFd: false })],
        ['C liburing plain reads, depth in flight', () => run('read-liburing', { ...args, mode: 'depth' })],
        ['C liburing plain reads, batch = depth', () => run('read-liburing', { ...args, mode: 'batch' })],
        ['C liburing plain reads, depth in flight, our default setup flags', () => run('read-liburing', { ...args, mode: 'depth', setupFlags: DEFAULT_FLAGS })],
        ['C liburing plain reads, batch = depth, our default setup flags', () => run('read-liburing', { ...args, mode: 'batch', setupFlags: DEFAULT_FLAGS })],
      ])
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
})

await group('fs', async () => {
  // Whole files (issue 5): @iouring/core/fs against node:fs/promises and callbacks. BENCH_DIR picks
  // the file system (default: the OS temp directory); BENCH_COPY_MB the size of the copied file.
  const base = process.env.BENCH_DIR ?? os.tmpdir()
  const dir = fs.mkdtempSync(path.join(base, 'iouring-bench-fs-'))
  let type = 'unknown file system'
  try {
    type = execFileSync('stat', ['-f', '-c', '%T', base], { encoding: 'utf8' }).trim()
  } catch {
    // no stat(1): the title says so
  }
  const where = `${base}, ${type}`
  // The opt-in polling ring (IOURING_FS_SQPOLL) is the counterpart of UV_USE_IO_URING=1's: it
  // matters where a request waits in an io-wq worker, so its row is in the readFile/writeFile suites.
  const SQPOLL = { IOURING_FS_SQPOLL: '10' }
  const rows = (name, args, polling = false) => [
    ['@iouring/core/fs', () => run(name, { ...args, api: 'iouring' })],
    ...(polling ? [['@iouring/core/fs, IOURING_FS_SQPOLL=10', () => run(name, { ...args, api: 'iouring' }, SQPOLL)]] : []),
    ['fs.promises', () => run(name, { ...args, api: 'promises' })],
    ['fs.promises, UV_USE_IO_URING=1', () => run(name, { ...args, api: 'promises' }, URING)],
    ['fs callbacks', () => run(name, { ...args, api: 'callback' })],
    ['fs callbacks, UV_USE_IO_URING=1', () => run(name, { ...args, api: 'callback' }, URING)],
  ]
  // One at a time, the *Sync call is the floor no asynchronous API gets under: the kernel's own time.
  const fileRows = (name, args) => rows(name, args, true)
  const withSync = (name, args) => [...fileRows(name, args), ['node:fs *Sync (the kernel alone; for reference)', () => run(name, { ...args, api: 'sync' })]]
  try {
    for (const [label, size, depth] of [['4 KiB', 4096, 1], ['4 KiB', 4096, 32], ['1 MiB', 1 << 20, 8], ['64 MiB', 64 << 20, 1]]) {
      const file = path.join(dir, `read-${size}`)
      fs.writeFileSync(file, Buffer.alloc(size, 0x5a))
      // Small files many at once: the same requests in C (c/files-at-depth.c), on our ring and on an SQPOLL ring.
      const withC = (name, args) => [
        ...fileRows(name, args),
        ['C liburing, the same requests (the floor)', () => run(name, { ...args, api: 'c' })],
        ['C liburing, the same requests, SQPOLL ring', () => run(name, { ...args, api: 'c-sqpoll' })],
      ]
      const suiteRows = depth === 1 ? withSync : size === 4096 ? withC : fileRows
      await suite(`readFile of a ${label} file, ${depth} at a time (files/s; ${where})`, 'fs.promises', suiteRows('fs-readfile', { path: file, depth }))
      await suite(`writeFile of ${label}, ${depth} at a time, each replacing its own file (files/s; ${where})`, 'fs.promises', suiteRows('fs-writefile', { dir, size, depth }))
    }
    const statDir = path.join(dir, 'stat')
    fs.mkdirSync(statDir)
    for (let i = 0; i < 10000; i++) fs.writeFileSync(path.join(statDir, String(i)), '')
    await suite(`stat of 10,000 files, all started at once (stats/s; ${where})`, 'fs.promises', rows('fs-stat', { dir: statDir, count: 10000 }))
    await suite(`stat of 10,000 files, all started at once, each result dropped as it comes (stats/s; ${where})`, 'fs.promises', rows('fs-stat', { dir: statDir, count: 10000, keep: false }))
    // The same as the first, each batch started after a turn of the event loop: the previous batch's
    // results are then unreachable when the next batch's allocations make V8 collect (core README).
    await suite(`stat of 10,000 files, all started at once, each batch after a turn of the event loop (stats/s; ${where})`, 'fs.promises', rows('fs-stat', { dir: statDir, count: 10000, turn: true }))
    const copyMb = Number(process.env.BENCH_COPY_MB ?? 1024)
    const src = path.join(dir, 'copy-src')
    const chunk = Buffer.alloc(64 << 20, 0x5a)
    const fd = fs.openSync(src, 'w')
    for (let written = 0; written < copyMb << 20; written += chunk.length) fs.writeSync(fd, chunk, 0, Math.min(chunk.length, (copyMb << 20) - written))
    fs.closeSync(fd)
    fs.readFileSync(src).length
    const copyArgs = { src, dst: path.join(dir, 'copy-dst') }
    // @iouring/core/fs's copyFile is node:fs/promises's (copy_file_range); the last row is the ring's splice copy.
    await suite(`copyFile of a ${copyMb} MiB file (copies/s; ${where})`, 'fs.promises', [
      ...rows('fs-copy', copyArgs),
      ['@iouring ring.sendfile (splice through a 1 MiB pipe)', () => run('fs-copy', { ...copyArgs, api: 'sendfile' })],
    ])
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
})

await group('net', () => netSuites(report))

await group('buffers', async () => {
  // Provided buffers (issue 14): another process writes BENCH_PIPE_MB (default 256) MiB into a pipe
  // (64 KiB, the default size) as fast as it is read; MiB/s and the reader's CPU seconds.
  // @iouring/core has no readMultishot yet: the multishot rows use its low-level API (ring.onCqe).
  const mb = Number(process.env.BENCH_PIPE_MB ?? 256)
  await suite(`Reading ${mb} MiB from a pipe another process writes (MiB/s, reader CPU seconds)`, 'fs.createReadStream', [
    ['READ_MULTISHOT + BufferRing 16 x 64 KiB, copy out', () => run('pipe-multishot', { mb, entries: 16, lend: false })],
    ['READ_MULTISHOT + BufferRing 16 x 64 KiB, lend + release', () => run('pipe-multishot', { mb, entries: 16, lend: true })],
    ['READ_MULTISHOT + BufferRing 2 x 64 KiB, copy out (runs dry)', () => run('pipe-multishot', { mb, entries: 2, lend: false })],
    ['ring.read() one-shot into one reused 64 KiB buffer', () => run('pipe-read-promise', { mb })],
    ['fs.createReadStream', () => run('pipe-fs-stream', { mb })],
    ['fs.createReadStream, UV_USE_IO_URING=1', () => run('pipe-fs-stream', { mb }, URING)],
    ['net.Socket (how Node reads process.stdin)', () => run('pipe-net-socket', { mb })],
  ])
})

const outDir = path.join(root, 'bench-results')
fs.mkdirSync(outDir, { recursive: true })
const out = path.join(outDir, `${report.date.replace(/[:.]/g, '-')}.json`)
fs.writeFileSync(out, JSON.stringify(report, null, 2) + '\n')
console.log(`\nwrote ${path.relative(root, out)}`)
for (const chart of writeCharts(report, out)) console.log(`wrote ${path.relative(root, chart)}`)
