// What the sockets of one ring share: the ring itself and the buffer ring
// every socket of it receives into.
import { BufferRing } from '@iouring/buffers'
import { defaultRing, type IoUring } from '@iouring/core'
import { invalidArgType, invalidState } from './errors.js'
import { validateBoolean } from './args.js'

/** How the shared receive buffers of a ring are made (receiveBuffers()). */
export interface ReceiveBufferOptions {
  /** Buffers in the ring: a power of two. Default 512. */
  entries?: number
  /** Bytes per buffer: the most one receive completion carries, unless it is a bundle. Default 32768. */
  size?: number
  /**
   * Let one receive completion take as many buffers as the data waiting in the socket fills
   * (IORING_RECVSEND_BUNDLE), where the kernel has it (6.10): fewer, larger `data` chunks. Default true.
   */
  bundle?: boolean
}

const DEFAULTS = { entries: 512, size: 32768, bundle: true }
const groups = new WeakMap<IoUring, BufferRing>()
const settings = new WeakMap<IoUring, Required<ReceiveBufferOptions>>()

/** The ring a socket or server uses: `options.ring`, or this thread's default ring. */
export function ringOf(ring: unknown): IoUring {
  if (ring === undefined) return defaultRing()
  if (ring === null || typeof ring !== 'object' || !('operations' in ring)) throw invalidArgType('options.ring', 'an instance of IoUring', ring)
  return ring as IoUring
}

/**
 * Sets how the buffer ring that `ring`'s sockets receive into is made, before
 * its first socket receives: `entries` buffers of `size` bytes (a buffer ring,
 * Linux 5.19). Many connections with small messages want small buffers;
 * a few fast streams want large ones.
 */
export function setReceiveBuffers(ring: IoUring, options: ReceiveBufferOptions): void {
  validateBoolean(options.bundle, 'options.bundle')
  if (groups.has(ring)) throw invalidState("the ring's sockets already receive into a buffer ring; set its size before the first socket reads")
  settings.set(ring, { ...DEFAULTS, ...options })
}

/** The buffer ring `ring`'s sockets receive into, made on first use. */
export function receiveGroup(ring: IoUring): BufferRing {
  let group = groups.get(ring)
  if (group === undefined) {
    const { entries, size } = settings.get(ring) ?? DEFAULTS
    group = new BufferRing(ring, { entries, size })
    groups.set(ring, group)
  }
  return group
}

/** Whether `ring`'s sockets receive in bundles: asked for (the default) and the kernel has them. */
export function receivesBundles(ring: IoUring): boolean {
  return (settings.get(ring) ?? DEFAULTS).bundle && ring.features.has('RECVSEND_BUNDLE')
}
