import { createResponder } from '/work/wt/core/tooling/bench/src/net/responder.mjs'
const net = await import(process.argv[2])
const server = createResponder(net.createServer)
server.listen(0, '127.0.0.1', () => console.log('listening ' + server.address().port))
process.on('SIGINT', () => process.exit(0))
