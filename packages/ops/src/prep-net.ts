// Socket encoders, in the same shape as prep.ts: prepName(sqes, at, ...the
// liburing arguments). Socket flag words: msg_flags (MSG_*) in the op-flags
// union, io_uring's own recv/send/accept flags in ioprio.

import {
  IORING_ACCEPT_MULTISHOT, IORING_FILE_INDEX_ALLOC, IORING_OP_ACCEPT, IORING_OP_BIND, IORING_OP_CONNECT,
  IORING_OP_EPOLL_CTL, IORING_OP_EPOLL_WAIT, IORING_OP_LISTEN, IORING_OP_RECV, IORING_OP_RECVMSG, IORING_OP_RECV_ZC,
  IORING_OP_SEND, IORING_OP_SENDMSG, IORING_OP_SENDMSG_ZC, IORING_OP_SEND_ZC, IORING_OP_SHUTDOWN, IORING_OP_SOCKET,
  IORING_RECVSEND_BUNDLE, IORING_RECVSEND_FIXED_BUF, IORING_RECV_MULTISHOT,
} from './constants.js'
import {
  SQE_ADDR2, SQE_ADDR_LEN, SQE_BUF_INDEX, SQE_IOPRIO, SQE_LEVEL, SQE_OFF, SQE_OPTLEN,
  SQE_OPTNAME, SQE_OPTVAL, SQE_RW_FLAGS, SQE_ZCRX_IFQ_IDX,
} from './layout.js'
import { prepUringCmd } from './prep.js'
import { prepRw, setTargetFixedFile } from './sqe.js'
import { type U64, writeSignExtended, writeU64 } from './u64.js'

function setMsgFlags(sqes: DataView, at: number, flags: number): void {
  sqes.setUint32(at + SQE_RW_FLAGS, flags, true)
}

function orIoprio(sqes: DataView, at: number, bits: number): void {
  sqes.setUint16(at + SQE_IOPRIO, sqes.getUint16(at + SQE_IOPRIO, true) | bits, true)
}

// ---- socket setup ----------------------------------------------------------------------

/** socket(domain, type, protocol); `flags` must be 0 for now. */
export function prepSocket(sqes: DataView, at: number, domain: number, type: number, protocol: number, flags: number): void {
  prepRw(sqes, at, IORING_OP_SOCKET, domain, 0, protocol, 0)
  writeSignExtended(sqes, at + SQE_OFF, type)
  sqes.setUint32(at + SQE_RW_FLAGS, flags, true)
}

/** The socket goes into direct-descriptor slot `fileIndex` (IORING_FILE_INDEX_ALLOC: any). */
export function prepSocketDirect(sqes: DataView, at: number, domain: number, type: number, protocol: number, fileIndex: number, flags: number): void {
  prepSocket(sqes, at, domain, type, protocol, flags)
  setTargetFixedFile(sqes, at, fileIndex)
}

/** io_uring_prep_socket_direct_alloc: prepSocketDirect into any free direct-descriptor slot; the result is the slot. */
export function prepSocketDirectAlloc(sqes: DataView, at: number, domain: number, type: number, protocol: number, flags: number): void {
  prepSocketDirect(sqes, at, domain, type, protocol, IORING_FILE_INDEX_ALLOC, flags)
}

/** `addr` points at a sockaddr of `addrlen` bytes (see writeSockaddr). */
export function prepConnect(sqes: DataView, at: number, fd: number, addr: U64, addrlen: number): void {
  prepRw(sqes, at, IORING_OP_CONNECT, fd, addr, 0, addrlen >>> 0)
}

/** io_uring_prep_bind (6.11): bind(2) of `fd` to the sockaddr of `addrlen` bytes at address `addr`. */
export function prepBind(sqes: DataView, at: number, fd: number, addr: U64, addrlen: number): void {
  prepRw(sqes, at, IORING_OP_BIND, fd, addr, 0, addrlen >>> 0)
}

/** io_uring_prep_listen (6.11): listen(2) on `fd`. */
export function prepListen(sqes: DataView, at: number, fd: number, backlog: number): void {
  prepRw(sqes, at, IORING_OP_LISTEN, fd, 0, backlog, 0)
}

/** io_uring_prep_shutdown: shutdown(2) of `fd` (SHUT_RD, SHUT_WR, SHUT_RDWR). */
export function prepShutdown(sqes: DataView, at: number, fd: number, how: number): void {
  prepRw(sqes, at, IORING_OP_SHUTDOWN, fd, 0, how, 0)
}

// ---- accept ------------------------------------------------------------------------------

/** `addr` / `addrlen` are the addresses of a sockaddr buffer and its socklen_t
 * (both may be 0); `flags` are SOCK_NONBLOCK / SOCK_CLOEXEC. */
export function prepAccept(sqes: DataView, at: number, fd: number, addr: U64, addrlen: U64, flags: number): void {
  prepRw(sqes, at, IORING_OP_ACCEPT, fd, addr, 0, addrlen)
  sqes.setUint32(at + SQE_RW_FLAGS, flags, true)
}

