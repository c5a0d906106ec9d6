// Multishot requests: one submission that goes on producing completions.
//
// A multishot timeout fires every 100 ms, three times, and each tick writes a
// line into a pipe. A multishot poll on the pipe's read end reports each time
// the pipe becomes readable. Both are one request each, armed once; each
// completion (CQE) the kernel posts for them is one turn of a for await loop.
import { IoUring, POLLIN, POLLHUP } from '@iouring/core'

const ring = new IoUring()
const [readEnd, writeEnd] = await ring.pipe()

// IORING_OP_POLL_ADD with IORING_POLL_ADD_MULTI: a CQE each time the pipe
// becomes readable (edge-triggered: new data, not data still unread).
const readable = ring.pollMultishot(readEnd, POLLIN)
// IORING_OP_TIMEOUT with IORING_TIMEOUT_MULTISHOT (Linux 6.4): a CQE each
// expiry, counting 1, 2, 3; the request ends after `count` of them.
const ticks = ring.timeoutMultishot(100, { count: 3 })

async function writer() {
  for await (const tick of ticks) {
    console.log(`timer: tick ${tick}, writing into the pipe`)
    await ring.write(writeEnd, Buffer.from(`tick ${tick}`))
  }
  console.log('timer: done after 3 ticks, closing the write end')
  await ring.close(writeEnd)
}

async function reader() {
  const buf = Buffer.alloc(64)
  for await (const events of readable) {
    // The poll said there is data (or the write end closed), so this read does not wait.
    const n = await ring.read(readEnd, buf)
    if (n === 0) {
      console.log(`poll: ${names(events)}, end of the pipe: stopping the poll`)
      break      // leaving the loop cancels the poll request in the kernel
    }
    console.log(`poll: ${names(events)}, read "${buf.toString('utf8', 0, n)}"`)
  }
}

/** The poll event bits a completion carried, by name. */
function names(events) {
  const names = []
  if (events & POLLIN) names.push('POLLIN')
  if (events & POLLHUP) names.push('POLLHUP')
  return names.join('|')
}

await Promise.all([writer(), reader()])
await ring.close(readEnd)
await ring.dispose()
