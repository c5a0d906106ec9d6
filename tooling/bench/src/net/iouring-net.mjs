// Where the net suites meet @iouring/net (issues 15 and 16): the one file that names its API beyond
// what node:net and node:dgram have. BENCH_NET_MODULE=<specifier> runs the @iouring/net rows on
// another module of the same shape (BENCH_NET_MODULE=node:net checks the rows' plumbing); rows that
// need what that module lacks print why they are skipped.

export const IOURING_NET = process.env.BENCH_NET_MODULE || '@iouring/net'

export const hooks = {
  /**
   * `(net, { threads, balance, handler })` → a node:net-shaped Server, not yet listening, that
   * serves one address from `threads` worker threads, each with its own ring. `balance` is
   * 'reusePort' (a SO_REUSEPORT listener per thread) or 'msgRingFd' (one thread accepts and hands
   * each connection to a worker with msgRingFd). Each worker runs the function `handler.name`
   * exported by the module at `handler.url` (a file: URL) on its connections.
   */
  threadedServer: (net, { threads, balance, handler }) => net.createServer({ threads, balance, handler: handler.url, handlerExport: handler.name, noDelay: true }),
  /** `(net, enabled)` → the createServer options that turn zero-copy sends (SEND_ZC from 64 KiB) on or off. */
  zeroCopyOptions: (net, enabled) => ({ zeroCopyThreshold: enabled ? 64 * 1024 : 0 }),
}

/** What each @iouring/net row needs, and the reason it is skipped without it. */
const needs = {
  createServer: (net) => typeof net.createServer === 'function' || `${IOURING_NET} has no createServer`,
  createSocket: (net) => typeof net.createSocket === 'function' || `${IOURING_NET} has no createSocket`,
  threadedServer: (net) => typeof net.ThreadedServer === 'function' || `${IOURING_NET} has no servers across worker threads (ThreadedServer)`,
  zeroCopyOptions: (net) => typeof net.ThreadedServer === 'function' || `${IOURING_NET} has no zero-copy sends (zeroCopyThreshold)`,
}

/** The module, or `undefined` when it is not there to import (not built; a broken build still throws). */
export async function importIouringNet() {
  try {
    return await import(IOURING_NET)
  } catch (err) {
    if (err.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes(`'${IOURING_NET}'`)) return undefined
    throw err
  }
}

/** Why a row that needs `need` (a key of `needs`) cannot run on `net` (importIouringNet's result), or undefined when it can. */
export function missing(net, need) {
  if (net === undefined) return '@iouring/net not built yet'
  const have = needs[need](net)
  return have === true ? undefined : have
}
