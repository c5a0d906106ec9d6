// @iouring/net: node:net's Server and Socket on io_uring, and the socket
// operations as promises on any ring.
import { Server, type ServerOpts } from './server.js'
import { Socket, type SocketConnectOpts, type SocketConstructorOpts } from './socket.js'
import { normalizeArgs } from './args.js'

export { Server } from './server.js'
export type { ServerOpts, ListenOptions, DropArgument } from './server.js'
export { Socket } from './socket.js'
export { serveHttp } from './http.js'
export type { SocketConstructorOpts, SocketConnectOpts, TcpSocketConnectOpts, IpcSocketConnectOpts } from './socket.js'
export type { AddressInfo, LookupFunction } from './address.js'
export { SocketOperations, sockets } from './operations.js'
export type { SocketTarget, SendOptions, RecvOptions, AcceptOptions, Accepted, OutgoingMessage, IncomingMessage, IncomingChunk, Take } from './operations.js'
export { setReceiveBuffers } from './context.js'
export type { ReceiveBufferOptions } from './context.js'
export { isIP, isIPv4, isIPv6 } from 'node:net'

/** A new Server, as node:net's createServer([options][, connectionListener]). */
export function createServer(connectionListener?: (socket: Socket) => void): Server
export function createServer(options?: ServerOpts, connectionListener?: (socket: Socket) => void): Server
export function createServer(options?: ServerOpts | ((socket: Socket) => void), connectionListener?: (socket: Socket) => void): Server {
  return new Server(options as ServerOpts, connectionListener)
}

/**
 * A new Socket, connecting: connect(options[, listener]), connect(path[,
 * listener]), connect(port[, host][, listener]), as node:net's.
 */
export function connect(options: SocketConnectOpts & SocketConstructorOpts, connectionListener?: () => void): Socket
export function connect(port: number, host?: string, connectionListener?: () => void): Socket
export function connect(path: string, connectionListener?: () => void): Socket
export function connect(...args: unknown[]): Socket {
  const [options] = normalizeArgs(args)
  const socket = new Socket(options as SocketConstructorOpts)
  return (socket.connect as (...a: unknown[]) => Socket)(...args)
}

/** The same as connect(). */
export const createConnection = connect
