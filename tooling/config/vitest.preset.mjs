// Shared vitest settings. Tests talk to the real kernel; a forked process per
// file keeps one file's rings and fds from disturbing another's, and
// --expose-gc lets memory-safety tests force collections.
export default {
  test: {
    pool: 'forks',
    execArgv: ['--expose-gc'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    include: ['test/**/*.test.ts'],
    // The JSON report feeds the workspace's one-line summary (test-summary.mjs).
    reporters: ['default', 'json'],
    outputFile: { json: '.vitest/report.json' },
  },
}
