// struct sockaddr_in / sockaddr_in6 / sockaddr_un from and to Node-style
// address objects, with a small IPv4/IPv6 text parser and printer of our own
// (no node:net), so the package runs in any JavaScript runtime.

import { AF_INET, AF_INET6, AF_UNIX } from './sys.js'
import {
  SIN6_ADDR, SIN6_FAMILY, SIN6_FLOWINFO, SIN6_PORT, SIN6_SCOPE_ID, SIN_ADDR, SIN_FAMILY, SIN_PORT, SOCKADDR_IN6_SIZE,
  SOCKADDR_IN_SIZE, SUN_FAMILY, SUN_PATH, SUN_PATH_MAX,
} from './layout.js'
import { OutOfRangeError } from './u64.js'

/** An IPv4 socket address (struct sockaddr_in), as Node names its parts. */
export interface InetAddress {
  /** The address family, as Node names it. */
  family: 'IPv4'
  /** Dotted-decimal text ('127.0.0.1'). */
  address: string
  /** The port, 0 to 65535. */
  port: number
}

/** An IPv6 socket address (struct sockaddr_in6), as Node names its parts. */
export interface Inet6Address {
  /** The address family, as Node names it. */
  family: 'IPv6'
  /** may carry a numeric zone ('fe80::1%2') when scopeid is not given */
  address: string
  /** The port, 0 to 65535. */
  port: number
  /** sin6_flowinfo (default 0). */
  flowinfo?: number
  /** sin6_scope_id, the interface of a link-local address (default 0, or the numeric zone of `address`). */
  scopeid?: number
}

/** A Unix-domain address: a filesystem path, '\0name' for the abstract
 * namespace, or '' for an unnamed socket. */
export interface UnixAddress {
  /** The socket's path; a leading NUL byte names one in the abstract namespace. */
  path: string
}

/** Any address writeSockaddr encodes and decodeSockaddr returns. */
export type SocketAddress = InetAddress | Inet6Address | UnixAddress

/** TypeError with Node's `code: 'ERR_INVALID_IP_ADDRESS'`. */
export class InvalidAddressError extends TypeError {
  /** Node's code for an address that does not parse. */
  readonly code = 'ERR_INVALID_IP_ADDRESS'
  constructor(address: string) {
    super(`Invalid IP address: ${address}`)
    this.name = 'TypeError'
  }
}

// ---- text forms --------------------------------------------------------------------

const DECIMAL_OCTET = /^(?:0|[1-9]\d{0,2})$/
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/

/** Parses dotted-quad IPv4 text into out[at..at+4); false if malformed. */
function parseIPv4Into(text: string, out: Uint8Array, at: number): boolean {
  const parts = text.split('.')
  if (parts.length !== 4) return false
  for (let i = 0; i < 4; i++) {
    if (!DECIMAL_OCTET.test(parts[i])) return false
    const n = Number(parts[i])
    if (n > 255) return false
    out[at + i] = n
  }
  return true
}

/** Appends the 16-bit groups of a ':'-separated list (maybe ending in
 * dotted IPv4) to `out`; false if malformed. */
function parseGroups(text: string, out: number[], ipv4Tail: boolean): boolean {
  if (text === '') return true
  const parts = text.split(':')
  for (let i = 0; i < parts.length; i++) {
    if (ipv4Tail && i === parts.length - 1 && parts[i].includes('.')) {
      const v4 = new Uint8Array(4)
      if (!parseIPv4Into(parts[i], v4, 0)) return false
      out.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3])
    } else if (HEX_GROUP.test(parts[i])) {
      out.push(parseInt(parts[i], 16))
    } else {
      return false
    }
  }
  return true
}

/** Parses IPv6 text ('::' compression, trailing dotted IPv4) into 16 bytes. */
function parseIPv6Into(text: string, out: Uint8Array, at: number): boolean {
  const halves = text.split('::')
  if (halves.length > 2) return false
  const head: number[] = []
  const tail: number[] = []
  if (!parseGroups(halves[0], head, halves.length === 1)) return false
  if (halves.length === 2 && !parseGroups(halves[1], tail, true)) return false
  const given = head.length + tail.length
  if (halves.length === 1 ? given !== 8 : given > 7) return false
  const groups = [...head, ...new Array<number>(8 - given).fill(0), ...tail]
  for (let g = 0; g < 8; g++) {
    out[at + 2 * g] = groups[g] >> 8
    out[at + 2 * g + 1] = groups[g] & 0xff
  }
  return true
}

