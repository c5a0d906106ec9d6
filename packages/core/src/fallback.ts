// The drop-in facades (@iouring/core/fs, @iouring/net) run on Node's own
// modules where io_uring cannot carry them, and say so once; IOURING_STRICT=1
// in the environment makes them throw ERR_IOURING_UNAVAILABLE instead.

/** A drop-in facade, as its fallback warning names it. */
export interface Facade {
  /** The package: '@iouring/core/fs'. */
  readonly name: string
  /** The Node.js module it runs on instead: 'node:fs/promises'. */
  readonly instead: string
  /** The warning's code: 'IOURING_FS_FALLBACK'. */
  readonly code: string
}

/**
 * Whether `facade` runs on Node's own module: when io_uring cannot carry it
 * (`reason`, one sentence; undefined: it can) and IOURING_STRICT is not '1'.
 * When it does, a process warning with the facade's code says so and why.
 * A facade asks once per thread.
 */
export function facadeFallsBack(facade: Facade, reason: string | undefined): boolean {
  if (reason === undefined || process.env.IOURING_STRICT === '1') return false
  process.emitWarning(`${facade.name} runs on ${facade.instead}: ${reason}. IOURING_STRICT=1 makes it throw ERR_IOURING_UNAVAILABLE instead`, { code: facade.code })
  return true
}
