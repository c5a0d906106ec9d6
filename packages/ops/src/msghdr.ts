// struct msghdr and its control messages (struct cmsghdr + data, each padded
// to 8 bytes: CMSG_SPACE), for SENDMSG / RECVMSG and multishot recvmsg.

import {
  CMSGHDR_SIZE, CMSG_ALIGN, CMSG_LEN_FIELD, CMSG_LEVEL, CMSG_TYPE, IN6_PKTINFO_ADDR, IN6_PKTINFO_IFINDEX,
  IN6_PKTINFO_SIZE, IN_PKTINFO_ADDR, IN_PKTINFO_IFINDEX, IN_PKTINFO_SIZE, IN_PKTINFO_SPEC_DST, MSGHDR_CONTROL,
  MSGHDR_CONTROLLEN, MSGHDR_FLAGS, MSGHDR_IOV, MSGHDR_IOVLEN, MSGHDR_NAME, MSGHDR_NAMELEN, MSGHDR_SIZE, UCRED_GID,
  UCRED_PID, UCRED_SIZE, UCRED_UID,
} from './layout.js'
import { formatIP, parseIP } from './sockaddr.js'
import { IPPROTO_IP, IPPROTO_IPV6, IPV6_PKTINFO, IP_PKTINFO, SCM_CREDENTIALS, SCM_RIGHTS, SOL_SOCKET } from './sys.js'
import { readU64, type U64, writeU64 } from './u64.js'

// ---- struct msghdr ---------------------------------------------------------------------

/** struct msghdr's fields, as writeMsghdr takes them: addresses and lengths. */
export interface Msghdr {
  /** address of a sockaddr buffer, or 0 */
  name: U64
  /** Bytes of the sockaddr buffer at `name`. */
  namelen: number
  /** address of an iovec array */
  iov: U64
  /** Entries of the iovec array at `iov`. */
  iovlen: number
  /** address of the control buffer, or 0 */
  control: U64
  /** Bytes of the control buffer at `control`. */
  controllen: number
  /** MSG_* on return from recvmsg; ignored by sendmsg */
  flags: number
}

/** Writes `msg` as a 56-byte struct msghdr at `at`; returns its size. */
export function writeMsghdr(view: DataView, at: number, msg: Msghdr): number {
  writeU64(view, at + MSGHDR_NAME, msg.name, 'name')
  view.setUint32(at + MSGHDR_NAMELEN, msg.namelen, true)
  view.setUint32(at + MSGHDR_NAMELEN + 4, 0, true)
  writeU64(view, at + MSGHDR_IOV, msg.iov, 'iov')
  writeU64(view, at + MSGHDR_IOVLEN, msg.iovlen, 'iovlen')
  writeU64(view, at + MSGHDR_CONTROL, msg.control, 'control')
  writeU64(view, at + MSGHDR_CONTROLLEN, msg.controllen, 'controllen')
  view.setInt32(at + MSGHDR_FLAGS, msg.flags, true)
  view.setUint32(at + MSGHDR_FLAGS + 4, 0, true)
  return MSGHDR_SIZE
}

/** Reads the struct msghdr at `at`, as the kernel left it after a recvmsg (addresses as numbers). */
export function decodeMsghdr(view: DataView, at: number): { name: number; namelen: number; iov: number; iovlen: number; control: number; controllen: number; flags: number } {
  return {
    name: readU64(view, at + MSGHDR_NAME),
    namelen: view.getUint32(at + MSGHDR_NAMELEN, true),
    iov: readU64(view, at + MSGHDR_IOV),
    iovlen: readU64(view, at + MSGHDR_IOVLEN),
    control: readU64(view, at + MSGHDR_CONTROL),
    controllen: readU64(view, at + MSGHDR_CONTROLLEN),
    flags: view.getInt32(at + MSGHDR_FLAGS, true),
  }
}

// ---- control messages -------------------------------------------------------------------------

