// Where the worker threads' entry is. A .cts file compiles to CommonJS in
// both builds, so __dirname is this file's folder in dist/esm and dist/cjs
// alike (import.meta cannot be written in a source both builds share).
import { join } from 'node:path'

/**
 * The worker threads' entry: the ES module build's in both builds, so that a
 * connection handler may be an ES module (the CommonJS build's import()
 * would become require()).
 */
export const workerEntry = join(__dirname, '..', 'esm', 'worker.js')
