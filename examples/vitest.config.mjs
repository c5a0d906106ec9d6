import { availability } from '@iouring/native'
import { withRings } from '@iouring/tooling/vitest'

const config = withRings(availability())
export default { test: { ...config.test, include: ['test/**/*.test.mjs'] } }