function formatIPv4(bytes: Uint8Array, at: number): string {
  return `${bytes[at]}.${bytes[at + 1]}.${bytes[at + 2]}.${bytes[at + 3]}`
}

/** RFC 5952 text, as inet_ntop / Node print it: the first longest run of two
 * or more zero groups becomes '::', and ::ffff:a.b.c.d / ::a.b.c.d keep the
 * dotted tail. */
function formatIPv6(bytes: Uint8Array, at: number): string {
  const words: number[] = []
  for (let g = 0; g < 8; g++) words.push((bytes[at + 2 * g] << 8) | bytes[at + 2 * g + 1])
  let bestStart = -1
  let bestLen = 0
  for (let g = 0; g < 8; ) {
    if (words[g] !== 0) {
      g++
      continue
    }
    let end = g
    while (end < 8 && words[end] === 0) end++
    if (end - g > bestLen) {
      bestStart = g
      bestLen = end - g
    }
    g = end
  }
  if (bestLen < 2) bestStart = -1
  const embedded = bestStart === 0 && (bestLen === 6 || (bestLen === 5 && words[5] === 0xffff))
  let text = ''
  for (let g = 0; g < 8; g++) {
    if (g === bestStart) {
      text += g === 0 ? '::' : ':'
      g += bestLen - 1
      continue
    }
    if (embedded && g === 6) return text + formatIPv4(bytes, at + 12)
    text += words[g].toString(16) + (g < 7 ? ':' : '')
  }
  return text
}

// ---- encode ----------------------------------------------------------------------------

function checkPort(port: number): void {
  if (!(Number.isInteger(port) && port >= 0 && port <= 0xffff)) throw new OutOfRangeError('port', '>= 0 && <= 65535', port)
}

function checkU32(name: string, value: number): void {
  if (!(Number.isInteger(value) && value >= 0 && value <= 0xffffffff)) throw new OutOfRangeError(name, '>= 0 && <= 2 ** 32 - 1', value)
}

const utf8Encoder = new TextEncoder()
const utf8Decoder = new TextDecoder()

/** Bytes the sockaddr for `addr` takes (what to pass as addrlen). */
export function sockaddrSize(addr: SocketAddress): number {
  if ('path' in addr) {
    const bytes = utf8Encoder.encode(addr.path).length
    // A pathname gets its NUL when it fits; an abstract name is exactly its bytes.
    return SUN_PATH + bytes + (addr.path.startsWith('\0') || bytes === SUN_PATH_MAX || bytes === 0 ? 0 : 1)
  }
  return addr.family === 'IPv4' ? SOCKADDR_IN_SIZE : SOCKADDR_IN6_SIZE
}

/** Writes the sockaddr for `addr` at `at`; returns its length (addrlen).
 * Ports and flowinfo go out in network byte order, scope ids in host order. */
