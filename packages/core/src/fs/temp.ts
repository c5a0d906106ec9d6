// mkdtempDisposable on a mkdtemp: the ring's (promises.ts), or
// node:fs/promises's where the facade falls back on a Node.js before 24.
import { rm } from 'node:fs/promises'
import type { BufferEncodingOption, EncodingOption } from 'node:fs'
import { resolve } from 'node:path'
import type { PathLike } from './path.js'

/** What mkdtempDisposable resolves to: the directory, and how to remove it with all it holds. */
export interface DisposableTempDir extends AsyncDisposable {
  /** The directory's path. */
  readonly path: string | Buffer
  /** Removes the directory and what is in it (rm recursive, force). */
  remove(): Promise<void>
}

/** A mkdtemp: its prefix may be a string, Buffer or URL, as node:fs's (whose types say string only). */
export type MakeTemp = (prefix: PathLike, options?: EncodingOption | BufferEncodingOption) => Promise<string | Buffer>

/**
 * mkdtempDisposable made of `makeTemp`: disposing or remove() deletes the
 * directory and what it holds (nothing if it is gone); the path is resolved
 * against the working directory of the moment it was made.
 */
export function disposableWith(makeTemp: MakeTemp): (prefix: PathLike, options?: EncodingOption | BufferEncodingOption) => Promise<DisposableTempDir> {
  return async function mkdtempDisposable(prefix, options) {
    const path = await makeTemp(prefix, options)
    const fullPath = resolve(typeof path === 'string' ? path : path.toString())
    const remove = async (): Promise<void> => {
      await rm(fullPath, { recursive: true, force: true })
    }
    return {
      __proto__: null,
      path,
      remove,
      async [Symbol.asyncDispose]() {
        await remove()
      },
    } as unknown as DisposableTempDir
  }
}
