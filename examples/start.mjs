// A tour of @iouring/core: what this kernel's io_uring offers, a file written
// and read back through the ring, and a short read race against node:fs.
import { randomInt } from 'node:crypto'
import { open, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir, release } from 'node:os'
import { join } from 'node:path'
import { IoUring } from '@iouring/core'
import { OPCODES } from '@iouring/ops'

const ring = new IoUring()
console.log(`Linux ${release()}, Node.js ${process.version}`)
console.log(`ring: fd ${ring.params.fd}, ${ring.params.sqEntries} SQ entries, ${ring.params.cqEntries} CQ entries`)
console.log(`setup flags: ${ring.params.setup.join(' ') || '(none)'}`)
console.log(`features (${ring.params.features.length}): ${ring.params.features.join(' ')}`)

const probe = ring.probe()
const missing = OPCODES.filter((op) => !probe.supports(op.name))
console.log(`probe: ${OPCODES.length - missing.length} of ${OPCODES.length} opcodes supported (last opcode ${probe.lastOp})` +
  (missing.length ? `; missing: ${missing.map((op) => `${op.name} (${op.since})`).join(', ')}` : ''))

const dir = await mkdtemp(join(tmpdir(), 'iouring-tour-'))
try {
  // Write a file through the ring and read it back.
  const file = await open(join(dir, 'hello.txt'), 'w+')
  const text = Buffer.from('Hello from io_uring: these bytes went through the mapped SQ ring.\n')
  const written = await ring.write(file.fd, text, 0)
  await ring.fsync(file.fd)
  const back = Buffer.alloc(written)
  const read = await ring.read(file.fd, back, 0)
  console.log(`\nwrote ${written} bytes, read ${read} back: ${back.toString().trim()}`)
  console.log(`identical: ${back.equals(text)}`)
  await file.close()

  // A short race: 4 KiB random reads of a page-cached 64 MiB file, 32 in flight.
  const size = 64 << 20
  const path = join(dir, 'race.bin')
  const data = await open(path, 'w+')
  await data.writeFile(Buffer.alloc(size, 7))
  await data.sync()
  const blocks = size / 4096
  const depth = 32
  const seconds = 0.8

  async function race(name, readOne) {
    let done = 0
    const deadline = performance.now() + seconds * 1000
    const worker = async () => {
      const buf = Buffer.allocUnsafe(4096)
      while (performance.now() < deadline) {
        await readOne(buf, randomInt(blocks) * 4096)
        done++
      }
    }
    const start = performance.now()
    await Promise.all(Array.from({ length: depth }, worker))
    return { name, rate: done / ((performance.now() - start) / 1000) }
  }

  console.log(`\n4 KiB random reads of a page-cached 64 MiB file, ${depth} in flight, ${seconds} s each:`)
  const results = [
    await race('@iouring/core ring.read', (buf, pos) => ring.read(data.fd, buf, pos)),
    await race('node:fs/promises FileHandle.read', (buf, pos) => data.read(buf, 0, 4096, pos)),
  ]
  const base = results[1].rate
  for (const { name, rate } of results) {
    console.log(`  ${name.padEnd(34)} ${Math.round(rate).toLocaleString('en-US').padStart(10)} reads/s  ${(rate / base).toFixed(2)}x`)
  }
  await data.close()
} finally {
  await rm(dir, { recursive: true, force: true })
  await ring.dispose()
}
console.log(`\nring stats: ${JSON.stringify(ring.stats)}`)
