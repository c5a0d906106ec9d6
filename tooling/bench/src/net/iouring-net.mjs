// Where the net suites meet @iouring/net (issues 15 and 16): the one file that names its API.
// Until the package can be imported from tooling/bench, its rows print "skipped: @iouring/net not
// built yet". To plug it in:
//   1. add "@iouring/net": "workspace:*" to tooling/bench/package.json and run pnpm install;
//   2. the issue-15 rows then run as they are: they call @iouring/net's createServer exactly as
//      node:net's (responder.mjs, servers.mjs), and the UDP row its createSocket as node:dgram's;
//   3. for issue 16, fill in `threadedServer` and `zeroCopyOptions` below.
// BENCH_NET_MODULE=<specifier> runs the @iouring/net rows on another module of the same shape
// (BENCH_NET_MODULE=node:net checks the rows' plumbing today).

export const IOURING_NET = process.env.BENCH_NET_MODULE || '@iouring/net'

export const hooks = {
  /**
   * Issue 16: `(net, { threads, balance, handler })` → a node:net-shaped Server, not yet listening,
   * that serves one address from `threads` worker threads, each with its own ring. `balance` is
   * 'reusePort' (a SO_REUSEPORT listener per thread) or 'msgRingFd' (one thread accepts and hands
   * each connection to a worker with msgRingFd). Each worker runs the function `handler.name`
   * exported by the module at `handler.url` (a file: URL) on its connections. `net` is the
   * imported @iouring/net. Undefined until the package has such servers; its rows say so.
   */
  threadedServer: (net, { threads, balance, handler }) => net.createServer({ threads, balance, handler: handler.url, handlerExport: handler.name, noDelay: true }),
  /**
   * Issue 16: `(net, enabled)` → the createServer options that turn zero-copy sends (SEND_ZC above
   * the package's threshold) on or off. Undefined until the package has them; its rows say so.
   */
  zeroCopyOptions: (net, enabled) => ({ zeroCopyThreshold: enabled ? 64 * 1024 : 0 }),
}

/** What each @iouring/net row needs, and the reason it is skipped without it. */
const needs = {
  createServer: (net) => typeof net.createServer === 'function' || `${IOURING_NET} has no createServer`,
  createSocket: (net) => typeof net.createSocket === 'function' || `${IOURING_NET} has no createSocket (issue 16)`,
  threadedServer: () => hooks.threadedServer !== undefined || 'hooks.threadedServer in src/net/iouring-net.mjs is not filled in (issue 16)',
  zeroCopyOptions: () => hooks.zeroCopyOptions !== undefined || 'hooks.zeroCopyOptions in src/net/iouring-net.mjs is not filled in (issue 16)',
}

/** The module, or `undefined` when it is not there to import (a broken build still throws). */
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