/** io_uring_prep_accept_direct: prepAccept whose new socket goes into direct-descriptor slot `fileIndex`. */
export function prepAcceptDirect(sqes: DataView, at: number, fd: number, addr: U64, addrlen: U64, flags: number, fileIndex: number): void {
  prepAccept(sqes, at, fd, addr, addrlen, flags)
  setTargetFixedFile(sqes, at, fileIndex)
}

/**
 * io_uring_prep_multishot_accept (5.19): one CQE per accepted connection, with IORING_CQE_F_MORE while it stays
 * armed.
 */
export function prepMultishotAccept(sqes: DataView, at: number, fd: number, addr: U64, addrlen: U64, flags: number): void {
  prepAccept(sqes, at, fd, addr, addrlen, flags)
  orIoprio(sqes, at, IORING_ACCEPT_MULTISHOT)
}

/** Multishot accept into freely chosen direct-descriptor slots. */
export function prepMultishotAcceptDirect(sqes: DataView, at: number, fd: number, addr: U64, addrlen: U64, flags: number): void {
  prepMultishotAccept(sqes, at, fd, addr, addrlen, flags)
  setTargetFixedFile(sqes, at, IORING_FILE_INDEX_ALLOC)
}

// ---- send ----------------------------------------------------------------------------------

/** io_uring_prep_send: send(2) of `len` bytes at address `buf` with MSG_* `flags`. */
export function prepSend(sqes: DataView, at: number, sockfd: number, buf: U64, len: number, flags: number): void {
  prepRw(sqes, at, IORING_OP_SEND, sockfd, buf, len, 0)
  setMsgFlags(sqes, at, flags)
}

/** Sends as many buffers of the selected group as are ready (add
 * IOSQE_BUFFER_SELECT and the group with setBufferSelect). */
export function prepSendBundle(sqes: DataView, at: number, sockfd: number, len: number, flags: number): void {
  prepSend(sqes, at, sockfd, 0, len, flags)
  orIoprio(sqes, at, IORING_RECVSEND_BUNDLE)
}

/** Modifier, not a full encoder: adds a destination (sendto) to a prepared send. */
export function prepSendSetAddr(sqes: DataView, at: number, destAddr: U64, addrLen: number): void {
  writeU64(sqes, at + SQE_ADDR2, destAddr, 'destAddr')
  sqes.setUint16(at + SQE_ADDR_LEN, addrLen, true)
}

/** io_uring_prep_sendto: prepSend to the sockaddr of `addrlen` bytes at address `addr` (6.0). */
export function prepSendto(sqes: DataView, at: number, sockfd: number, buf: U64, len: number, flags: number, addr: U64, addrlen: number): void {
  prepSend(sqes, at, sockfd, buf, len, flags)
  prepSendSetAddr(sqes, at, addr, addrlen)
}

/** Zero-copy send: a second CQE with IORING_CQE_F_NOTIF says when `buf` is
 * free again. `zcFlags` are IORING_RECVSEND_POLL_FIRST, IORING_SEND_ZC_REPORT_USAGE, ... */
export function prepSendZc(sqes: DataView, at: number, sockfd: number, buf: U64, len: number, flags: number, zcFlags: number): void {
  prepRw(sqes, at, IORING_OP_SEND_ZC, sockfd, buf, len, 0)
  setMsgFlags(sqes, at, flags)
  sqes.setUint16(at + SQE_IOPRIO, zcFlags, true)
}

/** Zero-copy send from registered buffer `bufIndex`. */
export function prepSendZcFixed(sqes: DataView, at: number, sockfd: number, buf: U64, len: number, flags: number, zcFlags: number, bufIndex: number): void {
  prepSendZc(sqes, at, sockfd, buf, len, flags, zcFlags)
  orIoprio(sqes, at, IORING_RECVSEND_FIXED_BUF)
  sqes.setUint16(at + SQE_BUF_INDEX, bufIndex, true)
}

/** `msg` is the address of a struct msghdr (see writeMsghdr). */
export function prepSendmsg(sqes: DataView, at: number, fd: number, msg: U64, flags: number): void {
  prepRw(sqes, at, IORING_OP_SENDMSG, fd, msg, 1, 0)
  setMsgFlags(sqes, at, flags)
}

/**
 * io_uring_prep_sendmsg_zc (6.1): zero-copy sendmsg(2); a second CQE, with IORING_CQE_F_NOTIF, says when the kernel
 * is done with the buffers.
 */
export function prepSendmsgZc(sqes: DataView, at: number, fd: number, msg: U64, flags: number): void {
  prepRw(sqes, at, IORING_OP_SENDMSG_ZC, fd, msg, 1, 0)
  setMsgFlags(sqes, at, flags)
}

