// Addresses in node:net's shapes ({ address, family, port }, Unix paths) to
// and from the kernel's sockaddr, and the socket's own and peer addresses.
import { lookup as dnsLookup, type LookupOptions } from 'node:dns'
import { isIP } from 'node:net'
import * as native from '@iouring/native'
import { AF_INET, AF_INET6, AF_UNIX, decodeSockaddr, encodeSockaddr, type SocketAddress } from '@iouring/ops'
import { readFileSync } from 'node:fs'
import { invalidArgValue } from './errors.js'

/** An address as node:net reports it: `server.address()`, `socket.address()`. */
export interface AddressInfo {
  /** The address as text ('127.0.0.1', '::1'). */
  address: string
  /** 'IPv4' or 'IPv6'. */
  family: 'IPv4' | 'IPv6'
  /** The port. */
  port: number
}

/** Bytes enough for any sockaddr (sockaddr_un is the largest, 110). */
const SOCKADDR_MAX = 128
// getsockname/getpeername write here; the address is decoded before anything else can.
const nameBuffer = new Uint8Array(SOCKADDR_MAX)
const nameView = new DataView(nameBuffer.buffer)

/** The sockaddr for an IP address and port, or a Unix path ('\0name': the abstract namespace). */
export function sockaddrOf(host: string, port: number): Uint8Array
export function sockaddrOf(path: { path: string }): Uint8Array
export function sockaddrOf(hostOrPath: string | { path: string }, port = 0): Uint8Array {
  if (typeof hostOrPath === 'object') return encodeSockaddr(hostOrPath)
  const family = isIP(stripZone(hostOrPath))
  if (family === 0) throw invalidArgValue('address', `must be an IP address. Received '${hostOrPath}'`)
  const address = family === 6 ? withNumericZone(hostOrPath) : hostOrPath
  return encodeSockaddr({ family: family === 4 ? 'IPv4' : 'IPv6', address, port } as SocketAddress)
}

/** The address family (AF_*) a host address or path needs. */
export function domainOf(hostOrPath: string | { path: string }): number {
  if (typeof hostOrPath === 'object') return AF_UNIX
  return isIP(stripZone(hostOrPath)) === 6 ? AF_INET6 : AF_INET
}

/** getsockname(fd) in node:net's shape: `{ address, family, port }`, or `{}` for an unnamed Unix socket, as node:net reports it. */
export function localAddress(fd: number): AddressInfo | string | undefined {
  return decodeName(native.getsockname(fd, nameBuffer))
}

/** getpeername(fd) in node:net's shape, or undefined when not connected. */
export function peerAddress(fd: number): AddressInfo | string | undefined {
  return decodeName(native.getpeername(fd, nameBuffer))
}

function decodeName(length: number): AddressInfo | string | undefined {
  if (length < 0) return undefined
  const decoded = decodeSockaddr(nameView, 0, length)
  if (decoded === null) return undefined
  if ('path' in decoded) return decoded.path
  return { address: decoded.address, family: decoded.family, port: decoded.port }
}

/** A resolved address, as dns.lookup gives it. */
export interface Resolved {
  address: string
  family: 4 | 6
}

/** A custom lookup function, as node:net's `lookup` option takes it. */
export type LookupFunction = (hostname: string, options: LookupOptions, callback: (err: NodeJS.ErrnoException | null, address: string, family: number) => void) => void

/**
 * Resolves `host` with dns.lookup (or `lookup`), as node:net does: every
 * address with `all` (autoSelectFamily), else the first. IP literals resolve
 * to themselves without a lookup.
 */
export function resolve(host: string, options: LookupOptions, lookup: LookupFunction | undefined, all: boolean): Promise<Resolved[]> {
  const literal = isIP(stripZone(host))
  if (literal !== 0 && lookup === undefined) return Promise.resolve([{ address: host, family: literal as 4 | 6 }])
  return new Promise((resolvePromise, reject) => {
    const callback = (err: NodeJS.ErrnoException | null, address: string | { address: string; family: number }[], family?: number) => {
      if (err) return reject(err)
      const list = Array.isArray(address) ? address : [{ address, family: family as number }]
      resolvePromise(list.map((entry) => ({ address: entry.address, family: entry.family === 6 ? 6 : 4 })))
    }
    ;(lookup ?? (dnsLookup as unknown as LookupFunction))(host, { ...options, all } as LookupOptions, callback as never)
  })
}

/** Addresses in the order autoSelectFamily tries them: the first one's family, then the other, alternating. */
export function interleaveFamilies(addresses: readonly Resolved[]): Resolved[] {
  if (addresses.length < 2) return [...addresses]
  const first = addresses.filter((entry) => entry.family === addresses[0].family)
  const other = addresses.filter((entry) => entry.family !== addresses[0].family)
  const out: Resolved[] = []
  for (let i = 0; i < Math.max(first.length, other.length); i++) {
    if (i < first.length) out.push(first[i])
    if (i < other.length) out.push(other[i])
  }
  return out
}

function stripZone(address: string): string {
  const zone = address.indexOf('%')
  return zone < 0 ? address : address.slice(0, zone)
}

/** 'fe80::1%eth0' as 'fe80::1%2': the kernel takes a scope id, not an interface name. */
function withNumericZone(address: string): string {
  const zone = address.indexOf('%')
  if (zone < 0) return address
  const name = address.slice(zone + 1)
  if (/^\d+$/.test(name)) return address
  let index: number
  try {
    index = Number(readFileSync(`/sys/class/net/${name}/ifindex`, 'utf8'))
  } catch {
    throw invalidArgValue('address', `names no network interface: '${name}'`)
  }
  return `${address.slice(0, zone)}%${index}`
}
