import preset from '@iouring/tooling/vitest'

// The bench is plain JavaScript: its tests are .mjs files.
export default { ...preset, test: { ...preset.test, include: ['test/**/*.test.mjs'] } }
