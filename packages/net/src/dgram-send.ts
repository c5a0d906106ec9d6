// What a UDP send is made of: node:dgram's argument forms for send(), the
// struct msghdr and iovecs one IORING_OP_SENDMSG reads, and the encoded
// destination it names.
import { isIP } from 'node:net'
import type { IoUring } from '@iouring/core'
import * as native from '@iouring/native'
import { IOVEC_SIZE, MSGHDR_SIZE, writeIovecs, writeMsghdr } from '@iouring/ops'
import { validateView } from '@iouring/register'
import { sockaddrOf } from './address.js'
import { validatePort } from './args.js'
import { codedError, invalidArgType } from './errors.js'

export type SendCallback = (error: Error | null, bytes?: number) => void

/** A send() call, normalized: the chunks of the datagram, where it goes (none on a connected socket) and the callback. */
export interface SendRequest {
  list: ArrayBufferView[]
  port: number | undefined
  address: string | undefined
  callback: SendCallback | undefined
}

const VIEW_TYPES = 'of type string or an instance of Buffer, TypedArray, or DataView'

/**
 * node:dgram's send() forms: (msg[, offset, length], port[, address][,
 * callback]) on a socket that is not connected, (msg[, offset, length][,
 * callback]) on one that is; `msg` a string, a view or an array of them. Throws
 * node:dgram's errors for the wrong types, out-of-bounds slices, a bad port, and
 * a destination given to a connected socket.
 */
export function sendRequest(connected: boolean, args: readonly unknown[]): SendRequest {
  const [, offset, length] = args
  let [buffer, , , port, address, callback] = args
  if (!connected) {
    if (address || (port && typeof port !== 'function')) buffer = slice(buffer, offset, length)
    else [callback, port, address] = [port, offset, length]
  } else {
    if (typeof length === 'number') {
      buffer = slice(buffer, offset, length)
      if (typeof port === 'function') [callback, port] = [port, undefined]
    } else callback = offset
    if (port || address) throw codedError('ERR_SOCKET_DGRAM_IS_CONNECTED', 'Already connected')
  }
  const list = chunksOf(buffer)
  const validPort = connected ? undefined : validatePort(port, 'Port', false)
  if (typeof address === 'function') [callback, address] = [address, undefined]
  else if (address !== undefined && address !== null && typeof address !== 'string') throw invalidArgType('address', 'of type string', address)
  return {
    list,
    port: validPort,
    address: (address ?? undefined) as string | undefined,
    callback: typeof callback === 'function' ? (callback as SendCallback) : undefined,
  }
}

/** `length` bytes of `buffer` from `offset`, as node:dgram cuts them (offset and length taken as unsigned 32-bit). */
function slice(buffer: unknown, offset: unknown, length: unknown): Buffer {
  if (typeof buffer === 'string') buffer = Buffer.from(buffer)
  else if (!ArrayBuffer.isView(buffer)) throw invalidArgType('buffer', VIEW_TYPES, buffer)
  const view = validateView(buffer, 'buffer')
  const start = Number(offset) >>> 0
  const bytes = Number(length) >>> 0
  if (start > view.byteLength) throw codedError('ERR_BUFFER_OUT_OF_BOUNDS', '"offset" is outside of buffer bounds', RangeError)
  if (start + bytes > view.byteLength) throw codedError('ERR_BUFFER_OUT_OF_BOUNDS', '"length" is outside of buffer bounds', RangeError)
  return Buffer.from(view.buffer, view.byteOffset + start, bytes)
}

/**
 * The chunks of a datagram. Besides node:dgram's checks, a view the kernel
 * cannot read safely is refused: one whose ArrayBuffer is detached, or
 * resizable (it could shrink under the kernel).
 */
function chunksOf(buffer: unknown): ArrayBufferView[] {
  if (typeof buffer === 'string') return [Buffer.from(buffer)]
  if (ArrayBuffer.isView(buffer)) return [validateView(buffer, 'buffer')]
  if (!Array.isArray(buffer)) throw invalidArgType('buffer', VIEW_TYPES, buffer)
  const list: ArrayBufferView[] = []
  for (const chunk of buffer) {
    if (typeof chunk === 'string') list.push(Buffer.from(chunk))
    else if (ArrayBuffer.isView(chunk)) list.push(validateView(chunk, 'buffer'))
    else throw invalidArgType('buffer list arguments', VIEW_TYPES, buffer)
  }
  return list
}

