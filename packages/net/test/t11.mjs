import * as nodeNet from 'node:net'
import { once } from 'node:events'
import * as ours from '@iouring/net'
const impl = process.argv[2] === 'node' ? nodeNet : ours
const size = Number(process.argv[3] ?? 16384)
const server = impl.createServer({ noDelay: true }, (s) => s.pipe(s))
server.listen(0, '127.0.0.1'); await once(server, 'listening')
const c = nodeNet.connect(server.address().port, '127.0.0.1'); c.setNoDelay(true)
await once(c, 'connect')
const msg = Buffer.alloc(size, 1)
let got = 0, rounds = 0
const t = performance.now()
await new Promise((resolve) => {
  c.on('data', (d) => { got += d.length; if (got >= size) { got -= size; if (++rounds === 2000) return resolve(); c.write(msg) } })
  c.write(msg)
})
console.log(process.argv[2], size, 'rtt us', ((performance.now() - t) / rounds * 1000).toFixed(1))
c.destroy(); server.close()
