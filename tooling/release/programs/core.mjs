// Installed next to @iouring/core alone (from its tarball) and run there: a
// file written and read back through a ring, then read with the fs facade.
// Prints what it saw, and what the kernel says the process held (rings, the
// addon it loaded), as one JSON line.
import { mkdtemp, open, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { IoUring } from '@iouring/core'
import { readFile } from '@iouring/core/fs'
import { loadedAddons, openRings } from './observe.cjs'

const dir = await mkdtemp(join(tmpdir(), 'iouring-core-'))
const ring = new IoUring()
try {
  const path = join(dir, 'ring.txt')
  const text = Buffer.from('written and read back through io_uring\n')
  const file = await open(path, 'w+')
  const written = await ring.write(file.fd, text, 0)
  const back = Buffer.alloc(text.length)
  const read = await ring.read(file.fd, back, 0)
  await file.close()
  console.log(JSON.stringify({
    written,
    read,
    readBack: back.toString(),
    viaFacade: await readFile(path, 'utf8'),
    rings: openRings(),
    addons: loadedAddons(),
  }))
} finally {
  await ring.dispose()
  await rm(dir, { recursive: true })
}
