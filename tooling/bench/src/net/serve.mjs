// A server process of the net suites: `node serve.mjs <kind> <options as JSON>` listens on
// 127.0.0.1 at an ephemeral port, prints "listening <port>" and serves until it is killed.
// options.net names the module whose createServer or createSocket the server runs on
// ('node:net', 'node:dgram', '@iouring/net'); the 'http' kind without it is node:http's own server.
import { createResponder } from './responder.mjs'
import { hooks } from './iouring-net.mjs'
import { createEchoServer, createHttpServer, createUdpEcho, createWriter } from './servers.mjs'

const [kind, json] = process.argv.slice(2)
const options = JSON.parse(json)
const net = options.net === undefined ? undefined : await import(options.net)

const kinds = {
  responder: () => createResponder(net.createServer),
  http: () => createHttpServer(net?.createServer),
  echo: () => createEchoServer(net.createServer),
  udp: () => createUdpEcho(net.createSocket),
  writer: () => createWriter(net.createServer, options.size, options.zeroCopy === undefined ? {} : hooks.zeroCopyOptions(net, options.zeroCopy)),
  threads: () => hooks.threadedServer(net, {
    threads: options.threads,
    balance: options.balance,
    handler: { url: new URL('./responder.mjs', import.meta.url).href, name: 'respond' },
  }),
}

const server = kinds[kind]()
const ready = () => console.log(`listening ${server.address().port}`)
if (kind === 'udp') server.bind(0, '127.0.0.1', ready)
else server.listen(0, '127.0.0.1', ready)