/** CMSG_LEN: header plus `dataLen` bytes, the value of cmsg_len. */
export function cmsgLen(dataLen: number): number {
  return CMSGHDR_SIZE + dataLen
}

/** CMSG_SPACE: what one message with `dataLen` data bytes takes in the buffer. */
export function cmsgSpace(dataLen: number): number {
  return CMSGHDR_SIZE + Math.ceil(dataLen / CMSG_ALIGN) * CMSG_ALIGN
}

/** One ancillary message (cmsg), as encodeControlMessages writes and decodeControlMessages reads them. */
export type ControlMessage =
  /** SOL_SOCKET / SCM_RIGHTS: file descriptors in flight */
  | { kind: 'rights'; fds: number[] }
  /** SOL_SOCKET / SCM_CREDENTIALS: the sender's pid, uid and gid (struct ucred; the receiver sets SO_PASSCRED) */
  | { kind: 'credentials'; pid: number; uid: number; gid: number }
  /** IPPROTO_IP / IP_PKTINFO */
  | { kind: 'pktinfo'; ifindex: number; specDst: string; address: string }
  /** IPPROTO_IPV6 / IPV6_PKTINFO */
  | { kind: 'pktinfo6'; ifindex: number; address: string }
  /** anything else, as its data bytes (a copy) */
  | { kind: 'raw'; level: number; type: number; data: Uint8Array }

function dataLength(msg: ControlMessage): number {
  switch (msg.kind) {
    case 'rights': return 4 * msg.fds.length
    case 'credentials': return UCRED_SIZE
    case 'pktinfo': return IN_PKTINFO_SIZE
    case 'pktinfo6': return IN6_PKTINFO_SIZE
    case 'raw': return msg.data.length
  }
}

/** Bytes a control buffer holding `messages` needs (msg_controllen). */
export function controlMessagesSize(messages: readonly ControlMessage[]): number {
  return messages.reduce((n, msg) => n + cmsgSpace(dataLength(msg)), 0)
}

function writeHeader(view: DataView, at: number, dataLen: number, level: number, type: number): void {
  writeU64(view, at + CMSG_LEN_FIELD, cmsgLen(dataLen), 'cmsg_len')
  view.setInt32(at + CMSG_LEVEL, level, true)
  view.setInt32(at + CMSG_TYPE, type, true)
}

function writeAddress(view: DataView, at: number, address: string, size: number): void {
  const bytes = parseIP(address)
  if (bytes.length !== size) throw new TypeError(`Expected an IPv${size === 4 ? 4 : 6} address, got ${address}`)
  for (let i = 0; i < size; i++) view.setUint8(at + i, bytes[i])
}

/** Writes one control message (header, data, zeroed padding) and returns its CMSG_SPACE. */
export function writeControlMessage(view: DataView, at: number, msg: ControlMessage): number {
  const dataLen = dataLength(msg)
  const space = cmsgSpace(dataLen)
  for (let i = CMSGHDR_SIZE + (dataLen & ~3); i < space; i++) view.setUint8(at + i, 0)
  const data = at + CMSGHDR_SIZE
  switch (msg.kind) {
    case 'rights':
      writeHeader(view, at, dataLen, SOL_SOCKET, SCM_RIGHTS)
      for (let i = 0; i < msg.fds.length; i++) view.setInt32(data + 4 * i, msg.fds[i], true)
      break
    case 'credentials':
      writeHeader(view, at, dataLen, SOL_SOCKET, SCM_CREDENTIALS)
      view.setInt32(data + UCRED_PID, msg.pid, true)
      view.setUint32(data + UCRED_UID, msg.uid, true)
      view.setUint32(data + UCRED_GID, msg.gid, true)
      break
    case 'pktinfo':
      writeHeader(view, at, dataLen, IPPROTO_IP, IP_PKTINFO)
      view.setInt32(data + IN_PKTINFO_IFINDEX, msg.ifindex, true)
      writeAddress(view, data + IN_PKTINFO_SPEC_DST, msg.specDst, 4)
      writeAddress(view, data + IN_PKTINFO_ADDR, msg.address, 4)
      break
    case 'pktinfo6':
      writeHeader(view, at, dataLen, IPPROTO_IPV6, IPV6_PKTINFO)
      writeAddress(view, data + IN6_PKTINFO_ADDR, msg.address, 16)
      view.setInt32(data + IN6_PKTINFO_IFINDEX, msg.ifindex, true)
      break
    case 'raw':
      writeHeader(view, at, dataLen, msg.level, msg.type)
      for (let i = 0; i < dataLen; i++) view.setUint8(data + i, msg.data[i])
      break
  }
  return space
}

