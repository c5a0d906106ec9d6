// Rings in worker threads, talking through msgRing.
//
// A ring serves one thread, so each thread here makes its own. msgRing posts a
// completion (CQE) straight onto another ring: the thread that owns that ring
// receives it as a message, with no postMessage, lock or pipe in between. Two
// workers pass a counter back and forth, each reporting every hop to the main
// thread's ring. Then the main thread hands worker B a file it opened into its
// ring's registered file table, with msgRingFd.
import { once } from 'node:events'
import { writeFile, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads'
import { IoUring } from '@iouring/core'
import { AT_FDCWD } from '@iouring/ops'
import { registerFilesSparse } from '@iouring/register'

// A message is an int32 `value` and a number `data`; here `data` says what the
// value means.
const PEER = 1    // value: the other worker's ring, by its fd
const COUNTER = 2 // value: the counter
const FILE = 3    // value: the slot of this ring's file table a file was put into
const STOP = 4
const LAST = 6    // the counter stops here

if (isMainThread) await main()
else await worker(workerData)

async function main() {
  const ring = new IoUring()
  const reports = ring.messages()   // what other rings post here, as an async iterator
  const names = ['A', 'B']
  const workers = names.map((_, id) => new Worker(new URL(import.meta.url), { workerData: { id, mainRing: ring.params.fd } }))
  const exited = Promise.all(workers.map((w) => once(w, 'exit')))
  // A ring is addressed by its fd, and fds belong to the whole process. Each
  // worker posts its ring's fd once; from then on everything goes ring to ring.
  const [a, b] = await Promise.all(workers.map(async (w) => (await once(w, 'message'))[0]))
  console.log('main: workers A and B started, each with a ring of its own')
  // msgRing resolves once the message is on the other ring: B knows A before A serves.
  await ring.msgRing(b, a, { data: PEER })
  await ring.msgRing(a, b, { data: PEER })
  for (let hop = 1; hop <= LAST; hop++) {
    const { value: report } = await reports.next()
    console.log(`worker ${names[report.data]} got the counter at ${report.value}`)
  }

  // A registered ("direct") file lives only in its ring's table: it has no fd
  // another thread could use. msgRingFd installs it in another ring's table.
  const work = await mkdtemp(join(tmpdir(), 'iouring-workers-'))
  const text = 'opened by the main thread, read by worker B\n'
  await writeFile(join(work, 'note.txt'), text)
  registerFilesSparse(ring, 1)      // an empty table of one slot
  const slot = await ring.openatDirect(AT_FDCWD, join(work, 'note.txt'), 'r', 0, 0)
  const theirs = await ring.msgRingFd(b, slot, 'alloc', { data: FILE })   // 'alloc': any free slot of B's
  await ring.closeDirect(slot)      // B's copy stays open
  console.log(`main: passed a registered file to worker B, into its slot ${theirs}`)
  const { value: report } = await reports.next()
  console.log(`worker ${names[report.data]} read ${report.value} bytes through it: the whole file: ${report.value === text.length}`)

  for (const peer of [a, b]) await ring.msgRing(peer, 0, { data: STOP })
  await exited
  console.log('main: both workers stopped')
  await reports.return()
  await ring.dispose()
  await rm(work, { recursive: true })
}

async function worker({ id, mainRing }) {
  const ring = new IoUring({ entries: 16 })
  registerFilesSparse(ring, 4)      // room for files other rings pass here
  const inbox = ring.messages()
  parentPort.postMessage(ring.params.fd)
  let peer
  for await (const { value, data } of inbox) {
    if (data === PEER) {
      peer = value
      if (id === 0) await ring.msgRing(peer, 1, { data: COUNTER })   // A serves first
    } else if (data === COUNTER) {
      await ring.msgRing(mainRing, value, { data: id })              // report the hop
      if (value < LAST) await ring.msgRing(peer, value + 1, { data: COUNTER })
    } else if (data === FILE) {
      const file = ring.fixedFile(value)
      const n = await ring.read(file, Buffer.alloc(4096), 0)
      await ring.close(file)
      await ring.msgRing(mainRing, n, { data: id })
    } else if (data === STOP) {
      break                         // leaving the loop stops listening
    }
  }
  await ring.dispose()
}
