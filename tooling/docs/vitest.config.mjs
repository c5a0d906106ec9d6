import preset from '@iouring/tooling/vitest'

// The check is plain JavaScript: its tests are .mjs files.
export default { ...preset, test: { ...preset.test, include: ['test/**/*.test.mjs'] } }
