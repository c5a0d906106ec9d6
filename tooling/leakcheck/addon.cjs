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
  const ring = new IoUring({ entries: 8 })
  await Promise.all(Array.from({ length: 100 }, () => ring.nop()))
  await ring.dispose()
  // DEFER_TASKRUN: the addon's eventfd and its watcher; an io-wq completion wakes it
  const deferred = new IoUring({ entries: 8, setup: ['SINGLE_ISSUER', 'DEFER_TASKRUN'] })
  native.ringEventfd(deferred.handle)
  await deferred.stat('/')
  await deferred.dispose()
  // rings never closed (one with an eventfd): freed by environment teardown
  const leaked = new IoUring({ entries: 4 })
  await leaked.nop()
  const leakedDeferred = new IoUring({ entries: 4, setup: ['SINGLE_ISSUER', 'DEFER_TASKRUN'] })
  await leakedDeferred.stat('/')
  await new Promise(r => setTimeout(r, 10)); global.gc(); await new Promise(r => setTimeout(r, 10)); global.gc(); console.log('done')
})()
