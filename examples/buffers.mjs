// Two ways to hand the kernel memory ahead of time.
//
// 1. A registered-buffer pool. Each plain read or write makes the kernel pin
//    the pages of its buffer, and unpin them afterwards. Registered buffers are
//    pinned once, up front; READ_FIXED and WRITE_FIXED then name one by index.
//    Here a FixedBufferPool splits one registered slab into pieces, and a file
//    is copied through them, four chunks in flight.
//
// 2. A provided buffer ring. A read normally brings its own buffer, which sits
//    idle until data comes. With a buffer ring the kernel picks a free buffer
//    from a group when the data arrives. One multishot read on a pipe then
//    delivers every chunk written into it, each in a buffer the kernel chose.
import { join } from 'node:path'
import { tmpdir } from 'node:os'
import { mkdtemp, open, readFile, rm } from 'node:fs/promises'
import { IoUring } from '@iouring/core'
import { BufferRing, FixedBufferPool } from '@iouring/buffers'

const ring = new IoUring()
const work = await mkdtemp(join(tmpdir(), 'iouring-buffers-'))
try {
  // ---- 1. Copy a 1 MiB file through a pool of 4 registered buffers of 64 KiB.
  const size = 1 << 20
  const data = Buffer.alloc(size)
  for (let i = 0; i < size; i += 4) data.writeUInt32LE(i, i)
  const source = await open(join(work, 'source.bin'), 'w+')
  const target = await open(join(work, 'target.bin'), 'w')
  await source.writeFile(data)

  const pool = new FixedBufferPool(ring, { size: 64 * 1024, count: 4 })  // registered with the ring
  let next = 0
  let chunks = 0
  async function copier() {
    const piece = pool.acquire()  // a FixedBuffer: { index, offset, length, buffer }
    try {
      for (let position = next; position < size; position = next) {
        next += piece.length
        // Into the piece (registered buffer `index`, from `offset`), then out of it.
        const n = await ring.readFixed(source.fd, piece.index, piece.offset, piece.length, position)
        await ring.writeFixed(target.fd, piece.index, piece.offset, n, position)
        chunks++
      }
    } finally {
      piece.release()             // back to the pool for the next acquire()
    }
  }
  await Promise.all([copier(), copier(), copier(), copier()])
  await Promise.all([source.close(), target.close()])
  pool.unregister()
  const copied = await readFile(join(work, 'target.bin'))
  console.log(`registered buffers: copied ${copied.length} bytes in ${chunks} chunks through ${pool.count} pieces of ${pool.size} bytes; identical: ${copied.equals(data)}`)

  // ---- 2. Read a pipe with one multishot read into a buffer ring.
  const group = new BufferRing(ring, { entries: 8, size: 4096 })  // 8 buffers of 4 KiB, group id group.groupId
  const [readEnd, writeEnd] = await ring.pipe()
  const messages = ['first message', 'second message', 'third message']
  await ring.write(writeEnd, Buffer.from(messages[0]))
  // IORING_OP_READ_MULTISHOT (Linux 6.7): armed once, a completion per chunk,
  // until the end of the pipe. take: 'lend' hands out the kernel's buffer itself
  // (no copy) until release(); the default, 'copy', hands out a Buffer to keep.
  let received = 0
  for await (const lease of ring.readMultishot(readEnd, group, { take: 'lend' })) {
    console.log(`buffer ring: the kernel put "${lease.buffer}" into buffer ${lease.bufferId}`)
    lease.release()             // the buffer goes back into the ring, with no system call
    received++
    if (received < messages.length) await ring.write(writeEnd, Buffer.from(messages[received]))
    else await ring.close(writeEnd)   // the end of the pipe ends the multishot read
  }
  console.log(`buffer ring: ${received} chunks, ${group.stats.available} of ${group.count} buffers free again`)
  await ring.close(readEnd)
  group.unregister()
} finally {
  await rm(work, { recursive: true })
  await ring.dispose()
}
