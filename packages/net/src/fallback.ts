// Where io_uring is unavailable, or the kernel lacks what Server and Socket
// need, @iouring/net is node:net and node:dgram (index.ts exports their own
// classes and functions), and a warning (IOURING_NET_FALLBACK) says so once
// per thread.
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

/** The kernel the UDP socket needs: multishot recvmsg. */
const DATAGRAM_KERNEL = '6.0'

/**
 * Refuses a UDP socket on a kernel without multishot recvmsg:
 * ERR_IOURING_UNAVAILABLE. Where Server and Socket fall back to node:net,
 * createSocket() is node:dgram's and this is never reached; on Linux 5.19,
 * which carries Server and Socket and not UDP, it is.
 */
export function requireDatagramKernel(): void {
  if (kernelAtLeast(DATAGRAM_KERNEL)) return
  const lacks = `@iouring/net's UDP socket needs Linux ${DATAGRAM_KERNEL} or newer (multishot recvmsg), and this kernel is ${kernelVersion().release}`
  throw Object.assign(codedError('ERR_IOURING_UNAVAILABLE', `${lacks}; use a newer kernel, or node:dgram`), { reason: 'kernel' })
}
