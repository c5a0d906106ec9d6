// How long one test (or hook) may take: 30 s, or IOURING_TEST_TIMEOUT_MS on a
// slower machine (the kernel runner's guest on an emulated CPU). The vitest
// preset uses it; so do tests that bound a synchronous wait of their own.
export const TEST_TIMEOUT_MS = Number(process.env.IOURING_TEST_TIMEOUT_MS) || 30_000
