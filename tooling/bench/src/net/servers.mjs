// The servers of the net suites other than the HTTP responder (responder.mjs). Each is made from
// the createServer (node:net's shape) or createSocket (node:dgram's shape) it is given, so one
// server runs on node:net or on @iouring/net. c/netfloor.c's `echo` mode is the TCP echo in C.
import http from 'node:http'

const BODY = 'Hello, World!'

// A client that leaves with bytes unsent resets the connection; the socket is destroyed already.
const ignore = () => {}

/** A TCP server that sends back what arrives, in order, reading no faster than the peer takes it back. */
export function createEchoServer(createServer) {
  return createServer({ noDelay: true }, (socket) => {
    socket.pipe(socket)
    socket.on('error', ignore)
  })
}

/** A 'udp4' socket that sends every datagram back to its sender; not yet bound. */
export function createUdpEcho(createSocket) {
  const socket = createSocket('udp4')
  socket.on('message', (message, from) => socket.send(message, from.port, from.address))
  return socket
}

/**
 * A TCP server that writes `size`-byte chunks to every connection for as long as it stays open,
 * as fast as the peer reads them (write until it returns false, then wait for 'drain').
 * `options` go to createServer (e.g. @iouring/net's zero-copy switch).
 */
export function createWriter(createServer, size, options = {}) {
  const chunk = Buffer.alloc(size, 0x5a)
  return createServer({ noDelay: true, ...options }, (socket) => {
    const pump = () => {
      while (socket.writable && socket.write(chunk));
    }
    socket.on('drain', pump)
    socket.on('error', ignore)
    pump()
  })
}

/**
 * node:http answering every request with the responder's body. Without `createServer`, node:http's
 * own server; with it, a server of that implementation whose connections are handed to node:http
 * (the documented way to run node:http on other sockets: emit 'connection').
 */
export function createHttpServer(createServer) {
  const server = http.createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': BODY.length })
    res.end(BODY)
  })
  if (createServer === undefined) return server
  return createServer({ noDelay: true }, (socket) => server.emit('connection', socket))
}
