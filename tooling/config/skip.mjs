// For tests: a test that needs what this kernel lacks skips, printing the
// reason: what it needs and the Linux version that added it. Decide
// `supported` by probing the ring (opcodes, feature bits, a setup flag's
// EINVAL) or, where the kernel changed behaviour without reporting it, by the
// kernel's version.
import { release } from 'node:os'

/** Skips the running test (vitest's `ctx.skip`) unless `supported`, printing why. */
export function skipUnless(ctx, supported, what, since) {
  if (supported) return
  const reason = `${what} needs Linux ${since}; this kernel is ${release()}`
  console.warn(`skipped: ${reason}`)
  ctx.skip(reason)
}

/**
 * Runs `start` and returns what it returns; if it throws
 * ERR_IOURING_UNSUPPORTED_OP (the library's own probe or version check, whose
 * message names the version that added the operation), skips the running
 * test with that message printed instead.
 */
export function skipIfUnsupported(ctx, start) {
  try {
    return start()
  } catch (err) {
    if (err?.code !== 'ERR_IOURING_UNSUPPORTED_OP') throw err
    console.warn(`skipped: ${err.message}`)
    return ctx.skip(err.message)
  }
}
