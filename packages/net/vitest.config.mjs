import { availability } from '@iouring/native'
import { withRings } from '@iouring/tooling/vitest'

export default withRings(availability())
