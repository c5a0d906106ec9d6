interface SkippableContext {
  skip(note?: string): never
}
/** Skips the running test (vitest's `ctx.skip`) unless `supported`, printing why: `what` needs Linux `since`. */
export function skipUnless(ctx: SkippableContext, supported: boolean, what: string, since: string): void
/** Returns `start()`, or skips the running test, printing the error's message, if it throws ERR_IOURING_UNSUPPORTED_OP. */
export function skipIfUnsupported<T>(ctx: SkippableContext, start: () => T): T
