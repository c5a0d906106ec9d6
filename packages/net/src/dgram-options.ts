// The socket options of a UDP socket that node:dgram sets synchronously
// (TTLs, multicast, memberships, buffer sizes), as libuv sets them: each a
// setsockopt(2) at once, returning 0 or -errno for the caller to name.
import { getSystemErrorMap } from 'node:util'
import { isIP } from 'node:net'
import * as native from '@iouring/native'
import { IPPROTO_IP, IPPROTO_IPV6, SOL_SOCKET, SO_RCVBUF, SO_SNDBUF } from '@iouring/ops'
import { sockaddrOf } from './address.js'
import { setIntOption } from './system.js'

// <linux/in.h>, <linux/in6.h>, <asm-generic/socket.h>
const SO_BROADCAST = 6
const IP_TTL = 2
const IP_MULTICAST_IF = 32
const IP_MULTICAST_TTL = 33
const IP_MULTICAST_LOOP = 34
const IP_ADD_MEMBERSHIP = 35
const IP_DROP_MEMBERSHIP = 36
const IP_ADD_SOURCE_MEMBERSHIP = 39
const IP_DROP_SOURCE_MEMBERSHIP = 40
const IPV6_UNICAST_HOPS = 16
const IPV6_MULTICAST_IF = 17
const IPV6_MULTICAST_HOPS = 18
const IPV6_MULTICAST_LOOP = 19
const IPV6_ADD_MEMBERSHIP = 20
const IPV6_DROP_MEMBERSHIP = 21
export const IPV6_V6ONLY = 26
const MCAST_JOIN_SOURCE_GROUP = 46
const MCAST_LEAVE_SOURCE_GROUP = 47
/** struct group_source_req: an interface index, then two 8-aligned sockaddr_storage (128 bytes each). */
const GROUP_SOURCE_REQ_SIZE = 264
const GSR_GROUP = 8
const GSR_SOURCE = 136

export const EBADF = -9
export const EINVAL = -22

/** An IP address as the kernel takes it: 4 or 16 bytes, and an IPv6 scope (interface index). */
interface ParsedAddress {
  family: 4 | 6
  bytes: Uint8Array
  scope: number
}

/** Parses IPv4 or IPv6 text ('fe80::1%eth0' names its interface); undefined when it is neither. */
function parseAddress(text: unknown): ParsedAddress | undefined {
  if (typeof text !== 'string') return undefined
  const zone = text.indexOf('%')
  const family = isIP(zone < 0 ? text : text.slice(0, zone))
  if (family === 0) return undefined
  let sockaddr: Uint8Array
  try {
    sockaddr = sockaddrOf(text, 0)
  } catch {
    return undefined // an interface name that names no interface
  }
  const view = new DataView(sockaddr.buffer)
  if (family === 4) return { family, bytes: sockaddr.slice(4, 8), scope: 0 }
  return { family: 6, bytes: sockaddr.slice(8, 24), scope: view.getUint32(24, true) }
}

/** Options whose level and name depend on the socket's family, as libuv picks them. */
function familyOption(fd: number, ipv6: boolean, ipName: number, ipv6Name: number, value: number): number {
  return ipv6 ? setIntOption(fd, IPPROTO_IPV6, ipv6Name, value) : setIntOption(fd, IPPROTO_IP, ipName, value)
}

export function setBroadcast(fd: number, on: boolean): number {
  return setIntOption(fd, SOL_SOCKET, SO_BROADCAST, on ? 1 : 0)
}

/** IP_TTL / IPV6_UNICAST_HOPS; libuv refuses a TTL outside 1-255 with EINVAL. */
export function setTTL(fd: number, ipv6: boolean, ttl: number): number {
  if (!(ttl >= 1 && ttl <= 255)) return EINVAL
  return familyOption(fd, ipv6, IP_TTL, IPV6_UNICAST_HOPS, ttl)
}

/** IP_MULTICAST_TTL / IPV6_MULTICAST_HOPS, 0-255. */
export function setMulticastTTL(fd: number, ipv6: boolean, ttl: number): number {
  if (!(ttl >= 0 && ttl <= 255)) return EINVAL
  return familyOption(fd, ipv6, IP_MULTICAST_TTL, IPV6_MULTICAST_HOPS, ttl)
}

export function setMulticastLoopback(fd: number, ipv6: boolean, on: boolean): number {
  return familyOption(fd, ipv6, IP_MULTICAST_LOOP, IPV6_MULTICAST_LOOP, on ? 1 : 0)
}

/**
 * The interface multicast datagrams leave by: an IPv4 address (IP_MULTICAST_IF)
 * or an IPv6 one whose scope names the interface (IPV6_MULTICAST_IF, '::%eth1').
 * The option follows the address's family, as libuv's does.
 */
