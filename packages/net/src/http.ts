// node:http on @iouring/net: node:http serves any stream it is handed as a
// 'connection'; this wires one of its servers to an @iouring/net Server.
import type { Server as HttpServer } from 'node:http'
import type { Server, ServerOpts } from './server.js'

/**
 * serveHttp on servers of class `Base`: @iouring/net's Server, or node:net's
 * where @iouring/net falls back (index.ts).
 */
export function httpServing(Base: typeof Server): (app: HttpServer, options?: ServerOpts) => Server {
  class HttpBridge extends Base {
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

  /**
   * A Server whose connections node:http's server `app` serves
   * (http.createServer(handler), an Express or Fastify app's server): each
   * accepted socket is emitted to `app` as a 'connection'. `app` gets
   * 'listening' when this server does, so node:http tracks its connections
   * (headersTimeout, requestTimeout, closeAllConnections()); close() also
   * closes `app`'s idle keep-alive connections, as node:http's close() does.
   * Listen on the returned server; `app` itself never listens.
   */
  return function serveHttp(app: HttpServer, options?: ServerOpts): Server {
    return new HttpBridge(app, options)
  }
}
