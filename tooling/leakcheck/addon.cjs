// Exercises every entry point of the addon, then forces collection, for
// valgrind: node tooling/leakcheck/run.mjs (see README.md there).
const native = require('@iouring/native')
const { IoUring } = require('@iouring/core')
;(async () => {
  for (let i = 0; i < 20; i++) {
    const r = native.setup({ entries: 8 }, () => {})
    native.register(r.handle, 8, new Uint8Array(16 + 256 * 8), 256)
    native.registerRingFd(r.handle)
    native.submit(r.handle)
    native.enter(r.handle, 0, 0, 0, null)
    native.close(r.handle)
  }
  // shared memory: detached, collected, and a kernel-allocated buffer ring region
  for (let i = 0; i < 20; i++) {
    const memory = native.mapMemory(65536)
    native.detach(native.alias(memory, 4096, 4096))
    if (i % 2) native.detach(memory)
    const r = native.setup({ entries: 8 }, () => {})
    const reg = new DataView(new ArrayBuffer(40))
    reg.setUint32(8, 8, true)
    reg.setUint16(14, 1, true) // IOU_PBUF_RING_MMAP, group 0
    native.register(r.handle, 22, reg, 1)
    const region = native.mapRingRegion(r.handle, 0x80000000, 4096)
    native.close(r.handle)
    if (i % 2) native.detach(region)
  }
  // @iouring/buffers: buffer rings in both kinds of memory, leases released and collected
  {
    const { BufferRing } = require('@iouring/buffers')
    const r = native.setup({ entries: 8 }, () => {})
    const own = new BufferRing({ handle: r.handle }, { entries: 8, size: 4096 })
    const mapped = new BufferRing({ handle: r.handle }, { entries: 8, size: 4096, kernelMemory: true })
    own.lend(100, 1).release()
    mapped.lend(100, 1 | (1 << 16))
    own.unregister()
    native.close(r.handle)
    mapped.unregister()
  }
  const ring = new IoUring({ entries: 8 })
  await Promise.all(Array.from({ length: 100 }, () => ring.nop()))
  await ring.dispose()
  // DEFER_TASKRUN: the addon's eventfd and its watcher; an io-wq completion wakes it
  const deferred = new IoUring({ entries: 8, setup: ['SINGLE_ISSUER', 'DEFER_TASKRUN'] })
  native.ringEventfd(deferred.handle)
  await deferred.stat('/')
  await deferred.dispose()
  // two rings of one thread: work one's completions start on the other is flushed from the first's prepare hook
  const one = new IoUring({ entries: 4 })
  const two = new IoUring({ entries: 4 })
  for (let i = 0; i < 10; i++) { await one.nop(); await two.nop() }
  await Promise.all([one.dispose(), two.dispose()])
  native.availability()
  // rings never closed (one with an eventfd): freed by environment teardown
  // a ring dropped idle: closed by its FinalizationRegistry after a collection
  ;(() => new IoUring({ entries: 2 }))()
  for (let i = 0; i < 5; i++) { global.gc(); await new Promise(r => setImmediate(r)) }
  // rings never closed (one with an eventfd, one with a read in flight on a
  // registered buffer): cancelled, drained and freed by environment teardown
  const leaked = new IoUring({ entries: 4 })
  await leaked.nop()
  const [readEnd] = native.pipe()
  const pending = new IoUring({ entries: 4 })
  const buffer = new Uint8Array(4096)
  native.register(pending.handle, 0, new BigUint64Array([BigInt(native.addressOf(buffer)), 4096n]), 1)
  pending.read(readEnd, buffer).catch(() => {})
  pending.unref()
  const leakedDeferred = new IoUring({ entries: 4, setup: ['SINGLE_ISSUER', 'DEFER_TASKRUN'] })
  await leakedDeferred.stat('/')
  await new Promise(r => setTimeout(r, 10)); global.gc(); await new Promise(r => setTimeout(r, 10)); global.gc(); console.log('done')
})()