export function setMulticastInterface(fd: number, interfaceAddress: string): number {
  const parsed = parseAddress(interfaceAddress)
  if (parsed === undefined) return EINVAL
  if (parsed.family === 4) return native.setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, parsed.bytes)
  return setIntOption(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, parsed.scope)
}

/**
 * Joins or leaves `group` on the interface with address `interfaceAddress`
 * (IPv4: struct ip_mreq; IPv6: struct ipv6_mreq with the interface's scope),
 * or on the one the kernel picks.
 */
export function setMembership(fd: number, join: boolean, group: string, interfaceAddress: string | undefined): number {
  const parsedGroup = parseAddress(group)
  if (parsedGroup === undefined) return EINVAL
  const iface = interfaceFor(interfaceAddress, parsedGroup.family)
  if (iface === null) return EINVAL
  if (parsedGroup.family === 4) return native.setsockopt(fd, IPPROTO_IP, join ? IP_ADD_MEMBERSHIP : IP_DROP_MEMBERSHIP, ipMreq(parsedGroup, iface))
  const mreq = new Uint8Array(20)
  mreq.set(parsedGroup.bytes, 0)
  new DataView(mreq.buffer).setUint32(16, iface?.scope ?? 0, true)
  return native.setsockopt(fd, IPPROTO_IPV6, join ? IPV6_ADD_MEMBERSHIP : IPV6_DROP_MEMBERSHIP, mreq)
}

/**
 * Joins or leaves the source-specific group (`source`, `group`): IPv4 with
 * struct ip_mreq_source, IPv6 with struct group_source_req.
 */
export function setSourceMembership(fd: number, join: boolean, source: string, group: string, interfaceAddress: string | undefined): number {
  const parsedGroup = parseAddress(group)
  const parsedSource = parseAddress(source)
  if (parsedGroup === undefined || parsedSource?.family !== parsedGroup.family) return EINVAL
  const iface = interfaceFor(interfaceAddress, parsedGroup.family)
  if (iface === null) return EINVAL
  if (parsedGroup.family === 4) return native.setsockopt(fd, IPPROTO_IP, join ? IP_ADD_SOURCE_MEMBERSHIP : IP_DROP_SOURCE_MEMBERSHIP, ipMreq(parsedGroup, iface, parsedSource))
  const request = new Uint8Array(GROUP_SOURCE_REQ_SIZE)
  new DataView(request.buffer).setUint32(0, iface?.scope ?? 0, true)
  request.set(sockaddrOf(group, 0), GSR_GROUP)
  request.set(sockaddrOf(source, 0), GSR_SOURCE)
  return native.setsockopt(fd, IPPROTO_IPV6, join ? MCAST_JOIN_SOURCE_GROUP : MCAST_LEAVE_SOURCE_GROUP, request)
}

/** The interface a membership in a group of `family` names: undefined for the kernel's choice, null when `address` is no address of that family. */
function interfaceFor(address: string | undefined, family: 4 | 6): ParsedAddress | undefined | null {
  if (address === undefined) return undefined
  const parsed = parseAddress(address)
  return parsed?.family === family ? parsed : null
}

/** struct ip_mreq (group, interface), or struct ip_mreq_source, whose source follows them. */
function ipMreq(group: ParsedAddress, iface: ParsedAddress | undefined, source?: ParsedAddress): Uint8Array {
  const mreq = new Uint8Array(source === undefined ? 8 : 12)
  mreq.set(group.bytes, 0)
  if (iface !== undefined) mreq.set(iface.bytes, 4)
  if (source !== undefined) mreq.set(source.bytes, 8)
  return mreq
}

const optionValue = new Int32Array(1)

/** SO_RCVBUF or SO_SNDBUF: sets `size` (0 leaves it, as libuv does) and returns what the kernel reports, or -errno. */
export function bufferSize(fd: number, receive: boolean, size: number): number {
  const name = receive ? SO_RCVBUF : SO_SNDBUF
  if (size !== 0) return setIntOption(fd, SOL_SOCKET, name, size)
  const got = native.getsockopt(fd, SOL_SOCKET, name, optionValue)
  return got < 0 ? got : optionValue[0]
}

/** The SystemError node:dgram throws when a buffer size cannot be read or set (ERR_SOCKET_BUFFER_SIZE). */
export function bufferSizeError(errno: number, receive: boolean): Error {
  const syscall = receive ? 'uv_recv_buffer_size' : 'uv_send_buffer_size'
  const [code, description] = getSystemErrorMap().get(errno) ?? [`Unknown system error ${errno}`, `Unknown system error ${errno}`]
  const err = new Error(`Could not get or set buffer size: ${syscall} returned ${code} (${description})`) as Error & Record<string, unknown>
  err.name = 'SystemError'
  Object.assign(err, { code: 'ERR_SOCKET_BUFFER_SIZE', info: { errno, code, message: description, syscall }, errno, syscall })
  return err
}
