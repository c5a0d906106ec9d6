// The minimal keep-alive HTTP/1.1 responder of the net suites: every request gets the same fixed
// response, in order. A request is a header block ending in a blank line, with no body (what both
// load generators send); requests may come pipelined and split anywhere. c/netfloor.c's `http` mode
// is the same responder in C. The server comes from whichever createServer it is given (node:net's
// or @iouring/net's), so the rows compare socket layers, not responders.

/** The response to every request; c/netfloor.c sends the same bytes. */
export const RESPONSE = Buffer.from('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n\r\nHello, World!')

const CR = 13
const END_OF_REQUEST = [CR, 10, CR, 10] // \r\n\r\n

/** Answers every request that arrives on `socket` (a node:net-shaped Socket). */
export function respond(socket) {
  let matched = 0 // how much of END_OF_REQUEST the bytes so far end with
  socket.on('data', (chunk) => {
    let requests = 0
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i]
      if (byte === END_OF_REQUEST[matched]) {
        if (++matched === 4) {
          requests++
          matched = 0
        }
      } else {
        matched = byte === CR ? 1 : 0
      }
    }
    if (requests === 1) socket.write(RESPONSE)
    else if (requests > 1) socket.write(Buffer.concat(Array(requests).fill(RESPONSE)))
  })
  // A client that leaves with a response unsent resets the connection; the socket is destroyed already.
  socket.on('error', () => {})
}

/** The responder as a server made by `createServer` (node:net's shape), not yet listening. */
export function createResponder(createServer) {
  return createServer({ noDelay: true }, respond)
}