/** A fresh control buffer holding `messages` back to back. */
export function encodeControlMessages(messages: readonly ControlMessage[]): Uint8Array {
  const bytes = new Uint8Array(controlMessagesSize(messages))
  const view = new DataView(bytes.buffer)
  let at = 0
  for (const msg of messages) at += writeControlMessage(view, at, msg)
  return bytes
}

/** The SCM_RIGHTS control buffer passing `fds` (one message). */
export function encodeScmRights(fds: readonly number[]): Uint8Array {
  return encodeControlMessages([{ kind: 'rights', fds: [...fds] }])
}

/** Decodes the `len` bytes of control data at `at` (msg_controllen after
 * recvmsg, or io_uring_recvmsg_out.controllen), walking them as CMSG_NXTHDR
 * does and stopping at a truncated message. */
export function decodeControlMessages(view: DataView, at: number, len: number): ControlMessage[] {
  const out: ControlMessage[] = []
  const end = at + len
  for (let pos = at; pos + CMSGHDR_SIZE <= end; ) {
    const msgLen = readU64(view, pos + CMSG_LEN_FIELD)
    if (msgLen < CMSGHDR_SIZE || pos + msgLen > end) break
    const level = view.getInt32(pos + CMSG_LEVEL, true)
    const type = view.getInt32(pos + CMSG_TYPE, true)
    const data = pos + CMSGHDR_SIZE
    const dataLen = msgLen - CMSGHDR_SIZE
    if (level === SOL_SOCKET && type === SCM_RIGHTS) {
      const fds: number[] = []
      for (let i = 0; i + 4 <= dataLen; i += 4) fds.push(view.getInt32(data + i, true))
      out.push({ kind: 'rights', fds })
    } else if (level === SOL_SOCKET && type === SCM_CREDENTIALS && dataLen >= UCRED_SIZE) {
      out.push({ kind: 'credentials', pid: view.getInt32(data + UCRED_PID, true), uid: view.getUint32(data + UCRED_UID, true), gid: view.getUint32(data + UCRED_GID, true) })
    } else if (level === IPPROTO_IP && type === IP_PKTINFO && dataLen >= IN_PKTINFO_SIZE) {
      out.push({
        kind: 'pktinfo',
        ifindex: view.getInt32(data + IN_PKTINFO_IFINDEX, true),
        specDst: formatIP(new Uint8Array(view.buffer, view.byteOffset + data + IN_PKTINFO_SPEC_DST, 4)),
        address: formatIP(new Uint8Array(view.buffer, view.byteOffset + data + IN_PKTINFO_ADDR, 4)),
      })
    } else if (level === IPPROTO_IPV6 && type === IPV6_PKTINFO && dataLen >= IN6_PKTINFO_SIZE) {
      out.push({
        kind: 'pktinfo6',
        address: formatIP(new Uint8Array(view.buffer, view.byteOffset + data + IN6_PKTINFO_ADDR, 16)),
        ifindex: view.getInt32(data + IN6_PKTINFO_IFINDEX, true),
      })
    } else {
      out.push({ kind: 'raw', level, type, data: new Uint8Array(view.buffer.slice(view.byteOffset + data, view.byteOffset + data + dataLen)) })
    }
    pos += cmsgSpace(dataLen)
  }
  return out
}