/** io_uring_prep_sendmsg_zc_fixed: prepSendmsgZc from registered buffer `bufIndex`. */
export function prepSendmsgZcFixed(sqes: DataView, at: number, fd: number, msg: U64, flags: number, bufIndex: number): void {
  prepSendmsgZc(sqes, at, fd, msg, flags)
  orIoprio(sqes, at, IORING_RECVSEND_FIXED_BUF)
  sqes.setUint16(at + SQE_BUF_INDEX, bufIndex, true)
}

// ---- receive ----------------------------------------------------------------------------------

/** io_uring_prep_recv: recv(2) of up to `len` bytes into address `buf` with MSG_* `flags`. */
export function prepRecv(sqes: DataView, at: number, sockfd: number, buf: U64, len: number, flags: number): void {
  prepRw(sqes, at, IORING_OP_RECV, sockfd, buf, len, 0)
  setMsgFlags(sqes, at, flags)
}

/** Multishot recv; use with buffer selection (buf 0, setBufferSelect). */
export function prepRecvMultishot(sqes: DataView, at: number, sockfd: number, buf: U64, len: number, flags: number): void {
  prepRecv(sqes, at, sockfd, buf, len, flags)
  orIoprio(sqes, at, IORING_RECV_MULTISHOT)
}

/** Receives into as many buffers of the selected group as the data needs
 * (no liburing helper; recv with IORING_RECVSEND_BUNDLE, buf 0). */
export function prepRecvBundle(sqes: DataView, at: number, sockfd: number, len: number, flags: number): void {
  prepRecv(sqes, at, sockfd, 0, len, flags)
  orIoprio(sqes, at, IORING_RECVSEND_BUNDLE)
}

/** Multishot receive whose every completion takes as many buffers of the
 * selected group as the waiting data fills (recv with IORING_RECV_MULTISHOT
 * and IORING_RECVSEND_BUNDLE). */
export function prepRecvMultishotBundle(sqes: DataView, at: number, sockfd: number, flags: number): void {
  prepRecvMultishot(sqes, at, sockfd, 0, 0, flags)
  orIoprio(sqes, at, IORING_RECVSEND_BUNDLE)
}

/** io_uring_prep_recvmsg: recvmsg(2) into the struct msghdr at address `msg`. */
export function prepRecvmsg(sqes: DataView, at: number, fd: number, msg: U64, flags: number): void {
  prepRw(sqes, at, IORING_OP_RECVMSG, fd, msg, 1, 0)
  setMsgFlags(sqes, at, flags)
}

/** Each completion's buffer starts with a struct io_uring_recvmsg_out (see
 * decodeRecvmsgOut); `msg` only supplies namelen and controllen. */
export function prepRecvmsgMultishot(sqes: DataView, at: number, fd: number, msg: U64, flags: number): void {
  prepRecvmsg(sqes, at, fd, msg, flags)
  orIoprio(sqes, at, IORING_RECV_MULTISHOT)
}

/** Zero-copy receive through zcrx interface queue `zcrxIfqIdx` (always
 * multishot; len 0 means no limit). No liburing helper: this is what its
 * zcrx example writes. */
export function prepRecvZc(sqes: DataView, at: number, fd: number, len: number, flags: number, zcrxIfqIdx: number): void {
  prepRw(sqes, at, IORING_OP_RECV_ZC, fd, 0, len, 0)
  setMsgFlags(sqes, at, flags)
  sqes.setUint16(at + SQE_IOPRIO, IORING_RECV_MULTISHOT, true)
  sqes.setUint32(at + SQE_ZCRX_IFQ_IDX, zcrxIfqIdx, true)
}

// ---- epoll --------------------------------------------------------------------------------------

/** epoll_ctl(epfd, op, fd, ev): op in len, fd zero-extended in off. */
export function prepEpollCtl(sqes: DataView, at: number, epfd: number, fd: number, op: number, ev: U64): void {
  prepRw(sqes, at, IORING_OP_EPOLL_CTL, epfd, ev, op, fd >>> 0)
}

/** `events` is the address of `maxevents` struct epoll_event (see decodeEpollEvent). */
export function prepEpollWait(sqes: DataView, at: number, fd: number, events: U64, maxevents: number, flags: number): void {
  prepRw(sqes, at, IORING_OP_EPOLL_WAIT, fd, events, maxevents, 0)
  sqes.setUint32(at + SQE_RW_FLAGS, flags, true)
}

// ---- socket commands (IORING_OP_URING_CMD on a socket) -----------------------------------------------

/** SOCKET_URING_OP_* with getsockopt/setsockopt style arguments; `optval` is
 * an address. */
export function prepCmdSock(sqes: DataView, at: number, cmdOp: number, fd: number, level: number, optname: number, optval: U64, optlen: number): void {
  prepUringCmd(sqes, at, cmdOp, fd)
  writeU64(sqes, at + SQE_OPTVAL, optval, 'optval')
  sqes.setUint32(at + SQE_OPTNAME, optname, true)
  sqes.setUint32(at + SQE_OPTLEN, optlen, true)
  sqes.setUint32(at + SQE_LEVEL, level, true)
}
