/** How long one test (or hook) may take: 30 s, or IOURING_TEST_TIMEOUT_MS on a slower machine. */
export const TEST_TIMEOUT_MS: number
