import preset from './vitest.preset.mjs'

export default { test: { ...preset.test, include: ['test/**/*.test.mjs'] } }