export function writeSockaddr(view: DataView, at: number, addr: SocketAddress): number {
  const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength)
  if ('path' in addr) {
    const path = utf8Encoder.encode(addr.path)
    if (path.length > SUN_PATH_MAX) throw new OutOfRangeError('path length', `<= ${SUN_PATH_MAX} bytes`, path.length)
    const size = sockaddrSize(addr)
    view.setUint16(at + SUN_FAMILY, AF_UNIX, true)
    bytes.set(path, at + SUN_PATH)
    if (size > SUN_PATH + path.length) bytes[at + SUN_PATH + path.length] = 0
    return size
  }
  checkPort(addr.port)
  if (addr.family === 'IPv4') {
    if (!parseIPv4Into(addr.address, bytes, at + SIN_ADDR)) throw new InvalidAddressError(addr.address)
    view.setUint16(at + SIN_FAMILY, AF_INET, true)
    view.setUint16(at + SIN_PORT, addr.port, false)
    view.setUint32(at + SIN_ADDR + 4, 0)
    view.setUint32(at + SIN_ADDR + 8, 0)
    return SOCKADDR_IN_SIZE
  }
  const zoneAt = addr.address.indexOf('%')
  const text = zoneAt < 0 ? addr.address : addr.address.slice(0, zoneAt)
  const zone = zoneAt < 0 ? '' : addr.address.slice(zoneAt + 1)
  if (!parseIPv6Into(text, bytes, at + SIN6_ADDR) || (zoneAt >= 0 && !/^\d+$/.test(zone))) throw new InvalidAddressError(addr.address)
  const scopeid = addr.scopeid ?? (zone === '' ? 0 : Number(zone))
  const flowinfo = addr.flowinfo ?? 0
  checkU32('scopeid', scopeid)
  checkU32('flowinfo', flowinfo)
  view.setUint16(at + SIN6_FAMILY, AF_INET6, true)
  view.setUint16(at + SIN6_PORT, addr.port, false)
  view.setUint32(at + SIN6_FLOWINFO, flowinfo, false)
  view.setUint32(at + SIN6_SCOPE_ID, scopeid, true)
  return SOCKADDR_IN6_SIZE
}

/** A fresh sockaddr buffer of exactly addrlen bytes. */
export function encodeSockaddr(addr: SocketAddress): Uint8Array {
  const bytes = new Uint8Array(sockaddrSize(addr))
  writeSockaddr(new DataView(bytes.buffer), 0, addr)
  return bytes
}

// ---- decode --------------------------------------------------------------------------------

/**
 * Decodes a sockaddr of `len` bytes (the addrlen the kernel returned) into
 * the shape writeSockaddr takes: IPv6 results always carry flowinfo and
 * scopeid. Returns null for an empty address (len < 2, or AF_UNSPEC); throws
 * a TypeError for families other than AF_INET, AF_INET6, AF_UNIX.
 */
export function decodeSockaddr(view: DataView, at: number, len: number): Required<InetAddress> | Required<Inet6Address> | UnixAddress | null {
  if (len < 2) return null
  const family = view.getUint16(at + SIN_FAMILY, true)
  const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength)
  switch (family) {
    case AF_INET:
      return { family: 'IPv4', address: formatIPv4(bytes, at + SIN_ADDR), port: view.getUint16(at + SIN_PORT, false) }
    case AF_INET6:
      return {
        family: 'IPv6',
        address: formatIPv6(bytes, at + SIN6_ADDR),
        port: view.getUint16(at + SIN6_PORT, false),
        flowinfo: view.getUint32(at + SIN6_FLOWINFO, false),
        scopeid: len >= SOCKADDR_IN6_SIZE ? view.getUint32(at + SIN6_SCOPE_ID, true) : 0,
      }
    case AF_UNIX: {
      const path = bytes.subarray(at + SUN_PATH, at + Math.min(len, SUN_PATH + SUN_PATH_MAX))
      // Abstract names use every byte; pathnames end at the first NUL.
      const end = path.length > 0 && path[0] !== 0 && path.indexOf(0) >= 0 ? path.indexOf(0) : path.length
      return { path: utf8Decoder.decode(path.subarray(0, end)) }
    }
    case 0:
      return null
    default:
      throw new TypeError(`Unsupported address family ${family}`)
  }
}

/** Parses IPv4 or IPv6 text into its 4 or 16 network-order bytes. */
export function parseIP(address: string): Uint8Array {
  const v4 = new Uint8Array(4)
  if (parseIPv4Into(address, v4, 0)) return v4
  const v6 = new Uint8Array(16)
  if (parseIPv6Into(address, v6, 0)) return v6
  throw new InvalidAddressError(address)
}

/** Prints 4 or 16 network-order bytes as IPv4 or RFC 5952 IPv6 text. */
export function formatIP(bytes: Uint8Array): string {
  if (bytes.length === 4) return formatIPv4(bytes, 0)
  if (bytes.length === 16) return formatIPv6(bytes, 0)
  throw new TypeError(`An IP address has 4 or 16 bytes, not ${bytes.length}`)
}
