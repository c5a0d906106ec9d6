// A setup file: the safety net for a test that blocks its whole process.
// vitest's testTimeout and hookTimeout are timers on the test's own thread, so
// they never fire while that thread is stuck in a system call (a synchronous
// io_uring_enter waiting for a completion the kernel never posts). A worker
// thread has its own event loop: it keeps each test's deadline (its timeout
// plus a grace period for its hooks, 60 s unless the config provides
// `watchdogGraceMs`; the grace alone between tests) and, once one passes,
// names the test on stderr and kills the test process. vitest then reports
// the file as failed and the run goes on with the next file.
import { Worker } from 'node:worker_threads'
import { afterAll, afterEach, beforeAll, beforeEach, inject } from 'vitest'

const graceMs = inject('watchdogGraceMs') ?? 60_000

const WATCHER = `
const { parentPort } = require('node:worker_threads')
const { writeSync } = require('node:fs')
const watched = new Map()
parentPort.on('message', ({ id, name, deadline }) => {
  if (deadline === undefined) watched.delete(id)
  else watched.set(id, { name, deadline })
})
setInterval(() => {
  for (const { name, deadline } of watched.values()) {
    if (Date.now() < deadline) continue
    writeSync(2, '\\nwatchdog: "' + name + '" ran past its timeout plus ${graceMs} ms: its thread is blocked (in a system call?)' +
      ' or its hooks never finish; killing test process ' + process.pid + '\\n')
    process.kill(process.pid, 'SIGKILL')
  }
}, 1000)
`

const key = Symbol.for('@iouring/tooling/watchdog')
const state = (globalThis[key] ??= { worker: undefined })
state.worker ??= new Worker(WATCHER, { eval: true })
state.worker.unref()
const watch = (id, name, timeout) => state.worker.postMessage({ id, name, deadline: Date.now() + timeout + graceMs })
const release = (id) => state.worker.postMessage({ id })

// Between tests (the file's beforeAll/afterAll, a describe block's hooks) the
// file itself is watched; during a test, the test is.
const FILE = 'file'
beforeAll(() => watch(FILE, "the test file's beforeAll hooks", 0))
beforeEach(({ task }) => {
  release(FILE)
  watch(task.id, task.fullTestName ?? task.name, task.timeout)
})
afterEach(({ task }) => {
  release(task.id)
  watch(FILE, `the hooks after "${task.fullTestName ?? task.name}"`, 0)
})
afterAll(() => release(FILE))
