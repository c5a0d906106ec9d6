// node:http on @iouring/net: node:http serves any stream it is handed as a
// 'connection'; this wires one of its servers to an @iouring/net Server.
import type { Server as HttpServer } from 'node:http'
import { Server, type ServerOpts } from './server.js'

/**
 * An @iouring/net Server whose connections node:http's server `app` serves
 * (http.createServer(handler), an Express or Fastify app's server): each
 * accepted socket is emitted to `app` as a 'connection'. `app` gets
 * 'listening' when this server does, so node:http tracks its connections
 * (headersTimeout, requestTimeout, closeAllConnections()); close() also
 * closes `app`'s idle keep-alive connections, as node:http's close() does.
 * Listen on the returned server; `app` itself never listens.
 */
export function serveHttp(app: HttpServer, options?: ServerOpts): Server {
  return new HttpBridge(app, options)
}

class HttpBridge extends Server {
  readonly #app: HttpServer

  constructor(app: HttpServer, options: ServerOpts | undefined) {
    super(options ?? {}, (socket) => app.emit('connection', socket))
    this.#app = app
    this.on('listening', () => app.emit('listening'))
  }

  override close(callback?: (err?: Error) => void): this {
    super.close(callback)
    this.#app.closeIdleConnections()
    return this
  }
}
