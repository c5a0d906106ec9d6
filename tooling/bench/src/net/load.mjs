// Runs one measurement of a net suite: the server in a fresh process pinned to its CPUs, then the
// load generator (c/netload.c, or wrk) in another pinned to the others; returns the load
// generator's report (the JSON line netload prints; wrk's output in the same shape).
import { execFile, execFileSync, spawn } from 'node:child_process'
import os from 'node:os'
import { promisify } from 'node:util'

const run = promisify(execFile)

/** How long a server may take to print its port, and the load generator longer than its run. */
const START_TIMEOUT_MS = 20_000
const LOAD_SLACK_MS = 30_000

let tasksetFound

/** Why the processes cannot be pinned here (they then run unpinned), or undefined when they can. */
export function unpinnedReason() {
  if (os.cpus().length < 2) return 'fewer than 2 CPUs'
  if (tasksetFound === undefined) {
    try {
      execFileSync('taskset', ['-V'], { stdio: 'ignore' })
      tasksetFound = true
    } catch {
      tasksetFound = false
    }
  }
  return tasksetFound ? undefined : 'no taskset; on Debian/Ubuntu: apt-get install util-linux'
}

/** Whether wrk is installed (`wrk --version` prints its version and exits with status 1). */
export function hasWrk() {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' })
  } catch (err) {
    return err.code !== 'ENOENT'
  }
  return true
}

/** `argv` run on the CPUs in `cpus` (taskset's list form, '0' or '0,1'), when pinning is possible. */
function pinned(cpus, argv) {
  return unpinnedReason() === undefined ? ['taskset', '-c', cpus, ...argv] : argv
}

/** Runs `argv` to its end on `cpus`, killed after `timeout` ms; resolves to { stdout, stderr }. */
function runOn(cpus, argv, timeout) {
  const [command, ...args] = pinned(cpus, argv)
  return run(command, args, { timeout })
}

/**
 * Starts `argv` (a server that prints "listening <port>") on `cpus`; resolves to
 * `{ pid, port, stop() }` once it listens. stop() ends it and rejects if it had died on its own.
 */
export function startServer(argv, cpus) {
  const [command, ...args] = pinned(cpus, argv)
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] })
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })))
  return new Promise((resolve, reject) => {
    let out = ''
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`${argv.join(' ')} did not print "listening <port>" within ${START_TIMEOUT_MS / 1000} s`))
    }, START_TIMEOUT_MS)
    child.on('error', (err) => {
      clearTimeout(timer)
      reject(err)
    })
    child.stdout.on('data', (data) => {
      out += data
      const match = /^listening (\d+)$/m.exec(out)
      if (!match) return
      clearTimeout(timer)
      child.stdout.removeAllListeners('data')
      child.stdout.resume()
      resolve({ pid: child.pid, port: Number(match[1]), stop: () => stop(child, exited, argv) })
    })
    exited.then(({ code, signal }) => {
      clearTimeout(timer)
      reject(new Error(`${argv.join(' ')} exited (${signal ?? code}) before listening`))
    })
  })
}

async function stop(child, exited, argv) {
  if (child.exitCode !== null || child.signalCode !== null) {
    const { code, signal } = await exited
    throw new Error(`${argv.join(' ')} died during the run (${signal ?? code})`)
  }
  child.kill('SIGTERM')
  const kill = setTimeout(() => child.kill('SIGKILL'), 5000)
  await exited
  clearTimeout(kill)
}

/**
 * Runs the load generator at `binary` against `server` on `cpus` for `seconds` after `warmup`:
 * `load` is { mode, connections, size?, window? } (netload's options). Resolves to its report.
 */
export async function netload(binary, server, load, { cpus, seconds, warmup }) {
  const args = ['--port', String(server.port), '--pid', String(server.pid), '--seconds', String(seconds), '--warmup', String(warmup)]
  for (const [name, value] of Object.entries(load)) args.push(`--${name}`, String(value))
  const { stdout } = await runOn(cpus, [binary, ...args], (seconds + warmup) * 1000 + LOAD_SLACK_MS)
  return JSON.parse(stdout)
}

const UNIT_US = { us: 1, ms: 1e3, s: 1e6 }

/**
 * wrk -t1 as a cross-check of netload's HTTP mode: a 1 s warm-up run, then one of `seconds`
 * (rounded, wrk takes whole seconds). Resolves to { ops, rate, latency_us: { p50, p99 } }; no CPU figures.
 */
export async function wrk(server, { connections }, { cpus, seconds }) {
  const url = `http://127.0.0.1:${server.port}/`
  const wrkFor = (duration) => runOn(cpus, ['wrk', '-t1', `-c${connections}`, `-d${duration}s`, '--latency', url], duration * 1000 + LOAD_SLACK_MS)
  await wrkFor(1)
  const { stdout } = await wrkFor(Math.max(1, Math.round(seconds)))
  if (/Non-2xx|Socket errors/.test(stdout)) throw new Error(`wrk reported errors:\n${stdout}`)
  const ops = Number(/(\d+) requests in/.exec(stdout)?.[1])
  const rate = Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1])
  const latency = (percent) => {
    const [, value, unit] = new RegExp(`^\\s+${percent}%\\s+([\\d.]+)(us|ms|s)$`, 'm').exec(stdout) ?? []
    return Number(value) * UNIT_US[unit]
  }
  if (!(ops > 0 && rate > 0)) throw new Error(`cannot read wrk's output:\n${stdout}`)
  return { ops, rate, latency_us: { p50: latency(50), p99: latency(99) } }
}
