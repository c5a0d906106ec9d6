// Shared vitest settings. Tests talk to the real kernel; a forked process per
// file keeps one file's rings and fds from disturbing another's, and
// --expose-gc lets memory-safety tests force collections. watchdog.mjs kills
// a test process whose test blocks its thread past the timeouts below.
import { fileURLToPath } from 'node:url'
import { TEST_TIMEOUT_MS } from './timeouts.mjs'

const preset = {
  test: {
    pool: 'forks',
    execArgv: ['--expose-gc'],
    testTimeout: TEST_TIMEOUT_MS,
    hookTimeout: TEST_TIMEOUT_MS,
    setupFiles: [fileURLToPath(new URL('./watchdog.mjs', import.meta.url))],
    include: ['test/**/*.test.ts'],
    // The JSON report feeds the workspace's one-line summary (test-summary.mjs).
    reporters: ['default', 'json'],
    outputFile: { json: '.vitest/report.json' },
  },
}

export default preset

/**
 * The preset for packages whose tests make io_uring rings. A test file that
 * needs one says so on a line of its own, `// @module-tag ring` (a single
 * test: `it(name, { tags: ['ring'] }, fn)`). Where io_uring is unavailable
 * (`availability` is @iouring/native's answer) those tests are skipped, with
 * the reason printed once, and the rest still run.
 */
export function withRings(availability) {
  if (!availability.available) {
    console.warn(`io_uring is unavailable here (${availability.reason}), so tests tagged 'ring' are skipped: ${availability.message}`)
  }
  const ring = { name: 'ring', description: 'needs an io_uring ring', skip: !availability.available }
  return { test: { ...preset.test, tags: [ring] } }
}
