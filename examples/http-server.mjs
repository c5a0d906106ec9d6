// node:http served over @iouring/net, and a client request.
//
// node:http parses requests from any stream handed to it as a connection.
// serveHttp(app) is an @iouring/net server that hands it every socket it
// accepts, so an ordinary http.createServer() app (an Express app's server
// too) runs on io_uring sockets without a change. Where io_uring is
// unavailable, serveHttp builds the same bridge on node:net.
import http from 'node:http'
import { once } from 'node:events'
import { serveHttp, connect } from '@iouring/net'

const app = http.createServer((req, res) => {
  res.setHeader('content-type', 'text/plain')
  res.end(`hello from node:http on @iouring/net: ${req.method} ${req.url}\n`)
})
const server = serveHttp(app)    // listen on this one; `app` itself never listens
server.listen(0, '127.0.0.1')
await once(server, 'listening')
const { port } = server.address()

// A keep-alive client whose sockets are @iouring/net's too: both requests go
// over one connection.
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
agent.createConnection = connect
const sockets = new Set()
for (const path of ['/', '/io_uring?answer=42']) {
  const request = http.get({ host: '127.0.0.1', port, path, agent })
  request.once('socket', (socket) => sockets.add(socket))
  const [response] = await once(request, 'response')
  response.setEncoding('utf8')
  let body = ''
  for await (const chunk of response) body += chunk
  console.log(`GET ${path}: ${response.statusCode} ${response.headers['content-type']}: ${body.trim()}`)
}

console.log(`connections used: ${sockets.size}`)

server.close()                   // stops accepting and closes app's idle keep-alive connections
await once(server, 'close')
console.log('server closed')
agent.destroy()
