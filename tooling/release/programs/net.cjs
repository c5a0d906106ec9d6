'use strict'
// Installed next to @iouring/net alone (from its tarball) and run there, as
// CommonJS: an echo round trip over TCP on 127.0.0.1 on the thread's ring.
// Prints what it saw, and what the kernel says the process held (rings, the
// addon it loaded), as one JSON line.
const { createServer, connect } = require('@iouring/net')
const { loadedAddons, openRings } = require('./observe.cjs')

const message = 'echoed through io_uring'

async function main() {
  const esm = await import('@iouring/net')
  const server = createServer((socket) => socket.pipe(socket))
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)))
  /** @type {Buffer[]} */
  const chunks = []
  let rings
  await new Promise((resolve, reject) => {
    const { port } = /** @type {import('node:net').AddressInfo} */ (server.address())
    const client = connect(port, '127.0.0.1', () => {
      rings = openRings()
      client.end(message)
    })
    client.on('data', (chunk) => chunks.push(chunk))
    client.on('error', reject)
    client.on('close', resolve)
  })
  await new Promise((resolve) => server.close(resolve))
  console.log(JSON.stringify({
    echoed: Buffer.concat(chunks).toString(),
    rings,
    esmLoads: typeof esm.createServer === 'function' && typeof esm.Socket === 'function',
    addons: loadedAddons(),
  }))
}

main().catch((err) => {
  console.error(err)
  process.exitCode = 1
})
