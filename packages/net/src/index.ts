/**
 * @iouring/net: node:net's Server and Socket and node:dgram's UDP socket on
 * io_uring, and the socket operations as promises on any ring. Where io_uring
 * cannot carry them (fallback.ts), Server, Socket, UdpSocket and the functions
 * making them are node:net's and node:dgram's.
 *
 * @module @iouring/net
 */
import * as dgram from 'node:dgram'
import * as nodeNet from 'node:net'
import { Server as RingServer, type ServerOpts } from './server.js'
import { Socket as RingSocket, type SocketConnectOpts, type SocketConstructorOpts } from './socket.js'
import { UdpSocket as RingUdpSocket, createSocket as createRingSocket } from './dgram.js'
import { normalizeArgs } from './args.js'
import { fallsBack } from './fallback.js'
import { httpServing } from './http.js'
import { ThreadedServer, type ThreadedServerOpts } from './threads.js'

/** node:net's Server on io_uring; node:net's own where @iouring/net falls back. */
export const Server = (fallsBack ? nodeNet.Server : RingServer) as typeof RingServer
export type Server = RingServer
/** node:net's Socket on io_uring; node:net's own where @iouring/net falls back. */
export const Socket = (fallsBack ? nodeNet.Socket : RingSocket) as typeof RingSocket
export type Socket = RingSocket
/**
 * serveHttp(app[, options]): a Server whose connections node:http's server `app` serves (each accepted socket
 * is emitted to `app` as a 'connection'); listen on the returned server, not on `app`.
 */
export const serveHttp = httpServing(Server)
export type { ServerOpts, ListenOptions, DropArgument } from './server.js'
export { ThreadedServer } from './threads.js'
export type { ThreadedServerOpts, Balance } from './threads.js'
export type { SocketConstructorOpts, SocketConnectOpts, TcpSocketConnectOpts, IpcSocketConnectOpts } from './socket.js'
export type { AddressInfo, LookupFunction } from './address.js'
export { SocketOperations, sockets } from './operations.js'
export type { SocketTarget, SendOptions, RecvOptions, RecvMultishotOptions, AcceptOptions, Accepted, OutgoingMessage, IncomingMessage, IncomingChunk, Take } from './operations.js'
export { setReceiveBuffers } from './context.js'
export type { ReceiveBufferOptions } from './context.js'
/** node:dgram's Socket on io_uring; node:dgram's own where @iouring/net falls back. */
export const UdpSocket = (fallsBack ? dgram.Socket : RingUdpSocket) as typeof RingUdpSocket
export type UdpSocket = RingUdpSocket
/** A new UDP socket, as node:dgram's createSocket(type[, listener]) or createSocket(options[, listener]); node:dgram's own where @iouring/net falls back. */
export const createSocket = (fallsBack ? dgram.createSocket : createRingSocket) as typeof createRingSocket
export type { UdpSocketOptions, UdpSocketType, BindOptions, RemoteInfo, DgramLookupFunction } from './dgram.js'
export { setDatagramBuffers } from './dgram-receive.js'
export type { DatagramBufferOptions } from './dgram-receive.js'
export { isIP, isIPv4, isIPv6 } from 'node:net'

/**
 * A new Server, as node:net's createServer([options][, connectionListener]).
 * With `options.threads`, a ThreadedServer: its connections are served by
 * that many worker threads, each calling `options.handler`'s export.
 */
export function createServer(options: ThreadedServerOpts): ThreadedServer
export function createServer(connectionListener?: (socket: Socket) => void): Server
export function createServer(options?: ServerOpts, connectionListener?: (socket: Socket) => void): Server
export function createServer(options?: ServerOpts | ThreadedServerOpts | ((socket: Socket) => void), connectionListener?: (socket: Socket) => void): Server | ThreadedServer {
  if (options !== null && typeof options === 'object' && 'threads' in options && options.threads !== undefined) return new ThreadedServer(options, connectionListener)
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
  if (fallsBack) return Reflect.apply(nodeNet.connect, undefined, args)
  const [options] = normalizeArgs(args)
  const socket = new Socket(options as SocketConstructorOpts)
  return (socket.connect as (...a: unknown[]) => Socket)(...args)
}

/** The same as connect(). */
export const createConnection = connect
