// Copying a directory tree twice.
//
// First with @iouring/core/fs, a drop-in for node:fs/promises: the same
// functions, each call a promise, but the reads and writes go through an
// io_uring ring. Everything started in one tick of the event loop goes to the
// kernel with one system call (io_uring_enter).
//
// Then by hand, with the low-level API. io_uring is two queues shared with the
// kernel: we write submission queue entries (SQEs, "read 100 bytes of fd 5
// into this address"), hand a whole batch over with one io_uring_enter, and
// read the completion queue entries (CQEs: the result of each) back. The copy
// takes one batch per step (make the directories, open, read, write, close),
// however many files there are.
import { constants } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { mkdtemp, mkdir, readdir, readFile, writeFile, stat, rm } from '@iouring/core/fs'
import { availability, IoUring, systemError } from '@iouring/core'
import { addressOf } from '@iouring/native'
import { IOSQE_IO_LINK, prepClose, prepMkdir, prepOpen, prepRead, prepWrite, setFlags, setUserData } from '@iouring/ops'

const work = await mkdtemp(join(tmpdir(), 'iouring-file-io-'))
try {
  // A small tree to copy.
  const source = join(work, 'source')
  await mkdir(join(source, 'docs', 'drafts'), { recursive: true })
  await mkdir(join(source, 'data'))
  await writeFile(join(source, 'README.txt'), 'A tree copied through io_uring.\n')
  await writeFile(join(source, 'docs', 'guide.txt'), 'Chapter 1: rings.\n'.repeat(100))
  await writeFile(join(source, 'docs', 'drafts', 'todo.txt'), 'write chapter 2\n')
  await writeFile(join(source, 'data', 'bytes.bin'), Buffer.alloc(256 * 1024, 'io_uring'))
  const tree = await walk(source)
  const bytes = tree.files.reduce((sum, file) => sum + file.size, 0)
  console.log(`source: ${tree.directories.length} directories, ${tree.files.length} files, ${bytes} bytes`)

  // 1. The fs facade: the code you would write with node:fs/promises.
  await copyWithFacade(source, join(work, 'facade-copy'))
  console.log(`fs facade copy identical: ${await sameTree(tree, source, join(work, 'facade-copy'))}`)

  // 2. The low-level API needs a ring of its own. Where io_uring is denied (a
  // container's seccomp profile, say), the facade above ran on node:fs instead
  // (its IOURING_FS_FALLBACK warning said why), but there is no ring to drive.
  const here = availability()
  if (!here.available) {
    console.log(`low-level copy skipped: io_uring is unavailable here (${here.reason})`)
  } else {
    const ring = new IoUring({ entries: 64 })
    try {
      // The facade runs mkdir through node:fs where the kernel lacks it; by hand, we must ask first.
      if (ring.probe().supports('MKDIRAT')) {
        copyByHand(ring, tree, source, join(work, 'low-level-copy'))
        console.log(`low-level copy identical: ${await sameTree(tree, source, join(work, 'low-level-copy'))}`)
        console.log(`low-level copy: ${tree.files.length} files in ${ring.stats.enterCalls} io_uring_enter calls`)
      } else {
        console.log('low-level copy skipped: this kernel has no IORING_OP_MKDIRAT (Linux 5.15)')
      }
    } finally {
      await ring.dispose()
    }
  }
} finally {
  await rm(work, { recursive: true })
}

/** The directories (parents first) and files of `root`, as paths relative to it, with each file's size. */
async function walk(root) {
  // readdir is node:fs/promises's own (io_uring has no getdents); the stats go
  // through the ring, all of them in one submission.
  const paths = await readdir(root, { recursive: true })
  const stats = await Promise.all(paths.map((path) => stat(join(root, path))))
  const directories = paths.filter((_, i) => stats[i].isDirectory())
  directories.sort((a, b) => a.split('/').length - b.split('/').length)
  const files = paths.flatMap((path, i) => stats[i].isFile() ? [{ path, size: stats[i].size }] : [])
  return { directories, files }
}

/** Copies `from` to `to` with the fs facade, the entries of each directory all at once. */
async function copyWithFacade(from, to) {
  await mkdir(to)
  const entries = await readdir(from, { withFileTypes: true })
  // Started together, these reads and writes share io_uring_enter calls.
  await Promise.all(entries.map(async (entry) => {
    if (entry.isDirectory()) await copyWithFacade(join(from, entry.name), join(to, entry.name))
    else await writeFile(join(to, entry.name), await readFile(join(from, entry.name)))
  }))
}

