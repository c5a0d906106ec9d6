import preset from '@iouring/tooling/vitest'

// Packs every package once (src/pack.mjs) for all the test files. Installs
// and the publish dry run take seconds each; nothing here needs a ring.
export default {
  test: {
    ...preset.test,
    include: ['test/**/*.test.mjs'],
    globalSetup: ['src/pack.mjs'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
}
