// What a UDP socket receives into and how a datagram is read back: the
// buffer ring a ring's UDP sockets share, and the layout a multishot
// recvmsg writes into each buffer (io_uring_recvmsg_out, the sender's
// sockaddr, then the payload).
import { BufferRing, MAX_BUFFER_SIZE, MAX_RING_ENTRIES } from '@iouring/buffers'
import { validateInteger } from '@iouring/register'
import type { IoUring } from '@iouring/core'
import { AF_INET, AF_INET6, MSG_TRUNC, RECVMSG_OUT_FLAGS, RECVMSG_OUT_NAMELEN, RECVMSG_OUT_SIZE, SOCKADDR_IN6_SIZE, formatIP } from '@iouring/ops'
import { invalidArgType, invalidArgValue, invalidState } from './errors.js'

/** How the buffers a ring's UDP sockets receive into are made (setDatagramBuffers()). */
export interface DatagramBufferOptions {
  /** Buffers in the ring, a power of two: datagrams taken from the kernel per turn of the event loop before a receive is re-armed. Default 128. */
  entries?: number
  /** The largest datagram received whole; larger ones arrive cut to this size with `rinfo.truncated`. Default 65,527, the most a UDP datagram over IPv6 carries (65,507 over IPv4). */
  messageSize?: number
}

/** What the sender of a datagram is, as node:dgram's 'message' event gives it. */
export interface RemoteInfo {
  /** The sender's address. */
  address: string
  /** 'IPv4' or 'IPv6'. */
  family: 'IPv4' | 'IPv6'
  /** The sender's port. */
  port: number
  /** Bytes of the message. */
  size: number
  /** Set only when the datagram was larger than the receive buffers' messageSize and was cut to it (MSG_TRUNC). */
  truncated?: true
}

/** The largest UDP payload: 65,535 less the UDP header (8) and, over IPv4, the IP header (20). */
const MAX_UDP_PAYLOAD = 65_527
/**
 * Room for the sender's address in each buffer: a sockaddr_in6, which holds
 * either family, so that udp4 and udp6 sockets share one buffer ring.
 */
export const NAME_ROOM = SOCKADDR_IN6_SIZE
/** Where the payload starts in a buffer (no ancillary data is asked for). */
const PAYLOAD_AT = RECVMSG_OUT_SIZE + NAME_ROOM

const DEFAULTS: Required<DatagramBufferOptions> = { entries: 128, messageSize: MAX_UDP_PAYLOAD }
const groups = new WeakMap<IoUring, BufferRing>()
const settings = new WeakMap<IoUring, Required<DatagramBufferOptions>>()

/**
 * Sets how the buffer ring `ring`'s UDP sockets receive into is made, before
 * the first of them binds: `entries` buffers, each holding a datagram of up to
 * `messageSize` bytes and its sender's address. Memory is reserved for every
 * buffer (entries × (messageSize + 44) bytes) but only the pages datagrams
 * fill are touched.
 */
export function setDatagramBuffers(ring: IoUring, options: DatagramBufferOptions): void {
  if (options === null || typeof options !== 'object') throw invalidArgType('options', 'of type object', options)
  if (groups.has(ring)) throw invalidState("the ring's UDP sockets already receive into a buffer ring; set its size before the first one binds")
  const entries = validateInteger(options.entries ?? DEFAULTS.entries, 'options.entries', 1, MAX_RING_ENTRIES)
  if ((entries & (entries - 1)) !== 0) throw invalidArgValue('options.entries', `must be a power of two. Received ${entries}`)
  const messageSize = validateInteger(options.messageSize ?? DEFAULTS.messageSize, 'options.messageSize', 0, MAX_BUFFER_SIZE - PAYLOAD_AT)
  settings.set(ring, { entries, messageSize })
}

/** The buffer ring `ring`'s UDP sockets receive into, made on first use. */
export function datagramGroup(ring: IoUring): BufferRing {
  let group = groups.get(ring)
  if (group === undefined) {
    const { entries, messageSize } = settings.get(ring) ?? DEFAULTS
    group = new BufferRing(ring, { entries, size: PAYLOAD_AT + messageSize })
    groups.set(ring, group)
  }
  return group
}

/** The payload of a buffer a multishot recvmsg filled (`raw`: a copy of its first `res` bytes), as a view of `raw`. */
export function payloadOf(raw: Buffer): Buffer {
  return raw.subarray(PAYLOAD_AT)
}

// The text of the last sender's address, kept: a socket mostly hears from the
// same few peers, and formatting an address costs more than comparing bytes.
let lastV4 = -1
let lastV4Text = ''
const lastV6 = Buffer.alloc(16)
let lastV6Text = ''

/**
 * The sender of a datagram, as node:dgram's `rinfo`, from a buffer a
 * multishot recvmsg filled (`raw`); undefined for a sender of another family
 * than IP (none reaches a UDP socket).
 */
export function senderOf(raw: Buffer): RemoteInfo | undefined {
  if (raw.readUInt32LE(RECVMSG_OUT_NAMELEN) < 2) return undefined
  const at = RECVMSG_OUT_SIZE
  const family = raw.readUInt16LE(at)
  const port = raw.readUInt16BE(at + 2)
  const size = raw.length - PAYLOAD_AT
  const truncated = (raw.readUInt32LE(RECVMSG_OUT_FLAGS) & MSG_TRUNC) !== 0
  let rinfo: RemoteInfo
  if (family === AF_INET) {
    const bits = raw.readUInt32BE(at + 4)
    if (bits !== lastV4) {
      lastV4 = bits
      lastV4Text = `${bits >>> 24}.${(bits >>> 16) & 0xff}.${(bits >>> 8) & 0xff}.${bits & 0xff}`
    }
    rinfo = { address: lastV4Text, family: 'IPv4', port, size }
  } else if (family === AF_INET6) {
    const bytes = raw.subarray(at + 8, at + 24)
    if (!bytes.equals(lastV6) || lastV6Text === '') {
      bytes.copy(lastV6)
      lastV6Text = formatIP(bytes)
    }
    rinfo = { address: lastV6Text, family: 'IPv6', port, size }
  } else return undefined
  if (truncated) rinfo.truncated = true
  return rinfo
}
