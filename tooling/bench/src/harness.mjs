// Timing and reporting shared by every suite. A case runs for a fixed time
// after a warm-up and reports operations per second; the table prints each
// row's ratio to the suite's baseline row.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export const SECONDS = Number(process.env.BENCH_SECONDS ?? 1.5)

/** The process's CPU time (user + system, every thread: libuv's pool and io_uring's io-wq workers too) since `from`, in µs. */
export function cpuSince(from) {
  const used = process.cpuUsage(from)
  return used.user + used.system
}

/**
 * What the measure functions return: ops/s, or with `cpu` set
 * `{ rate, cpuPerOp }`, the process's CPU µs per operation in the same window.
 */
function result(ops, start, end, cpuStart, cpu) {
  const rate = ops / ((end - start) / 1000)
  return cpu ? { rate, cpuPerOp: cpuSince(cpuStart) / ops } : rate
}

/** Runs `step()` (which performs `opsPerStep` operations) repeatedly for SECONDS; returns ops/s (`{ cpu: true }`: with CPU µs per op). */
export async function measure(step, opsPerStep = 1, { cpu = false } = {}) {
  const warmEnd = performance.now() + 200
  while (performance.now() < warmEnd) await step()
  let ops = 0
  const cpuStart = process.cpuUsage()
  const start = performance.now()
  const end = start + SECONDS * 1000
  let now = start
  while (now < end) {
    for (let i = 0; i < 16; i++) await step()
    ops += 16 * opsPerStep
    now = performance.now()
  }
  return result(ops, start, now, cpuStart, cpu)
}

/** Like measure() for synchronous steps (no await per step). */
export function measureSync(step, opsPerStep = 1, { cpu = false } = {}) {
  const warmEnd = performance.now() + 200
  while (performance.now() < warmEnd) step()
  let ops = 0
  const cpuStart = process.cpuUsage()
  const start = performance.now()
  const end = start + SECONDS * 1000
  let now = start
  while (now < end) {
    for (let i = 0; i < 64; i++) step()
    ops += 64 * opsPerStep
    now = performance.now()
  }
  return result(ops, start, now, cpuStart, cpu)
}

/** Keeps `depth` async workers each awaiting `one()` in a loop for SECONDS; returns ops/s (`{ cpu: true }`: with CPU µs per op). */
export async function measureDepth(depth, one, { cpu = false } = {}) {
  let ops = 0
  let stop = false
  const worker = async () => {
    while (!stop) {
      await one()
      ops++
    }
  }
  const warm = Array.from({ length: depth }, worker)
  await new Promise((resolve) => setTimeout(resolve, 200))
  stop = true
  await Promise.all(warm)
  stop = false
  ops = 0
  const cpuStart = process.cpuUsage()
  const start = performance.now()
  const timer = setTimeout(() => (stop = true), SECONDS * 1000)
  await Promise.all(Array.from({ length: depth }, worker))
  clearTimeout(timer)
  return result(ops, start, performance.now(), cpuStart, cpu)
}

const caseRunner = fileURLToPath(new URL('./case.mjs', import.meta.url))

/**
 * Runs one registered case in a fresh child process, with extra environment
 * (e.g. UV_USE_IO_URING=1): a row that ran after others in one process would
 * inherit their heap and garbage. Its last line of output is the rate, or
 * `{ "rate": ..., "cpu": ... }` for a case that reports its CPU seconds too
 * ('undefined': the case could not run here, and the row is left out); lines
 * before it are passed on.
 */
export function run(name, args = {}, env = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', caseRunner, name, JSON.stringify(args)], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    let out = ''
    child.stdout.on('data', (d) => (out += d))
    child.on('error', reject)
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`bench case ${name} exited with ${code}`))
      const lines = out.trim().split('\n')
      const last = lines.pop()
      for (const line of lines) console.log(line)
      resolve(last === 'undefined' ? undefined : last.startsWith('{') ? JSON.parse(last) : Number(last))
    })
  })
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

export function formatRate(rate) {
  if (rate >= 1e6) return `${(rate / 1e6).toFixed(2)} M/s`
  if (rate >= 1e3) return `${(rate / 1e3).toFixed(1)} k/s`
  return `${rate.toFixed(1)} /s`
}

/**
 * Prints one suite as a table; `baseline` names the row the ratios divide by.
 * Rows measured more than once (`runs`) show their median and, last, the
 * range of the runs. Rows with `cpu` (seconds) get a CPU column; rows with
 * `cpuPerOp` (µs) a CPU µs/op column.
 */
export function printTable(title, rows, baseline) {
  const base = rows.find((r) => r.name === baseline)?.rate
  const width = Math.max(...rows.map((r) => r.name.length), 10)
  const repeated = rows.some((r) => r.runs?.length > 1)
  const perOp = rows.some((r) => r.cpuPerOp !== undefined)
  const cpu = (row) =>
    perOp ? `${(row.cpuPerOp ?? NaN).toFixed(1).padStart(10)}  ` : rows.some((r) => r.cpu !== undefined) ? `${(row.cpu ?? NaN).toFixed(2).padStart(6)} s  ` : ''
  console.log(`\n${title}`)
  const against = base ? `vs ${baseline}` : ''
  const cpuHeader = perOp ? `${'CPU µs/op'.padStart(10)}  ` : rows.some((r) => r.cpu !== undefined) ? `${'CPU'.padStart(8)}  ` : ''
  console.log(`  ${'case'.padEnd(width)}  ${(repeated ? 'median' : 'rate').padStart(12)}  ${cpuHeader}${repeated ? `${against.padEnd(8)}  runs from-to` : against}`)
  for (const row of rows) {
    const ratio = base ? `${(row.rate / base).toFixed(2)}x` : ''
    const spread = repeated ? `${ratio.padEnd(Math.max(8, base ? baseline.length + 3 : 0))}  ${formatRate(Math.min(...row.runs))} - ${formatRate(Math.max(...row.runs))}` : ratio
    console.log(`  ${row.name.padEnd(width)}  ${formatRate(row.rate).padStart(12)}  ${cpu(row)}${spread}`)
  }
}
