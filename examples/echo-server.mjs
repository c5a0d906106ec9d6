// A TCP echo server on @iouring/net, and a client that talks to it.
//
// The API is node:net's: createServer, connect, sockets that are streams. Under
// it, the server accepts every connection with one multishot accept request,
// and each socket receives with one multishot receive into a buffer ring its
// ring's sockets share (the kernel picks a buffer as data arrives). What one
// tick of the event loop sends and receives goes to the kernel in one system
// call. Where io_uring is unavailable, @iouring/net is node:net, and this runs
// the same (with a warning saying why).
import { once } from 'node:events'
import { createInterface } from 'node:readline'
import { createServer, connect } from '@iouring/net'

const server = createServer((socket) => {
  console.log(`server: a connection from ${socket.remoteAddress}`)
  socket.pipe(socket)   // echo: whatever arrives is written back
  socket.on('end', () => console.log('server: the client ended the connection'))
})
server.listen(0, '127.0.0.1')
await once(server, 'listening')
const { port } = server.address()
console.log('server: listening on 127.0.0.1')

const client = connect(port, '127.0.0.1')
await once(client, 'connect')
// TCP is a byte stream: read it back line by line, however it was cut up.
const lines = createInterface({ input: client })[Symbol.asyncIterator]()
for (const line of ['hello', 'io_uring', 'goodbye']) {
  client.write(`${line}\n`)
  const { value: echo } = await lines.next()
  console.log(`client: sent "${line}", got back "${echo}"`)
}
client.end()             // no more to send: the server's socket sees the end and ends too
await once(client, 'close')
server.close()           // stop accepting; 'close' once no connection is left
await once(server, 'close')
console.log('server: closed')
