// Where io_uring is unavailable, or the kernel lacks what Server and Socket
// need, @iouring/net is node:net (index.ts exports node:net's own classes and
// functions), and a warning (IOURING_NET_FALLBACK) says so once per thread.
// Decided when the thread loads this package: the classes a module exports
// are fixed then, and `instanceof`, `new` and `extends` must agree with what
// createServer() and connect() return.
import { availability, facadeFallsBack } from '@iouring/core'
import { kernelAtLeast, kernelVersion } from '@iouring/register'
import { codedError } from './errors.js'

/** The kernel Server and Socket need: buffer rings and multishot accept. */
const STREAMS_KERNEL = '5.19'

/** Why this kernel cannot carry Server and Socket, or undefined. */
const kernelLacks = kernelAtLeast(STREAMS_KERNEL)
  ? undefined
  : `@iouring/net's Server and Socket need Linux ${STREAMS_KERNEL} or newer (buffer rings, multishot accept), and this kernel is ${kernelVersion().release}`

function onNodeNet(): boolean {
  const here = availability()
  return facadeFallsBack({ name: '@iouring/net', instead: 'node:net', code: 'IOURING_NET_FALLBACK' }, here.available ? kernelLacks : here.message)
}

/** Whether this thread's @iouring/net is node:net's. */
export const fallsBack = onNodeNet()

/**
 * Refuses a Server or Socket on a kernel without what they need, where
 * IOURING_STRICT=1 kept @iouring/net from falling back: ERR_IOURING_UNAVAILABLE.
 */
export function requireStreamKernel(): void {
  if (kernelLacks === undefined) return
  throw Object.assign(codedError('ERR_IOURING_UNAVAILABLE', `${kernelLacks}; use a newer kernel, or unset IOURING_STRICT to run on node:net`), { reason: 'kernel' })
}