/** Copies the tree by hand: one batch of SQEs per step. */
function copyByHand(ring, tree, from, to) {
  // The kernel reads paths as NUL-terminated strings at an address. These
  // buffers must stay alive until their CQEs are in, so we keep them in arrays.
  const cString = (path) => Buffer.from(`${path}\0`)
  const targetDirs = [to, ...tree.directories.map((dir) => join(to, dir))].map(cString)
  const sourcePaths = tree.files.map((file) => cString(join(from, file.path)))
  const targetPaths = tree.files.map((file) => cString(join(to, file.path)))
  const contents = tree.files.map((file) => Buffer.alloc(file.size))

  // Make the directories. The kernel may run independent requests in parallel,
  // so each mkdir is linked to the next (IOSQE_IO_LINK): it starts only after
  // the one before it succeeded, and a parent always exists before its child.
  runBatch(ring, 'mkdir', targetDirs.map((path, i) => (sqes, at) => {
    prepMkdir(sqes, at, addressOf(path), 0o755)
    if (i < targetDirs.length - 1) setFlags(sqes, at, IOSQE_IO_LINK)
  }))

  // Open every source and every target: one batch, one system call.
  const { O_RDONLY, O_WRONLY, O_CREAT, O_TRUNC } = constants
  const fds = runBatch(ring, 'open', [
    ...sourcePaths.map((path) => (sqes, at) => prepOpen(sqes, at, addressOf(path), O_RDONLY, 0)),
    ...targetPaths.map((path) => (sqes, at) => prepOpen(sqes, at, addressOf(path), O_WRONLY | O_CREAT | O_TRUNC, 0o644)),
  ])
  const sources = fds.slice(0, tree.files.length)
  const targets = fds.slice(tree.files.length)

  // Read each file whole, then write it whole. A read of a regular file gets
  // everything it asks for unless the file shrinks meanwhile; a program that
  // cannot rule that out reads again from where a short read stopped.
  const read = runBatch(ring, 'read', sources.map((fd, i) => (sqes, at) =>
    prepRead(sqes, at, fd, addressOf(contents[i]), contents[i].length, 0)))
  runBatch(ring, 'write', targets.map((fd, i) => (sqes, at) =>
    prepWrite(sqes, at, fd, addressOf(contents[i]), read[i], 0)))

  runBatch(ring, 'close', fds.map((fd) => (sqes, at) => prepClose(sqes, at, fd)))
}

/**
 * Submits one SQE per entry of `fillers` (each writes its SQE at byte offset
 * `at` of `ring.sqes` with an @iouring/ops encoder), waits for their CQEs and
 * returns their results in order. A negative result is an error number
 * (-2 is ENOENT), which becomes a Node-style error naming `syscall`.
 */
function runBatch(ring, syscall, fillers) {
  const results = []
  // As many at once as the submission queue holds.
  for (let first = 0; first < fillers.length; first += ring.params.sqEntries) {
    const batch = fillers.slice(first, first + ring.params.sqEntries)
    batch.forEach((fill, i) => {
      const at = ring.getSqe()               // a free SQE: its byte offset in ring.sqes
      fill(ring.sqes, at)
      setUserData(ring.sqes, at, first + i)  // our tag; the CQE hands it back
    })
    // One io_uring_enter: submit the batch and sleep until all of it is done.
    ring.submitAndWait(batch.length, { timeoutMs: 10_000 })
    const reaped = ring.forEachCqe((userData, res) => { results[userData] = res })
    if (reaped < batch.length) throw new Error(`${syscall}: ${batch.length - reaped} requests still running after 10 s`)
  }
  // (A real program would also close whatever did open before giving up.)
  const failed = results.find((res) => res < 0)
  if (failed !== undefined) throw systemError(failed, syscall)
  return results
}

/** Whether every file of `tree` has the same bytes under `copy` as under `original`. */
async function sameTree(tree, original, copy) {
  for (const file of tree.files) {
    const [a, b] = await Promise.all([readFile(join(original, file.path)), readFile(join(copy, file.path))])
    if (!a.equals(b)) return false
  }
  return true
}