/** Iovecs a reused header slot has room for; a send of more chunks gets a block of its own. */
const SLOT_CHUNKS = 4
const SLOT_SIZE = MSGHDR_SIZE + IOVEC_SIZE * SLOT_CHUNKS
/** Header slots of one ring: sends beyond this many in flight get blocks of their own. */
const SLOTS = 256

/**
 * The struct msghdr and iovecs of the sends in flight on one ring's UDP
 * sockets, in slots of one block that are reused once a send has completed,
 * so that a send allocates nothing the kernel reads. The chunks stay where
 * they are and the destination is an encoded sockaddr (from Destinations):
 * keep them alive until the CQE.
 */
export class SendHeaders {
  readonly #memory = new ArrayBuffer(SLOTS * SLOT_SIZE)
  readonly #view = new DataView(this.#memory)
  readonly #base = native.addressOf(this.#memory)
  readonly #free: number[] = Array.from({ length: SLOTS }, (_, i) => SLOTS - 1 - i)

  /** A free slot for a send of `chunks` chunks, or -1 (then use encodeSendHeader()). */
  acquire(chunks: number): number {
    return chunks <= SLOT_CHUNKS && this.#free.length > 0 ? (this.#free.pop() as number) : -1
  }

  /** Writes the send's msghdr into `slot` and returns its address. */
  write(slot: number, list: readonly ArrayBufferView[], to: Uint8Array | undefined): number {
    return writeSendHeader(this.#view, slot * SLOT_SIZE, this.#base, list, to)
  }

  /** The send in `slot` has completed. */
  release(slot: number): void {
    this.#free.push(slot)
  }
}

const headersByRing = new WeakMap<IoUring, SendHeaders>()

/** The header slots of `ring`'s UDP sockets, made on the first send. */
export function sendHeaders(ring: IoUring): SendHeaders {
  let headers = headersByRing.get(ring)
  if (headers === undefined) headersByRing.set(ring, (headers = new SendHeaders()))
  return headers
}

/** A block of its own holding a send's msghdr and iovecs; keep it alive until the CQE. */
export function encodeSendHeader(list: readonly ArrayBufferView[], to: Uint8Array | undefined): Uint8Array {
  const block = new Uint8Array(MSGHDR_SIZE + IOVEC_SIZE * list.length)
  writeSendHeader(new DataView(block.buffer), 0, native.addressOf(block), list, to)
  return block
}

/**
 * A struct msghdr at `at` with its iovecs after it (one per chunk), naming the
 * destination `to` (none on a connected socket); `base` is the address of
 * `view`'s first byte. More chunks than IOV_MAX (1024) fail as node:dgram's
 * do, with the kernel's EMSGSIZE.
 */
function writeSendHeader(view: DataView, at: number, base: number, list: readonly ArrayBufferView[], to: Uint8Array | undefined): number {
  writeIovecs(view, at + MSGHDR_SIZE, list.map((chunk) => ({ addr: native.addressOf(chunk), len: chunk.byteLength })))
  writeMsghdr(view, at, {
    name: to === undefined ? 0 : native.addressOf(to),
    namelen: to?.byteLength ?? 0,
    iov: base + at + MSGHDR_SIZE,
    iovlen: list.length,
    control: 0,
    controllen: 0,
    flags: 0,
  })
  return base + at
}

/** Addresses a socket sends to, each bound to a port. */
const DESTINATIONS_LIMIT = 1024

/**
 * Encoded destinations by address and port, kept: a socket mostly sends to
 * the same few peers, and encoding an address costs more than finding it.
 * Each sockaddr is never written again, so sends in flight can share it.
 */
export class Destinations {
  readonly #byAddress = new Map<string, Map<number, Uint8Array>>()
  readonly #family: 4 | 6

  constructor(family: 4 | 6) {
    this.#family = family
  }

  /** The sockaddr for `ip` and `port`, or undefined when `ip` is not an address of the socket's family. */
  get(ip: string, port: number): Uint8Array | undefined {
    let ports = this.#byAddress.get(ip)
    if (ports === undefined) {
      if (isIP(ip) !== this.#family) return undefined
      if (this.#byAddress.size >= DESTINATIONS_LIMIT) this.#byAddress.clear()
      this.#byAddress.set(ip, (ports = new Map()))
    }
    let sockaddr = ports.get(port)
    if (sockaddr === undefined) {
      if (ports.size >= DESTINATIONS_LIMIT) ports.clear()
      ports.set(port, (sockaddr = sockaddrOf(ip, port)))
    }
    return sockaddr
  }
}
